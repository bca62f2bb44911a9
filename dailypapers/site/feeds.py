"""Feeds: Atom and RSS with feedgen, JSON Feed 1.1, and an OPML list of them all.

Reproducible: every date comes from the entries, never "now". Entry ids are derived
from a post's day and slug (or a digest's day), which never change, so a feed reader
sees an updated paper (new upvote count) as the same entry.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from functools import cached_property
from typing import Callable
from xml.etree import ElementTree

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from markupsafe import escape

from .archive import Archive, PaperEntry, Period, rank_key

# Characters XML 1.0 forbids; feedgen (lxml) raises on them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# A fixed namespace for entry ids: uuid5(namespace, "YYYY-MM-DD/slug").
ENTRY_ID_NAMESPACE = uuid.UUID("6f1c2f3e-9b1a-5d4e-8c77-2a8f4f0d9e10")
GENERATOR = "hf-daily-papers-archive (feedgen)"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


def day_datetime(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc)


@dataclass
class FeedItem:
    id: str
    title: str
    url: str  # relative to the site root
    published: datetime
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
            made.id(self.id)
            made.guid(self.id, permalink=False)
            made.title(xml_text(self.title) or "(untitled)")  # feedgen refuses an empty title
            made.link(href=base + self.url, rel="alternate")
            made.published(self.published)
            made.updated(self.published)
            # Content only: Atom carries it as <content>, RSS as <description>. Setting a
            # description too would put the abstract in every entry twice.
            made.content(xml_text(self.content_html), type="html")
            for name in self.authors:
                made.author(name=xml_text(name))
            for name in self.categories:
                made.category(term=xml_text(name))
        return made


@dataclass
class FeedSpec:
    """One feed: where its files live and what it says about itself."""

    title: str
    subtitle: str
    atom_path: str  # relative to the site root
    rss_path: str
    page_url: str  # the HTML page the feed mirrors, relative to the site root
    make_items: Callable[[], list[FeedItem]] = list  # newest first; made only when rendered

    @cached_property
    def items(self) -> list[FeedItem]:
        return self.make_items()

    @property
    def updated(self) -> datetime:
        return max((item.published for item in self.items), default=EPOCH)


def paper_links(paper: PaperEntry) -> list[tuple[str, str]]:
    links = []
    if paper.arxiv_id:
        links.append(("arXiv", f"https://arxiv.org/abs/{paper.arxiv_id}"))
        links.append(("PDF", f"https://arxiv.org/pdf/{paper.arxiv_id}"))
    if paper.get("github"):
        links.append(("Code", str(paper.get("github"))))
    return links


def paper_item(paper: PaperEntry) -> FeedItem:
    links = " · ".join(f'<a href="{escape(url)}">{escape(label)}</a>' for label, url in paper_links(paper))
    # No upvote count: it changes daily, and a reader that watches content would show the
    # paper again each time.
    html = paper.content + (f"<p>{links}</p>" if links else "")
    return FeedItem(
        id="urn:uuid:" + str(uuid.uuid5(ENTRY_ID_NAMESPACE, f"{paper.day.isoformat()}/{paper.slug}")),
        title=paper.title,
        url=paper.url,
        published=day_datetime(paper.day),
        content_html=html,
        authors=paper.authors[:10],  # enough to name a paper; some list hundreds
        categories=[tag.name for tag in paper.tags],
    )


def day_item(day: Period, site_url: str) -> FeedItem:
    """A day's digest: its papers ranked by upvotes, as one entry."""
    base = site_url.rstrip("/") + "/"
    rows = "".join(
        f'<li><a href="{escape(base + p.url)}">{escape(p.title)}</a> ({p.upvotes} upvotes)</li>'
        for p in sorted(day.papers, key=rank_key)
    )
    return FeedItem(
        id="urn:uuid:" + str(uuid.uuid5(ENTRY_ID_NAMESPACE, f"day/{day.start.isoformat()}")),
        title=f"Daily Papers: {day.title} ({len(day.papers)} papers)",
        url=day.url,
        published=day_datetime(day.start),
        content_html=f"<ol>{rows}</ol>",
    )


def render_xml(spec: FeedSpec, site_url: str) -> dict[str, bytes]:
    """The feed as Atom and RSS: {atom_path: bytes, rss_path: bytes}."""
    base = site_url.rstrip("/") + "/"
    feed = FeedGenerator()
    feed.id(base + spec.atom_path)
    feed.title(xml_text(spec.title))
    feed.subtitle(xml_text(spec.subtitle))
    feed.language("en")
    feed.generator(GENERATOR)
    feed.updated(spec.updated)
    feed.lastBuildDate(spec.updated)
    for item in spec.items:
        feed.add_entry(item.entry(base), order="append")
    # rel="self" must name the document it stands in, so it is set per format.
    alternate = {"href": base + spec.page_url, "rel": "alternate", "type": "text/html"}
    feed.link([alternate, {"href": base + spec.atom_path, "rel": "self", "type": "application/atom+xml"}])
    atom = feed.atom_str(pretty=False)
    rss_self = {"href": base + spec.rss_path, "rel": "self", "type": "application/rss+xml"}
    feed.link([alternate, rss_self], replace=True)
    return {spec.atom_path: atom, spec.rss_path: feed.rss_str(pretty=False)}


def render_json(spec: FeedSpec, site_url: str, json_path: str) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    base = site_url.rstrip("/") + "/"
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": spec.title,
        "description": spec.subtitle,
        "home_page_url": base + spec.page_url,
        "feed_url": base + json_path,
        "language": "en",
        "items": [
            {
                "id": item.id,
                "url": base + item.url,
                "title": item.title,
                "content_html": item.content_html,
                "date_published": item.published.isoformat(),
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


def feed_specs(site: Archive, settings: dict, site_url: str) -> list[tuple[FeedSpec, list[PaperEntry]]]:
    """Every Atom/RSS feed, with the papers it shows (they decide its key)."""
    name = settings.get("SITENAME", "")
    newest = sorted(site.papers, key=lambda p: (p.day, p.upvotes, p.slug), reverse=True)
    limit = settings["FEED_MAX_ITEMS"]
    top = [p for p in newest if p.upvotes >= settings["FEED_TOP_THRESHOLD"]][:limit]
    days = site.days[::-1][: settings["FEED_DAILY_DAYS"]]
    items: dict[str, FeedItem] = {}

    def item_of(paper: PaperEntry) -> FeedItem:
        """One item per paper per process, whichever feeds show it (tag feeds share papers)."""
        item = items.get(paper.source_path)
        if item is None:
            item = items[paper.source_path] = paper_item(paper)
        return item

    def papers_feed(title, subtitle, atom, rss, page, papers):
        return FeedSpec(title, subtitle, atom, rss, page, lambda: [item_of(p) for p in papers])

    daily = FeedSpec(
        f"{name}: daily digest", "One entry a day: the day's papers, ranked by upvotes",
        "feeds/daily.atom.xml", "feeds/daily.rss.xml", "archives/",
        lambda: [day_item(d, site_url) for d in days],
    )
    specs = [
        (papers_feed(name, f"The latest papers of {name}", "feeds/atom.xml", "feeds/rss.xml", "",
                     newest[:limit]), newest[:limit]),
        (daily, [p for d in days for p in d.papers]),
        (papers_feed(f"{name}: top papers", f"Papers with {settings['FEED_TOP_THRESHOLD']} or more upvotes",
                     "feeds/top.atom.xml", "feeds/top.rss.xml", "", top), top),
    ]
    for tag, papers in sorted(site.tags.items(), key=lambda item: item[0].slug):
        latest = papers[: settings["FEED_TAG_MAX_ITEMS"]]
        specs.append((
            papers_feed(f"{name}: {tag.name}", f"The latest papers tagged {tag.name}",
                        f"feeds/tags/{tag.slug}.atom.xml", f"feeds/tags/{tag.slug}.rss.xml", tag.url, latest),
            latest,
        ))
    return specs


def feed_outputs(site: Archive, settings: dict, site_url: str, build_key: str, page: Callable):
    """Every feed file, the OPML list and the /feeds/ page (made by page(save_as,
    template, key_parts, **variables)), as the plugin's OutputFile objects."""
    from .plugin import OutputFile, _digest  # the plugin imports this module first

    specs = feed_specs(site, settings, site_url)
    for spec, papers in specs:
        key = _digest(build_key, site_url, [(p.url, p.digest) for p in papers])
        # Bind this spec's values now: the closures run later, possibly in a worker.
        rendered: dict[str, bytes] = {}

        def render_one(path: str, spec=spec, rendered=rendered) -> bytes:
            if not rendered:  # one feedgen pass makes both formats
                rendered.update(render_xml(spec, site_url))
            return rendered[path]

        for path in (spec.atom_path, spec.rss_path):
            yield OutputFile(path, key, lambda path=path, render_one=render_one: render_one(path), spec.atom_path)
    main, main_papers = specs[0]
    yield OutputFile(
        "feeds/feed.json",
        _digest(build_key, site_url, [(p.url, p.digest) for p in main_papers]),
        lambda: render_json(main, site_url, "feeds/feed.json"),
    )
    listing = [(spec.title, spec.atom_path) for spec, _ in specs]
    opml_specs = [spec for spec, _ in specs]
    name = settings.get("SITENAME", "")
    yield OutputFile("feeds/feeds.opml", _digest(build_key, site_url, listing),
                     lambda: render_opml(f"{name}: feeds", opml_specs, site_url))
    yield page("feeds/index.html", "feeds", [listing], feed_specs=opml_specs)
