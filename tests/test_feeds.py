"""Every feed of a build: valid (feedparser, W3C rules), complete, reproducible."""

import json
import shutil
import xml.etree.ElementTree as ElementTree
from datetime import date

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import SAMPLE_DAYS, Site

from dailypapers import posts
from dailypapers.site.feeds import xml_text
from dailypapers.model import Paper

SITEURL = "https://user.github.io/repo"


def add_control_character_post(site: Site) -> None:
    paper = Paper(title="Bell\x07 and \x0bvertical tab", abstract="Form\x0cfeed inside.", day=date(2026, 3, 3), upvotes=25)
    post = posts.post_from_paper(paper, "control-characters", ["Agents"])
    (site.content / "papers/2026/03/03").mkdir(parents=True, exist_ok=True)
    (site.content / "papers/2026/03/03/control-characters.md").write_text(posts.render(post), encoding="utf-8")


def build(site: Site):
    site.build("publishconf.py", env={"SITEURL": SITEURL})


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("feeds") / "site")
    site.import_fixtures(*SAMPLE_DAYS)
    add_control_character_post(site)
    build(site)
    return site


def xml_feeds(site: Site):
    return sorted(site.output.joinpath("feeds").rglob("*.xml"))


def test_every_feed_is_valid(built):
    paths = xml_feeds(built)
    tag_slugs = {p.name for p in (built.output / "tags").iterdir() if p.is_dir()}
    assert {p.name.split(".")[0] for p in (built.output / "feeds/tags").glob("*.atom.xml")} == tag_slugs
    for path in paths:
        relative = str(path.relative_to(built.output))
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, (relative, feed.get("bozo_exception"))
        self_links = [link.href for link in feed.feed.links if link.rel == "self"]
        assert self_links == [f"{SITEURL}/{relative}"]
        assert feed.entries, relative
        ids = [entry.id for entry in feed.entries]
        assert len(ids) == len(set(ids)), relative
        for entry in feed.entries:
            assert entry.link.startswith(SITEURL + "/"), relative
            assert (built.output / entry.link[len(SITEURL) + 1 :] / "index.html").is_file()
            assert entry.published.endswith(("+00:00", "+0000")), relative
        root = ElementTree.parse(path).getroot()
        assert root.tag in ("{http://www.w3.org/2005/Atom}feed", "rss")


def test_control_characters_are_dropped_from_feeds(built):
    feed = feedparser.parse((built.output / "feeds/atom.xml").read_bytes())
    titles = [e.title for e in feed.entries]
    assert "Bell and vertical tab" in titles


def test_main_top_daily_and_tag_feeds_hold_the_right_entries(built):
    stored = [posts.parse(p.read_text(encoding="utf-8")) for p in built.post_files()]
    main = feedparser.parse((built.output / "feeds/atom.xml").read_bytes())
    assert len(main.entries) == min(100, len(stored))
    days = [e.published[:10] for e in main.entries]
    assert days == sorted(days, reverse=True)
    top = feedparser.parse((built.output / "feeds/top.rss.xml").read_bytes())
    expected_top = {xml_text(str(p.meta["title"])) for p in stored if p.meta.get("upvotes", 0) >= 20}
    assert {e.title for e in top.entries} == expected_top
    daily = feedparser.parse((built.output / "feeds/daily.atom.xml").read_bytes())
    assert [e.published[:10] for e in daily.entries] == ["2026-05-11", "2026-03-03", "2026-01-07"]
    may = BeautifulSoup(daily.entries[0].content[0].value, "html.parser")
    votes = [int(li.get_text().rsplit("(", 1)[1].split()[0]) for li in may.find_all("li")]
    assert len(votes) == 41 and votes == sorted(votes, reverse=True)
    agents = feedparser.parse((built.output / "feeds/tags/agents.atom.xml").read_bytes())
    tagged = {xml_text(str(p.meta["title"])) for p in stored if "Agents" in p.meta["tags"]}
    assert len(agents.entries) == min(50, len(tagged)) and {e.title for e in agents.entries} <= tagged
    assert all("Agents" in [t.term for t in e.tags] for e in agents.entries)


def test_api_entries_carry_authors_and_links(built):
    feed = feedparser.parse((built.output / "feeds/atom.xml").read_bytes())
    entry = next(e for e in feed.entries if e.title.startswith("MACE-Dance"))
    assert entry.authors[0].name == "Kaixing Yang"
    links = [a["href"] for a in BeautifulSoup(entry.content[0].value, "html.parser").find_all("a")]
    assert "https://arxiv.org/abs/2512.18181" in links and "https://arxiv.org/pdf/2512.18181" in links


def test_json_feed_and_opml(built):
    document = json.loads((built.output / "feeds/feed.json").read_text(encoding="utf-8"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == f"{SITEURL}/feeds/feed.json"
    atom = feedparser.parse((built.output / "feeds/atom.xml").read_bytes())
    assert [item["id"] for item in document["items"]] == [e.id for e in atom.entries]
    assert all(item["date_published"].endswith("+00:00") for item in document["items"])
    outlines = ElementTree.parse(built.output / "feeds/feeds.opml").getroot().iter("outline")
    opml_urls = {o.get("xmlUrl") for o in outlines}
    atom_files = {f"{SITEURL}/{p.relative_to(built.output)}" for p in xml_feeds(built) if p.name.endswith("atom.xml")}
    assert opml_urls == atom_files
    listing = BeautifulSoup((built.output / "feeds/index.html").read_text(encoding="utf-8"), "lxml")
    listed = {a["href"] for a in listing.select("table.feed-list a")}
    assert len(listed) == 2 * len(atom_files)


def test_tag_page_advertises_its_feed(built):
    soup = BeautifulSoup((built.output / "tags/agents/index.html").read_text(encoding="utf-8"), "lxml")
    hrefs = {link["href"] for link in soup.find_all("link", rel="alternate")}
    assert {"feeds/atom.xml", "feeds/tags/agents.atom.xml", "feeds/tags/agents.rss.xml"} <= hrefs


def test_feeds_are_byte_identical_across_clean_builds(built, tmp_path):
    again = Site(tmp_path / "again")
    shutil.rmtree(again.content)
    shutil.copytree(built.content, again.content)
    build(again)
    for path in [*xml_feeds(built), built.output / "feeds/feed.json", built.output / "feeds/feeds.opml"]:
        assert path.read_bytes() == (again.output / path.relative_to(built.output)).read_bytes(), path
