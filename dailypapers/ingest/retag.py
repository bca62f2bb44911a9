"""`make retag`: re-apply the taxonomy to every post; only `tags` changes.

A retag reads every post, and most keep their tags, so a post's tag keys, title, keywords
and body are read alone (`frontmatter.read_fields`), without its author list, which is most
of its YAML; a post is read in full, checked and written only when its tags change (or its
front matter is in a form the quick read does not follow). Past PARALLEL_MIN_POSTS posts,
forked workers take contiguous runs of them: the results come back in the files' order.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from .. import posts
from ..model import Paper
from ..store import PostStore
from .frontmatter import read_fields
from .importer import ImportSummary, computed_tags
from .tagging import Taxonomy

PARALLEL_MIN_POSTS = 2000  # below this, forking costs more than it saves
RUNS_PER_PROCESS = 4  # runs of posts per worker: a slow run holds up less

# What a post's tags depend on, read alone (see posts.paper_from_post)
_TAG_KEYS = frozenset(
    {"title", "ai_keywords", posts.TAGS_KEY, posts.EXTRA_TAGS_KEY, posts.REMOVED_TAGS_KEY, posts.MANUAL_KEY}
)
_UNCHANGED, _UPDATED, _FAILED = "unchanged", "updated", "failed"

_job: dict = {}  # the run's taxonomy, store and dry_run: forked workers inherit it


def retag_all(content_dir: Path, taxonomy: Taxonomy, dry_run: bool = False, processes: int = 1):
    """Re-apply the taxonomy to every post under `content_dir`; hand-set tags stay (a renamed
    or merged tag's old name becomes its new one). Returns an ImportSummary."""
    summary = ImportSummary()
    store = PostStore(content_dir)
    with store.lock(clear_leftovers=not dry_run):
        problems: dict[str, str] = {}
        names = [name for name, _, _ in store.scan(problems)]
        summary.errors.extend(problems.values())
        _job.update(taxonomy=taxonomy, store=store, dry_run=dry_run)
        try:
            results = _in_runs(names, processes)
        finally:
            _job.clear()
    for name, outcome, error in results:
        if outcome == _UNCHANGED:
            summary.unchanged += 1
        elif outcome == _UPDATED:
            summary.updated += 1
            summary.changed_paths.append(Path(name))
        else:
            summary.errors.append(error)
    return summary


def _in_runs(names: list[str], processes: int) -> list[tuple[str, str, str]]:
    if processes < 2 or len(names) < PARALLEL_MIN_POSTS:
        return _retag_run(names)
    size = -(-len(names) // (processes * RUNS_PER_PROCESS))
    runs = [names[start : start + size] for start in range(0, len(names), size)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return [result for run in pool.map(_retag_run, runs, chunksize=1) for result in run]


def _retag_run(names: list[str]) -> list[tuple[str, str, str]]:
    """(name, outcome, error) for each post of a run."""
    return [_retag_post(name) for name in names]


def _retag_post(name: str) -> tuple[str, str, str]:
    taxonomy, store = _job["taxonomy"], _job["store"]
    try:
        fields = read_fields(Path(name).read_text(encoding="utf-8"), _TAG_KEYS)
    except (OSError, UnicodeDecodeError):
        fields = None  # the full read below says what is wrong
    if fields is not None and _retagged(taxonomy, posts.Post(*fields)) == fields[0].get(posts.TAGS_KEY):
        return name, _UNCHANGED, ""
    try:
        post = store.load(Path(name))
    except posts.PostError as error:
        return name, _FAILED, str(error)
    tags = _retagged(taxonomy, post)
    if tags == post.meta.get(posts.TAGS_KEY):
        return name, _UNCHANGED, ""
    post.meta[posts.TAGS_KEY] = tags
    if not _job["dry_run"]:
        store.save(Path(name), post)
    return name, _UPDATED, ""


def _retagged(taxonomy: Taxonomy, post: posts.Post) -> list[str] | None:
    """The post's tags under `taxonomy`: a hand-set list keeps its tags, old names renamed."""
    if posts.TAGS_KEY in post.manual:
        current = post.meta.get(posts.TAGS_KEY)
        return taxonomy.canonical_names(current) if current else current
    paper = Paper(
        title=str(post.meta.get("title", "")),
        abstract=posts.unescape_markdown(post.body.strip()),
        ai_keywords=post.meta.get("ai_keywords") or [],
    )
    return computed_tags(taxonomy, paper, post)
