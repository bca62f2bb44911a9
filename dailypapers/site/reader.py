"""Post files -> the site's paper entries, through the build cache.

A post is parsed again only when its file changed (mtime and size, or failing those its
digest); parsing runs in forked workers, which store each post's front matter, abstract
HTML and text in the cache and send back its summary. A post that fails is reported as
`FILE: key: what is wrong` and left out.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from markdown import Markdown

from ..posts import PostError, PostSummary, body_html, summary, unescape_markdown
from ..store import PostStore, file_digest, read_post
from ..vocabulary import TagVocabulary
from .. import urls
from . import workers
from .archive import PaperEntry, TagRef
from .cache import BuildCache
from .text import render_html_fragment

CACHE_BATCH = 500  # posts a worker stores in the cache at once


@functools.lru_cache(maxsize=1)
def _markdown() -> Markdown:
    return Markdown(extensions=[], output_format="html")


def _parse_posts(files: list[tuple[str, int, int]]) -> list[tuple]:
    """(path, digest, summary) for each post, or (path, error); runs in workers."""
    cache: BuildCache = workers.shared["cache"]
    results, batch = [], []
    for path, _, _ in files:
        try:
            post, digest = read_post(Path(path))
        except PostError as error:
            results.append((path, str(error)))
            continue
        html = render_html_fragment(body_html(post.body, _markdown()))
        batch.append((path, post.meta, html, unescape_markdown(post.body.strip())))
        results.append((path, digest, summary(post.meta)))
        if len(batch) >= CACHE_BATCH:
            cache.put_posts(batch)
            batch = []
    cache.put_posts(batch)
    return results


def _shorter_paths(message: str) -> str:
    """File names in a message relative to the working folder, where the user typed them."""
    return message.replace(os.getcwd() + os.sep, "")


class Reader:
    """Reads the post tree into PaperEntries; `errors` holds one line per post left out."""

    def __init__(self, content_dir: Path, cache: BuildCache, vocabulary: TagVocabulary, processes: int):
        self.store = PostStore(content_dir)
        self.cache = cache
        self.vocabulary = vocabulary
        self.processes = processes
        self.errors: list[str] = []
        self._tag_lists: dict[tuple, list[TagRef]] = {}
        self._tag_refs: dict[str, TagRef] = {}  # by the name a post uses
        self._refs_by_tag: dict[tuple[str, str], TagRef] = {}

    def scan(self) -> list[tuple[str, int, int]]:
        """(path, mtime_ns, size) of every post file; what is no post file goes to `errors`."""
        odd: dict[str, str] = {}
        files = self.store.scan(odd)
        self.errors += [_shorter_paths(line) for line in odd.values()]
        return files

    def entries(self, files: list[tuple[str, int, int]]) -> list[PaperEntry]:
        """The entries of a scan's files, parsing only those the cache does not know as they are."""
        cached = self.cache.post_index()
        current: dict[str, tuple[str, PostSummary]] = {}
        stale, stats = [], {}
        retimed = []  # same bytes, new file times: only the saved index needs them
        for path, mtime, size in files:
            stats[path] = (mtime, size)
            hit = cached.get(path)
            if hit and hit[:2] == (mtime, size):
                current[path] = hit[2:]
            elif hit and hit[2] == file_digest(Path(path)):  # same bytes, new mtime (a fresh checkout)
                current[path] = hit[2:]
                retimed.append(path)
            else:
                stale.append((path, mtime, size))
        for path, *rest in workers.run(_parse_posts, stale, self.processes, cache=self.cache):
            if len(rest) == 1:
                self.errors.append(_shorter_paths(rest[0]))
            else:
                current[path] = tuple(rest)
        gone = set(cached) - set(current)
        self.cache.forget_posts(gone)
        changed = [path for path, _, _ in stale] + retimed + list(gone)
        if changed:
            self.cache.save_post_index({path: stats[path] + entry for path, entry in current.items()}, changed)
        return self._unique_pages(current)

    def _unique_pages(self, current: dict[str, tuple[str, PostSummary]]) -> list[PaperEntry]:
        """Entries in path order; a post whose page another post already has is left out,
        so that no hand edit can write over another paper's page."""
        entries, owner = [], {}
        for path, (digest, post) in sorted(current.items()):
            url = urls.paper(post.day, post.slug)
            if url in owner:
                self.errors.append(_shorter_paths(f"{path}: slug: the page {url} is {owner[url]}'s already"))
                continue
            owner[url] = path
            entries.append(PaperEntry(path, digest, post, self.cache.details, self._tags(post.tags), url))
        return entries

    def _tags(self, names: tuple[str, ...]) -> list[TagRef]:
        refs = self._tag_lists.get(names)
        if refs is None:  # papers share tag lists, and tens of thousands share a few hundred tags
            refs = [self._tag(name) for name in names]
            if len({id(ref) for ref in refs}) < len(refs):  # an old name beside its new one: one tag
                refs = list(dict.fromkeys(refs))
            self._tag_lists[names] = refs
        return refs

    def _tag(self, name: str) -> TagRef:
        ref = self._tag_refs.get(name)
        if ref is None:  # one TagRef per tag, whichever of its names a post uses
            named = self.vocabulary.name_and_slug(name)
            ref = self._tag_refs[name] = self._refs_by_tag.setdefault(named, TagRef(*named))
        return ref
