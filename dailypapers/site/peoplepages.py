"""The pages of authors and organizations, and the reading list's page (in pages.PAGE_TYPES)."""

from __future__ import annotations

from typing import Iterable

from .. import urls
from .archive import Archive
from .authorfeeds import author_feed
from .pages import Page
from .people import OrgRow, people


def author_pages(site: Archive, settings: dict) -> Iterable[Page]:
    """Each author's page and Atom feed (of their newest papers)."""
    names = people(site, settings)
    entries = settings["AUTHOR_FEED_ITEMS"]
    site_url = settings["SITEURL"] or settings["FEED_SITEURL"]
    for group in names.authors.values():
        page_url, feed_path = urls.author(group.slug), urls.author_feed(group.slug)
        yield Page(page_url, "author", {"group": group, "feed_url": urls.absolute(site_url, feed_path)})
        newest = group.papers[:entries]
        yield Page(feed_path, author_feed, {
            "name": group.name, "page_url": page_url, "feed_path": feed_path, "papers": newest,
            "ranks": tuple([names.rank[id(paper)] for paper in newest]), "site_url": site_url,
        })


def org_pages(site: Archive, settings: dict) -> Iterable[Page]:
    orgs = people(site, settings).orgs
    for group in orgs.values():
        yield Page(urls.org(group.slug), "org", {"group": group})
    rows = sorted((OrgRow(urls.org(g.slug), g.name, len(g.papers)) for g in orgs.values()),
                  key=lambda row: (-row.count, row.name.casefold()))
    yield Page(urls.ORGS, "orgs", {"org_rows": rows, "paper_count": sum(row.count for row in rows)})


def saved(site: Archive, settings: dict) -> Iterable[Page]:
    # The list lives in the reader's browser: the page is the same for every archive.
    yield Page(urls.SAVED, "saved")
