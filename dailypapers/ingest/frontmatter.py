"""Reading a few keys of a post's front matter without building the rest.

`make retag` needs a post's title, keywords, body and tag keys, not its author list, which
is most of the YAML and most of the time a full parse takes (the YAML constructor is Python
even with the C parser). A post's top-level keys start at column 0, so the lines of the keys
wanted can be cut out and only those parsed. Anything this cut cannot be sure of (a quoted or
complex key, an alias, YAML it cannot read, a value of the wrong kind) gives None, and the
caller reads the post in full, which reports what is wrong.
"""

from __future__ import annotations

import yaml

from .. import posts

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

_CONTINUATION = (" ", "\t", "-", "#", "\n")  # an indented value, a column-0 list item, a comment
_KEY_STARTS = set("?&*!'\"{[%@`|>")  # keys in a form the cut does not follow


def read_fields(text: str, keys: frozenset[str]) -> tuple[dict, str] | None:
    """The values of `keys` in the post `text` (those present) and its body; None when the
    front matter is not in the plain form posts are written in."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    delimiter = posts.FRONT_MATTER_DELIMITER
    if not text.startswith(delimiter):
        return None
    end = text.find("\n" + delimiter, len(delimiter) - 1)
    if end < 0:
        return None
    chosen: list[str] = []
    keep = False
    for line in text[len(delimiter) : end + 1].splitlines(keepends=True):
        if line.startswith(_CONTINUATION):
            if keep:
                chosen.append(line)
            continue
        key, colon, _ = line.partition(":")
        if not colon or key[:1] in _KEY_STARTS or key != key.strip():
            return None
        keep = key in keys
        if keep:
            chosen.append(line)
    front = "".join(chosen)
    if posts.may_hold_alias(front):  # the full parse refuses aliases and says so
        return None
    try:
        meta = yaml.load(front, Loader=_Loader) if front else {}
    except yaml.YAMLError:
        return None
    if not isinstance(meta, dict) or posts.problems(meta, keys):
        return None
    return meta, text[end + 1 + len(delimiter) :].lstrip("\n")
