"""Incremental builds: only what changed is rendered, and the result equals a clean build."""

import re
import shutil
import subprocess

from conftest import FIXTURES, PELICAN, Site

from dailypapers.site.cache import BuildCache
from dailypapers.site.plugin import CACHE_FILE


def tree(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def rendered_count(result) -> int:
    match = re.search(r"(\d+) files rendered", result.stdout + result.stderr)
    assert match, result.stdout + result.stderr
    return int(match.group(1))


def clean_build_of(site: Site, tmp_path) -> dict:
    clean = Site(tmp_path / "clean")
    shutil.rmtree(clean.content)
    shutil.copytree(site.content, clean.content)
    clean.build()
    return tree(clean.output)


def test_incremental_builds_equal_clean_builds(site, tmp_path):
    site.papers("import", "--scraped-on", "2026-01-08", str(FIXTURES / "hf-papers-textcopy-2026-01-07.txt"))
    site.papers("import", "--scraped-on", "2026-03-05", str(FIXTURES / "textcopy-tricky.txt"))
    first = site.build()
    total = rendered_count(first)
    assert total > 60

    assert rendered_count(site.build()) == 0  # nothing changed: nothing rendered

    old_paper = next(site.output.glob("2026/01/07/*/index.html"))
    old_mtime = old_paper.stat().st_mtime_ns
    site.papers("import", "--scraped-on", "2026-05-11", str(FIXTURES / "textcopy-2026-05-11.txt"))
    added = site.build()
    assert 0 < rendered_count(added) < total / 2
    assert old_paper.stat().st_mtime_ns == old_mtime  # an old day's paper page was left alone
    assert tree(site.output) == clean_build_of(site, tmp_path / "a")

    # A changed upvote count re-renders that paper's pages only; a removed post's page goes.
    post = next(site.content.glob("papers/2026/03/03/*.md"))
    post.write_text(post.read_text(encoding="utf-8").replace("upvotes: 7", "upvotes: 70"), encoding="utf-8")
    removed = next(site.content.glob("papers/2026/01/07/*.md"))
    removed.unlink()
    site.build()
    assert not (site.output / removed.relative_to(site.content / "papers").with_suffix("") / "index.html").exists()
    assert tree(site.output) == clean_build_of(site, tmp_path / "b")


def test_a_build_by_other_code_still_removes_the_pages_gone(site, tmp_path):
    """New code empties the build cache, but not its record of the files written: the pages
    an upgrade no longer makes (a post removed meanwhile, a page type gone) are removed."""
    site.papers("import", "--scraped-on", "2026-03-05", str(FIXTURES / "textcopy-tricky.txt"))
    site.build()
    BuildCache(site.root / "cache" / CACHE_FILE, version="the code of an older release").close()
    removed = next(site.content.glob("papers/2026/*/*/*.md"))
    removed.unlink()
    site.build()
    assert not (site.output / removed.relative_to(site.content / "papers").with_suffix("") / "index.html").exists()
    assert tree(site.output) == clean_build_of(site, tmp_path)


def test_a_removed_output_folder_is_built_again_in_full(site, tmp_path):
    site.papers("import", "--scraped-on", "2026-03-05", str(FIXTURES / "textcopy-tricky.txt"))
    site.build()
    before = tree(site.output)
    shutil.rmtree(site.output)
    rebuilt = site.build()
    assert rendered_count(rebuilt) == len([name for name in before if not name.startswith("theme/")])
    assert tree(site.output) == before


def test_a_damaged_cache_is_discarded_with_a_warning_and_the_build_equals_a_clean_one(site, tmp_path):
    site.papers("import", "--scraped-on", "2026-03-05", str(FIXTURES / "textcopy-tricky.txt"))
    site.build()
    before = tree(site.output)
    cache = site.root / "cache" / "dailypapers-build.sqlite"
    cache.write_bytes(cache.read_bytes()[:5000])  # truncated, as by a full disk or a killed copy
    result = site.build_allowing_warnings()
    assert "the build cache is damaged" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert tree(site.output) == before == clean_build_of(site, tmp_path)
    (site.output / "index.html").unlink()  # and a page deleted by hand comes back
    (site.output / "archives" / "index.html").write_text("edited by hand")
    site.build()
    assert tree(site.output) == before


def test_an_output_folder_that_cannot_be_written_is_one_line(site):
    site.papers("import", "--scraped-on", "2026-03-05", str(FIXTURES / "textcopy-tricky.txt"))
    site.output.mkdir()
    (site.output / "tags").write_text("a file where a folder should be")
    result = subprocess.run([str(PELICAN), "content", "-o", "output", "-s", "pelicanconf.py"], cwd=site.root,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: cannot write the site: {site.output}/tags/.index.html.tmp: Not a directory"
    ]
