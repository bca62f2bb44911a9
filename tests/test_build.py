"""Import fixtures into a throwaway site, build it with Pelican, read pages and feeds back."""

import json
import posixpath
import re
import shutil
from urllib.parse import urldefrag

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, REPO, Site

from dailypapers import posts
from dailypapers.site.text import to_html, to_plain

SAMPLE = FIXTURES / "hf-papers-textcopy-2026-01-07.txt"
TRICKY = FIXTURES / "textcopy-tricky.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("built") / "site")
    site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE))
    site.papers("import", "--scraped-on", "2026-03-05", str(TRICKY))
    site.build()
    return site


def page(site: Site, url: str) -> BeautifulSoup:
    path = site.output / url / "index.html" if not url.endswith(".html") else site.output / url
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def all_posts(site: Site):
    return [posts.parse(p.read_text(encoding="utf-8")) for p in site.post_files()]


def shown(html) -> str:
    """The text an element (or an HTML string) shows, math as its LaTeX source."""
    element = BeautifulSoup(str(html), "html.parser")
    for math in element.find_all("math"):
        math.replace_with("$" + math.annotation.get_text() + "$")
    return element.get_text()


def test_every_paper_page_shows_its_paper_exactly(built):
    papers = [(post.slug, posts.paper_from_post(post)) for post in all_posts(built)]
    ranked = sorted(papers, key=lambda item: (item[1].day, -item[1].upvotes, item[1].title.casefold(), item[0]))
    for slug, paper in papers:
        same_day = [s for s, p in ranked if p.day == paper.day]
        url = f"{paper.day:%Y/%m/%d}/{slug}"
        soup = page(built, url)
        assert shown(soup.h1) == shown(to_html(paper.title))
        paragraphs = [shown(p) for p in soup.select("section.abstract p")]
        assert paragraphs == [shown(to_html(text)) for text in paper.abstract.split("\n\n")]
        facts = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True) for dt in soup.select("dl.facts dt")}
        assert facts["Upvotes"] == f"{paper.upvotes} as of {paper.observed:%B} {paper.observed.day}, {paper.observed.year}"
        rank = same_day.index(slug) + 1
        assert facts["Daily Papers"] == f"#{rank} of {len(same_day)} on {paper.day:%B} {paper.day.day}, {paper.day.year}"
        assert "Authors" not in facts  # names unknown: the byline gives the count
        assert soup.select_one("div.byline").get_text() == f"{paper.author_count} author{'s' if paper.author_count != 1 else ''}"
        assert soup.title.get_text().startswith(to_plain(paper.title))
        # The neighbours in the day's ranking, both ways.
        nav = soup.select_one("nav.paper-nav")
        neighbours = {rel: nav.find("a", rel=rel) for rel in ("prev", "next")}
        expected = {"prev": same_day[rank - 2] if rank > 1 else None, "next": same_day[rank] if rank < len(same_day) else None}
        for rel, link in neighbours.items():
            assert (link and link["href"]) == (expected[rel] and f"{paper.day:%Y/%m/%d}/{expected[rel]}/"), (url, rel)


def test_no_markup_from_the_data_reaches_a_page(built):
    for path in built.output.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        # Scripts are the site's own files, or JSON-LD data that must parse back to the paper.
        for script in soup.find_all("script"):
            if script.get("src"):
                assert not script["src"].startswith(("http:", "https:", "//", "data:")), path
                continue
            assert script.get("type") == "application/ld+json", path
            data = json.loads(script.string)
            assert data["headline"] == soup.h1.get_text(), path
        assert soup.find("b") is None, path
        # Markdown's [works](http://evil.example) is not a link; the bare address in it is, to itself.
        for link in soup.find_all("a", href=re.compile("evil")):
            assert link.get_text() == link["href"] == "http://evil.example", path
            assert link["rel"] == ["nofollow", "ugc"], path


def test_day_page_ranks_by_upvotes_and_links_neighbours(built):
    day = page(built, "2026/01/07")
    assert day.h1.get_text() == "January 7, 2026"
    items = day.select("ol.papers > li")
    assert len(items) == 46
    votes = [int(re.match(r"(\d+) upvote", li.select_one(".meta").get_text()).group(1)) for li in items]
    assert votes == sorted(votes, reverse=True) and votes[0] == 16
    assert items[0].select_one(".paper-title").get_text() == "Seedream 4.0: Toward Next-generation Multimodal Image Generation"
    nav = day.select_one("nav.period-nav")
    assert nav.find("a", rel="next")["href"] == "2026/03/03/"  # from the root: see <base>
    assert nav.find("a", rel="prev") is None
    later = page(built, "2026/03/03")
    assert later.select_one("nav.period-nav").find("a", rel="prev")["href"] == "2026/01/07/"


def test_month_year_archive_and_index_pages(built):
    assert "46 papers" in page(built, "2026/01").get_text()
    assert page(built, "2026").find("a", href="2026/03/") is not None
    assert page(built, "archives").find("a", href="2026/") is not None
    index = page(built, "index.html")
    headings = [h.get_text(" ", strip=True) for h in index.select("section.day h2")]
    assert headings == ["March 3, 2026 5 papers", "January 7, 2026 46 papers"]


def test_tag_pages_and_tag_index(built):
    tag_index = page(built, "tags")
    counts = {a.get_text(): int(a.find_next_sibling("small").get_text()) for a in tag_index.select(".tag-index a")}
    tagged = {}
    for post in all_posts(built):
        for tag in post.meta["tags"]:
            tagged[tag] = tagged.get(tag, 0) + 1
    assert counts == tagged
    pretraining = page(built, "tags/pretraining")
    assert pretraining.h1.get_text() == "Pretraining"
    assert len(pretraining.select("ol.compact > li")) == tagged["Pretraining"]


def test_every_internal_link_resolves_to_a_built_file(built):
    missing = []
    for path in built.output.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        folder = posixpath.dirname(str(path.relative_to(built.output)))
        base = soup.base["href"] if soup.base else ""
        if base.startswith("http://localhost:8000/"):  # the 404 page: the site's address
            folder, base = "", ""
        for element in soup.find_all(["a", "link"]):
            href = element.get("href", "")
            if not href or href.startswith(("http:", "https:", "#", "mailto:", "data:")):
                continue
            assert not href.startswith("/"), f"{path}: root-absolute link {href} breaks under a sub-path"
            # From the root (<base>); the skip link is the page itself plus #main.
            href = urldefrag(href).url
            target = built.output / posixpath.normpath(posixpath.join(folder, base, href))
            if href.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                missing.append(f"{path}: {href}")
    assert missing == []


def test_feeds_are_valid_and_carry_every_paper(built):
    expected = {to_plain(posts.paper_from_post(p).title) for p in all_posts(built)}  # feed titles are plain text
    for name in ("atom.xml", "rss.xml"):
        feed = feedparser.parse((built.output / "feeds" / name).read_bytes())
        assert feed.bozo == 0, feed.get("bozo_exception")
        assert {e.title for e in feed.entries} == expected
        first = feed.entries[0]
        assert first.published_parsed[:3] == (2026, 3, 3)
        assert first.link.startswith("http://localhost:8000/2026/03/03/")
        stored = next(p for p in all_posts(built) if str(p.meta["title"]).startswith("Helping or Herding"))
        tagged = next(e for e in feed.entries if e.title.startswith("Helping or Herding"))
        assert stored.meta["tags"] and [t.term for t in tagged.tags] == stored.meta["tags"]
        assert len({e.id for e in feed.entries}) == len(feed.entries)
    atom = feedparser.parse((built.output / "feeds" / "atom.xml").read_bytes())
    tricky = next(e for e in atom.entries if e.title.startswith("<script>"))
    assert '<script>alert("x")</script> & Friends' in tricky.title
    assert "{{ jinja }}" in BeautifulSoup(tricky.content[0].value, "html.parser").get_text()


def test_feeds_are_reproducible_and_ids_survive_an_update(built, tmp_path):
    before = {n: (built.output / "feeds" / n).read_bytes() for n in ("atom.xml", "rss.xml")}
    built.build()
    assert before == {n: (built.output / "feeds" / n).read_bytes() for n in ("atom.xml", "rss.xml")}
    ids = {e.title: e.id for e in feedparser.parse(before["atom.xml"]).entries}
    newer = tmp_path / "newer.txt"
    newer.write_text(SAMPLE.read_text(encoding="utf-8").replace("Dec 14, 2023 1\n", "Dec 14, 2023 50\n"), encoding="utf-8")
    built.papers("import", "--scraped-on", "2026-01-09", str(newer))
    built.build()
    after = feedparser.parse((built.output / "feeds" / "atom.xml").read_bytes())
    assert {e.title: e.id for e in after.entries} == ids


def test_every_page_advertises_the_feeds(built):
    for url in ("index.html", "2026/01/07", "tags", "tags/pretraining"):
        types = {link["type"] for link in page(built, url).find_all("link", rel="alternate")}
        assert {"application/atom+xml", "application/rss+xml"} <= types


def test_publish_build_under_a_sub_path(tmp_path):
    site = Site(tmp_path / "site")
    site.papers("import", "--scraped-on", "2026-03-05", str(TRICKY))
    site.build("publishconf.py", env={"SITEURL": "https://user.github.io/repo"})
    feed = feedparser.parse((site.output / "feeds" / "atom.xml").read_bytes())
    assert all(e.link.startswith("https://user.github.io/repo/2026/") for e in feed.entries)
    self_links = [l.href for l in feed.feed.links if l.rel == "self"]
    assert self_links == ["https://user.github.io/repo/feeds/atom.xml"]
    day = page(site, "2026/03/03")
    # Links stay relative (the site works under any address): <base> points at the root.
    assert day.find("base")["href"] == "../../../"
    assert day.find("link", rel="stylesheet")["href"] == "theme/css/style.css"


def test_archive_heat_map_links_every_day_with_papers(built):
    soup = page(built, "archives")
    heatmap = soup.select_one("svg.heatmap")
    links = {a["href"]: a["aria-label"] for a in heatmap.find_all("a")}
    assert links == {
        "2026/01/07/": "January 7, 2026: 46 papers",
        "2026/03/03/": "March 3, 2026: 5 papers",
    }
    assert len(heatmap.find_all("rect")) == 365


def test_tag_index_charts_papers_per_month(built):
    items = page(built, "tags").select(".tag-index li")
    pretraining = next(li for li in items if li.a.get_text() == "Pretraining")
    bars = pretraining.select("svg.bars rect")
    assert [b.title.get_text().split(": ")[0] for b in bars] == ["Jan 2026", "Mar 2026"]
    count = int(pretraining.small.get_text())
    assert sum(int(b.title.get_text().split(": ")[1]) for b in bars) == count


def test_a_renamed_tag_keeps_its_old_page_and_feeds(built):
    """tags.yaml keeps Benchmarks as an alias of Evaluation and Benchmarks (slug evaluation)."""
    old_page = BeautifulSoup((built.output / "tags/benchmarks/index.html").read_bytes(), "lxml")
    assert old_page.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=tags/evaluation/"
    assert old_page.select_one("main a")["href"] == "tags/evaluation/"
    for kind in ("atom", "rss"):
        old = feedparser.parse((built.output / f"feeds/tags/benchmarks.{kind}.xml").read_bytes())
        new = feedparser.parse((built.output / f"feeds/tags/evaluation.{kind}.xml").read_bytes())
        assert old.bozo == 0 and old.entries and [e.id for e in old.entries] == [e.id for e in new.entries]
        assert old.feed.link == new.feed.link == "http://localhost:8000/tags/evaluation/"


def test_titles_where_no_markup_goes_are_plain_text(built):
    for post in all_posts(built):
        paper = posts.paper_from_post(post)
        soup = page(built, f"{paper.day:%Y/%m/%d}/{post.slug}")
        plain = to_plain(paper.title)
        assert soup.title.get_text().removesuffix(" · Daily Papers Archive").strip() == plain
        assert soup.find("meta", attrs={"name": "citation_title"})["content"] == plain
        assert soup.find("meta", property="og:title")["content"] == plain
        description = soup.find("meta", attrs={"name": "description"})["content"]
        assert " ".join(to_plain(paper.abstract).split()).startswith(" ".join(description.removesuffix("...").split()))


def test_month_and_day_pages_word_the_top_paper_s_upvotes_alike(built):
    month = page(built, "2026/01")
    top = month.select_one(".periods .top").get_text(" ", strip=True)
    first = page(built, "2026/01/07").select_one("ol.papers > li .meta").get_text(" ", strip=True)
    upvotes = re.match(r"\d+ upvotes?", first).group(0)
    assert top.endswith(f"({upvotes})"), (top, first)


def test_the_shipped_sample_gives_way_to_the_first_real_import(tmp_path):
    """A fresh clone builds the sample; the first import of real papers removes it, whole,
    and the real posts take the sample's slugs (not 'slug-2')."""
    site = Site(tmp_path / "site")
    shutil.copytree(REPO / "content" / "papers", site.content / "papers")
    shipped = [p.relative_to(site.content) for p in site.post_files()]
    assert len(shipped) == 46
    assert all(posts.parse(p.read_text(encoding="utf-8")).meta["sample"] is True for p in site.post_files())
    site.build()
    assert len(page(site, "2026/01/07").select("ol.papers > li")) == 46

    api_day = str(FIXTURES / "hfapi_2026-05-11.json")
    dry = site.papers("import", "--dry-run", "--scraped-on", "2026-05-12", api_day)
    assert "46 sample posts would be removed" in dry.stdout and len(site.post_files()) == 46

    # The same 46 papers, now from a real listing with its upvotes.
    site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE))
    assert [p.relative_to(site.content) for p in site.post_files()] == shipped
    assert not any("sample" in posts.parse(p.read_text(encoding="utf-8")).meta for p in site.post_files())
    assert "sample" not in site.papers("import", "--scraped-on", "2026-05-12", api_day).stdout
    site.build()
    first = page(site, "2026/01/07").select_one("ol.papers > li .meta").get_text()
    assert first.startswith("16 upvotes")


def test_an_import_of_real_papers_leaves_no_sample_day(tmp_path):
    site = Site(tmp_path / "site")
    shutil.copytree(REPO / "content" / "papers", site.content / "papers")
    result = site.papers("import", "--scraped-on", "2026-05-12", str(FIXTURES / "hfapi_2026-05-11.json"))
    assert "46 sample posts removed" in result.stdout
    assert {p.parent.relative_to(site.content).as_posix() for p in site.post_files()} == {"papers/2026/05/11"}
    site.build()
    assert not (site.output / "2026/01/07/index.html").exists()
