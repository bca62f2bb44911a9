"""Pelican plugin: reads the post files and writes the archive's pages and feeds.

Pelican's own ArticlesGenerator is left with nothing to read (ARTICLE_PATHS = []): its
tag, category and period-archive loops grow with the square of the article count. This
generator reads the posts (site/reader.py), groups them once (site/archive.py), and
writes the pages that site/pages.py and site/feedpages.py declare, each only when its
key changed or its file is not as the last build left it (site/output.py).
"""

from __future__ import annotations

import json
import logging
import re
import time
from functools import cached_property
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.generators import Generator
from pelican.log import console

from .. import settings as settings_table
from .. import urls
from ..store import write_atomic
from ..vocabulary import TagVocabulary
from . import archive, charts
from .cache import BuildCache
from .feedpages import feed_pages
from .text import plain_text, text_markup
from .output import OutputError, Writer
from .pages import PAGE_TYPES, Page, digest
from .reader import Reader

logger = logging.getLogger(__name__)

CACHE_FILE = "dailypapers-build.sqlite"
TIMINGS_FILE = "dailypapers-timings.json"  # beside it: where the last build's time went (make bench)
TEMPLATE_CACHE = "templates"  # a folder beside it
PACKAGE = Path(__file__).resolve().parent.parent
# Template indentation between tags: a newline alone renders the same and weighs less.
_BETWEEN_TAGS = re.compile(r">[ \t]*\n\s*<")


def code_files() -> list[Path]:
    """The code a build's output depends on: the site half and the shared modules (the
    ingest half writes posts, which the build reads as data)."""
    return sorted(PACKAGE.glob("*.py")) + sorted(PACKAGE.glob("site/*.py"))


def relative_root(save_as: str) -> str:
    """The path from a page to the site root: 'a/b/index.html' -> '../..'."""
    return "/".join([".."] * save_as.count("/")) or "."


class ArchiveGenerator(Generator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            settings_table.apply(self.settings)
        except settings_table.SettingsError as error:
            raise SystemExit(f"error: {error}") from None
        self.vocabulary = self._load_vocabulary()
        self.cache_folder = Path(self.settings.get("CACHE_PATH", "cache"))
        # Compiled templates are kept (checked against their source): compiling them costs
        # more than rendering a small site.
        (self.cache_folder / TEMPLATE_CACHE).mkdir(parents=True, exist_ok=True)
        self.env.bytecode_cache = FileSystemBytecodeCache(str(self.cache_folder / TEMPLATE_CACHE))
        self.env.filters.update(math=text_markup, plain=plain_text)
        self.env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
        self.env.globals.update(urls=urls, calendar_heatmap=charts.calendar_heatmap, monthly_bars=charts.monthly_bars)

    def _load_vocabulary(self) -> TagVocabulary:
        try:
            return TagVocabulary.load(Path(self.settings["TAXONOMY_FILE"]))
        except ValueError as error:
            logger.warning("%s; tag slugs are made from tag names", error)
            return TagVocabulary()

    @cached_property
    def build_key(self) -> str:
        """What every page depends on: this code, the theme, the taxonomy, the settings."""
        theme = sorted(Path(self.theme, "templates").rglob("*.html"))
        taxonomy = Path(self.settings["TAXONOMY_FILE"])
        files = [p.read_bytes() for p in theme + ([taxonomy] if taxonomy.is_file() else [])]
        return digest(self.code, *files, settings_table.build_affecting(self.settings))

    def generate_context(self):
        start = time.perf_counter()
        self.code = digest(*(path.read_bytes() for path in code_files()))
        self.cache = BuildCache(self.cache_folder / CACHE_FILE, version=self.code)
        self.output = Writer(Path(self.output_path), self.cache, self.settings["BUILD_PROCESSES"])
        reader = Reader(Path(self.path), self.cache, self.vocabulary, self.settings["BUILD_PROCESSES"])
        files = reader.scan()
        # Everything the output is made from: the code, theme, taxonomy and settings, and the
        # post files as found (the reader, too, knows a post by its time and size).
        self.inputs = digest(self.build_key, files)
        entries = None  # nothing to read when the last build was made from the same and is intact
        if reader.errors or not self.output.is_current(self.inputs):
            entries = reader.entries(files)
        self.timings = {"read_s": time.perf_counter() - start}
        self.archive = None
        if entries is not None:
            start = time.perf_counter()
            self.archive = archive.build(entries, self.vocabulary.moved)
            self.timings["group_s"] = time.perf_counter() - start
            start = time.perf_counter()
            from . import similar  # numpy and scipy take a second to load: not for a build with nothing to do

            self.archive.similar = similar.similar_lists(self.archive.papers, self.cache)
            self.timings["similar_s"] = time.perf_counter() - start
        self.problems = reader.errors
        if self.problems:  # a build that left posts out is never taken as done: it reports them again
            self.inputs = None
        # Connected for as long as this generator lives (blinker keeps a weak reference).
        signals.finalized.connect(self.fail_on_problems)

    def pages(self):
        for page_type in (*PAGE_TYPES, feed_pages):
            for page in page_type(self.archive, self.settings):
                page.kind = page_type.__name__
                yield page

    @cached_property
    def template_settings(self) -> dict:
        """What every template gets of the settings: made once, not once per page."""
        return {key: value for key, value in self.settings.items() if key.isupper()}

    def render(self, page: Page) -> bytes:
        if not isinstance(page.make, str):
            return page.make(**page.values)
        values = dict(self.template_settings)
        values.update(root=relative_root(page.save_as), page_url=page.url)
        values.update(page.values)
        html = self.get_template(page.make).render(values)
        return _BETWEEN_TAGS.sub(">\n<", html).encode("utf-8")

    def generate_output(self, writer):
        if self.archive is None:
            self.cache.close()
            self._record_timings()
            console.print(f"Archive: nothing changed since the last build; 0 files rendered, 0 written, 0 removed, "
                          f"{len(self.cache.output_records())} unchanged.")
            return
        start = time.perf_counter()
        try:
            done = self.output.write(self.pages(), self.build_key, self.render, self.inputs)
        except OutputError as error:
            raise SystemExit(f"error: {error}") from None
        finally:
            self.cache.close()
        self.timings.update(write_s=time.perf_counter() - start, declare_s=done.declare_seconds,
                            render_cpu_s=done.render_seconds)
        self._record_timings()
        for save_as in done.written:
            signals.content_written.send(str(Path(self.output_path) / save_as), context=self.context)
        # Pelican's own summary counts its articles, which are none here: say what was built.
        console.print(
            f"Archive: {len(self.archive.papers)} papers, {len(self.archive.days)} days; "
            f"{done.rendered} files rendered, {len(done.written)} written, {done.removed} removed, "
            f"{done.unchanged} unchanged."
        )

    def _record_timings(self) -> None:
        write_atomic(self.cache_folder / TIMINGS_FILE, json.dumps(self.timings, indent=1, sort_keys=True).encode())

    def fail_on_problems(self, pelican_object):
        """After everything else is written: posts that were left out fail the build."""
        if self.problems:
            lines = "\n".join(f"error: {line}" for line in self.problems)
            raise SystemExit(f"{lines}\nerror: {len(self.problems)} post(s) left out of the build")


def get_generators(pelican_object):
    return ArchiveGenerator


def register():
    signals.get_generators.connect(get_generators)
