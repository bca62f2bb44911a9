"""The build's output files: written only when their bytes change, atomically, and removed
when their page is gone; folders swapped in whole (the search index).

A page is made again when its key changed, or when its file is not as the last build
left it (deleted or edited by hand: its size and modification time, recorded at write
time, differ), so an incremental build always equals a clean one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import workers
from .cache import BuildCache
from .pages import Batch, Page


class OutputError(Exception):
    """The output folder cannot be written; the message is one line for the user."""


@dataclass
class WriteSummary:
    rendered: int = 0
    written: list[str] = field(default_factory=list)
    removed: int = 0
    unchanged: int = 0
    # Where the time went, by page kind: declaring and keying pages (in this process), and
    # rendering them (summed over the workers, so CPU seconds rather than wall-clock).
    declare_seconds: dict[str, float] = field(default_factory=dict)
    render_seconds: dict[str, float] = field(default_factory=dict)


def _stat(path: str | Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _write_groups(groups: list[list[int]]) -> list[tuple[int, bool, tuple[int, int] | None, float]]:
    """(index, written, (size, mtime), seconds) for each pending page of the groups; runs in workers."""
    pending, render, root = workers.shared["pending"], workers.shared["render"], workers.shared["root"]
    done = []
    for group in groups:
        for index in group:
            start = time.perf_counter()
            path = root / pending[index][0].save_as
            written = write_if_changed(path, render(pending[index][0]))
            done.append((index, written, _stat(path), time.perf_counter() - start))
    return done


class Writer:
    def __init__(self, root: Path, cache: BuildCache, processes: int):
        self.root, self.cache, self.processes = root, cache, processes

    def _as_written(self, save_as: str, record: tuple[str, int, int]) -> bool:
        """Whether the file is as the last build wrote it (size and mtime); a string join,
        since pathlib costs seconds over tens of thousands of pages."""
        return _stat(os.path.join(self.root, save_as)) == record[1:]

    def _all_as_written(self, members: list[str], previous: dict, current: dict) -> bool:
        """Whether a batch's files are all as written, and none is claimed by another page."""
        return all(s in previous and s not in current and self._as_written(s, previous[s]) for s in members)

    def is_current(self, inputs: str) -> bool:
        """Whether the last build was made from the same inputs (see write) and left every
        file as it wrote it: then no page needs declaring, let alone rendering."""
        return inputs == self.cache.built_from() and all(self._as_written(s, r) for s, r in self.cache.output_records().items())

    def write(self, pages: Iterable[Page | Batch], build_key: str, render: Callable[[Page], bytes], inputs: str | None) -> WriteSummary:
        """Write what changed. `inputs`: a digest of everything the pages are made from,
        recorded for is_current (None: a build that must not be taken as done)."""
        previous = self.cache.output_records()
        previous_batches = self.cache.batch_records()
        current: dict[str, str] = {}
        pending: list[tuple[Page, str]] = []
        batches: dict[str, tuple[str, list[str]]] = {}  # made again this build
        kept_batches: set[str] = set()
        declare_seconds: dict[str, float] = {}

        def declare(page: Page) -> None:
            key, save_as = page.key(build_key), page.save_as
            if save_as in current:
                raise OutputError(f"two pages would be written to {save_as}")
            current[save_as] = key
            record = previous.get(save_as)
            if record is None or record[0] != key or not self._as_written(save_as, record):
                pending.append((page, key))

        start = time.perf_counter()
        for item in pages:
            if isinstance(item, Batch):
                if item.name in batches or item.name in kept_batches:
                    raise OutputError(f"two batches of pages are named {item.name!r}")
                key, recorded = item.key(build_key), previous_batches.get(item.name)
                if recorded and recorded[0] == key and self._all_as_written(recorded[1], previous, current):
                    current.update((save_as, previous[save_as][0]) for save_as in recorded[1])
                    kept_batches.add(item.name)
                else:
                    members = []
                    for page in item.pages():
                        declare(page)
                        members.append(page.save_as)
                    batches[item.name] = (key, members)
            else:
                declare(item)
            now = time.perf_counter()
            declare_seconds[item.kind] = declare_seconds.get(item.kind, 0.0) + now - start
            start = now
        groups: dict[str, list[int]] = {}
        for index, (page, _) in enumerate(pending):
            groups.setdefault(page.group or page.save_as, []).append(index)
        try:
            done = workers.run(_write_groups, list(groups.values()), self.processes,
                               pending=pending, render=render, root=self.root)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            raise OutputError(f"cannot write the site: {where}{error.strerror or error}") from None
        removed = [save_as for save_as in previous if save_as not in current]
        for save_as in removed:
            remove_output(self.root / save_as)
        records = {pending[i][0].save_as: (pending[i][1], *stat) for i, _, stat, _ in done if stat}
        removed_batches = set(previous_batches) - kept_batches - set(batches)
        self.cache.update_outputs(records, removed, inputs, batches, removed_batches)
        written = sorted(pending[i][0].save_as for i, was_written, _, _ in done if was_written)
        render_seconds: dict[str, float] = {}
        for index, _, _, seconds in done:
            kind = pending[index][0].kind
            render_seconds[kind] = render_seconds.get(kind, 0.0) + seconds
        return WriteSummary(len(pending), written, len(removed), len(current) - len(pending),
                            declare_seconds, render_seconds)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write built output only when its bytes differ, so unchanged pages keep their mtime.

    Atomic through a fixed temp name beside the file (one build writes each file from one
    process), which is much cheaper than mkstemp's random names for tens of thousands of
    pages; no fsync, since a build can be run again."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    temporary = path.with_name("." + path.name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
    return True


def remove_output(path: Path) -> None:
    """Delete a built file that no longer has a page, and its folder once empty."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    with contextlib.suppress(OSError):
        path.parent.rmdir()


def read_bytes_if_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def remove_tree(path: Path) -> None:
    """Delete a file, or a folder with all it holds; nothing when it is not there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def replace_folder(fresh: Path, target: Path) -> None:
    """Put the folder `fresh` in `target`'s place. Folders cannot be swapped in one rename:
    the old one steps aside first, so `target` is only ever whole (or, between two
    renames, briefly missing)."""
    old = target.with_name(f".{target.name}.old")
    remove_tree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    remove_tree(old)
