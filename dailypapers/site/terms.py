"""Hashed term counts of texts, for similar papers (site/similar.py).

Words (two letters or more, lower case) less the commonest English function words, and
each pair of neighbouring words, hashed into FEATURES columns: no vocabulary to keep, so
a new paper's counts never move another's. Our own, with numpy and scipy alone: the
hashing vectorizer of scikit-learn did the same, but importing scikit-learn took two
seconds of every build that adds a day.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
import scipy.sparse as sp

FEATURES = 2**20  # hashed terms: collisions are rare at this size
_MASK = FEATURES - 1
_WORD = re.compile(r"\b\w\w+\b")
# Words that say nothing of a paper's topic: articles, pronouns, auxiliaries, prepositions,
# conjunctions and the like. (Topic words common in papers, "model" or "data", are left to
# the IDF, which weighs them down as it should.)
STOP_WORDS = frozenset("""
a about above after again against all almost along already also although always am among an and another
any anyone anything are around as at be became because become becomes been before being below besides
between beyond both but by can cannot could did do does doing done down during each either else enough
etc even ever every few for from further had has have having he her here hers herself him himself his how
however if in indeed into is it its itself just least less many may me might more most mostly much must
my myself neither never nevertheless no nor not now of off often on once one only onto or other others
otherwise our ours ourselves out over own per perhaps rather same several she should since so some
somehow something sometimes still such than that the their theirs them themselves then thence there
thereby therefore these they this those though through throughout thus to together too toward towards
under until up upon us very via was we well were what whatever when whenever where whereas whether which
while who whoever whole whom whose why will with within without would yet you your yours yourself
yourselves
""".split())


def terms(text: str) -> list[str]:
    """The text's words (stop words dropped) and each pair of neighbouring words."""
    words = [word for word in _WORD.findall(text.lower()) if word not in STOP_WORDS]
    return words + [f"{first} {second}" for first, second in zip(words, words[1:])]


def term_counts(texts: list[str]) -> sp.csr_matrix:
    """One row a text: how often each hashed term occurs in it (column order sorted)."""
    indptr, indices, counts = [0], [], []
    for text in texts:
        hashed = np.fromiter((zlib.crc32(term.encode("utf-8", "surrogatepass")) & _MASK for term in terms(text)),
                             dtype=np.int32)
        columns, repeats = np.unique(hashed, return_counts=True)
        indices.append(columns)
        counts.append(repeats.astype(np.float32))
        indptr.append(indptr[-1] + len(columns))
    empty_int, empty_float = np.zeros(0, np.int32), np.zeros(0, np.float32)
    return sp.csr_matrix((np.concatenate(counts or [empty_float]), np.concatenate(indices or [empty_int]),
                          np.array(indptr, dtype=np.int64)), shape=(len(texts), FEATURES))
