"""Import: input files -> parsed Papers -> merged into the post tree.

One paper is one post: records are matched by arXiv id, else by normalized title,
and merged (model.merge). A post's slug and folder never change once written.

The records of one import are taken in an order of their own (Daily Papers day, identity,
observation), never the order of the files: the same files in any order write the same
posts. So a paper listed on several days is filed under the earliest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import posts
from . import hfapi, textcopy
from ..model import SOURCE_RANK, Paper, ParseResult, merge, one_line, slugify, title_key
from ..store import PostStore
from .inputs import InputError, read_input_text
from .tagging import Taxonomy


@dataclass
class ImportSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    samples_removed: int = 0  # shipped sample posts, removed by the first import of real papers
    errors: list[str] = field(default_factory=list)  # skipped entries and unreadable files
    notices: list[str] = field(default_factory=list)  # read, but worth a line (see ParseResult)
    changed_paths: list[Path] = field(default_factory=list)

    def format(self, dry_run: bool = False) -> str:
        verb = "would be " if dry_run else ""
        removed = f"; {self.samples_removed} sample posts {verb}removed" if self.samples_removed else ""
        return (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
            f" posts {verb}written{removed}; {len(self.errors)} skipped"
        )


def parse_file(path: Path, scraped_on: date) -> ParseResult:
    """Parse a text copy or API JSON, telling them apart by content. Raises InputError."""
    read = read_input_text(path)
    if read.text.lstrip()[:1] in ("[", "{"):
        day = hfapi.requested_day_from_filename(path.name)
        result = hfapi.parse(read.text, str(path), requested_day=day, observed=scraped_on)
    else:
        result = textcopy.parse(read.text, str(path), scraped_on)
    result.notices[:0] = read.notices
    return result


@dataclass
class _Record:
    """One paper of one input, and where it came from (for messages)."""

    path: str
    number: int  # line (text copy) or entry (API JSON)
    paper: Paper

    @property
    def where(self) -> str:
        if self.paper.source == "textcopy":
            return f"{self.path}:{self.number}"
        return f"{self.path}: entry {self.number}" + (f" ({self.paper.arxiv_id})" if self.paper.arxiv_id else "")

    def order(self) -> tuple:
        """Independent of the files' order; full records break the last ties."""
        paper = self.paper
        return (paper.filing_day, paper.key, paper.observed or date.min, SOURCE_RANK.get(paper.source, 0), repr(paper))


class PostIndex:
    """The existing posts, findable by arXiv id, by title, and by slug."""

    def __init__(self, store: PostStore, errors: list[str]):
        self.by_key: dict[str, tuple[Path, posts.Post]] = {}
        # Every file name counts, readable or not: a broken post, or a folder or a link in
        # a post's place, is never written over.
        problems: dict[str, str] = {}
        files = store.scan(problems)
        errors.extend(problems.values())
        self.slugs: set[str] = {Path(name).stem for name in [*(name for name, _, _ in files), *problems]}
        self.samples: list[tuple[Path, posts.Post]] = []  # never matched: real papers replace them
        for stored in store.load_all(errors, files):
            if stored.post.meta.get(posts.SAMPLE_KEY) is True:
                self.samples.append((stored.path, stored.post))
            else:
                self.add(stored.path, stored.post)

    def remove_samples(self, summary: ImportSummary, dry_run: bool) -> None:
        """The sample shipped with the repository gives way to real papers, all of it at once,
        and frees its slugs for them."""
        for path, post in self.samples:
            if not dry_run:
                path.unlink(missing_ok=True)
            self.slugs.discard(post.slug)
            summary.samples_removed += 1
        self.samples = []

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


def computed_tags(taxonomy: Taxonomy, paper: Paper, existing: posts.Post | None) -> list[str]:
    """The paper's computed tags, around those a person set in the post."""
    meta = existing.meta if existing else {}
    return taxonomy.tags_for(paper, meta.get(posts.EXTRA_TAGS_KEY) or [], meta.get(posts.REMOVED_TAGS_KEY) or [])


def import_records(
    records: list[_Record],
    store: PostStore,
    taxonomy: Taxonomy,
    summary: ImportSummary,
    dry_run: bool = False,
) -> None:
    index = PostIndex(store, summary.errors)
    if records:
        index.remove_samples(summary, dry_run)
    for record in sorted(records, key=_Record.order):
        _import_paper(record, index, store, taxonomy, summary, dry_run)


def _import_paper(record: _Record, index, store, taxonomy, summary, dry_run) -> None:
    paper = record.paper
    found = index.find(paper)
    if found:
        path, existing = found
        summary.notices.extend(_merge_notices(record, path, existing))
        merged = merge(posts.paper_from_post(existing), paper)
        post = posts.post_from_paper(merged, existing.slug, computed_tags(taxonomy, merged, existing), existing)
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


def _merge_notices(record: _Record, path: Path, existing: posts.Post) -> list[str]:
    """What a person may want to know when a record joins an existing post."""
    paper, notices = record.paper, []
    post_day = posts.post_date(existing)
    if paper.day and paper.day != post_day:
        notices.append(f"{record.where}: listed on {paper.day} too; stays filed under {post_day} ({path})")
    title = str(existing.meta.get("title", ""))
    if "title" not in existing.manual and one_line(title) != one_line(paper.title):
        if title_key(title) == title_key(paper.title):
            notices.append(
                f"{record.where}: {paper.title!r} is taken for {path} ({title!r}): titles that differ"
                " only in case, Unicode form or invisible characters are one paper"
            )
    return notices


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
        records = []
        for path in paths:
            try:
                result = parse_file(Path(path), scraped_on)
            except InputError as error:
                summary.errors.append(str(error))
                continue
            summary.errors.extend(result.errors)
            summary.notices.extend(result.notices)
            for number, paper in result.papers:
                record = _Record(str(path), number, paper)
                if paper.filing_day is None:
                    summary.errors.append(f"{record.where}: no Daily Papers day and no publish date")
                else:
                    records.append(record)
        import_records(records, store, taxonomy, summary, dry_run)
    return summary
