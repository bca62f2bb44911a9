"""The search index: Pagefind bundles made from the built paper pages.

Each paper page is read back as a record (searchrecords.py; kept between runs, and read
again only when the page changed: searchcache.py) and written as a small document for
Pagefind to crawl: it indexes what search needs (title, id and authors
weighted above the abstract) with its filters and sort keys, and no page markup.

Pagefind has no incremental mode, its time and memory grow with the words it indexes (about
7 ms and 150 KiB a real paper, 220 KiB a synthetic one of the benchmark), and every bundle
adds requests to a first search. So the newest month, where new days go, is a bundle alone
(a day re-indexes a month's papers: seconds), and the months before it are cut into few
bundles: runs of whole months, oldest first, of at most BUNDLE_PAPERS papers each (memory),
the last run's months by fours until it closes (see bundle_months: a month's end then seldom
re-indexes). A bundle is named by its first month (pagefind/2024-05/). The cut is stable: a
new day changes only the newest month's bundle. The search page (theme/static/js/search.js)
loads Pagefind's code once and merges the bundles with mergeIndex.

pagefind/facets.json lists the bundles, newest first, and the search form's choices with
their counts (tags, years, organizations, papers with code), summed over the bundles.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..store import write_atomic
from .output import read_bytes_if_file, remove_tree, replace_folder, write_if_changed
from .searchcache import RECORD_FORMAT, MonthRecords, PageError, month_records, page_stats, read_page
from .searchrecords import PaperRecord, record_html, surname
from .searchroutes import KEYS, ROUTES, write_keys, write_routes

PAGEFIND = [sys.executable, "-m", "pagefind_bin"]
BUNDLES = "pagefind"  # under the site folder
BUNDLE_PAPERS = 4_500  # Pagefind needs 150-200 KiB a paper (real, benchmark): 0.65-0.9 GiB for as many
OPEN_RUN_MONTHS = 4  # the last run's months are bundled by so many: more bundles for a first search, fewer remade
FACETS = "facets.json"  # in each bundle, and summed in pagefind/
TITLE_WORDS = "title-words.txt"  # in pagefind/
_TITLE_WORD = re.compile(r"[^\W\d_]{4,}")
# Surnames first author of this many papers or more are listed in facets.json: the search page
# looks their papers up by the first author's mark (searchrecords.FIRST_AUTHOR_MARK). A rarer
# surname is rare in the index too, and found without.
COMMON_SURNAME = 4
# What a bundle was made from (its months' records, Pagefind's version and settings, the
# record format): the next run compares it to decide whether the bundle needs indexing again.
SOURCE_DIGEST = "dailypapers-source.txt"
_BUNDLE = re.compile(r"\d{4}-\d{2}")
# Pagefind writes its own search interfaces too; the search page uses none of them.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js", "wasm.unknown.pagefind")


class SearchIndexError(Exception):
    """Pagefind failed, or a page could not be read: the message names the bundle or page."""


@dataclass
class IndexSummary:
    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def format(self) -> str:
        def bundles(names: list[str]) -> str:
            return ", ".join(names) if names else "none"

        return (f"search index: made {bundles(self.indexed)}; unchanged {bundles(self.unchanged)}; "
                f"removed {bundles(self.removed)}")


def bundle_months(site: Path, limit: int = BUNDLE_PAPERS) -> dict[str, dict[str, list[list]]]:
    """Each bundle's months and their pages (searchcache.page_stats), by name. The newest
    month is a bundle alone, where new days go, so that a day re-indexes one month's papers.
    The months before it are cut, oldest first, into runs of whole months of at most `limit`
    papers (a month with more is a run alone); a run is closed when the next month would take
    it past the limit, and a closed run is one bundle. The last run is still open: its months
    are bundled by OPEN_RUN_MONTHS, and the months of an unfinished group are bundles alone.
    A month that ends is then a bundle as it was while newest, so most months' ends re-index
    nothing; one in OPEN_RUN_MONTHS makes a group, and the run's close (some months later)
    makes it one bundle. The cut depends on the months alone, oldest first: it stays as
    days are added."""
    months = page_stats(site)
    older, newest = list(months)[:-1], list(months)[-1:]
    runs: list[list[str]] = []
    papers = 0
    for month in older:
        if not runs or papers + len(months[month]) > limit:
            runs.append([])
            papers = 0
        runs[-1].append(month)
        papers += len(months[month])
    groups = runs[:-1]  # closed
    if runs:
        open_run = runs[-1]
        whole = len(open_run) - len(open_run) % OPEN_RUN_MONTHS
        groups += [open_run[i:i + OPEN_RUN_MONTHS] for i in range(0, whole, OPEN_RUN_MONTHS)]
        groups += [[month] for month in open_run[whole:]]
    groups += [newest] if newest else []
    return {group[0]: {month: months[month] for month in group} for group in groups}


def pagefind_version(pagefind: list[str]) -> str:
    result = subprocess.run([*pagefind, "--version"], capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError(f"cannot run Pagefind ({' '.join(pagefind)}): {result.stderr.strip()}")
    return result.stdout.strip()


def source_digest(months: dict[str, MonthRecords], settings: bytes, version: str) -> str:
    """Of the bundle's months' records (searchcache.py: a page rewritten for what no record
    holds, such as its similar papers, changes nothing), Pagefind's version and its settings."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{version}\0{RECORD_FORMAT}\0".encode() + settings + b"\0")
    for month, records in months.items():
        digest.update(f"{month}\0{records.digest}\0".encode())
    return digest.hexdigest()


def site_records(site: Path) -> list[PaperRecord]:
    """Every paper page's record, read from the pages themselves (no cache), oldest month first."""
    try:
        return [read_page(site, stat[0]) for stats in page_stats(site).values() for stat in stats]
    except PageError as error:
        raise SearchIndexError(str(error)) from None


def facets(records: list[PaperRecord]) -> dict:
    return {
        "papers": len(records),
        "tag": Counter(tag for record in records for tag in record.tags),
        "year": Counter(record.year for record in records),
        "organization": Counter(record.organization for record in records if record.organization),
        "code": sum(record.has_code for record in records),
        "title_words": Counter(word for record in records for word in _TITLE_WORD.findall(record.title.lower())),
        "first_authors": Counter(surname(record.authors[0]) for record in records if record.authors),
    }


def merged_facets(bundles: Path, names: list[str]) -> tuple[bytes, bytes]:
    """The bundles' facets summed, choices by paper count, most first (years newest first);
    and the titles' words, most used first, one a line: the search page offers the nearest
    when a word finds nothing."""
    total = {"papers": 0, "code": 0, "tag": Counter(), "year": Counter(), "organization": Counter(),
             "title_words": Counter(), "first_authors": Counter()}
    papers = {}
    for name in names:
        bundle = json.loads((bundles / name / FACETS).read_text(encoding="utf-8"))
        papers[name] = bundle["papers"]
        for key, value in bundle.items():
            total[key] += Counter(value) if isinstance(value, dict) else value
    words = "\n".join(word for word, _ in sorted(total.pop("title_words").items(), key=lambda item: (-item[1], item[0])))
    for key in ("tag", "organization"):
        total[key] = sorted(total[key].items(), key=lambda item: (-item[1], item[0].casefold()))
    total["year"] = sorted(total["year"].items(), reverse=True)
    total["first_authors"] = sorted(name for name, count in total["first_authors"].items() if name and count >= COMMON_SURNAME)
    total["bundles"] = sorted(names, reverse=True)
    total["bundle_papers"] = [papers[name] for name in total["bundles"]]  # the search page weighs routes by them
    return json.dumps(total, ensure_ascii=False, separators=(",", ":")).encode(), words.encode()


def index_bundle(name: str, records: list[PaperRecord], work: Path, fresh: Path, pagefind: list[str],
                 settings_file: Path) -> None:
    """Pagefind crawls the bundle's records, written as small pages under work/."""
    for record in records:
        document = work / record.url / "index.html"
        document.parent.mkdir(parents=True, exist_ok=True)
        document.write_text(record_html(record, name), encoding="utf-8")
    command = [*pagefind, "--site", str(work.resolve()), "--output-path", str(fresh.resolve()), "--quiet"]
    result = subprocess.run(command, cwd=settings_file.resolve().parent, capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError(f"Pagefind failed (exit {result.returncode}): {result.stderr.strip()}")
    for name in UNUSED:
        (fresh / name).unlink(missing_ok=True)


def _records(by_month: dict[str, MonthRecords]) -> list[PaperRecord]:
    return [record for month in by_month.values() for record in month.all()]


def index_site(site: Path, settings_file: Path, pagefind: list[str] = PAGEFIND, force: bool = False,
               limit: int = BUNDLE_PAPERS, cache: Path | None = None) -> IndexSummary:
    """Make every bundle whose paper pages' records changed; drop those no longer cut.

    Pagefind runs in settings_file's folder, where it reads its settings (pagefind.yml).
    The records are kept in the cache folder between runs (searchcache.py; without one,
    every page is read). A bundle is written next to the old one and swapped in whole:
    a failed run leaves the old bundle serving."""
    folder = site / BUNDLES
    settings = read_bytes_if_file(settings_file) or b""
    version = pagefind_version(pagefind)
    summary = IndexSummary()
    bundles = bundle_months(site, limit)
    rekeyed = False
    for name, months in sorted(bundles.items(), reverse=True):
        bundle = folder / name
        try:
            by_month = {month: month_records(site, month, pages, cache) for month, pages in months.items()}
        except PageError as error:
            raise SearchIndexError(str(error)) from None
        made_from = source_digest(by_month, settings, version)
        if not force and read_bytes_if_file(bundle / SOURCE_DIGEST) == made_from.encode():
            if not (bundle / KEYS).is_file():  # indexed before routes were
                write_keys(bundle, _records(by_month))
                rekeyed = True
            summary.unchanged.append(name)
            continue
        records = _records(by_month)
        fresh, work = folder / f".{name}.new", folder / f".{name}.records"
        for leftover in (fresh, work):
            remove_tree(leftover)
        try:
            index_bundle(name, records, work, fresh, pagefind, settings_file)
        except SearchIndexError as error:
            remove_tree(fresh)
            raise SearchIndexError(f"{name}: {error}") from None
        finally:
            remove_tree(work)
        write_atomic(fresh / FACETS, json.dumps(facets(records), ensure_ascii=False, separators=(",", ":")))
        write_keys(fresh, records)
        write_atomic(fresh / SOURCE_DIGEST, made_from)
        replace_folder(fresh, bundle)
        summary.indexed.append(name)
    if folder.is_dir():
        # Bundles cut differently before, and the files of earlier layouts (pagefind/2024/).
        for entry in sorted(folder.iterdir()):
            if entry.name not in bundles and entry.name not in (FACETS, TITLE_WORDS, ROUTES):
                remove_tree(entry)
                if _BUNDLE.fullmatch(entry.name):
                    summary.removed.append(entry.name)
    if bundles:
        merged, words = merged_facets(folder, sorted(bundles))
        write_if_changed(folder / FACETS, merged)
        write_if_changed(folder / TITLE_WORDS, words)
        if summary.indexed or summary.removed or rekeyed or not (folder / ROUTES).is_dir():
            write_routes(folder, sorted(bundles))  # seconds: not when no bundle changed
    else:
        remove_tree(folder)
    return summary
