"""The feeds as pages: which feeds there are, what each shows, and the /feeds/ page.

Each feed is declared like any page (site/pages.py): its files' keys are digests of the
papers or days it shows, and of what it says about itself.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import Iterable

from .. import urls
from . import feeds
from .archive import Archive, PaperEntry
from .pages import Listing, Page, listing


@dataclass(frozen=True)
class Feed:
    """A feed's description; its entries are the papers (or days) it is declared with."""

    title: str
    subtitle: str
    atom_path: str
    rss_path: str
    page_url: str  # the HTML page the feed mirrors


_items: dict[str, feeds.FeedItem] = {}  # one item per paper per process: tag feeds share papers
_rendered: dict[str, bytes] = {}  # an RSS file made in the same pass as its Atom file


def _paper_item(paper: PaperEntry) -> feeds.FeedItem:
    item = _items.get(paper.source_path)
    if item is None:
        item = _items[paper.source_path] = feeds.paper_item(paper)
    return item


def _spec(feed: Feed, papers: list[PaperEntry], days: list[Listing], site_url: str) -> feeds.FeedSpec:
    if days:
        return feeds.FeedSpec(*astuple(feed), lambda: [feeds.day_item(d, site_url) for d in days])
    return feeds.FeedSpec(*astuple(feed), lambda: [_paper_item(p) for p in papers])


def atom_file(feed: Feed, papers: list, days: list, site_url: str) -> bytes:
    made = feeds.render_xml(_spec(feed, papers, days, site_url), site_url)
    _rendered[feed.rss_path] = made[feed.rss_path]
    return made[feed.atom_path]


def rss_file(feed: Feed, papers: list, days: list, site_url: str) -> bytes:
    made = _rendered.pop(feed.rss_path, None)
    return made if made is not None else feeds.render_xml(_spec(feed, papers, days, site_url), site_url)[feed.rss_path]


def json_feed(feed: Feed, papers: list, site_url: str) -> bytes:
    return feeds.render_json(_spec(feed, papers, [], site_url), site_url, urls.FEED_JSON)


def opml_file(feeds_listed: list[Feed], title: str, site_url: str) -> bytes:
    specs = [feeds.FeedSpec(*astuple(f)) for f in feeds_listed]
    return feeds.render_opml(title, specs, site_url)


def declared_feeds(site: Archive, settings: dict) -> list[tuple[Feed, list[PaperEntry], list[Listing]]]:
    """Every Atom/RSS feed with the papers (or, for the digest, the days) it shows."""
    name = settings.get("SITENAME", "")
    newest = sorted(site.papers, key=lambda p: (p.day, p.upvotes, p.slug), reverse=True)
    limit = settings["FEED_MAX_ITEMS"]
    threshold = settings["FEED_TOP_THRESHOLD"]
    top = [p for p in newest if p.upvotes >= threshold][:limit]
    days = [listing(d) for d in site.days[::-1][: settings["FEED_DAILY_DAYS"]]]
    declared = [
        (Feed(name, f"The latest papers of {name}", urls.FEED_ATOM, urls.FEED_RSS, urls.HOME), newest[:limit], []),
        (Feed(f"{name}: daily digest", "One entry a day: the day's papers, ranked by upvotes",
              urls.FEED_DAILY_ATOM, urls.FEED_DAILY_RSS, urls.ARCHIVES), [], days),
        (Feed(f"{name}: top papers", f"Papers with {threshold} or more upvotes",
              urls.FEED_TOP_ATOM, urls.FEED_TOP_RSS, urls.HOME), top, []),
    ]
    for tag, papers in sorted(site.tags.items(), key=lambda item: item[0].slug):
        feed = Feed(f"{name}: {tag.name}", f"The latest papers tagged {tag.name}",
                    urls.tag_feed(tag.slug, "atom"), urls.tag_feed(tag.slug, "rss"), tag.url)
        declared.append((feed, papers[: settings["FEED_TAG_MAX_ITEMS"]], []))
    return declared


def feed_pages(site: Archive, settings: dict) -> Iterable[Page]:
    site_url = settings["SITEURL"] or settings["FEED_SITEURL"]
    declared = declared_feeds(site, settings)
    for feed, papers, days in declared:
        values = {"feed": feed, "papers": papers, "days": days, "site_url": site_url}
        yield Page(feed.atom_path, atom_file, values, group=feed.atom_path)
        yield Page(feed.rss_path, rss_file, values, group=feed.atom_path)
    main, main_papers, _ = declared[0]
    yield Page(urls.FEED_JSON, json_feed, {"feed": main, "papers": main_papers, "site_url": site_url})
    listed = [feed for feed, _, _ in declared]
    title = f"{settings.get('SITENAME', '')}: feeds"
    yield Page(urls.FEED_OPML, opml_file, {"feeds_listed": listed, "title": title, "site_url": site_url})
    yield Page(urls.FEEDS, "feeds", {"feed_specs": listed})
