"""The search index: Pagefind over the built site's paper pages, one bundle per year.

Pagefind has no incremental mode, and one run over 40,000 pages takes minutes and
gigabytes. A bundle per year (output/pagefind/2026/, ...) is made again only when that
year's paper pages changed, so the daily update indexes the current year alone; the
search page (theme/static/js/search.js) queries every year's bundle and merges the results.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..store import write_atomic
from .output import read_bytes_if_file, remove_tree, replace_folder

PAGEFIND = [sys.executable, "-m", "pagefind_bin"]
BUNDLES = "pagefind"  # under the site folder
PAPER_PAGES = "*/*/*/index.html"  # under a year's folder: MM/DD/slug/index.html
# What a bundle was made from (the year's pages, Pagefind's version and settings): the
# next run compares it to decide whether the year needs indexing again.
SOURCE_DIGEST = "dailypapers-source.txt"
_YEAR = re.compile(r"\d{4}")


class SearchIndexError(Exception):
    """Pagefind failed: the message names the year and says why."""


@dataclass
class IndexSummary:
    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def format(self) -> str:
        def years(names: list[str]) -> str:
            return ", ".join(names) if names else "none"

        return f"search index: made {years(self.indexed)}; unchanged {years(self.unchanged)}; removed {years(self.removed)}"


def paper_pages_by_year(site: Path) -> dict[str, list[Path]]:
    years = {}
    for folder in sorted(site.iterdir()):
        if folder.is_dir() and _YEAR.fullmatch(folder.name):
            pages = sorted(folder.glob(PAPER_PAGES))
            if pages:
                years[folder.name] = pages
    return years


def pagefind_version(pagefind: list[str]) -> str:
    result = subprocess.run([*pagefind, "--version"], capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError(f"cannot run Pagefind ({' '.join(pagefind)}): {result.stderr.strip()}")
    return result.stdout.strip()


def source_digest(pages: list[Path], site: Path, settings: bytes, version: str) -> str:
    """Of every page's path and bytes, Pagefind's version and its settings file."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(version.encode() + b"\0" + settings + b"\0")
    for page in pages:
        digest.update(page.relative_to(site).as_posix().encode() + b"\0" + page.read_bytes() + b"\0")
    return digest.hexdigest()


def index_site(site: Path, settings_file: Path, pagefind: list[str] = PAGEFIND, force: bool = False) -> IndexSummary:
    """Make the bundle of every year whose paper pages changed; drop those of years gone.

    Pagefind runs in settings_file's folder, where it reads its settings (pagefind.yml).
    A bundle is written next to the old one and swapped in whole: a failed run leaves the
    old bundle serving.
    """
    bundles = site / BUNDLES
    settings = read_bytes_if_file(settings_file) or b""
    version = pagefind_version(pagefind)
    summary = IndexSummary()
    years = paper_pages_by_year(site)
    for year, pages in sorted(years.items(), reverse=True):
        bundle = bundles / year
        made_from = source_digest(pages, site, settings, version)
        if not force and read_bytes_if_file(bundle / SOURCE_DIGEST) == made_from.encode():
            summary.unchanged.append(year)
            continue
        fresh = bundles / f".{year}.new"
        remove_tree(fresh)
        command = [*pagefind, "--site", str(site.resolve()), "--glob", f"{year}/{PAPER_PAGES}",
                   "--output-path", str(fresh.resolve()), "--quiet"]
        result = subprocess.run(command, cwd=settings_file.resolve().parent, capture_output=True, text=True)
        if result.returncode != 0:
            remove_tree(fresh)
            raise SearchIndexError(f"Pagefind failed on {year} (exit {result.returncode}): {result.stderr.strip()}")
        write_atomic(fresh / SOURCE_DIGEST, made_from)
        replace_folder(fresh, bundle)
        summary.indexed.append(year)
    if bundles.is_dir():
        # Years without pages, and the single bundle of earlier versions (pagefind/*.js).
        for entry in sorted(bundles.iterdir()):
            if entry.name not in years:
                remove_tree(entry)
                if _YEAR.fullmatch(entry.name):
                    summary.removed.append(entry.name)
    return summary
