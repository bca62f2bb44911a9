"""Tags from a taxonomy (`tags.yaml`): phrases matched on the title (weighted) and abstract."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .model import Paper, slugify

TITLE_WEIGHT = 3  # a phrase in the title says more about the paper than one in the abstract
MIN_SCORE = 2  # one mention in the abstract alone is not enough to tag


class TaxonomyError(ValueError):
    pass


@dataclass
class Tag:
    name: str
    slug: str
    patterns: list[re.Pattern] = field(default_factory=list)
    excludes: list[re.Pattern] = field(default_factory=list)


def _phrase_pattern(phrase: str) -> re.Pattern:
    """`re:` prefix: a regular expression; otherwise a literal phrase; both word-bounded."""
    body = phrase[3:] if phrase.startswith("re:") else re.escape(phrase)
    return re.compile(r"(?<!\w)(?:" + body + r")(?!\w)", re.IGNORECASE)


class Taxonomy:
    def __init__(self, tags: list[Tag], max_tags: int = 6):
        self.tags = tags
        self.max_tags = max_tags
        self.by_name = {t.name.casefold(): t for t in tags}

    @classmethod
    def load(cls, path: Path, max_tags: int = 6) -> Taxonomy:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise TaxonomyError(f"{path}: cannot read: {error.strerror}") from None
        except yaml.YAMLError as error:
            raise TaxonomyError(f"{path}: not valid YAML: {error}") from None
        if not isinstance(data, dict) or not isinstance(data.get("tags"), list):
            raise TaxonomyError(f"{path}: expected a mapping with a 'tags' list")
        tags = []
        for number, entry in enumerate(data["tags"], 1):
            if not isinstance(entry, dict) or not entry.get("name"):
                raise TaxonomyError(f"{path}: tag {number}: needs a 'name'")
            phrases = list(entry.get("phrases") or []) + list(entry.get("synonyms") or [])
            try:
                tags.append(
                    Tag(
                        name=str(entry["name"]),
                        slug=str(entry.get("slug") or slugify(str(entry["name"]))),
                        patterns=[_phrase_pattern(str(p)) for p in phrases],
                        excludes=[_phrase_pattern(str(p)) for p in entry.get("exclude") or []],
                    )
                )
            except re.error as error:
                raise TaxonomyError(f"{path}: tag {entry['name']!r}: bad regular expression: {error}") from None
        return cls(tags, max_tags)

    def tags_for(self, paper: Paper) -> list[str]:
        """Names of the paper's tags, best first."""
        scored = []
        for order, tag in enumerate(self.tags):
            text = paper.title + "\n" + paper.abstract
            if any(p.search(text) for p in tag.excludes):
                continue
            score = TITLE_WEIGHT * sum(bool(p.search(paper.title)) for p in tag.patterns)
            score += sum(len(p.findall(paper.abstract)) for p in tag.patterns)
            if score >= MIN_SCORE:
                scored.append((-score, order, tag.name))
        return [name for _, _, name in sorted(scored)[: self.max_tags]]

    def slug_for(self, name: str) -> str:
        tag = self.by_name.get(name.casefold())
        return tag.slug if tag else slugify(name)
