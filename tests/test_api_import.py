"""API JSON through the import command and the fetch commands, into built pages."""

import json

from bs4 import BeautifulSoup
from conftest import FIXTURES, Reply

from dailypapers import posts

API_DAYS = sorted(FIXTURES.glob("hfapi_*.json"))


def load_posts(site):
    return {p.stem: posts.parse(p.read_text(encoding="utf-8")) for p in site.post_files()}


def test_every_schema_generation_imports_and_python_repr_days_are_recovered(site):
    result = site.papers("import", "--scraped-on", "2026-06-01", *map(str, API_DAYS))
    assert result.stderr == f"{FIXTURES / 'hfapi_2025-01-10.json'}: 9 entries are Python-repr text, not JSON objects: read as Python literals\n"
    stored = load_posts(site)
    expected = sum(len(json.loads(p.read_text())) for p in API_DAYS if p.name != "hfapi_2025-01-10.json") + 9
    assert len(stored) == expected
    by_id = {p.meta["arxiv_id"]: p for p in stored.values()}
    mace = by_id["2512.18181"]
    assert mace.meta["date"].isoformat() == "2026-05-11"
    assert mace.meta["paper_authors"][:2] == ["Kaixing Yang", "Jiashu Zhu"]
    assert mace.meta["author_count"] == 10
    assert "\n" not in mace.meta["title"]
    one_day = [p for p in stored.values() if p.meta["date"].isoformat() == "2025-01-21"]
    assert len(one_day) == 1
    again = site.papers("import", "--scraped-on", "2026-06-01", *map(str, API_DAYS), check=False)
    assert f"0 new, 0 updated, {expected} unchanged" in again.stdout


def test_text_copy_and_api_of_one_paper_become_one_post(site):
    site.papers("import", "--scraped-on", "2026-05-11", str(FIXTURES / "textcopy-2026-05-11.txt"))
    assert len(site.post_files()) == 3
    site.papers("import", "--scraped-on", "2026-05-12", str(FIXTURES / "hfapi_2026-05-11.json"))
    stored = load_posts(site)
    api_count = len(json.loads((FIXTURES / "hfapi_2026-05-11.json").read_text()))
    assert len(stored) == api_count
    mace = next(p for p in stored.values() if p.meta.get("arxiv_id") == "2512.18181")
    assert mace.meta["source"] == "api" and mace.meta["paper_authors"]
    assert mace.meta["upvotes"] == 71  # the API copy is the newer observation
    # The text copy again, older: the richer fields and the newer count stay.
    site.papers("import", "--scraped-on", "2026-05-11", str(FIXTURES / "textcopy-2026-05-11.txt"))
    assert load_posts(site) == stored


def test_backfill_fetches_stores_imports_and_builds(site, server):
    day_one = (FIXTURES / "hfapi_2025-01-21.json").read_bytes()
    server.replies = [Reply(body=day_one), Reply(status=500), Reply(body=b"[]")]
    env = {"DAILYPAPERS_HF_API_BASE_URL": server.base_url, "DAILYPAPERS_HF_API_MIN_INTERVAL": "0"}
    result = site.papers("backfill", "--from", "2025-01-21", "--to", "2025-01-22", env=env)
    assert [path for path, _ in server.requests] == [
        "/api/daily_papers?date=2025-01-21",
        "/api/daily_papers?date=2025-01-22",
        "/api/daily_papers?date=2025-01-22",
    ]
    assert "Fetched 2 day(s), 1 without papers: 1 papers, 1 new, 0 updated." in result.stdout
    assert (site.root / "data" / "raw" / "2025-01-21.json").read_bytes().strip()
    (post,) = load_posts(site).values()
    site.build()
    paper_page = site.output / f"2025/01/21/{post.slug}/index.html"
    soup = BeautifulSoup(paper_page.read_text(encoding="utf-8"), "lxml")
    assert soup.h1.get_text() == post.meta["title"]
    assert soup.find("a", href=f"https://arxiv.org/abs/{post.meta['arxiv_id']}") is not None
    authors = soup.select_one(".byline").get_text()
    assert all(name in authors for name in post.meta["paper_authors"])
