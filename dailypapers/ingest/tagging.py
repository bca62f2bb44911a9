"""Tags from a taxonomy (`tags.yaml`): phrases matched on the title (weighted) and abstract,
and the API's `ai_keywords` mapped through each tag's synonyms.

Literal phrases are matched as word sequences: the text is lower-cased and split into words
once, and the words are walked through one trie of all phrases, so the cost of tagging hardly
grows with the size of the taxonomy. Only `re:` phrases run a regular expression each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..model import Paper, slugify

try:  # the C loader reads tags.yaml several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

TITLE_WEIGHT = 3  # a phrase in the title says more about the paper than one in the abstract
KEYWORD_WEIGHT = 1  # an ai_keyword naming a tag: one more mention
MIN_SCORE = 3  # a title mention, or three in the abstract and keywords

_ENTRY_KEYS = {"name", "slug", "phrases", "synonyms", "exclude"}
_WORD_RE = re.compile(r"\w+")
# What a literal phrase may hold; its punctuation separates words like a space does.
_LITERAL_RE = re.compile(r"[\w\s\-./']+")
REGEX_PREFIX = "re:"
_END = ""  # the trie key of a phrase's entry: no word is empty


class TaxonomyError(ValueError):
    pass


@dataclass(frozen=True)
class Tag:
    name: str
    slug: str


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.casefold())


def _key(text: str) -> str:
    """The form a phrase, a keyword or a stretch of text is looked up by."""
    return " ".join(_words(text))


def _forms(key: str) -> set[str]:
    """A phrase's key with its last word also in plural (or, if plural, singular) form,
    so that "agent" also matches "agents" and "strategy" "strategies"."""
    *head, last = key.split(" ")
    forms = {last}
    if last[-1].isalpha():
        forms.add(last + "s")
        if last.endswith(("s", "x", "z", "ch", "sh")):
            forms.add(last + "es")
        if len(last) > 2 and last.endswith("y") and last[-2] not in "aeiou":
            forms.add(last[:-1] + "ies")
        if len(last) > 3 and last.endswith("s") and not last.endswith("ss"):
            forms.add(last[:-1])
    return {" ".join([*head, form]) for form in forms}


@dataclass
class _Phrase:
    """What a literal phrase stands for: the tags it counts for, and the tags whose phrases
    do not count inside it (it is one of their `exclude` phrases)."""

    tags: list[int]
    excludes: list[int]


class Taxonomy:
    """The tags and the lookups that find them; made by `load`."""

    def __init__(self, max_tags: int = 6):
        self.tags: list[Tag] = []
        self.max_tags = max_tags
        self.by_name: dict[str, Tag] = {}
        # The literal phrases as a trie of words: word -> {next word -> ..., _END: _Phrase}.
        # Most words of a text start no phrase and cost one dict lookup.
        self._trie: dict = {}
        self._synonyms: dict[str, list[int]] = {}  # ai_keyword -> tags
        self._patterns: list[tuple[int, re.Pattern]] = []  # (tag, one of its `re:` phrases)

    @classmethod
    def load(cls, path: Path, max_tags: int = 6) -> Taxonomy:
        try:
            data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader)
        except OSError as error:
            raise TaxonomyError(f"{path}: cannot read: {error.strerror}") from None
        except yaml.YAMLError as error:
            raise TaxonomyError(f"{path}: not valid YAML: {error}") from None
        if not isinstance(data, dict) or not isinstance(data.get("tags"), list):
            raise TaxonomyError(f"{path}: expected a mapping with a 'tags' list")
        taxonomy = cls(max_tags)
        for number, entry in enumerate(data["tags"], 1):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
                raise TaxonomyError(f"{path}: tag {number}: needs a 'name'")
            try:
                taxonomy._add(entry)
            except ValueError as error:
                raise TaxonomyError(f"{path}: tag {entry['name']!r}: {error}") from None
        return taxonomy

    def _add(self, entry: dict) -> None:
        """Add one tag from its tags.yaml entry. Raises ValueError."""
        unknown = set(entry) - _ENTRY_KEYS
        if unknown:
            raise ValueError(f"unknown key {min(unknown)!r} (known: {', '.join(sorted(_ENTRY_KEYS))})")
        name = entry["name"].strip()
        tag = Tag(name=name, slug=str(entry.get("slug") or slugify(name)))
        if not tag.slug:
            raise ValueError("needs a 'slug': the name has nothing to make one from")
        if name.casefold() in self.by_name:
            raise ValueError("a second tag with this name")
        if any(t.slug == tag.slug for t in self.tags):
            raise ValueError(f"slug {tag.slug!r} is taken by another tag")
        index = len(self.tags)
        self.tags.append(tag)
        self.by_name[name.casefold()] = tag
        lists = {key: _string_list(entry, key) for key in ("phrases", "synonyms", "exclude")}
        for key in ("phrases", "synonyms"):
            self._add_phrases(index, lists[key], exclude=False)
        self._add_phrases(index, lists["exclude"], exclude=True)
        for synonym in lists["synonyms"]:
            if not synonym.startswith(REGEX_PREFIX):
                for key in _forms(_key(synonym)):
                    self._synonyms.setdefault(key, []).append(index)

    def _add_phrases(self, index: int, phrases: list[str], exclude: bool) -> None:
        for phrase in phrases:
            if phrase.startswith(REGEX_PREFIX):
                if exclude:
                    raise ValueError(f"exclude phrase {phrase!r}: exclude phrases are literal")
                try:
                    pattern = re.compile(r"(?<!\w)(?:" + phrase[len(REGEX_PREFIX) :] + r")(?!\w)", re.IGNORECASE)
                except re.error as error:
                    raise ValueError(f"bad regular expression {phrase!r}: {error}") from None
                self._patterns.append((index, pattern))
                continue
            if not _LITERAL_RE.fullmatch(phrase) or not _words(phrase):
                raise ValueError(
                    f"phrase {phrase!r}: a literal phrase holds words, spaces and - . / ' only"
                    f" (write a regular expression as '{REGEX_PREFIX}...')"
                )
            for key in _forms(_key(phrase)):
                node = self._trie
                for word in key.split(" "):
                    node = node.setdefault(word, {})
                entry = node.setdefault(_END, _Phrase([], []))
                targets = entry.excludes if exclude else entry.tags
                if index not in targets:
                    targets.append(index)

    def _count(self, text: str, counts: dict[int, int], weight: int) -> None:
        """Add `weight` to a tag for each of its phrases in `text`. Where phrases overlap, the
        longest wins: "vision-language model" counts for Multimodal, not also for Language
        Models. Inside one of a tag's `exclude` phrases, its phrases do not count."""
        words = _words(text)
        end = len(words)
        trie = self._trie
        covered = 0  # words before this belong to a phrase already counted
        excluded: dict[int, int] = {}  # tag -> end of the last of its exclude phrases seen
        for start in [i for i, word in enumerate(words) if word in trie]:
            node = trie[words[start]]
            longest = None
            position = start
            while node is not None:
                position += 1
                found = node.get(_END)
                if found is not None:
                    for index in found.excludes:
                        excluded[index] = max(excluded.get(index, 0), position)
                    if found.tags:
                        longest, longest_end = found, position
                node = node.get(words[position]) if position < end else None
            if longest is not None and start >= covered:
                for index in longest.tags:
                    if excluded.get(index, 0) <= start:
                        counts[index] = counts.get(index, 0) + weight
                covered = longest_end
        for index, pattern in self._patterns:
            hits = len(pattern.findall(text))
            if hits:
                counts[index] = counts.get(index, 0) + weight * hits

    def _scores(self, paper: Paper) -> dict[int, int]:
        """Tag index -> the evidence for it in the paper."""
        counts: dict[int, int] = {}
        self._count(paper.title, counts, TITLE_WEIGHT)
        self._count(paper.abstract, counts, 1)
        # a tag counts once for the keywords, however many of its names they repeat
        for index in {i for keyword in paper.ai_keywords for i in self._keyword_tags(keyword)}:
            counts[index] = counts.get(index, 0) + KEYWORD_WEIGHT
        return counts

    def tags_for(self, paper: Paper, extra: Sequence[str] = (), removed: Sequence[str] = ()) -> list[str]:
        """Names of the paper's tags, best first: tags scoring at least MIN_SCORE, or, when
        none does, the best of those that matched at all; none when nothing matched.

        `extra` (tags a person added) come first and are always kept; `removed` (computed
        tags a person struck) are left out. Names are matched to the taxonomy's case-blind;
        a single name may stand for a list, as people write front matter.
        """
        extra = [extra] if isinstance(extra, str) else extra
        removed = [removed] if isinstance(removed, str) else removed
        scored = sorted(self._scores(paper).items(), key=lambda item: (-item[1], item[0]))
        computed = [self.tags[index].name for index, score in scored if score >= MIN_SCORE]
        if not computed and scored:
            computed = [self.tags[scored[0][0]].name]
        names = list(dict.fromkeys(self._display_name(name) for name in extra))
        struck = {self._display_name(name) for name in removed}
        room = max(0, self.max_tags - len(names))
        names += [name for name in computed if name not in names and name not in struck][:room]
        return names

    def tags_for_keyword(self, keyword: str) -> list[Tag]:
        """The tags an ai_keyword stands for (through their synonyms); none for a keyword
        that names no tag, which stays a plain keyword."""
        return [self.tags[index] for index in self._keyword_tags(keyword)]

    def _keyword_tags(self, keyword: str) -> list[int]:
        found = self._synonyms.get(_key(keyword))
        if found is None and "(" in keyword:  # "Large Language Models (LLMs)": each part
            found = [i for part in re.split(r"[()]", keyword) for i in self._synonyms.get(_key(part), ())]
        return list(dict.fromkeys(found or ()))

    def slug_for(self, name: str) -> str:
        tag = self.by_name.get(name.casefold())
        return tag.slug if tag else slugify(name)

    def _display_name(self, name: str) -> str:
        tag = self.by_name.get(str(name).strip().casefold())
        return tag.name if tag else str(name).strip()


def _string_list(entry: dict, key: str) -> list[str]:
    value = entry.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError(f"'{key}' must be a list of phrases")
    return [item.strip() for item in value]
