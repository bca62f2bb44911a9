"""`make retag`: the tag keys read alone (dailypapers/ingest/frontmatter.py), and a post read in
full when its tags change or its front matter is in a form the quick read does not follow."""

from datetime import date
from pathlib import Path

import pytest
from conftest import REPO

from dailypapers import posts
from dailypapers.ingest.frontmatter import read_fields
from dailypapers.ingest.retag import retag_all
from dailypapers.ingest.tagging import Taxonomy
from dailypapers.model import Paper
from dailypapers.store import PostStore

KEYS = frozenset({"title", "ai_keywords", "tags", "manual"})
PAPER = Paper(
    title="Agents & GUI navigation: a benchmark",
    abstract="We propose a benchmark of web agents.\n\nA second paragraph with *stars*.",
    day=date(2026, 1, 7),
    published=date(2026, 1, 6),
    upvotes=3,
    authors=[f"Author {n}" for n in range(40)],
    ai_keywords=["GUI agents", "key: with colon", "'quoted'"],
)


def test_the_tag_keys_of_a_written_post_read_alone_equal_a_full_parse():
    text = posts.render(posts.post_from_paper(PAPER, "agents", ["Agents"]))
    meta, body = read_fields(text, KEYS)
    full = posts.parse(text)
    assert meta == {key: full.meta[key] for key in KEYS if key in full.meta}
    assert body == full.body
    assert "paper_authors" not in meta


def test_hand_written_block_lists_comments_and_crlf_read_alone():
    text = (
        "\ufeff---\r\ntitle: A title\r\n# a comment\r\ntags:\r\n- Agents\r\n- Robotics\r\n"
        "date: 2026-01-07\r\nslug: a-title\r\nmanual: [tags]\r\n---\r\nThe abstract.\r\n"
    )
    meta, body = read_fields(text, KEYS)
    assert meta == {"title": "A title", "tags": ["Agents", "Robotics"], "manual": ["tags"]}
    assert body == "The abstract.\n"


@pytest.mark.parametrize(
    "front",
    [
        "title: &t A title\ntags: [*t]\n",  # an alias: the full parse refuses it
        "'title': A title\n",  # a quoted key
        "? title\n: A title\n",  # a complex key
        "title: [unclosed\n",  # not YAML
        "title: A title\ntags: {a: 1}\n",  # a value of the wrong kind
        "tags: [Agents]\n",  # no title: the full parse says it is missing
    ],
)
def test_a_front_matter_the_quick_read_cannot_be_sure_of_is_left_to_the_full_parse(front):
    assert read_fields(f"---\n{front}---\nbody\n", KEYS) is None


def test_retag_reads_in_full_and_reports_a_broken_post_whose_tags_change(tmp_path):
    taxonomy = Taxonomy.load(REPO / "tags.yaml")
    store = PostStore(tmp_path / "content")
    right = posts.post_from_paper(PAPER, "right", taxonomy.tags_for(PAPER))
    store.save(store.path_for(PAPER.day, "right"), right)
    stale = posts.post_from_paper(PAPER, "stale", ["Old Tag"])
    stale_path = store.path_for(PAPER.day, "stale")
    store.save(stale_path, stale)
    broken_path = store.path_for(PAPER.day, "broken")
    broken_path.write_text(posts.render(stale).replace("upvotes: 3", "upvotes: lots"), encoding="utf-8")
    before = broken_path.read_text(encoding="utf-8")

    summary = retag_all(tmp_path / "content", taxonomy)

    assert (summary.updated, summary.unchanged) == (1, 1)
    assert summary.changed_paths == [stale_path]
    assert posts.parse(stale_path.read_text(encoding="utf-8")).meta["tags"] == right.meta["tags"]
    assert summary.errors == [f"{broken_path}: upvotes: 'lots' is not a whole number"]
    assert broken_path.read_text(encoding="utf-8") == before  # never overwritten
    assert retag_all(tmp_path / "content", taxonomy).updated == 0


def test_retag_of_a_post_with_an_anchor_goes_through_the_full_parse_and_is_refused(tmp_path):
    store = PostStore(tmp_path / "content")
    path = store.path_for(PAPER.day, "anchored")
    path.parent.mkdir(parents=True)
    path.write_text("---\ntitle: &t Agents\ndate: 2026-01-07\nslug: anchored\ntags: [*t]\n---\nbody\n", encoding="utf-8")
    summary = retag_all(tmp_path / "content", Taxonomy.load(REPO / "tags.yaml"))
    assert summary.updated == 0
    assert len(summary.errors) == 1 and summary.errors[0].startswith(str(Path(path)))


def test_forked_workers_retag_as_one_process_does_in_the_files_order(tmp_path, monkeypatch):
    taxonomy = Taxonomy.load(REPO / "tags.yaml")
    trees = {}
    for processes in (1, 2):
        store = PostStore(tmp_path / str(processes))
        for number in range(12):
            stale = posts.post_from_paper(PAPER, f"p{number:02}", ["Old Tag"] if number % 3 else taxonomy.tags_for(PAPER))
            store.save(store.path_for(PAPER.day, f"p{number:02}"), stale)
        monkeypatch.setattr("dailypapers.ingest.retag.PARALLEL_MIN_POSTS", 5)
        summary = retag_all(tmp_path / str(processes), taxonomy, processes=processes)
        assert (summary.updated, summary.unchanged, summary.errors) == (8, 4, [])
        assert [path.name for path in summary.changed_paths] == [f"p{n:02}.md" for n in range(12) if n % 3]
        trees[processes] = sorted((p.name, p.read_text(encoding="utf-8")) for p in (tmp_path / str(processes)).rglob("*.md"))
    assert trees[1] == trees[2]
