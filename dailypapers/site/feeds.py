"""Feeds: Atom and RSS with feedgen, JSON Feed 1.1, and an OPML list of them all.

Reproducible: every date comes from the entries, never "now". Entry ids are derived
from a post's day and slug (or a digest's day), which never change, so a feed reader
sees an updated paper (new upvote count) as the same entry.

Dates. A paper's entry is dated on its day, at as many seconds before 01:00 UTC as its
rank among the day's papers (the most upvoted at 00:59:59, the next at 00:59:58, ...):
date-sorted readers show each day ranked, and no two entries share a time. A time moves
only within the first hour of its own day, and only while the day's upvotes still reorder
it; the id never moves, so a reader never shows a paper twice. A paper entry's `updated`
is its `published`: its content (title, abstract, authors, links) has no upvotes in it, and
posts keep no date for the rare later correction (a code link found by a refresh).
A daily digest does show upvotes: its `updated` is the newest date on which any of its
papers' counts were observed to change (their `observed` field), so it moves when the
digest's content does, and only then.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property
from typing import Callable
from xml.etree import ElementTree

from feedgen.entry import FeedEntry
from feedgen.ext.dc import DcEntryExtension
from feedgen.feed import FeedGenerator
from markupsafe import escape

from .archive import PaperEntry, Period, rank_key
from .text import feed_html, to_plain

# Characters XML 1.0 forbids; feedgen (lxml) raises on them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# A fixed namespace for entry ids: uuid5(namespace, "YYYY-MM-DD/slug").
ENTRY_ID_NAMESPACE = uuid.UUID("6f1c2f3e-9b1a-5d4e-8c77-2a8f4f0d9e10")
GENERATOR = "hf-daily-papers-archive (feedgen)"
# A day's ranked entries are dated within its first hour (days have had a few hundred
# papers at most; past 3,599 they would share 00:00:00).
RANK_SECONDS = 3600


def xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


def day_datetime(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc)


def ranked_datetime(day: date, rank: int) -> datetime:
    """When the paper ranked `rank` (1 = most upvoted) on `day` is dated."""
    return day_datetime(day) + timedelta(seconds=max(RANK_SECONDS - rank, 0))


@dataclass
class FeedItem:
    id: str
    title: str  # plain text
    url: str  # relative to the site root
    published: datetime
    updated: datetime
    content_html: str
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    # feedgen entries made of this item, by site URL: a paper in six tag feeds is made
    # into an entry once (feedgen only reads an entry when it writes a feed).
    _entries: dict[str, FeedEntry] = field(default_factory=dict, repr=False, compare=False)

    def entry(self, base: str) -> FeedEntry:
        made = self._entries.get(base)
        if made is None:
            made = self._entries[base] = FeedEntry()
            # RSS names authors as dc:creator. Registered by class: load_extension("dc")
            # first tries to import a module that does not exist, which costs more than the entry.
            made.register_extension("dc", DcEntryExtension, atom=False, rss=True)
            made.id(self.id)
            made.guid(self.id, permalink=False)
            made.title(xml_text(self.title) or "(untitled)")  # feedgen refuses an empty title
            made.link(href=base + self.url, rel="alternate")
            made.published(self.published)
            made.updated(self.updated)
            # Content only: Atom carries it as <content>, RSS as <description>. Setting a
            # description too would put the abstract in every entry twice.
            made.content(xml_text(self.content_html), type="html")
            names = [name for name in map(xml_text, self.authors) if name.strip()]
            if names:
                made.author([{"name": name} for name in names])  # in one call: each call checks them all
                made.dc.dc_creator(names)
            for name in self.categories:
                made.category(term=xml_text(name))
        return made


@dataclass
class FeedSpec:
    """One feed: where its files live and what it says about itself."""

    name: str  # what the /feeds/ page calls it
    title: str
    subtitle: str
    atom_path: str  # relative to the site root
    rss_path: str
    page_url: str  # the HTML page the feed belongs to, relative to the site root
    json_path: str | None = None  # also as JSON Feed
    make_items: Callable[[], list[FeedItem]] = list  # newest first; made only when rendered
    empty_updated: datetime | None = None  # the date of the feed while it has no entries: the site's newest day

    @cached_property
    def items(self) -> list[FeedItem]:
        return self.make_items()

    @property
    def updated(self) -> datetime:
        return max((item.updated for item in self.items), default=self.empty_updated)


def paper_links(paper: PaperEntry) -> list[tuple[str, str]]:
    links = []
    if paper.arxiv_id:
        links.append(("arXiv", f"https://arxiv.org/abs/{paper.arxiv_id}"))
        links.append(("PDF", f"https://arxiv.org/pdf/{paper.arxiv_id}"))
    if paper.get("github"):
        links.append(("Code", str(paper.get("github"))))
    return links


def entry_id(paper: PaperEntry) -> str:
    """A paper's entry id in every feed that shows it."""
    return "urn:uuid:" + str(uuid.uuid5(ENTRY_ID_NAMESPACE, f"{paper.day.isoformat()}/{paper.slug}"))


def paper_item(paper: PaperEntry, rank: int) -> FeedItem:
    """A paper's entry; `rank`: its place in its day's ranking (1 = most upvoted)."""
    links = " · ".join(f'<a href="{escape(url)}">{escape(label)}</a>' for label, url in paper_links(paper))
    # No upvote count: it changes daily, and a reader that watches content would show the
    # paper again each time. Math as text: readers show MathML as garbage.
    html = feed_html(paper.abstract) + (f"<p>{links}</p>" if links else "")
    when = ranked_datetime(paper.day, rank)
    return FeedItem(
        id=entry_id(paper),
        title=to_plain(paper.title),
        url=paper.url,
        published=when,
        updated=when,
        content_html=html,
        authors=paper.authors,
        categories=[tag.name for tag in paper.tags],
    )


def digest_updated(day: Period) -> datetime:
    """The newest date its papers' counts were observed to change, plus a second for each
    day between the day and that date: digests observed on the same date differ."""
    observed = [value for value in (p.get("observed") for p in day.papers) if isinstance(value, date)]
    newest = max([day.start, *observed])
    return day_datetime(newest) + timedelta(seconds=(newest - day.start).days)


def day_item(day: Period, site_url: str, site_name: str) -> FeedItem:
    """A day's digest: its papers ranked by upvotes, as one entry by the site."""
    base = site_url.rstrip("/") + "/"
    rows = "".join(
        f'<li><a href="{escape(base + p.url)}">{escape(to_plain(p.title))}</a> ({p.upvotes} upvotes)</li>'
        for p in day.ranked
    )
    return FeedItem(
        id="urn:uuid:" + str(uuid.uuid5(ENTRY_ID_NAMESPACE, f"day/{day.start.isoformat()}")),
        title=f"Daily Papers: {day.title} ({len(day.papers)} papers)",
        url=day.url,
        published=day_datetime(day.start),
        updated=digest_updated(day),
        content_html=f"<ol>{rows}</ol>",
        authors=[site_name],
    )


def render_xml(spec: FeedSpec, site_url: str, site_name: str) -> dict[str, bytes]:
    """The feed as Atom and RSS: {atom_path: bytes, rss_path: bytes}."""
    base = site_url.rstrip("/") + "/"
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)  # declares the namespace of the items' dc:creator
    feed.id(base + spec.atom_path)
    feed.title(xml_text(spec.title))
    feed.subtitle(xml_text(spec.subtitle))
    feed.author(name=xml_text(site_name) or base, uri=base)  # the author of entries that name none
    feed.language("en")
    feed.generator(GENERATOR)
    feed.updated(spec.updated)
    feed.lastBuildDate(spec.updated)
    for item in spec.items:
        feed.add_entry(item.entry(base), order="append")
    # rel="self" names the document it stands in, so it is set per format. RSS takes its
    # <link> from the last link given: the page the feed belongs to goes last.
    alternate = {"href": base + spec.page_url, "rel": "alternate", "type": "text/html"}
    feed.link([{"href": base + spec.atom_path, "rel": "self", "type": "application/atom+xml"}, alternate])
    atom = feed.atom_str(pretty=False)
    feed.link([{"href": base + spec.rss_path, "rel": "self", "type": "application/rss+xml"}, alternate], replace=True)
    return {spec.atom_path: atom, spec.rss_path: feed.rss_str(pretty=False)}


def render_json(spec: FeedSpec, site_url: str, site_name: str) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    base = site_url.rstrip("/") + "/"
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": spec.title,
        "description": spec.subtitle,
        "home_page_url": base + spec.page_url,
        "feed_url": base + spec.json_path,
        "authors": [{"name": site_name, "url": base}],
        "language": "en",
        "items": [
            {
                "id": item.id,
                "url": base + item.url,
                "title": item.title,
                "content_html": item.content_html,
                "date_published": item.published.isoformat(),
                "date_modified": item.updated.isoformat(),
                **({"authors": [{"name": name} for name in item.authors]} if item.authors else {}),
                **({"tags": item.categories} if item.categories else {}),
            }
            for item in spec.items
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def render_opml(title: str, specs: list[FeedSpec], site_url: str) -> bytes:
    """An OPML subscription list of every feed (the Atom version of each)."""
    base = site_url.rstrip("/") + "/"
    opml = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(opml, "head")
    ElementTree.SubElement(head, "title").text = xml_text(title)
    body = ElementTree.SubElement(opml, "body")
    for spec in specs:
        ElementTree.SubElement(
            body,
            "outline",
            type="rss",
            text=xml_text(spec.title),
            title=xml_text(spec.title),
            xmlUrl=base + spec.atom_path,
            htmlUrl=base + spec.page_url,
        )
    ElementTree.indent(opml)
    return ElementTree.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"


def whole_days(papers: list[PaperEntry], limit: int) -> list[PaperEntry]:
    """The newest papers in whole days: at most `limit`, unless the newest day alone has
    more (then that day). Newest day first, each day ranked. `papers`: newest day first."""
    if len(papers) > limit:
        cut = papers[limit].day  # the first day left out, or cut in two
        papers = [p for p in papers[:limit] if p.day != cut] or [p for p in papers if p.day == cut]
    return sorted(papers, key=lambda p: (-p.day.toordinal(), *rank_key(p)))
