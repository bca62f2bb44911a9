"""Synthetic papers in the archive's post format, for the build benchmark and tests.

Deterministic: one seed gives the same vocabulary, tags, authors and papers on every
run, so timings of two runs (or two versions of the build) compare the same content.
"""

from __future__ import annotations

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
TAG_COUNT = 300
TAGS_PER_PAPER = 6
AUTHORS_PER_PAPER = (3, 12)
# An abstract is whole sentences; it stops at the first sentence ending past a length
# drawn from this range, which puts the lengths around 1,500 characters.
ABSTRACT_MIN_CHARS = (1350, 1500)

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


class SyntheticPapers:
    """A stream of papers: each call to `papers` continues the random stream, so a later
    call (say, one more day) never repeats earlier titles."""

    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.vocabulary = self._distinct(self._word, 4000)
        self.tag_names = self._distinct(self._tag_name, TAG_COUNT, key=slugify)
        self.first_names = self._distinct(lambda: self._word().capitalize(), 400)
        self.last_names = self._distinct(lambda: self._word().capitalize(), 2000)
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

    def _sentence(self) -> str:
        rng = self.rng
        words = rng.choices(self.vocabulary, k=rng.randint(8, 24))
        if rng.random() < 0.5:
            words[rng.randrange(len(words))] = rng.choice(_SPECIAL_TOKENS)
        if rng.random() < 0.4:
            words[rng.randrange(len(words) - 1)] += ","
        if rng.random() < 0.15:
            start = rng.randrange(1, len(words) - 3)
            words[start] = "(" + words[start]
            words[start + 2] += ")"
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def _abstract(self) -> str:
        min_chars = self.rng.randint(*ABSTRACT_MIN_CHARS)
        sentences, length = [], -1
        while length < min_chars:
            sentence = self._sentence()
            sentences.append(sentence)
            length += len(sentence) + 1
        return " ".join(sentences)

    def _title(self) -> str:
        words = self.rng.choices(self.vocabulary, k=self.rng.randint(5, 11))
        title = " ".join(word.capitalize() for word in words)
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

    def papers(self, count: int, newest_day: date) -> Iterator[SyntheticPost]:
        """`count` papers, PAPERS_PER_DAY a day, from `newest_day` backwards."""
        rng = self.rng
        for index in range(count):
            day = newest_day - timedelta(days=index // PAPERS_PER_DAY)
            position = index % PAPERS_PER_DAY
            title = self._title()
            authors = [
                f"{rng.choice(self.first_names)} {rng.choice(self.last_names)}"
                for _ in range(rng.randint(*AUTHORS_PER_PAPER))
            ]
            paper = Paper(
                title=title,
                abstract=self._abstract(),
                day=day,
                published=day - timedelta(days=rng.randint(0, 6)),
                # Unique per (day, position), like a real id unique per paper.
                arxiv_id=f"{day:%y%m}.{day.day:02d}{position:03d}",
                authors=authors,
                author_count=len(authors),
                upvotes=min(int(rng.expovariate(1 / 20)), 999),
                source="api",
                # A copy: the Dumper writes one object met twice as a YAML anchor and alias
                # (`date: &id001 ...`), which real posts do not have.
                observed=date(day.year, day.month, day.day),
            )
            yield SyntheticPost(paper, self._unique_slug(day, title), rng.sample(self.tag_names, TAGS_PER_PAPER))


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
