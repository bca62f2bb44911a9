"""The post store: the tree of post files, read and written atomically, and its lock.

Every write of source data is atomic and durable (a temp file in the same folder, fsync,
then a rename), so a killed process leaves each file either old or new, never partial.
Both halves use it: the importer writes posts, the build reads them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import posts

POSTS_SUBDIR = "papers"
LOCK_NAME = ".import.lock"


class StoreBusy(Exception):
    """Another import holds the store's lock; the message is one line for the user."""


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write source data (posts, raw responses) atomically and durably."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private; posts and pages are for everyone to read.
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_post(path: Path) -> tuple[posts.Post, str]:
    """A post and a digest of its file's bytes. Raises posts.PostError naming the file."""
    try:
        data = _read_regular_file(path)
        return posts.parse(data.decode("utf-8")), _digest(data)
    except (OSError, UnicodeDecodeError) as error:
        raise posts.PostError(f"{path}: cannot read: {error}") from None
    except posts.PostError as error:
        raise posts.PostError(f"{path}: {error}") from None


def _read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file. Opened without blocking and checked before reading: a FIFO
    put where a post should be would otherwise hang the reader."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise posts.PostError(f"{_not_a_file(mode)}, not a post file: skipped")
        return handle.read()


def _not_a_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a special file"


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return _digest(path.read_bytes())
    except OSError:
        return None


@dataclass
class StoredPost:
    path: Path
    post: posts.Post


class PostStore:
    """The tree of post files under `content/papers/YYYY/MM/DD/<slug>.md`."""

    def __init__(self, content_dir: Path):
        self.root = Path(content_dir) / POSTS_SUBDIR

    def path_for(self, day: date, slug: str) -> Path:
        return self.root / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}" / f"{slug}.md"

    def scan(self, problems: dict[str, str] | None = None) -> list[tuple[str, int, int]]:
        """(path, mtime_ns, size) of every post file, sorted; os.scandir, since pathlib's
        glob costs seconds at tens of thousands of files. A `.md` name that is no regular file
        (a dangling link, a FIFO, a folder) is left out: `problems` gets its path and a line."""
        found = []

        def walk(folder: str, depth: int) -> None:
            try:
                entries = list(os.scandir(folder))
            except OSError:
                return
            for entry in entries:
                if depth < 3 and entry.is_dir():
                    walk(entry.path, depth + 1)
                elif depth == 3 and entry.name.endswith(".md") and not entry.name.startswith("."):
                    try:
                        info = entry.stat()
                    except OSError as error:  # a link to nowhere, or one looping
                        note(entry.path, f"cannot read: {error.strerror or error}")
                        continue
                    if stat.S_ISREG(info.st_mode):
                        found.append((entry.path, info.st_mtime_ns, info.st_size))
                    else:
                        note(entry.path, f"{_not_a_file(info.st_mode)}, not a post file")

        def note(path: str, problem: str) -> None:
            if problems is not None:
                problems[path] = f"{path}: {problem}: skipped"

        walk(str(self.root), 0)
        return sorted(found)

    def load(self, path: Path) -> posts.Post:
        """Raises posts.PostError with the file name in the message."""
        return read_post(path)[0]

    def load_all(self, errors: list[str], files: list[tuple[str, int, int]] | None = None):
        """Every readable post (of `files`, a scan); unreadable ones are reported into
        `errors` and left alone."""
        if files is None:
            problems: dict[str, str] = {}
            files = self.scan(problems)
            errors.extend(problems.values())
        for name, _, _ in files:
            path = Path(name)
            try:
                yield StoredPost(path, self.load(path))
            except posts.PostError as error:
                errors.append(str(error))

    def save(self, path: Path, post: posts.Post) -> bool:
        """Write the post if its text changed. Returns whether it wrote."""
        text = posts.render(post)
        with contextlib.suppress(OSError):
            if path.read_text(encoding="utf-8") == text:
                return False
        write_atomic(path, text)
        return True

    def _remove_leftover_temp_files(self) -> None:
        """write_atomic's temp files that a killed import left behind."""
        for folder, _, names in os.walk(self.root):
            for name in names:
                if name.startswith(".") and name.endswith(".tmp"):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(os.path.join(folder, name))

    @contextlib.contextmanager
    def lock(self, clear_leftovers: bool = False):
        """Hold an exclusive lock for the whole import; a second import fails at once.
        With clear_leftovers, first delete the temp files a killed import left: holding
        the lock, no write is in progress."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock_path = self.root.parent / LOCK_NAME
        with open(lock_path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreBusy(f"{lock_path}: another import is running") from None
            try:
                if clear_leftovers:
                    self._remove_leftover_temp_files()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
