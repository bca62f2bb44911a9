"""Nothing lost: a killed import leaves every post whole, two imports never run at once,
hand edits survive re-imports, a poorer source never erases what a richer one knew, and
`--dry-run` shows what would change without writing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from conftest import FIXTURES, PELICAN, REPO, Site

from dailypapers import posts
from dailypapers.store import LOCK_NAME, PostStore

API_DAY = FIXTURES / "hfapi_2026-05-11.json"
MAY_COPY = FIXTURES / "textcopy-2026-05-11.txt"  # 3 of API_DAY's papers, as a text copy
SAMPLE = FIXTURES / "hf-papers-textcopy-2026-01-07.txt"


def synthetic_api(count: int, upvotes: int, every: int = 1) -> list[dict]:
    """`count` papers in the API's daily shape, ten days of them; every `every`-th only."""
    items = []
    for number in range(0, count, every):
        day = date(2026, 2, 1 + number % 10)
        items.append({
            "paper": {
                "id": f"2602.{number:05d}",
                "title": f"Synthetic paper {number}: sparse attention for long contexts",
                "summary": f"Paper {number} studies attention. " * 12,
                "authors": [{"name": f"Author {number}-{k}"} for k in range(3)],
                "publishedAt": f"{day.isoformat()}T00:00:00.000Z",
                "submittedOnDailyAt": f"{day.isoformat()}T08:00:00.000Z",
                "upvotes": upvotes,
            },
            "numComments": upvotes,
        })
    return items


def content_files(site: Site) -> dict[str, bytes]:
    """Every file under content/papers/, temp files included."""
    root = site.content / "papers"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def post_count(site: Site) -> int:
    return sum(1 for _ in (site.content / "papers").rglob("[!.]*.md"))


@pytest.mark.slow
def test_a_killed_import_leaves_every_post_old_or_new(site, tmp_path):
    old_source, new_source = tmp_path / "old.json", tmp_path / "new.json"
    old_source.write_text(json.dumps(synthetic_api(10_000, upvotes=1, every=10)), encoding="utf-8")
    new_source.write_text(json.dumps(synthetic_api(10_000, upvotes=2)), encoding="utf-8")
    site.papers("import", "--scraped-on", "2026-02-20", str(old_source))
    old = content_files(site)
    assert len(old) == 1_000

    # The newer import updates those 1,000 and adds 9,000; it is killed part-way.
    args = [sys.executable, str(REPO / "scripts" / "papers.py"), "import", "--scraped-on", "2026-02-21", str(new_source)]
    process = subprocess.Popen(args, cwd=site.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while post_count(site) < 3_500 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "the import ended before it could be killed"
    killed = content_files(site)

    posts_left = {name for name in killed if name.endswith(".md") and not os.path.basename(name).startswith(".")}
    temporary = set(killed) - posts_left
    assert len(old) < len(posts_left) < 10_000
    # A temp file of a write in progress may stay behind; it is hidden from the build.
    assert all(os.path.basename(name).startswith(".") and name.endswith(".tmp") for name in temporary), temporary
    scanned = {os.path.relpath(path, site.content / "papers") for path, _, _ in PostStore(site.content).scan()}
    assert scanned == posts_left
    for name in posts_left:
        posts.parse(killed[name].decode("utf-8"))  # whole: never a partial file
    assert set(old) <= posts_left  # nothing that was there is gone

    # The lock died with the process: the same import, run again, completes it, and clears
    # what the killed one left (a planted leftover too: the kill may miss a write).
    leftover = (site.content / "papers" / sorted(posts_left)[0]).with_name(".planted.md.x1y2z3.tmp")
    leftover.write_text("a partial post", encoding="utf-8")
    finished = site.papers("import", "--scraped-on", "2026-02-21", str(new_source))
    assert "0 skipped" in finished.stdout
    final = content_files(site)
    assert sum(1 for name in final if not os.path.basename(name).startswith(".")) == 10_000
    assert not [name for name in final if name.endswith(".tmp")]
    for name in posts_left:
        assert killed[name] in (old.get(name), final[name]), f"{name} is neither the old post nor the new"


def test_a_second_import_fails_at_once_while_one_runs(site):
    with PostStore(site.content).lock():
        started = time.monotonic()
        result = site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE), check=False)
        assert time.monotonic() - started < 30
        retag = site.papers("retag", check=False)
    assert result.returncode == 2
    assert result.stderr == f"error: {site.content.name}/{LOCK_NAME}: another import is running\n"
    assert "0 new" not in result.stdout and site.post_files() == []
    assert (retag.returncode, retag.stderr) == (2, result.stderr)
    # Released: the import runs.
    assert "46 new" in site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE)).stdout


def edit_post(path, edit) -> None:
    post = posts.parse(path.read_text(encoding="utf-8"))
    edit(post)
    path.write_text(posts.render(post), encoding="utf-8")


def test_hand_edited_fields_survive_reimports(site, tmp_path):
    site.papers("import", "--scraped-on", "2026-05-12", str(API_DAY))
    path = next(p for p in site.post_files() if p.name.startswith("mace-dance"))

    def edit(post):
        post.meta.update(title="MACE-Dance, as I call it", tags=["My Tag"], note="keep me")
        post.meta["manual"] = ["title", "tags", "abstract"]
        post.body = "My own *summary* of it.\n"

    edit_post(path, edit)
    newer = json.loads(API_DAY.read_text(encoding="utf-8"))
    mace = next(item for item in newer if item["paper"]["id"] == "2512.18181")
    mace["paper"].update(title="MACE-Dance: A New Title", summary="A new abstract.", upvotes=500)
    (tmp_path / "hfapi_2026-05-11.json").write_text(json.dumps(newer), encoding="utf-8")
    result = site.papers("import", "--scraped-on", "2026-05-20", str(tmp_path / "hfapi_2026-05-11.json"))
    assert "1 updated" in result.stdout
    post = posts.parse(path.read_text(encoding="utf-8"))
    assert post.meta["title"] == "MACE-Dance, as I call it"
    assert post.meta["tags"] == ["My Tag"] and post.meta["note"] == "keep me"
    assert post.body == "My own *summary* of it.\n"
    assert post.meta["upvotes"] == 500  # not hand-edited: the newer count comes in
    assert post.meta["manual"] == ["title", "tags", "abstract"]


def test_a_poorer_source_never_erases_what_a_richer_one_knew(site, tmp_path):
    site.papers("import", "--scraped-on", "2026-05-12", str(API_DAY))
    before = {p.name: posts.parse(p.read_text(encoding="utf-8")).meta for p in site.post_files()}
    # A newer text copy (no arXiv id, authors, links...), then a newer API response whose
    # optional fields are all missing or null.
    site.papers("import", "--scraped-on", "2026-05-13", str(MAY_COPY))
    bare = json.loads(API_DAY.read_text(encoding="utf-8"))
    for item in bare:
        paper = item["paper"]
        item.clear()
        item["paper"] = {"id": paper["id"], "title": paper["title"], "summary": "", "ai_summary": None}
    (tmp_path / "hfapi_2026-05-11.json").write_text(json.dumps(bare), encoding="utf-8")
    site.papers("import", "--scraped-on", "2026-05-14", str(tmp_path / "hfapi_2026-05-11.json"))
    after = {p.name: posts.parse(p.read_text(encoding="utf-8")).meta for p in site.post_files()}
    assert after.keys() == before.keys()
    for name, meta in before.items():
        for key, value in meta.items():
            if key not in ("upvotes", "comments", "observed"):  # counts follow the newest copy
                assert after[name][key] == value, (name, key)
    assert all(posts.paper_from_post(posts.parse(p.read_text(encoding="utf-8"))).abstract for p in site.post_files())


def test_dry_run_shows_what_would_change_and_writes_nothing(site, tmp_path):
    site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE))
    newer = tmp_path / "newer.txt"
    newer.write_text(SAMPLE.read_text(encoding="utf-8").replace("Dec 14, 2023 1\n", "Dec 14, 2023 99\n"), encoding="utf-8")
    (tmp_path / "new.txt").write_text("Jan 9\n\nA New Paper\n\nIts abstract.\n\n• 1 author\n·\nJan 8, 2026 3\n", encoding="utf-8")
    before = site.snapshot()
    result = site.papers("import", "--dry-run", "--scraped-on", "2026-01-09", str(newer), str(tmp_path / "new.txt"))
    assert site.snapshot() == before
    changed = next(p for p in site.post_files() if p.name.startswith("helping-or-herding"))
    assert result.stdout.splitlines() == [
        f"would write {changed.relative_to(site.root)}",
        "would write content/papers/2026/01/09/a-new-paper.md",
        "1 new, 1 updated, 45 unchanged posts would be written; 0 skipped",
    ]
    # The real import writes exactly those.
    site.papers("import", "--scraped-on", "2026-01-09", str(newer), str(tmp_path / "new.txt"))
    after = site.snapshot()
    assert {name for name in after if after[name] != before.get(name)} == {
        str(changed.relative_to(site.content)),
        "papers/2026/01/09/a-new-paper.md",
    }


# Bugs found here, kept as expected failures until fixed (strict: a fix makes them fail, as a
# reminder to drop the mark).



def test_a_hand_edited_title_keeps_the_text_copy_on_its_post(site):
    site.papers("import", "--scraped-on", "2026-05-11", str(MAY_COPY))
    path = next(p for p in site.post_files() if p.name.startswith("flow-opd"))
    edit_post(path, lambda post: post.meta.update(title="Flow-OPD, retitled", manual=["title"]))
    site.papers("import", "--scraped-on", "2026-05-12", str(MAY_COPY))
    assert len(site.post_files()) == 3  # today: a duplicate post flow-opd-…-2.md



def test_a_single_manual_key_is_kept_too(site):
    site.papers("import", "--scraped-on", "2026-05-11", str(MAY_COPY))
    path = next(p for p in site.post_files() if p.name.startswith("flow-opd"))
    edit_post(path, lambda post: post.meta.update(upvotes=5000, manual="upvotes"))
    site.papers("import", "--scraped-on", "2026-05-12", str(API_DAY))
    assert posts.parse(path.read_text(encoding="utf-8")).meta["upvotes"] == 5000



@pytest.mark.parametrize("line", ["upvotes: lots", "date: someday", "author_count: many"])
def test_a_mistyped_hand_edit_skips_its_post_not_the_build(site, line):
    site.papers("import", "--scraped-on", "2026-05-11", str(MAY_COPY))
    path = next(p for p in site.post_files() if p.name.startswith("flow-opd"))
    key = line.split(":")[0]
    text = path.read_text(encoding="utf-8")
    path.write_text("\n".join(line if row.startswith(key + ":") else row for row in text.split("\n")), encoding="utf-8")
    result = subprocess.run(
        [str(PELICAN), "content", "-o", "output", "-s", "pelicanconf.py"],
        cwd=site.root, capture_output=True, text=True, check=False,
    )
    # Every other page is built; the build fails at its end, naming the file and the key.
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert f"{path.relative_to(site.root)}: {key}:" in result.stdout + result.stderr
    assert len(list(site.output.glob("2026/05/11/*/index.html"))) == 2  # the other two papers
    assert (site.output / "feeds" / "atom.xml").is_file() and (site.output / "sitemap.xml").is_file()
