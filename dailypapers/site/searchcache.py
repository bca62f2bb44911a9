"""The search records of each month, kept between runs in the build cache (cache/search-records/).

Reading 40,000 paper pages back (360 MB of HTML, parsed) took most of a run that indexed
nothing. A page is read again only when its size or modification time changed (the build
writes a page only when its bytes change); the others' records come from the month's file.
A month's digest is of its records, so a page rewritten for what no record holds (its
similar papers, its neighbours, where an author's name leads) leaves its bundle as it was.

A month's file is JSON lines: first a header (the record format, the digest of its records
and each page's path, size and modification time, in order), then a record a line. A run
that changes nothing reads the headers alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..store import write_atomic
from .searchrecords import PaperRecord, RecordError, read_record

RECORD_FORMAT = "records 6"  # a new record field or parsing rule: every month is read again
FOLDER = "search-records"  # under the build cache
_MONTH = re.compile(r"\d{4}/\d{2}")


class PageError(ValueError):
    """A paper page could not be read as a record: the message names the page."""


@dataclass
class MonthRecords:
    digest: str
    stats: list[list]  # of its pages (page_stats)
    file: Path | None  # the month's cache file, to read the records from
    records: list[PaperRecord] | None = None  # read now, or still in the file

    def all(self) -> list[PaperRecord]:
        if self.records is None:
            self.records = [PaperRecord(**json.loads(line)) for line in _record_lines(self.file)]
        return self.records


def _subfolders(folder: str) -> list[str]:
    with os.scandir(folder) as entries:
        return sorted(entry.name for entry in entries if entry.is_dir() and not entry.name.startswith("."))


def page_stats(site: Path) -> dict[str, list[list]]:
    """[path from the site root, size, mtime in ns] of each paper page (DD/slug/index.html
    under a month's folder), by month ("2024-05"), oldest first, pages by path. Plain
    strings and scandir: pathlib and glob took seconds for 40,000 pages."""
    months = {}
    root = str(site)
    for year in _subfolders(root):
        for month in _subfolders(f"{root}/{year}"):
            if not _MONTH.fullmatch(f"{year}/{month}"):
                continue
            stats = []
            for day in _subfolders(f"{root}/{year}/{month}"):
                for slug in _subfolders(f"{root}/{year}/{month}/{day}"):
                    path = f"{year}/{month}/{day}/{slug}/index.html"
                    try:
                        stat = os.stat(f"{root}/{path}")
                    except FileNotFoundError:
                        continue
                    stats.append([path, stat.st_size, stat.st_mtime_ns])
            if stats:
                months[f"{year}-{month}"] = stats
    return months


def read_page(site: Path, path: str) -> PaperRecord:
    """The record of the page at path (from the site root)."""
    try:
        return read_record((site / path).read_text(encoding="utf-8"), path.removesuffix("index.html"))
    except (RecordError, UnicodeDecodeError, ValueError) as error:
        raise PageError(f"{site / path}: {error}") from None


def _header(file: Path) -> dict | None:
    try:
        with open(file, encoding="utf-8") as lines:
            header = json.loads(next(lines))
    except (OSError, StopIteration, ValueError):
        return None
    return header if isinstance(header, dict) and header.get("format") == RECORD_FORMAT else None


def _record_lines(file: Path) -> list[str]:
    with open(file, encoding="utf-8") as lines:
        next(lines)
        return [line.rstrip("\n") for line in lines]


def month_records(site: Path, month: str, stats: list[list], cache: Path | None) -> MonthRecords:
    """The month's records and their digest: from the cache where its pages are unchanged.
    A kept record stays the line it was (a day changes a few pages in each month: their
    similar lists; writing every record out again took seconds)."""
    file = cache / FOLDER / f"{month}.jsonl" if cache else None
    header = _header(file) if file else None
    if header and header["stats"] == stats:
        return MonthRecords(header["digest"], stats, file)
    known = dict(zip(map(tuple, header["stats"]), _record_lines(file))) if header else {}
    fresh, lines = [], []
    for stat in stats:
        line = known.get(tuple(stat))
        if line is None:
            fresh.append(read_page(site, stat[0]))
            line = json.dumps(vars(fresh[-1]), ensure_ascii=False, separators=(",", ":"))
        lines.append(line)
    digest = hashlib.blake2b("\n".join(lines).encode(), digest_size=16).hexdigest()
    if not file:
        return MonthRecords(digest, stats, None, fresh)  # every record read just now
    header = {"format": RECORD_FORMAT, "digest": digest, "stats": stats}
    write_atomic(file, "\n".join([json.dumps(header, separators=(",", ":")), *lines]) + "\n")
    return MonthRecords(digest, stats, file)
