"""Raw API responses under `data/raw/`, kept so that re-imports need no network."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ..store import write_atomic
from .inputs import InputError


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
