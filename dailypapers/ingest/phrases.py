"""How the phrases of tags.yaml match: literal phrases as words (with plural forms), and
`re:` phrases, checked so that no pattern can hang an import.

Python's regular expressions backtrack: `(a+)+b`, `(a|a)*b` or `a*a*a*b` take exponential or
high polynomial time on a text that almost matches. A taxonomy is edited by hand and runs on
every paper, so a pattern is refused unless its worst case is small: no repetition inside a
repetition, no alternation inside a repetition, no back-reference, at most one unbounded
quantifier (`*`, `+`, `{n,}`), and the bounded ones multiplying to at most MAX_BOUNDED_STEPS.
With that, a match costs at most a small multiple of the text's length at each position.
"""

from __future__ import annotations

import re
from re import _constants as sre  # the parser behind `re` (stable in 3.11): how a pattern is built
from re import _parser as sre_parse

WORD_RE = re.compile(r"\w+")
MAX_BOUNDED_STEPS = 1000  # product of the bounded quantifiers' (max + 1)
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT}


class UnsafePattern(ValueError):
    pass


def compile_phrase(source: str, shown: str) -> tuple[re.Pattern, str]:
    """The compiled pattern of an `re:` phrase, matched case-blind on whole words, and a
    lower-case string every match contains ("" if none is known): a text without it is not
    searched, which saves most of the time patterns take. `shown` is the phrase as errors
    quote it. Raises ValueError (UnsafePattern for one that could backtrack without bound)."""
    try:
        tree = sre_parse.parse(source)
    except re.error as error:
        raise ValueError(f"bad regular expression {shown!r}: {error}") from None
    budget = {"unbounded": 0, "steps": 1}
    try:
        _check(list(tree), inside_repeat=False, budget=budget)
    except UnsafePattern as error:
        raise UnsafePattern(f"regular expression {shown!r}: {error}: it could take exponential time") from None
    if budget["unbounded"] > 1:
        raise UnsafePattern(f"regular expression {shown!r}: more than one unbounded quantifier (*, +, {{n,}})")
    if budget["steps"] > MAX_BOUNDED_STEPS:
        raise UnsafePattern(f"regular expression {shown!r}: its bounded quantifiers allow too many ways to match")
    return re.compile(r"(?<!\w)(?:" + source + r")(?!\w)", re.IGNORECASE), _required_text(list(tree))


def _required_text(items: list) -> str:
    """The longest run of literal characters at the pattern's top level: every match holds it."""
    runs, run = [], ""
    for op, value in items:
        if op == sre.LITERAL:
            run += chr(value)
        else:
            runs.append(run)
            run = ""
    return max([*runs, run], key=len).lower()


def _check(items: list, inside_repeat: bool, budget: dict) -> None:
    for op, value in items:
        if op in _REPEATS or op == sre.POSSESSIVE_REPEAT:
            low, high, body = value
            if op != sre.POSSESSIVE_REPEAT and high > 1:  # a possessive quantifier never backtracks
                if inside_repeat:
                    raise UnsafePattern("a repetition inside a repetition")
                if high == sre.MAXREPEAT:
                    budget["unbounded"] += 1
                else:
                    budget["steps"] *= high + 1
            _check(list(body), inside_repeat or high > 1, budget)
        elif op == sre.BRANCH:
            if inside_repeat:
                raise UnsafePattern("an alternation inside a repetition (list the phrases instead)")
            for branch in value[1]:
                _check(list(branch), inside_repeat, budget)
        elif op == sre.SUBPATTERN:
            _check(list(value[3]), inside_repeat, budget)
        elif op == sre.ATOMIC_GROUP:  # atomic after it matched, but it still searches inside
            _check(list(value), inside_repeat, budget)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            _check(list(value[1]), inside_repeat, budget)
        elif op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
            raise UnsafePattern("a back-reference")


def words(text: str) -> list[str]:
    return WORD_RE.findall(text.casefold())


def key_of(text: str) -> str:
    """The form a phrase, a keyword or a stretch of text is looked up by."""
    return " ".join(words(text))


def forms(key: str) -> set[str]:
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
