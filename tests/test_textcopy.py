from datetime import date

from conftest import FIXTURES

from dailypapers.ingest import textcopy

SAMPLE = FIXTURES / "hf-papers-textcopy-2026-01-07.txt"


def parse(text, scraped_on=date(2026, 1, 7)):
    return textcopy.parse(text, "page.txt", scraped_on)


def test_sample_page_has_46_papers_on_its_day():
    result = parse(SAMPLE.read_text(encoding="utf-8"))
    assert result.errors == []
    assert len(result.papers) == 46
    assert result.day == date(2026, 1, 7)
    first = result.papers[0][1]
    assert first.title == "Helping or Herding? Reward Model Ensembles Mitigate but do not Eliminate Reward Hacking"
    assert first.abstract.startswith("Reward models play a key role")
    assert (first.author_count, first.upvotes, first.published) == (12, 1, date(2023, 12, 14))
    assert all(p.day == date(2026, 1, 7) for _, p in result.papers)
    # "Sep 27, 2025" has no upvote count: 0 upvotes.
    third = result.papers[2][1]
    assert (third.published, third.upvotes) == (date(2025, 9, 27), 0)
    last = result.papers[-1][1]
    assert last.title.startswith("Federated Full-Parameter Tuning")


def test_header_lines_are_not_papers():
    titles = [p.title for _, p in parse(SAMPLE.read_text(encoding="utf-8")).papers]
    assert not {"new", "Subscribe", "Daily Papers", "Jan 7"} & set(titles)


def test_date_without_year_takes_the_scrape_year_or_the_year_before():
    assert textcopy.parse_date("Jan 5", date(2026, 3, 1)) == (date(2026, 1, 5), 0)
    assert textcopy.parse_date("Dec 30 12", date(2026, 1, 7)) == (date(2025, 12, 30), 12)
    assert textcopy.parse_date("Dec 14, 2023 1,024", date(2026, 1, 7)) == (date(2023, 12, 14), 1024)
    assert textcopy.parse_date("Feb 30, 2024", date(2026, 1, 7)) is None
    assert textcopy.parse_date("Foo 3", date(2026, 1, 7)) is None


def test_tricky_fixture_keeps_text_verbatim():
    result = parse((FIXTURES / "textcopy-tricky.txt").read_text(encoding="utf-8"), date(2026, 3, 5))
    assert result.errors == []
    assert result.day == date(2026, 3, 3)
    papers = [p for _, p in result.papers]
    assert len(papers) == 5
    assert papers[0].title.startswith('<script>alert("x")</script> & Friends')
    assert "{% raw %}" in papers[0].abstract and "$39.9" in papers[0].abstract
    assert papers[1].author_count == 1234 and papers[1].upvotes == 1024
    assert papers[2].published == date(2025, 12, 30)


def test_bad_entries_are_reported_with_line_and_skipped():
    text = (
        "Jan 7\n\nGood Paper\n\nAn abstract.\n\n  • 2 authors\n·\nJan 3, 2026 4\n\n"
        "Bad Date Paper\n\nAnother abstract.\n\n  • 3 authors\n·\nJanuary 45, 2026\n\n"
        "No Abstract\n\n  • 1 author\n·\nJan 2, 2026\n\n"
        "Last Good\n\nStill imported.\n\n  • 1 author\n·\nJan 1, 2026\n"
    )
    result = parse(text)
    assert [p.title for _, p in result.papers] == ["Good Paper", "Last Good"]
    assert result.errors == [
        "page.txt:17: cannot read the date line 'January 45, 2026' (expected like 'Dec 14, 2023 12')",
        "page.txt:19: entry has a title but no abstract before its '• N authors' line",
    ]


def test_cut_off_entry_at_the_end_is_reported():
    text = "Jan 7\n\nGood Paper\n\nAn abstract.\n\n  • 2 authors\n·\nJan 3, 2026\n\nCut Paper\n\n" + "x" * 300 + "\n"
    result = parse(text)
    assert len(result.papers) == 1
    assert result.errors == ["page.txt:11: entry ends before its '• N authors' and date lines (file cut off?)"]


def test_text_that_is_not_a_page_reports_no_papers():
    result = parse("hello\nworld\n")
    assert result.papers == [] and result.errors == ["page.txt: no papers found (is this a text copy of huggingface.co/papers?)"]
