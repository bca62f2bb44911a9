"""Search: the built site indexed by Pagefind (as `make html` does), served on 127.0.0.1 under
the Content-Security-Policy the search page needs, searched in Debian's Chromium through
Playwright, at the domain root and under a sub-path (a GitHub project site).

Needs what tests/test_browser.py needs: /usr/bin/chromium and node_modules/axe-core."""

from __future__ import annotations

import gzip
import json
import threading
from datetime import datetime
from functools import partial
from http.server import ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

import pytest
from conftest import Site
from playwright.sync_api import expect
from test_browser import (  # noqa: F401 - browser is a fixture
    AXE,
    LOCAL_HOST,
    MATH_PAPER,
    MATH_SLUG,
    SCHEMES,
    SCREENSHOTS,
    RecordingHandler,
    browser,
    console_error,
    new_context,
)

from dailypapers import posts

pytestmark = [pytest.mark.browser]

# What the search page needs: Pagefind runs WebAssembly ('wasm-unsafe-eval'); everything else,
# its script, worker, index and styles, comes from the site itself.
CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: https:"
SUBPATH = "repo"  # https://user.github.io/repo/
GROKKING = "Where to find Grokking in LLM Pretraining? Monitor Memorization-to-Generalization without Test"


class CSPHandler(RecordingHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("search") / "site")
    site.import_fixtures(
        ("hf-papers-textcopy-2026-01-07.txt", "2026-01-08"),
        ("hfapi_2026-05-11.json", "2026-05-12"),
        ("hfapi_2024-05-28.json", "2024-05-29"),
    )
    post = posts.post_from_paper(MATH_PAPER, MATH_SLUG, ["Language Models", "Efficiency", "Long Context"])
    (site.content / "papers/2026/05/11" / f"{MATH_SLUG}.md").write_text(posts.render(post), encoding="utf-8")
    site.build()
    site.papers("index")  # as `make html` does
    # The same files under a sub-path, as GitHub Pages serves a project site.
    (site.root / "www").mkdir()
    (site.root / "www" / SUBPATH).symlink_to(site.output)
    return site


def all_posts(site: Site) -> list[posts.Post]:
    return [posts.parse(path.read_text(encoding="utf-8")) for path in site.post_files()]


@pytest.fixture(scope="module")
def servers(site):
    """Base URLs: the site at the root of one server, and under /repo/ on another."""
    running, urls = [], {}
    for name, folder, prefix in (("root", site.output, ""), ("subpath", site.root / "www", f"{SUBPATH}/")):
        server = ThreadingHTTPServer((LOCAL_HOST, 0), partial(CSPHandler, directory=str(folder)))
        server.answered = []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append(server)
        urls[name] = f"http://{LOCAL_HOST}:{server.server_address[1]}/{prefix}"
    yield urls
    for server in running:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def requested():
    return []


@pytest.fixture(scope="module")
def errors():
    return []


@pytest.fixture
def page(browser, requested, errors):
    context = new_context(browser, requested, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda message: console_error(message, errors))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()


def result_titles(page) -> list[str]:
    return page.locator("#search-results .paper-title").all_inner_texts()


def search_for(page, url: str, query: str) -> None:
    page.goto(url + "search/")
    page.locator("#search-query").fill(query)
    expect(page.locator("#search-status")).to_contain_text("found")


def test_only_paper_pages_are_indexed_a_bundle_per_year(site):
    counts = {}
    for path in site.post_files():
        year = path.relative_to(site.content / "papers").parts[0]
        counts[year] = counts.get(year, 0) + 1
    assert sorted(p.name for p in (site.output / "pagefind").iterdir()) == sorted(counts) == ["2024", "2026"]
    for year, count in counts.items():
        entry = json.loads((site.output / "pagefind" / year / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["version"] == "1.5.2"
        assert entry["languages"]["en"]["page_count"] == count


def indexed_pages(site: Site) -> dict[str, dict]:
    """What Pagefind stored of each page, by URL: its fragment files are gzip of a marker
    followed by JSON."""
    pages = {}
    for path in (site.output / "pagefind").glob("*/fragment/*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{"):])
        pages[fragment["url"]] = fragment
    return pages


def test_the_index_holds_the_paper_not_the_page_furniture(site):
    """pagefind.yml leaves out headings, the facts list and the BibTeX entry: a search for
    "abstract", "upvotes" or "arXiv" must not match every paper."""
    fragment = indexed_pages(site)[f"/2026/05/11/{MATH_SLUG}/"]
    content = fragment["content"]
    assert "Million-Token Contexts" in content and "routed sparse attention" in content
    for furniture in ("Abstract", "Upvotes", "Daily Papers", "arXiv abstract", "@misc", "archivePrefix"):
        assert furniture not in content, furniture
    # What the excluded parts carry for Pagefind still counts.
    assert fragment["meta"]["day"] == "May 11, 2026" and fragment["filters"]["year"] == ["2026"]
    assert sorted(fragment["filters"]["tag"]) == ["Efficiency", "Language Models", "Long Context"]


def test_a_query_finds_its_paper_first(page, servers, site):
    search_for(page, servers["root"], "grokking")
    first = page.locator("#search-results > li").first
    assert first.locator(".paper-title").inner_text() == GROKKING
    assert first.locator(".meta").inner_text() == "January 7, 2026"
    post = next(p for p in all_posts(site) if p.meta["title"] == GROKKING)
    assert first.locator(".tags li").all_inner_texts() == post.meta["tags"]
    assert first.locator(".summary mark").first.inner_text().lower() == "grokking"
    assert page.url.endswith("/search/?q=grokking")  # a search is a link


def test_the_abstract_is_searched_too(page, servers):
    search_for(page, servers["root"], "routed sparse attention")
    assert result_titles(page)[0] == MATH_PAPER.title
    page.locator("#search-results a").first.click()
    assert page.url == servers["root"] + f"2026/05/11/{MATH_SLUG}/"


def test_the_header_box_opens_the_search_page(page, servers):
    page.goto(servers["root"] + "2026/01/07/")
    page.get_by_role("searchbox", name="Search papers").fill("grokking")
    page.keyboard.press("Enter")
    expect(page.locator("#search-status")).to_contain_text("found")
    assert page.url == servers["root"] + "search/?q=grokking"
    assert page.locator("#search-query").input_value() == "grokking"
    assert result_titles(page)[0] == GROKKING


def test_tag_and_year_filters(page, servers, site):
    papers = all_posts(site)
    tagged = sorted(p.meta["title"] for p in papers if "Image Generation" in p.meta["tags"])
    in_2024 = [p for p in papers if str(p.meta["date"]).startswith("2024")]
    assert len(tagged) > 1 and len(in_2024) > 1
    search_for(page, servers["root"], "seed")
    everywhere = result_titles(page)
    page.get_by_label("Tag", exact=True).select_option("Image Generation")
    expect(page.locator("#search-results > li")).not_to_have_count(len(everywhere))
    assert set(result_titles(page)) == set(everywhere) & set(tagged) != set()
    assert page.url.endswith("/search/?q=seed&tag=Image+Generation")
    page.locator("#search-query").fill("")  # a filter alone lists its papers
    expect(page.locator("#search-status")).to_have_text(f"{len(tagged)} papers found")
    assert sorted(result_titles(page)) == tagged
    for tags in page.locator("#search-results .tags").all():
        assert "Image Generation" in tags.locator("li").all_inner_texts()

    page.goto(servers["root"] + "search/?year=2024")
    expect(page.locator("#search-status")).to_have_text(f"{len(in_2024)} papers found")
    assert page.get_by_label("Year", exact=True).input_value() == "2024"
    assert all(day.endswith(", 2024") for day in page.locator("#search-results .meta").all_inner_texts())


def test_a_filter_alone_lists_papers_newest_first_across_years(page, servers, site):
    """Each year's bundle returns its own papers; merged, they must still read newest first."""
    by_tag: dict[str, list] = {}
    for post in all_posts(site):
        for tag in post.meta["tags"]:
            by_tag.setdefault(tag, []).append(post.meta["date"])
    tag, days = max(by_tag.items(), key=lambda item: (len({d.year for d in item[1]}), len(item[1])))
    assert len({d.year for d in days}) == 2, "the fixtures give no tag in both years"
    page.goto(servers["root"] + "search/?" + urlencode({"tag": tag}))
    expect(page.locator("#search-status")).to_have_text(f"{len(days)} papers found")
    items = page.locator("#search-results > li")
    while (shown := items.count()) < len(days):  # 20 at a time
        page.locator("#search-more").click()
        expect(items).not_to_have_count(shown)
    listed = [datetime.strptime(text, "%B %d, %Y").date() for text in page.locator("#search-results .meta").all_inner_texts()]
    assert listed == sorted(days, reverse=True)


def test_search_works_under_a_sub_path(page, servers):
    search_for(page, servers["subpath"], "grokking")
    page.locator("#search-results a").first.click()
    assert urlsplit(page.url).path.startswith(f"/{SUBPATH}/2026/01/07/")
    assert page.get_by_role("heading", level=1).inner_text() == GROKKING


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_violations_on_the_search_page(browser, servers, requested, errors, scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, requested, viewport={"width": 360, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.on("console", lambda message: console_error(message, errors))
    page.goto(servers["root"] + "search/?q=language+models&tag=Efficiency")
    expect(page.locator("#search-results > li").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"search-360-{scheme}.png", full_page=True)
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []


def test_without_javascript_the_box_is_a_link(browser, servers, requested):
    context = new_context(browser, requested, java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(servers["root"] + "2026/01/07/")
    assert not page.locator("form.search-box").is_visible()
    page.get_by_role("link", name="Search", exact=True).click()
    assert page.url == servers["root"] + "search/"
    assert not page.locator("#search-form").is_visible()
    assert page.get_by_role("link", name="tag", exact=True).is_visible()  # the <noscript> note points elsewhere
    page.screenshot(path=SCREENSHOTS / "search-360-no-javascript.png", full_page=True)
    context.close()


def test_with_javascript_the_header_has_a_box_not_a_link(page, servers):
    page.goto(servers["root"])
    assert page.get_by_role("searchbox", name="Search papers").is_visible()
    assert not page.locator("a.search-link").is_visible()


# These run last: they check what every test above did.


def test_no_console_errors(errors):
    assert errors == []


def test_no_request_leaves_the_local_server(requested):
    assert any("/pagefind/" in url for url in requested)
    assert sorted({url for url in requested if urlsplit(url).hostname != LOCAL_HOST}) == []
