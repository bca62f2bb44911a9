"""Parse responses of the Hugging Face Daily Papers API into Papers.

The shape is detected from the content:
- `GET /api/daily_papers?date=D`: a JSON array of items `{paper: {...}, numComments, thumbnail, ...}`;
- one such item on its own (an object with `paper`);
- `GET /api/papers/{arxiv_id}`: a bare paper object (`id` and `title` at the top level);
- a third-party archive's wrapper `{"status", "date", "count", "data": [items]}`.
Three schema generations occur (2024: item `mediaUrl`, no item `summary`; 2025-2026: adds
`ai_summary`, `ai_keywords`, `githubRepo`, `projectPage`, `organization`, `submittedOnDailyAt`, ...).
Any optional field may be missing or null.

One bad value costs its entry only. Entries stored as Python-repr text (a third-party archive
wrote some days so) are read back with ast.literal_eval, which reads literals and runs nothing.
A key given twice in one object keeps its last value, as JSON readers do, and is reported.
"""

from __future__ import annotations

import ast
import json
import re
from datetime import date, datetime, timezone
from pathlib import PurePath
from urllib.parse import urlsplit

from ..model import Paper, ParseResult, flow_text, one_line

_DAY_IN_NAME_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_GITHUB_SHORT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
_TYPE_NAMES = {int: "a whole number", str: "text", list: "a list", dict: "an object"}
# Counts (upvotes, comments, stars) are at least 0 and far below this.
MAX_COUNT = 10**9
# Dates outside these are no arXiv or Daily Papers date (and year 1 overflows time zones).
EARLIEST_DATE, LATEST_DATE = date(1991, 1, 1), date(2100, 12, 31)
_ARXIV_ID_MAX = 100


class _DataError(Exception):
    """Data that cannot be used (one entry, or the whole document); the message says why."""


class _HugeNumber:
    """A JSON number too long for an int (Python refuses past 4,300 digits): its entry's problem."""

    def __init__(self, digits: str):
        self.digits = len(digits.lstrip("-"))


def _whole_number(text: str):
    return int(text) if len(text) <= 20 else _HugeNumber(text)


class _Document:
    """The parsed JSON, and the objects in it that had a key twice."""

    def __init__(self, text: str):
        self.duplicates: dict[int, list[str]] = {}  # id(object) -> keys given twice
        # strict=False: a raw tab or line break inside a string is text, not a broken file.
        self.value = json.loads(text, strict=False, parse_int=_whole_number, object_pairs_hook=self._object)

    def _object(self, pairs: list) -> dict:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen = set()
            twice = [key for key, _ in pairs if key in seen or seen.add(key)]
            self.duplicates[id(obj)] = list(dict.fromkeys(twice))
        return obj

    def keys_twice_in(self, value) -> list[str]:
        """Keys given twice in `value` or any object inside it."""
        if not self.duplicates:
            return []
        found, stack = [], [value]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                found += self.duplicates.get(id(node), [])
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        return found


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
        parsed = _Document(text)
    except json.JSONDecodeError as error:
        result.errors.append(f"{filename}:{error.lineno}: invalid JSON: {error.msg} (column {error.colno})")
        return result
    except RecursionError:
        result.errors.append(f"{filename}:1: invalid JSON: nested too deeply")
        return result
    try:
        items, listing_day = _items_of(parsed.value)
    except _DataError as error:
        result.errors.append(f"{filename}: {error}")
        return result
    result.day = requested_day or listing_day
    recovered = 0
    for number, item in enumerate(items, 1):
        try:
            if isinstance(item, str) and item.lstrip().startswith("{"):
                item = _python_literal(item)
                recovered += 1
            paper = _paper_from_item(item, result.day, observed)
        except _DataError as error:
            result.errors.append(f"{filename}: entry {number}{_entry_label(item)}: {error}")
            continue
        result.papers.append((number, paper))
        twice = parsed.keys_twice_in(item)
        if twice:
            keys = ", ".join(f"`{key}`" for key in twice)
            result.notices.append(f"{filename}: entry {number}{_entry_label(item)}: {keys} given twice; the last value counts")
    if recovered:
        result.notices.append(f"{filename}: {recovered} entries are Python-repr text, not JSON objects: read as Python literals")
    wrapper_twice = parsed.duplicates.get(id(parsed.value))
    if wrapper_twice:
        keys = ", ".join(f"`{key}`" for key in wrapper_twice)
        result.notices.append(f"{filename}: {keys} given twice; the last value counts")
    return result


def _python_literal(text: str) -> dict:
    """An entry that a third-party archive stored as Python's repr of the object."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise _DataError(f"is {_describe(text)}: text, and not a readable Python-repr object either") from None
    if not isinstance(value, dict):
        raise _DataError(f"is text holding {_describe(value)}, not an object")
    return value


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
        raise _DataError(f"is {_describe(item)}, not an object")
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
        arxiv_id=_arxiv_id(paper),
        authors=authors,
        author_count=len(authors) if authors_field is not None else None,
        upvotes=_count(paper, "paper.upvotes"),
        comments=_count(item, "numComments"),
        ai_summary=flow_text(_field(paper, "paper.ai_summary", str) or "") or None,
        ai_keywords=_keywords(_field(paper, "paper.ai_keywords", list) or []),
        github=_github_url(_field(paper, "paper.githubRepo", str)),
        github_stars=_count(paper, "paper.githubStars"),
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


def _count(obj: dict, label: str) -> int | None:
    value = _field(obj, label, int)
    if value is not None and not 0 <= value <= MAX_COUNT:
        raise _DataError(f"`{label}` is {_describe(value)}, expected a count from 0 to {MAX_COUNT:,}")
    return value


def _arxiv_id(paper: dict) -> str | None:
    """The id as given: no whitespace, control or unpaired surrogate in it, since it goes into links."""
    value = (_field(paper, "paper.id", str) or "").strip()
    if value and (len(value) > _ARXIV_ID_MAX or not value.isprintable() or len(value.split()) > 1):
        raise _DataError(f"`paper.id` is {_describe(value)}, not an arXiv id")
    return value or None


def _field_date(obj: dict, label: str) -> date | None:
    """The UTC date of an ISO timestamp like `2024-05-27T15:01:23.000Z`."""
    value = _field(obj, label, str)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _DataError(f"`{label}` is {_describe(value)}, expected an ISO date") from None
    if not EARLIEST_DATE <= moment.date() <= LATEST_DATE:
        raise _DataError(f"`{label}` is {_describe(value)}, not a date from {EARLIEST_DATE.year} to {LATEST_DATE.year}")
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
    if not url.isprintable():  # control characters, unpaired surrogates
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
    if isinstance(value, _HugeNumber):
        return f"a {value.digits:,}-digit number"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "an object"
    return f"a Python {type(value).__name__}"  # from a Python-repr entry: a set, a tuple, bytes
