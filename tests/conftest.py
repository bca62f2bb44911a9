"""Shared test helpers: a throwaway site folder with the project's settings and theme,
built by a real `pelican` process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Three days of real listings: the sample text copy, a hostile text copy, an API day.
SAMPLE_DAYS = (
    ("hf-papers-textcopy-2026-01-07.txt", "2026-01-08"),
    ("textcopy-tricky.txt", "2026-03-05"),
    ("hfapi_2026-05-11.json", "2026-05-12"),
)
FIXTURES = REPO / "tests" / "fixtures"
PELICAN = Path(sys.executable).with_name("pelican")


class Site:
    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        root.mkdir(parents=True)
        for name in ("pelicanconf.py", "publishconf.py", "tags.yaml", "tagmodel.npz", "pagefind.yml"):
            shutil.copy(REPO / name, root / name)
        shutil.copytree(REPO / "theme", root / "theme")
        self.content.mkdir()

    def papers(self, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
        """Run scripts/papers.py in the site folder."""
        result = subprocess.run(
            [sys.executable, str(REPO / "scripts" / "papers.py"), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
        )
        if check and result.returncode != 0:
            raise AssertionError(f"papers {args} exited {result.returncode}:\n{result.stderr}")
        return result

    def import_fixtures(self, *names_and_days: tuple[str, str]) -> None:
        """Import fixture files, each as captured on its day: ("file.txt", "YYYY-MM-DD")."""
        for name, scraped_on in names_and_days:
            self.papers("import", "--scraped-on", scraped_on, str(FIXTURES / name))

    def build(self, config: str = "pelicanconf.py", env: dict | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(PELICAN), "content", "-o", "output", "-s", config],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
        )
        if result.returncode != 0 or "ERROR" in result.stdout + result.stderr:
            raise AssertionError(f"pelican failed:\n{result.stdout}\n{result.stderr}")
        return result

    def build_allowing_warnings(self, config: str = "pelicanconf.py") -> subprocess.CompletedProcess:
        """A build that must succeed and may warn; its log lines unwrapped (a wide console)."""
        result = subprocess.run([str(PELICAN), "content", "-o", "output", "-s", config], cwd=self.root,
                                capture_output=True, text=True, env={**os.environ, "COLUMNS": "400"})
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def post_files(self) -> list[Path]:
        return sorted((self.content / "papers").rglob("*.md"))

    def snapshot(self) -> dict[str, bytes]:
        return {str(p.relative_to(self.content)): p.read_bytes() for p in sorted(self.content.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path / "site")


# A real HTTP server on 127.0.0.1 that replays scripted replies, in order.


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"[]"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds the server waits before answering


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append((self.path, dict(self.headers)))
        reply = self.server.replies.pop(0)
        time.sleep(reply.delay)
        self.send_response_only(reply.status)  # no automatic Date: tests set it when they need it
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format, *args):
        pass


class ReplayServer(ThreadingHTTPServer):
    daemon_threads = True  # a reply still sleeping after the client gave up does not block shutdown

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.replies: list[Reply] = []
        self.requests: list[tuple[str, dict]] = []

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address):
        pass  # writing to a client that timed out: expected in the timeout test


@pytest.fixture
def server():
    replay = ReplayServer()
    thread = threading.Thread(target=replay.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield replay
    replay.shutdown()
    replay.server_close()
