"""The import command on real files: idempotence, updates, slugs, bad input."""

import re

from conftest import FIXTURES

from dailypapers import posts

SAMPLE = FIXTURES / "hf-papers-textcopy-2026-01-07.txt"
TRICKY = FIXTURES / "textcopy-tricky.txt"


def test_sample_imports_46_posts_and_a_second_import_changes_nothing(site):
    first = site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE))
    assert "46 new" in first.stdout
    files = site.post_files()
    assert len(files) == 46
    assert all("/papers/2026/01/07/" in str(f) for f in files)
    before = site.snapshot()
    second = site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE))
    assert "0 new, 0 updated, 46 unchanged" in second.stdout
    assert site.snapshot() == before


def test_newer_copy_updates_upvotes_in_place(site, tmp_path):
    site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE))
    newer = tmp_path / "newer.txt"
    newer.write_text(SAMPLE.read_text(encoding="utf-8").replace("Dec 14, 2023 1\n", "Dec 14, 2023 99\n"), encoding="utf-8")
    result = site.papers("import", "--scraped-on", "2026-01-09", str(newer))
    assert "0 new, 1 updated, 45 unchanged" in result.stdout
    assert len(site.post_files()) == 46
    post = posts.parse(next(f for f in site.post_files() if f.name.startswith("helping-or-herding")).read_text())
    assert post.meta["upvotes"] == 99
    # An older copy imported afterwards does not roll the count back.
    site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE))
    post = posts.parse(next(f for f in site.post_files() if f.name.startswith("helping-or-herding")).read_text())
    assert post.meta["upvotes"] == 99


def test_slugs_are_unique_and_usable_for_any_title(site):
    site.papers("import", "--scraped-on", "2026-03-05", str(TRICKY))
    slugs = [f.stem for f in site.post_files()]
    assert len(slugs) == len(set(slugs)) == 5
    assert "same-title-twice" in slugs and "same-title-twice-2" in slugs
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)
    chinese = next(f for f in site.post_files() if "shen-du" in f.stem)
    assert posts.parse(chinese.read_text()).meta["title"] == "深度学习的新方法"
    # Re-importing keeps each paper on its own slug.
    site.papers("import", "--scraped-on", "2026-03-05", str(TRICKY))
    assert [f.stem for f in site.post_files()] == slugs


def test_bad_entries_are_skipped_with_file_and_line_and_a_nonzero_exit(site, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        "Jan 7\n\nGood Paper\n\nAn abstract.\n\n  • 2 authors\n·\nJan 3, 2026 4\n\n"
        "Bad Date Paper\n\nAnother abstract.\n\n  • 3 authors\n·\nJanuary 45, 2026\n",
        encoding="utf-8",
    )
    result = site.papers("import", str(page), check=False)
    assert result.returncode == 1
    assert f"{page}:17: cannot read the date line" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(site.post_files()) == 1


def test_unreadable_files_get_one_clear_line(site, tmp_path):
    cases = {
        "binary.txt": b"\x00\x01\x02PNG\x00",
        "empty.txt": b"",
        "sjis.txt": "Jan 7\n\n深層学習の新しい方法\n".encode("shift_jis"),  # read as Windows-1252: garbled
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    result = site.papers("import", *(str(tmp_path / n) for n in cases), str(SAMPLE), check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"{tmp_path / 'binary.txt'}: binary file (NUL bytes), not a text copy or JSON",
        f"{tmp_path / 'empty.txt'}: file is empty",
        f"{tmp_path / 'sjis.txt'}:3: not valid UTF-8 (byte 0x90), nor Windows-1252 or Latin-1 text: save it as UTF-8",
    ]
    assert len(site.post_files()) == 46  # the good file still imported
    missing = site.papers("import", str(tmp_path / "missing.txt"), check=False)
    assert missing.returncode == 1 and "missing.txt: cannot read" in missing.stderr


def test_dry_run_writes_nothing(site):
    result = site.papers("import", "--dry-run", str(SAMPLE))
    assert "46 new" in result.stdout and "would write" in result.stdout
    assert site.post_files() == []


def test_a_corrupt_existing_post_is_reported_and_never_overwritten(site):
    site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE))
    victim = site.post_files()[0]
    victim.write_text("not a post\n", encoding="utf-8")
    result = site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE), check=False)
    assert result.returncode == 1
    assert f"{victim.relative_to(site.root)}: does not start with a '---' front matter line" in result.stderr
    assert victim.read_text(encoding="utf-8") == "not a post\n"
    # Its paper could not be matched, so it went to a new post beside the broken file.
    assert len(site.post_files()) == 47


def test_retag_changes_only_tags_keeps_hand_set_ones_and_is_idempotent(site):
    site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE))
    files = site.post_files()
    manual, extra, plain = files[0], files[1], files[2]
    for path, edit in [
        (manual, lambda m: m.update(tags=["My Own Tag"], manual=["tags"])),
        (extra, lambda m: m.update(extra_tags=["Hand Picked"])),
        (plain, lambda m: m.update(tags=["Stale Tag"])),
    ]:
        post = posts.parse(path.read_text(encoding="utf-8"))
        edit(post.meta)
        path.write_text(posts.render(post), encoding="utf-8")
    before = site.snapshot()
    result = site.papers("retag")
    assert "0 new, 2 updated, 44 unchanged" in result.stdout
    after = site.snapshot()
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {str(p.relative_to(site.content)) for p in (extra, plain)}
    assert posts.parse(manual.read_text(encoding="utf-8")).meta["tags"] == ["My Own Tag"]
    extra_post = posts.parse(extra.read_text(encoding="utf-8"))
    assert extra_post.meta["tags"][0] == "Hand Picked"
    plain_post = posts.parse(plain.read_text(encoding="utf-8"))
    assert "Stale Tag" not in plain_post.meta["tags"]
    for name in changed:  # nothing but the tags moved
        old, new = posts.parse(before[name].decode()), posts.parse(after[name].decode())
        old.meta.pop("tags"), new.meta.pop("tags")
        assert (old.meta, old.body) == (new.meta, new.body)
    assert "0 updated" in site.papers("retag").stdout
