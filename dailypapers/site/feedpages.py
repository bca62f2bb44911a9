"""The feeds as pages: which feeds there are, what each shows, and the /feeds/ page.

A feed is declared like any page (site/pages.py): its files are made from the values it is
declared with (the papers it shows and their ranks in their days, or the days of the
digest), and their keys are digests of exactly those values. site/feeds.py makes them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

from .. import urls
from . import feeds
from .archive import Archive, PaperEntry
from .pages import Listing, Page, listing
from .top import DIGEST_SIZE, WeekDigest, week_item, weekly_digests


@dataclass(frozen=True)
class Feed:
    """What a feed says about itself."""

    name: str  # what the /feeds/ page calls it
    title: str
    subtitle: str
    atom_path: str
    rss_path: str
    page_url: str  # the HTML page the feed belongs to
    json_path: str | None = None  # also as JSON Feed


_items: dict[tuple[str, int], feeds.FeedItem] = {}  # per build and process: tag feeds share papers
_rendered: dict[str, bytes] = {}  # an RSS file made in the same pass as its Atom file


def _paper_item(paper: PaperEntry, rank: int) -> feeds.FeedItem:
    key = (paper.digest, rank)  # the post file's digest: an edited paper is a new item
    item = _items.get(key)
    if item is None:
        item = _items[key] = feeds.paper_item(paper, rank)
    return item


def _spec(feed: Feed, papers: list, ranks: list, days: list, site: dict) -> feeds.FeedSpec:
    def items() -> list[feeds.FeedItem]:
        if days:  # digests: of a day, or of a week's top papers
            return [(week_item if isinstance(day, WeekDigest) else feeds.day_item)(day, site["url"], site["name"])
                    for day in days]
        return [_paper_item(paper, rank) for paper, rank in zip(papers, ranks)]

    empty = site.get("empty_since")
    return feeds.FeedSpec(feed.name, feed.title, feed.subtitle, feed.atom_path, feed.rss_path, feed.page_url,
                          feed.json_path, items, feeds.day_datetime(empty) if empty else None)


def atom_file(feed: Feed, papers: list, ranks: list, days: list, site: dict) -> bytes:
    made = feeds.render_xml(_spec(feed, papers, ranks, days, site), site["url"], site["name"])
    _rendered[feed.rss_path] = made[feed.rss_path]
    return made[feed.atom_path]


def rss_file(feed: Feed, papers: list, ranks: list, days: list, site: dict) -> bytes:
    made = _rendered.pop(feed.rss_path, None)
    if made is None:  # made alone (its Atom file was unchanged)
        made = feeds.render_xml(_spec(feed, papers, ranks, days, site), site["url"], site["name"])[feed.rss_path]
    return made


def json_file(feed: Feed, papers: list, ranks: list, days: list, site: dict) -> bytes:
    return feeds.render_json(_spec(feed, papers, ranks, days, site), site["url"], site["name"])


def opml_file(listed: list[Feed], title: str, site_url: str) -> bytes:
    return feeds.render_opml(title, listed, site_url)


def _latest(count: int) -> str:
    return "the latest day" if count == 1 else f"the latest {count} days"


def declared_feeds(site: Archive, settings: dict) -> list[tuple[Feed, list[PaperEntry], list]]:
    """Every Atom/RSS feed with the papers it shows (or, for a digest, its days or weeks)."""
    name = settings.get("SITENAME", "")
    newest_first = [p for day in reversed(site.days) for p in day.papers]
    limit, threshold = settings["FEED_MAX_ITEMS"], settings["FEED_TOP_THRESHOLD"]
    days = [listing(d) for d in site.days[::-1][: settings["FEED_DAILY_DAYS"]]]
    weeks = weekly_digests(site, settings["FEED_WEEKLY_WEEKS"])

    def papers_feed(label, title, subtitle, paths, page, papers, json_path=None):
        count = len({p.day for p in papers})
        subtitle = f"{subtitle}, from {_latest(count)}, each day ranked by upvotes" if papers else f"{subtitle}: none yet"
        return Feed(label, title, subtitle, *paths, page, json_path), papers, []

    declared = [
        papers_feed("Latest papers", name, "Every paper", (urls.FEED_ATOM, urls.FEED_RSS), urls.HOME,
                    feeds.whole_days(newest_first, limit), urls.FEED_JSON),
        (Feed("Daily digest", f"{name}: daily digest",
              f"One entry a day for {_latest(len(days))}: the day's papers, ranked by upvotes",
              urls.FEED_DAILY_ATOM, urls.FEED_DAILY_RSS, urls.ARCHIVES), [], days),
        papers_feed("Top papers", f"{name}: top papers", f"Papers with {threshold} or more upvotes",
                    (urls.FEED_TOP_ATOM, urls.FEED_TOP_RSS), urls.HOME,
                    feeds.whole_days([p for p in newest_first if p.upvotes >= threshold], limit)),
        (Feed("Weekly digest", f"{name}: weekly digest",
              f"One entry a finished week, its {DIGEST_SIZE} most upvoted papers: "
              + (f"the latest {len(weeks)}" if weeks else "none yet"),
              urls.FEED_WEEKLY_ATOM, urls.FEED_WEEKLY_RSS, urls.TOP), [], weeks),
    ]
    for tag, papers in sorted(site.tags.items(), key=lambda item: item[0].slug):
        declared.append(papers_feed(
            tag.name, f"{name}: {tag.name}", f"Papers tagged {tag.name}",
            (urls.tag_feed(tag.slug, "atom"), urls.tag_feed(tag.slug, "rss")), tag.url,
            feeds.whole_days(papers, settings["FEED_TAG_MAX_ITEMS"]),
        ))
    return declared


def feed_pages(site: Archive, settings: dict) -> Iterable[Page]:
    """Every feed file, the OPML list and the /feeds/ page; no feeds while there are no papers."""
    _items.clear()
    if not site.days:
        yield Page(urls.FEEDS, "feeds", {"site_feeds": [], "tag_feeds": []})
        return
    site_values = {"url": settings["SITEURL"] or settings["FEED_SITEURL"], "name": settings.get("SITENAME", "")}
    # An empty feed is dated on the site's newest day; a feed with entries, by them alone.
    empty_values = {**site_values, "empty_since": site.days[-1].start}
    ranks = {p.source_path: number for day in site.days for number, p in enumerate(day.ranked, 1)}

    def files(feed: Feed, papers: list[PaperEntry], days: list[Listing]) -> Iterable[Page]:
        # A paper's time in a feed follows its rank in its day, which other papers' upvotes change.
        values = {"feed": feed, "papers": papers, "ranks": [ranks[p.source_path] for p in papers],
                  "days": days, "site": site_values if papers or days else empty_values}
        yield Page(feed.atom_path, atom_file, values, group=feed.atom_path)
        yield Page(feed.rss_path, rss_file, values, group=feed.atom_path)
        if feed.json_path:  # same worker: the items are made already
            yield Page(feed.json_path, json_file, values, group=feed.atom_path)

    declared = declared_feeds(site, settings)
    for feed, papers, days in declared:
        yield from files(feed, papers, days)
    # A renamed tag's old feed addresses keep working: the new tag's feed, at its old address
    # (its own id and self link, so a reader that follows it sees one feed, as before).
    by_page = {feed.page_url: (feed, papers) for feed, papers, _ in declared}
    current = {tag.slug for tag in site.tags}
    for old, new in sorted(site.moved_tags.items()):
        if urls.tag(new) in by_page and old not in current:
            feed, papers = by_page[urls.tag(new)]
            yield from files(replace(feed, atom_path=urls.tag_feed(old, "atom"), rss_path=urls.tag_feed(old, "rss")),
                             papers, [])
    listed = [feed for feed, _, _ in declared]
    title = f"{site_values['name']}: feeds"
    yield Page(urls.FEED_OPML, opml_file, {"listed": listed, "title": title, "site_url": site_values["url"]})
    tag_feeds = [feed for feed in listed if feed.atom_path.startswith(urls.TAG_FEEDS)]
    site_feeds = [feed for feed in listed if feed not in tag_feeds]
    yield Page(urls.FEEDS, "feeds", {"site_feeds": site_feeds, "tag_feeds": tag_feeds})
