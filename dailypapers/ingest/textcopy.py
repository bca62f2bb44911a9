"""Parse the plain-text copy of a huggingface.co/papers listing page.

Per paper the page copies as: the title, the abstract (one paragraph), `• N authors`,
a `·` line, and the arXiv date with an optional upvote count (`Dec 14, 2023 1`).
The page header carries the listing's day (`Jan 7`); dates may omit the year. Copies pasted
one after another each bring their header (and day); text after the last entry's date line
is an entry cut off, and reported.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ..model import Paper, ParseResult, flow_text

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
_BOM_RE = re.compile("^\ufeff", re.MULTILINE)


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
    # Line ends of any system; byte-order marks where one copy was pasted after another.
    text = _BOM_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    result = ParseResult()
    chunk: list[tuple[int, str]] = []  # non-blank lines since the last entry: (line number, text)
    day = None  # the listing's day; a later page header (copies pasted together) may name another
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
        header_day, entry_lines = _split_header(chunk, scraped_on, first=not result.papers and not result.errors)
        day = header_day or day
        result.day = result.day or day
        chunk = []
        paper_or_error = _make_paper(entry_lines, number, authors, trailer, filename, scraped_on)
        if isinstance(paper_or_error, str):
            result.errors.append(paper_or_error)
        else:
            paper_or_error.day = day
            result.papers.append((entry_lines[0][0], paper_or_error))
    first = not result.papers and not result.errors
    header_day, rest = _split_header(chunk, scraped_on, first)
    result.day = result.day or header_day
    # A copy ends with an entry's date line: past the first entry, any text left is an entry
    # the file lost the end of. Before it, only a long line tells an entry from page chrome.
    rest = [item for item in rest if not _CHROME_RE.match(item[1])]
    if rest and (not first or any(len(text) >= _ABSTRACT_MIN for _, text in rest)):
        result.errors.append(
            f"{filename}:{rest[0][0]}: entry ends before its '• N authors' and date lines "
            "(file cut off?)"
        )
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


def _split_header(chunk, scraped_on: date, first: bool):
    """(the day a page header in `chunk` names, or None; the chunk without the header).

    Before the first entry, everything up to the day line (`Jan 7`) is header, and page
    chrome is dropped. Later, in a copy pasted after another, lines are a header only where
    page chrome comes before a day line."""
    for position, (_, text) in enumerate(chunk):
        parsed = parse_date(text, scraped_on) if len(text) < 20 else None
        if parsed and parsed[1] == 0 and (first or any(_CHROME_RE.match(t) for _, t in chunk[:position])):
            return parsed[0], [item for item in chunk[position + 1 :] if not _CHROME_RE.match(item[1])]
    if first:
        return None, [item for item in chunk if not _CHROME_RE.match(item[1])]
    return None, chunk


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
