"""Post files: a Paper as YAML front matter plus the abstract as a markdown body, and back.

The body is markdown that renders to exactly the abstract's text: every character
Python-Markdown would read as syntax is escaped, `<` and `&` become entities.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, NamedTuple

import yaml

from .model import Paper, slugify

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


class _NoAliasLoader(yaml.SafeLoader):
    """Refuses anchors' aliases: a hand-edited post cannot expand into a billion laughs."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError(f"aliases (*name) are not allowed{self.peek_event().start_mark}")
        return super().compose_node(parent, index)


# An alias can only start where a value does; '*' elsewhere in a plain value is text.
_MAYBE_ALIAS = re.compile(r"(?:^|[:\-\[,{?]\s*)\*", re.MULTILINE)

@dataclass(frozen=True)
class Field:
    """A front matter key: what it holds and who writes it."""

    key: str
    kind: type  # str, int, date, bool or list (of strings)
    owner: str  # "importer" rewrites it on every import, unless a person marked it manual;
    # "once": the importer writes it when the post is made, then never again;
    # "person": only a person writes it
    attribute: str | None = None  # the Paper attribute it holds, for importer fields
    required: bool = False
    check: Callable[[object], str | None] | None = None  # a problem with a value, or None
    one_for_list: bool = False  # a list field where a person may write a single value


SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_COUNT = 10**9  # upvotes, comments, stars: no real count comes near


def _slug_problem(value) -> str | None:
    return None if SLUG_RE.fullmatch(value) and len(value) <= 200 else "must be lower-case letters, digits and single hyphens"


def _count_problem(value) -> str | None:
    return None if 0 <= value <= MAX_COUNT else f"must be between 0 and {MAX_COUNT:,}"


def _link_problem(value) -> str | None:
    return None if re.match(r"https?://[^\s/]+", value) else "must be an http(s) address"


def _names_problem(value) -> str | None:
    bad = next((item for item in value if not isinstance(item, str) or not item.strip()), None)
    return None if bad is None else f"holds {bad!r}, not a non-empty name"


def _tag_names_problem(value) -> str | None:
    """A tag's name becomes its URL: it needs letters or digits to make a slug of."""
    bad = next((item for item in value if not isinstance(item, str) or not slugify(item)), None)
    return None if bad is None else f"holds {bad!r}, not a tag name with letters or digits"


def _manual_problem(value) -> str | None:
    unknown = sorted(str(item) for item in value if item not in EDITABLE_KEYS)
    return f"names unknown keys {unknown} (known: {', '.join(sorted(EDITABLE_KEYS))})" if unknown else None


# Every front matter key, in the order the importer writes them.
FIELDS = (
    Field("title", str, "importer", "title", required=True),
    Field("date", date, "importer", "day", required=True),  # the Daily Papers day: the post's folder
    Field("slug", str, "once", required=True, check=_slug_problem),
    Field("arxiv_id", str, "importer", "arxiv_id"),
    Field("published", date, "importer", "published"),
    Field("upvotes", int, "importer", "upvotes", check=_count_problem),
    Field("comments", int, "importer", "comments", check=_count_problem),
    Field("author_count", int, "importer", "author_count", check=_count_problem),
    Field("paper_authors", list, "importer", "authors", check=_names_problem),
    Field("organization", str, "importer", "organization"),
    Field("ai_summary", str, "importer", "ai_summary"),
    Field("ai_keywords", list, "importer", "ai_keywords", check=_names_problem),
    Field("github", str, "importer", "github", check=_link_problem),
    Field("github_stars", int, "importer", "github_stars", check=_count_problem),
    Field("project_page", str, "importer", "project_page", check=_link_problem),
    Field("thumbnail", str, "importer", "thumbnail", check=_link_problem),
    Field("source", str, "importer", "source"),
    Field("observed", date, "importer", "observed"),  # when the source was captured
    Field("tags", list, "importer", check=_tag_names_problem),  # computed from tags.yaml
    Field("extra_tags", list, "person", check=_tag_names_problem),  # put in front of the computed tags
    Field("removed_tags", list, "person", check=_tag_names_problem),  # computed tags a person strikes
    # Keys a person edited: re-imports and retagging leave them alone.
    Field("manual", list, "person", check=_manual_problem, one_for_list=True),
    # On the posts the repository ships as a sample: the first import of real papers removes them.
    Field("sample", bool, "person"),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
IMPORTED_FIELDS = {f.key: f.attribute for f in FIELDS if f.attribute}  # key -> Paper attribute
SLUG_KEY, TAGS_KEY, EXTRA_TAGS_KEY, REMOVED_TAGS_KEY, MANUAL_KEY = "slug", "tags", "extra_tags", "removed_tags", "manual"
SAMPLE_KEY = "sample"
ABSTRACT_KEY = "abstract"  # only ever appears in MANUAL_KEY, meaning the body
EDITABLE_KEYS = frozenset(IMPORTED_FIELDS) | {TAGS_KEY, ABSTRACT_KEY}


class PostSummary(NamedTuple):
    """What lists, grouping and page keys need of a post, without the rest of it."""

    day: date
    slug: str
    title: str
    upvotes: int
    tags: tuple[str, ...]
    observed: date | None  # when the upvotes were last seen
    # Author and organization pages group every paper by these: kept here, they cost no
    # post's details on a build. The names are one string, a name a line: the cached index
    # of all posts then unpickles a third as fast as with a tuple of some 10 names a paper.
    author_lines: str = ""
    organization: str | None = None

    @property
    def authors(self) -> list[str]:
        return self.author_lines.split("\n") if self.author_lines else []


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


def may_hold_alias(front: str) -> bool:
    """Whether YAML text may hold an alias (`*name`), which posts refuse."""
    return _MAYBE_ALIAS.search(front) is not None


def parse(text: str) -> Post:
    """Split a post file into front matter and body. Raises PostError.
    A byte-order mark and CRLF line endings (an editor on Windows) read like any post."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if not text.startswith(FRONT_MATTER_DELIMITER):
        raise PostError("does not start with a '---' front matter line")
    end = text.find("\n" + FRONT_MATTER_DELIMITER, len(FRONT_MATTER_DELIMITER) - 1)
    if end < 0:
        raise PostError("front matter has no closing '---' line")
    try:
        front = text[len(FRONT_MATTER_DELIMITER) : end + 1]
        meta = yaml.load(front, Loader=_NoAliasLoader if may_hold_alias(front) else _Loader)
    except yaml.YAMLError as error:
        raise PostError(f"front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise PostError("front matter is not a mapping")
    found = problems(meta)
    if found:
        raise PostError("; ".join(found))
    body = text[end + 1 + len(FRONT_MATTER_DELIMITER) :].lstrip("\n")
    return Post(meta=meta, body=body)


_KIND_NAMES = {str: "text", int: "a whole number", date: "a date (YYYY-MM-DD)", list: "a list", bool: "true or false"}


def problems(meta: dict, only: frozenset[str] | None = None) -> list[str]:
    """What is wrong with a post's front matter, one `key: what` line each; with `only`,
    with those keys alone."""
    found = []
    for field in FIELDS if only is None else [f for f in FIELDS if f.key in only]:
        value = meta.get(field.key)
        if value is None or value == "" or value == []:
            if field.required:
                found.append(f"{field.key}: missing")
            continue
        if field.kind is date and isinstance(value, datetime):
            value = value.date()
        if field.one_for_list and isinstance(value, str):
            value = [value]
        wrong_kind = not isinstance(value, field.kind) or (isinstance(value, bool) and field.kind is not bool) or (
            field.kind is date and isinstance(value, datetime)
        )
        if field.kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            wrong_kind = False  # YAML reads an id like 2401.00001 as a number: its text is meant
        if wrong_kind:
            found.append(f"{field.key}: {value!r} is not {_KIND_NAMES[field.kind]}")
            continue
        problem = field.check(str(value) if field.kind is str else value) if field.check else None
        if problem:
            found.append(f"{field.key}: {problem}")
    return found


def summary(meta: dict) -> PostSummary:
    """The summary of a post whose front matter has no problems."""
    day = meta["date"]
    day = day.date() if isinstance(day, datetime) else day
    tags = tuple(str(name) for name in meta.get(TAGS_KEY) or ())
    observed = meta.get("observed")
    observed = observed.date() if isinstance(observed, datetime) else observed
    authors = "\n".join(" ".join(str(name).split()) for name in meta.get("paper_authors") or ())
    organization = " ".join(str(meta.get("organization") or "").split()) or None
    return PostSummary(
        day, str(meta["slug"]), str(meta["title"]), int(meta.get("upvotes") or 0), tags, observed, authors, organization
    )


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
