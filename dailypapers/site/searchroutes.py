"""Routes: which bundles may hold a query's words, so that a search loads only those bundles.

Every bundle a search loads costs its entry, its page list and an index chunk per query word,
so a first search that loads them all outgrows its budget as bundles are added. A bundle can
only answer a query if it holds every query word (Pagefind returns the pages with all the
words), so the search page looks each word up here first and loads the bundles that hold all
of them, newest first, as many as its budget allows (theme/static/js/search.js).

A word is routed by its key, its first KEY_LETTERS letters: Pagefind matches a word's stem as
a prefix, and an English stem is rarely shorter, so a bundle without the key seldom matches
the word. A first author's mark (zhangfirstauthor) and an arXiv id are keys whole. A title
is routed whole too, by a hash of its words, filed with its longest word: a title of common
words is in every bundle word by word, but only one bundle holds that title.

Each bundle lists its keys (keys.txt, written when it is indexed); pagefind/routes/ holds,
by the keys' first SHARD_LETTERS letters, one small file of lines "key<TAB>bundles", the
bundles a number whose bit i is facets.json's bundles[-1 - i] (the oldest is bit 0), in base 36,
and for a rare key, how many papers have it in each.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from .output import remove_tree, write_if_changed
from .searchrecords import FIRST_AUTHOR_MARK, PaperRecord, surname

KEY_LETTERS = 5
SHARD_LETTERS = 3
ID_SHARD_LETTERS = 6  # ids share their first letters (2405.): a month of ids a shard
KEYS = "keys.txt"  # in each bundle
RARE = 100  # papers at most with a key for its counts to be listed
ROUTES = "routes"  # under pagefind/
TITLE = "="  # a title's key: "=" and its hash
PAIR = ">"  # a title word and its first author's surname: "survey>zhang"
_WORD = re.compile(r"[^\W_]+")
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}")


def words(text: str) -> list[str]:
    """As the search page folds a query: lower case, accents dropped (as Pagefind does), split
    at what is not a letter or digit."""
    text = text.lower()
    if text.isascii():
        return _WORD.findall(text)
    return [word for part in text.split() for word in _folded_words(part)]


@lru_cache(maxsize=1 << 16)
def _folded_words(part: str) -> list[str]:
    """The words of a run without spaces, accents dropped: folded per run and remembered,
    since folding every character of 40,000 papers took seconds (no accent or mark is a space)."""
    if part.isascii():
        return _WORD.findall(part)
    part = unicodedata.normalize("NFD", part)
    return _WORD.findall("".join(char for char in part if not unicodedata.category(char).startswith("M")))


def title_key(title: str) -> tuple[str, str]:
    """The title's key (its words' FNV-1a hash) and the word it is filed with: the first longest."""
    folded = words(title)
    hash_ = 0x811C9DC5
    for char in " ".join(folded):
        hash_ = ((hash_ ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return TITLE + _base36(hash_), max(folded, key=len, default="")


def record_keys(record: PaperRecord) -> set[str]:
    """The keys of every word Pagefind indexes for the record (searchrecords.record_html)."""
    text = " ".join([record.abstract, record.title, *record.authors, record.summary])
    keys = set(words(text))
    first_author = "".join(words(surname(record.authors[0]))) if record.authors else ""
    if first_author:
        keys.add(first_author + FIRST_AUTHOR_MARK)
        keys.update(f"{word}{PAIR}{first_author}" for word in words(record.title) if len(word) >= SHARD_LETTERS)
    if record.arxiv_id:
        keys.add(record.arxiv_id)
    key, longest = title_key(record.title)
    if longest:
        keys.add(f"{key} {longest}")  # filed with its longest word: see shard_of
    return keys


def shard_of(key: str) -> str:
    if key.startswith(TITLE):
        key = key.split(" ", 1)[1]
    key = key.split(PAIR, 1)[0]
    return key[:ID_SHARD_LETTERS if _ARXIV_ID.fullmatch(key) else SHARD_LETTERS]


def write_keys(bundle: Path, records: list[PaperRecord]) -> None:
    """The bundle's keys, each with the number of its papers that have it."""
    keys = Counter(key for record in records for key in record_keys(record))
    (bundle / KEYS).write_text("".join(f"{key}\t{count}\n" for key, count in sorted(keys.items())), encoding="utf-8")


def write_routes(folder: Path, names: list[str]) -> None:
    """pagefind/routes/ from the bundles' keys (names oldest first); files unchanged stay.
    A rare key in several bundles (or a title word and surname) has its papers counted in each,
    after its bundles, oldest first: the search page loads first the bundles likeliest to hold
    a paper with all the words (and knows how many rows a first author's papers make)."""
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for bit, name in enumerate(names):
        for line in (folder / name / KEYS).read_text(encoding="utf-8").splitlines():
            key, count = line.split("\t")
            counts[key][bit] = int(count)
    shards: dict[str, list[str]] = defaultdict(list)
    for key in sorted(counts):
        held = counts[key]
        line = f"{key.split(' ', 1)[0]}\t{_base36(sum(1 << bit for bit in held))}"
        if (len(held) > 1 or PAIR in key) and sum(held.values()) <= RARE and not key.startswith(TITLE):
            line += "\t" + ",".join(_base36(held[bit]) for bit in sorted(held))
        shards[shard_of(key)].append(line)
    routes = folder / ROUTES
    routes.mkdir(exist_ok=True)
    for stale in routes.iterdir():
        if stale.stem not in shards:
            remove_tree(stale)
    for shard, lines in shards.items():
        write_if_changed(routes / f"{shard}.txt", ("\n".join(lines) + "\n").encode())


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        if not number:
            return digits
