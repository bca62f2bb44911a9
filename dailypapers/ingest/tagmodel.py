"""The learned half of tagging: how likely a labeller following the guide would give a paper
each tag, from the paper's words and the rules' evidence (tagging.py). Trained at development
time on hand labels (scripts/train_tagger.py), shipped as one small file, deterministic.

Two linear stages, numpy only:
1. Words. Ridge regression of every tag's labels (+1/-1) on the paper's terms: words and word
   pairs of the title, the abstract and the ai_keywords, kept apart, present or not, scaled by
   the paper's number of terms. Solved for all tags at once in its dual form (one n x n
   system for n papers), then folded into a weight per (term, tag); small weights are
   dropped and the rest rounded.
2. Per tag, a logistic regression on that word score, the rules' evidence for the tag (its
   score, whether it reaches min_score, its rank, whether the rules give it) and the other
   tags' word scores (Mathematics goes with Reasoning, Datasets with benchmarks). The rules
   see phrases a few hundred papers cannot teach; the words see what a phrase list misses.
   Stage 2 learns from word scores of papers held out of stage 1 (cross-fitting), so that it
   weighs them as they behave on new papers.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..model import Paper
from .phrases import words

# What a file's terms and evidence mean: a file made for others scores nonsense, so it is refused.
FORMAT = "terms 2: abstract words and word pairs, t: title, k: keywords"
EVIDENCE = ("log_score", "reaches_min_score", "ranks_first", "ranks_top_three", "given_by_rules")
RIDGE = 0.5  # stage 1's penalty: chosen by cross-validation on the training labels (0.5-2 within 0.005 F1)
STAGE2_PENALTY = 1.0  # L2 on stage 2's weights (its intercept is free)
CROSS_FIT_FOLDS = 3
MIN_TERM_PAPERS = 8  # a term in fewer training papers is noise (3 scores the same, in a file twice the size)
MIN_TAG_PAPERS = 5  # a tag with fewer labelled papers is left to the rules
WEIGHT_STEPS = 127  # stage-1 weights are stored as int8 steps of a per-tag scale
DROPPED_STEPS = 2  # and those this small or smaller are dropped (a file half the size)
# A tag is given from this probability. Cross-validated F1 is flat from 0.4 to 0.5; 0.45 puts
# precision above recall by about the margin the issue asks (0.85 and 0.80).
THRESHOLD = 0.45


class TagModelError(ValueError):
    pass


def paper_terms(paper: Paper) -> set[str]:
    """A paper's distinct terms: words and word pairs ("diffusion model") of the abstract as
    they are, of the title and the ai_keywords marked "t:" and "k:" (a word holds no colon).
    Few new strings are made: tagging runs on every paper of a retag."""
    tokens = words(paper.abstract)
    terms = set(tokens)
    terms.update(map(" ".join, zip(tokens, tokens[1:])))
    tokens = words(paper.title)
    terms.update(["t:" + term for term in (*tokens, *map(" ".join, zip(tokens, tokens[1:])))])
    for keyword in paper.ai_keywords:
        tokens = words(keyword)
        terms.update(["k:" + term for term in {" ".join(tokens), *tokens}])
    return terms


class TagModel:
    def __init__(self, tags: list[str], terms: list[str], steps: np.ndarray, scales: np.ndarray, stage2: np.ndarray):
        self.tags = tags  # the tags it scores, by name
        self.terms = terms
        self._term_index = {term: i for i, term in enumerate(terms)}
        self._steps = steps  # terms x tags, int8
        self._scales = scales.astype(np.float32)  # per tag: a step's weight
        self.stage2 = stage2  # tags x (intercept, word score, *EVIDENCE, each tag's word score)

    def probabilities(self, paper: Paper, evidence: np.ndarray) -> np.ndarray:
        """Each of `self.tags`' probability, given the rules' `evidence` (tags x EVIDENCE)."""
        terms = paper_terms(paper)
        index = self._term_index
        rows = [index[term] for term in terms if term in index]  # the fastest of the ways measured
        if rows:
            found = np.add.reduce(self._steps.take(np.array(rows), axis=0), axis=0, dtype=np.int32)
            word_scores = found * self._scales / math.sqrt(len(terms))
        else:
            word_scores = np.zeros(len(self.tags), dtype=np.float32)
        own = 2 + len(EVIDENCE)
        logits = (
            self.stage2[:, 0]
            + self.stage2[:, 1] * word_scores
            + (self.stage2[:, 2:own] * evidence).sum(axis=1)
            + self.stage2[:, own:] @ word_scores
        )
        return 1.0 / (1.0 + np.exp(-logits))

    @classmethod
    def fit(cls, papers: Sequence[Paper], labels: np.ndarray, evidence: np.ndarray, tags: list[str]) -> TagModel:
        """Train on `papers` with `labels` (papers x tags: the share of a paper's labellers who
        gave the tag, 0 to 1) and the rules' `evidence` (papers x tags x EVIDENCE). Tags with
        fewer than MIN_TAG_PAPERS labelled papers are left out."""
        labels = np.asarray(labels, dtype=float)
        kept = [t for t in range(len(tags)) if labels[:, t].sum() >= MIN_TAG_PAPERS]
        labels, evidence = labels[:, kept], evidence[:, kept]
        term_lists = [sorted(paper_terms(p)) for p in papers]  # sorted: the same matrix on every run
        counts: dict[str, int] = {}
        for terms in term_lists:
            for term in terms:
                counts[term] = counts.get(term, 0) + 1
        vocabulary = sorted(t for t, n in counts.items() if n >= MIN_TERM_PAPERS)
        matrix = _term_matrix(term_lists, {t: i for i, t in enumerate(vocabulary)})
        targets = 2 * labels - 1  # +1 given by all, -1 by none
        # stage 2 learns from word scores of papers stage 1 did not see
        held_out_scores = np.zeros(labels.shape)
        order = np.random.RandomState(0).permutation(len(papers))
        for fold in range(CROSS_FIT_FOLDS):
            test = np.sort(order[fold::CROSS_FIT_FOLDS])
            train = np.setdiff1d(order, test)
            steps, scales = _stored(_ridge(matrix[train], targets[train]))
            held_out_scores[test] = matrix[test] @ (steps * scales)
        steps, scales = _stored(_ridge(matrix, targets))
        used = np.flatnonzero(np.abs(steps).max(axis=1) > 0)
        stage2 = np.array(
            [
                _logistic(np.column_stack([held_out_scores[:, t], evidence[:, t], held_out_scores]), labels[:, t])
                for t in range(len(kept))
            ]
        )
        return cls([tags[t] for t in kept], [vocabulary[i] for i in used], steps[used], scales, stage2)

    def save(self) -> bytes:
        """The model as the bytes of an .npz file (arrays only: loading runs no code)."""
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            tags=np.array(self.tags),
            terms=np.frombuffer("\n".join(self.terms).encode("utf-8"), dtype=np.uint8),
            steps=self._steps,
            scales=self._scales,
            stage2=self.stage2,
            format=np.array(FORMAT),
            evidence=np.array(EVIDENCE),
        )
        return buffer.getvalue()

    @classmethod
    def load(cls, path: Path) -> TagModel:
        """Raises TagModelError naming the file."""
        try:
            with np.load(path, allow_pickle=False) as data:
                made_for = (str(data["format"]), tuple(data["evidence"]))
                tags = [str(t) for t in data["tags"]]
                terms = data["terms"].tobytes().decode("utf-8").split("\n")
                model = cls(tags, terms, data["steps"], data["scales"], data["stage2"])
        except OSError as error:
            raise TagModelError(f"{path}: cannot read: {error.strerror or error}") from None
        except (KeyError, ValueError, zipfile.BadZipFile, UnicodeDecodeError) as error:
            raise TagModelError(f"{path}: not a tag model: {error}") from None
        if made_for != (FORMAT, EVIDENCE):
            raise TagModelError(f"{path}: made by another version of the tagger: train it again (scripts/train_tagger.py)")
        shapes = (model._steps.shape, model._scales.shape, model.stage2.shape)
        if shapes != ((len(terms), len(tags)), (len(tags),), (len(tags), 2 + len(EVIDENCE) + len(tags))):
            raise TagModelError(f"{path}: not a tag model: its arrays do not fit together {shapes}")
        return model


def _term_matrix(term_lists: list[list[str]], index: dict[str, int]):
    """Papers x terms: a term the paper has at 1/sqrt(the paper's number of terms), counting
    those outside the vocabulary, so that dropping a term from the file changes nothing else."""
    from scipy import sparse

    rows, columns, values = [], [], []
    for row, terms in enumerate(term_lists):
        found = [index[t] for t in terms if t in index]
        rows += [row] * len(found)
        columns += found
        values += [1.0 / math.sqrt(len(terms))] * len(found)
    return sparse.csr_matrix((values, (rows, columns)), shape=(len(term_lists), len(index)))


def _ridge(matrix, targets: np.ndarray) -> np.ndarray:
    """Terms x tags weights minimising squared error + RIDGE * |w|^2, through the dual:
    w = X^T (X X^T + RIDGE I)^-1 y (papers are far fewer than terms)."""
    gram = (matrix @ matrix.T).toarray()
    gram[np.diag_indices_from(gram)] += RIDGE
    return np.asarray(matrix.T @ np.linalg.solve(gram, targets))


def _stored(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights as they are stored: int8 steps and each tag's step, small ones dropped. Stage 2
    learns from scores made the same way, so dropping them biases nothing."""
    scales = np.maximum(np.abs(weights).max(axis=0), 1e-12) / WEIGHT_STEPS
    steps = np.round(weights / scales).astype(np.int8)
    steps[np.abs(steps) <= DROPPED_STEPS] = 0
    return steps, scales


def _logistic(features: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Intercept and weights of an L2-penalised logistic regression, by Newton's method;
    `labels` may be shares (0.5: one labeller of two gave the tag)."""
    x = np.column_stack([np.ones(len(features)), features])
    y = labels
    penalty = np.full(x.shape[1], STAGE2_PENALTY)
    penalty[0] = 0.0
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w
