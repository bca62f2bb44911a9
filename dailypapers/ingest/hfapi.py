"""Parse responses of the Hugging Face Daily Papers API into Papers.

The shape is detected from the content:
- `GET /api/daily_papers?date=D`: a JSON array of items `{paper: {...}, numComments, thumbnail, ...}`;
- one such item on its own (an object with `paper`);
- `GET /api/papers/{arxiv_id}`: a bare paper object (`id` and `title` at the top level);
- a third-party archive's wrapper `{"status", "date", "count", "data": [items]}`.
Three schema generations occur (2024: item `mediaUrl`, no item `summary`; 2025-2026: adds
`ai_summary`, `ai_keywords`, `githubRepo`, `projectPage`, `organization`, `submittedOnDailyAt`, ...).
Any optional field may be missing or null.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from pathlib import PurePath
from urllib.parse import urlsplit

from ..model import Paper, ParseResult, flow_text, one_line

_DAY_IN_NAME_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_GITHUB_SHORT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
_TYPE_NAMES = {int: "a whole number", str: "text", list: "a list", dict: "an object"}


class _DataError(Exception):
    """Data that cannot be used (one entry, or the whole document); the message says why."""


def requested_day_from_filename(name: str) -> date | None:
    """The YYYY-MM-DD in a file's name (`data/raw/2024-05-28.json`, `hfapi_2024-05-28.json`)."""
    for match in reversed(_DAY_IN_NAME_RE.findall(PurePath(name).name)):
        try:
            return date.fromisoformat(match)
        except ValueError:
            continue
    return None


def parse(text: str, filename: str, requested_day: date | None, observed: date) -> ParseResult:
    """Papers of one API response. `requested_day` is the Daily Papers day the response was
    asked for; without it a paper's day is its `submittedOnDailyAt` date, if any."""
    result = ParseResult(day=requested_day)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        result.errors.append(f"{filename}:{error.lineno}: invalid JSON: {error.msg} (column {error.colno})")
        return result
    except RecursionError:
        result.errors.append(f"{filename}:1: invalid JSON: nested too deeply")
        return result
    try:
        items, listing_day = _items_of(document)
    except _DataError as error:
        result.errors.append(f"{filename}: {error}")
        return result
    result.day = requested_day or listing_day
    for number, item in enumerate(items, 1):
        try:
            paper = _paper_from_item(item, result.day, observed)
        except _DataError as error:
            result.errors.append(f"{filename}: entry {number}{_entry_label(item)}: {error}")
        else:
            result.papers.append((number, paper))
    return result


def _items_of(document) -> tuple[list, date | None]:
    """The daily items of any accepted shape, and the day the wrapper names (if any)."""
    if isinstance(document, list):
        return document, None
    if not isinstance(document, dict):
        raise _DataError(f"expected a JSON array or object, got {_describe(document)}")
    if "data" in document:
        if not isinstance(document["data"], list):
            raise _DataError(f"the archive wrapper's `data` is {_describe(document['data'])}, not a list")
        return document["data"], _wrapper_day(document.get("date"))
    if "paper" in document:
        return [document], None
    if "id" in document and "title" in document:
        return [{"paper": document}], None
    keys = ", ".join(sorted(map(str, document))[:8])
    raise _DataError(
        "not a Daily Papers API response: expected an array of items, an item with `paper`, "
        f"a paper with `id` and `title`, or an archive wrapper with `data` (got keys: {keys})"
    )


def _wrapper_day(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _entry_label(item) -> str:
    """` (arXiv id)` when the entry has one, so the user can find it."""
    paper = item.get("paper") if isinstance(item, dict) else None
    arxiv_id = paper.get("id") if isinstance(paper, dict) else None
    return f" ({arxiv_id})" if isinstance(arxiv_id, str) and arxiv_id else ""


def _paper_from_item(item, listing_day: date | None, observed: date) -> Paper:
    if not isinstance(item, dict):
        hint = ""
        if isinstance(item, str) and item.lstrip().startswith("{"):
            hint = " (text of an object, e.g. a Python repr, instead of the object)"
        raise _DataError(f"is {_describe(item)}, not an object{hint}")
    if "paper" not in item:
        raise _DataError("has no `paper` object")
    paper = item["paper"]
    if not isinstance(paper, dict):
        raise _DataError(f"`paper` is {_describe(paper)}, not an object")

    title = flow_text(_field(paper, "paper.title", str) or _field(item, "title", str) or "")
    if not title:
        raise _DataError("has no title")
    abstract = _field(paper, "paper.summary", str) or _field(item, "summary", str) or ""
    authors_field = _field(paper, "paper.authors", list)
    authors = _author_names(authors_field or [])
    submitted_on_daily = _field_date(paper, "paper.submittedOnDailyAt")
    return Paper(
        title=title,
        abstract=flow_text(abstract),
        day=listing_day or submitted_on_daily,
        published=_field_date(paper, "paper.publishedAt"),
        arxiv_id=(_field(paper, "paper.id", str) or "").strip() or None,
        authors=authors,
        author_count=len(authors) if authors_field is not None else None,
        upvotes=_field(paper, "paper.upvotes", int),
        comments=_field(item, "numComments", int),
        ai_summary=flow_text(_field(paper, "paper.ai_summary", str) or "") or None,
        ai_keywords=_keywords(_field(paper, "paper.ai_keywords", list) or []),
        github=_github_url(_field(paper, "paper.githubRepo", str)),
        github_stars=_field(paper, "paper.githubStars", int),
        project_page=_http_url(_field(paper, "paper.projectPage", str)),
        organization=_organization(paper, item),
        thumbnail=_http_url(_field(item, "thumbnail", str) or _field(item, "mediaUrl", str)),
        source="api",
        observed=observed,
    )


def _field(obj: dict, label: str, expected: type):
    """obj's value for the last part of `label`; None when missing or null, _DataError when
    of another type (a bool is not a whole number)."""
    value = obj.get(label.rsplit(".", 1)[-1])
    if value is None:
        return None
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise _DataError(f"`{label}` is {_describe(value)}, expected {_TYPE_NAMES[expected]}")
    return value


def _field_date(obj: dict, label: str) -> date | None:
    """The UTC date of an ISO timestamp like `2024-05-27T15:01:23.000Z`."""
    value = _field(obj, label, str)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _DataError(f"`{label}` is {_describe(value)}, expected an ISO date") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.date()


def _author_names(authors: list) -> list[str]:
    names = []
    for number, author in enumerate(authors, 1):
        if not isinstance(author, dict):
            raise _DataError(f"author {number} is {_describe(author)}, not an object")
        name = _field(author, f"paper.authors[{number}].name", str)
        if name and one_line(name):
            names.append(one_line(name))
    return names


def _keywords(keywords: list) -> list[str]:
    for number, keyword in enumerate(keywords, 1):
        if not isinstance(keyword, str):
            raise _DataError(f"`paper.ai_keywords[{number}]` is {_describe(keyword)}, expected text")
    return [one_line(keyword) for keyword in keywords if one_line(keyword)]


def _organization(paper: dict, item: dict) -> str | None:
    """The organization's display name; the paper's own wins over the item's copy."""
    for obj, label in ((paper, "paper.organization"), (item, "organization")):
        value = obj.get("organization")
        if isinstance(value, dict):
            value = _field(value, label + ".fullname", str) or _field(value, label + ".name", str)
        elif value is not None and not isinstance(value, str):
            raise _DataError(f"`{label}` is {_describe(value)}, expected an object or text")
        if value and one_line(value):
            return one_line(value)
    return None


def _http_url(value: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL; anything else (javascript:, relative) is dropped."""
    if value is None:
        return None
    url = "".join(value.split())  # whitespace is never part of a URL: a line break inside is wrapping
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a broken IPv6 host
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        return None
    return url


def _github_url(value: str | None) -> str | None:
    """`owner/repo` becomes its GitHub URL; http(s) URLs are kept; anything else is dropped."""
    if value is None:
        return None
    short = value.strip()
    if _GITHUB_SHORT_RE.match(short):
        return "https://github.com/" + short
    return _http_url(value)


def _describe(value) -> str:
    """A short description of a JSON value for messages: `the string 'abc'`, `a list`, `true`."""
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return repr(value)
    return "a list" if isinstance(value, list) else "an object"
