from collections import Counter
from datetime import date, timedelta

from dailypapers import posts
from dailypapers.ingest import synthetic
from dailypapers.store import PostStore

NEWEST_DAY = date(2026, 6, 30)


def test_posts_parse_back_as_specified(tmp_path):
    source = synthetic.SyntheticPapers()
    generated = list(source.papers(50, NEWEST_DAY))
    assert synthetic.write_posts(tmp_path, generated) == 50

    errors = []
    stored = list(PostStore(tmp_path).load_all(errors))
    assert errors == []
    assert len(stored) == 50

    per_day = Counter(posts.post_date(s.post) for s in stored)
    assert per_day == {NEWEST_DAY: 40, NEWEST_DAY - timedelta(days=1): 10}

    assert len(set(source.tag_names)) == synthetic.TAG_COUNT == 83
    originals = {g.slug: g.paper for g in generated}
    for s in stored:
        tags = s.post.meta[posts.TAGS_KEY]
        assert 1 <= len(set(tags)) == len(tags) <= 6
        assert set(tags) <= set(source.tag_names)
        paper = posts.paper_from_post(s.post)
        assert paper == originals[s.post.slug]  # every field, and the body escapes the abstract exactly
        assert 1250 <= len(paper.abstract) <= 1800
        assert 1 <= len(paper.authors) == len(set(paper.authors)) <= synthetic.MAX_AUTHORS
        assert paper.arxiv_id and paper.upvotes is not None and paper.thumbnail


def test_shaped_like_the_real_corpus():
    """The figures the README's benchmark section compares with the real corpus."""
    generated = [p.paper for p in synthetic.SyntheticPapers().papers(4000, NEWEST_DAY)]
    papers_of = Counter(author for paper in generated for author in paper.authors)
    assert 0.55 < sum(1 for n in papers_of.values() if n == 1) / len(papers_of) < 0.7  # real: 0.59
    assert 15 < max(papers_of.values()) <= synthetic.MAX_PAPERS_PER_AUTHOR  # a long tail, but bounded
    authors_per_paper = sorted(len(paper.authors) for paper in generated)
    assert authors_per_paper[len(generated) // 2] in range(5, 10)  # real median: 7
    with_organization = [paper.organization for paper in generated if paper.organization]
    assert 0.25 < len(with_organization) / len(generated) < 0.35  # real: 0.295
    assert len(set(with_organization)) < len(with_organization) / 2  # organizations recur
    assert 0.3 < sum(1 for paper in generated if paper.github) / len(generated) < 0.45  # real: 0.37


def test_same_seed_same_papers_and_later_calls_continue():
    first = synthetic.SyntheticPapers(seed=7)
    second = synthetic.SyntheticPapers(seed=7)
    assert [p.paper for p in first.papers(3, NEWEST_DAY)] == [p.paper for p in second.papers(3, NEWEST_DAY)]

    next_day = NEWEST_DAY + timedelta(days=1)
    titles_before = {p.paper.title for p in synthetic.SyntheticPapers(seed=7).papers(3, NEWEST_DAY)}
    assert titles_before.isdisjoint(p.paper.title for p in first.papers(3, next_day))
