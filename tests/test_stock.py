"""Our generator against stock Pelican 4.12 (its ArticlesGenerator, `simple` theme and
scripts/stock_pelicanconf.py) on the same posts: the same paper pages, and each day, month,
year and tag groups the same papers. The pages look different (ours show more); what they
hold must not."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from bs4 import BeautifulSoup
import pytest
from conftest import PELICAN, REPO, SAMPLE_DAYS, Site

pytestmark = [pytest.mark.slow]

PAPER = re.compile(r"/?(\d{4}/\d{2}/\d{2}/[^/]+/)")
DAY = re.compile(r"/?(\d{4}/\d{2}/\d{2}/)")
MONTH = re.compile(r"/?(\d{4}/\d{2}/)")


def hrefs(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    return [a["href"] for a in soup.find_all("a", href=True)]


def matching(page: Path, pattern: re.Pattern) -> set[str]:
    """The links of a page that match pattern, from the site root (stock links start with
    '/', ours from <base>)."""
    return {match.group(1) for href in hrefs(page) if (match := pattern.fullmatch(href))}


def paper_pages(root: Path) -> set[str]:
    return {f"{p.parent.relative_to(root).as_posix()}/" for p in root.glob("[0-9]*/*/*/*/index.html")}


def our_papers_of(output: Path, period: str) -> set[str]:
    """A day page lists its papers; a month page links its days, a year page its months."""
    page = output / period / "index.html"
    depth = period.count("/")
    if depth == 3:
        return matching(page, PAPER)
    inner = MONTH if depth == 1 else DAY
    return set().union(*(our_papers_of(output, part) for part in matching(page, inner) if part.startswith(period)))


def heading_name(page: Path, tag: str, prefix: str = "") -> str:
    text = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").find(tag).get_text(strip=True)
    # Python-Markdown's meta extension reads `tags: [A, B]` as "[A" and "B]".
    return text.removeprefix(prefix).strip("[]")


def tag_members(pages, heading: str, prefix: str = "") -> dict[str, set[str]]:
    members: dict[str, set[str]] = {}
    for page in pages:
        members.setdefault(heading_name(page, heading, prefix), set()).update(matching(page, PAPER))
    return members


def test_days_months_years_and_tags_hold_what_stock_pelican_gives_them(tmp_path):
    site = Site(tmp_path / "site")
    site.import_fixtures(*SAMPLE_DAYS)
    site.build()
    shutil.copy(REPO / "scripts" / "stock_pelicanconf.py", site.root / "stock_pelicanconf.py")
    subprocess.run([str(PELICAN), "content", "-o", "stock", "-s", "stock_pelicanconf.py"], cwd=site.root,
                   check=True, capture_output=True)
    ours, stock = site.output, site.root / "stock"

    assert paper_pages(ours) == paper_pages(stock) and len(paper_pages(ours)) == len(site.post_files())

    periods = [p.parent.relative_to(stock).as_posix() + "/" for p in stock.glob("[0-9]*/**/index.html")]
    periods = [p for p in periods if not PAPER.fullmatch(p)]
    assert {p.count("/") for p in periods} == {1, 2, 3}  # years, months and days
    for period in periods:
        assert our_papers_of(ours, period) == matching(stock / period / "index.html", PAPER), period

    stock_tags = tag_members((stock / "tag").glob("*.html"), "h2", "Articles tagged with ")
    del stock_tags[""]  # `tags: []` (a paper without tags) is the tag "[]" to the meta extension
    tag_pages = [*ours.glob("tags/*/index.html"), *ours.glob("tags/*/page/*/index.html")]
    moved = [page for page in tag_pages if b"http-equiv=refresh" in page.read_bytes()]  # renamed tags' old pages
    our_tags = tag_members([page for page in tag_pages if page not in moved], "h1")
    assert our_tags == stock_tags and len(our_tags) > 10
