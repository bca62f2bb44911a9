"""Parse the plain-text copy of a huggingface.co/papers listing page.

Per paper the page copies as: the title, the abstract (one paragraph), `• N authors`,
a `·` line, and the arXiv date with an optional upvote count (`Dec 14, 2023 1`).
The page header carries the listing's day (`Jan 7`); dates may omit the year.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from .model import Paper, ParseResult, flow_text

_AUTHORS_RE = re.compile(r"^\s*[•·*-]?\s*(\d[\d,]*)\s+authors?\s*$", re.IGNORECASE)
_SEPARATOR_RE = re.compile(r"^\s*·\s*$")
_DATE_RE = re.compile(
    r"^\s*(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:,\s*(?P<year>\d{4}))?"
    r"(?:\s+(?P<upvotes>\d[\d,]*))?\s*$"
)
# Lines of the page's chrome: never a paper's title or abstract.
_CHROME_RE = re.compile(
    r"^(new|subscribe|get trending papers in your email inbox!|daily papers|"
    r"by\s*ak and the research community|previous|next|upvote|submitted by.*)$",
    re.IGNORECASE,
)
# A chunk with a line this long that never reached its authors line is a cut-off entry,
# not page chrome.
_ABSTRACT_MIN = 200


def parse_date(text: str, scraped_on: date) -> tuple[date, int] | None:
    """`Dec 14, 2023 1` -> (date, upvotes); a date without year takes scraped_on's year,
    or the year before when that would lie after scraped_on."""
    match = _DATE_RE.match(text)
    if not match:
        return None
    month = _month_number(match["month"])
    if month is None:
        return None
    year = int(match["year"]) if match["year"] else scraped_on.year
    try:
        parsed = date(year, month, int(match["day"]))
        if not match["year"] and parsed > scraped_on:
            parsed = date(year - 1, month, int(match["day"]))
    except ValueError:
        return None
    upvotes = int(match["upvotes"].replace(",", "")) if match["upvotes"] else 0
    return parsed, upvotes


def _month_number(name: str) -> int | None:
    for fmt in ("%b", "%B"):
        try:
            return datetime.strptime(name.title(), fmt).month
        except ValueError:
            continue
    return None


def parse(text: str, filename: str, scraped_on: date) -> ParseResult:
    lines = text.split("\n")
    result = ParseResult()
    chunk: list[tuple[int, str]] = []  # non-blank lines since the last entry: (line number, text)
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        number = index + 1
        index += 1
        if not line:
            continue
        authors = _AUTHORS_RE.match(line)
        if not authors:
            chunk.append((number, line))
            continue
        # `• N authors`, then `·`, then the date line: skip blank lines between them.
        index, trailer = _read_trailer(lines, index)
        entry_lines = _drop_header(chunk, result, scraped_on) if not result.papers else chunk
        chunk = []
        paper_or_error = _make_paper(entry_lines, number, authors, trailer, filename, scraped_on)
        if isinstance(paper_or_error, str):
            result.errors.append(paper_or_error)
        else:
            result.papers.append((entry_lines[0][0], paper_or_error))
    if not result.papers and not result.errors:
        _drop_header(chunk, result, scraped_on)
    if any(len(text) >= _ABSTRACT_MIN for _, text in chunk):
        result.errors.append(
            f"{filename}:{chunk[0][0]}: entry ends before its '• N authors' and date lines "
            "(file cut off?)"
        )
    for _, paper in result.papers:
        paper.day = result.day
    if not result.papers and not result.errors:
        result.errors.append(f"{filename}: no papers found (is this a text copy of huggingface.co/papers?)")
    return result


def _read_trailer(lines: list[str], index: int) -> tuple[int, list[tuple[int, str]]]:
    """The `·` line and the date line after an authors line (up to two non-blank lines)."""
    trailer = []
    while index < len(lines) and len(trailer) < 2:
        line = lines[index].strip()
        index += 1
        if not line:
            continue
        trailer.append((index, line))
        if not _SEPARATOR_RE.match(line):
            break  # the date line (or whatever stands in its place)
    return index, trailer


def _drop_header(chunk, result: ParseResult, scraped_on: date):
    """Remove page chrome before the first entry, taking the listing's day from it."""
    body = []
    for number, text in chunk:
        parsed = parse_date(text, scraped_on)
        if parsed and parsed[1] == 0 and result.day is None and len(text) < 20:
            result.day = parsed[0]
            body = []  # everything before the day line is header
            continue
        if _CHROME_RE.match(text):
            continue
        body.append((number, text))
    return body


def _make_paper(entry_lines, authors_line, authors, trailer, filename, scraped_on) -> Paper | str:
    where = f"{filename}:{entry_lines[0][0] if entry_lines else authors_line}"
    if len(entry_lines) < 2:
        what = "a title but no abstract" if entry_lines else "no title and no abstract"
        return f"{where}: entry has {what} before its '• N authors' line"
    date_line = next((item for item in trailer if not _SEPARATOR_RE.match(item[1])), None)
    if date_line is None:
        return f"{filename}:{authors_line}: entry has no date line after '• N authors'"
    parsed = parse_date(date_line[1], scraped_on)
    if parsed is None:
        return f"{filename}:{date_line[0]}: cannot read the date line {date_line[1]!r} (expected like 'Dec 14, 2023 12')"
    published, upvotes = parsed
    title = flow_text(entry_lines[0][1])
    abstract = flow_text("\n\n".join(text for _, text in entry_lines[1:]))
    return Paper(
        title=title,
        abstract=abstract,
        published=published,
        author_count=int(authors.group(1).replace(",", "")),
        upvotes=upvotes,
        source="textcopy",
        observed=scraped_on,
    )
