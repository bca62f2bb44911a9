"""An Atom feed per author page: the author's newest papers, made lean.

There is one for every author page (some 5,000 at 40,000 papers), so an entry carries only
what a reader needs to show and open it: the id, title and date the site's other feeds give
the same paper (a reader that follows both sees one entry), the link, and as its summary the
first authors (validators warn about an entry with no text). No abstract, no RSS twin.
The feed's author is the person; `updated` is its newest entry's date, so the bytes follow
from the papers alone and a feed is made again only when its papers change.
"""

from __future__ import annotations

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from .archive import PaperEntry
from .feeds import GENERATOR, entry_id, ranked_datetime, xml_text
from .text import to_plain


BYLINE_NAMES = 3


def byline(names: list[str]) -> str:
    """The first authors and how many more: an entry's only text, short and constant."""
    shown = ", ".join(names[:BYLINE_NAMES])
    more = len(names) - BYLINE_NAMES
    return f"By {shown} and {more} more" if more > 0 else f"By {shown}"


def author_feed(name: str, page_url: str, feed_path: str, papers: tuple[PaperEntry, ...], ranks: tuple[int, ...],
                site_url: str) -> bytes:
    """`papers`: the newest first, each with its rank in its day (which dates its entry)."""
    base = site_url.rstrip("/") + "/"
    feed = FeedGenerator()
    feed.id(base + feed_path)
    feed.title(xml_text(name))
    feed.author(name=xml_text(name))
    feed.generator(GENERATOR)  # else feedgen names itself, at twice the length
    feed.link([{"href": base + feed_path, "rel": "self", "type": "application/atom+xml"},
               {"href": base + page_url, "rel": "alternate", "type": "text/html"}])
    dates = [ranked_datetime(paper.day, rank) for paper, rank in zip(papers, ranks)]
    feed.updated(max(dates))
    for paper, when in zip(papers, dates):
        entry = FeedEntry()
        entry.id(entry_id(paper))
        entry.title(xml_text(to_plain(paper.title)) or "(untitled)")  # feedgen refuses an empty title
        entry.link(href=base + paper.url, rel="alternate")
        entry.updated(when)
        entry.summary(xml_text(byline(paper.post.authors)))
        feed.add_entry(entry, order="append")
    return feed.atom_str(pretty=False)
