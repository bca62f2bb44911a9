"""The most upvoted papers of a period (an ISO week, a month, a year, all time) and of a tag:
the /top/ pages and the weekly digest feed.

A top list is a period's papers ranked as a day is (site/archive.py rank_key: upvotes, then
title), cut at TOP_SIZE. A top page is keyed by the papers it shows and its neighbours'
links, so adding a day re-makes only the lists the day's papers enter (its week's, month's,
year's and all time's, when they rank high enough; its tags' the same way) and the page
before a new period (its "next" link).

Imported through pages.py (it builds on Link and Page there), which lists its page types.
"""

from __future__ import annotations

import calendar
import functools
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Iterable

from markupsafe import escape

from .. import urls
from . import feeds
from .archive import Archive, PaperEntry, Period, TagRef, rank_key
from .archive import _link as link_neighbours
from .pages import Link, Page
from .text import to_plain

TOP_SIZE = 50  # rows of a top page: lean, however big the period
DIGEST_SIZE = 10  # rows of a period on /top/, and papers of a weekly digest entry


@dataclass(frozen=True)
class TopList:
    """A ranked list, as a page shows it."""

    url: str  # the full list's page
    title: str
    papers: tuple[PaperEntry, ...]


@dataclass
class TopPeriod(Period):
    """A week, month or year (kind "week" | "month" | "year", a week starting on its Monday)
    with its most upvoted papers, ranked: at most TOP_SIZE."""

    @cached_property
    def url(self) -> str:
        return {"week": urls.top_week, "month": urls.top_month, "year": urls.top_year}[self.kind](self.start)

    @property
    def title(self) -> str:
        if self.kind == "week":
            year_of_week, week, _ = self.start.isocalendar()
            return f"Week {week} of {year_of_week}"
        return super().title

    @property
    def span(self) -> str:
        """A week's days in words: 'January 5–11, 2026', 'December 29, 2025 – January 4, 2026'."""
        end = self.start + timedelta(days=6)
        first = f"{calendar.month_name[self.start.month]} {self.start.day}"
        if end.year != self.start.year:
            return f"{first}, {self.start.year} – {calendar.month_name[end.month]} {end.day}, {end.year}"
        if end.month != self.start.month:
            return f"{first} – {calendar.month_name[end.month]} {end.day}, {end.year}"
        return f"{first}–{end.day}, {end.year}"

    def view(self, size: int = TOP_SIZE) -> TopList:
        return TopList(self.url, self.title, tuple(self.papers[:size]))


@dataclass
class Tops:
    weeks: list[TopPeriod]  # oldest first
    months: list[TopPeriod]
    years: list[TopPeriod]
    all_time: list[PaperEntry]
    tags: dict[TagRef, list[PaperEntry]]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _periods(kind: str, lists: dict[date, list[PaperEntry]]) -> list[TopPeriod]:
    return link_neighbours([TopPeriod(kind, start, papers) for start, papers in sorted(lists.items())])


@functools.lru_cache(maxsize=1)  # one archive per build: its pages, sitemap and feed share it
def tops(site: Archive) -> Tops:
    """One pass over all papers, most upvoted first: each list keeps the first TOP_SIZE it meets."""
    weeks, months, years = defaultdict(list), defaultdict(list), defaultdict(list)
    tags: dict[TagRef, list[PaperEntry]] = defaultdict(list)
    all_time: list[PaperEntry] = []
    week_of = {day.start: week_start(day.start) for day in site.days}
    for paper in sorted(site.papers, key=rank_key):
        lists = [weeks[week_of[paper.day]], months[paper.month], years[date(paper.day.year, 1, 1)], all_time]
        lists += [tags[tag] for tag in paper.tags]
        for ranked in lists:
            if len(ranked) < TOP_SIZE:
                ranked.append(paper)
    return Tops(_periods("week", weeks), _periods("month", months), _periods("year", years), all_time, dict(tags))


def _link(period: TopPeriod | None) -> Link | None:
    return Link(period.url, period.title, period.start) if period else None


# Page types (listed in pages.PAGE_TYPES)

def top_index(site: Archive, settings: dict) -> Iterable[Page]:
    """/top/: the newest week, month and year (the archive's, not the clock's) and all time."""
    made = tops(site)
    latest = [periods[-1].view(DIGEST_SIZE) for periods in (made.weeks, made.months, made.years) if periods]
    yield Page(urls.TOP, "top_index", {
        "latest": latest,
        "all_time": TopList(urls.TOP, "All time", tuple(made.all_time)),
        "years": [_link(year) for year in made.years[::-1]],
    })


def top_period_pages(site: Archive, settings: dict) -> Iterable[Page]:
    made = tops(site)
    for period in [*made.weeks, *made.months, *made.years]:
        yield Page(period.url, "top", {
            "top": period.view(),
            "kind": period.kind,
            "span": period.span if period.kind == "week" else "",
            "previous": _link(period.previous),
            "next": _link(period.next),
        })


def tag_top_pages(site: Archive, settings: dict) -> Iterable[Page]:
    """'Top in this tag': a tag's most upvoted papers of all time."""
    for tag, papers in tops(site).tags.items():
        yield Page(urls.tag_top(tag.slug), "top", {"top": TopList(urls.tag_top(tag.slug), tag.name, tuple(papers)),
                                                   "kind": "tag", "tag": tag})


def top_listings(site: Archive) -> list[tuple[str, list[PaperEntry]]]:
    """Every top page with the papers it shows, for the sitemap."""
    made = tops(site)
    listings = [(urls.TOP, made.all_time)] if made.all_time else []
    listings += [(period.url, period.papers) for period in [*made.weeks, *made.months, *made.years]]
    listings += [(urls.tag_top(tag.slug), papers) for tag, papers in made.tags.items()]
    return listings


# The weekly digest feed (declared in feedpages.py)

@dataclass(frozen=True)
class WeekDigest:
    """A finished week's top papers, as one feed entry."""

    url: str
    title: str
    start: date  # its Monday
    papers: tuple[PaperEntry, ...]  # ranked, at most DIGEST_SIZE


def weekly_digests(site: Archive, count: int) -> list[WeekDigest]:
    """The newest `count` finished weeks (the archive has a later day), newest first."""
    if not site.days:
        return []
    newest = site.days[-1].start
    finished = [week for week in tops(site).weeks if week.start + timedelta(days=7) <= newest]
    return [WeekDigest(w.url, f"{w.title} ({w.span})", w.start, tuple(w.papers[:DIGEST_SIZE]))
            for w in finished[::-1][:count]]


def week_item(week: WeekDigest, site_url: str, site_name: str) -> feeds.FeedItem:
    """Published the Monday after the week; updated as digests are (feeds.digest_updated)."""
    base = site_url.rstrip("/") + "/"
    rows = "".join(
        f'<li><a href="{escape(base + p.url)}">{escape(to_plain(p.title))}</a>'
        f' ({p.day.strftime("%b %-d")}, {p.upvotes} upvotes)</li>'
        for p in week.papers
    )
    published = feeds.day_datetime(week.start + timedelta(days=7))
    return feeds.FeedItem(
        id="urn:uuid:" + str(uuid.uuid5(feeds.ENTRY_ID_NAMESPACE, f"week/{urls.iso_week(week.start)}")),
        title=f"Top papers of {week.title}",
        url=week.url,
        published=published,
        updated=max(published, feeds.digest_updated(week)),
        content_html=f"<ol>{rows}</ol>",
        authors=[site_name],
    )
