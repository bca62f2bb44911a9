"""Every page of the site, declared once: where it goes, how it is made (a template, or a
function for XML and text files) and the values it is made from. A page's cache key is a
digest of exactly those values, so a key cannot leave out what the page shows: templates
get plain values and views (below), never the archive with its links to everything.

To add a page type: write a function that yields Pages from the archive and add it to
PAGE_TYPES; its template goes in theme/templates/, its URL in dailypapers/urls.py.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterable

from .. import urls
from .archive import Archive, PaperEntry, Period, TagPage, rank_key
from .people import people
from .sitemap import robots_txt, sitemap_index, sitemap_part


@dataclass(frozen=True)
class Link:
    """A page another page links to, with the little it says about it."""

    url: str
    title: str
    start: date | None = None
    count: int | None = None  # papers
    top: PaperEntry | None = None  # the most upvoted paper


@dataclass(frozen=True)
class Listing:
    """A day's papers, as a list shows them."""

    url: str
    title: str
    start: date
    papers: tuple[PaperEntry, ...]

    @property
    def ranked(self) -> list[PaperEntry]:
        return sorted(self.papers, key=rank_key)


@dataclass
class Page:
    url: str
    make: str | Callable[..., bytes]  # a template name, or make(**values) -> the file's bytes
    values: dict = field(default_factory=dict)
    group: str = ""  # pages made together (a feed's Atom and RSS) go to the same worker
    kind: str = ""  # the page type that declared it: the benchmark's parts are by kind

    @property
    def save_as(self) -> str:
        return urls.save_as(self.url)

    def key(self, build_key: str) -> str:
        maker = self.make if isinstance(self.make, str) else f"{self.make.__module__}.{self.make.__qualname__}"
        return digest(build_key, maker, self.url, fingerprint(self.values))


def digest(*parts) -> str:
    text = "\x00".join(map(repr, parts))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


_PLAIN = frozenset({str, int, float, bool, type(None), date, datetime})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # a view's fields, looked up once per class


def fingerprint(value):
    """What a value shows, as plain data: a paper is its post file's digest (the taxonomy
    and the settings are in every page's build key). Every page is keyed on every build,
    so the common kinds come first."""
    kind = type(value)
    if kind is PaperEntry:
        return value.digest
    if kind in _PLAIN:
        return value
    if kind is list or kind is tuple:
        return tuple([fingerprint(item) for item in value])
    if kind is dict:
        return tuple([(key, fingerprint(value[key])) for key in sorted(value)])
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value):
            raise TypeError(f"a page cannot be keyed by a {kind.__name__}: give it plain values or a view")
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    return (kind.__name__, *[fingerprint(getattr(value, name)) for name in names])


def link(period: Period | None, with_count: bool = False) -> Link | None:
    if period is None:
        return None
    return Link(period.url, period.title, period.start, len(period.papers) if with_count else None)


def listing(day: Period) -> Listing:
    return Listing(day.url, day.title, day.start, tuple(day.papers))


# Page types: each yields its pages from the archive and the settings.

def home(site: Archive, settings: dict) -> Iterable[Page]:
    latest = site.days[::-1][: settings["INDEX_DAYS"]]
    older = site.days[-settings["INDEX_DAYS"] - 1] if len(site.days) > settings["INDEX_DAYS"] else None
    yield Page(urls.HOME, "index", {"days": [listing(d) for d in latest], "older": link(older)})


def paper_link(paper: PaperEntry) -> Link:
    return Link(paper.url, paper.title)


def paper_pages(site: Archive, settings: dict) -> Iterable[Page]:
    """A paper page says where it stands in its day's ranking and links its neighbours there,
    and links its authors' and organization's pages."""
    names = people(site, settings)
    for day in site.days:
        ranked = day.ranked
        for rank, paper in enumerate(ranked, 1):
            yield Page(paper.url, "paper", {
                "paper": paper,
                "rank": rank,
                "day_count": len(ranked),
                "previous": paper_link(ranked[rank - 2]) if rank > 1 else None,
                "next": paper_link(ranked[rank]) if rank < len(ranked) else None,
                "author_slugs": names.author_slugs(paper),
                "organization": names.org_link(paper),
            })


def day_pages(site: Archive, settings: dict) -> Iterable[Page]:
    for day in site.days:
        yield Page(day.url, "day", {
            "period": listing(day),
            "previous": link(day.previous),
            "next": link(day.next),
            "month": link(day.parent),
            "siblings": [link(d) for d in day.parent.children],
        })


def month_pages(site: Archive, settings: dict) -> Iterable[Page]:
    for month in site.months:
        days = [Link(d.url, d.title, d.start, len(d.papers), min(d.papers, key=rank_key)) for d in month.children]
        yield Page(month.url, "month", {
            "period": link(month, with_count=True),
            "previous": link(month.previous),
            "next": link(month.next),
            "year": link(month.parent),
            "days": days,
        })


def year_pages(site: Archive, settings: dict) -> Iterable[Page]:
    for year in site.years:
        yield Page(year.url, "year", {
            "period": link(year, with_count=True),
            "previous": link(year.previous),
            "next": link(year.next),
            "months": [link(m, with_count=True) for m in year.children],
        })


def archives(site: Archive, settings: dict) -> Iterable[Page]:
    years = [
        {
            "year": link(year, with_count=True),
            "months": [link(m, with_count=True) for m in year.children],
            "days": [(d.start, len(d.papers)) for m in year.children for d in m.children],
        }
        for year in site.years[::-1]
    ]
    yield Page(urls.ARCHIVES, "archives", {"years": years, "paper_count": len(site.papers), "day_count": len(site.days)})


def search(site: Archive, settings: dict) -> Iterable[Page]:
    # The page reads its bundles and filters from the index (pagefind/facets.json).
    yield Page(urls.SEARCH, "search")


def tag_index(site: Archive, settings: dict) -> Iterable[Page]:
    rows = [(tag, count, site.monthly_counts(tag)) for tag, count in site.tag_counts()]
    yield Page(urls.TAGS, "tags", {"tag_rows": rows})


def tag_pages(site: Archive, settings: dict) -> Iterable[Page]:
    for tag in site.tags:
        pages = site.tag_pages(tag, settings["TAG_PAGE_SIZE"])
        related = site.related_tags(tag)
        for page in pages:
            # Only the front page shows related tags, which change with every paper of the tag.
            yield Page(page.url, "tag", {"tag_page": page, "related_tags": related if page.total is not None else []})


def redirects(site: Archive, settings: dict) -> Iterable[Page]:
    """Old tag URLs (a tag renamed or merged keeps its old name as an alias) lead on."""
    current = {tag.slug for tag in site.tags}
    for old, new in sorted(site.moved_tags.items()):
        if old not in current:
            yield Page(urls.tag(old), "redirect", {"target": urls.tag(new)})


def _lastmod(papers) -> date:
    """A page changes when one of its papers was last seen (upvotes), never with the clock."""
    return max([p.post.observed or p.day for p in papers])


def crawler_files(site: Archive, settings: dict) -> Iterable[Page]:
    """The sitemap (an index of a part per year and one for lists), robots.txt and the 404 page."""
    site_url = settings["SITEURL"] or settings["FEED_SITEURL"]
    parts = {}
    for year in site.years:
        entries = [(p.url, p.post.observed or p.day) for p in year.papers]  # in post-file order
        entries += [(d.url, _lastmod(d.papers)) for m in year.children for d in m.children]
        entries += [(m.url, _lastmod(m.papers)) for m in year.children]
        entries.append((year.url, _lastmod(year.papers)))
        parts[str(year.start.year)] = entries
    newest = _lastmod(site.papers) if site.papers else None
    listings = [(urls.HOME, newest), (urls.ARCHIVES, newest), (urls.TAGS, newest)]
    for tag in site.tags:
        listings += [(page.url, _lastmod(page.papers)) for page in site.tag_pages(tag, settings["TAG_PAGE_SIZE"])]
    parts["lists"] = listings
    for name, entries in parts.items():
        yield Page(urls.sitemap_part(name), sitemap_part, {"site_url": site_url, "entries": entries})
    index = [(urls.sitemap_part(name), max((d for _, d in e if d), default=None)) for name, e in parts.items()]
    yield Page(urls.SITEMAP, sitemap_index, {"site_url": site_url, "parts": index})
    yield Page(urls.ROBOTS, robots_txt, {"site_url": site_url})
    yield Page(urls.NOT_FOUND, "404", {"root": site_url})


from .peoplepages import author_pages, org_pages, saved  # noqa: E402 - they build on Page above

PAGE_TYPES = (
    home, archives, search, paper_pages, day_pages, month_pages, year_pages, tag_index, tag_pages, redirects,
    crawler_files, author_pages, org_pages, saved,
)
