"""One settings table for the command line and the build: defaults, the settings file, the
environment; a bad value is one line naming the setting."""

from __future__ import annotations

import os
import subprocess

import pytest
from conftest import FIXTURES, PELICAN

from dailypapers import settings


def test_the_environment_wins_over_the_file_and_the_file_over_the_default(monkeypatch):
    monkeypatch.setenv("DAILYPAPERS_TAG_PAGE_SIZE", "7")
    resolved = settings.resolve({"TAG_PAGE_SIZE": 50, "INDEX_DAYS": 5})
    assert resolved["TAG_PAGE_SIZE"] == 7 and resolved["INDEX_DAYS"] == 5
    assert resolved["FEED_MAX_ITEMS"] == settings.default("FEED_MAX_ITEMS")


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("HF_API_TIMEOUT", "-1", "HF_API_TIMEOUT=-1.0: must be more than 0"),
        ("HF_API_BASE_URL", "not-a-url", "HF_API_BASE_URL='not-a-url': must be an http(s) address like https://example.org"),
        ("TAG_PAGE_SIZE", "many", "TAG_PAGE_SIZE='many': not a whole number"),
        ("SITEURL", "ftp://example.org", "SITEURL='ftp://example.org': must be an http(s) address like https://example.org"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(monkeypatch, key, value, message):
    monkeypatch.setenv("DAILYPAPERS_" + key, value)
    with pytest.raises(settings.SettingsError) as raised:
        settings.resolve({})
    assert str(raised.value) == message


def test_the_command_line_and_the_build_refuse_a_bad_setting_in_one_line(site):
    bad = {"DAILYPAPERS_HF_API_TIMEOUT": "-1"}
    result = site.papers("import", str(FIXTURES / "textcopy-tricky.txt"), check=False, env=bad)
    assert result.returncode == 2 and result.stderr.strip().splitlines() == [
        "error: HF_API_TIMEOUT=-1.0: must be more than 0"
    ]
    build = subprocess.run([str(PELICAN), "content", "-o", "output", "-s", "pelicanconf.py"], cwd=site.root,
                           capture_output=True, text=True, env={**os.environ, **bad})
    assert build.returncode != 0 and "Traceback" not in build.stdout + build.stderr
    assert build.stderr.strip().splitlines()[-1] == "error: HF_API_TIMEOUT=-1.0: must be more than 0"


def test_the_environment_reaches_the_build(site):
    site.import_fixtures(("hf-papers-textcopy-2026-01-07.txt", "2026-01-08"))
    site.build()
    assert not list(site.output.glob("tags/*/page/1/index.html"))  # 46 papers: every tag fits one page
    site.build(env={"DAILYPAPERS_TAG_PAGE_SIZE": "1"})
    assert list(site.output.glob("tags/*/page/1/index.html"))
