"""Atom and RSS feeds with feedgen, reproducible: a feed's dates come from its entries, never "now".

Entry ids are derived from the post's day and slug, which never change, so feed readers
see an updated paper (new upvote count) as the same entry.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timezone

from feedgen.feed import FeedGenerator
from markupsafe import escape

from .archive import PaperEntry

# Characters XML 1.0 forbids; feedgen (lxml) raises on them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A fixed namespace for entry ids: uuid5(namespace, "YYYY-MM-DD/slug").
ENTRY_ID_NAMESPACE = uuid.UUID("6f1c2f3e-9b1a-5d4e-8c77-2a8f4f0d9e10")
GENERATOR = "hf-daily-papers-archive (feedgen)"


def xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


def entry_id(paper: PaperEntry) -> str:
    return "urn:uuid:" + str(uuid.uuid5(ENTRY_ID_NAMESPACE, f"{paper.day.isoformat()}/{paper.slug}"))


def day_datetime(paper: PaperEntry) -> datetime:
    return datetime.combine(paper.day, time(0, 0), tzinfo=timezone.utc)


@dataclass
class FeedSpec:
    """One feed: where it lives and what it says about itself."""

    title: str
    subtitle: str
    atom_path: str  # relative to the site root
    rss_path: str
    page_url: str  # the HTML page the feed mirrors, relative to the site root
    papers: list[PaperEntry] = field(default_factory=list)  # newest first


def _paper_links(paper: PaperEntry) -> list[tuple[str, str]]:
    links = []
    if paper.arxiv_id:
        links.append(("arXiv", f"https://arxiv.org/abs/{paper.arxiv_id}"))
        links.append(("PDF", f"https://arxiv.org/pdf/{paper.arxiv_id}"))
    if paper.get("github"):
        links.append(("Code", paper.get("github")))
    return links


def _entry_html(paper: PaperEntry) -> str:
    links = " · ".join(f'<a href="{escape(url)}">{escape(label)}</a>' for label, url in _paper_links(paper))
    upvotes = f"<p>{paper.upvotes} upvotes</p>"
    return xml_text(paper.content + upvotes + (f"<p>{links}</p>" if links else ""))


def render(spec: FeedSpec, site_url: str) -> dict[str, bytes]:
    """The feed as {atom_path: bytes, rss_path: bytes}."""
    base = site_url.rstrip("/") + "/"
    feed = FeedGenerator()
    feed.id(base + spec.atom_path)
    feed.title(xml_text(spec.title))
    feed.subtitle(xml_text(spec.subtitle))
    feed.description(xml_text(spec.subtitle))
    feed.language("en")
    feed.generator(GENERATOR)
    newest = max((day_datetime(p) for p in spec.papers), default=datetime(1970, 1, 1, tzinfo=timezone.utc))
    feed.updated(newest)
    feed.lastBuildDate(newest)
    for paper in spec.papers:
        entry = feed.add_entry(order="append")
        entry.id(entry_id(paper))
        entry.guid(entry_id(paper), permalink=False)
        entry.title(xml_text(paper.title))
        entry.link(href=base + paper.url, rel="alternate")
        entry.published(day_datetime(paper))
        entry.updated(day_datetime(paper))
        entry.content(_entry_html(paper), type="html")
        entry.description(_entry_html(paper))
        for name in paper.authors[:20]:
            entry.author(name=xml_text(name))
        for tag in paper.tags:
            entry.category(term=xml_text(tag.name), scheme=base + "tags/")
    # rel="self" must name the document it stands in, so it is set per format.
    alternate = {"href": base + spec.page_url, "rel": "alternate", "type": "text/html"}
    feed.link([alternate, {"href": base + spec.atom_path, "rel": "self", "type": "application/atom+xml"}])
    atom = feed.atom_str(pretty=True)
    rss_self = {"href": base + spec.rss_path, "rel": "self", "type": "application/rss+xml"}
    feed.link([alternate, rss_self], replace=True)
    return {spec.atom_path: atom, spec.rss_path: feed.rss_str(pretty=True)}
