"""The search index command (`papers index`, the last step of `make html`): Pagefind bundles of
whole months, each made from small records of the paper pages, and made again only when its
pages changed."""

from __future__ import annotations

import gzip
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import Site

from dailypapers import posts
from dailypapers.site.search import COMMON_SURNAME, site_records
from dailypapers.site.searchrecords import read_record, record_html, surname
from dailypapers.site.searchroutes import ROUTES, shard_of, title_key, words

pytestmark = [pytest.mark.slow]

TEXT_COPY = ("hf-papers-textcopy-2026-01-07.txt", "2026-01-08")  # 46 papers, January 2026
API_2024 = ("hfapi_2024-05-28.json", "2024-05-29")  # 15 papers, May 2024
API_2026 = ("hfapi_2026-05-11.json", "2026-05-12")  # 41 papers, May 2026
# Fewer papers than May 2024 and January 2026 together: each month is a bundle of its own.
SMALL = ("--bundle-papers", "50")


def bundle_files(site: Site, name: str) -> dict[str, int]:
    """Every file of a bundle with its modification time: equal when it was not remade."""
    folder = site.output / "pagefind" / name
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


def page_count(site: Site, name: str) -> int:
    entry = json.loads((site.output / "pagefind" / name / "pagefind-entry.json").read_text(encoding="utf-8"))
    return entry["languages"]["en"]["page_count"]


def fragments(site: Site, name: str) -> list[dict]:
    """What Pagefind stored of each paper: gzip of a marker, then JSON."""
    found = []
    for path in (site.output / "pagefind" / name / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        found.append(json.loads(data[data.index(b"{"):]))
    return found


def all_records(site: Site) -> list:
    return site_records(site.output)


def index(site: Site, *args: str) -> str:
    return site.papers("index", *args).stdout.strip()


@pytest.fixture
def indexed(tmp_path) -> Site:
    site = Site(tmp_path / "site")
    site.import_fixtures(TEXT_COPY, API_2024)
    site.build()
    assert index(site, *SMALL) == "search index: made 2026-01, 2024-05; unchanged none; removed none"
    return site


def test_the_newest_month_is_a_bundle_alone_and_older_months_share_one(indexed):
    assert index(indexed) == "search index: made none; unchanged 2026-01, 2024-05; removed none"
    indexed.import_fixtures(API_2026)  # May 2026: January, ended, stays the bundle it was
    indexed.build()
    assert index(indexed) == "search index: made 2026-05; unchanged 2026-01, 2024-05; removed none"
    papers = list((indexed.content / "papers").rglob("*.md"))
    assert page_count(indexed, "2024-05") == 15 and page_count(indexed, "2026-05") == 41 and len(papers) == 102
    facets = json.loads((indexed.output / "pagefind/facets.json").read_text(encoding="utf-8"))
    assert facets["bundles"] == ["2026-05", "2026-01", "2024-05"] and facets["papers"] == 102
    assert facets["year"] == [["2026", 87], ["2024", 15]]
    first_authors = Counter(surname(record.authors[0]) for record in all_records(indexed) if record.authors)
    assert facets["first_authors"] == sorted(name for name, count in first_authors.items() if count >= COMMON_SURNAME)
    words = (indexed.output / "pagefind/title-words.txt").read_text(encoding="utf-8").split("\n")
    assert "grokking" in words and words[0] in ("language", "models", "model")  # most used first
    tags = {}
    for path in papers:
        for tag in posts.parse(path.read_text(encoding="utf-8")).meta["tags"]:
            tags[tag] = tags.get(tag, 0) + 1
    assert dict(facets["tag"]) == tags
    counts = [count for _, count in facets["tag"]]
    assert counts == sorted(counts, reverse=True)


def test_the_open_runs_months_are_bundled_by_fours(indexed):
    """Older months share a bundle once four of them gather (fewer bundles for a first search);
    until then each stays the bundle it was, so a month's end seldom re-indexes anything."""
    indexed.import_fixtures(API_2026, ("hfapi_2024-07-09.json", "2024-07-10"), ("hfapi_2025-01-10.json", "2025-01-11"))
    indexed.build()
    assert index(indexed) == "search index: made 2026-05, 2024-05; unchanged none; removed 2026-01"
    papers = list((indexed.content / "papers").rglob("*.md"))
    assert page_count(indexed, "2024-05") == len(papers) - page_count(indexed, "2026-05")
    facets = json.loads((indexed.output / "pagefind/facets.json").read_text(encoding="utf-8"))
    assert facets["bundles"] == ["2026-05", "2024-05"] and facets["papers"] == len(papers)
    # A run closes when the next month would take it past the limit (January 2026's 46 papers
    # after the 33 of 2024-05, 2024-07 and 2025-01): a closed run is one bundle, the open one's month alone.
    assert index(indexed, "--bundle-papers", "50") == "search index: made 2026-01, 2024-05; unchanged 2026-05; removed none"
    assert page_count(indexed, "2026-01") == 46 and page_count(indexed, "2024-05") == len(papers) - 46 - 41


def test_nothing_changed_nothing_indexed(indexed):
    before = {name: bundle_files(indexed, name) for name in ("2024-05", "2026-01")}
    indexed.build()  # writes no page: every key is the same
    assert index(indexed, *SMALL) == "search index: made none; unchanged 2026-01, 2024-05; removed none"
    assert {name: bundle_files(indexed, name) for name in ("2024-05", "2026-01")} == before


def test_a_new_month_makes_its_bundle_only(indexed):
    old = {name: bundle_files(indexed, name) for name in ("2024-05", "2026-01")}
    indexed.import_fixtures(API_2026)
    indexed.build()
    assert index(indexed, *SMALL) == "search index: made 2026-05; unchanged 2026-01, 2024-05; removed none"
    assert {name: bundle_files(indexed, name) for name in ("2024-05", "2026-01")} == old
    assert page_count(indexed, "2026-05") == len(list((indexed.content / "papers/2026/05").rglob("*.md")))
    facets = json.loads((indexed.output / "pagefind/facets.json").read_text(encoding="utf-8"))
    assert facets["bundles"] == ["2026-05", "2026-01", "2024-05"] and facets["papers"] == 102
    assert facets["code"] == 25 and sum(count for _, count in facets["organization"]) == 25


def test_an_edited_page_reindexes_its_bundle(indexed):
    path = next((indexed.content / "papers" / "2024").rglob("*.md"))
    post = posts.parse(path.read_text(encoding="utf-8"))
    post.meta["title"] = "Zyxwvut: a title no other paper has"
    path.write_text(posts.render(post), encoding="utf-8")
    indexed.build()
    assert index(indexed, *SMALL) == "search index: made 2024-05; unchanged 2026-01; removed none"
    assert any(f["meta"]["title"] == "Zyxwvut: a title no other paper has" for f in fragments(indexed, "2024-05"))


def test_a_page_rewritten_outside_its_record_is_read_again_but_not_indexed(indexed):
    """The records are kept in cache/search-records/; a page whose size or time changed is
    read again, and its bundle made again only if its record changed."""
    kept = indexed.root / "cache" / "search-records" / "2024-05.jsonl"
    assert len(kept.read_text(encoding="utf-8").splitlines()) == 1 + 15  # a header, a record a paper
    page = next((indexed.output / "2024").glob("*/*/*/index.html"))
    page.write_text(page.read_text(encoding="utf-8") + "<!-- similar papers changed -->\n", encoding="utf-8")
    assert index(indexed, *SMALL) == "search index: made none; unchanged 2026-01, 2024-05; removed none"
    header = json.loads(kept.read_text(encoding="utf-8").splitlines()[0])
    assert [page.relative_to(indexed.output).as_posix(), page.stat().st_size, page.stat().st_mtime_ns] in header["stats"]
    page.write_text(page.read_text(encoding="utf-8").replace("<h1>", "<h1>Zyxwvut "), encoding="utf-8")
    assert index(indexed, *SMALL) == "search index: made 2024-05; unchanged 2026-01; removed none"
    shutil.rmtree(indexed.root / "cache" / "search-records")  # gone: every page is read again
    assert index(indexed, *SMALL) == "search index: made none; unchanged 2026-01, 2024-05; removed none"
    assert kept.is_file()


def test_a_record_is_the_paper_not_the_page(indexed):
    """The abstract first (the excerpt is cut from it), then title, id and authors; the page's
    furniture (headings, facts, BibTeX) never."""
    page = next((indexed.output / "2024").glob("*/*/*/index.html"))
    record = read_record(page.read_text(encoding="utf-8"), "2024/05/28/x/")
    stored = next(f for f in fragments(indexed, "2024-05") if f["meta"]["title"] == record.title)
    content = stored["content"]
    assert content.startswith(record.abstract[:60])
    assert record.arxiv_id in content and record.authors[0] in content
    for furniture in ("Abstract", "Upvotes", "Daily Papers", "arXiv abstract", "@misc", "archivePrefix"):
        assert furniture not in content, furniture
    assert stored["meta"]["day"] == record.day and stored["meta"]["arxiv"] == record.arxiv_id
    assert int(stored["meta"]["abstract_words"]) == len(record.abstract.split())
    assert stored["filters"]["year"] == ["2024"] and stored["filters"]["tag"] == record.tags
    last_name = record.authors[0].split()[-1].lower()
    assert last_name in stored["filters"][f"author_{last_name[0]}"]
    assert f" {last_name}firstauthor" in content  # the first author's mark
    html = record_html(record, "2024-05")
    assert "data-pagefind-weight=10>" + record.title.replace("&", "&amp;") in html


def test_a_page_without_its_search_hooks_is_named(indexed):
    page = next((indexed.output / "2024").glob("*/*/*/index.html"))
    page.write_text(page.read_text(encoding="utf-8").replace("data-pagefind-sort=\"upvotes:", "data-x=\""))
    result = indexed.papers("index", *SMALL, "--all", check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {page.relative_to(indexed.root)}: no data-pagefind-sort=\"upvotes:…\""


def test_months_gone_lose_their_bundle_and_old_layouts_go(indexed):
    shutil.rmtree(indexed.content / "papers" / "2024")
    (indexed.output / "pagefind" / "2024").mkdir()  # a bundle per year, as earlier versions made
    (indexed.output / "pagefind" / "pagefind.js").write_text("// a single bundle of an earlier version\n")
    indexed.build()
    assert index(indexed, *SMALL) == "search index: made none; unchanged 2026-01; removed 2024-05"
    assert sorted(p.name for p in (indexed.output / "pagefind").iterdir()) == ["2026-01", "facets.json", "routes", "title-words.txt"]
    assert read_route(indexed, "grokking") == "1"  # bit 0 is now January's


def read_route(site: Site, word: str, key: str | None = None) -> str | None:
    """The bundle bits (base 36) pagefind/routes/ gives a key, filed with word."""
    path = site.output / "pagefind" / ROUTES / f"{shard_of(word)}.txt"
    lines = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()] if path.is_file() else []
    return next((bits for key_, bits, *_ in lines if key_ == (key or word)), None)


def test_routes_tell_which_bundles_hold_a_word_title_id_and_author(indexed):
    """Bit 0 is the oldest bundle (2024-05), bit 1 the next (2026-01)."""
    records = all_records(indexed)
    old = next(r for r in records if r.url.startswith("2024/05") and r.authors and r.arxiv_id)
    new = next(r for r in records if r.url.startswith("2026/01"))
    assert read_route(indexed, "grokking") == "2" and read_route(indexed, "language") == "3"
    assert read_route(indexed, "qwxzzy") is None
    for bits, record in (("1", old), ("2", new)):
        key, longest = title_key(record.title)
        assert read_route(indexed, longest, key) == bits
        if not record.authors:
            continue
        first = "".join(words(surname(record.authors[0])))
        assert read_route(indexed, first + "firstauthor") in (bits, "3")
        word = max(words(record.title), key=len)
        assert read_route(indexed, word, f"{word}>{first}") in (bits, "3")
    assert read_route(indexed, old.arxiv_id) == "1"
    # A rare word in both bundles has its papers counted in each, oldest first.
    held = [Counter(word for r in records if r.url.startswith(month) for word in set(words(r.abstract + " " + r.title)))
            for month in ("2024/05", "2026/01")]
    word = next(word for word in sorted(held[0]) if len(word) > 5 and held[1][word] and held[0][word] + held[1][word] < 10)
    route = (indexed.output / "pagefind" / ROUTES / f"{shard_of(word)}.txt").read_text(encoding="utf-8")
    assert f"\n{word}\t3\t{held[0][word]},{held[1][word]}\n" in route
    # A new month: its bundle comes last (May 2026 is bit 2); January stays the bundle it was.
    indexed.import_fixtures(API_2026)
    indexed.build()
    index(indexed)
    assert read_route(indexed, "grokking") == "2" and read_route(indexed, "language") == "7"


def test_other_pagefind_settings_reindex_everything(indexed):
    settings = indexed.root / "pagefind.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "exclude_selectors: [.nothing]\n", encoding="utf-8")
    assert index(indexed, *SMALL) == "search index: made 2026-01, 2024-05; unchanged none; removed none"


def test_a_failing_pagefind_names_the_bundle_and_keeps_the_old_one(indexed):
    before = bundle_files(indexed, "2026-01")
    (indexed.root / "pagefind.yml").write_text("exclude_selectors: [unclosed\n", encoding="utf-8")
    result = indexed.papers("index", *SMALL, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error: 2026-01: Pagefind failed (exit ")
    assert bundle_files(indexed, "2026-01") == before
    assert not list((indexed.output / "pagefind").glob(".*"))  # no half-made bundle left behind


def test_no_built_site_is_a_clear_error(tmp_path: Path):
    site = Site(tmp_path / "site")
    result = site.papers("index", check=False)
    assert result.returncode == 2 and "output: no built site here (run `make html` first)" in result.stderr
