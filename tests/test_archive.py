"""The archive model without Pelican: grouping, ranking, neighbours, paging, and the page
declarations' keys (a key follows exactly what its page shows)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dailypapers import urls
from dailypapers.posts import PostSummary
from dailypapers.site import archive, pages
from dailypapers.site.archive import PaperEntry, TagRef

AGENTS, VISION = TagRef("Agents", "agents"), TagRef("Vision", "vision")
SETTINGS = {"INDEX_DAYS": 2, "TAG_PAGE_SIZE": 3, "SITEURL": "", "FEED_SITEURL": "http://localhost:8000", "AUTHOR_PAGE_MIN_PAPERS": 2, "AUTHOR_FEED_ITEMS": 5}


def entry(day: date, slug: str, upvotes: int = 0, tags=(), title: str | None = None, digest: str | None = None):
    summary = PostSummary(day, slug, title or slug.title(), upvotes, tuple(t.name for t in tags), None)
    return PaperEntry(f"{day}/{slug}.md", digest or f"{day}/{slug}/{upvotes}", summary, lambda path: ({}, "", ""),
                      list(tags))


def test_papers_group_into_linked_days_months_and_years():
    papers = [entry(date(2025, 12, 31), "a"), entry(date(2026, 1, 2), "b"), entry(date(2026, 1, 2), "c"),
              entry(date(2026, 2, 1), "d")]
    site = archive.build(papers)
    assert [d.url for d in site.days] == ["2025/12/31/", "2026/01/02/", "2026/02/01/"]
    assert [m.url for m in site.months] == ["2025/12/", "2026/01/", "2026/02/"]
    assert [y.url for y in site.years] == ["2025/", "2026/"]
    january = site.months[1]
    assert january.previous is site.months[0] and january.next is site.months[2]
    assert january.parent is site.years[1] and [d.start.day for d in january.children] == [2]
    assert site.days[0].next is site.days[1] and site.days[0].previous is None
    assert len(site.days[1].papers) == 2 and site.years[1].title == "2026" and site.days[1].title == "January 2, 2026"


def test_a_day_ranks_by_upvotes_then_title():
    day = date(2026, 1, 7)
    papers = [entry(day, "low", 1), entry(day, "zeta", 9, title="Zeta"), entry(day, "alpha", 9, title="alpha")]
    assert [p.slug for p in archive.build(papers).days[0].ranked] == ["alpha", "zeta", "low"]


def test_tag_pages_never_share_a_paper_and_old_pages_stay_put():
    start = date(2026, 1, 1)
    papers = [entry(start + timedelta(days=n), f"p{n}", tags=[AGENTS]) for n in range(8)]
    before = archive.build(papers).tag_pages(AGENTS, 3)
    # Front page (newest) first: 8 papers make chunks of 3, 3 and 2; the front holds the last full one too.
    assert [(p.number, len(p.papers)) for p in before] == [(2, 5), (1, 3)]
    assert [p.url for p in before] == ["tags/agents/", "tags/agents/page/1/"]
    seen = [paper.slug for page in before for paper in page.papers]
    assert len(seen) == len(set(seen)) == 8
    assert before[1].newer_url == "tags/agents/" and before[0].older_url == "tags/agents/page/1/"
    after = archive.build(papers + [entry(start + timedelta(days=9), "p9", tags=[AGENTS])]).tag_pages(AGENTS, 3)
    assert [(p.number, len(p.papers)) for p in after] == [(3, 3), (1, 3), (2, 3)]
    assert after[1].papers == before[1].papers  # page 1 holds the same papers for good


def test_related_tags_count_papers_shared():
    day = date(2026, 1, 7)
    other = TagRef("Other", "other")
    papers = [entry(day, "a", tags=[AGENTS, VISION]), entry(day, "b", tags=[AGENTS, VISION]),
              entry(day, "c", tags=[AGENTS, other])]
    assert archive.build(papers).related_tags(AGENTS) == [VISION, other]


def keys(site) -> dict[str, str]:
    """Every page's key, batches opened: a batch is kept only when its pages' keys would be."""
    declared = [item for kind in pages.PAGE_TYPES for item in kind(site, SETTINGS)]
    opened = [page for item in declared for page in (item.pages() if isinstance(item, pages.Batch) else [item])]
    return {page.save_as: page.key("build") for page in opened}


def test_a_batch_is_kept_exactly_when_its_pages_are():
    day1, day2 = date(2026, 1, 7), date(2026, 1, 8)
    base = [entry(day1, "a", 5), entry(day1, "b", 3), entry(day2, "c", 1)]

    def batch_keys(papers) -> dict[str, str]:
        return {b.name: b.key("build") for b in pages.paper_pages(archive.build(papers), SETTINGS)}

    before = batch_keys(base)
    after = batch_keys([base[0], entry(day1, "b", 4, digest="b4"), base[2]])
    assert [name for name in before if before[name] != after[name]] == ["papers of 2026/01/07/"]


def test_a_page_key_changes_exactly_when_what_it_shows_changes():
    day1, day2 = date(2026, 1, 7), date(2026, 1, 8)
    base = [entry(day1, "a", 5, [AGENTS]), entry(day1, "b", 3), entry(day2, "c", 1, [AGENTS])]
    before = keys(archive.build(base))
    # An upvote on paper b: its page, its day's lists, its month and year counts do not change.
    edited = [base[0], entry(day1, "b", 4), base[2]]
    changed = {k for k, v in keys(archive.build(edited)).items() if before.get(k) != v}
    assert "2026/01/07/b/index.html" in changed and "2026/01/07/index.html" in changed
    assert "2026/01/07/a/index.html" not in changed and "2026/01/08/c/index.html" not in changed
    assert "tags/agents/index.html" not in changed  # b has no tag
    assert "2026/01/08/index.html" not in changed


def test_a_paper_page_key_covers_its_place_in_the_day_and_its_neighbours():
    day1, day2 = date(2026, 1, 7), date(2026, 1, 8)
    base = [entry(day1, "a", 5), entry(day1, "b", 3), entry(day1, "c", 1), entry(day2, "d", 1)]
    before = keys(archive.build(base))

    def changed(papers) -> set[str]:
        return {k for k, v in keys(archive.build(papers)).items() if before.get(k) != v and k.count("/") == 4}

    # c overtakes b: c's rank, b's rank and a's next neighbour change.
    assert changed([base[0], base[1], entry(day1, "c", 4, digest="c4"), base[3]]) == {
        "2026/01/07/a/index.html", "2026/01/07/b/index.html", "2026/01/07/c/index.html"}
    # b's title, shown as a neighbour's on a's and c's pages.
    assert changed([base[0], entry(day1, "b", 3, title="New", digest="b-new"), base[2], base[3]]) == {
        "2026/01/07/a/index.html", "2026/01/07/b/index.html", "2026/01/07/c/index.html"}
    # One more paper on the day: every paper of that day is now "of 4", the other day's stay.
    assert changed([*base, entry(day1, "e", 0)]) == {f"2026/01/07/{s}/index.html" for s in "abce"}


def test_a_month_of_untagged_papers_redraws_the_tag_index():
    """The drift the page declarations prevent: /tags/ draws a bar per month of the archive."""
    tagged = [entry(date(2026, 1, 7), "a", tags=[AGENTS])]
    before = keys(archive.build(tagged))
    after = keys(archive.build(tagged + [entry(date(2026, 2, 3), "untagged")]))
    assert before[urls.save_as(urls.TAGS)] != after[urls.save_as(urls.TAGS)]


def test_pages_can_only_be_keyed_by_plain_values():
    with pytest.raises(TypeError, match="cannot be keyed"):
        pages.fingerprint(object())
    assert pages.fingerprint({"b": [1, date(2026, 1, 1)], "a": None}) == (("a", None), ("b", (1, date(2026, 1, 1))))


def test_a_tag_slug_from_tags_yaml_cannot_lead_out_of_the_site():
    from dailypapers.vocabulary import TagVocabulary

    vocabulary = TagVocabulary([
        {"name": "Evil", "slug": "../../etc"},
        {"name": "Good", "slug": "good-one", "aliases": ["Older", {"name": "Old", "slug": "../x"}]},
    ])
    assert vocabulary.name_and_slug("Evil") == ("Evil", "evil")
    assert vocabulary.name_and_slug("old") == ("Good", "good-one")
    assert vocabulary.moved == {"older": "good-one", "old": "good-one"}


def test_a_tag_lists_the_newest_day_first_and_each_day_by_upvotes():
    day1, day2 = date(2026, 1, 7), date(2026, 1, 8)
    papers = [entry(day1, "old-top", 90, [AGENTS]), entry(day2, "new-low", 1, [AGENTS]),
              entry(day2, "new-top", 50, [AGENTS]), entry(day1, "old-low", 2, [AGENTS])]
    assert [p.slug for p in archive.build(papers).tags[AGENTS]] == ["new-top", "new-low", "old-top", "old-low"]


def test_a_post_naming_a_tag_by_its_old_and_new_name_has_it_once():
    from dailypapers.site.reader import Reader
    from dailypapers.vocabulary import TagVocabulary

    reader = Reader.__new__(Reader)  # only its tag lookups, no post tree
    reader.vocabulary = TagVocabulary([{"name": "Evaluation", "slug": "evaluation", "aliases": ["Benchmarks"]}])
    reader._tag_lists, reader._tag_refs, reader._refs_by_tag = {}, {}, {}
    assert reader._tags(("Benchmarks", "Evaluation")) == [TagRef("Evaluation", "evaluation")]


def test_an_old_tag_name_leads_to_its_tag_or_to_the_tag_list_while_the_tag_has_no_papers():
    papers = [entry(date(2026, 1, 7), "a", tags=[AGENTS])]
    site = archive.build(papers, {"old-agents": AGENTS.slug, "old-vision": VISION.slug})
    targets = {page.url: page.values["target"] for page in pages.redirects(site, SETTINGS)}
    assert targets == {urls.tag("old-agents"): AGENTS.url, urls.tag("old-vision"): urls.TAGS}
