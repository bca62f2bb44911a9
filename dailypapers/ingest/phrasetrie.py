"""The literal phrases of a taxonomy as one trie of words, and the walk that counts them in a
text (see tagging.py): the text is split into words once and each word that starts no phrase
costs one dict lookup, so tagging hardly slows down as the taxonomy grows."""

from __future__ import annotations

from dataclasses import dataclass, field

from .phrases import forms, key_of

_END = ""  # the trie key of a phrase's entry: no word is empty


@dataclass(eq=False)  # compared by identity: the walk asks whether two matches are one phrase
class _Phrase:
    """What a literal phrase stands for: tag -> whether it is a synonym (else a phrase), the
    tags whose phrases do not count inside it (it is one of their `exclude` phrases), the tags
    that wrote it in lower case (it does not match the same words in capitals: "safe" is not
    the method SAFE) and those that wrote it with capitals inside (it does not match the same
    words in lower case: ReAct is not "react", MAS not "mass")."""

    tags: dict[int, bool] = field(default_factory=dict)
    excludes: list[int] = field(default_factory=list)
    lower_case: set[int] = field(default_factory=set)
    capitals: set[int] = field(default_factory=set)


class PhraseTrie:
    def __init__(self) -> None:
        self._root: dict = {}  # word -> {next word -> ..., _END: _Phrase}

    def add(self, index: int, phrase: str, synonym: bool | None) -> None:
        """Tag `index`'s synonym or phrase, or its exclude phrase (`synonym` None), with
        its last word also in plural (or singular) form."""
        for key in forms(key_of(phrase)):
            node = self._root
            for word in key.split(" "):
                node = node.setdefault(word, {})
            entry = node.setdefault(_END, _Phrase())
            if synonym is None:
                if index not in entry.excludes:
                    entry.excludes.append(index)
                continue
            entry.tags[index] = synonym or entry.tags.get(index, False)
            if sum(c.isupper() for c in phrase) > 1:
                entry.capitals.add(index)
            if phrase == phrase.lower():
                entry.lower_case.add(index)
            elif synonym:
                entry.lower_case.discard(index)  # a synonym in capitals (EHR) matches capitals

    def count(self, tokens: list[str], weights: list[float], phrase_weight: float, counts: dict[int, float]) -> None:
        """Add a word's weight to a tag for each of its synonyms starting at that word in
        `tokens` (the text's words), that times `phrase_weight` for each of its phrases.
        Where phrases overlap, the longest wins: "vision-language model" counts for
        Multimodal, not also for Language Models. Inside one of a tag's `exclude` phrases, its
        phrases do not count. An acronym right after the name it stands for ("vision-language
        model (VLM)") is the same mention, not a second one."""
        words = " ".join(tokens).casefold().split(" ")  # words hold no spaces: one call for all
        end = len(words)
        root = self._root
        covered = 0  # words before this belong to a phrase already counted
        previous = None  # the phrase that ends at `covered`
        excluded: dict[int, int] = {}  # tag -> end of the last of its exclude phrases seen
        for start in [i for i, word in enumerate(words) if word in root]:
            node = root[words[start]]
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
            if longest is None or start < covered:
                continue
            restated = previous is not None and previous is not longest and start == covered and _is_acronym(tokens[start])
            in_capitals = longest.lower_case and all(len(t) > 1 and t.isupper() for t in tokens[start:longest_end])
            in_lower_case = longest.capitals and all(t.islower() or t.isdigit() for t in tokens[start:longest_end])
            weight = weights[start]
            for index, synonym in longest.tags.items():
                if (
                    excluded.get(index, 0) <= start
                    and not (restated and index in previous.tags)
                    and not (in_capitals and index in longest.lower_case)
                    and not (in_lower_case and index in longest.capitals)
                ):
                    counts[index] = counts.get(index, 0.0) + weight * (1.0 if synonym else phrase_weight)
            covered, previous = longest_end, longest


def _is_acronym(word: str) -> bool:
    """LLM, LLMs, MLLMs, VLM: capitals, perhaps with a plural s."""
    stem = word[:-1] if word.endswith("s") else word
    return len(stem) > 1 and stem.isupper()
