"""The API client and the fetch loop against a real HTTP server on 127.0.0.1 that replays
scripted replies (bodies are the recorded API responses in tests/fixtures)."""

import io
import json
import socket
import threading
import time
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import Reply

from dailypapers.ingest import fetch
from dailypapers.ingest.fetch import ApiClient, FetchError
from dailypapers.ingest.inputs import InputError
from dailypapers.ingest.rawstore import RawStore

FIXTURES = Path(__file__).parent / "fixtures"
ONE_PAPER_DAY = (FIXTURES / "hfapi_2025-01-21.json").read_bytes()
DAY = date(2025, 1, 21)
UTC = timezone.utc


class FakeTime:
    """Records sleeps instead of sleeping; the clock moves only by those sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self):
        return self.now


@pytest.fixture
def fake_time():
    return FakeTime()


def make_client(base_url, fake_time, timeout=2.0, max_retries=3, min_interval=0.0):
    return ApiClient(base_url, timeout, max_retries, min_interval, sleep=fake_time.sleep, clock=fake_time.clock)


# The client.


def test_daily_papers_returns_the_list_and_sends_the_user_agent(server, fake_time):
    server.replies = [Reply(body=ONE_PAPER_DAY)]
    client = make_client(server.base_url + "/", fake_time)
    items = client.daily_papers(DAY)
    assert [item["paper"]["id"] for item in items] == ["2501.08325"]
    [(path, headers)] = server.requests
    assert path == "/api/daily_papers?date=2025-01-21"
    assert headers["User-Agent"] == client.user_agent
    assert client.user_agent.startswith("hf-daily-papers-archive/")
    assert fake_time.sleeps == []


def test_empty_day_is_an_empty_list(server, fake_time):
    server.replies = [Reply(body=b"[]")]
    assert make_client(server.base_url, fake_time).daily_papers(DAY) == []


def test_429_waits_retry_after_seconds_then_succeeds(server, fake_time):
    server.replies = [Reply(429, b'{"error": "slow down"}', {"Retry-After": "7"}), Reply(body=ONE_PAPER_DAY)]
    assert len(make_client(server.base_url, fake_time).daily_papers(DAY)) == 1
    assert fake_time.sleeps == [7.0]
    assert len(server.requests) == 2


def test_retry_after_as_http_date_is_measured_from_the_response_date(server, fake_time):
    headers = {"Date": "Wed, 21 Oct 2015 07:28:00 GMT", "Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT"}
    server.replies = [Reply(429, b"", headers), Reply(body=ONE_PAPER_DAY)]
    make_client(server.base_url, fake_time).daily_papers(DAY)
    assert fake_time.sleeps == [30.0]


def test_retry_after_is_capped(server, fake_time):
    server.replies = [Reply(503, b"", {"Retry-After": "86400"}), Reply(body=ONE_PAPER_DAY)]
    make_client(server.base_url, fake_time).daily_papers(DAY)
    assert fake_time.sleeps == [fetch.MAX_RETRY_AFTER]


def test_5xx_is_retried_with_exponential_backoff(server, fake_time):
    server.replies = [Reply(500, b"oops"), Reply(502, b"oops"), Reply(body=ONE_PAPER_DAY)]
    assert len(make_client(server.base_url, fake_time).daily_papers(DAY)) == 1
    assert fake_time.sleeps == [fetch.BACKOFF_FIRST, 2 * fetch.BACKOFF_FIRST]


def test_gives_up_after_max_retries(server, fake_time):
    server.replies = [Reply(500, b"oops")] * 3
    with pytest.raises(FetchError, match=r"HTTP 500 .*gave up after 3 attempts"):
        make_client(server.base_url, fake_time, max_retries=2).daily_papers(DAY)
    assert len(server.requests) == 3


def test_client_errors_are_not_retried(server, fake_time):
    server.replies = [Reply(404, b'{"error": "not found"}')]
    with pytest.raises(FetchError, match="HTTP 404"):
        make_client(server.base_url, fake_time).daily_papers(DAY)
    assert len(server.requests) == 1 and fake_time.sleeps == []


def test_timeout_is_retried(server, fake_time):
    # The slow reply is far slower than the timeout, so a loaded machine cannot blur the two.
    server.replies = [Reply(body=ONE_PAPER_DAY, delay=3.0), Reply(body=ONE_PAPER_DAY)]
    started = time.monotonic()
    items = make_client(server.base_url, fake_time, timeout=0.2).daily_papers(DAY)
    assert len(items) == 1
    assert time.monotonic() - started < 2.5  # the client did not wait for the slow reply
    assert fake_time.sleeps == [fetch.BACKOFF_FIRST]


def test_timeout_every_time_is_a_fetch_error(server, fake_time):
    server.replies = [Reply(delay=1.0), Reply(delay=1.0)]
    with pytest.raises(FetchError, match="timed out .*gave up after 2 attempts"):
        make_client(server.base_url, fake_time, timeout=0.1, max_retries=1).daily_papers(DAY)


def test_connection_refused_is_retried_then_reported(fake_time):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="connection failed"):
        make_client(f"http://127.0.0.1:{port}", fake_time, max_retries=1).daily_papers(DAY)
    assert fake_time.sleeps == [fetch.BACKOFF_FIRST]


def test_invalid_json_is_a_fetch_error(server, fake_time):
    server.replies = [Reply(body=b"<html>maintenance</html>")]
    with pytest.raises(FetchError, match="not valid JSON"):
        make_client(server.base_url, fake_time).daily_papers(DAY)


def test_an_object_instead_of_a_list_is_a_fetch_error(server, fake_time):
    server.replies = [Reply(body=b'{"error": "Invalid date"}')]
    with pytest.raises(FetchError, match="expected a JSON list, got dict: Invalid date"):
        make_client(server.base_url, fake_time).daily_papers(DAY)


def test_requests_keep_the_minimum_interval(server, fake_time):
    server.replies = [Reply(), Reply()]
    client = make_client(server.base_url, fake_time, min_interval=1.5)
    client.daily_papers(DAY)
    fake_time.now += 0.5  # half a second of other work
    client.daily_papers(DAY)
    assert fake_time.sleeps == [1.0]


# Choosing days.


def test_last_complete_day_waits_for_the_settle_hours():
    assert fetch.last_complete_day(datetime(2025, 1, 11, 6, 0, tzinfo=UTC), 6) == date(2025, 1, 10)
    assert fetch.last_complete_day(datetime(2025, 1, 11, 5, 59, 59, tzinfo=UTC), 6) == date(2025, 1, 9)
    tokyo = timezone(timedelta(hours=9))
    assert fetch.last_complete_day(datetime(2025, 1, 11, 15, 0, tzinfo=tokyo), 6) == date(2025, 1, 10)
    with pytest.raises(ValueError):
        fetch.last_complete_day(datetime(2025, 1, 11, 6, 0), 6)


def test_days_in_range_and_refresh():
    assert fetch.days_in_range(date(2024, 12, 30), date(2025, 1, 2)) == [
        date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 2)
    ]
    with pytest.raises(ValueError):
        fetch.days_in_range(date(2025, 1, 2), date(2025, 1, 1))
    now = datetime(2025, 1, 11, 7, 0, tzinfo=UTC)
    assert fetch.days_for_refresh(3, now, 6) == [date(2025, 1, 8), date(2025, 1, 9), date(2025, 1, 10)]
    with pytest.raises(ValueError):
        fetch.days_for_refresh(0, now, 6)


def test_days_for_fetch_with_a_date_is_that_date(tmp_path):
    assert fetch.days_for_fetch(DAY, datetime(2030, 1, 1, tzinfo=UTC), RawStore(tmp_path)) == [DAY]


def test_unreadable_fetch_log_is_an_input_error(tmp_path):
    (tmp_path / RawStore.FETCH_LOG_NAME).write_text("{not json")
    with pytest.raises(InputError, match="fetched.json"):
        fetch.days_for_fetch(None, datetime(2025, 1, 23, tzinfo=UTC), RawStore(tmp_path))


# Fetching days.


def test_fetch_days_saves_raw_imports_and_collects_failures(server, fake_time, tmp_path):
    store = RawStore(tmp_path / "raw")
    server.replies = [Reply(body=ONE_PAPER_DAY), Reply(body=b"[]"), Reply(500, b"oops")]
    calls = []

    def import_day(day, raw_path):
        calls.append((day, raw_path))
        return fetch.ImportCounts(new=1, updated=0)

    days = fetch.days_in_range(date(2025, 1, 21), date(2025, 1, 23))
    summary = fetch.fetch_days(
        days, make_client(server.base_url, fake_time, max_retries=0), store, import_day,
        now=lambda: datetime(2025, 2, 1, tzinfo=UTC), progress=None,
    )

    assert json.loads(store.path_for(date(2025, 1, 21)).read_text()) == json.loads(ONE_PAPER_DAY)
    assert json.loads(store.path_for(date(2025, 1, 22)).read_text()) == []
    assert not store.path_for(date(2025, 1, 23)).exists()
    assert calls == [(date(2025, 1, 21), store.path_for(date(2025, 1, 21)))]  # not called for the empty day
    assert (summary.days_fetched, summary.empty_days, summary.papers_fetched) == (2, 1, 1)
    assert (summary.papers_new, summary.papers_updated) == (1, 0)
    [failure] = summary.failures
    assert failure.startswith("2025-01-23: GET ") and "HTTP 500" in failure
    text = summary.format()
    assert "Fetched 2 day(s), 1 without papers: 1 papers, 1 new, 0 updated." in text
    assert "1 day(s) failed:" in text and "2025-01-23" in text
    assert set(store.read_fetch_log()) == {date(2025, 1, 21), date(2025, 1, 22)}


def test_incomplete_day_is_fetched_again_by_a_later_run(server, fake_time, tmp_path):
    store = RawStore(tmp_path)
    client = make_client(server.base_url, fake_time)
    early = datetime(2025, 1, 22, 3, 0, tzinfo=UTC)  # 2025-01-21 is over, but not settled
    server.replies = [Reply(body=b"[]")]
    summary = fetch.fetch_days([DAY], client, store, now=lambda: early, settle_hours=6, progress=None)
    assert summary.incomplete_days == [DAY]
    assert "Not complete yet" in summary.format()
    assert store.read_fetch_log()[DAY] == {"fetched_at": "2025-01-22T03:00:00+00:00", "complete": False}

    later = datetime(2025, 1, 23, 7, 0, tzinfo=UTC)
    days = fetch.days_for_fetch(None, later, store, settle_hours=6)
    assert days == [DAY, date(2025, 1, 22)]
    server.replies = [Reply(body=ONE_PAPER_DAY), Reply(body=b"[]")]
    summary = fetch.fetch_days(days, client, store, now=lambda: later, settle_hours=6, progress=None)
    assert summary.incomplete_days == [] and summary.failures == []
    assert store.read_fetch_log()[DAY]["complete"] is True
    assert fetch.days_for_fetch(None, later, store, settle_hours=6) == [date(2025, 1, 22)]


def test_empty_reply_does_not_overwrite_a_stored_day_with_papers(server, fake_time, tmp_path):
    store = RawStore(tmp_path)
    store.save(DAY, json.loads(ONE_PAPER_DAY))
    server.replies = [Reply(body=b"[]")]
    summary = fetch.fetch_days([DAY], make_client(server.base_url, fake_time), store, progress=None)
    assert len(store.load(DAY)) == 1
    [failure] = summary.failures
    assert "no papers" in failure and summary.days_fetched == 0


def test_a_failing_import_does_not_stop_the_range(server, fake_time, tmp_path):
    server.replies = [Reply(body=ONE_PAPER_DAY), Reply(body=ONE_PAPER_DAY)]

    def import_day(day, raw_path):
        if day == DAY:
            raise ValueError("broken post")
        return (0, 1)

    days = [DAY, DAY + timedelta(days=1)]
    client = make_client(server.base_url, fake_time)
    summary = fetch.fetch_days(days, client, RawStore(tmp_path), import_day, progress=None)
    assert summary.failures == [f"2025-01-21: import of {tmp_path / '2025-01-21.json'} failed: broken post"]
    assert (summary.days_fetched, summary.papers_updated) == (2, 1)


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal_and_for_several_days(server, fake_time, tmp_path):
    client = make_client(server.base_url, fake_time)
    terminal = FakeTerminal()
    server.replies = [Reply(), Reply()]
    fetch.fetch_days([DAY, DAY + timedelta(days=1)], client, RawStore(tmp_path), progress=terminal)
    assert "] 2/2 2025-01-22" in terminal.getvalue() and terminal.getvalue().endswith("\n")

    single_day = FakeTerminal()
    server.replies = [Reply()]
    fetch.fetch_days([DAY], client, RawStore(tmp_path), progress=single_day)
    assert single_day.getvalue() == ""

    log_file = io.StringIO()
    server.replies = [Reply(), Reply()]
    fetch.fetch_days([DAY, DAY + timedelta(days=1)], client, RawStore(tmp_path), progress=log_file)
    assert log_file.getvalue() == ""


# Servers that never finish, or never arrive.


class _DripHandler(BaseHTTPRequestHandler):
    """A reply sent one byte at a time: the status line and headers too when `drip_head`."""

    def do_GET(self):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"
        if not self.server.drip_head:
            self.wfile.write(head)
            head = b""
        for byte in head + b"[" + b" " * 38 + b"]":
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                return  # the client hung up: what it should do
            time.sleep(0.1)

    def log_message(self, format, *args):
        pass


@pytest.mark.parametrize("drip_head", [False, True], ids=["body", "head"])
def test_a_dripping_server_is_cut_at_the_timeout_and_not_retried(fake_time, drip_head):
    drip = ThreadingHTTPServer(("127.0.0.1", 0), _DripHandler)
    drip.daemon_threads, drip.drip_head = True, drip_head
    threading.Thread(target=drip.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        started = time.monotonic()
        client = make_client(f"http://127.0.0.1:{drip.server_address[1]}", fake_time, timeout=0.3)
        with pytest.raises(FetchError, match=r"timed out: no complete response within 0\.3 s$"):
            client.daily_papers(DAY)
        # A byte every 0.1 s never meets the socket's own 0.3 s timeout; the whole reply would take 4 s.
        assert time.monotonic() - started < 0.3 + fetch.DEADLINE_GRACE + 0.5
        assert fake_time.sleeps == []  # not retried
    finally:
        drip.shutdown()
        drip.server_close()


def test_a_redirect_loop_is_one_line(server, fake_time):
    here = "/api/daily_papers?date=2025-01-21"
    server.replies = [Reply(status=302, headers={"Location": here}) for _ in range(12)]
    with pytest.raises(FetchError) as raised:
        make_client(server.base_url, fake_time).daily_papers(DAY)
    assert str(raised.value) == (
        f"GET {server.base_url}{here}: HTTP 302: redirect loop, or more redirects than urllib follows"
    )
