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

    assert len(set(source.tag_names)) == synthetic.TAG_COUNT == 300
    originals = {g.slug: g.paper for g in generated}
    for s in stored:
        tags = s.post.meta[posts.TAGS_KEY]
        assert len(set(tags)) == synthetic.TAGS_PER_PAPER == 6
        assert set(tags) <= set(source.tag_names)
        paper = posts.paper_from_post(s.post)
        assert paper.abstract == originals[s.post.slug].abstract  # the body escapes it exactly
        assert 1350 <= len(paper.abstract) <= 1800
        assert 3 <= len(paper.authors) <= 12
        assert paper.arxiv_id and paper.upvotes is not None


def test_same_seed_same_papers_and_later_calls_continue():
    first = synthetic.SyntheticPapers(seed=7)
    second = synthetic.SyntheticPapers(seed=7)
    assert [p.paper for p in first.papers(3, NEWEST_DAY)] == [p.paper for p in second.papers(3, NEWEST_DAY)]

    next_day = NEWEST_DAY + timedelta(days=1)
    titles_before = {p.paper.title for p in synthetic.SyntheticPapers(seed=7).papers(3, NEWEST_DAY)}
    assert titles_before.isdisjoint(p.paper.title for p in first.papers(3, next_day))
