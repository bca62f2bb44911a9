"""Post files: a Paper as YAML front matter plus the abstract as a markdown body, and back.

The body is markdown that renders to exactly the abstract's text: every character
Python-Markdown would read as syntax is escaped, `<` and `&` become entities.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime

import yaml

from .model import Paper

try:  # the C loader and dumper are several times faster; fall back where libyaml is missing
    from yaml import CSafeDumper as _BaseDumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _BaseDumper
    from yaml import SafeLoader as _Loader


class _Dumper(_BaseDumper):
    """Never writes anchors and aliases (`&id001`): two fields holding the same date
    object must each read as a plain value to a person editing the file."""

    def ignore_aliases(self, data):
        return True

# Front matter keys in the order they are written; the importer owns these.
# Maps front matter key -> Paper attribute.
IMPORTED_FIELDS = {
    "title": "title",
    "date": "day",
    "arxiv_id": "arxiv_id",
    "published": "published",
    "upvotes": "upvotes",
    "comments": "comments",
    "author_count": "author_count",
    "paper_authors": "authors",
    "organization": "organization",
    "ai_summary": "ai_summary",
    "ai_keywords": "ai_keywords",
    "github": "github",
    "github_stars": "github_stars",
    "project_page": "project_page",
    "thumbnail": "thumbnail",
    "source": "source",
    "observed": "observed",
}
# Written by the importer once, then never changed by it.
SLUG_KEY = "slug"
TAGS_KEY = "tags"
EXTRA_TAGS_KEY = "extra_tags"  # tags a person adds in front of the computed ones
REMOVED_TAGS_KEY = "removed_tags"  # computed tags a person strikes
# A list of front matter keys a person edited: re-imports and retagging leave them alone.
MANUAL_KEY = "manual"
ABSTRACT_KEY = "abstract"  # only ever appears in MANUAL_KEY, meaning the body

FRONT_MATTER_DELIMITER = "---\n"

# Python-Markdown's backslash-escapable characters (markdown.Markdown.ESCAPED_CHARS).
_ESCAPABLE = "\\`*_{}[]()>#+-.!"
# Inline syntax: escaped wherever it stands. `<` only where it could open a tag or an
# autolink, `&` only where it could start an entity; elsewhere Markdown keeps them as text.
_INLINE_RE = re.compile(r"[\\`*_\[\]]|<(?=[A-Za-z/!?])|&(?=#|\w+;)")
# Block syntax at a paragraph's start (paragraphs are single lines): headings, quotes,
# lists, rules. An ordered-list marker is a number followed by a dot.
_BLOCK_START_RE = re.compile(r"^([#>+\-])|^(\d+)(\.)", re.MULTILINE)
_UNESCAPE_RE = re.compile(r"\\([" + re.escape(_ESCAPABLE) + r"])|&(lt|amp);")
_ENTITIES = {"<": "&lt;", "&": "&amp;"}
_UNENTITIES = {"lt": "<", "amp": "&"}


class PostError(ValueError):
    """A post file that cannot be read as a post."""


@dataclass
class Post:
    """A post file's content: front matter (ordered) and the markdown body."""

    meta: dict
    body: str

    @property
    def slug(self) -> str:
        return self.meta[SLUG_KEY]

    @property
    def manual(self) -> set[str]:
        value = self.meta.get(MANUAL_KEY) or ()
        return {value} if isinstance(value, str) else set(map(str, value))


def escape_markdown(text: str) -> str:
    """Markdown source that renders to `text` exactly (for flowed text: one line a paragraph)."""
    inline = _INLINE_RE.sub(lambda m: _ENTITIES.get(m.group(0)) or "\\" + m.group(0), text)
    return _BLOCK_START_RE.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\.", inline)


def unescape_markdown(source: str) -> str:
    return _UNESCAPE_RE.sub(lambda m: m.group(1) or _UNENTITIES[m.group(2)], source)


def body_html(body: str, markdown) -> str:
    """The body as HTML. A body in the form escape_markdown writes (every imported
    abstract) is converted directly, which gives Markdown's output some ten times faster;
    anything else (a body a person edited) goes through `markdown`."""
    text = unescape_markdown(body.strip())
    if escape_markdown(text) != body.strip() or not text:
        markdown.reset()
        return markdown.convert(body)
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in text.split("\n\n"))


def render(post: Post) -> str:
    front = yaml.dump(
        post.meta,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,
        default_flow_style=None,
    )
    return FRONT_MATTER_DELIMITER + front + FRONT_MATTER_DELIMITER + "\n" + post.body.rstrip("\n") + "\n"


def parse(text: str) -> Post:
    """Split a post file into front matter and body. Raises PostError."""
    if not text.startswith(FRONT_MATTER_DELIMITER):
        raise PostError("does not start with a '---' front matter line")
    end = text.find("\n" + FRONT_MATTER_DELIMITER, len(FRONT_MATTER_DELIMITER) - 1)
    if end < 0:
        raise PostError("front matter has no closing '---' line")
    try:
        meta = yaml.load(text[len(FRONT_MATTER_DELIMITER) : end + 1], Loader=_Loader)
    except yaml.YAMLError as error:
        raise PostError(f"front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise PostError("front matter is not a mapping")
    for key in ("title", "date", SLUG_KEY):
        if not meta.get(key):
            raise PostError(f"front matter has no {key!r}")
    _check_types(meta)
    body = text[end + 1 + len(FRONT_MATTER_DELIMITER) :].lstrip("\n")
    return Post(meta=meta, body=body)


# What a field must hold, where a wrong type would break the build or the importer.
_FIELD_TYPES = {
    "date": (date,),
    "published": (date,),
    "observed": (date,),
    "upvotes": (int,),
    "comments": (int,),
    "author_count": (int,),
    "github_stars": (int,),
    "paper_authors": (list,),
    "ai_keywords": (list,),
    TAGS_KEY: (list,),
    EXTRA_TAGS_KEY: (list,),
    REMOVED_TAGS_KEY: (list,),
}


def _check_types(meta: dict) -> None:
    for key, types in _FIELD_TYPES.items():
        value = meta.get(key)
        if value is not None and (not isinstance(value, types) or isinstance(value, bool) and int in types):
            expected = {date: "a date (YYYY-MM-DD)", int: "a whole number", list: "a list"}[types[0]]
            raise PostError(f"{key!r} is {value!r}, not {expected}")


def paper_from_post(post: Post) -> Paper:
    """The Paper a post describes (its abstract taken from the body)."""
    values = {attr: post.meta.get(key) for key, attr in IMPORTED_FIELDS.items()}
    values = {k: v for k, v in values.items() if v is not None}
    for attr in ("day", "published", "observed"):
        if isinstance(values.get(attr), datetime):
            values[attr] = values[attr].date()
    values["title"] = str(values.get("title", ""))
    return Paper(abstract=unescape_markdown(post.body.strip()), **values)


def post_from_paper(paper: Paper, slug: str, tags: list[str], existing: Post | None = None) -> Post:
    """The post for `paper`; with `existing`, keep its slug, hand-edited fields and extra keys."""
    meta: dict = {}
    manual = existing.manual if existing else set()
    for key, attr in IMPORTED_FIELDS.items():
        value = getattr(paper, attr)
        if key in manual:
            value = existing.meta.get(key)
        if value is None or value == []:
            continue
        meta[key] = value
        if key == "date":
            meta[SLUG_KEY] = slug
    meta[TAGS_KEY] = existing.meta.get(TAGS_KEY, []) if TAGS_KEY in manual else tags
    if existing:
        for key, value in existing.meta.items():
            if key not in meta and key not in IMPORTED_FIELDS:
                meta[key] = value  # keys a person added, and 'manual' itself
    if existing and ABSTRACT_KEY in manual:
        body = existing.body
    else:
        body = escape_markdown(paper.abstract)
    return Post(meta=meta, body=body)


def post_date(post: Post) -> date:
    value = post.meta["date"]
    return value.date() if isinstance(value, datetime) else value
