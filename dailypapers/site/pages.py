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
from .archive import Archive, PaperEntry, Period, TagPage, period_title, rank_key
from .people import people
from .sitemap import last_changed, robots_txt, sitemap_index, sitemap_part, year_part


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


@dataclass
class Batch:
    """Pages made by one function from a few inputs: when the inputs' fingerprint is the
    one the last build recorded under `name` (and every page's file is as written), the
    pages are neither declared nor keyed again. `make(*inputs)` must read nothing else,
    which a module-level function given only its inputs makes plain to see."""

    name: str  # unique among batches: which pages the recorded fingerprint was of
    make: Callable[..., Iterable[Page]]
    inputs: tuple
    kind: str = ""

    def key(self, build_key: str) -> str:
        return digest(build_key, f"{self.make.__module__}.{self.make.__qualname__}", self.name, fingerprint(self.inputs))

    def pages(self) -> Iterable[Page]:
        for page in self.make(*self.inputs):
            page.kind = self.kind
            yield page


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


def paper_pages(site: Archive, settings: dict) -> Iterable[Batch]:
    """A day's paper pages are a batch: they change only with the day's papers, their similar
    papers and which of their authors and organizations have pages."""
    names = people(site, settings)
    for day in site.days:
        ranked = tuple(day.ranked)
        yield Batch(f"papers of {day.url}", day_paper_pages, (
            ranked,
            tuple(site.similar.get(p.url, ()) for p in ranked),
            tuple(names.author_slugs(p) for p in ranked),
            tuple(names.org_link(p) for p in ranked),
        ))


def day_paper_pages(ranked: tuple[PaperEntry, ...], similar_lists: tuple, author_slugs: tuple,
                    organizations: tuple) -> Iterable[Page]:
    """A paper page says where it stands in its day's ranking and links its neighbours there,
    its similar papers, and its authors' and organization's pages."""
    for rank, paper in enumerate(ranked, 1):
        yield Page(paper.url, "paper", {
            "paper": paper,
            "rank": rank,
            "day_count": len(ranked),
            "previous": paper_link(ranked[rank - 2]) if rank > 1 else None,
            "next": paper_link(ranked[rank]) if rank < len(ranked) else None,
            "similar": similar_lists[rank - 1],
            "author_slugs": author_slugs[rank - 1],
            "organization": organizations[rank - 1],
        })


def day_pages(site: Archive, settings: dict) -> Iterable[Batch]:
    """A month's day pages are a batch: they change only with the month's papers (and
    which days come just before and after it)."""
    for month in site.months:
        first, last = month.children[0], month.children[-1]
        yield Batch(f"days of {month.url}", month_day_pages, (
            month.start,
            tuple(tuple(day.papers) for day in month.children),
            first.previous.start if first.previous else None,
            last.next.start if last.next else None,
        ))


def day_link(day: date | None) -> Link | None:
    return Link(urls.day(day), period_title("day", day), day) if day else None


def month_day_pages(month: date, days: tuple[tuple[PaperEntry, ...], ...], before: date | None,
                    after: date | None) -> Iterable[Page]:
    starts = [papers[0].day for papers in days]
    siblings = [day_link(start) for start in starts]
    month_link = Link(urls.month(month), period_title("month", month), month)
    for index, (start, papers) in enumerate(zip(starts, days)):
        yield Page(urls.day(start), "day", {
            "period": Listing(urls.day(start), period_title("day", start), start, papers),
            "previous": siblings[index - 1] if index else day_link(before),
            "next": siblings[index + 1] if index + 1 < len(starts) else day_link(after),
            "month": month_link,
            "siblings": siblings,
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
            # A tag with no papers yet has no page: its old name leads to the list of tags.
            yield Page(urls.tag(old), "redirect", {"target": urls.tag(new) if new in current else urls.TAGS})


SITEMAP_MAX_URLS = 50_000


def crawler_files(site: Archive, settings: dict) -> Iterable[Page]:
    """The sitemap (an index of a part per year and one for lists), robots.txt and the 404 page."""
    site_url = settings["SITEURL"] or settings["FEED_SITEURL"]
    index = []
    for year in site.years:
        days = tuple(tuple(d.papers) for m in year.children for d in m.children)
        part = urls.sitemap_part(str(year.start.year))
        yield Page(part, year_part, {"site_url": site_url, "days": days})
        index.append((part, last_changed(year.papers)))
    newest = last_changed(site.papers) if site.papers else None
    listings = [(urls.HOME, newest), (urls.ARCHIVES, newest), (urls.TAGS, newest)]
    for tag in site.tags:
        listings += [(page.url, last_changed(page.papers)) for page in site.tag_pages(tag, settings["TAG_PAGE_SIZE"])]
    yield Page(urls.sitemap_part("lists"), sitemap_part, {"site_url": site_url, "entries": listings})
    index.append((urls.sitemap_part("lists"), newest))
    names = people(site, settings)
    folks = [(urls.author(slug), last_changed(group.papers)) for slug, group in sorted(names.authors.items())]
    folks += [(urls.org(slug), last_changed(group.papers)) for slug, group in sorted(names.orgs.items())]
    folks += [(urls.ORGS, newest), (urls.SAVED, None)]
    for number, start in enumerate(range(0, len(folks), SITEMAP_MAX_URLS), 1):  # the protocol's limit per file
        part = urls.sitemap_part(f"people-{number}")
        yield Page(part, sitemap_part, {"site_url": site_url, "entries": folks[start:start + SITEMAP_MAX_URLS]})
        index.append((part, newest))
    tops = [(url, last_changed(papers)) for url, papers in top_listings(site)]
    yield Page(urls.sitemap_part("top"), sitemap_part, {"site_url": site_url, "entries": tops})
    index.append((urls.sitemap_part("top"), max((d for _, d in tops), default=None)))
    yield Page(urls.SITEMAP, sitemap_index, {"site_url": site_url, "parts": index})
    yield Page(urls.ROBOTS, robots_txt, {"site_url": site_url})
    yield Page(urls.NOT_FOUND, "404", {"root": site_url})


# Page types of their own modules, which build on Link and Page above.
from .api import api_files  # noqa: E402
from .peoplepages import author_pages, org_pages, saved  # noqa: E402
from .top import tag_top_pages, top_index, top_listings, top_period_pages  # noqa: E402

PAGE_TYPES = (
    home, archives, search, paper_pages, day_pages, month_pages, year_pages, tag_index, tag_pages, redirects,
    top_index, top_period_pages, tag_top_pages, api_files, author_pages, org_pages, saved,
    crawler_files,
)
