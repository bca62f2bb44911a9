"""The site's model: papers grouped into days, months, years and tags.

Pure computation over post summaries (site/reader.py makes the entries); site/pages.py
declares the pages made of it. URLs come from dailypapers/urls.py.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import permutations
from typing import Callable

from unidecode import unidecode

from .. import urls
from ..posts import PostSummary
from .text import to_plain


@functools.lru_cache(maxsize=None)
def _month_of(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True)
class TagRef:
    name: str
    slug: str

    @property
    def url(self) -> str:
        return urls.tag(self.slug)


@dataclass
class PaperEntry:
    """A paper as the site shows it."""

    source_path: str
    digest: str  # of the post file: a page showing this paper changes only when it changes
    # What lists and keys need is kept at hand; the rest (all front matter, the abstract)
    # comes from load_details(source_path) -> (meta, HTML, text) when a page shows it, so
    # a rebuild that renders little never loads tens of thousands of posts.
    post: PostSummary
    load_details: Callable[[str], tuple[dict, str, str]]
    tags: list[TagRef] = field(default_factory=list)
    url: str = ""  # its page; made from the day and slug when not given
    # Plain attributes, not cached_property: Python 3.11's takes a lock on every read, which
    # costs seconds over tens of thousands of papers.

    def __post_init__(self):
        if not self.url:
            self.url = urls.paper(self.day, self.slug)

    @property
    def day(self) -> date:
        return self.post.day

    @property
    def slug(self) -> str:
        return self.post.slug

    @property
    def title(self) -> str:
        return self.post.title

    @property
    def upvotes(self) -> int:
        return self.post.upvotes

    @property
    def _details(self) -> tuple[dict, str, str]:
        # Not kept on the entry: a render worker that shows every paper once would end up
        # holding them all. load_details keeps a small cache of its own.
        return self.load_details(self.source_path)

    @property
    def meta(self) -> dict:
        return self._details[0]

    @property
    def content(self) -> str:
        """The abstract as HTML."""
        return self._details[1]

    @property
    def abstract(self) -> str:
        """The abstract as plain text."""
        return self._details[2]

    @property
    def month(self) -> date:
        return _month_of(self.day)

    @property
    def authors(self) -> list[str]:
        return list(self.meta.get("paper_authors") or [])

    @property
    def author_count(self) -> int | None:
        count = self.meta.get("author_count")
        return int(count) if count is not None else (len(self.authors) or None)

    @property
    def arxiv_id(self) -> str | None:
        value = self.meta.get("arxiv_id")
        return str(value) if value else None

    @property
    def published(self) -> date | None:
        value = self.meta.get("published")
        return value if isinstance(value, date) else None

    @property
    def year(self) -> int:
        return (self.published or self.day).year

    def get(self, key, default=None):
        return self.meta.get(key, default)

    @property
    def bibtex(self) -> str:
        """A BibTeX entry: @misc with the arXiv eprint when known."""
        first_author = self.authors[0].split()[-1] if self.authors else "anon"
        first_word = next(iter(re.findall(r"[A-Za-z]{3,}", self.title)), "paper")
        key = re.sub(r"[^a-z0-9]", "", unidecode(f"{first_author}{self.year}{first_word}").lower())
        fields = [("title", "{" + _bibtex_text(self.title) + "}")]
        if self.authors:
            fields.append(("author", " and ".join(_bibtex_text(a) for a in self.authors)))
        fields.append(("year", str(self.year)))
        if self.arxiv_id:
            fields += [
                ("eprint", self.arxiv_id),
                ("archivePrefix", "arXiv"),
                ("url", f"https://arxiv.org/abs/{self.arxiv_id}"),
            ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{key},\n{body}\n}}"


def _bibtex_text(text: str) -> str:
    """Braces must balance in BibTeX: drop them all rather than emit a broken entry."""
    return text.replace("{", "").replace("}", "")


def rank_key(paper: PaperEntry):
    """Most upvoted first; ties broken by title so the order is stable."""
    return (-paper.upvotes, paper.title.casefold(), paper.slug)


def period_title(kind: str, start: date) -> str:
    if kind == "day":
        return f"{calendar.month_name[start.month]} {start.day}, {start.year}"
    if kind == "month":
        return f"{calendar.month_name[start.month]} {start.year}"
    return str(start.year)


@dataclass
class Period:
    """A day, month or year with its papers."""

    kind: str  # "day" | "month" | "year"
    start: date
    papers: list[PaperEntry]
    previous: Period | None = None
    next: Period | None = None
    children: list[Period] = field(default_factory=list)  # a month's days, a year's months
    parent: Period | None = None  # a day's month, a month's year

    @cached_property
    def url(self) -> str:
        return {"day": urls.day, "month": urls.month, "year": urls.year}[self.kind](self.start)

    @property
    def title(self) -> str:
        return period_title(self.kind, self.start)

    @cached_property
    def ranked(self) -> list[PaperEntry]:
        return sorted(self.papers, key=rank_key)


@dataclass(frozen=True)
class TagPage:
    """One page of a tag's listing, with what it shows and nothing more.

    Pages are numbered from the oldest paper: page N holds the same papers for good once a
    newer page exists, and no paper is on two pages. The front page is the last page: the
    newest papers, a full chunk and the one that is filling (page_size to 2 * page_size - 1
    papers), so it is never nearly empty."""

    tag: TagRef
    papers: tuple[PaperEntry, ...]  # newest first
    number: int  # page_count for the front page
    page_count: int
    total: int | None  # the tag's paper count, on the front page only

    @property
    def url(self) -> str:
        return self.page_url(self.number)

    def page_url(self, number: int) -> str:
        return self.tag.url if number == self.page_count else urls.tag_page(self.tag.slug, number)

    @property
    def newer_url(self) -> str | None:
        return self.page_url(self.number + 1) if self.number < self.page_count else None

    @property
    def older_url(self) -> str | None:
        return self.page_url(self.number - 1) if self.number > 1 else None


@dataclass(eq=False)
class Archive:
    papers: list[PaperEntry]
    days: list[Period]  # oldest first
    months: list[Period]
    years: list[Period]
    tags: dict[TagRef, list[PaperEntry]]  # newest first
    moved_tags: dict[str, str] = field(default_factory=dict)  # old tag slug -> current slug
    similar: dict = field(default_factory=dict)  # paper url -> its similar papers (site/similar.py)
    _tag_pages: dict = field(default_factory=dict, repr=False)

    def tag_counts(self) -> list[tuple[TagRef, int]]:
        return sorted(((t, len(ps)) for t, ps in self.tags.items()), key=lambda item: item[0].name.casefold())

    def monthly_counts(self, tag: TagRef) -> list[tuple[date, int]]:
        """Papers with this tag per month, for every month of the archive."""
        counts = Counter(p.month for p in self.tags[tag])
        return [(month.start, counts.get(month.start, 0)) for month in self.months]

    @cached_property
    def _co_occurrence(self) -> dict[str, Counter]:
        """For each tag slug, how often each other tag slug appears on the same paper (the
        pairs are counted in one Counter, in C)."""
        pairs = Counter(pair for paper in self.papers for pair in permutations([t.slug for t in paper.tags], 2))
        counts: dict[str, Counter] = defaultdict(Counter)
        for (slug, other), number in pairs.items():
            counts[slug][other] = number
        return counts

    @cached_property
    def _tag_by_slug(self) -> dict[str, TagRef]:
        return {t.slug: t for t in self.tags}

    def related_tags(self, tag: TagRef, limit: int = 8) -> list[TagRef]:
        counts = self._co_occurrence.get(tag.slug, Counter())
        by_slug = self._tag_by_slug
        ranked = sorted((-n, by_slug[slug].name, slug) for slug, n in counts.items())
        return [by_slug[slug] for _, _, slug in ranked[:limit]]

    def tag_pages(self, tag: TagRef, page_size: int) -> list[TagPage]:
        """The tag's pages, the front page first."""
        made = self._tag_pages.get((tag, page_size))
        if made is None:
            made = self._tag_pages[(tag, page_size)] = self._make_tag_pages(tag, page_size)
        return made

    def _make_tag_pages(self, tag: TagRef, page_size: int) -> list[TagPage]:
        newest_first = self.tags[tag]
        oldest_first = newest_first[::-1]
        chunks = [oldest_first[i : i + page_size] for i in range(0, len(oldest_first), page_size)]
        if len(chunks) > 1 and len(chunks[-1]) < page_size:
            chunks[-2:] = [chunks[-2] + chunks[-1]]
        count = len(chunks)
        pages = [TagPage(tag, tuple(chunks[-1][::-1]), count, count, len(newest_first))]
        pages += [TagPage(tag, tuple(chunk[::-1]), number, count, None) for number, chunk in enumerate(chunks[:-1], 1)]
        return pages


def _link(periods: list[Period]) -> list[Period]:
    for earlier, later in zip(periods, periods[1:]):
        earlier.next, later.previous = later, earlier
    return periods


def build(papers: list[PaperEntry], moved_tags: dict[str, str] | None = None) -> Archive:
    by_day: dict[date, list[PaperEntry]] = defaultdict(list)
    by_month: dict[date, list[PaperEntry]] = defaultdict(list)
    by_year: dict[date, list[PaperEntry]] = defaultdict(list)
    tags: dict[TagRef, list[PaperEntry]] = defaultdict(list)
    for paper in papers:
        by_day[paper.day].append(paper)
        by_month[paper.month].append(paper)
        by_year[date(paper.day.year, 1, 1)].append(paper)
        for tag in paper.tags:
            tags[tag].append(paper)
    days = _link([Period("day", d, ps) for d, ps in sorted(by_day.items())])
    # A tag lists the newest day first, each day ranked by upvotes as the day's own page is.
    order = {id(p): i for i, p in enumerate(p for day in reversed(days) for p in day.ranked)}
    for tagged in tags.values():
        tagged.sort(key=lambda p: order[id(p)])
    months = _link([Period("month", d, ps) for d, ps in sorted(by_month.items())])
    years = _link([Period("year", d, ps) for d, ps in sorted(by_year.items())])
    _nest(months, days)
    _nest(years, months)
    return Archive(papers, days, months, years, dict(tags), dict(moved_tags or {}))


def _nest(parents: list[Period], children: list[Period]) -> None:
    by_start = {parent.start: parent for parent in parents}
    for child in children:
        start = child.start.replace(day=1) if child.kind == "day" else date(child.start.year, 1, 1)
        child.parent = by_start[start]
        child.parent.children.append(child)
