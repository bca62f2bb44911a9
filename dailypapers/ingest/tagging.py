"""Tags from a taxonomy (`tags.yaml`): phrases matched on the title (weighted) and abstract,
and the API's `ai_keywords` mapped through each tag's synonyms.

A tag's `synonyms` name its topic and count in full; its `phrases` only signal it and count
less, so that one ambiguous word ("table", "judge", "safe") in a title is no tag by itself.
In the abstract, the sentences that say what the paper does ("we propose ...") count more
than the others, which are often about earlier work. A phrase written in lower case does
not match a word in capitals ("safe" is not the method SAFE), one written with capitals
inside does not match lower case (ReAct is not "react"), and an acronym right after its name
("large language models (LLMs)") is one mention, not two.

Literal phrases are matched as word sequences, through one trie of all phrases
(phrasetrie.py). Only `re:` phrases run a regular expression each.

With a tag model (tagmodel.py, trained on hand labels), the rules' evidence for each tag and
the paper's words decide together: a tag is given when the model's probability reaches its
threshold. Tags the model does not know (too few labelled papers, or added to tags.yaml since)
are given by the rules alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from ..model import Paper, slugify
from .phrases import WORD_RE, compile_phrase, forms, key_of, words
from .phrasetrie import PhraseTrie
from .tagmodel import EVIDENCE, THRESHOLD, TagModel, TagModelError

try:  # the C loader reads tags.yaml several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

TITLE_WEIGHT = 3.0  # a synonym in the title says more about the paper than one in the abstract
PHRASE_WEIGHT = 0.6  # a phrase (a signal, not a name of the topic): in the title not a tag alone
OWN_WORK_WEIGHT = 1.5  # a sentence of the abstract saying what the paper does
KEYWORD_WEIGHT = 1.0  # an ai_keyword naming a tag: one more mention
MIN_SCORE = 3.0  # a title synonym, or about three mentions in the abstract and keywords
FALLBACK_MIN_SCORE = 1.5  # a paper's only tag needs more than a passing mention (0.3% of papers get none)
FALLBACK_PROBABILITY = THRESHOLD / 2  # with a model: a paper's only tag, when none reaches THRESHOLD

_ENTRY_KEYS = {"name", "slug", "aliases", "implies", "only_with", "min_score", "max_rank", "phrases", "synonyms", "exclude"}
_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # a slug is a URL path segment: nothing else
# A sentence ends at . ! or ? before a space and a capital or digit (the match starts at the
# stop: a leading character class lets the regex engine skip ahead, a lookbehind would not).
_SENTENCE_END_RE = re.compile(r"[.!?]\s+(?=[A-Z\d])")
_OWN_WORK_WORDS = {"we", "our", "We", "Our", "WE", "OUR"}  # "we propose", "our method"
_THIS_WORDS = {"this", "This", "THIS"}
_THIS_WORK = {"paper", "work", "study", "report", "survey"}  # "this paper shows"

# What a literal phrase may hold; its punctuation separates words like a space does.
_LITERAL_RE = re.compile(r"[\w\s\-./']+")
REGEX_PREFIX = "re:"


class TaxonomyError(ValueError):
    pass


@dataclass(frozen=True)
class Tag:
    name: str
    slug: str


class Taxonomy:
    """The tags and the lookups that find them; made by `load`."""

    def __init__(self, max_tags: int = 6):
        self.tags: list[Tag] = []
        self.max_tags = max_tags
        self.by_name: dict[str, Tag] = {}  # casefolded name -> tag
        # An old name of a renamed or merged tag -> the tag it now is (its pages redirect),
        # and its old slug -> the tag: the site writes a redirect for each.
        self.aliases: dict[str, Tag] = {}
        self.alias_slugs: dict[str, Tag] = {}
        self._by_alias: dict[str, Tag] = {}  # casefolded old name -> tag
        self._min_scores: list[float] = []
        self._max_ranks: list[int] = []  # a broad tag is given only among a paper's best few
        self._implies: dict[str, list[str]] = {}  # a subtopic's tag -> its parents' (GUI agents -> Agents)
        # a broad tag -> the tags one of which it needs beside it (Language Models: Pretraining, ...)
        self._only_with: dict[str, set[str]] = {}
        self._trie = PhraseTrie()  # the literal phrases
        self._synonyms: dict[str, list[int]] = {}  # ai_keyword -> tags
        # (tag, a synonym?, one of its `re:` phrases, a string all its matches hold)
        self._patterns: list[tuple[int, bool, re.Pattern, str]] = []
        self.model: TagModel | None = None
        # the model's tags as tag indices, those no longer in the taxonomy, and the names it knows
        self._model_rows = np.zeros(0, dtype=int)
        self._model_rows_missing = np.zeros(0, dtype=bool)
        self._model_names: set[str] = set()

    @classmethod
    def load(cls, path: Path, max_tags: int = 6, model_path: Path | None = None) -> Taxonomy:
        """The taxonomy of `path`, with the tag model of `model_path` if given.
        Raises TaxonomyError naming the file."""
        try:
            data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader)
        except OSError as error:
            raise TaxonomyError(f"{path}: cannot read: {error.strerror}") from None
        except yaml.YAMLError as error:
            raise TaxonomyError(f"{path}: not valid YAML: {error}") from None
        if not isinstance(data, dict) or not isinstance(data.get("tags"), list):
            raise TaxonomyError(f"{path}: expected a mapping with a 'tags' list")
        taxonomy = cls(max_tags)
        entries = data["tags"]
        for number, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
                raise TaxonomyError(f"{path}: tag {number}: needs a 'name'")
            try:
                taxonomy._add(entry)
            except ValueError as error:
                raise TaxonomyError(f"{path}: tag {entry['name']!r}: {error}") from None
        for entry in entries:  # after all tags: aliases and implied tags refer to any of them
            try:
                taxonomy._link(entry)
            except ValueError as error:
                raise TaxonomyError(f"{path}: tag {entry['name']!r}: {error}") from None
        if model_path is not None:
            try:
                taxonomy.use_model(TagModel.load(Path(model_path)))
            except TagModelError as error:
                raise TaxonomyError(str(error)) from None
        return taxonomy

    def use_model(self, model: TagModel | None) -> None:
        """Tag with `model` on top of the rules (None: the rules alone). A model's tag that
        was renamed since is found by its old name; one that is gone is left out."""
        self.model = model
        found = [self.tag_named(name) for name in model.tags] if model else []
        rows = [self.tags.index(tag) if tag else -1 for tag in found]
        self._model_rows = np.array([max(row, 0) for row in rows], dtype=int)  # the model's tags' indices
        self._model_rows_missing = np.array([row < 0 for row in rows], dtype=bool)
        self._model_names = {tag.name for tag in found if tag}

    def _add(self, entry: dict) -> None:
        """Add one tag from its tags.yaml entry. Raises ValueError."""
        unknown = set(entry) - _ENTRY_KEYS
        if unknown:
            raise ValueError(f"unknown key {min(unknown)!r} (known: {', '.join(sorted(_ENTRY_KEYS))})")
        name = entry["name"].strip()
        tag = Tag(name=name, slug=_slug(entry.get("slug"), name))
        if name.casefold() in self.by_name:
            raise ValueError("a second tag with this name")
        if any(t.slug == tag.slug for t in self.tags):
            raise ValueError(f"slug {tag.slug!r} is taken by another tag")
        min_score = entry.get("min_score", MIN_SCORE)
        if isinstance(min_score, bool) or not isinstance(min_score, (int, float)) or min_score <= 0:
            raise ValueError(f"'min_score' must be a positive number, not {min_score!r}")
        max_rank = entry.get("max_rank", max(self.max_tags, 1))
        if isinstance(max_rank, bool) or not isinstance(max_rank, int) or max_rank < 1:
            raise ValueError(f"'max_rank' must be a whole number from 1, not {max_rank!r}")
        index = len(self.tags)
        self.tags.append(tag)
        self.by_name[name.casefold()] = tag
        self._min_scores.append(float(min_score))
        self._max_ranks.append(max_rank)
        lists = {key: _string_list(entry, key) for key in ("phrases", "synonyms", "exclude")}
        self._add_phrases(index, lists["phrases"], False)
        self._add_phrases(index, lists["synonyms"], True)  # a synonym that is also a phrase counts in full
        self._add_phrases(index, lists["exclude"], None)
        for synonym in lists["synonyms"]:
            if not synonym.startswith(REGEX_PREFIX):
                for key in forms(key_of(synonym)):
                    self._synonyms.setdefault(key, []).append(index)

    def _link(self, entry: dict) -> None:
        """The tag's aliases and the tags it implies. Raises ValueError."""
        tag = self.by_name[entry["name"].strip().casefold()]
        implied = [self.by_name.get(name.casefold()) for name in _string_list(entry, "implies")]
        if None in implied:
            raise ValueError(f"'implies' names a tag that does not exist: {entry['implies']!r}")
        self._implies[tag.name] = [t.name for t in implied]
        companions = [self.by_name.get(name.casefold()) for name in _string_list(entry, "only_with")]
        if None in companions:
            raise ValueError(f"'only_with' names a tag that does not exist: {entry['only_with']!r}")
        if companions:
            self._only_with[tag.name] = {t.name for t in companions}
        for alias in entry.get("aliases") or []:
            name, slug = (alias.get("name"), alias.get("slug")) if isinstance(alias, dict) else (alias, None)
            if not isinstance(name, str) or not name.strip():
                raise ValueError(f"alias {alias!r}: an alias is an old name, or {{name: ..., slug: ...}}")
            name = name.strip()
            slug = _slug(slug, name)
            if name.casefold() in self.by_name or name.casefold() in self._by_alias:
                raise ValueError(f"alias {name!r} is already the name of a tag or an alias")
            if any(t.slug == slug for t in self.tags if t is not tag):
                raise ValueError(f"alias {name!r}: its slug {slug!r} is another tag's")
            self.aliases[name] = tag
            self._by_alias[name.casefold()] = tag
            if slug != tag.slug:
                self.alias_slugs[slug] = tag

    def _add_phrases(self, index: int, phrases: list[str], synonym: bool | None) -> None:
        """Add the tag's synonyms or phrases, or its exclude phrases (`synonym` None)."""
        for phrase in phrases:
            if phrase.startswith(REGEX_PREFIX):
                if synonym is None:
                    raise ValueError(f"exclude phrase {phrase!r}: exclude phrases are literal")
                self._patterns.append((index, synonym, *compile_phrase(phrase[len(REGEX_PREFIX) :], phrase)))
                continue
            if not _LITERAL_RE.fullmatch(phrase) or not words(phrase):
                raise ValueError(
                    f"phrase {phrase!r}: a literal phrase holds words, spaces and - . / ' only"
                    f" (write a regular expression as '{REGEX_PREFIX}...')"
                )
            self._trie.add(index, phrase, synonym)

    def _count_patterns(self, text: str, sentences: list[tuple[str, float]], counts: dict[int, float]) -> None:
        """Like `PhraseTrie.count` for the `re:` phrases, matched in each sentence (text, weight) of
        `text` that holds the pattern's literal part: most texts and sentences are never searched."""
        folded = text.lower()
        for index, synonym, pattern, needle in self._patterns:
            if needle not in folded:
                continue
            for sentence, weight in sentences:
                if needle in sentence.lower():
                    for _ in pattern.finditer(sentence):
                        counts[index] = counts.get(index, 0.0) + weight * (1.0 if synonym else PHRASE_WEIGHT)

    def _scores(self, paper: Paper) -> dict[int, float]:
        """Tag index -> the evidence for it in the paper."""
        counts: dict[int, float] = {}
        title = WORD_RE.findall(paper.title)
        self._trie.count(title, [TITLE_WEIGHT] * len(title), PHRASE_WEIGHT, counts)
        self._count_patterns(paper.title, [(paper.title, TITLE_WEIGHT)], counts)
        # the abstract's words in one list, each with the weight of its sentence
        tokens: list[str] = []
        token_weights: list[float] = []
        sentences: list[tuple[str, float]] = []
        abstract = paper.abstract
        start = 0
        for end in [m.start() + 1 for m in _SENTENCE_END_RE.finditer(abstract)] + [len(abstract)]:
            sentence = abstract[start:end]
            words = WORD_RE.findall(sentence)
            weight = OWN_WORK_WEIGHT if _says_own_work(words) else 1.0
            tokens += words
            token_weights += [weight] * len(words)
            sentences.append((sentence, weight))
            start = end
        self._trie.count(tokens, token_weights, PHRASE_WEIGHT, counts)
        self._count_patterns(abstract, sentences, counts)
        # a tag counts once for the keywords, however many of its names they repeat
        for index in {i for keyword in paper.ai_keywords for i in self._keyword_tags(keyword)}:
            counts[index] = counts.get(index, 0.0) + KEYWORD_WEIGHT
        return counts

    def tags_for(self, paper: Paper, extra: Sequence[str] = (), removed: Sequence[str] = ()) -> list[str]:
        """Names of the paper's tags, best first. By the rules: tags scoring at least their
        `min_score` (MIN_SCORE unless tags.yaml says otherwise) and ranking within their
        `max_rank` among the paper's scores, or, when none does, the best of those scoring
        FALLBACK_MIN_SCORE; none when nothing did. A tag with `only_with` needs one of those
        tags beside it. With a model, see `_model_tags`. A tag brings the tags it `implies`
        right after it.

        `extra` (tags a person added) come first and are always kept; `removed` (computed
        tags a person struck) are left out. Names are matched to the taxonomy's case-blind,
        an old name (an alias) as the tag it became (see `canonical_names`).
        """
        scored = self._scored(paper)
        computed = self._rule_tags(scored)
        if self.model is not None:
            computed = self._model_tags(paper, scored, computed)
        computed = list(dict.fromkeys(n for name in computed for n in (name, *self._implies.get(name, ()))))
        names = self.canonical_names(extra)
        struck = set(self.canonical_names(removed))
        room = max(0, self.max_tags - len(names))
        names += [name for name in computed if name not in names and name not in struck][:room]
        return names

    def _rule_tags(self, scored: list[tuple[int, float]]) -> list[str]:
        """The rules' tags, from the paper's (tag index, score) best first."""
        computed = [
            self.tags[index].name
            for rank, (index, score) in enumerate(scored)
            if score >= self._min_scores[index] - 1e-9 and rank < self._max_ranks[index]
        ]
        present = set(computed)
        computed = [name for name in computed if name not in self._only_with or self._only_with[name] & present]
        if not computed:  # the best tag that can stand alone, if it is more than a passing mention
            computed = [
                self.tags[i].name
                for i, score in scored
                if score >= FALLBACK_MIN_SCORE - 1e-9 and self.tags[i].name not in self._only_with
            ][:1]
        return computed

    def _scored(self, paper: Paper) -> list[tuple[int, float]]:
        """(tag index, score) of the tags with any evidence, best first, ties in taxonomy order."""
        return sorted(self._scores(paper).items(), key=lambda item: (-item[1], item[0]))

    def evidence(self, paper: Paper) -> np.ndarray:
        """The rules' evidence for each tag (tags x tagmodel.EVIDENCE): what the model learns from."""
        scored = self._scored(paper)
        return self._evidence(scored, self._rule_tags(scored))

    def _evidence(self, scored: list[tuple[int, float]], rule_tags: list[str]) -> np.ndarray:
        evidence = np.zeros((len(self.tags), len(EVIDENCE)))
        given = set(rule_tags)
        for rank, (index, score) in enumerate(scored):
            evidence[index] = (
                math.log1p(score),
                score >= self._min_scores[index] - 1e-9,
                rank == 0,
                rank < 3,
                self.tags[index].name in given,
            )
        return evidence

    def _model_tags(self, paper: Paper, scored: list[tuple[int, float]], rule_tags: list[str]) -> list[str]:
        """The tags the model gives, most probable first, then the rules' tags it does not know."""
        probabilities = self.model.probabilities(paper, self._evidence(scored, rule_tags)[self._model_rows])
        probabilities[self._model_rows_missing] = 0.0
        given = np.flatnonzero(probabilities >= THRESHOLD)
        given = given[np.argsort(-probabilities[given], kind="stable")]
        unknown = [name for name in rule_tags if name not in self._model_names]
        if not len(given) and not unknown and probabilities.max(initial=0.0) >= FALLBACK_PROBABILITY:
            given = [int(np.argmax(probabilities))]
        return [self.tags[self._model_rows[j]].name for j in given] + unknown

    def canonical_names(self, names: Sequence[str]) -> list[str]:
        """Tag names as the taxonomy spells them, old names as the tags they became,
        without repeats; names the taxonomy does not know stay as written. A single name
        stands for a list of one, as people write front matter."""
        names = [names] if isinstance(names, str) else names
        return list(dict.fromkeys(self._display_name(name) for name in names))

    def tags_for_keyword(self, keyword: str) -> list[Tag]:
        """The tags an ai_keyword stands for (through their synonyms); none for a keyword
        that names no tag, which stays a plain keyword."""
        return [self.tags[index] for index in self._keyword_tags(keyword)]

    def _keyword_tags(self, keyword: str) -> list[int]:
        found = self._synonyms.get(key_of(keyword))
        if found is None and "(" in keyword:  # "Large Language Models (LLMs)": each part
            found = [i for part in re.split(r"[()]", keyword) for i in self._synonyms.get(key_of(part), ())]
        return list(dict.fromkeys(found or ()))

    def tag_named(self, name: str) -> Tag | None:
        """The tag with this name or old name (case-blind), if any."""
        key = str(name).strip().casefold()
        return self.by_name.get(key) or self._by_alias.get(key)

    def slug_for(self, name: str) -> str:
        tag = self.tag_named(name)
        return tag.slug if tag else slugify(name)

    def _display_name(self, name: str) -> str:
        tag = self.tag_named(name)
        return tag.name if tag else str(name).strip()


def _says_own_work(words: list[str]) -> bool:
    """Whether a sentence's words say what the paper does: "we", "our", "this paper"."""
    if not _OWN_WORK_WORDS.isdisjoint(words):
        return True
    return not _THIS_WORDS.isdisjoint(words) and any(
        word.casefold() == "this" and words[i + 1].casefold() in _THIS_WORK for i, word in enumerate(words[:-1])
    )


def _slug(slug, name: str) -> str:
    """A tag's slug, given or made from its name; only [a-z0-9-], so that it cannot leave
    /tags/ or a feed's folder. Raises ValueError."""
    if slug is None:
        slug = slugify(name)
        if not slug:
            raise ValueError("needs a 'slug': the name has nothing to make one from")
    if not isinstance(slug, str) or not _SLUG_RE.fullmatch(slug):
        raise ValueError(f"slug {slug!r}: a slug holds a-z, 0-9 and single hyphens only")
    return slug


def _string_list(entry: dict, key: str) -> list[str]:
    value = entry.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError(f"'{key}' must be a list of phrases")
    return [item.strip() for item in value]
