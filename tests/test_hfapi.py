import copy
import json
from datetime import date
from pathlib import Path

import pytest

from dailypapers.ingest import hfapi

FIXTURES = Path(__file__).parent / "fixtures"
OBSERVED = date(2026, 5, 12)


def load_fixture(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


def parse_fixture(name, requested_day="from name"):
    if requested_day == "from name":
        requested_day = hfapi.requested_day_from_filename(name)
    return hfapi.parse(load_fixture(name), name, requested_day, OBSERVED)


def parse_items(items, requested_day=None):
    return hfapi.parse(json.dumps(items), "test.json", requested_day, OBSERVED)


def first_item(name):
    return copy.deepcopy(json.loads(load_fixture(name))[0])


@pytest.mark.parametrize(
    "name, count",
    [
        ("hfapi_2024-05-28.json", 15),
        ("hfapi_2024-07-09.json", 14),
        ("hfapi_2025-01-21.json", 1),
        ("hfapi_2026-05-11.json", 41),
    ],
)
def test_every_entry_of_the_well_formed_fixtures_parses(name, count):
    result = parse_fixture(name)
    assert result.errors == []
    assert [number for number, _ in result.papers] == list(range(1, count + 1))
    day = hfapi.requested_day_from_filename(name)
    assert result.day == day
    for _, paper in result.papers:
        assert paper.day == day
        assert paper.source == "api" and paper.observed == OBSERVED
        assert paper.title and paper.abstract and paper.arxiv_id
        assert "\n" not in paper.title and "\n" not in paper.abstract
        assert paper.author_count == len(paper.authors) > 0
        assert paper.thumbnail.startswith("https://cdn-thumbnails.huggingface.co/")


def test_2024_generation_takes_the_thumbnail_from_media_url():
    (_, paper), *_ = parse_fixture("hfapi_2024-05-28.json").papers
    assert paper.arxiv_id == "2405.17247"
    assert paper.title == "An Introduction to Vision-Language Modeling"
    assert paper.published == date(2024, 5, 27)
    assert paper.upvotes == 33 and paper.comments == 3
    assert paper.author_count == 41
    assert paper.authors[:3] == ["Florian Bordes", "Richard Yuanzhe Pang", "Anurag Ajay"]
    assert paper.thumbnail == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2405.17247.png"
    assert paper.abstract.startswith(
        "Following the recent popularity of Large Language Models (LLMs), several attempts have been made"
    )
    assert paper.ai_summary is None and paper.ai_keywords == [] and paper.github is None


def test_hard_wrapped_title_is_flowed():
    (_, paper), *_ = parse_fixture("hfapi_2024-07-09.json").papers
    assert paper.title == "MJ-Bench: Is Your Multimodal Reward Model Really a Good Judge for Text-to-Image Generation?"


def test_one_paper_day():
    result = parse_fixture("hfapi_2025-01-21.json")
    [(number, paper)] = result.papers
    assert number == 1
    assert paper.arxiv_id == "2501.08325"
    assert paper.title == "GameFactory: Creating New Games with Generative Interactive Videos"
    assert paper.day == date(2025, 1, 21)
    assert paper.published == date(2025, 1, 14)
    assert (paper.upvotes, paper.comments, paper.author_count) == (28, 2, 6)


def test_2026_generation_has_ai_fields_github_and_organization():
    (_, paper), *_ = parse_fixture("hfapi_2026-05-11.json").papers
    assert paper.arxiv_id == "2512.18181"
    assert paper.ai_summary.startswith("MACE-Dance is a music-driven dance video generation framework")
    assert paper.ai_keywords[:2] == ["Mixture-of-Experts", "diffusion models"]
    assert paper.github == "https://github.com/AMAP-ML/MACE-Dance"
    assert paper.github_stars == 41
    assert paper.organization == "AMAP-ML"
    assert paper.published == date(2026, 5, 7)
    assert (paper.upvotes, paper.comments) == (71, 1)


def test_without_requested_day_the_day_is_submitted_on_daily_else_none():
    result = parse_fixture("hfapi_2026-05-11.json", requested_day=None)
    assert result.day is None
    assert {paper.day for _, paper in result.papers} == {date(2026, 5, 11)}
    older = parse_fixture("hfapi_2024-05-28.json", requested_day=None)
    assert {paper.day for _, paper in older.papers} == {None}


def test_requested_day_wins_over_submitted_on_daily():
    result = parse_fixture("hfapi_2026-05-11.json", requested_day=date(2026, 5, 12))
    assert {paper.day for _, paper in result.papers} == {date(2026, 5, 12)}


def test_python_repr_entries_are_read_as_literals_with_one_notice():
    result = parse_fixture("hfapi_2025-01-10.json", requested_day=None)
    assert result.errors == []
    assert result.day == date(2025, 1, 10)  # the wrapper's `date`
    assert len(result.papers) == 9
    first = result.papers[0][1]
    assert (first.arxiv_id, first.day, first.authors[0]) == ("2501.05441", date(2025, 1, 10), "Yiwen Huang")
    assert result.notices == [
        "hfapi_2025-01-10.json: 9 entries are Python-repr text, not JSON objects: read as Python literals"
    ]


def test_python_repr_that_is_no_literal_is_one_entry_error():
    good = first_item("hfapi_2025-01-21.json")
    items = ["{'paper': __import__('os').system('true')}", "{'paper'", "{1, 2}", repr(good)]
    result = parse_items(items)
    assert [number for number, _ in result.papers] == [4]
    assert [error.split(": ", 2)[1:] for error in result.errors] == [
        ["entry 1", "is the string \"{'paper': __import__('os').system('tr...\": text, and not a readable Python-repr object either"],
        ["entry 2", "is the string \"{'paper'\": text, and not a readable Python-repr object either"],
        ["entry 3", "is text holding a Python set, not an object"],
    ]


def test_bad_entries_are_skipped_and_the_rest_imported():
    good = first_item("hfapi_2025-01-21.json")
    bad_upvotes = copy.deepcopy(good)
    bad_upvotes["paper"]["upvotes"] = "abc"
    bad_authors = copy.deepcopy(good)
    bad_authors["paper"]["authors"] = "Jiwen Yu"
    no_title = copy.deepcopy(good)
    no_title["paper"]["title"] = "  "
    no_title["title"] = ""
    items = [bad_upvotes, "{'paper': []}", {"numComments": 1}, good, bad_authors, no_title]

    result = parse_items(items)

    assert [number for number, _ in result.papers] == [4]
    assert result.errors == [
        "test.json: entry 1 (2501.08325): `paper.upvotes` is the string 'abc', expected a whole number",
        "test.json: entry 2: `paper` is a list, not an object",
        "test.json: entry 3: has no `paper` object",
        "test.json: entry 5 (2501.08325): `paper.authors` is the string 'Jiwen Yu', expected a list",
        "test.json: entry 6 (2501.08325): has no title",
    ]


def test_boolean_is_not_a_count():
    item = first_item("hfapi_2025-01-21.json")
    item["numComments"] = True
    assert parse_items([item]).errors == [
        "test.json: entry 1 (2501.08325): `numComments` is true, expected a whole number"
    ]


def test_bad_timestamp_is_reported():
    item = first_item("hfapi_2025-01-21.json")
    item["paper"]["publishedAt"] = "yesterday"
    [error] = parse_items([item]).errors
    assert "`paper.publishedAt` is the string 'yesterday', expected an ISO date" in error


def test_invalid_json_names_file_and_line():
    result = hfapi.parse('[\n  {"paper": {"id": "1"},\n  oops\n]', "raw.json", None, OBSERVED)
    assert result.papers == []
    [error] = result.errors
    assert error.startswith("raw.json:3: invalid JSON: ")


def test_deeply_nested_json_is_an_error_not_a_crash():
    result = hfapi.parse("[" * 100_000 + "]" * 100_000, "deep.json", None, OBSERVED)
    assert result.errors == ["deep.json:1: invalid JSON: nested too deeply"]


def test_unknown_shape_is_one_error():
    result = hfapi.parse('{"hello": 1}', "x.json", None, OBSERVED)
    assert result.papers == []
    [error] = result.errors
    assert error.startswith("x.json: not a Daily Papers API response") and "hello" in error


def test_empty_day_is_neither_papers_nor_errors():
    result = hfapi.parse("[]", "2025-01-11.json", date(2025, 1, 11), OBSERVED)
    assert result.papers == [] and result.errors == [] and result.day == date(2025, 1, 11)


def test_bare_paper_object_of_the_papers_endpoint():
    # GET /api/papers/{id} returns the `paper` object of a daily item on its own.
    paper_object = first_item("hfapi_2026-05-11.json")["paper"]
    result = hfapi.parse(json.dumps(paper_object), "2512.18181.json", None, OBSERVED)
    [(_, paper)] = result.papers
    assert paper.arxiv_id == "2512.18181"
    assert paper.day == date(2026, 5, 11)  # submittedOnDailyAt
    assert paper.upvotes == 71 and paper.comments is None and paper.thumbnail is None
    assert paper.organization == "AMAP-ML"


def test_single_daily_item():
    item = first_item("hfapi_2025-01-21.json")
    [(_, paper)] = hfapi.parse(json.dumps(item), "item.json", None, OBSERVED).papers
    assert paper.arxiv_id == "2501.08325" and paper.comments == 2


@pytest.mark.parametrize(
    "repo, expected",
    [
        ("AMAP-ML/MACE-Dance", "https://github.com/AMAP-ML/MACE-Dance"),
        ("https://github.com/x/y", "https://github.com/x/y"),
        ("https://github.com/\nFightingFighting/NeuroAda.git", "https://github.com/FightingFighting/NeuroAda.git"),
        ("javascript:alert(1)", None),
        ("javascript://example.org/%0Aalert(1)", None),
        ("ftp://example.org/repo", None),
        ("", None),
    ],
)
def test_github_repo(repo, expected):
    item = first_item("hfapi_2025-01-21.json")
    item["paper"]["githubRepo"] = repo
    [(_, paper)] = parse_items([item]).papers
    assert paper.github == expected


def test_only_http_urls_for_project_page_and_thumbnail():
    item = first_item("hfapi_2025-01-21.json")
    item["paper"]["projectPage"] = "javascript:alert(document.cookie)"
    item["thumbnail"] = "data:image/png;base64,AAAA"
    [(_, paper)] = parse_items([item]).papers
    assert paper.project_page is None and paper.thumbnail is None

    item["paper"]["projectPage"] = " https://sites.google.com/view/adc-robot"
    [(_, paper)] = parse_items([item]).papers
    assert paper.project_page == "https://sites.google.com/view/adc-robot"


def test_abstract_paragraph_breaks_stay_and_line_breaks_flow():
    item = first_item("hfapi_2025-01-21.json")
    item["paper"]["summary"] = "First line\nwraps here.\n\nSecond\r\nparagraph."
    [(_, paper)] = parse_items([item]).papers
    assert paper.abstract == "First line wraps here.\n\nSecond paragraph."


def test_abstract_falls_back_to_the_item_summary():
    item = first_item("hfapi_2025-01-21.json")
    del item["paper"]["summary"]
    item["summary"] = "From\nthe item."
    [(_, paper)] = parse_items([item]).papers
    assert paper.abstract == "From the item."


def test_empty_author_names_are_skipped():
    item = first_item("hfapi_2025-01-21.json")
    item["paper"]["authors"] = [{"name": "A. One"}, {"name": "  "}, {"_id": "x"}, {"name": "B.\nTwo"}]
    [(_, paper)] = parse_items([item]).papers
    assert paper.authors == ["A. One", "B. Two"] and paper.author_count == 2


def test_names_keywords_and_organization_lose_control_characters():
    """A NUL or escape in a name would reach pages as U+FFFD and cannot go into XML feeds."""
    item = first_item("hfapi_2025-01-21.json")
    item["paper"]["authors"] = [{"name": "Ada\x00 Love\x1blace"}, {"name": "\x07"}]
    item["paper"]["ai_keywords"] = ["long\x0c context", "\x01"]
    item["paper"]["organization"] = {"fullname": " Acme\x7f Labs "}
    [(_, paper)] = parse_items([item]).papers
    assert paper.authors == ["Ada Lovelace"] and paper.author_count == 1
    assert paper.ai_keywords == ["long context"]
    assert paper.organization == "Acme Labs"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("data/raw/2024-05-28.json", date(2024, 5, 28)),
        ("tests/fixtures/hfapi_2024-05-28.json", date(2024, 5, 28)),
        ("2024-02-30.json", None),
        ("2024-05-28/papers.json", None),
        ("papers.json", None),
    ],
)
def test_requested_day_from_filename(name, expected):
    assert hfapi.requested_day_from_filename(name) == expected
