"""Similar papers (dailypapers/site/similar.py) on the sample's real posts: what is found, its
order, and that an incremental update equals a full recompute."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import REPO

from dailypapers.posts import summary, unescape_markdown
from dailypapers.site import similar
from dailypapers.site.archive import PaperEntry, TagRef
from dailypapers.site.cache import BuildCache
from dailypapers.store import read_post

SAMPLE_POSTS = sorted((REPO / "content" / "papers").rglob("*.md"))


def entry(path: str, title: str, abstract: str, day: date, digest: str | None = None, keywords=(), tags=()) -> PaperEntry:
    meta = {"ai_keywords": list(keywords)}
    post = summary({"date": day, "slug": Path(path).stem, "title": title, "upvotes": 1})
    refs = [TagRef(slug, slug) for slug in tags]
    return PaperEntry(path, digest or f"{title}|{abstract}", post, lambda _path: (meta, "", abstract), refs)


@pytest.fixture(scope="module")
def sample() -> list[PaperEntry]:
    """The 46 sample posts, 8 a day."""
    papers = []
    for i, path in enumerate(SAMPLE_POSTS):
        post, _ = read_post(path)
        day = date(2026, 1, 1 + i // 8)
        papers.append(entry(f"p/{i:03}.md", str(post.meta["title"]), unescape_markdown(post.body.strip()), day))
    return papers


def lists(papers, cache_dir: Path) -> dict[str, tuple[str, ...]]:
    cache = BuildCache(cache_dir / "cache.sqlite", version="test")
    try:
        return {url: tuple(view.url for view in views.papers) for url, views in similar.similar_lists(papers, cache).items()}
    finally:
        cache.close()


def test_a_near_duplicate_comes_first_and_a_paper_never_lists_itself(sample, tmp_path):
    original = sample[7]
    duplicate = entry(
        "p/999.md", original.title.replace("a", "the", 1), original.abstract + " We release the code.", original.day
    )
    found = lists([*sample, duplicate], tmp_path)
    assert found[original.url][0] == duplicate.url
    assert found[duplicate.url][0] == original.url
    for url, listed in found.items():
        assert url not in listed
        assert 0 < len(listed) <= similar.TOP and len(set(listed)) == len(listed)


def test_ties_go_to_the_earlier_path_and_runs_agree(sample, tmp_path):
    original = sample[3]
    twins = [dataclasses.replace(original, source_path=f"p/twin-{n}.md", post=original.post._replace(slug=f"twin-{n}"))
             for n in (2, 1)]
    found = lists([*sample, *twins], tmp_path / "a")
    # Both twins score the same against the original: the earlier path comes first.
    assert found[original.url][:2] == (twins[1].url, twins[0].url)
    assert found == lists(list(reversed([*sample, *twins])), tmp_path / "b")


def test_keywords_count(tmp_path):
    names = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
    papers = [entry(f"p/{i}.md", f"Paper {i}", f"Text about subject {n}.", date(2026, 1, 1)) for i, n in enumerate(names)]
    papers += [entry("p/x.md", "Another", "Nothing in common.", date(2026, 1, 1), keywords=["subject delta"])]
    assert lists(papers, tmp_path)[papers[-1].url][0] == papers[3].url


def test_tags_count_and_a_retag_changes_the_list(tmp_path):
    names = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
    papers = [entry(f"p/{i}.md", f"Paper {i}", f"Text about subject {n}.", date(2026, 1, 1), tags=[f"topic-{n}"])
              for i, n in enumerate(names)]
    tagged = entry("p/x.md", "Another", "Nothing in common.", date(2026, 1, 1), tags=["topic-gamma"])
    assert lists([*papers, tagged], tmp_path)[tagged.url][0] == papers[2].url
    # Retagged by a taxonomy change (the post file as it was): its list follows the new tag.
    retagged = dataclasses.replace(tagged, tags=[TagRef("topic-zeta", "topic-zeta")])
    assert lists([*papers, retagged], tmp_path)[tagged.url][0] == papers[5].url


def test_the_idf_moves_only_when_the_archive_doubles():
    assert [similar.reference_size(n) for n in (0, 1, 2, 3, 46, 64, 9877, 40000)] == [0, 1, 2, 2, 32, 64, 8192, 32768]


def test_an_incremental_update_equals_a_full_recompute(sample, tmp_path, monkeypatch):
    older, newest_day = sample[:40], sample[40:]
    cache_dir = tmp_path / "incremental"
    before = lists(older, cache_dir)
    # The next build: a day arrives, and so do copies of old papers on the day after; a
    # paper outside the IDF's reference (the oldest 32) is edited, one removed, one only
    # has its upvotes changed (a new file digest, the same text).
    edited, removed, recounted = older[35], older[36], older[37]
    now = [p for p in older if p not in (edited, removed, recounted)] + newest_day
    now.append(entry(edited.source_path, edited.title, edited.abstract + " Mamba state space model.", edited.day))
    now.append(dataclasses.replace(recounted, digest="new upvotes"))
    now += [dataclasses.replace(p, source_path=f"q/{p.source_path}", post=p.post._replace(day=date(2026, 1, 8)))
            for p in older[:4]]
    with monkeypatch.context() as patch:  # the IDF holds: no full recompute
        patch.setattr(similar, "_full", None)
        after = lists(now, cache_dir)
    assert after == lists(now, tmp_path / "full")
    unchanged = sum(before[url] == after.get(url) for url in before)
    assert 0 < unchanged < len(before)


def test_a_paper_without_shared_words_has_no_list(tmp_path):
    papers = [entry("p/a.md", "Alpha", "Zebra.", date(2026, 1, 1)), entry("p/b.md", "Beta", "Quokka.", date(2026, 1, 1))]
    assert lists(papers, tmp_path) == {papers[0].url: (), papers[1].url: ()}


def test_every_paper_page_lists_similar_papers_that_exist(site):
    from bs4 import BeautifulSoup

    site.papers("import", "--scraped-on", "2026-01-08", str(REPO / "tests" / "fixtures" / "hf-papers-textcopy-2026-01-07.txt"))
    site.build()
    pages = sorted(site.output.glob("2026/01/07/*/index.html"))
    assert len(pages) == 46
    for path in pages:
        here = path.parent.relative_to(site.output).as_posix() + "/"
        section = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").select_one("section.similar")
        links = [a["href"] for a in section.select("ol > li > a")]
        assert 0 < len(links) <= similar.TOP and len(set(links)) == len(links), here
        assert here not in links
        for href in links:
            assert (site.output / href / "index.html").is_file(), (here, href)
        assert all("upvote" in small.text for small in section.select("li small"))
