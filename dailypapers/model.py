"""The Paper record every source parses into, and the rules for merging two records.

Parsers (textcopy, hfapi) produce Papers; posts turns them into post files and back.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import unidecode

# Fields whose value is a count observed at a moment: the newest observation wins.
COUNT_FIELDS = ("upvotes", "comments", "github_stars")

# Sources ranked by how much they know; a richer source's text fields win over a poorer one's.
SOURCE_RANK = {"textcopy": 1, "api": 2}


@dataclass
class Paper:
    """One paper as a source describes it. Unknown values are None (or empty lists)."""

    title: str
    abstract: str
    day: date | None = None  # the Daily Papers day: the post's folder
    published: date | None = None  # arXiv publication date
    arxiv_id: str | None = None
    authors: list[str] = field(default_factory=list)
    author_count: int | None = None
    upvotes: int | None = None
    comments: int | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] = field(default_factory=list)
    github: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    organization: str | None = None
    thumbnail: str | None = None
    source: str = "textcopy"  # which kind of source this record came from
    observed: date | None = None  # when the source was captured; orders count updates

    @property
    def key(self) -> str:
        """Identity across sources: the arXiv id, else the normalized title."""
        if self.arxiv_id:
            return "arxiv:" + self.arxiv_id
        return "title:" + title_key(self.title)

    @property
    def filing_day(self) -> date | None:
        return self.day or self.published


@dataclass
class ParseResult:
    """What a parser made of one input: papers with their position, and one message per bad entry."""

    papers: list[tuple[int, Paper]] = field(default_factory=list)  # (line or entry number, paper)
    errors: list[str] = field(default_factory=list)  # "FILE:LINE: what is wrong": skipped
    notices: list[str] = field(default_factory=list)  # read, but worth a line: how, or what was decided
    day: date | None = None  # the listing's day, when the input names one


# Invisible format characters (zero-width space and joiners, soft hyphen, direction marks, BOM):
# pasted text carries them at random, so they never tell two titles apart.
_INVISIBLE_FORMAT = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def title_key(title: str) -> str:
    """Case, Unicode form, spacing and invisible characters folded; punctuation kept, since
    "C++" is not "C"."""
    return " ".join(unicodedata.normalize("NFKC", _INVISIBLE_FORMAT.sub("", title)).casefold().split())


_SLUG_MAX = 80


def slugify(title: str) -> str:
    """An ASCII slug; empty when the title has nothing to transliterate."""
    ascii_title = unidecode.unidecode(unicodedata.normalize("NFKC", title)).lower()
    words = re.findall(r"[a-z0-9]+", ascii_title)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > _SLUG_MAX:
            break
        slug = candidate
    if not slug and words:  # one enormous word
        slug = words[0][:_SLUG_MAX]
    return slug


# Control characters (but tab, newline and carriage return) and the code points XML 1.0
# forbids: no reader sees them, and feeds and file names cannot hold them.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def one_line(text: str) -> str:
    """A name or keyword: on one line, single-spaced, control characters dropped."""
    return " ".join(_INVISIBLE.sub("", text).split())


def flow_text(text: str) -> str:
    """Join hard-wrapped lines into flowing text; a blank line stays a paragraph break.
    Control characters are dropped."""
    text = _INVISIBLE.sub("", text)
    paragraphs = re.split(r"\n[ \t]*\n+", text.replace("\r\n", "\n").replace("\r", "\n"))
    flowed = (" ".join(p.split()) for p in paragraphs)
    return "\n\n".join(p for p in flowed if p)


def merge(old: Paper, new: Paper) -> Paper:
    """Combine two records of one paper.

    Counts take the newest observation; other fields keep the richer source's
    value and are only filled, never erased, by the other source.
    """
    new_is_newer = (new.observed or date.min) >= (old.observed or date.min)
    new_is_richer = SOURCE_RANK.get(new.source, 0) >= SOURCE_RANK.get(old.source, 0)
    merged = {}
    for f in dataclasses.fields(Paper):
        name = f.name
        old_value, new_value = getattr(old, name), getattr(new, name)
        if name in ("day", "source", "observed"):
            continue
        if name in COUNT_FIELDS:
            prefer_new = new_is_newer
        else:
            prefer_new = new_is_richer
        if _empty(new_value):
            merged[name] = old_value
        elif _empty(old_value):
            merged[name] = new_value
        else:
            merged[name] = new_value if prefer_new else old_value
    # The post stays in the folder it was first filed in: its URL never moves.
    merged["day"] = old.day or new.day
    merged["source"] = new.source if new_is_richer else old.source
    # The observation date moves on only with the counts it dates, so re-reading the same
    # data later rewrites nothing.
    counts_changed = any(merged[name] != getattr(old, name) for name in COUNT_FIELDS)
    merged["observed"] = new.observed if new_is_newer and counts_changed else old.observed or new.observed
    return Paper(**merged)


def _empty(value) -> bool:
    return value is None or value == "" or value == []
