"""Trust in the importer: every bad input is named in one line and costs itself at most;
the same files in any order write the same posts; nothing in the post tree hangs an import."""

from __future__ import annotations

import codecs
import copy
import json
import os
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers import posts
from dailypapers.ingest import hfapi
from dailypapers.ingest.importer import import_files
from dailypapers.ingest.inputs import InputError, read_input_text
from dailypapers.ingest.tagging import Taxonomy
from dailypapers.store import read_post

TAXONOMY = Taxonomy.load(REPO / "tags.yaml", 6)
MAY_COPY = FIXTURES / "textcopy-2026-05-11.txt"
MAY_COPY_IDS = {"2512.18181", "2605.08063", "2605.06139"}  # its papers' ids in hfapi_2026-05-11.json
ONE_PAPER = json.loads((FIXTURES / "hfapi_2025-01-21.json").read_text(encoding="utf-8"))[0]


def item(arxiv_id: str, title: str, **paper_fields) -> dict:
    """A Daily Papers item made from the one-paper day, with its own id and title."""
    made = copy.deepcopy(ONE_PAPER)
    made["paper"].update({"id": arxiv_id, "title": title, **paper_fields})
    return made


def snapshot(content: Path) -> dict[str, bytes]:
    return {str(p.relative_to(content)): p.read_bytes() for p in sorted(content.rglob("*.md"))}


# ---------------------------------------------------------------------------------------------
# Reading files: encodings and stray control characters


@pytest.mark.parametrize(
    "encode, notice",
    [
        (lambda text: text.encode("cp1252"), "not UTF-8: read as Windows-1252 (Latin-1)"),
        (lambda text: text.encode("utf-16"), "not UTF-8: read as UTF-16 (byte-order mark)"),
        (lambda text: text.encode("utf-16-le"), "not UTF-8: read as UTF-16-LE (no byte-order mark)"),
        (lambda text: codecs.BOM_UTF8 + text.encode(), None),
    ],
    ids=["cp1252", "utf-16", "utf-16 without bom", "utf-8 bom"],
)
def test_plain_text_in_another_encoding_is_read_with_a_notice_naming_it(tmp_path, encode, notice):
    text = MAY_COPY.read_text(encoding="utf-8").replace("Flow-OPD", "“Flow-OPD” café")
    source = tmp_path / "copy.txt"
    source.write_bytes(encode(text))
    read = read_input_text(source)
    assert read.text == text
    assert read.notices == ([f"{source}: {notice}"] if notice else [])


def test_latin_1_reads_as_itself(tmp_path):
    text = "Jan 7\n\nCafé Crème: Señor Ñandú's Paper\n\nAn abstract, ¼ of it in « quotes ».\n"
    source = tmp_path / "latin1.txt"
    source.write_bytes(text.encode("latin-1"))
    assert read_input_text(source).text == text


def test_text_in_an_encoding_that_cannot_be_told_is_refused_not_garbled(tmp_path):
    source = tmp_path / "gbk.txt"
    source.write_bytes(("五月十一日\n\n" + "深度学习的新方法" * 20 + "\n").encode("gbk"))
    with pytest.raises(InputError, match=r"gbk.txt:1: not valid UTF-8 \(byte 0xce\), nor Windows-1252 or Latin-1 text: save it as UTF-8"):
        read_input_text(source)


def test_one_stray_control_byte_is_removed_with_a_notice_and_costs_nothing(tmp_path):
    text = MAY_COPY.read_text(encoding="utf-8")
    damaged = text.replace("Flow-OPD", "Flow-\x00OPD", 1).replace("  • 11 authors", "  • 1\x011 authors", 1)
    source = tmp_path / "copy.txt"
    source.write_text(damaged, encoding="utf-8")
    read = read_input_text(source)
    assert read.text == text
    line = text[: text.index("Flow-OPD")].count("\n") + 1
    assert read.notices == [f"{source}:{line}: removed 2 control character(s) (U+0000 first)"]


def test_a_file_of_mostly_control_bytes_is_binary(tmp_path):
    source = tmp_path / "image.png"
    source.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(InputError, match=r"image.png: binary file \(NUL bytes\), not a text copy or JSON"):
        read_input_text(source)


# ---------------------------------------------------------------------------------------------
# API JSON: one bad value costs its entry


BAD_VALUES = {  # name: (paper fields, the start of the entry's line after "entry 2 (id): ")
    "year 1": ({"publishedAt": "0001-01-01T00:00:00+01:00"}, "`paper.publishedAt` is the string '0001-01-01T00:00:00+01:00', not a date from 1991 to 2100"),
    "lone surrogate id": ({"id": "2501.\ud800"}, None),
    "negative upvotes": ({"upvotes": -5}, "`paper.upvotes` is -5, expected a count from 0 to 1,000,000,000"),
    "wrong type": ({"authors": {"name": "x"}}, "`paper.authors` is an object, expected a list"),
    "huge number": ({"upvotes": "HUGE"}, "`paper.upvotes` is a 5,000-digit number, expected a whole number"),
}


def test_each_bad_api_value_costs_its_entry_only(tmp_path):
    files = []
    for number, (name, (fields, _)) in enumerate(BAD_VALUES.items()):
        items = [item(f"2601.{number}0001", f"Good {name}"), item(f"2601.{number}0002", f"Bad {name}", **fields)]
        text = json.dumps(items).replace('"HUGE"', "9" * 5000)
        files.append(tmp_path / f"day{number}_2026-01-0{number + 1}.json")
        files[-1].write_text(text, encoding="utf-8")
    # A lone surrogate in the title is dropped from the text, like any invisible character.
    (tmp_path / "title_2026-01-09.json").write_text(json.dumps([item("2601.90001", "Surrogate \ud800 title")]), encoding="utf-8")
    files.append(tmp_path / "title_2026-01-09.json")
    summary = import_files(files, tmp_path / "content", TAXONOMY, date(2026, 1, 10))
    stored = {posts.parse(p.read_text(encoding="utf-8")).meta["title"] for p in (tmp_path / "content").rglob("*.md")}
    assert stored == {f"Good {name}" for name in BAD_VALUES} | {"Surrogate title"}
    for path, (name, (fields, message)) in zip(files, BAD_VALUES.items()):
        label = fields.get("id", f"2601.{list(BAD_VALUES).index(name)}0002")
        [line] = [error for error in summary.errors if error.startswith(f"{path}: entry 2")]
        assert line == f"{path}: entry 2 ({label}): {message or '`paper.id` is the string ' + repr(label) + ', not an arXiv id'}"
    assert len(summary.errors) == len(BAD_VALUES)


@settings(max_examples=60, deadline=None)
@given(
    field=st.sampled_from(["id", "title", "summary", "upvotes", "publishedAt", "authors", "githubRepo", "ai_keywords", "projectPage"]),
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=6,
    ),
)
def test_any_value_in_any_field_is_a_paper_or_one_entry_error(field, value):
    entry = item("2601.00001", "A title")
    entry["paper"][field] = value
    result = hfapi.parse(json.dumps(entry), "x.json", date(2026, 1, 5), date(2026, 1, 6))
    assert len(result.papers) + len(result.errors) == 1
    for _, paper in result.papers:
        posts.render(posts.post_from_paper(paper, "a-title", []))  # writable as a post


def test_a_key_given_twice_keeps_the_last_value_and_says_so(tmp_path):
    source = tmp_path / "dup_2026-01-05.json"
    text = json.dumps([item("2601.00001", "First title")]).replace('"title": "First title"', '"title": "First title", "title": "Last title"')
    source.write_text(text, encoding="utf-8")
    summary = import_files([source], tmp_path / "content", TAXONOMY, date(2026, 1, 6))
    assert summary.errors == [] and summary.new == 1
    assert summary.notices == [f"{source}: entry 1 (2601.00001): `title` given twice; the last value counts"]
    [post] = (tmp_path / "content").rglob("*.md")
    assert post.stem == "last-title"


# ---------------------------------------------------------------------------------------------
# Any order, the same posts


def order_fixture_files(folder: Path) -> list[Path]:
    """Days where the order could matter: a paper listed on two days with different counts, a
    text copy and the API day of the same papers, titles that slugify alike, a title that
    differs from another only by case and a zero-width space."""
    folder.mkdir(exist_ok=True)
    twice_early = [item("2601.00001", "Listed Twice", upvotes=2), item("2601.00002", "Same Slug")]
    twice_late = [item("2601.00001", "Listed Twice", upvotes=40), item("2601.00003", "Same slug!")]
    files = {
        "early_2026-01-10.json": json.dumps(twice_early),
        "late_2026-01-16.json": json.dumps(twice_late),
        "variant.txt": "Jan 16\n\nlisted\u200b TWICE\n\nA copy of the abstract.\n\n  • 3 authors\n·\nJan 9, 2026 41\n",
    }
    may_day = json.loads((FIXTURES / "hfapi_2026-05-11.json").read_text(encoding="utf-8"))
    files["api_2026-05-11.json"] = json.dumps([i for i in may_day if i["paper"]["id"] in MAY_COPY_IDS])
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files] + [MAY_COPY, FIXTURES / "textcopy-tricky.txt"]


@pytest.fixture(scope="module")
def in_order(tmp_path_factory):
    """The order files, and what importing them in their own order wrote."""
    folder = tmp_path_factory.mktemp("order")
    files = order_fixture_files(folder / "in")
    summary = import_files(files, folder / "content", TAXONOMY, date(2026, 5, 12))
    assert summary.errors == [] and summary.new == 11
    return files, snapshot(folder / "content"), sorted(n.replace(str(folder / "content"), "CONTENT") for n in summary.notices)


@settings(max_examples=8, deadline=None)
@given(order=st.permutations(range(6)))
def test_the_same_files_in_any_order_write_the_same_posts(in_order, order):
    files, posts_written, notices = in_order
    with tempfile.TemporaryDirectory() as content:
        summary = import_files([files[n] for n in order], Path(content), TAXONOMY, date(2026, 5, 12))
        assert snapshot(Path(content)) == posts_written
        assert sorted(n.replace(content, "CONTENT") for n in summary.notices) == notices


def test_a_paper_listed_on_two_days_is_filed_under_the_first_with_the_newest_counts(tmp_path):
    files = order_fixture_files(tmp_path / "in")
    summary = import_files(files[:3], tmp_path / "content", TAXONOMY, date(2026, 1, 20))
    [post] = (tmp_path / "content/papers/2026/01/10").glob("listed-twice.md")
    meta = posts.parse(post.read_text(encoding="utf-8")).meta
    assert meta["upvotes"] == 41  # the text copy's count: the later listing wins ties of observation
    assert meta["title"] == "Listed Twice"  # the API's title: the richer source
    assert sorted(summary.notices) == [
        f"{files[1]}: entry 1 (2601.00001): listed on 2026-01-16 too; stays filed under 2026-01-10 ({post})",
        f"{files[2]}:3: {'listed' + chr(0x200B) + ' TWICE'!r} is taken for {post} ('Listed Twice'): titles that differ only in case,"
        " Unicode form or invisible characters are one paper",
        f"{files[2]}:3: listed on 2026-01-16 too; stays filed under 2026-01-10 ({post})",
    ]
    assert [p.stem for p in sorted((tmp_path / "content").rglob("same-slug*.md"))] == ["same-slug", "same-slug-2"]


# ---------------------------------------------------------------------------------------------
# The post tree: odd entries are reported and skipped, never hang or block an import


def test_a_fifo_a_dangling_link_and_a_folder_named_md_are_reported_and_skipped(tmp_path):
    day = tmp_path / "content/papers/2026/01/07"
    day.mkdir(parents=True)
    os.mkfifo(day / "pipe.md")
    (day / "dangling.md").symlink_to(tmp_path / "nowhere")
    (day / "a-folder.md").mkdir()
    copy_ = tmp_path / "copy.txt"
    copy_.write_text("Jan 7\n\nA Folder\n\nIts abstract.\n\n  • 1 author\n·\nJan 3, 2026 4\n", encoding="utf-8")
    result = subprocess.run(
        [str(REPO / ".venv/bin/python"), str(REPO / "scripts/papers.py"), "--config", "/dev/null", "import", "--scraped-on", "2026-01-08", str(copy_)],
        cwd=REPO, capture_output=True, text=True, timeout=60, env={**os.environ, "DAILYPAPERS_CONTENT_DIR": str(tmp_path / "content")},
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert sorted(result.stderr.splitlines()) == [
        f"{day / 'a-folder.md'}: a folder, not a post file: skipped",
        f"{day / 'dangling.md'}: cannot read: No such file or directory: skipped",
        f"{day / 'pipe.md'}: a named pipe (FIFO), not a post file: skipped",
    ]
    # The paper whose slug a folder holds went beside it, and nothing was written over.
    assert (day / "a-folder-2.md").is_file() and (day / "a-folder.md").is_dir() and (day / "dangling.md").is_symlink()


def test_make_import_takes_a_file_name_with_spaces_and_parentheses(tmp_path):
    source = tmp_path / "my page (1).txt"
    source.write_bytes(MAY_COPY.read_bytes())
    env = {**os.environ, "DAILYPAPERS_CONTENT_DIR": str(tmp_path / "content")}
    result = subprocess.run(
        ["make", "-s", "-o", "install", "import", f"SRC={source}", "SCRAPED_ON=2026-05-11"],
        cwd=REPO, capture_output=True, text=True, env=env,
    )
    assert (result.returncode, result.stderr) == (0, "") and "3 new" in result.stdout


def test_reading_a_fifo_in_a_posts_place_fails_at_once(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")  # nobody writes to it: a plain open would wait for ever
    with pytest.raises(posts.PostError, match=r"pipe.md: a named pipe \(FIFO\), not a post file: skipped$"):
        read_post(tmp_path / "pipe.md")
