from datetime import date

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

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


# Damaged copies: each problem costs its own entry at most.

ENTRY = "{title}\n\n{abstract}\n\n  • 2 authors\n·\nJan 3, 2026 4\n\n"
ABSTRACT = "We study a thing at length, and show that it works better than the other thing."


def page(*titles, header="Daily Papers\n\nJan 7\n\n"):
    return header + "".join(ENTRY.format(title=title, abstract=f"({title}) {ABSTRACT}") for title in titles)


def test_an_entry_without_authors_and_date_lines_does_not_swallow_the_next_paper():
    text = page("First Paper").replace("  • 2 authors\n·\nJan 3, 2026 4\n\n", "", 1) + page("Second Paper", header="")
    result = parse(text)
    assert result.errors == ["page.txt:5: entry has no '• N authors' and date lines"]
    [(line, second)] = result.papers
    assert (line, second.title, second.abstract) == (9, "Second Paper", f"(Second Paper) {ABSTRACT}")


def test_several_lost_trailers_in_a_row_are_each_reported():
    lost = "".join(f"Lost {n}\n\n{ABSTRACT}\n\n" for n in range(3))
    result = parse(page("Kept") + lost + page("Last", header=""))
    assert [p.title for _, p in result.papers] == ["Kept", "Last"]
    assert result.errors == [f"page.txt:{line}: entry has no '• N authors' and date lines" for line in (13, 17, 21)]


def test_a_multi_paragraph_abstract_stays_one_entry():
    text = "Jan 7\n\nA Title\n\nFirst paragraph of the abstract.\n\nSecond paragraph, code at github.\n\n  • 1 author\n·\nJan 3, 2026\n"
    [(_, paper)] = parse(text).papers
    assert paper.abstract == "First paragraph of the abstract.\n\nSecond paragraph, code at github."


@pytest.mark.parametrize("title", ["Daily Papers", "Subscribe", "new", "Previous"])
def test_a_first_paper_titled_like_page_chrome_is_a_paper(title):
    result = parse(page(title, "Other"))
    assert result.errors == [] and [p.title for _, p in result.papers] == [title, "Other"]
    assert result.day == date(2026, 1, 7)
    without_header = parse(page(title, "Other", header="new\n\nSubscribe\n\n"))
    assert [p.title for _, p in without_header.papers] == [title, "Other"]


def test_feb_29_header_in_a_year_without_one_is_one_error_and_no_misfiling():
    result = parse(page("A Paper", "Another", header="Daily Papers\n\nFeb 29\n\n"), scraped_on=date(2026, 3, 2))
    assert result.papers == []
    assert result.errors == [
        "page.txt:3: page header: 'Feb 29' has no year, and 2026 (from the capture day 2026-03-02) has no Feb 29:"
        " give the day the page was copied (--scraped-on, SCRAPED_ON=YYYY-MM-DD); its 2 paper(s) are skipped"
    ]
    leap = parse(page("A Paper", header="Daily Papers\n\nFeb 29\n\n"), scraped_on=date(2024, 3, 2))
    assert leap.errors == [] and leap.day == date(2024, 2, 29)
    # Scraped in January, a year-less Feb 29 lies in the year before: a leap year here.
    assert textcopy.parse_date("Feb 29", date(2025, 1, 10)) == (date(2024, 2, 29), 0)


def test_a_later_page_with_a_bad_header_costs_only_its_own_papers():
    second = page("Skipped", header="Daily Papers\n\nFeb 29\n\n")
    result = parse(page("Kept") + second + page("Also Kept", header="Daily Papers\n\nJan 8\n\n"), scraped_on=date(2026, 3, 2))
    assert [(p.title, p.day) for _, p in result.papers] == [("Kept", date(2026, 1, 7)), ("Also Kept", date(2026, 1, 8))]
    assert len(result.errors) == 1 and "its 1 paper(s) are skipped" in result.errors[0]


@pytest.mark.parametrize(
    "damage, message",
    [
        ("  • 2 authors", "page.txt:17: the author count 999999999999... (5000 digits) is not a plausible number"),
        ("Jan 3, 2026 4", "page.txt:19: the upvote count 999999999999... (5000 digits) is not a plausible number"),
    ],
)
def test_numbers_with_thousands_of_digits_cost_their_entry(damage, message):
    huge = damage.replace("2", "9" * 5000) if "authors" in damage else "Jan 3, 2026 " + "9" * 5000
    text = page("First", "Second", "Third")
    second = text.index("Second")
    text = text[:second] + text[second:].replace(damage, huge, 1)
    result = parse(text)
    assert [p.title for _, p in result.papers] == ["First", "Third"]
    [error] = result.errors
    assert error.startswith(message)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab .·•\n\t\x00") + ["Jan 7", "Feb 29", "3 authors", "Daily Papers", "9" * 30]), max_size=80).map("".join))
def test_any_text_parses_without_raising(text):
    result = parse(text)
    assert result.papers or result.errors


@settings(max_examples=30, deadline=None)
@given(st.lists(st.booleans(), min_size=3, max_size=8))
def test_losing_any_trailers_costs_only_those_entries(keeps):
    titles = [f"Paper Number {n}" for n in range(len(keeps))]
    text = page(*titles)
    for title, keep in zip(titles, keeps):
        if not keep:
            start = text.index(f"({title})")
            text = text[:start] + text[start:].replace("  • 2 authors\n·\nJan 3, 2026 4\n\n", "", 1)
    result = parse(text)
    kept = [title for title, keep in zip(titles, keeps) if keep]
    lost_before_a_kept = [t for n, (t, keep) in enumerate(zip(titles, keeps)) if not keep and any(keeps[n:])]
    assert [p.title for _, p in result.papers] == kept
    assert all(p.abstract == f"({p.title}) {ABSTRACT}" for _, p in result.papers)
    assert len(result.errors) == len(lost_before_a_kept) + (not keeps[-1])
