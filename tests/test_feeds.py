"""Every feed of a build: valid (feedparser, the W3C validator's rules that matter to
readers), complete, dated so that readers keep each day's ranking, reproducible."""

import json
import shutil
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from datetime import date

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, SAMPLE_DAYS, Site

from dailypapers import posts
from dailypapers.model import Paper
from dailypapers.site.feeds import xml_text
from dailypapers.site.text import to_plain

SITEURL = "https://user.github.io/repo"
SITENAME = "Daily Papers Archive"
ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
MATH_TITLE = r"Attention in $O(n^2)$ over $\mathbb{R}^d$"
MATH_AUTHORS = [f"Author {n}" for n in range(1, 13)]  # more than ten: all are named


def add_post(site: Site, paper: Paper, slug: str, tags: list[str]) -> None:
    folder = site.content / "papers" / paper.day.strftime("%Y/%m/%d")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.md").write_text(posts.render(posts.post_from_paper(paper, slug, tags)), encoding="utf-8")


def build(site: Site):
    site.build("publishconf.py", env={"SITEURL": SITEURL})


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("feeds") / "site")
    site.import_fixtures(*SAMPLE_DAYS)
    add_post(site, Paper(title="Bell\x07 and \x0bvertical tab", abstract="Form\x0cfeed inside.",
                         day=date(2026, 3, 3), upvotes=25), "control-characters", ["Agents"])
    abstract = r"We run $9.6\times 9.6$ faster on $x_{\text{train}}$ with $\alpha=0.5$."
    add_post(site, Paper(title=MATH_TITLE, abstract=abstract, day=date(2026, 3, 3), upvotes=3,
                         authors=MATH_AUTHORS, arxiv_id="2603.00001"), "math-paper", ["Agents"])
    build(site)
    return site


def xml_feeds(site: Site):
    return sorted(site.output.joinpath("feeds").rglob("*.xml"))


def parse(site: Site, name: str):
    return feedparser.parse((site.output / "feeds" / name).read_bytes())


def moved_tags(built) -> dict[str, str]:
    """A renamed tag's old slug -> its new slug, from the old pages that lead on."""
    moved = {}
    for page in (built.output / "tags").glob("*/index.html"):
        refresh = BeautifulSoup(page.read_bytes(), "lxml").find("meta", attrs={"http-equiv": "refresh"})
        if refresh:
            moved[page.parent.name] = refresh["content"].split("url=tags/")[1].strip("/")
    return moved


def test_every_feed_is_valid_and_links_its_page(built):
    moved = moved_tags(built)
    assert moved  # tags.yaml keeps old names of merged tags
    tag_slugs = {p.name for p in (built.output / "tags").iterdir() if p.is_dir()}
    assert {p.name.split(".")[0] for p in (built.output / "feeds/tags").glob("*.atom.xml")} == tag_slugs
    for path in xml_feeds(built):
        relative = str(path.relative_to(built.output))
        feed = feedparser.parse(path.read_bytes())
        assert feed.bozo == 0, (relative, feed.get("bozo_exception"))
        assert [link.href for link in feed.feed.links if link.rel == "self"] == [f"{SITEURL}/{relative}"]
        # The feed's page: a tag feed's is the tag's page; RSS readers show <channel><link>.
        slug = relative.removeprefix("feeds/tags/").split(".")[0]
        pages = {"daily": "archives/", "weekly": "top/"}
        page = f"tags/{moved.get(slug, slug)}/" if "/tags/" in relative else pages.get(relative.split("/")[1].split(".")[0], "")
        assert feed.feed.link == f"{SITEURL}/{page}", relative
        assert (built.output / page / "index.html").is_file()
        assert feed.entries, relative
        assert len({entry.id for entry in feed.entries}) == len(feed.entries), relative
        for entry in feed.entries:
            assert entry.link.startswith(SITEURL + "/"), relative
            assert (built.output / entry.link[len(SITEURL) + 1 :] / "index.html").is_file()
            assert entry.published.endswith(("+00:00", "+0000")), relative
        text = path.read_text(encoding="utf-8")
        assert "<math" not in text and "&lt;math" not in text, relative  # math comes as text


def test_atom_entries_are_distinctly_dated_newest_first_and_ranked_within_a_day(built):
    stored = {f"{SITEURL}/{p.parent.relative_to(built.content / 'papers')}/{p.stem}/": posts.parse(
        p.read_text(encoding="utf-8")) for p in built.post_files()}
    for path in xml_feeds(built):
        if not path.name.endswith("atom.xml"):
            continue
        entries = feedparser.parse(path.read_bytes()).entries
        updated = [e.updated for e in entries]
        assert len(set(updated)) == len(updated), path  # the validator warns on shared times
        published = [e.published for e in entries]
        assert published == sorted(published, reverse=True), path
        if path.name in ("daily.atom.xml", "weekly.atom.xml"):  # digests: tests/test_top.py checks the weekly one
            continue
        by_day = defaultdict(list)
        for entry in entries:
            assert entry.updated == entry.published  # a paper's content has no upvotes in it
            assert entry.published[:10] == str(stored[entry.link].meta["date"])
            by_day[entry.published[:10]].append(stored[entry.link].meta.get("upvotes", 0))
        assert all(votes == sorted(votes, reverse=True) for votes in by_day.values()), path


def test_authors_every_name_in_atom_and_rss_and_the_site_as_the_feeds_author(built):
    atom = ElementTree.parse(built.output / "feeds/atom.xml").getroot()
    assert [a.findtext(ATOM + "name") for a in atom.findall(ATOM + "author")] == [SITENAME]
    assert atom.find(ATOM + "author").findtext(ATOM + "uri") == SITEURL + "/"
    entry = next(e for e in atom.iter(ATOM + "entry") if "math-paper" in e.find(ATOM + "link").get("href"))
    assert [a.findtext(ATOM + "name") for a in entry.findall(ATOM + "author")] == MATH_AUTHORS
    rss = ElementTree.parse(built.output / "feeds/rss.xml").getroot()
    item = next(i for i in rss.iter("item") if "math-paper" in i.findtext("link"))
    assert [c.text for c in item.findall(DC_CREATOR)] == MATH_AUTHORS
    api = next(e for e in parse(built, "atom.xml").entries if e.title.startswith("MACE-Dance"))
    assert api.authors[0].name == "Kaixing Yang"
    # Text copies name no authors: those entries have none of their own (the feed's stands).
    assert any(e.find(ATOM + "author") is None for e in atom.iter(ATOM + "entry"))
    daily = ElementTree.parse(built.output / "feeds/daily.rss.xml").getroot()
    assert {c.text for i in daily.iter("item") for c in i.findall(DC_CREATOR)} == {SITENAME}


def test_math_reaches_feeds_once_as_readable_text(built):
    for name in ("atom.xml", "rss.xml"):
        entry = next(e for e in parse(built, name).entries if "math-paper" in e.link)
        assert entry.title == "Attention in O(n²) over ℝᵈ"
        html = entry.content[0].value if "content" in entry else entry.summary
        text = BeautifulSoup(html, "html.parser").get_text()
        assert "We run 9.6×9.6 faster on $x_{\\text{train}}$ with α=0.5." in text
        assert text.count("9.6") == 2 and "\\times" not in text
    document = json.loads((built.output / "feeds/feed.json").read_text(encoding="utf-8"))
    assert any(item["title"] == "Attention in O(n²) over ℝᵈ" for item in document["items"])
    digest = parse(built, "daily.atom.xml").entries[1]
    assert "Attention in O(n²) over ℝᵈ" in BeautifulSoup(digest.content[0].value, "html.parser").get_text()


def test_control_characters_are_dropped_from_feeds(built):
    assert "Bell and vertical tab" in [e.title for e in parse(built, "atom.xml").entries]


def test_main_top_daily_and_tag_feeds_hold_the_right_entries(built):
    stored = [posts.parse(p.read_text(encoding="utf-8")) for p in built.post_files()]
    main = parse(built, "atom.xml")
    assert len(main.entries) == len(stored)  # fewer than 100: every day whole
    assert main.feed.subtitle == "Every paper, from the latest 3 days, each day ranked by upvotes"
    top = parse(built, "top.rss.xml")
    expected_top = {xml_text(to_plain(str(p.meta["title"]))) for p in stored if p.meta.get("upvotes", 0) >= 20}
    assert {e.title for e in top.entries} == expected_top
    daily = parse(built, "daily.atom.xml")
    assert [e.published[:10] for e in daily.entries] == ["2026-05-11", "2026-03-03", "2026-01-07"]
    may = BeautifulSoup(daily.entries[0].content[0].value, "html.parser")
    votes = [int(li.get_text().rsplit("(", 1)[1].split()[0]) for li in may.find_all("li")]
    assert len(votes) == 41 and votes == sorted(votes, reverse=True)
    agents = parse(built, "tags/agents.atom.xml")
    tagged = {xml_text(to_plain(str(p.meta["title"]))) for p in stored if "Agents" in p.meta["tags"]} | {"Attention in O(n²) over ℝᵈ"}
    assert len(agents.entries) <= 50 and {e.title for e in agents.entries} <= tagged
    assert all("Agents" in [t.term for t in e.tags] for e in agents.entries)
    links = [a["href"] for a in BeautifulSoup(main.entries[0].content[0].value, "html.parser").find_all("a")]
    assert any(link.startswith("https://arxiv.org/abs/") for link in links)


def test_json_feed_opml_and_the_feeds_page(built):
    document = json.loads((built.output / "feeds/feed.json").read_text(encoding="utf-8"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == f"{SITEURL}/feeds/feed.json"
    assert document["authors"] == [{"name": SITENAME, "url": SITEURL + "/"}]
    atom = parse(built, "atom.xml")
    assert [item["id"] for item in document["items"]] == [e.id for e in atom.entries]
    assert [item["date_published"] for item in document["items"]] == [e.published for e in atom.entries]
    outlines = ElementTree.parse(built.output / "feeds/feeds.opml").getroot().iter("outline")
    old_addresses = {f"{slug}.atom.xml" for slug in moved_tags(built)}  # kept for old subscribers, not listed
    atom_files = {f"{SITEURL}/{p.relative_to(built.output)}" for p in xml_feeds(built)
                  if p.name.endswith("atom.xml") and p.name not in old_addresses}
    assert {o.get("xmlUrl") for o in outlines} == atom_files
    listing = BeautifulSoup((built.output / "feeds/index.html").read_text(encoding="utf-8"), "lxml")
    links = listing.select("table.feed-list a")
    assert len({a["href"] for a in links}) == 2 * len(atom_files) + 1  # Atom and RSS each, one JSON
    names = [row.td.contents[0].strip() for row in listing.select("table.feed-list tbody tr")]
    assert names[:3] == ["Latest papers", "Daily digest", "Top papers"] and "Agents" in names
    # Link text is a format and the feed's name (for screen readers), never a file path.
    assert all(a.get_text().split(":")[0] in ("Atom", "RSS", "JSON Feed") and "/" not in a.get_text() for a in links)


def test_pages_advertise_absolute_feed_addresses(built):
    def alternates(url):
        soup = BeautifulSoup((built.output / url / "index.html").read_text(encoding="utf-8"), "lxml")
        return {link["type"]: link["href"] for link in soup.find_all("link", rel="alternate")}

    site_feeds = {"application/atom+xml": f"{SITEURL}/feeds/atom.xml", "application/rss+xml": f"{SITEURL}/feeds/rss.xml",
                  "application/feed+json": f"{SITEURL}/feeds/feed.json"}
    assert alternates("") == site_feeds
    soup = BeautifulSoup((built.output / "tags/agents/index.html").read_text(encoding="utf-8"), "lxml")
    hrefs = {link["href"] for link in soup.find_all("link", rel="alternate")}
    assert {f"{SITEURL}/feeds/tags/agents.atom.xml", f"{SITEURL}/feeds/tags/agents.rss.xml"} < hrefs


# ---------------------------------------------------------------------------------------------
# A day's upvotes change and a new day comes: what a feed reader (newsboat) would see


def feed_state(site: Site) -> dict[str, dict[str, tuple]]:
    """For each feed file: link -> (id, published, updated) of its entries."""
    state = {}
    for path in xml_feeds(site):
        entries = feedparser.parse(path.read_bytes()).entries
        assert len({e.link for e in entries}) == len(entries), path  # no paper twice in a feed
        state[str(path.relative_to(site.output))] = {
            e.link: (e.id, e.published, dict.get(e, "updated")) for e in entries  # RSS has no updated
        }
    return state


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    """An API day built, then rebuilt after its least upvoted paper jumps to the top and a new
    day comes; and a clean build of the result. Small limits: the main feed (30) holds whole days."""
    site = Site(tmp_path_factory.mktemp("feeds") / "update")
    with open(site.root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write("\nFEED_MAX_ITEMS = 30\nFEED_TOP_THRESHOLD = 10**6\n")
    site.import_fixtures(("hfapi_2026-05-11.json", "2026-05-12"))
    build(site)
    before = feed_state(site)
    before_top = parse(site, "top.atom.xml")
    listing = json.loads((FIXTURES / "hfapi_2026-05-11.json").read_text(encoding="utf-8"))
    last = min(listing, key=lambda item: item["paper"]["upvotes"])
    last["paper"]["upvotes"] = 1000
    changed = site.root / "hfapi_2026-05-11.json"
    changed.write_text(json.dumps(listing), encoding="utf-8")
    site.papers("import", "--scraped-on", "2026-05-20", str(changed))
    add_post(site, Paper(title="A new day", abstract="Fresh.", day=date(2026, 5, 12), upvotes=1), "a-new-day", [])
    build(site)
    clean = Site(tmp_path_factory.mktemp("feeds") / "clean")
    shutil.rmtree(clean.content)
    shutil.copytree(site.content, clean.content)
    shutil.copy(site.root / "pelicanconf.py", clean.root / "pelicanconf.py")
    build(clean)
    return site, clean, before, before_top, last["paper"]["title"]


def test_after_an_update_and_a_new_day_no_entry_is_new_twice(updated):
    site, _, before, _, _ = updated
    after = feed_state(site)
    ids = {}
    for name, entries in before.items():
        for link, (entry_id, _, _) in entries.items():
            assert ids.setdefault(link, entry_id) == entry_id  # one id per paper in every feed
            if link in after.get(name, {}):
                assert after[name][link][0] == entry_id, (name, link)
    new = {link for entries in after.values() for link in entries} - set(ids)
    assert new == {f"{SITEURL}/2026/05/12/a-new-day/", f"{SITEURL}/2026/05/12/"}


def test_ranked_times_follow_the_ranking_and_the_digest_moves_with_its_content(updated):
    site, _, before, _, title = updated
    after = feed_state(site)
    # The paper that jumped to the top takes the day's top time; the ids stay.
    tagged = next(name for name, entries in after.items() if name.startswith("feeds/tags/")
                  and any(e.title == title for e in parse(site, name.removeprefix("feeds/")).entries))
    entry = next(e for e in parse(site, tagged.removeprefix("feeds/")).entries if e.title == title)
    assert before[tagged][entry.link][1] < entry.published == "2026-05-11T00:59:59+00:00"
    may = next(e for e in parse(site, "daily.atom.xml").entries if e.published.startswith("2026-05-11"))
    old_id, old_published, old_updated = before["feeds/daily.atom.xml"][may.link]
    assert may.id == old_id and may.published == old_published == "2026-05-11T00:00:00+00:00"
    # The digest shows upvotes: its date moves to the date they were observed, and only then.
    assert old_updated == "2026-05-12T00:00:01+00:00"  # observed on the 12th: a day after the day
    assert may.updated == "2026-05-20T00:00:09+00:00"
    assert title in BeautifulSoup(may.content[0].value, "html.parser").li.get_text()


def test_main_feed_ends_on_a_whole_day_and_an_empty_feed_has_the_newest_day(updated):
    site, _, before, before_top, _ = updated
    # Before: the only day has 41 papers, more than 30: the whole day. After: a new day of one
    # paper, and the 41 would pass 30: the main feed holds the new day alone.
    assert len(before["feeds/atom.xml"]) == 41
    main = parse(site, "atom.xml")
    assert [e.link for e in main.entries] == [f"{SITEURL}/2026/05/12/a-new-day/"]
    assert main.feed.subtitle == "Every paper, from the latest day, each day ranked by upvotes"
    assert before_top.entries == [] and before_top.feed.updated == "2026-05-11T00:00:00+00:00"
    top = parse(site, "top.atom.xml")
    assert top.entries == [] and top.feed.updated == "2026-05-12T00:00:00+00:00"
    assert top.feed.subtitle.endswith("none yet")


def test_feeds_are_byte_identical_between_an_incremental_and_a_clean_build(updated):
    site, clean, *_ = updated
    files = [*xml_feeds(site), site.output / "feeds/feed.json", site.output / "feeds/feeds.opml"]
    assert len(files) == len(xml_feeds(clean)) + 2
    for path in files:
        assert path.read_bytes() == (clean.output / path.relative_to(site.output)).read_bytes(), path
