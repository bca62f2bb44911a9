"""Import: input files -> parsed Papers -> merged into the post tree.

One paper is one post: records are matched by arXiv id, else by normalized title,
and merged (model.merge). A post's slug and folder never change once written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import posts
from . import hfapi, textcopy
from ..model import Paper, ParseResult, merge, slugify, title_key
from ..store import PostStore
from .inputs import InputError, read_input_text
from .tagging import Taxonomy


@dataclass
class ImportSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # skipped entries and unreadable files
    changed_paths: list[Path] = field(default_factory=list)

    def format(self, dry_run: bool = False) -> str:
        verb = "would be " if dry_run else ""
        return (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
            f" posts {verb}written; {len(self.errors)} skipped"
        )


def parse_file(path: Path, scraped_on: date) -> ParseResult:
    """Parse a text copy or API JSON, telling them apart by content. Raises InputError."""
    text = read_input_text(path)
    if text.lstrip()[:1] in ("[", "{"):
        day = hfapi.requested_day_from_filename(path.name)
        return hfapi.parse(text, str(path), requested_day=day, observed=scraped_on)
    return textcopy.parse(text, str(path), scraped_on)


class PostIndex:
    """The existing posts, findable by arXiv id, by title, and by slug."""

    def __init__(self, store: PostStore, errors: list[str]):
        self.by_key: dict[str, tuple[Path, posts.Post]] = {}
        # Every file name counts, readable or not: a broken post is never overwritten.
        self.slugs: set[str] = {path.stem for path in store.iter_paths()}
        for stored in store.load_all(errors):
            self.add(stored.path, stored.post)

    def add(self, path: Path, post: posts.Post) -> None:
        meta = post.meta
        self.slugs.add(post.slug)
        if meta.get("arxiv_id"):
            self.by_key["arxiv:" + str(meta["arxiv_id"])] = (path, post)
        self.by_key["title:" + title_key(str(meta["title"]))] = (path, post)
        if "title" in post.manual:
            # Its slug still comes from the title the sources give: find it by that.
            self.by_key[f"slug:{posts.post_date(post)}/{post.slug}"] = (path, post)

    def find(self, paper: Paper):
        found = self.by_key.get(paper.key) or self.by_key.get(f"slug:{paper.filing_day}/{slugify(paper.title)}")
        if found is None and paper.arxiv_id:
            # A text copy gives no arXiv id: its post is found by title.
            found = self.by_key.get("title:" + title_key(paper.title))
            if found and found[1].meta.get("arxiv_id") not in (None, paper.arxiv_id):
                found = None  # same title, different paper
        return found

    def new_slug(self, paper: Paper) -> str:
        # The arXiv id comes from the data too: it is slugified like a title, never trusted.
        base = slugify(paper.title) or (slugify("arxiv " + paper.arxiv_id) if paper.arxiv_id else "")
        if not base or base == "arxiv":
            base = "paper-" + hashlib.sha1(paper.title.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        slug, number = base, 2
        while slug in self.slugs:
            slug, number = f"{base}-{number}", number + 1
        return slug


def _tags(taxonomy: Taxonomy, paper: Paper, existing: posts.Post | None) -> list[str]:
    """The paper's computed tags, around those a person set in the post."""
    meta = existing.meta if existing else {}
    return taxonomy.tags_for(paper, meta.get(posts.EXTRA_TAGS_KEY) or [], meta.get(posts.REMOVED_TAGS_KEY) or [])


def import_results(
    results: list[ParseResult],
    store: PostStore,
    taxonomy: Taxonomy,
    summary: ImportSummary,
    dry_run: bool = False,
) -> None:
    index = PostIndex(store, summary.errors)
    for result in results:
        for _, paper in result.papers:
            _import_paper(paper, index, store, taxonomy, summary, dry_run)


def _import_paper(paper, index, store, taxonomy, summary, dry_run) -> None:
    found = index.find(paper)
    if found:
        path, existing = found
        merged = merge(posts.paper_from_post(existing), paper)
        post = posts.post_from_paper(merged, existing.slug, _tags(taxonomy, merged, existing), existing)
    else:
        existing = None
        merged = paper
        merged.day = paper.filing_day
        slug = index.new_slug(merged)
        path = store.path_for(merged.day, slug)
        post = posts.post_from_paper(merged, slug, taxonomy.tags_for(merged))
    if dry_run:
        changed = existing is None or posts.render(post) != posts.render(existing)
    else:
        changed = store.save(path, post)
    if not changed:
        summary.unchanged += 1
        return
    summary.changed_paths.append(path)
    if existing is None:
        summary.new += 1
    else:
        summary.updated += 1
    index.add(path, post)


def import_files(
    paths: list[Path],
    content_dir: Path,
    taxonomy: Taxonomy,
    scraped_on: date,
    dry_run: bool = False,
) -> ImportSummary:
    summary = ImportSummary()
    store = PostStore(content_dir)
    # The lock comes first: a second import is refused at once, not after parsing.
    with store.lock(clear_leftovers=not dry_run):
        results = []
        for path in paths:
            try:
                result = parse_file(Path(path), scraped_on)
            except InputError as error:
                summary.errors.append(str(error))
                continue
            summary.errors.extend(result.errors)
            for number, paper in result.papers:
                if paper.filing_day is None:
                    summary.errors.append(f"{path}: entry {number}: no Daily Papers day and no publish date")
            result.papers = [(n, p) for n, p in result.papers if p.filing_day is not None]
            results.append(result)
        import_results(results, store, taxonomy, summary, dry_run)
    return summary


def retag_all(content_dir: Path, taxonomy: Taxonomy, dry_run: bool = False) -> ImportSummary:
    """Re-apply the taxonomy to every post; only `tags` changes, hand-set tags stay (a
    renamed or merged tag's old name becomes its new one)."""
    summary = ImportSummary()
    store = PostStore(content_dir)
    with store.lock(clear_leftovers=not dry_run):
        for stored in store.load_all(summary.errors):
            existing = stored.post
            if posts.TAGS_KEY in existing.manual:  # the person's list: only old tag names renamed
                current = existing.meta.get(posts.TAGS_KEY)
                tags = taxonomy.canonical_names(current) if current else current
            else:
                tags = _tags(taxonomy, posts.paper_from_post(existing), existing)
            if tags == existing.meta.get(posts.TAGS_KEY):
                summary.unchanged += 1
                continue
            existing.meta[posts.TAGS_KEY] = tags
            if not dry_run:
                store.save(stored.path, existing)
            summary.updated += 1
            summary.changed_paths.append(stored.path)
    return summary
