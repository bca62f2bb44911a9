"""Author and organization pages, built from real API days and checked against the posts."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from datetime import date

import feedparser
import pytest
from conftest import Site
from test_incremental import clean_build_of, tree

from dailypapers import posts, settings, urls
from dailypapers.model import Paper
from dailypapers.site.people import name_slug

MIN_PAPERS_VARIABLE = settings.ENV_PREFIX + "AUTHOR_PAGE_MIN_PAPERS"
API_DAYS = (("hfapi_2024-05-28.json", "2024-05-29"), ("hfapi_2024-07-09.json", "2024-07-10"), ("hfapi_2026-05-11.json", "2026-05-12"))
_LIST_LINK = re.compile(r'<li><a href="?(\d{4}/\d\d/\d\d/[a-z0-9-]+/)"?>')
_BYLINE = re.compile(r"<div class=byline>(.*?)</div>", re.S)
_NAME_LINK = re.compile(r'<a href="([^"]*)">([^<]*)</a>')


@pytest.fixture(scope="module", autouse=True)
def pages_from_two_papers():
    """Three real days have few authors with AUTHOR_PAGE_MIN_PAPERS (10) papers: pages from two."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MIN_PAPERS_VARIABLE, "2")
        yield


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("people") / "site")
    site.import_fixtures(*API_DAYS)
    site.build()
    return site


def post_metas(site: Site) -> list[dict]:
    return [posts.parse(path.read_text(encoding="utf-8")).meta for path in site.post_files()]


def paper_url(meta: dict) -> str:
    return urls.paper(meta["date"], meta["slug"])


def by_slug(metas: list[dict], key: str) -> dict[str, set[str]]:
    """slug -> the addresses of the posts naming it (authors: any spelling that slugifies alike)."""
    found = defaultdict(set)
    for meta in metas:
        value = meta.get(key) or []
        for name in [value] if isinstance(value, str) else value:
            found[name_slug(" ".join(name.split()))].add(paper_url(meta))
    return found


def test_every_author_with_two_papers_has_a_page_listing_all_of_them(built):
    expected = {slug: papers for slug, papers in by_slug(post_metas(built), "paper_authors").items() if len(papers) >= 2}
    assert len(expected) > 15  # the three days share some authors
    pages = {p.parent.name: p for p in (built.output / "authors").glob("*/index.html")}
    assert set(pages) == set(expected)
    for slug, papers in expected.items():
        text = pages[slug].read_text(encoding="utf-8")
        listed = _LIST_LINK.findall(text)
        assert sorted(listed) == sorted(papers), slug
        assert [p[:10] for p in listed] == sorted((p[:10] for p in listed), reverse=True)  # newest first
        assert f"{len(papers)} papers on Daily Papers" in text


def test_paper_pages_link_authors_to_their_page_or_a_search(built):
    metas = post_metas(built)
    counts = {slug: len(papers) for slug, papers in by_slug(metas, "paper_authors").items()}
    checked = 0
    for meta in metas:
        page = (built.output / paper_url(meta) / "index.html").read_text(encoding="utf-8")
        links = _NAME_LINK.findall(_BYLINE.search(page).group(1))
        assert [html.unescape(name) for _, name in links] == [" ".join(n.split()) for n in meta["paper_authors"]]
        for href, name in links:
            slug = name_slug(html.unescape(name))
            if counts[slug] >= 2:
                assert href == urls.author(slug)
                assert (built.output / href / "index.html").is_file()
            else:
                assert href == html.escape(urls.author_search(html.unescape(name)))
            checked += 1
    assert checked > 500


def test_organizations_have_pages_linked_from_their_papers_and_an_index(built):
    metas = post_metas(built)
    expected = by_slug(metas, "organization")
    assert len(expected) > 15
    index = (built.output / urls.ORGS / "index.html").read_text(encoding="utf-8")
    for slug, papers in expected.items():
        page = (built.output / urls.org(slug) / "index.html").read_text(encoding="utf-8")
        assert sorted(_LIST_LINK.findall(page)) == sorted(papers)
        assert re.search(rf'<a href="{urls.org(slug)}">[^<]+</a> <small>{len(papers)}</small>', index)
        for address in papers:
            paper_page = (built.output / address / "index.html").read_text(encoding="utf-8")
            assert f'<dd data-pagefind-filter=organization><a href="{urls.org(slug)}">' in paper_page
    # The most papers first: Google and Apple have two each in these days.
    counts = [int(n) for n in re.findall(r"</a> <small>(\d+)</small>", index)]
    assert counts == sorted(counts, reverse=True) and counts[0] == 2


def test_pages_carry_no_save_button_and_no_inline_script(built):
    """Without JavaScript nothing changes: buttons and the Saved link are the script's."""
    for path in [*built.output.glob("20*/*/*/*/index.html"), built.output / "index.html", built.output / "saved/index.html"]:
        text = path.read_text(encoding="utf-8")
        assert "<button" not in text or path.parent.name == "saved"
        assert 'href="saved/"' not in text
        scripts = re.findall(r"<script([^>]*)>", text)
        assert all("src=" in attrs or "application/ld+json" in attrs for attrs in scripts), path
        assert "unsafe-inline" not in text
    saved = (built.output / "saved/index.html").read_text(encoding="utf-8")
    assert '<div class=saved-tools id=saved-tools hidden>' in saved  # its buttons show with the script only


def write_post(site: Site, paper: Paper, slug: str) -> None:
    folder = site.content / f"papers/{paper.day:%Y/%m/%d}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.md").write_text(posts.render(posts.post_from_paper(paper, slug, ["Robotics"])), encoding="utf-8")


def test_an_author_s_second_paper_makes_their_page_and_the_incremental_build_equals_a_clean_one(tmp_path):
    site = Site(tmp_path / "site")
    site.import_fixtures(API_DAYS[0])
    site.build()
    metas = post_metas(site)
    counts = by_slug(metas, "paper_authors")
    first = next(m for m in metas if any(len(counts[name_slug(n)]) == 1 for n in m["paper_authors"]))
    name = next(n for n in first["paper_authors"] if len(counts[name_slug(n)]) == 1)
    slug = name_slug(name)
    assert not (site.output / urls.author(slug)).exists()
    write_post(site, Paper(title="A Later Paper", abstract="Words.", day=date(2024, 6, 3), authors=[name, "Some One Else"],
                           author_count=2, upvotes=3, organization="Google", source="api"), "a-later-paper")
    site.build()
    page = (site.output / urls.author(slug) / "index.html").read_text(encoding="utf-8")
    assert _LIST_LINK.findall(page) == ["2024/06/03/a-later-paper/", paper_url(first)]  # newest first
    first_page = (site.output / paper_url(first) / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{urls.author(slug)}">' in first_page  # was a search link
    assert tree(site.output) == clean_build_of(site, tmp_path / "clean")


def test_spellings_that_slugify_alike_are_one_author():
    assert name_slug("Yizhe Zhang") == name_slug("Yizhe  zhang".replace("  ", " ")) == "yizhe-zhang"
    assert name_slug("José García") == name_slug("Jose Garcia") == "jose-garcia"
    assert name_slug("Jean-Luc X.") == "jean-luc-x"


_FEED_LINK = re.compile(r'<link rel=alternate type=application/atom\+xml title="([^"]*)" href="([^"]+)">')
_HEADING = re.compile(r"<h1>([^<]*)</h1>")
FEED_BASE = settings.default("FEED_SITEURL")


def read_feed(site: Site, slug: str):
    parsed = feedparser.parse((site.output / urls.author_feed(slug)).read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    return parsed


def test_every_author_page_links_an_atom_feed_of_their_newest_papers(built):
    latest = {entry.link: entry.id for entry in feedparser.parse((built.output / urls.FEED_ATOM).read_bytes()).entries}
    pages = sorted((built.output / "authors").glob("*/index.html"))
    assert len(pages) > 15
    shared = 0
    for page in pages:
        slug, text = page.parent.name, page.read_text(encoding="utf-8")
        name = html.unescape(_HEADING.search(text).group(1))
        feed_path = urls.author_feed(slug)
        assert [(html.unescape(t), href) for t, href in _FEED_LINK.findall(text)] == [(name, urls.absolute(FEED_BASE, feed_path))]
        assert f"<a href={feed_path}>Atom feed</a>" in text  # visible too
        feed = read_feed(built, slug)
        assert feed.feed.title == name and feed.feed.author == name
        assert feed.feed.link == urls.absolute(FEED_BASE, urls.author(slug))
        listed = _LIST_LINK.findall(text)
        assert [entry.link for entry in feed.entries] == [urls.absolute(FEED_BASE, u) for u in listed[:settings.default("AUTHOR_FEED_ITEMS")]]
        moments = [entry.updated_parsed for entry in feed.entries]
        assert moments == sorted(moments, reverse=True) and feed.feed.updated_parsed == moments[0]
        for entry in feed.entries:  # a paper is one entry to a reader of both feeds
            if entry.link in latest:
                assert entry.id == latest[entry.link]
                shared += 1
    assert shared > 5


def test_adding_a_day_makes_again_only_the_feeds_of_its_authors(tmp_path):
    site = Site(tmp_path / "site")
    site.import_fixtures(*API_DAYS)
    site.build()
    feeds = site.output / urls.AUTHOR_FEEDS
    before = {path.name: path.stat().st_mtime_ns for path in feeds.iterdir()}
    veteran = sorted(before)[0].removesuffix(".atom.xml")
    veteran_name = html.unescape(_HEADING.search((site.output / urls.author(veteran) / "index.html").read_text(encoding="utf-8")).group(1))
    newcomer = "Zoë <O'Brien> & Co"  # two papers on the new day: a page and a feed
    for number in (1, 2):
        write_post(site, Paper(title=f"Later Paper {number}", abstract="Words.", day=date(2026, 6, 1),
                               authors=[veteran_name, newcomer], author_count=2, upvotes=number, source="api"),
                   f"later-paper-{number}")
    site.build()
    after = {path.name: path.stat().st_mtime_ns for path in feeds.iterdir()}
    changed = {name for name, moment in after.items() if before.get(name) != moment}
    assert changed == {f"{veteran}.atom.xml", f"{name_slug(newcomer)}.atom.xml"}
    titles = [entry.title for entry in read_feed(site, veteran).entries]
    assert titles[:2] == ["Later Paper 2", "Later Paper 1"]  # the newest day first, by rank
    assert read_feed(site, name_slug(newcomer)).feed.title == newcomer
    assert tree(site.output) == clean_build_of(site, tmp_path / "clean")
