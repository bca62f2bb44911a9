"""Shared test helpers: a throwaway site folder with the project's settings and theme,
built by a real `pelican` process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
PELICAN = Path(sys.executable).with_name("pelican")


class Site:
    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        root.mkdir(parents=True)
        for name in ("pelicanconf.py", "publishconf.py", "tags.yaml"):
            shutil.copy(REPO / name, root / name)
        shutil.copytree(REPO / "theme", root / "theme")
        self.content.mkdir()

    def papers(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run scripts/papers.py in the site folder."""
        result = subprocess.run(
            [sys.executable, str(REPO / "scripts" / "papers.py"), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"papers {args} exited {result.returncode}:\n{result.stderr}")
        return result

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

    def post_files(self) -> list[Path]:
        return sorted((self.content / "papers").rglob("*.md"))

    def snapshot(self) -> dict[str, bytes]:
        return {str(p.relative_to(self.content)): p.read_bytes() for p in sorted(self.content.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path / "site")
