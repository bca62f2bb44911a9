"""Authors and organizations: every paper grouped by the names in its post, and their pages.

Names come from the post summaries (`PostSummary.authors`, `.organization`), so grouping
loads no post's details. One name is one person: spellings that slugify alike ("Yizhe
Zhang", "Yizhe zhang", "José"/"Jose") share a page. Hugging Face user ids are not used to
tell namesakes apart: on the real papers of 2024-2026 only 9% of author names carry one,
and they are claims readers make by hand (48 accounts claim two different names), so they
would split people as often as they would tell two apart.
"""

from __future__ import annotations

import gc
import weakref
from collections import defaultdict
from dataclasses import dataclass

from .. import urls
from ..model import slugify
from .archive import Archive, PaperEntry


@dataclass(frozen=True)
class Group:
    """One author's or organization's papers, newest first (a day's papers by rank)."""

    name: str
    slug: str
    papers: tuple[PaperEntry, ...]


@dataclass(frozen=True)
class NameLink:
    """A link to an author's or organization's page, as a paper page shows it."""

    url: str
    name: str


@dataclass(frozen=True)
class OrgRow:
    """An organization as /orgs/ lists it."""

    url: str
    name: str
    count: int


def name_slug(name: str) -> str:
    """slugify(name), faster for the common plain name ("Jane Doe"): there are some 130,000
    distinct names at 40,000 papers, and every build that adds a day groups them."""
    if len(name) <= 80 and name.isascii() and name.replace(" ", "").isalnum():
        return name.lower().replace(" ", "-")
    return slugify(name)


def _groups(named: dict[str, list[PaperEntry]], minimum: int, position: dict[int, int]) -> tuple[dict[str, Group], dict[str, str]]:
    """Names that slugify alike as one group (the spelling on most papers names it), for
    the groups with at least `minimum` papers; and every name's slug. `position` orders
    merged lists."""
    slug_of = {name: name_slug(name) for name in named}
    spellings: dict[str, list[str]] = defaultdict(list)
    for name, slug in slug_of.items():
        if slug:
            spellings[slug].append(name)
    groups = {}
    for slug, names in spellings.items():
        if len(names) == 1:
            papers = named[names[0]]
        else:  # a paper listing both spellings counts once
            merged = {id(p): p for name in names for p in named[name]}
            papers = sorted(merged.values(), key=lambda p: position[id(p)])
        if len(papers) >= minimum:
            best = min(names, key=lambda name: (-len(named[name]), name))
            groups[slug] = Group(best, slug, tuple(papers))
    return groups, slug_of


@dataclass
class People:
    authors: dict[str, Group]  # by slug: authors with a page
    orgs: dict[str, Group]  # by slug: every organization
    author_slug: dict[str, str]  # every author name's slug, made once
    org_slug: dict[str, str]
    rank: dict[int, int]  # by id(paper): its place in its day's ranking (1 = most upvoted), which dates feed entries

    def author_slugs(self, paper: PaperEntry) -> tuple[str, ...]:
        """For each of the paper's authors, the slug of their page, or '' (no page: a search)."""
        authors, slug_of = self.authors, self.author_slug
        return tuple([slug if (slug := slug_of[name]) in authors else "" for name in paper.post.authors])

    def org_link(self, paper: PaperEntry) -> NameLink | None:
        name = paper.post.organization
        slug = self.org_slug.get(name, "") if name else ""
        return NameLink(urls.org(slug), name) if slug in self.orgs else None


_PEOPLE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def people(site: Archive, settings: dict) -> People:
    """The archive's authors and organizations, grouped once per build."""
    minimum = settings["AUTHOR_PAGE_MIN_PAPERS"]
    made = _PEOPLE.get(site)
    if made is None or made[0] != minimum:
        made = _PEOPLE[site] = (minimum, _group_people(site, minimum))
    return made[1]


def _group_people(site: Archive, minimum: int) -> People:
    # Some 100,000 lists and tuples at 40,000 papers, none of them in a cycle: collections
    # in between would walk the whole heap (every paper) for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        by_author: dict[str, list[PaperEntry]] = defaultdict(list)
        by_org: dict[str, list[PaperEntry]] = defaultdict(list)
        position: dict[int, int] = {}
        rank: dict[int, int] = {}
        for day in reversed(site.days):  # newest day first, each day by rank, as tags list
            for number, paper in enumerate(day.ranked, 1):
                position[id(paper)] = len(position)
                rank[id(paper)] = number
                for name in dict.fromkeys(paper.post.authors):  # a name listed twice is one author
                    by_author[name].append(paper)
                if paper.post.organization:
                    by_org[paper.post.organization].append(paper)
        authors, author_slug = _groups(by_author, minimum, position)
        orgs, org_slug = _groups(by_org, 1, position)
        return People(authors, orgs, author_slug, org_slug, rank)
    finally:
        if collecting:
            gc.enable()
