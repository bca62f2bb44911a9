"""Parse the plain-text copy of a huggingface.co/papers listing page.

Per paper the page copies as: the title, the abstract (one paragraph), `• N authors`,
a `·` line, and the arXiv date with an optional upvote count (`Dec 14, 2023 1`).
The page header carries the listing's day (`Jan 7`); dates may omit the year. Copies pasted
one after another each bring their header (and day); text after the last entry's date line
is an entry cut off, and reported. An entry that lost its `• N authors` and date lines is
told from the next paper by shape (an abstract, then a title: one short line that does not
end a sentence): it is reported, and the next paper stays whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
# not page chrome; a line this long is an abstract, never a title.
_ABSTRACT_MIN = 200
_TITLE_MAX = 300
_SENTENCE_END = (".", "!", "?", ".)", '."')
_BOM_RE = re.compile("^\ufeff", re.MULTILINE)
# A page's counts are far below this; Python refuses to even read thousands of digits.
MAX_COUNT = 10**9

Lines = list[tuple[int, str]]  # (line number, text) of non-blank lines


class EntryError(ValueError):
    """A line of the right shape that says something impossible; the message says what."""


def parse_count(text: str, what: str) -> int:
    """`1,024` -> 1024. Raises EntryError past MAX_COUNT."""
    digits = text.replace(",", "")
    if len(digits) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
        shown = text if len(text) <= 20 else f"{text[:12]}... ({len(digits)} digits)"
        raise EntryError(f"{what} {shown} is not a plausible number (more than {MAX_COUNT:,})")
    return int(digits)


def parse_date(text: str, scraped_on: date) -> tuple[date, int] | None:
    """`Dec 14, 2023 1` -> (date, upvotes); None when the line is no date. A date without a
    year takes scraped_on's year, or the year before when that would lie after scraped_on.
    Raises EntryError for a count too large, or a year-less `Feb 29` in a year without one."""
    match = _DATE_RE.match(text)
    if not match:
        return None
    month = _month_number(match["month"])
    if month is None:
        return None
    day = int(match["day"])
    upvotes = parse_count(match["upvotes"], "the upvote count") if match["upvotes"] else 0
    year = int(match["year"]) if match["year"] else scraped_on.year
    if not match["year"] and (month, day) > (scraped_on.month, scraped_on.day):
        year -= 1
    try:
        return date(year, month, day), upvotes
    except ValueError:
        if match["year"] or (month, day) != (2, 29):
            return None  # no such day in any year: not a date line
    raise EntryError(
        f"{text.strip()!r} has no year, and {year} (from the capture day {scraped_on}) has no Feb 29:"
        " give the day the page was copied (--scraped-on, SCRAPED_ON=YYYY-MM-DD)"
    )


def _month_number(name: str) -> int | None:
    for fmt in ("%b", "%B"):
        try:
            return datetime.strptime(name.title(), fmt).month
        except ValueError:
            continue
    return None


@dataclass
class _Page:
    """The page header now in force: its day, or the error that its day line is."""

    day: date | None = None
    error: str | None = None
    skipped: int = 0  # papers skipped under an unreadable header

    def close(self, result: ParseResult) -> None:
        if self.error:
            result.errors.append(f"{self.error}; its {self.skipped} paper(s) are skipped")


def parse(text: str, filename: str, scraped_on: date) -> ParseResult:
    # Line ends of any system; byte-order marks where one copy was pasted after another.
    text = _BOM_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    result = ParseResult()
    chunk: Lines = []  # non-blank lines since the last entry
    page = _Page()
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
        first = not result.papers and not result.errors
        header, entry_lines = _split_header(chunk, filename, scraped_on, first)
        chunk = []
        if header is not None:
            page.close(result)
            page = header
            result.day = result.day or page.day
        lost, entry_lines = _split_lost_entries(entry_lines)
        result.errors.extend(f"{filename}:{at}: entry has no '• N authors' and date lines" for at in lost)
        paper_or_error = _make_paper(entry_lines, number, authors, trailer, filename, scraped_on)
        if isinstance(paper_or_error, str):
            result.errors.append(paper_or_error)
        elif page.error:
            page.skipped += 1
        else:
            paper_or_error.day = page.day
            result.papers.append((entry_lines[0][0], paper_or_error))
    page.close(result)
    first = not result.papers and not result.errors
    header, rest = _split_header(chunk, filename, scraped_on, first)
    if header is not None:
        header.close(result)
        result.day = result.day or header.day
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


def _read_trailer(lines: list[str], index: int) -> tuple[int, Lines]:
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


def _split_header(chunk: Lines, filename: str, scraped_on: date, first: bool) -> tuple[_Page | None, Lines]:
    """(the page a header in `chunk` starts, or None; the chunk without the header).

    Before the first entry, everything up to the day line (`Jan 7`) is header. Later, in a
    copy pasted after another, lines are a header only where page chrome comes before a day
    line. Page chrome right after the header is dropped, but never a paper's title: a
    paper may be called `Daily Papers`."""
    for position, (number, text) in enumerate(chunk):
        shape = _DATE_RE.match(text)  # a day line has no upvote count
        if not shape or shape["upvotes"] or not (first or any(_CHROME_RE.match(t) for _, t in chunk[:position])):
            continue
        try:
            parsed = parse_date(text, scraped_on)
        except EntryError as error:
            page = _Page(error=f"{filename}:{number}: page header: {error}")
        else:
            if not parsed:
                continue
            page = _Page(day=parsed[0])
        return page, _drop_leading_chrome(chunk[position + 1 :])
    return None, _drop_leading_chrome(chunk) if first else chunk


def _drop_leading_chrome(chunk: Lines) -> Lines:
    """Chrome lines at the start, while a title and an abstract remain after them."""
    start = 0
    while len(chunk) - start > 2 and _CHROME_RE.match(chunk[start][1]):
        start += 1
    return chunk[start:]


def _split_lost_entries(entry_lines: Lines) -> tuple[list[int], Lines]:
    """(first lines of entries that lost their authors and date lines; the last entry).

    An entry is a title and an abstract, with blank lines between them on the page. Another
    entry starts at a short single line that does not end a sentence (a title), right after a
    line that does or is long (an abstract)."""
    lost, start = [], 0
    for position in range(2, len(entry_lines) - 1):
        (line_before, before), (number, text) = entry_lines[position - 1], entry_lines[position]
        blank_around = line_before < number - 1 and entry_lines[position + 1][0] > number + 1
        ends_abstract = len(before) >= _ABSTRACT_MIN or before.endswith(_SENTENCE_END)
        if blank_around and ends_abstract and len(text) < _TITLE_MAX and not text.endswith(_SENTENCE_END):
            if position - start >= 2:
                lost.append(entry_lines[start][0])
                start = position
    return lost, entry_lines[start:]


def _make_paper(entry_lines: Lines, authors_line: int, authors, trailer: Lines, filename, scraped_on) -> Paper | str:
    where = f"{filename}:{entry_lines[0][0] if entry_lines else authors_line}"
    if len(entry_lines) < 2:
        what = "a title but no abstract" if entry_lines else "no title and no abstract"
        return f"{where}: entry has {what} before its '• N authors' line"
    date_line = next((item for item in trailer if not _SEPARATOR_RE.match(item[1])), None)
    if date_line is None:
        return f"{filename}:{authors_line}: entry has no date line after '• N authors'"
    try:
        author_count = parse_count(authors.group(1), "the author count")
    except EntryError as error:
        return f"{filename}:{authors_line}: {error}"
    try:
        parsed = parse_date(date_line[1], scraped_on)
    except EntryError as error:
        return f"{filename}:{date_line[0]}: {error}"
    if parsed is None:
        return f"{filename}:{date_line[0]}: cannot read the date line {date_line[1]!r} (expected like 'Dec 14, 2023 12')"
    published, upvotes = parsed
    title = flow_text(entry_lines[0][1])
    abstract = flow_text("\n\n".join(text for _, text in entry_lines[1:]))
    if not title or not abstract:
        return f"{where}: entry has no visible title or abstract"
    return Paper(
        title=title,
        abstract=abstract,
        published=published,
        author_count=author_count,
        upvotes=upvotes,
        source="textcopy",
        observed=scraped_on,
    )
