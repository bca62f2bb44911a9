"""Random sequences of the edits an archive meets (papers added, removed and edited, new
months, untagged papers, taxonomy and settings changes, broken posts, files deleted or
edited in output/): after each, the incremental build must equal a clean build, byte for
byte. Pelican runs in this process to keep 200 steps quick."""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from pelican import Pelican
from pelican.settings import read_settings

from dailypapers import posts
from dailypapers.model import Paper
from dailypapers.site.plugin import TEMPLATE_CACHE
from dailypapers.store import PostStore

STEPS = int(__import__("os").environ.get("RANDOM_EDIT_STEPS", 200))
TAGS = ["Agents", "Reasoning", "Diffusion Models", "Robotics", "Efficiency"]
WORDS = "sparse agent token graph vision robot policy reward latent memory".split()


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class Archive:
    """A site folder: content, taxonomy and settings, built with or without its cache."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.store = PostStore(self.content)
        self.taxonomy = root / "tags.yaml"
        self.settings = {"TAG_PAGE_SIZE": 3, "INDEX_DAYS": 2, "FEED_MAX_ITEMS": 5, "FEED_TAG_MAX_ITEMS": 3}
        root.mkdir(parents=True)
        self.write_taxonomy({})

    def write_taxonomy(self, renamed: dict[str, str]) -> None:
        entries = []
        for name in TAGS:
            entry = {"name": renamed.get(name, name)}
            if name in renamed:
                entry["aliases"] = [name]
            entries.append(entry)
        self.taxonomy.write_text(yaml.safe_dump({"tags": entries}), encoding="utf-8")

    def build(self, output: Path, cache: Path) -> str:
        """Builds into output; returns "ok", or "failed" when posts were left out."""
        override = {
            "PATH": str(self.content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(cache),
            "THEME": str(REPO / "theme"), "TAXONOMY_FILE": str(self.taxonomy), "BUILD_PROCESSES": 1,
            "STATIC_PATHS": [], "PAGE_PATHS": [], **self.settings,
        }
        settings = read_settings(str(REPO / "pelicanconf.py"), override=override)
        try:
            Pelican(settings).run()
        except SystemExit:
            return "failed"
        return "ok"


class Editor:
    def __init__(self, site: Archive, seed: int):
        self.site = site
        self.random = random.Random(seed)
        self.count = 0
        self.renamed: dict[str, str] = {}

    def paper_files(self) -> list[Path]:
        return sorted(self.site.store.root.rglob("*.md"))

    def add(self) -> str:
        self.count += 1
        day = date(2025, 11, 20) + timedelta(days=self.random.randrange(0, 70))
        tags = self.random.sample(TAGS, self.random.randrange(0, 3))  # some papers have no tag
        title = f"{self.random.choice(WORDS).title()} {self.random.choice(WORDS)} {self.count}"
        paper = Paper(title=title, abstract=f"We study {title}.", day=day, upvotes=self.random.randrange(50),
                      observed=day, authors=["A. Author"])
        slug = f"paper-{self.count}"
        self.site.store.save(self.site.store.path_for(day, slug), posts.post_from_paper(paper, slug, tags))
        return f"add {day} {slug} {tags}"

    def edit(self) -> str:
        path = self.random.choice(self.paper_files())
        try:
            post = posts.parse(path.read_text(encoding="utf-8"))
        except posts.PostError:  # broken by an earlier step: a person mends it first
            path.write_text(path.read_text(encoding="utf-8").replace("upvotes: many #", "upvotes:"), encoding="utf-8")
            return f"mend {path.name}"
        change = self.random.choice(["upvotes", "title", "tags", "observed"])
        if change == "upvotes":
            post.meta["upvotes"] = self.random.randrange(100)
        elif change == "title":
            post.meta["title"] += " revised"
        elif change == "tags":
            post.meta["tags"] = self.random.sample(TAGS, self.random.randrange(0, 3))
        else:
            post.meta["observed"] = post.meta["date"] + timedelta(days=self.random.randrange(1, 9))
        self.site.store.save(path, post)
        return f"edit {change} of {path.name}"

    def remove(self) -> str:
        path = self.random.choice(self.paper_files())
        path.unlink()
        return f"remove {path.name}"

    def break_or_mend(self) -> str:
        path = self.random.choice(self.paper_files())
        text = path.read_text(encoding="utf-8")
        mended = text.replace("upvotes: many", "upvotes: 1")
        path.write_text(mended if mended != text else text.replace("upvotes:", "upvotes: many #", 1), encoding="utf-8")
        return f"break or mend {path.name}"

    def retaxonomy(self) -> str:
        name = self.random.choice(TAGS)
        if name in self.renamed:
            del self.renamed[name]
        else:
            self.renamed[name] = name + " Research"
        self.site.write_taxonomy(self.renamed)
        return f"taxonomy {self.renamed}"

    def resettle(self) -> str:
        self.site.settings["TAG_PAGE_SIZE"] = self.random.choice([2, 3, 5])
        self.site.settings["INDEX_DAYS"] = self.random.choice([1, 2, 3])
        return f"settings {self.site.settings}"

    def damage_output(self, output: Path) -> str:
        files = sorted(p for p in output.rglob("*") if p.is_file() and "theme" not in p.parts)
        victim = self.random.choice(files)
        if self.random.random() < 0.5:
            victim.unlink()
            return f"delete output {victim.relative_to(output)}"
        victim.write_bytes(victim.read_bytes() + b"<!-- edited by hand -->")
        return f"edit output {victim.relative_to(output)}"

    def step(self, output: Path) -> str:
        kinds = ["add"] * 4 + ["edit"] * 3 + ["remove", "break_or_mend", "retaxonomy", "resettle", "damage"]
        kind = self.random.choice(kinds if len(self.paper_files()) > 3 else ["add"])
        return self.damage_output(output) if kind == "damage" else getattr(self, kind)()


@pytest.mark.slow
def test_incremental_builds_equal_clean_builds_over_random_edits(tmp_path):
    site = Archive(tmp_path / "site")
    editor = Editor(site, seed=2026)
    output, cache = tmp_path / "output", tmp_path / "cache"
    for _ in range(4):
        editor.add()
    site.build(output, cache)
    history = []
    for number in range(STEPS):
        history.append(editor.step(output))
        incremental = site.build(output, cache)
        clean_output, clean_cache = tmp_path / "clean" / "output", tmp_path / "clean" / "cache"
        shutil.rmtree(tmp_path / "clean", ignore_errors=True)
        # No pages or posts from before, only compiled templates (checked against their source).
        shutil.copytree(cache / TEMPLATE_CACHE, clean_cache / TEMPLATE_CACHE)
        clean = site.build(clean_output, clean_cache)
        assert incremental == clean, (number, history[-5:])
        built, expected = tree(output), tree(clean_output)
        differ = sorted(name for name in built.keys() | expected.keys() if built.get(name) != expected.get(name))
        assert differ == [], f"step {number}: {history[-3:]}: {differ[:5]}"


def test_every_file_the_build_writes_is_announced_to_other_plugins(tmp_path):
    """Pelican's content_written signal, which plugins such as sitemap or minifiers rely on."""
    from pelican import signals

    site = Archive(tmp_path / "site")
    editor = Editor(site, seed=1)
    for _ in range(3):
        editor.add()
    announced: list[str] = []

    def written(path, context=None):
        announced.append(path)

    signals.content_written.connect(written)
    try:
        site.build(tmp_path / "output", tmp_path / "cache")
        ours = {str(p) for p in (tmp_path / "output").rglob("*") if p.is_file() and "theme" not in p.parts}
        assert set(announced) == ours and len(announced) == len(ours)
        announced.clear()
        site.build(tmp_path / "output", tmp_path / "cache")
        assert announced == []  # nothing changed, nothing written
    finally:
        signals.content_written.disconnect(written)
