"""Fetch days of Hugging Face Daily Papers from the API into data/raw/ and hand each day on.

Standard library only (urllib): one GET per day needs no HTTP dependency. urllib's timeout
bounds each socket operation only, so a watchdog (watchdog.py) also cuts a response that is
not complete by the same time from the start (a server dripping a byte every few seconds).

A day's list keeps growing for a while after the day starts, so a day counts as complete only
once it is over in UTC plus HF_API_SETTLE_HOURS; a day fetched earlier is noted as incomplete
in the raw store's fetch log and fetched again by a later run.
"""

from __future__ import annotations

import email.utils
import http.client
import importlib.metadata
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, NamedTuple, TextIO

from ..model import one_line
from ..settings import default as default_setting
from .inputs import InputError
from .rawstore import RawStore
from .watchdog import Watchdog

DEFAULT_SETTLE_HOURS = default_setting("HF_API_SETTLE_HOURS")
MAX_RETRY_AFTER = 300.0  # seconds; a longer Retry-After is waited out this long, then retried
BACKOFF_FIRST = 1.0  # seconds before the first retry; doubles with each further retry
BACKOFF_MAX = 60.0
# The watchdog cuts a response this long after the timeout: a silent server meets the socket's
# own timeout first (and is retried); only a server still sending meets the watchdog.
DEADLINE_GRACE = 0.5


def _version() -> str:
    try:
        return importlib.metadata.version("dailypapers")
    except importlib.metadata.PackageNotFoundError:
        return "dev"


DEFAULT_USER_AGENT = f"hf-daily-papers-archive/{_version()} (Daily Papers archive; Python urllib)"


class FetchError(Exception):
    """A request that failed for good; the message is one line for the user."""


class ApiClient:
    """GET requests to the Hugging Face API with timeouts, retries and a polite rate limit.

    `sleep` and `clock` (monotonic seconds) are injectable so tests need not wait.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float,
        max_retries: int,
        min_interval: float,
        user_agent: str = DEFAULT_USER_AGENT,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {max_retries}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.min_interval = min_interval
        self.user_agent = user_agent
        self._sleep = sleep
        self._clock = clock
        self._last_request_at: float | None = None

    @classmethod
    def from_settings(cls, settings: dict, **kwargs) -> ApiClient:
        return cls(
            settings["HF_API_BASE_URL"],
            timeout=settings["HF_API_TIMEOUT"],
            max_retries=settings["HF_API_MAX_RETRIES"],
            min_interval=settings["HF_API_MIN_INTERVAL"],
            **kwargs,
        )

    def daily_papers(self, day: date) -> list:
        """The day's items as the API returns them; an empty list is a day without papers."""
        url = f"{self.base_url}/api/daily_papers?" + urllib.parse.urlencode({"date": day.isoformat()})
        body = self._get(url)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError) as error:
            raise FetchError(f"GET {url}: the response is not valid JSON ({error})") from None
        if not isinstance(payload, list):
            detail = f": {payload['error']}" if isinstance(payload, dict) and "error" in payload else ""
            raise FetchError(f"GET {url}: expected a JSON list, got {type(payload).__name__}{detail}")
        return payload

    def _get(self, url: str) -> bytes:
        headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
        request = urllib.request.Request(url, headers=headers)
        attempts = self.max_retries + 1
        for attempt in range(attempts):
            self._wait_for_turn()
            watchdog = Watchdog(self.timeout + DEADLINE_GRACE)
            try:
                with watchdog, watchdog.opener().open(request, timeout=self.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as error:
                error.close()
                if str(error.reason).startswith(urllib.request.HTTPRedirectHandler.inf_msg):
                    # urllib's message for it takes three lines
                    raise FetchError(f"GET {url}: HTTP {error.code}: redirect loop, or more redirects than urllib follows") from None
                problem = f"HTTP {error.code} {one_line(str(error.reason))}"
                if error.code != 429 and not 500 <= error.code <= 599:
                    raise FetchError(f"GET {url}: {problem}") from None
                delay = _retry_after_seconds(error.headers)
            except (OSError, http.client.HTTPException) as error:
                if watchdog.expired and not isinstance(getattr(error, "reason", error), TimeoutError):
                    # Not retried: a server this slow most likely drips the next reply too.
                    raise FetchError(f"GET {url}: timed out: no complete response within {self.timeout:g} s") from None
                # Timeouts, refused or reset connections, DNS failures, truncated responses.
                problem = _describe_network_error(error)
                delay = None
            if attempt + 1 < attempts:
                if delay is None:
                    delay = min(BACKOFF_FIRST * 2**attempt, BACKOFF_MAX)
                self._sleep(min(delay, MAX_RETRY_AFTER))
        raise FetchError(f"GET {url}: {problem} (gave up after {attempts} attempts)")

    def _wait_for_turn(self) -> None:
        if self._last_request_at is not None:
            wait = self._last_request_at + self.min_interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_request_at = self._clock()


def _retry_after_seconds(headers) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date measured against the response's own Date
    header (so a skewed local clock does not matter). None when absent or unreadable."""
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        retry_at = email.utils.parsedate_to_datetime(value)
        sent_at = email.utils.parsedate_to_datetime(headers["Date"]) if headers.get("Date") else None
    except (TypeError, ValueError):
        return None
    if retry_at.tzinfo is None:  # RFC 9110 dates are GMT
        retry_at = retry_at.replace(tzinfo=timezone.utc)
    if sent_at is None:
        sent_at = datetime.now(timezone.utc)
    elif sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=timezone.utc)
    return max(0.0, (retry_at - sent_at).total_seconds())


def _describe_network_error(error: Exception) -> str:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError):
        return "timed out"
    return f"connection failed: {one_line(str(reason)) or type(reason).__name__}"


# Days: which ones are complete, which ones to fetch.


def last_complete_day(now: datetime, settle_hours: float = DEFAULT_SETTLE_HOURS) -> date:
    """The newest day that ended in UTC at least `settle_hours` before `now` (timezone-aware)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    settled = now.astimezone(timezone.utc) - timedelta(hours=settle_hours)
    return settled.date() - timedelta(days=1)


def is_complete(day: date, now: datetime, settle_hours: float = DEFAULT_SETTLE_HOURS) -> bool:
    return day <= last_complete_day(now, settle_hours)


def days_for_fetch(
    day: date | None, now: datetime, raw_store: RawStore, settle_hours: float = DEFAULT_SETTLE_HOURS
) -> list[date]:
    """The given day; without one, the last complete day plus every earlier day that was fetched
    before it was complete. Raises InputError when the fetch log is unreadable."""
    if day is not None:
        return [day]
    last = last_complete_day(now, settle_hours)
    pending = {d for d, entry in raw_store.read_fetch_log().items() if not entry["complete"] and d < last}
    return sorted(pending | {last})


def days_in_range(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included."""
    if first > last:
        raise ValueError(f"the range starts ({first}) after it ends ({last})")
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def days_for_refresh(count: int, now: datetime, settle_hours: float = DEFAULT_SETTLE_HOURS) -> list[date]:
    """The last `count` complete days, oldest first."""
    if count < 1:
        raise ValueError(f"the number of days to refresh must be at least 1, not {count}")
    last = last_complete_day(now, settle_hours)
    return days_in_range(last - timedelta(days=count - 1), last)


# Fetching a list of days.


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ImportCounts(NamedTuple):
    """What `on_day` reports back: papers that got a new post, and posts that changed."""

    new: int
    updated: int


@dataclass
class FetchSummary:
    days_fetched: int = 0
    empty_days: int = 0
    papers_fetched: int = 0
    papers_new: int = 0
    papers_updated: int = 0
    incomplete_days: list[date] = field(default_factory=list)  # fetched early: a later run fetches again
    failures: list[str] = field(default_factory=list)  # "YYYY-MM-DD: what went wrong"

    def format(self) -> str:
        lines = [
            f"Fetched {self.days_fetched} day(s), {self.empty_days} without papers: "
            f"{self.papers_fetched} papers, {self.papers_new} new, {self.papers_updated} updated."
        ]
        if self.incomplete_days:
            days = ", ".join(d.isoformat() for d in self.incomplete_days)
            lines.append(f"Not complete yet, to be fetched again by a later run: {days}.")
        if self.failures:
            lines.append(f"{len(self.failures)} day(s) failed:")
            lines.extend("  " + failure for failure in self.failures)
        return "\n".join(lines)


def fetch_days(
    days: list[date],
    client: ApiClient,
    raw_store: RawStore,
    on_day: Callable[[date, Path], ImportCounts | tuple[int, int] | None] | None = None,
    *,
    settle_hours: float = DEFAULT_SETTLE_HOURS,
    now: Callable[[], datetime] = _utc_now,
    progress: TextIO | None = sys.stderr,
) -> FetchSummary:
    """Fetch each day, store its raw response, note it in the fetch log, then call
    on_day(day, raw_path) (the importer) for days with papers. A failing day is recorded
    in the summary and the next day goes on."""
    summary = FetchSummary()
    on_terminal = progress is not None and progress.isatty()
    bar = _ProgressBar(len(days), progress) if len(days) > 1 and on_terminal else None
    for done, day in enumerate(days, 1):
        try:
            _fetch_day(day, client, raw_store, on_day, settle_hours, now, summary)
        except (FetchError, InputError, OSError) as error:
            summary.failures.append(f"{day}: {error}")
        if bar:
            bar.show(done, day)
    if bar:
        bar.close()
    return summary


def _fetch_day(day, client, raw_store, on_day, settle_hours, now, summary: FetchSummary) -> None:
    fetched_at = now()
    items = client.daily_papers(day)
    if not items and raw_store.load(day):
        # A day that had papers does not lose them all: more likely an API hiccup than the truth.
        summary.failures.append(
            f"{day}: the API returned no papers for a day stored with papers; kept {raw_store.path_for(day)}"
        )
        return
    raw_path = raw_store.save(day, items)
    complete = is_complete(day, fetched_at, settle_hours)
    raw_store.record_fetch(day, fetched_at.isoformat(timespec="seconds"), complete)
    summary.days_fetched += 1
    summary.papers_fetched += len(items)
    if not complete:
        summary.incomplete_days.append(day)
    if not items:
        summary.empty_days += 1
        return
    if on_day is None:
        return
    try:
        counts = on_day(day, raw_path)
    except Exception as error:  # noqa: BLE001 - one day's failed import must not end a long backfill
        summary.failures.append(f"{day}: import of {raw_path} failed: {error}")
        return
    if counts is not None:
        new, updated = counts
        summary.papers_new += new
        summary.papers_updated += updated


class _ProgressBar:
    """`[#####.....] 12/580 2024-06-07` redrawn in place on a terminal."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO):
        self.total = total
        self.stream = stream

    def show(self, done: int, day: date) -> None:
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} {day}")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
