"""The build cache: what a build remembers between runs, in one SQLite file."""

from __future__ import annotations

import functools
import logging
import os
import pickle
import sqlite3
from pathlib import Path

logger = logging.getLogger(__name__)

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
        "CREATE TABLE IF NOT EXISTS outputs (save_as TEXT PRIMARY KEY, key TEXT, size INTEGER, mtime INTEGER)",
        "CREATE TABLE IF NOT EXISTS batches (name TEXT PRIMARY KEY, key TEXT, members BLOB)",
        "CREATE TABLE IF NOT EXISTS post_index (folder TEXT PRIMARY KEY, entries BLOB)",
        # Similar papers (site/similar.py): term counts by text digest, and one saved state.
        "CREATE TABLE IF NOT EXISTS term_counts (text_key TEXT PRIMARY KEY, counts BLOB)",
    )

    def __init__(self, path: Path, version: str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = None
        self._pid = None
        try:
            self._load(version)
        except (sqlite3.DatabaseError, pickle.UnpicklingError, EOFError, ValueError, TypeError) as error:
            logger.warning("%s: the build cache is damaged (%s): discarded, this build starts afresh", self.path, error)
            self.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._load(version)

    def _load(self, version: str) -> None:
        """Open the cache (emptied when made by other code) and read what every build needs."""
        if self._info("version") != version:
            self._reset(version)
        self._post_index = None  # read when first asked for: a build with nothing to do never is
        rows = self.db.execute("SELECT save_as, key, size, mtime FROM outputs")
        self._outputs = {row[0]: tuple(row[1:]) for row in rows}
        rows = self.db.execute("SELECT name, key, members FROM batches")
        self._batches = {name: (key, pickle.loads(members)) for name, key, members in rows}

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
        # What other code parsed and keyed goes; the record of the files it wrote stays, so
        # that pages this code no longer makes are still removed (their keys, made with the
        # other code's build key, match no page of this one).
        with self.db:
            for table in ("info", "posts", "batches", "post_index", "term_counts"):
                self.db.execute(f"DELETE FROM {table}")
            self.db.execute("INSERT INTO info VALUES ('version', ?)", (version,))

    def post_index(self) -> dict[str, tuple]:
        """path -> (mtime_ns, size, digest, *summary) for every cached post, as the last
        build saved it (see save_post_index); empty when there is none. A damaged index
        is dropped with a warning: every post is read again."""
        if self._post_index is None:
            self._post_index = {}
            try:
                for (entries,) in self.db.execute("SELECT entries FROM post_index"):
                    self._post_index.update(pickle.loads(entries))
            except (sqlite3.DatabaseError, pickle.UnpicklingError, EOFError, ValueError, TypeError) as error:
                self._post_index = {}
                logger.warning("%s: the build cache is damaged (%s): its post index is dropped, every post is read again",
                               self.path, error)
        return self._post_index

    def save_post_index(self, index: dict[str, tuple], changed) -> None:
        """Keep the index as a pickle of plain tuples per month folder: a no-change build reads
        it in a few goes instead of unpickling every post's front matter, and a new day
        rewrites one month's. `changed`: the paths added, changed or gone since the last."""
        folders = {os.path.dirname(os.path.dirname(path)) for path in changed}
        chunks: dict[str, dict] = {folder: {} for folder in folders}
        for path, entry in index.items():
            chunk = chunks.get(os.path.dirname(os.path.dirname(path)))
            if chunk is not None:
                chunk[path] = entry
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO post_index VALUES (?, ?)",
                                [(f, pickle.dumps(c, pickle.HIGHEST_PROTOCOL)) for f, c in chunks.items() if c])
            self.db.executemany("DELETE FROM post_index WHERE folder = ?", [(f,) for f, c in chunks.items() if not c])

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

    def output_records(self) -> dict[str, tuple[str, int, int]]:
        """save_as -> (key, size, mtime_ns) of every file the last builds wrote."""
        return self._outputs

    def batch_records(self) -> dict[str, tuple[str, list[str]]]:
        """batch name -> (key, the save_as of its pages) as the last builds made them."""
        return self._batches

    def built_from(self) -> str | None:
        """The inputs digest of the last build that wrote everything it declared."""
        return self._info("inputs")

    def update_outputs(self, records: dict[str, tuple[str, int, int]], removed, inputs: str,
                       batches: dict[str, tuple[str, list[str]]], removed_batches) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO info VALUES ('inputs', ?)", (inputs,))
            self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)", [(s, *r) for s, r in records.items()])
            self.db.executemany("DELETE FROM outputs WHERE save_as = ?", [(s,) for s in removed])
            self.db.executemany("INSERT OR REPLACE INTO batches VALUES (?, ?, ?)",
                                [(name, key, pickle.dumps(members)) for name, (key, members) in batches.items()])
            self.db.executemany("DELETE FROM batches WHERE name = ?", [(name,) for name in removed_batches])

    def similar_state(self) -> bytes | None:
        row = self.db.execute("SELECT value FROM info WHERE name = 'similar'").fetchone()
        return row[0] if row else None

    def save_similar_state(self, state: bytes) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO info VALUES ('similar', ?)", (state,))

    def term_counts(self, keys: list[str]) -> dict[str, bytes]:
        found = {}
        for start in range(0, len(keys), 900):  # SQLite's bound on parameters
            part = keys[start:start + 900]
            marks = ",".join("?" * len(part))
            found.update(self.db.execute(f"SELECT text_key, counts FROM term_counts WHERE text_key IN ({marks})", part))
        return found

    def put_term_counts(self, rows: dict[str, bytes]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO term_counts VALUES (?, ?)", list(rows.items()))

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None
