"""Pelican plugin: reads the post files and writes the archive's pages and feeds.

Pelican's own ArticlesGenerator is left with nothing to read (ARTICLE_PATHS = []): its
tag, category and period-archive loops grow with the square of the article count.
This generator groups papers once (archive.build) and renders each page from that.

Builds are incremental. Parsed posts are cached by file mtime and size. Every page has a
key: a digest of everything it shows (its papers' post files, its neighbours, the theme,
the settings, this code). A page whose key is unchanged since the last build, and whose
file is still there, is neither rendered nor written. Pages are rendered in parallel
processes when there are many.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Callable

from markdown import Markdown
from pelican import signals
from pelican.generators import Generator
from pelican.log import console

from . import archive, charts, feeds
from .math import math_markup, render_math_html
from ..model import slugify
from ..posts import TAGS_KEY, PostError, body_html, unescape_markdown
from ..store import PostStore, file_digest, read_post
from .cache import BuildCache
from .output import folder_identity, remove_output, write_if_changed
from ..ingest.tagging import Taxonomy, TaxonomyError

logger = logging.getLogger(__name__)

DEFAULTS = {
    "INDEX_DAYS": 3,  # days shown on the home page
    "SUMMARY_LENGTH": 280,  # characters of the abstract shown in day lists
    "TAG_PAGE_SIZE": 100,
    "FEED_MAX_ITEMS": 100,  # entries of the main and the top feed
    "FEED_TAG_MAX_ITEMS": 50,
    "FEED_DAILY_DAYS": 30,  # entries (days) of the daily digest
    "FEED_TOP_THRESHOLD": 20,  # upvotes a paper needs for the top feed
    "TAXONOMY_FILE": "tags.yaml",
    "FEED_SITEURL": "http://localhost:8000",  # feeds need absolute URLs; SITEURL wins when set
    "BUILD_PROCESSES": os.cpu_count() or 1,
}
CACHE_FILE = "dailypapers-build.sqlite"
# Below this many pages to render, forking workers costs more than it saves.
PARALLEL_MIN_PAGES = 400
WORKER_CHUNK_ITEMS = 4000  # pages (or posts) a worker handles before a fresh one takes over
SETTINGS_NOT_IN_OUTPUT = {"BUILD_PROCESSES"}  # change how a build runs, not what it makes
PACKAGE = Path(__file__).resolve().parent.parent


def code_files() -> list[Path]:
    """The code a build's output depends on: the site half and the shared modules (the
    ingest half writes posts, which the build reads as data)."""
    return sorted(PACKAGE.glob("*.py")) + sorted(PACKAGE.glob("site/*.py"))


# Template indentation between tags: a newline alone renders the same and weighs less.
_BETWEEN_TAGS = re.compile(r">[ \t]*\n\s*<")


def relative_root(save_as: str) -> str:
    """The path from a page to the site root: 'a/b/index.html' -> '../..'."""
    depth = save_as.count("/")
    return "/".join([".."] * depth) or "."


def _digest(*parts) -> str:
    """A short digest of the parts' text forms (lists digest by their repr)."""
    text = "\x00".join(map(str, parts))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class LazyList:
    """A list worked out on first use: what only rendering needs is never computed for
    pages that are not rendered."""

    def __init__(self, make: Callable[[], list]):
        self._make = make

    @cached_property
    def items(self) -> list:
        return self._make()

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class OutputFile:
    """One file of the site: where it goes, what decides its content, how to make it."""

    save_as: str
    key: str
    render: Callable[[], bytes]
    group: str = ""  # files made together (a feed's Atom and RSS) go to the same worker


_markdown: Markdown | None = None


_cache: BuildCache | None = None  # what forked parse workers write into


def summary_of(meta: dict) -> tuple:
    """What lists, grouping and keys need of a post: (day, slug, title, upvotes, tags)."""
    day = meta["date"]
    day = day.date() if isinstance(day, datetime) else day
    tags = tuple(str(name) for name in meta.get(TAGS_KEY) or ())
    return day, str(meta["slug"]), str(meta["title"]), int(meta.get("upvotes") or 0), tags


def _read_posts(files: list[tuple[str, int, int]]) -> list[tuple]:
    """Parse post files and store them in the build cache in batches; return
    (path, digest, *summary) or (path, error). Runs in worker processes, so only the
    small part travels back to the parent."""
    global _markdown
    if _markdown is None:
        _markdown = Markdown(extensions=[], output_format="html")
    results, batch = [], []
    for path, _, _ in files:
        try:
            post, digest = read_post(Path(path))
        except PostError as error:
            results.append((path, str(error)))
            continue
        html = render_math_html(body_html(post.body, _markdown))
        batch.append((path, post.meta, html, unescape_markdown(post.body.strip())))
        results.append((path, digest, *summary_of(post.meta)))
        if len(batch) >= 500:
            _cache.put_posts(batch)
            batch = []
    _cache.put_posts(batch)
    return results


def _in_workers(function, items: list, processes: int) -> list:
    """function(chunk) over chunks of items, in forked processes when it pays."""
    if processes < 2 or len(items) < PARALLEL_MIN_PAGES:
        return function(items)
    # Many chunks, each in a freshly forked worker: a worker's memory grows as it touches
    # (and so unshares) the parent's objects, and a short-lived one never grows far.
    count = max(processes, -(-len(items) // WORKER_CHUNK_ITEMS))
    chunks = [part for part in (items[i::count] for i in range(count)) if part]
    # Objects made so far go to a generation the collector never visits: in the forked
    # workers it would otherwise write to every page of them and unshare them all.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(processes, maxtasksperchild=1) as pool:
            return [result for part in pool.map(function, chunks, chunksize=1) for result in part]
    finally:
        gc.unfreeze()


_pending: list[OutputFile] = []  # what forked render workers inherit
_output_root: Path = Path(".")


def _write_outputs(groups: list[list[int]]) -> list[int]:
    return [write_if_changed(_output_root / _pending[i].save_as, _pending[i].render()) for g in groups for i in g]


class ArchiveGenerator(Generator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, value in DEFAULTS.items():
            self.settings.setdefault(key, value)
            self.context.setdefault(key, self.settings[key])  # templates read settings from the context
        self.cache_path = Path(self.settings.get("CACHE_PATH", "cache")) / CACHE_FILE
        self.taxonomy = self._load_taxonomy()
        self._tag_refs: dict[str, archive.TagRef] = {}
        self._tag_lists: dict[tuple, list[archive.TagRef]] = {}
        self.env.filters["math"] = math_markup
        self.env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
        self.env.globals.update(calendar_heatmap=charts.calendar_heatmap, monthly_bars=charts.monthly_bars)

    def _load_taxonomy(self) -> Taxonomy | None:
        try:
            return Taxonomy.load(Path(self.settings["TAXONOMY_FILE"]))
        except TaxonomyError as error:
            logger.warning("%s; tag slugs are made from tag names", error)
            return None

    def _tag_ref(self, name: str) -> archive.TagRef:
        ref = self._tag_refs.get(name)
        if ref is None:  # one TagRef per name: tens of thousands of papers share a few hundred
            ref = archive.TagRef(name, self.taxonomy.slug_for(name) if self.taxonomy else slugify(name))
            self._tag_refs[name] = ref
        return ref

    def build_key(self, code: str) -> str:
        """Everything every page depends on: theme, settings, taxonomy, this code."""
        theme = sorted(Path(self.theme, "templates").rglob("*.html"))
        taxonomy = Path(self.settings["TAXONOMY_FILE"])
        files = [p.read_bytes() for p in theme + ([taxonomy] if taxonomy.is_file() else [])]
        settings = sorted(
            (k, repr(v))
            for k, v in self.settings.items()
            if k.isupper()
            and k not in SETTINGS_NOT_IN_OUTPUT
            and isinstance(v, (str, int, float, bool, list, tuple, dict, type(None)))
        )
        return _digest(code, *files, settings)

    def generate_context(self):
        code = _digest(*(path.read_bytes() for path in code_files()))
        self.key = self.build_key(code)
        self.cache = BuildCache(self.cache_path, version=code)
        self.archive = archive.build(self._read_entries())
        self.context["archive"] = self.archive

    def _read_entries(self) -> list[archive.PaperEntry]:
        cached = self.cache.post_index()
        files = PostStore(Path(self.path)).scan()
        current, stale, stats = {}, [], {}
        retimed = False  # same bytes, new file times: only the saved index needs them
        for path, mtime, size in files:
            stats[path] = (mtime, size)
            hit = cached.get(path)
            if hit and hit[:2] == (mtime, size):
                current[path] = hit[2:]
            elif hit and hit[2] == file_digest(Path(path)):  # same bytes, new mtime (a fresh checkout)
                current[path] = hit[2:]
                retimed = True
            else:
                stale.append((path, mtime, size))
        global _cache
        _cache = self.cache
        for path, *rest in _in_workers(_read_posts, stale, self.settings["BUILD_PROCESSES"]):
            if len(rest) == 1:
                logger.error("skipped post: %s", rest[0])
            else:
                current[path] = tuple(rest)
        self.cache.forget_posts(set(cached) - set(current))
        if stale or retimed or len(cached) != len(current):
            self.cache.save_post_index({path: stats[path] + entry for path, entry in current.items()})
        details = self.cache.details
        return [
            archive.PaperEntry(path, digest, day, slug, title, upvotes, details, self._tag_refs_for(tags))
            for path, (digest, day, slug, title, upvotes, tags) in sorted(current.items())
        ]

    def _tag_refs_for(self, key: tuple) -> list[archive.TagRef]:
        refs = self._tag_lists.get(key)
        if refs is None:  # papers share tag lists: make each list once
            refs = self._tag_lists[key] = [self._tag_ref(name) for name in key]
        return refs

    def site_url(self) -> str:
        return self.settings.get("SITEURL") or self.settings["FEED_SITEURL"]

    def _page(self, save_as: str, template_name: str, key_parts, **variables) -> OutputFile:
        def render() -> bytes:
            template = self.get_template(template_name)
            page_url = save_as.removesuffix("index.html")
            page_context = {**self.context, **variables, "root": relative_root(save_as), "page_url": page_url}
            return _BETWEEN_TAGS.sub(">\n<", template.render(page_context)).encode("utf-8")

        return OutputFile(save_as, _digest(self.key, template_name, *key_parts), render)

    def outputs(self):
        """Every file of the archive, with its key."""
        site = self.archive
        digests = lambda papers: [p.digest for p in papers]  # noqa: E731 - a digest covers day and slug
        neighbours = lambda period: (period.previous and period.previous.url, period.next and period.next.url)  # noqa: E731
        latest = site.days[::-1][: self.settings["INDEX_DAYS"]]
        yield self._page("index.html", "index", [digests(p for d in latest for p in d.papers)], days=latest)
        day_counts = [(d.url, len(d.papers)) for d in site.days]
        yield self._page("archives/index.html", "archives", [day_counts], years=site.years[::-1])
        years = [year.start.year for year in site.years[::-1]]  # the search index has a bundle for each
        yield self._page("search/index.html", "search", [years], years=years)
        for paper in site.papers:
            yield self._page(paper.save_as, "paper", [paper.digest], paper=paper)
        for day in site.days:
            siblings = [d.url for d in day.parent.children]
            yield self._page(day.save_as, "day", [digests(day.papers), neighbours(day), siblings], period=day)
        for month in site.months:
            yield self._page(month.save_as, "month", [digests(month.papers), neighbours(month)], period=month)
        for year in site.years:
            counts = [(m.url, len(m.papers)) for m in year.children]
            yield self._page(year.save_as, "year", [counts, neighbours(year)], period=year)
        # A tag's pages show its related tags, which depend on all its papers' tags: the
        # digest of all its papers stands for them, and they are worked out only to render.
        members = {tag: _digest([p.digest for p in papers]) for tag, papers in site.tags.items()}
        tag_counts = site.tag_counts()
        tag_rows = LazyList(lambda: [(tag, count, site.monthly_counts(tag)) for tag, count in tag_counts])
        index_key = [(t.url, t.name, members[t]) for t, _ in tag_counts]
        yield self._page("tags/index.html", "tags", [index_key], tag_rows=tag_rows)
        for tag in site.tags:
            related = LazyList(lambda tag=tag: site.related_tags(tag))
            for page in site.tag_pages(tag, self.settings["TAG_PAGE_SIZE"]):
                # A numbered page shows its own papers and links only: it stays put while the
                # tag grows. The front page shows the count and related tags: all members.
                if page.number is None:
                    parts = [digests(page.papers), page.page_count, members[tag]]
                else:
                    parts = [digests(page.papers), page.newer_url, page.older_url]
                yield self._page(page.save_as, "tag", parts, tag_page=page, related_tags=related)
        yield from feeds.feed_outputs(self.archive, self.settings, self.site_url(), self.key, self._page)

    def generate_output(self, writer):
        global _pending, _output_root
        output = Path(self.output_path)
        # Files are trusted to be where the last build wrote them while the output folder
        # is the same one (`make clean` makes a new one): no stat per page.
        previous = self.cache.output_keys() if self.cache.output_folder() == folder_identity(output) else {}
        current, pending = {}, []
        for item in self.outputs():
            current[item.save_as] = item.key
            if previous.get(item.save_as) != item.key:
                pending.append(item)
        _pending, _output_root = pending, output
        groups: dict[str, list[int]] = {}
        for index, item in enumerate(pending):
            groups.setdefault(item.group or item.save_as, []).append(index)
        written = sum(_in_workers(_write_outputs, list(groups.values()), self.settings["BUILD_PROCESSES"]))
        removed = [save_as for save_as in previous if save_as not in current]
        for save_as in removed:
            remove_output(output / save_as)
        self.cache.update_output_keys({item.save_as: item.key for item in pending}, removed)
        self.cache.set_output_folder(folder_identity(output))
        self.cache.close()
        # Pelican's own summary counts its articles, which are none here: say what was built.
        console.print(
            f"Archive: {len(self.archive.papers)} papers, {len(self.archive.days)} days; "
            f"{len(pending)} files rendered, {written} written, {len(removed)} removed, "
            f"{len(current) - len(pending)} unchanged."
        )


def get_generators(pelican_object):
    return ArchiveGenerator


def register():
    signals.get_generators.connect(get_generators)
