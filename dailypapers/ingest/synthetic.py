"""Synthetic papers in the archive's post format, for the build benchmark and tests.

Shaped like the real corpus (9,877 papers of 2024-2026; README "Benchmark data"), since
the build's costs follow that shape: author lists with a long tail and authors who recur
by preferential attachment (most write one paper, a few dozens), organizations on about
three papers in ten, a skewed choice of 83 tags, AI keywords and summaries, code links,
thumbnails, and abstracts whose words follow their tags (and sometimes a model family),
so that similar papers and search have structure to find.

Deterministic: one seed gives the same vocabulary, tags, authors and papers on every
run, so timings of two runs (or two versions of the build) compare the same content.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .. import posts
from ..model import Paper, slugify
from ..store import PostStore

SEED = 20260630
PAPERS_PER_DAY = 40
TAG_COUNT = 83
# Tags per paper, as often as in the real corpus (1 to 6; mostly 2 or 3).
TAGS_PER_PAPER_WEIGHTS = {1: 22, 2: 33, 3: 26, 4: 14, 5: 4, 6: 1}
# Authors per paper: log-normal around the real median of 7 (mean 10), at most MAX_AUTHORS.
AUTHORS_MEDIAN, AUTHORS_SPREAD, MAX_AUTHORS = 7, 0.87, 700
# The chance that an author slot goes to someone new; otherwise to a known author in
# proportion to their papers so far. 0.41 gives the real corpus's 41,305 authors for
# 9,877 papers, 59% of them with one paper.
NEW_AUTHOR = 0.41
# Careers end: an author this prolific is not drawn again (the real corpus's most prolific
# author has 114 papers), or the first authors drawn would be on a tenth of all papers.
MAX_PAPERS_PER_AUTHOR = 150
ORGANIZATION_SHARE, NEW_ORGANIZATION = 0.295, 0.26
# Shares of papers with each optional field, as in the real corpus.
KEYWORDS_SHARE, SUMMARY_SHARE, GITHUB_SHARE, STARS_SHARE, PROJECT_SHARE = 0.64, 0.58, 0.37, 0.30, 0.29
FAMILY_SHARE = 0.15  # papers of a named model family (Qwen, LLaVA, ... in the real corpus)
TOPIC_WORDS, TOPIC_EVERY = 40, 3  # words per tag; every third word of a text is one of its tags'
# An abstract is whole sentences; it stops at the first sentence ending past a length
# drawn from this range, which puts the lengths around 1,400 characters.
ABSTRACT_MIN_CHARS = (1250, 1400)
# Upvotes: log-normal around the real median of 6 (90th percentile 29).
UPVOTES_MEDIAN, UPVOTES_SPREAD = 6, 1.15

_CONSONANTS = "bcdfghklmnprstvz"
_VOWELS = "aeiou"
# Tokens seen in real abstracts, among them characters post bodies must escape for
# Markdown (`_`, `*`, `[`, `<`, `&`), so rendering does the work it does on real papers.
_SPECIAL_TOKENS = [
    "3.5%", "12x", "2.7B", "state-of-the-art", "top_k", "x*", "[CLS]", "<10ms", "R&D",
    "O(n log n)", "F1", "GPT-4o", "k-NN", "+4.2", "50K", "e.g.", "i.e.", "1,024",
]


@dataclass
class SyntheticPost:
    paper: Paper
    slug: str
    tags: list[str]


class _Recurring:
    """Names drawn by preferential attachment: a new one with probability `new`, else a
    known one in proportion to how often it was drawn (the Yule-Simon process)."""

    def __init__(self, rng: random.Random, new: float, make_name, most: int):
        self.rng, self.new, self.make_name, self.most = rng, new, make_name, most
        self.draws: list[str] = []  # every draw so far: picking one at random is the proportional choice
        self.counts: dict[str, int] = {}

    def draw(self) -> str:
        name = self.rng.choice(self.draws) if self.draws and self.rng.random() >= self.new else None
        if name is None or self.counts[name] >= self.most:
            name = self.make_name()
            while name in self.counts:
                name = self.make_name()
        self.counts[name] = self.counts.get(name, 0) + 1
        self.draws.append(name)
        return name

    def distinct(self, count: int) -> list[str]:
        chosen: dict[str, None] = {}
        for _ in range(count * 3):  # a known author drawn twice for one paper is drawn again
            chosen[self.draw()] = None
            if len(chosen) == count:
                break
        return list(chosen)


class SyntheticPapers:
    """A stream of papers: each call to `papers` continues the random stream, so a later
    call (say, one more day) never repeats earlier titles."""

    def __init__(self, seed: int = SEED):
        rng = self.rng = random.Random(seed)
        self.vocabulary = self._distinct(self._word, 4000)
        self.tag_names = self._distinct(self._tag_name, TAG_COUNT, key=slugify)
        # Popularity falls with rank much as the real tags' does (1,881 papers to 14).
        self.tag_weights = [(rank + 5) ** -1.2 for rank in range(1, TAG_COUNT + 1)]
        self.topics = {tag: rng.sample(self.vocabulary, TOPIC_WORDS) for tag in self.tag_names}
        self.families = self._distinct(lambda: self._word().capitalize(), 30)
        first_names = self._distinct(lambda: self._word().capitalize(), 1500)
        last_names = self._distinct(lambda: self._word().capitalize(), 6000)
        self.authors = _Recurring(rng, NEW_AUTHOR, lambda: f"{rng.choice(first_names)} {rng.choice(last_names)}",
                                  MAX_PAPERS_PER_AUTHOR)
        self.organizations = _Recurring(rng, NEW_ORGANIZATION, lambda: f"{self._word().capitalize()} {rng.choice(['Lab', 'AI', 'University', 'Research'])}",
                                        MAX_PAPERS_PER_AUTHOR)
        self._slugs: set[tuple[date, str]] = set()

    def _distinct(self, make, count: int, key=lambda value: value) -> list:
        """`count` values of `make()` whose keys differ, in drawing order (deterministic)."""
        seen, values = set(), []
        while len(values) < count:
            value = make()
            if key(value) not in seen:
                seen.add(key(value))
                values.append(value)
        return values

    def _word(self) -> str:
        syllables = self.rng.randint(1, 4)
        return "".join(self.rng.choice(_CONSONANTS) + self.rng.choice(_VOWELS) for _ in range(syllables))

    def _tag_name(self) -> str:
        return " ".join(self._word().capitalize() for _ in range(self.rng.randint(1, 3)))

    def _log_normal(self, median: float, spread: float) -> int:
        return int(median * math.exp(self.rng.gauss(0, spread)))

    def _words(self, count: int, topic: list[str]) -> list[str]:
        """`count` words, every third from the paper's topic words."""
        words = self.rng.choices(self.vocabulary, k=count)
        words[1::TOPIC_EVERY] = self.rng.choices(topic, k=len(words[1::TOPIC_EVERY]))
        return words

    def _sentence(self, topic: list[str], family: str | None) -> str:
        rng = self.rng
        words = self._words(rng.randint(8, 24), topic)
        if rng.random() < 0.5:
            words[rng.randrange(len(words))] = rng.choice(_SPECIAL_TOKENS)
        if family and rng.random() < 0.3:
            words[rng.randrange(len(words))] = family
        if rng.random() < 0.4:
            words[rng.randrange(len(words) - 1)] += ","
        if rng.random() < 0.15:
            start = rng.randrange(1, len(words) - 3)
            words[start] = "(" + words[start]
            words[start + 2] += ")"
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def _abstract(self, topic: list[str], family: str | None) -> str:
        min_chars = self.rng.randint(*ABSTRACT_MIN_CHARS)
        sentences, length = [], -1
        while length < min_chars:
            sentence = self._sentence(topic, family)
            sentences.append(sentence)
            length += len(sentence) + 1
        return " ".join(sentences)

    def _title(self, topic: list[str], family: str | None) -> str:
        words = self._words(self.rng.randint(6, 13), topic)
        title = " ".join(word.capitalize() for word in words)
        if family:
            return f"{family}-{self.rng.randint(1, 4)}: {title}"
        if self.rng.random() < 0.3:
            return words[0].upper()[:8] + ": " + title
        return title

    def _unique_slug(self, day: date, title: str) -> str:
        """Slugs only need to differ within a day: the day's folder holds the file."""
        base = slug = slugify(title)
        number = 2
        while (day, slug) in self._slugs:
            slug, number = f"{base}-{number}", number + 1
        self._slugs.add((day, slug))
        return slug

    def _tags(self) -> list[str]:
        count = self.rng.choices(list(TAGS_PER_PAPER_WEIGHTS), weights=list(TAGS_PER_PAPER_WEIGHTS.values()))[0]
        chosen: dict[str, None] = {}
        while len(chosen) < count:
            chosen[self.rng.choices(self.tag_names, weights=self.tag_weights)[0]] = None
        return list(chosen)

    def papers(self, count: int, newest_day: date) -> Iterator[SyntheticPost]:
        """`count` papers, PAPERS_PER_DAY a day, from `newest_day` backwards."""
        rng = self.rng
        for index in range(count):
            day = newest_day - timedelta(days=index // PAPERS_PER_DAY)
            position = index % PAPERS_PER_DAY
            arxiv_id = f"{day:%y%m}.{day.day:02d}{position:03d}"  # unique per (day, position), as per paper
            tags = self._tags()
            topic = [word for tag in tags for word in self.topics[tag]]
            family = rng.choice(self.families) if rng.random() < FAMILY_SHARE else None
            title = self._title(topic, family)
            authors = self.authors.distinct(min(max(self._log_normal(AUTHORS_MEDIAN, AUTHORS_SPREAD), 1), MAX_AUTHORS))
            has_code = rng.random() < GITHUB_SHARE
            paper = Paper(
                title=title,
                abstract=self._abstract(topic, family),
                day=day,
                published=day - timedelta(days=rng.randint(0, 6)),
                arxiv_id=arxiv_id,
                authors=authors,
                author_count=len(authors),
                upvotes=min(self._log_normal(UPVOTES_MEDIAN, UPVOTES_SPREAD), 999),
                comments=min(int(rng.expovariate(1)), 20),
                ai_summary=self._sentence(topic, family) if rng.random() < SUMMARY_SHARE else None,
                ai_keywords=[" ".join(self._words(rng.randint(1, 3), topic)) for _ in range(rng.randint(5, 15))]
                if rng.random() < KEYWORDS_SHARE else [],
                github=f"https://github.com/{authors[0].split()[-1].lower()}/{slugify(title)[:30]}" if has_code else None,
                github_stars=self._log_normal(40, 1.8) if has_code and rng.random() < STARS_SHARE / GITHUB_SHARE else None,
                project_page=f"https://{slugify(title)[:20]}.github.io/" if rng.random() < PROJECT_SHARE else None,
                organization=self.organizations.draw() if rng.random() < ORGANIZATION_SHARE else None,
                thumbnail=f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{arxiv_id}.png",
                source="api",
                # A copy: the Dumper writes one object met twice as a YAML anchor and alias
                # (`date: &id001 ...`), which real posts do not have.
                observed=date(day.year, day.month, day.day),
            )
            yield SyntheticPost(paper, self._unique_slug(day, title), tags)


def write_posts(content_dir: Path, synthetic_posts: Iterable[SyntheticPost]) -> int:
    """Write the posts under content_dir/papers/; returns how many.

    Plain writes, not store.write_atomic: this is a throwaway tree, and an fsync per
    file would make 40,000 posts take minutes instead of seconds.
    """
    store = PostStore(content_dir)
    folders: set[Path] = set()
    count = 0
    for synthetic in synthetic_posts:
        path = store.path_for(synthetic.paper.day, synthetic.slug)
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        post = posts.post_from_paper(synthetic.paper, synthetic.slug, synthetic.tags)
        path.write_text(posts.render(post), encoding="utf-8")
        count += 1
    return count
