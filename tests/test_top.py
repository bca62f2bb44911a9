"""Top pages (/top/…), the weekly digest feed and the day JSON files, checked against the posts."""

import json
from collections import defaultdict
from datetime import date, timedelta

import feedparser
import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import SAMPLE_DAYS, Site
from test_feeds import SITEURL, add_post, build
from test_incremental import clean_build_of, tree

from dailypapers.model import Paper

# Five real days in five ISO weeks, three years' months: 2024-W22, 2024-W28, 2026-W02, -W10, -W20.
DAYS = (*SAMPLE_DAYS, ("hfapi_2024-05-28.json", "2024-05-29"), ("hfapi_2024-07-09.json", "2024-07-10"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("top") / "site")
    site.import_fixtures(*DAYS)
    # 60 papers in one week: its top page shows only the 50 most upvoted.
    for number in range(60):
        add_post(site, Paper(title=f"Crowded week paper {number:02d}", abstract="A.", day=date(2025, 3, 4),
                             upvotes=number % 7), f"crowded-{number:02d}", ["Agents"])
    build(site)
    return site


def read_posts(site: Site) -> list[dict]:
    """The posts' own front matter: the ranking is checked against it, not the site's model."""
    found = []
    for path in site.post_files():
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        meta["url"] = f"{meta['date']:%Y/%m/%d}/{meta['slug']}/"
        found.append(meta)
    return found


def ranked(posts: list[dict], limit: int | None = 50) -> list[str]:
    """Most upvoted first; ties by title (case folded), then slug; the first `limit`."""
    return [p["url"] for p in sorted(posts, key=lambda p: (-p["upvotes"], p["title"].casefold(), p["slug"]))][:limit]


def soup(site: Site, url: str) -> BeautifulSoup:
    return BeautifulSoup((site.output / url / "index.html").read_bytes(), "lxml")


def listed(site: Site, url: str) -> list[str]:
    return [li.a["href"] for li in soup(site, url).select("ol.top > li")]


def periods(posts: list[dict]) -> dict[str, dict[str, list[dict]]]:
    """Posts by ISO week, month and year, as the URLs name them."""
    grouped = {"week": defaultdict(list), "month": defaultdict(list), "year": defaultdict(list)}
    for post in posts:
        year_of_week, week, _ = post["date"].isocalendar()
        grouped["week"][f"{year_of_week}-W{week:02d}"].append(post)
        grouped["month"][f"{post['date']:%Y-%m}"].append(post)
        grouped["year"][f"{post['date']:%Y}"].append(post)
    return grouped


def test_every_top_page_ranks_its_periods_papers_by_upvotes(built):
    posts = read_posts(built)
    grouped = periods(posts)
    assert len(grouped["week"]) == 6
    for kind, by_name in grouped.items():
        assert sorted(p.name for p in (built.output / "top" / kind).iterdir()) == sorted(by_name)
        for name, papers in by_name.items():
            assert listed(built, f"top/{kind}/{name}/") == ranked(papers), (kind, name)
    assert len(listed(built, "top/week/2025-W10/")) == 50  # of 60
    assert listed(built, "top/")[-50:] == ranked(posts)  # all time, after the newest week, month and year

    # Each row: title, day, upvotes, first authors, tags.
    by_url = {p["url"]: p for p in posts}
    for row in soup(built, "top/year/2026/").select("ol.top > li"):
        post = by_url[row.a["href"]]
        meta = row.select_one(".meta").get_text(" ", strip=True)
        assert f"{post['date']:%b} {post['date'].day}, {post['date'].year}" in meta
        assert f"{post['upvotes']} upvote" in meta
        if post.get("paper_authors"):
            assert post["paper_authors"][0] in meta
        tags = row.select_one(".meta small")
        assert (tags.get_text().split(", ") if tags else []) == post.get("tags", [])


def test_tag_top_pages_rank_the_tags_papers(built):
    posts = read_posts(built)
    pages = sorted(built.output.glob("tags/*/top/index.html"))
    assert len(pages) == len({tag for p in posts for tag in p.get("tags", [])})
    for page in pages:
        url = str(page.parent.relative_to(built.output)) + "/"
        name = soup(built, url).select_one(".lead a").get_text()
        assert listed(built, url) == ranked([p for p in posts if name in p.get("tags", [])]), name
        # The tag's own page offers it.
        assert soup(built, url.removesuffix("top/")).find("a", href=url)


def test_periods_link_their_neighbours_and_their_top_pages(built):
    grouped = periods(read_posts(built))
    for kind, by_name in grouped.items():
        names = sorted(by_name)
        for index, name in enumerate(names):
            page = soup(built, f"top/{kind}/{name}/")
            previous, following = page.find("a", rel="prev"), page.find("a", rel="next")
            assert (previous["href"] if previous else None) == (f"top/{kind}/{names[index - 1]}/" if index else None)
            assert (following["href"] if following else None) == (
                f"top/{kind}/{names[index + 1]}/" if index + 1 < len(names) else None)
    assert "Week 2 of 2026" in soup(built, "top/week/2026-W02/").h1.get_text()
    assert "January 5–11, 2026" in soup(built, "top/week/2026-W02/").select_one(".lead").get_text()
    # A day links its week's, month's and year's top pages; a month and a year their own.
    day = soup(built, "2026/01/07/")
    for url in ("top/week/2026-W02/", "top/month/2026-01/", "top/year/2026/"):
        assert day.find("a", href=url) and (built.output / url / "index.html").is_file()
    assert day.find("a", href="api/days/2026-01-07.json")  # and its data; the archives, the index of it
    assert soup(built, "archives/").find("a", href="api/index.json")
    assert soup(built, "2026/01/").find("a", href="top/month/2026-01/")
    assert soup(built, "2026/").find("a", href="top/year/2026/")
    top = soup(built, "top/")
    assert [h.get_text() for h in top.select("h2")] == ["Week 20 of 2026", "May 2026", "2026", "All time"]
    sitemap = (built.output / "sitemaps" / "top.xml").read_text()
    assert f"{SITEURL}/top/week/2026-W02/" in sitemap and f"{SITEURL}/tags/agents/top/" in sitemap


def test_the_weekly_digest_has_each_finished_weeks_top_ten(built):
    grouped = periods(read_posts(built))
    finished = sorted(grouped["week"])[:-1][::-1]  # the newest week is not over: the archive has no later day
    for kind in ("atom", "rss"):
        feed = feedparser.parse((built.output / "feeds" / f"weekly.{kind}.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert [e.link for e in feed.entries] == [f"{SITEURL}/top/week/{name}/" for name in finished]
        for entry, name in zip(feed.entries, finished):
            hrefs = [a["href"] for a in BeautifulSoup(entry.summary, "lxml").find_all("a")]
            assert hrefs == [f"{SITEURL}/{url}" for url in ranked(grouped["week"][name])[:10]]
    atom = feedparser.parse((built.output / "feeds" / "weekly.atom.xml").read_bytes())
    published = [e.published_parsed[:3] for e in atom.entries]
    assert published == sorted(published, reverse=True) and len(set(e.id for e in atom.entries)) == len(finished)
    assert "feeds/weekly.atom.xml" in (built.output / "feeds" / "feeds.opml").read_text()
    assert soup(built, "feeds/").find("a", href="feeds/weekly.rss.xml")


def test_every_day_file_has_the_documented_shape_and_the_days_papers(built):
    schema = json.loads((built.output / "api" / "day.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    index = json.loads((built.output / "api" / "index.json").read_text())
    by_day = defaultdict(list)
    for post in read_posts(built):
        by_day[post["date"].isoformat()].append(post)
    assert [d["day"] for d in index["days"]] == sorted(by_day)
    for entry in index["days"]:
        document = json.loads((built.output / entry["file"]).read_text(encoding="utf-8"))
        jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
        posts = by_day[entry["day"]]
        assert document["count"] == entry["count"] == len(posts)
        assert [p["url"] for p in document["papers"]] == ranked(posts, None)
        by_url = {p["url"]: p for p in posts}
        for paper in document["papers"]:
            post = by_url[paper["url"]]
            assert (paper["id"], paper["upvotes"], paper["tags"]) == (post.get("arxiv_id"), post["upvotes"],
                                                                      post.get("tags", []))
            assert paper["authors"] == post.get("paper_authors", [])
    broken = {**document, "papers": [{**document["papers"][0], "upvotes": "many"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def top_pages(site: Site) -> dict[str, bytes]:
    return {k: v for k, v in tree(site.output).items() if k.startswith("top/") or k.endswith("/top/index.html")}


@pytest.mark.slow  # five builds
def test_adding_a_day_changes_only_the_top_pages_its_papers_enter(tmp_path):
    site = Site(tmp_path / "site")
    site.import_fixtures(*SAMPLE_DAYS)
    site.build()
    before = top_pages(site)
    # Thursday of 2026-W02, not upvoted: it enters its week's and month's lists only.
    add_post(site, Paper(title="Zz a late paper", abstract="A.", day=date(2026, 1, 8), upvotes=0),
             "zz-a-late-paper", ["Agents"])
    site.build()
    after = top_pages(site)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"top/week/2026-W02/index.html", "top/month/2026-01/index.html",
                       "tags/agents/top/index.html"}
    assert set(after) - set(before) == set()
    assert tree(site.output) == clean_build_of(site, tmp_path / "a")

    # A day of a new week: the week before gains its "next" link.
    add_post(site, Paper(title="Next week", abstract="A.", day=date(2026, 1, 8) + timedelta(days=7), upvotes=500),
             "next-week", ["Agents"])
    site.build()
    assert soup(site, "top/week/2026-W02/").find("a", rel="next")["href"] == "top/week/2026-W03/"
    assert tree(site.output) == clean_build_of(site, tmp_path / "b")
