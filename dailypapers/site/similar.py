"""Similar papers: the 5 papers nearest to each one by TF-IDF cosine over its title (three
times), abstract, keywords and tags (four times, as one token each), computed at build time.

Stable and incremental by design:
- The IDF comes from a fixed reference, the oldest `reference_size(N)` papers (a power of
  two), so adding days leaves every weight as it was until the archive doubles. A paper's
  vector depends on its text and that IDF only.
- Vectors are pruned to each paper's TERMS_KEPT heaviest terms (after normalising over all
  of them): the pairs that share a term stay few, so the all-pairs product stays sparse.
- A score depends on its two papers alone, ties go to the earlier post path, so the lists of
  an incremental build equal a full recompute: a new or changed paper's list is computed
  against all; every other list only takes in the new papers that beat its fifth entry, and
  is recomputed when one of its entries left or changed.
The state (vectors, lists, IDF) lives in the build cache, keyed by post and text digests.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp

from .archive import PaperEntry
from .cache import BuildCache
from .terms import FEATURES, term_counts

TOP = 5
TERMS_KEPT = 30  # per paper: 40 raises tag agreement 2 points and the all-pairs product 1.6 times
TITLE_TIMES = 3  # the title says most: its words outweigh the abstract's
# Each tag counts as one word ("tag_3d") this many times. A tag is the taxonomy's topic of the
# whole text, common enough to survive the cut to TERMS_KEPT; rare words and word pairs alone
# find near-duplicates, not papers on the same topic (README: "Similar papers").
TAG_TIMES = 4
CHUNK_ROWS = 1000  # papers scored against all at once: bounds the memory of a product
SCORE_SCALE = 1_000_000  # scores are kept as integers, so ties are exact
SCORE_LIMIT = (1 << 20) - 1  # above any score (a cosine is at most 1)
OTHER_BITS = 24  # papers: up to 16 million
OWNER_SHIFT = 20 + OTHER_BITS  # owners below 2**19 (a chunk's rows, or an archive's papers)


@dataclass(frozen=True)
class SimilarPaper:
    """What a paper page shows of a similar paper (and so what its key depends on)."""

    url: str
    title: str
    day: date
    upvotes: int


def paper_text(paper: PaperEntry) -> str:
    """The text a paper is compared by: its title TITLE_TIMES, abstract, keywords, and each
    tag as one word no text holds ("tag_3d"), TAG_TIMES."""
    keywords = " ".join(str(k) for k in paper.meta.get("ai_keywords") or ())
    tags = " ".join("tag_" + re.sub(r"\W", "_", tag.slug) for tag in paper.tags)
    return "\n".join([*[paper.title] * TITLE_TIMES, paper.abstract, keywords, *[tags] * TAG_TIMES])


def _post_digest(paper: PaperEntry) -> str:
    """What a paper's text is known by between builds: its post file, and its tags' slugs,
    which a taxonomy change moves while the file stays as it was."""
    return paper.digest + " " + " ".join(tag.slug for tag in paper.tags)


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def reference_size(count: int) -> int:
    """How many of the oldest papers the IDF is taken from: the largest power of two up to
    `count`, so that it changes only when the archive doubles."""
    return 1 << (count.bit_length() - 1) if count else 0


def inverse_document_frequency(reference_counts: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Smoothed IDF over the reference's rows; a term it lacks gets the highest weight."""
    size = len(reference_counts)
    frequency = np.zeros(FEATURES, dtype=np.int64)
    for start in range(0, size, CHUNK_ROWS):
        part = [indices for indices, _ in reference_counts[start:start + CHUNK_ROWS]]
        frequency += np.bincount(np.concatenate(part), minlength=FEATURES)
    return (np.log((1 + size) / (1 + frequency)) + 1).astype(np.float32)


def weigh(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF times IDF, unit length over all terms, then each row's TERMS_KEPT
    heaviest terms (ties to the lower term index). Row by row the same, whatever the batch."""
    data = (1 + np.log(counts.data.astype(np.float64))) * idf[counts.indices].astype(np.float64)
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=counts.shape[0]))
    data = data / np.where(norms > 0, norms, 1)[rows]
    order = np.lexsort((counts.indices, -data, rows))
    place = np.arange(len(order)) - counts.indptr[rows[order]]
    kept = np.sort(order[place < TERMS_KEPT])  # back to row, then term order
    vectors = sp.csr_matrix(
        (data[kept].astype(np.float32), counts.indices[kept], np.searchsorted(kept, counts.indptr)),
        shape=counts.shape,
    )
    vectors.sort_indices()
    return vectors


def nearest(rows: np.ndarray, vectors: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """For each of `rows` (indexes into vectors), its TOP nearest other rows and their
    integer scores, best first, ties to the lower index; -1 where fewer share a term."""
    neighbours = np.full((len(rows), TOP), -1, dtype=np.int64)
    scores = np.zeros((len(rows), TOP), dtype=np.int64)
    if not len(rows):
        return neighbours, scores
    transposed = vectors.T.tocsr()
    for start in range(0, len(rows), CHUNK_ROWS):
        part = rows[start:start + CHUNK_ROWS]
        products = (vectors[part] @ transposed).tocoo()
        keep = (products.col != part[products.row]) & (products.data > 0)
        owner, other = products.row[keep], products.col[keep].astype(np.int64)
        score = np.rint(products.data[keep].astype(np.float64) * SCORE_SCALE).astype(np.int64)
        best, best_scores = _top(owner, other, score, len(part))
        neighbours[start:start + len(part)] = best
        scores[start:start + len(part)] = best_scores
    return neighbours, scores


def _top(owner: np.ndarray, other: np.ndarray, score: np.ndarray, owners: int):
    """The TOP best (other, score) pairs of each owner 0..owners-1: highest score, then lowest
    other. One sort of one integer key (owner, then score down, then other) does it."""
    owner, other, score = owner.astype(np.int64), other.astype(np.int64), score.astype(np.int64)
    key = (owner << OWNER_SHIFT) | ((SCORE_LIMIT - np.clip(score, 0, SCORE_LIMIT)) << OTHER_BITS) | other
    key.sort()
    owner, other = key >> OWNER_SHIFT, key & ((1 << OTHER_BITS) - 1)
    score = SCORE_LIMIT - ((key >> OTHER_BITS) & SCORE_LIMIT)
    starts = np.searchsorted(owner, np.arange(owners))
    place = np.arange(len(owner)) - starts[owner]
    keep = place < TOP
    best = np.full((owners, TOP), -1, dtype=np.int64)
    best_scores = np.zeros((owners, TOP), dtype=np.int64)
    best[owner[keep], place[keep]] = other[keep]
    best_scores[owner[keep], place[keep]] = score[keep]
    return best, best_scores


@dataclass
class State:
    """What the last build knew, saved in the build cache between builds."""

    reference: str  # digest of the reference papers' texts: the IDF's identity
    idf: np.ndarray
    paths: list[str]  # sorted: a row's index is its place here
    post_digests: list[str]  # with the tags' slugs (_post_digest)
    text_keys: list[str]
    vectors: sp.csr_matrix
    neighbours: np.ndarray  # row indexes, -1 for none
    scores: np.ndarray


_FIELD, _RECORD = "\x1f", "\x1e"  # separators no title keeps (imports remove control characters)


@dataclass(frozen=True)
class SimilarList:
    """A paper's similar papers, best first, packed in one string (url, title, day and
    upvotes of each): a page's key takes one value, where five views would cost five
    fingerprints on every paper page of every build."""

    packed: str

    @property
    def papers(self) -> list[SimilarPaper]:
        records = [record.split(_FIELD) for record in self.packed.split(_RECORD)] if self.packed else []
        return [SimilarPaper(url, title, date.fromisoformat(day), int(up)) for url, title, day, up in records]


def similar_lists(papers: list[PaperEntry], cache: BuildCache) -> dict[str, SimilarList]:
    """Each paper's url -> its similar papers."""
    state = update(papers, cache)
    by_path = {paper.source_path: paper for paper in papers}
    packed = [_pack(by_path[path]) for path in state.paths]
    return {
        by_path[path].url: SimilarList(_RECORD.join([packed[j] for j in row if j >= 0]))
        for path, row in zip(state.paths, state.neighbours.tolist())
    }


def _pack(paper: PaperEntry) -> str:
    title = paper.title.replace(_FIELD, " ").replace(_RECORD, " ")
    return f"{paper.url}{_FIELD}{title}{_FIELD}{paper.day.isoformat()}{_FIELD}{paper.upvotes}"


def update(papers: list[PaperEntry], cache: BuildCache) -> State:
    """The lists for `papers`, from the cached state where it still holds; saved back."""
    saved = cache.similar_state()
    old: State | None = pickle.loads(saved) if saved else None
    papers = sorted(papers, key=lambda p: p.source_path)
    paths = [p.source_path for p in papers]
    known = dict(zip(old.paths, zip(old.post_digests, old.text_keys))) if old else {}
    keys = []
    for paper in papers:
        digest, key = known.get(paper.source_path, (None, None))
        keys.append(key if digest == _post_digest(paper) else None)
    # A new or edited post: its text (and so perhaps its vector) is read again.
    counts = _counts(cache, papers, keys, [i for i, key in enumerate(keys) if key is None])
    days = [p.day for p in papers]
    by_age = sorted(range(len(papers)), key=days.__getitem__)  # stable: by day, then path
    reference_rows = by_age[: reference_size(len(papers))]
    reference = text_key("\n".join(keys[i] for i in reference_rows))
    digests = [_post_digest(p) for p in papers]
    if old is not None and old.reference == reference and old.paths == paths and old.text_keys == keys:
        if old.post_digests != digests:  # upvotes and the like: the same texts, the same lists
            old.post_digests = digests
            cache.save_similar_state(pickle.dumps(old, pickle.HIGHEST_PROTOCOL))
        return old
    if old is None or old.reference != reference:
        counts.update(_counts(cache, papers, keys, [i for i, key in enumerate(keys) if key not in counts]))
        state = _full(papers, paths, keys, reference, reference_rows, counts)
    else:
        state = _incremental(old, papers, paths, keys, counts)
    cache.save_similar_state(pickle.dumps(state, pickle.HIGHEST_PROTOCOL))
    return state


Row = tuple[np.ndarray, np.ndarray]  # a sparse row's term indices and values


def _counts(cache: BuildCache, papers, keys: list, rows: list[int]) -> dict[str, Row]:
    """Term counts of the papers at `rows` by text digest (filled into `keys` where None):
    from the cache, else from their text, then kept there for the next IDF refresh."""
    texts = {}
    for i in rows:
        if keys[i] is None:
            text = paper_text(papers[i])
            keys[i] = text_key(text)
            texts[keys[i]] = text
    wanted = list(dict.fromkeys(keys[i] for i in rows))
    found = _decode(cache.term_counts(wanted))
    missing = [key for key in wanted if key not in found]
    unread = set(missing) - set(texts)
    unread = [i for i, key in enumerate(keys) if key in unread]
    for i in unread:  # stored state without stored counts: read the text once more
        texts[keys[i]] = paper_text(papers[i])
    if missing:
        for start in range(0, len(missing), CHUNK_ROWS):  # a chunk at a time: bounded memory
            part = missing[start:start + CHUNK_ROWS]
            matrix = term_counts([texts[key] for key in part])
            made = {key: _row(matrix, i) for i, key in enumerate(part)}
            cache.put_term_counts({key: _encode(row) for key, row in made.items()})
            found.update(made)
    return found


def _row(matrix: sp.csr_matrix, i: int) -> Row:
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    return matrix.indices[start:end].astype(np.int32), matrix.data[start:end].astype(np.float32)


def _stack(rows: list[Row]) -> sp.csr_matrix:
    """Rows into one matrix at once (a matrix a row would cost more than its data)."""
    sizes = [len(indices) for indices, _ in rows]
    indices = np.concatenate([r[0] for r in rows] or [np.zeros(0, np.int32)])
    data = np.concatenate([r[1] for r in rows] or [np.zeros(0, np.float32)])
    return sp.csr_matrix((data, indices, np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])), shape=(len(rows), FEATURES))


def _encode(row: Row) -> bytes:
    return row[0].tobytes() + row[1].tobytes()


def _decode(blobs: dict[str, bytes]) -> dict[str, Row]:
    return {
        key: (np.frombuffer(blob, np.int32, len(blob) // 8), np.frombuffer(blob, np.float32, len(blob) // 8, len(blob) // 2))
        for key, blob in blobs.items()
    }


def _full(papers, paths, keys, reference, reference_rows, counts) -> State:
    """Everything again: the IDF moved (the archive doubled, or an old paper changed)."""
    idf = inverse_document_frequency([counts[keys[i]] for i in reference_rows])
    # Weighing is row by row: a chunk at a time gives the same vectors in bounded memory.
    parts = [weigh(_stack([counts[key] for key in keys[s:s + CHUNK_ROWS]]), idf) for s in range(0, len(keys), CHUNK_ROWS)]
    vectors = sp.vstack(parts, format="csr") if parts else _stack([])
    neighbours, scores = nearest(np.arange(len(keys)), vectors)
    return State(reference, idf, paths, [_post_digest(p) for p in papers], keys, vectors, neighbours, scores)


def _incremental(old: State, papers, paths, keys, fresh_counts) -> State:
    """The old lists where they hold; new papers scored against all, and merged into the
    lists they beat the fifth entry of."""
    old_row = {path: i for i, path in enumerate(old.paths)}
    kept = [old_row.get(path, -1) for path in paths]
    kept = np.array([i if i >= 0 and old.text_keys[i] == key else -1 for i, key in zip(kept, keys)], dtype=np.int64)
    kept_rows, fresh = np.flatnonzero(kept >= 0), np.flatnonzero(kept < 0)
    new_row = np.full(len(old.paths) + 1, -1, dtype=np.int64)  # old row -> new row; -1 (last) for gone
    new_row[kept[kept_rows]] = kept_rows
    fresh_vectors = weigh(_stack([fresh_counts[keys[r]] for r in fresh]), old.idf) if len(fresh) else None
    vectors = _assemble(old.vectors, kept, fresh, fresh_vectors)
    old_neighbours = np.where(old.neighbours >= 0, new_row[old.neighbours], -1)
    lost = (old_neighbours < 0) & (old.neighbours >= 0)  # an entry that left or changed
    neighbours = np.full((len(paths), TOP), -1, dtype=np.int64)
    scores = np.zeros((len(paths), TOP), dtype=np.int64)
    neighbours[kept_rows] = old_neighbours[kept[kept_rows]]
    scores[kept_rows] = old.scores[kept[kept_rows]]
    redo = np.zeros(len(paths), dtype=bool)
    redo[fresh] = True
    redo[kept_rows[lost[kept[kept_rows]].any(axis=1)]] = True
    if len(fresh):
        _merge_fresh(neighbours, scores, fresh, vectors, ~redo)
    rows = np.flatnonzero(redo)
    neighbours[rows], scores[rows] = nearest(rows, vectors)
    return State(old.reference, old.idf, paths, [_post_digest(p) for p in papers], keys, vectors, neighbours, scores)


def _assemble(old_vectors, kept, fresh, fresh_vectors) -> sp.csr_matrix:
    """The vectors in the new row order: kept rows from the old matrix, fresh ones new."""
    source = kept.copy()
    stacked = old_vectors
    if fresh_vectors is not None:
        stacked = sp.vstack([old_vectors, fresh_vectors], format="csr")
        source[fresh] = old_vectors.shape[0] + np.arange(len(fresh))
    return stacked[source] if len(source) else sp.csr_matrix((0, FEATURES), dtype=np.float32)


def _merge_fresh(neighbours, scores, fresh, vectors, merged_rows) -> None:
    """Offer each fresh paper to the lists of `merged_rows` (in place)."""
    products = (vectors[fresh] @ vectors.T).tocoo()
    owner = products.col.astype(np.int64)
    other = fresh[products.row]
    score = np.rint(products.data.astype(np.float64) * SCORE_SCALE).astype(np.int64)
    keep = merged_rows[owner] & (owner != other) & (products.data > 0)
    owner, other, score = owner[keep], other[keep], score[keep]
    if not len(owner):
        return
    listed = np.unique(owner)
    old_owner = np.repeat(listed, TOP)
    old_other, old_score = neighbours[listed].ravel(), scores[listed].ravel()
    present = old_other >= 0
    position = np.searchsorted(listed, np.concatenate([owner, old_owner[present]]))
    best, best_scores = _top(
        position, np.concatenate([other, old_other[present]]), np.concatenate([score, old_score[present]]), len(listed)
    )
    neighbours[listed], scores[listed] = best, best_scores
