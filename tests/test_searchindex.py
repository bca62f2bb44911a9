"""The search index command (`papers index`, the last step of `make html`): a Pagefind bundle
per year, made again only for the years whose paper pages changed."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from conftest import Site

from dailypapers import posts

pytestmark = [pytest.mark.slow]

TEXT_COPY = ("hf-papers-textcopy-2026-01-07.txt", "2026-01-08")
API_2024 = ("hfapi_2024-05-28.json", "2024-05-29")
API_2026 = ("hfapi_2026-05-11.json", "2026-05-12")


def bundle_files(site: Site, year: str) -> dict[str, int]:
    """Every file of a year's bundle with its modification time: equal when it was not remade."""
    folder = site.output / "pagefind" / year
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


def page_count(site: Site, year: str) -> int:
    entry = json.loads((site.output / "pagefind" / year / "pagefind-entry.json").read_text(encoding="utf-8"))
    return entry["languages"]["en"]["page_count"]


@pytest.fixture
def indexed(tmp_path) -> Site:
    site = Site(tmp_path / "site")
    site.import_fixtures(TEXT_COPY, API_2024)
    site.build()
    assert site.papers("index").stdout.strip() == "search index: made 2026, 2024; unchanged none; removed none"
    return site


def test_each_year_gets_a_bundle_of_its_paper_pages(indexed):
    assert sorted(p.name for p in (indexed.output / "pagefind").iterdir()) == ["2024", "2026"]
    for year in ("2024", "2026"):
        posts_of_year = list((indexed.content / "papers" / year).rglob("*.md"))
        assert page_count(indexed, year) == len(posts_of_year) > 0


def test_nothing_changed_nothing_indexed(indexed):
    before = {year: bundle_files(indexed, year) for year in ("2024", "2026")}
    indexed.build()  # writes no page: every key is the same
    assert indexed.papers("index").stdout.strip() == "search index: made none; unchanged 2026, 2024; removed none"
    assert {year: bundle_files(indexed, year) for year in ("2024", "2026")} == before


def test_a_new_day_reindexes_its_year_only(indexed):
    old_2024, old_2026 = bundle_files(indexed, "2024"), page_count(indexed, "2026")
    indexed.import_fixtures(API_2026)
    indexed.build()
    assert indexed.papers("index").stdout.strip() == "search index: made 2026; unchanged 2024; removed none"
    assert bundle_files(indexed, "2024") == old_2024
    added = len(list((indexed.content / "papers/2026/05").rglob("*.md")))
    assert page_count(indexed, "2026") == old_2026 + added


def test_an_edited_page_reindexes_its_year(indexed):
    path = next((indexed.content / "papers" / "2024").rglob("*.md"))
    post = posts.parse(path.read_text(encoding="utf-8"))
    post.meta["title"] = "Zyxwvut: a title no other paper has"
    path.write_text(posts.render(post), encoding="utf-8")
    indexed.build()
    assert indexed.papers("index").stdout.strip() == "search index: made 2024; unchanged 2026; removed none"
    fragments = (indexed.output / "pagefind/2024/fragment").glob("*.pf_fragment")
    assert any(b"Zyxwvut" in gzip.decompress(f.read_bytes()) for f in fragments)


def test_a_year_without_papers_loses_its_bundle_and_old_layouts_go(indexed):
    shutil.rmtree(indexed.content / "papers" / "2024")
    (indexed.output / "pagefind" / "pagefind.js").write_text("// a single bundle of an earlier version\n")
    indexed.build()
    assert indexed.papers("index").stdout.strip() == "search index: made none; unchanged 2026; removed 2024"
    assert sorted(p.name for p in (indexed.output / "pagefind").iterdir()) == ["2026"]


def test_other_pagefind_settings_reindex_everything(indexed):
    settings = indexed.root / "pagefind.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + '  - ".keywords"\n', encoding="utf-8")
    assert indexed.papers("index").stdout.strip() == "search index: made 2026, 2024; unchanged none; removed none"


def test_a_failing_pagefind_names_the_year_and_keeps_the_old_bundle(indexed):
    before = bundle_files(indexed, "2026")
    (indexed.root / "pagefind.yml").write_text("exclude_selectors: [unclosed\n", encoding="utf-8")
    result = indexed.papers("index", check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error: Pagefind failed on 2026 (exit ")
    assert bundle_files(indexed, "2026") == before
    assert not list((indexed.output / "pagefind").glob(".*"))  # no half-made bundle left behind


def test_no_built_site_is_a_clear_error(tmp_path: Path):
    site = Site(tmp_path / "site")
    result = site.papers("index", check=False)
    assert result.returncode == 2 and "output: no built site here (run `make html` first)" in result.stderr
