"""The pages of authors and organizations, and the reading list's page (in pages.PAGE_TYPES)."""

from __future__ import annotations

from typing import Iterable

from .. import urls
from .archive import Archive
from .pages import Page
from .people import OrgRow, people


def author_pages(site: Archive, settings: dict) -> Iterable[Page]:
    for group in people(site, settings).authors.values():
        yield Page(urls.author(group.slug), "author", {"group": group})


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
