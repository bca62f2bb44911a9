"""All file I/O: reading inputs, the post tree, raw API responses, the import lock,
the build's cache, its output files and the search index's folders.

Every write is atomic (a temp file in the same folder, then a rename), so a killed
process leaves each file either old or new, never partial. Source data is also fsynced;
built output is not, since a build can always be run again.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import functools
import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import posts

POSTS_SUBDIR = "papers"
LOCK_NAME = ".import.lock"


class InputError(Exception):
    """An input file that cannot be read at all; the message is one line for the user."""


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


def read_input_text(path: Path) -> str:
    """The text of an input file, with newlines normalized. Raises InputError.

    UTF-8 (a byte-order mark is dropped), or UTF-16 when a byte-order mark says so (Windows'
    "Unicode" text files). Anything else, cp1252 or Latin-1 included, is reported rather than
    guessed at: a wrong guess would write garbled titles into posts, and slugs never change."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{path}: starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
        binary = "\x00" in text[:8192]
    else:
        raw = raw.removeprefix(codecs.BOM_UTF8)
        binary = b"\x00" in raw[:8192]
        if not binary:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                line = raw[: error.start].count(b"\n") + 1
                raise InputError(f"{path}:{line}: not valid UTF-8 (byte 0x{raw[error.start]:02x})") from None
    if binary:
        raise InputError(f"{path}: binary file (NUL bytes), not a text copy or JSON")
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_post(path: Path) -> tuple[posts.Post, str]:
    """A post and a digest of its file's bytes. Raises posts.PostError naming the file."""
    try:
        data = path.read_bytes()
        return posts.parse(data.decode("utf-8")), _digest(data)
    except (OSError, UnicodeDecodeError) as error:
        raise posts.PostError(f"{path}: cannot read: {error}") from None
    except posts.PostError as error:
        raise posts.PostError(f"{path}: {error}") from None


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return _digest(path.read_bytes())
    except OSError:
        return None


def folder_identity(path: Path) -> str:
    """Which folder this is: a folder deleted and made again is a different one."""
    try:
        info = os.stat(path)
    except OSError:
        return "missing"
    return f"{info.st_dev}:{info.st_ino}:{os.path.realpath(path)}"


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

    def iter_paths(self):
        yield from (Path(path) for path, _, _ in self.scan())

    def scan(self) -> list[tuple[str, int, int]]:
        """(path, mtime_ns, size) of every post file, sorted; os.scandir, since pathlib's
        glob costs seconds at tens of thousands of files."""
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
                    info = entry.stat()
                    found.append((entry.path, info.st_mtime_ns, info.st_size))

        walk(str(self.root), 0)
        return sorted(found)

    def load(self, path: Path) -> posts.Post:
        """Raises posts.PostError with the file name in the message."""
        return read_post(path)[0]

    def load_all(self, errors: list[str]):
        """Every readable post; unreadable ones are reported into `errors` and left alone."""
        for path in self.iter_paths():
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
                raise InputError(f"{lock_path}: another import is running") from None
            try:
                if clear_leftovers:
                    self._remove_leftover_temp_files()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class RawStore:
    """Raw API responses under `data/raw/YYYY-MM-DD.json`, kept so re-imports need no network."""

    # day -> {"fetched_at": ISO timestamp, "complete": bool}: which days need fetching again.
    FETCH_LOG_NAME = "fetched.json"

    def __init__(self, raw_dir: Path):
        self.root = Path(raw_dir)

    def path_for(self, day: date) -> Path:
        return self.root / f"{day.isoformat()}.json"

    def save(self, day: date, payload) -> Path:
        path = self.path_for(day)
        write_atomic(path, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
        return path

    def load(self, day: date):
        """The stored response of a day; None when there is none or it is not readable JSON."""
        try:
            return json.loads(self.path_for(day).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            return None

    def read_fetch_log(self) -> dict[date, dict]:
        """Raises InputError when the log exists but is not what record_fetch writes."""
        path = self.root / self.FETCH_LOG_NAME
        try:
            log = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise InputError(f"{path}: cannot read the fetch log: {error}") from None
        if not isinstance(log, dict):
            raise InputError(f"{path}: the fetch log is not a JSON object")
        entries = {}
        for key, entry in log.items():
            try:
                day = date.fromisoformat(key)
            except ValueError:
                raise InputError(f"{path}: {key!r} is not a YYYY-MM-DD day") from None
            if not isinstance(entry, dict) or not isinstance(entry.get("complete"), bool):
                raise InputError(f"{path}: the entry of {key} has no true/false `complete`")
            entries[day] = entry
        return entries

    def record_fetch(self, day: date, fetched_at: str, complete: bool) -> None:
        log = {d.isoformat(): entry for d, entry in self.read_fetch_log().items()}
        log[day.isoformat()] = {"fetched_at": fetched_at, "complete": complete}
        text = json.dumps(dict(sorted(log.items())), indent=1) + "\n"
        write_atomic(self.root / self.FETCH_LOG_NAME, text)


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


class BuildCache:
    """The build's memory between runs, in one SQLite file: each post file's parsed form
    (keyed by path, valid while its mtime and size, or failing those its digest, match)
    and the key each output file was last built from.

    Metadata is read for all posts at once; the abstracts' HTML and text only on demand.
    A cache is only ever a shortcut: a missing or damaged file means a full build.
    """

    SCHEMA = (
        "CREATE TABLE IF NOT EXISTS info (name TEXT PRIMARY KEY, value TEXT)",
        "CREATE TABLE IF NOT EXISTS posts (path TEXT PRIMARY KEY, meta BLOB, html TEXT, text TEXT)",
        "CREATE TABLE IF NOT EXISTS outputs (save_as TEXT PRIMARY KEY, key TEXT)",
    )

    def __init__(self, path: Path, version: str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = None
        self._pid = None
        try:
            if self._info("version") != version:
                self._reset(version)
        except sqlite3.DatabaseError:
            self.path.unlink(missing_ok=True)
            self._connection = None
            self._reset(version)

    @property
    def db(self) -> sqlite3.Connection:
        # A forked worker must not use its parent's connection: each process opens its own.
        if self._connection is None or self._pid != os.getpid():
            # Parse workers write at once: wait for each other's batches.
            self._connection = sqlite3.connect(self.path, timeout=120)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=OFF")
            self._pid = os.getpid()
            for statement in self.SCHEMA:
                self._connection.execute(statement)
        return self._connection

    def _info(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM info WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def _reset(self, version: str) -> None:
        with self.db:
            for table in ("info", "posts", "outputs"):
                self.db.execute(f"DELETE FROM {table}")
            self.db.execute("INSERT INTO info VALUES ('version', ?)", (version,))

    def post_index(self) -> dict[str, tuple]:
        """path -> (mtime_ns, size, digest, *summary) for every cached post, as the last
        build saved it (see save_post_index); empty when there is none."""
        row = self.db.execute("SELECT value FROM info WHERE name = 'index'").fetchone()
        return pickle.loads(row[0]) if row else {}

    def save_post_index(self, index: dict[str, tuple]) -> None:
        """Keep the index as one pickle of plain tuples: a no-change build reads it in
        one go instead of unpickling every post's front matter."""
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO info VALUES ('index', ?)", (pickle.dumps(index, pickle.HIGHEST_PROTOCOL),)
            )

    def put_posts(self, rows: list[tuple]) -> None:
        """rows of (path, meta, html, text); whether a row is current is the post index's
        business (its file's time, size and digest)."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?)",
                [(p, pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL), h, t) for p, meta, h, t in rows],
            )


    def forget_posts(self, paths) -> None:
        with self.db:
            self.db.executemany("DELETE FROM posts WHERE path = ?", [(p,) for p in paths])

    def details(self, path: str) -> tuple[dict, str, str]:
        """A post's front matter, abstract HTML and abstract text (the last few thousand
        asked for are kept: a page asks for a paper's details several times)."""
        return self._recent_details(path)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one cache per build, which ends with it
    def _recent_details(self, path: str) -> tuple[dict, str, str]:
        row = self.db.execute("SELECT meta, html, text FROM posts WHERE path = ?", (path,)).fetchone()
        return (pickle.loads(row[0]), row[1], row[2]) if row else ({}, "", "")

    def output_folder(self) -> str | None:
        return self._info("output")

    def set_output_folder(self, identity: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO info VALUES ('output', ?)", (identity,))

    def output_keys(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT save_as, key FROM outputs"))

    def update_output_keys(self, changed: dict[str, str], removed) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?)", list(changed.items()))
            self.db.executemany("DELETE FROM outputs WHERE save_as = ?", [(s,) for s in removed])

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None
