"""The archive's settings: one table of defaults for the importer and the build alike.

A setting's value comes from, in order of precedence: the environment (DAILYPAPERS_<KEY>),
the settings file (pelicanconf.py, keys of the same name), the default here. The command
line reads them with `load`; the build applies the same table to Pelican's settings with
`apply`. A bad value is refused with one line naming the setting.
"""

from __future__ import annotations

import os
import runpy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit


class SettingsError(ValueError):
    """A setting with a value it cannot have; the message is one line for the user."""


def _positive(value) -> str | None:
    return None if value > 0 else "must be more than 0"


def _not_negative(value) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _http_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an http(s) address like https://example.org"
    return None


def _http_url_or_empty(value: str) -> str | None:
    return _http_url(value) if value else None


def _cpu_count() -> int:
    return os.cpu_count() or 1


@dataclass(frozen=True)
class Setting:
    default: Any  # a value, or a function of no arguments that makes one
    meaning: str
    check: Callable[[Any], str | None] | None = None  # a problem with a value, or None
    in_output: bool = True  # False: changes how a build runs, not what it makes

    @property
    def kind(self) -> type:
        return type(self.default() if callable(self.default) else self.default)


SETTINGS: dict[str, Setting] = {
    # Where things are
    "CONTENT_DIR": Setting("content", "posts go to CONTENT_DIR/papers/YYYY/MM/DD/<slug>.md"),
    "RAW_DIR": Setting("data/raw", "raw API responses, one file per day"),
    "TAXONOMY_FILE": Setting("tags.yaml", "the tag taxonomy"),
    "TAG_MODEL_FILE": Setting("tagmodel.npz", "the tag model trained on hand labels (scripts/train_tagger.py); empty: the taxonomy's rules alone"),
    "MAX_TAGS": Setting(6, "tags a paper gets at most", _positive),
    # Fetching
    "HF_API_BASE_URL": Setting("https://huggingface.co", "the API's address", _http_url),
    "HF_API_TIMEOUT": Setting(30.0, "seconds a whole response may take", _positive),
    "HF_API_MAX_RETRIES": Setting(5, "retries on 429, 5xx, timeouts and connection errors", _not_negative),
    "HF_API_MIN_INTERVAL": Setting(1.0, "seconds between two requests: a polite rate limit", _not_negative),
    "HF_API_SETTLE_HOURS": Setting(6.0, "a day is complete this long after it ended in UTC", _not_negative),
    # The site
    "SITEURL": Setting("", "the published address; empty: links relative, for any folder", _http_url_or_empty),
    "FEED_SITEURL": Setting("http://localhost:8000", "absolute base for feeds, sitemaps and the 404 page when SITEURL is empty", _http_url),
    "INDEX_DAYS": Setting(3, "days shown on the home page", _positive),
    "SUMMARY_LENGTH": Setting(280, "characters of the abstract shown in day lists", _positive),
    "TAG_PAGE_SIZE": Setting(100, "papers per tag page", _positive),
    # 10 and 5 keep author pages and feeds near 45 MB at 40,000 papers (README, "Authors").
    "AUTHOR_PAGE_MIN_PAPERS": Setting(10, "papers an author needs for a page (others lead to a search)", _positive),
    "AUTHOR_FEED_ITEMS": Setting(5, "entries of each author's feed (the newest papers)", _positive),
    "FEED_MAX_ITEMS": Setting(100, "entries of the main and the top feed", _positive),
    "FEED_TAG_MAX_ITEMS": Setting(50, "entries of each tag's feeds", _positive),
    "FEED_DAILY_DAYS": Setting(30, "entries (days) of the daily digest", _positive),
    "FEED_WEEKLY_WEEKS": Setting(12, "entries (finished weeks) of the weekly digest", _positive),
    "FEED_TOP_THRESHOLD": Setting(20, "upvotes a paper needs for the top feed", _not_negative),
    "BUILD_PROCESSES": Setting(_cpu_count, "processes that parse posts and render pages", _positive, in_output=False),
}

ENV_PREFIX = "DAILYPAPERS_"


def default(key: str):
    value = SETTINGS[key].default
    return value() if callable(value) else value


def _converted(key: str, value):
    """A value from the environment (text) in the setting's type; checked either way."""
    setting = SETTINGS[key]
    kind = setting.kind
    if isinstance(value, str) and kind is not str:
        try:
            value = kind(value)
        except ValueError:
            raise SettingsError(f"{key}={value!r}: not a {'whole number' if kind is int else 'number'}") from None
    if not isinstance(value, kind) and not (kind is float and isinstance(value, int)) or isinstance(value, bool):
        raise SettingsError(f"{key}={value!r}: must be a {kind.__name__}")
    problem = setting.check(value) if setting.check else None
    if problem:
        raise SettingsError(f"{key}={value!r}: {problem}")
    return value


def resolve(file_values: dict) -> dict:
    """Every setting of the table: the environment over `file_values` over the defaults."""
    resolved = {}
    for key in SETTINGS:
        value = os.environ.get(ENV_PREFIX + key)
        if value is None:
            value = file_values[key] if key in file_values else default(key)
        resolved[key] = _converted(key, value)
    return resolved


def load(config_path: str | os.PathLike | None = "pelicanconf.py") -> dict:
    """The settings for the command line. Raises SettingsError, or whatever the settings
    file itself raises."""
    file_values = {}
    if config_path and Path(config_path).is_file():
        file_values = runpy.run_path(str(config_path))
    return resolve(file_values)


def apply(pelican_settings: dict) -> None:
    """The same table for the build: fills in Pelican's settings. Raises SettingsError."""
    pelican_settings.update(resolve(pelican_settings))


def build_affecting(settings: dict) -> list[tuple[str, str]]:
    """The settings a build's output depends on: every plain upper-case setting but those
    that only change how it runs."""
    return sorted(
        (key, repr(value))
        for key, value in settings.items()
        if key.isupper()
        and not (key in SETTINGS and not SETTINGS[key].in_output)
        and isinstance(value, (str, int, float, bool, list, tuple, dict, type(None)))
    )
