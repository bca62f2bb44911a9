"""Search: the built site indexed by Pagefind (as `make html` does, in three bundles here so
that merging them is tested), served on 127.0.0.1 under the Content-Security-Policy the search
page needs, searched in Debian's Chromium through Playwright, at the domain root and under a
sub-path (a GitHub project site). Queries of every kind a reader types (arXiv ids, exact
titles, a surname and a title word, two abstract words) are drawn from the fixtures by
scripts/search_quality.py, which measures the same on the real archive.

Needs what tests/test_browser.py needs: /usr/bin/chromium and node_modules/axe-core."""

from __future__ import annotations

import json
import re
import sys
import threading
from datetime import datetime
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
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
    THUMBNAIL_HOST,
    RecordingHandler,
    browser,
    console_error,
    new_context,
)

from dailypapers import posts
from dailypapers.site.search import site_records
from dailypapers.site.searchrecords import surname
from dailypapers.site.text import to_plain

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from search_quality import queries  # noqa: E402

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
    # As `make html` does, with bundles small enough that each month is one of its own.
    site.papers("index", "--bundle-papers", "45")
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


def show_all(page) -> None:
    """Click "More results" until every result is listed."""
    items = page.locator("#search-results > li")
    while page.locator("#search-more").is_visible():
        shown = items.count()
        page.locator("#search-more").click()
        expect(items).not_to_have_count(shown)


def search_for(page, url: str, query: str) -> None:
    page.goto(url + "search/")
    page.locator("#search-query").fill(query)
    expect(page.locator("#search-status")).to_contain_text("found")


def records(site: Site):
    return site_records(site.output)


def test_each_month_is_a_bundle_here(site):
    names = sorted(p.name for p in (site.output / "pagefind").iterdir())
    assert names == ["2024-05", "2026-01", "2026-05", "facets.json", "routes", "title-words.txt"]


def test_a_query_finds_its_paper_first(page, servers, site):
    search_for(page, servers["root"], "grokking")
    first = page.locator("#search-results > li").first
    assert first.locator(".paper-title").inner_text() == GROKKING
    post = next(p for p in all_posts(site) if p.meta["title"] == GROKKING)
    assert first.locator(".meta").inner_text() == f"January 7, 2026 · {post.meta['upvotes']} upvotes"
    assert first.locator(".tags li").all_inner_texts() == post.meta["tags"]
    # The excerpt is the abstract's, its matched words marked (not the title's).
    excerpt = first.locator(".summary")
    assert excerpt.locator("mark").first.inner_text().lower() == "grokking"
    assert GROKKING not in excerpt.inner_text()
    assert page.url.endswith("/search/?q=grokking")  # a search is a link


def test_the_abstract_is_searched_too(page, servers):
    search_for(page, servers["root"], "routed sparse attention")
    # The title as on its page: its math rendered to MathML.
    title = page.locator("#search-results .paper-title").first
    assert title.inner_text().startswith("Sparse Attention in") and title.locator("math").count() == 1
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
    # As a result row shows a title: its TeX and dashes rendered (Mean--Variance as Mean–Variance).
    tagged = sorted(to_plain(p.meta["title"]) for p in papers if "Image Generation" in p.meta["tags"])
    in_2024 = [p for p in papers if str(p.meta["date"]).startswith("2024")]
    assert len(tagged) > 1 and len(in_2024) > 1
    search_for(page, servers["root"], "seed")
    show_all(page)
    everywhere = result_titles(page)
    page.get_by_label("Tag", exact=True).select_option("Image Generation")
    expect(page.locator("#search-results > li")).not_to_have_count(len(everywhere))
    show_all(page)
    assert set(result_titles(page)) == set(everywhere) & set(tagged) != set()
    assert page.url.endswith("/search/?q=seed&tag=Image+Generation")
    page.locator("#search-query").fill("")  # a filter alone lists its papers
    expect(page.locator("#search-status")).to_have_text(f"{len(tagged)} papers found")
    show_all(page)
    assert sorted(result_titles(page)) == tagged
    for tags in page.locator("#search-results .tags").all():
        assert "Image Generation" in tags.locator("li").all_inner_texts()

    page.goto(servers["root"] + "search/?year=2024")
    expect(page.locator("#search-status")).to_have_text(f"{len(in_2024)} papers found")
    assert page.get_by_label("Year", exact=True).input_value() == "2024"
    assert all(day.endswith(", 2024") for day in page.locator("#search-results .day").all_inner_texts())


def test_a_filter_alone_lists_papers_newest_first_across_bundles(page, servers, site):
    """Each bundle returns its own papers; merged, they must still read newest first."""
    by_tag: dict[str, list] = {}
    for post in all_posts(site):
        for tag in post.meta["tags"]:
            by_tag.setdefault(tag, []).append(post.meta["date"])
    tag, days = max(by_tag.items(), key=lambda item: (len({d.year for d in item[1]}), len(item[1])))
    assert len({d.year for d in days}) == 2, "the fixtures give no tag in both years"
    page.goto(servers["root"] + "search/?" + urlencode({"tag": tag}))
    expect(page.locator("#search-status")).to_have_text(f"{len(days)} papers found")
    show_all(page)  # 8 at a time
    listed = [datetime.strptime(text, "%B %d, %Y").date() for text in page.locator("#search-results .day").all_inner_texts()]
    assert listed == sorted(days, reverse=True)


def found(page, base: str, query: str, every: bool = False, whole: bool = True, **params: str) -> list[str]:
    """The result links of a search (the first page, or every one), as paths from the site root;
    of the whole archive, or (whole=False) of the bundles a first search loads."""
    page.goto(base + "search/?" + urlencode({"q": query, **params}))
    page.locator("#search-status", has_text=re.compile("found|No paper")).wait_for()
    if whole and page.locator("#search-older").is_visible():
        page.locator("#search-older").click()
        expect(page.locator("#search-older")).to_be_hidden()
        page.locator("#search-status", has_text=re.compile("found|No paper")).wait_for()
    if every:
        show_all(page)
    links = page.locator("#search-results .paper-title a").evaluate_all("links => links.map(a => a.href)")
    return [link[len(base):] for link in links]


def test_what_readers_type_finds_the_paper(page, servers, site):
    """Ids (bare, arXiv:ID v2, a Hugging Face URL) and exact titles first, a surname and a
    title word in the top 3, two rare abstract words in the top 5."""
    limits = {"id": 1, "title": 1, "author": 3, "abstract": 5}
    made = queries(records(site), per_kind=6, seed=1)
    assert {kind for kind, _, _ in made} == set(limits) and len(made) == 24
    misses = []
    for kind, query, url in made:
        urls = found(page, servers["root"], query, whole=False)
        if url not in urls[: limits[kind]]:
            misses.append((kind, query, urls.index(url) + 1 if url in urls else None))
    assert misses == []


def test_a_common_surname_finds_its_first_authors_papers_first(page, servers, site):
    """facets.json lists the surnames of many first authors (4 papers or more in a large
    archive; here every one, so each query takes that path): a surname and a title word then
    find the paper in the top 3, and the first result is that surname's own paper."""
    path = site.output / "pagefind" / "facets.json"
    saved = path.read_text(encoding="utf-8")
    facets = json.loads(saved)
    by_url = {record.url: record for record in records(site)}
    facets["first_authors"] = sorted({surname(record.authors[0]) for record in by_url.values() if record.authors})
    path.write_text(json.dumps(facets), encoding="utf-8")
    try:
        made = [query for query in queries(list(by_url.values()), per_kind=12, seed=3) if query[0] == "author"]
        assert len(made) == 12
        for _, query, url in made:
            urls = found(page, servers["root"], query, whole=False)
            assert url in urls[:3], (query, urls.index(url) + 1 if url in urls else None)
            assert surname(by_url[urls[0]].authors[0]) == surname(by_url[url].authors[0]), query
    finally:
        path.write_text(saved, encoding="utf-8")


def test_an_id_not_in_the_archive_says_so_and_helps(page, servers):
    assert found(page, servers["root"], "arXiv:2401.99999v3") == []
    assert page.locator("#search-status").inner_text() == "No paper with arXiv id 2401.99999 found"
    assert page.get_by_role("link", name="see it on Hugging Face").get_attribute("href") == "https://huggingface.co/papers/2401.99999"


def test_no_results_offer_the_words_without_filters_and_the_tags(page, servers):
    assert found(page, servers["root"], "grokking", tag="Robotics") == []
    assert page.locator("#search-status").inner_text() == "No papers found"
    page.get_by_role("link", name="“grokking” in all papers, without filters").click()
    expect(page.locator("#search-status")).to_contain_text("found")
    assert page.url.endswith("/search/?q=grokking") and result_titles(page)[0] == GROKKING
    found(page, servers["root"], "qwxzzy")
    assert page.get_by_role("link", name="by tag").get_attribute("href") == "tags/"
    # A word one edit from a title's word (Pagefind forgives some slips itself: in 2026 it
    # finds nothing near enough for this one), offered instead.
    assert found(page, servers["root"], "grpkking", year="2026") == []
    page.get_by_role("link", name="grokking").click()
    expect(page.locator("#search-status")).to_contain_text("found")
    assert result_titles(page)[0] == GROKKING


def test_orders_by_upvotes_and_date_across_bundles(page, servers, site):
    by_url = {record.url: record for record in records(site)}
    for order, key in (("upvotes", lambda r: r.upvotes), ("date", lambda r: r.day)):
        urls = found(page, servers["root"], "model", every=True, sort=order)
        assert len(urls) > 20 and len({url[:7] for url in urls}) == 3  # every bundle
        values = [key(by_url[url]) for url in urls]
        assert values == sorted(values, reverse=True), order


def test_filters_combine_organization_code_year_and_author(page, servers, site):
    papers = records(site)
    def count(name: str, code: bool = False) -> int:
        return sum(r.organization == name and (r.has_code or not code) for r in papers)

    # The organization with the most papers, some with code and some without.
    organization = max((name for name in sorted({r.organization for r in papers if r.organization})
                        if 0 < count(name, code=True) < count(name)), key=count)
    expected = {r.url for r in papers if r.organization == organization and r.has_code}
    assert set(found(page, servers["root"], "", True, organization=organization, code="yes", year="2026")) == expected
    assert page.get_by_label("Organization").input_value() == organization
    assert found(page, servers["root"], "", organization=organization, year="2024") == []
    # An author by surname: every paper of theirs, across bundles, and nothing else.
    surnames = {}
    for record in papers:
        for name in record.authors:
            surnames.setdefault(name.split()[-1], set()).add(record.url)
    surname, theirs = max(surnames.items(), key=lambda item: (len({url[:7] for url in item[1]}), len(item[1])))
    assert len(theirs) > 1
    assert set(found(page, servers["root"], "", True, author=surname.lower())) == theirs
    full_name = next(name for r in papers if r.url in theirs for name in r.authors if name.endswith(surname))
    mine = {r.url for r in papers if full_name in r.authors}
    assert set(found(page, servers["root"], "", True, author=full_name)) == mine


def test_a_first_search_is_light_and_the_next_fetches_index_chunks_only(browser, servers, requested):
    """Common words are in every bundle: a first search loads as many, likeliest first, as 20
    requests allow, and says that older papers are not searched yet; asked, it loads the rest,
    Pagefind's code and WebAssembly once for all (mergeIndex). A later query adds only routes,
    index chunks and its results' fragments."""
    context = new_context(browser, requested)
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    search_for(page, servers["root"], "language model")
    names = [urlsplit(r.url).path.rsplit("/", 1)[-1] for r in finished]
    # The page's 4; the routes of 2 words; Pagefind's 2, per bundle 2 and a chunk a word; 8 fragments.
    assert names.count("pagefind-entry.json") == 2 and len(finished) <= 4 + 20
    assert sum(r.sizes()["responseBodySize"] for r in finished) <= 400_000
    expect(page.locator("#search-status")).to_contain_text("found so far: 1 more part of the archive")
    shown = int(page.locator("#search-status").inner_text().split()[0])
    page.get_by_role("button", name="Search the whole archive").click()
    expect(page.locator("#search-older")).to_be_hidden()
    expect(page.locator("#search-status")).not_to_contain_text("so far")
    assert int(page.locator("#search-status").inner_text().split()[0]) > shown
    paths = [urlsplit(r.url).path for r in finished]
    names = [path.rsplit("/", 1)[-1] for path in paths]
    assert names.count("pagefind.js") == names.count("wasm.en.pagefind") == 1
    assert names.count("pagefind-entry.json") == 3
    before = len(finished)
    page.locator("#search-query").fill("grokking")
    expect(page.locator("#search-results .paper-title").first).to_have_text(GROKKING)
    later = {urlsplit(r.url).path.split("/")[-2] for r in finished[before:]}
    assert later <= {"routes", "index", "fragment"}, later
    context.close()


def test_rare_words_load_only_the_bundles_that_hold_them(browser, servers, requested):
    """pagefind/routes/ tells which bundles hold a word or a title: only those load."""
    for query in ("grokking", GROKKING):
        context = new_context(browser, requested)
        page = context.new_page()
        finished = []
        page.on("requestfinished", lambda request: finished.append(request.url))
        search_for(page, servers["root"], query)
        assert [url.split("/")[-2] for url in finished if "pagefind-entry.json" in url] == ["2026-01"], query
        assert any("/pagefind/routes/" in url for url in finished)
        assert result_titles(page)[0] == GROKKING
        context.close()


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
    # But for a route file that does not exist (Chromium logs its 404): no word begins so.
    assert [error for error in errors if "/pagefind/routes/" not in error] == []


def test_no_request_leaves_the_local_server_but_for_thumbnails(page, servers, requested):
    # A search of its own: under xdist the searches above may have run in another worker.
    search_for(page, servers["root"], "routed sparse attention")
    assert any("/pagefind/" in url for url in requested)
    assert sorted({url for url in requested if urlsplit(url).hostname not in (LOCAL_HOST, THUMBNAIL_HOST)}) == []
