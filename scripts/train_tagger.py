#!/usr/bin/env python3
"""Train the tag model (dailypapers/ingest/tagmodel.py) on the hand labels; writes tagmodel.npz.

The labels: tests/fixtures/tag-labels.yaml (290 papers, with their texts) and
tests/fixtures/tag-labels-corpus.yaml (9,417 papers of the 2024-2026 corpus, ids and two
labellers' tags: their titles, abstracts and keywords come from the corpus's API JSON,
--corpus). The model learns the share of labellers who gave each tag. The held-out set
(tag-heldout.yaml) is only read to refuse its papers. Deterministic: the same labels give the
same file.

    tar xJf hf-daily-papers-2024-2026.tar.xz -C /tmp/corpus
    .venv/bin/python scripts/train_tagger.py --corpus /tmp/corpus/hf-daily-papers [--folds 4]

--folds K first prints K-fold cross-validated precision and recall of the whole tagger.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tag_report import CORPUS_LABELS, LABEL_SETS, corpus_papers

from dailypapers.ingest.tagging import Taxonomy
from dailypapers.ingest.tagmodel import TagModel
from dailypapers.model import Paper
from dailypapers.store import write_atomic

LABELLED, HELD_OUT = LABEL_SETS["training"], LABEL_SETS["held-out"]
LABELLERS = ("tags", "second_tags")  # two passes over the corpus, by two labellers


def training_set(corpus: Path, taxonomy: Taxonomy) -> tuple[list[Paper], list[list[set[str]]]]:
    """The labelled papers and, for each, every labeller's tags (as the taxonomy names them now)."""
    held_out = {e["arxiv_id"] for e in yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))["papers"]}
    papers, labels = [], []
    for entry in yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["papers"]:
        papers.append(Paper(title=entry["title"], abstract=entry["abstract"], ai_keywords=entry.get("ai_keywords") or []))
        labels.append([set(taxonomy.canonical_names(entry["tags"]))])
    texts = {p.arxiv_id: p for p in corpus_papers(corpus).values() if p.arxiv_id}
    missing = []
    for entry in yaml.safe_load(CORPUS_LABELS.read_text(encoding="utf-8"))["papers"]:
        arxiv_id = str(entry["arxiv_id"])
        if arxiv_id in held_out:
            raise SystemExit(f"{CORPUS_LABELS}: {arxiv_id} is a held-out paper: it must not be trained on")
        if arxiv_id not in texts:
            missing.append(arxiv_id)
            continue
        papers.append(texts[arxiv_id])
        labels.append([set(taxonomy.canonical_names(entry[key])) for key in LABELLERS if key in entry])
    if missing:
        print(f"{len(missing)} labelled papers are not in {corpus} (first: {missing[0]}): trained without them")
    return papers, labels


def fit(taxonomy: Taxonomy, papers: list[Paper], labels: list[list[set[str]]]) -> TagModel:
    names = [tag.name for tag in taxonomy.tags]
    truth = np.array([[sum(name in tags for tags in sets) / len(sets) for name in names] for sets in labels])
    evidence = np.stack([taxonomy.evidence(paper) for paper in papers])
    return TagModel.fit(papers, truth, evidence, names)


def cross_validate(taxonomy: Taxonomy, papers: list[Paper], labels: list[list[set[str]]], folds: int) -> None:
    """Precision and recall of the whole tagger against each labeller, on papers left out of its training."""
    order = np.random.RandomState(1).permutation(len(papers))
    hits = given = labelled = 0
    for fold in range(folds):
        test = set(order[fold::folds].tolist())
        train = [i for i in range(len(papers)) if i not in test]
        taxonomy.use_model(fit(taxonomy, [papers[i] for i in train], [labels[i] for i in train]))
        for i in test:
            tags = set(taxonomy.tags_for(papers[i]))
            for truth in labels[i]:
                hits += len(tags & truth)
                given += len(tags)
                labelled += len(truth)
        print(f"fold {fold + 1} of {folds} done", flush=True)
    precision, recall = hits / given, hits / labelled
    print(f"{folds}-fold cross-validation: precision {precision:.3f} recall {recall:.3f} F1 {2 * precision * recall / (precision + recall):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/corpus/hf-daily-papers"), help="folder of API JSON files")
    parser.add_argument("--taxonomy", type=Path, default=REPO / "tags.yaml")
    parser.add_argument("--output", type=Path, default=REPO / "tagmodel.npz")
    parser.add_argument("--folds", type=int, default=0, help="cross-validate on this many folds first")
    args = parser.parse_args()
    taxonomy = Taxonomy.load(args.taxonomy)
    papers, labels = training_set(args.corpus, taxonomy)
    print(f"{len(papers)} labelled papers, {sum(len(tags) for sets in labels for tags in sets)} labels")
    if args.folds > 1:
        cross_validate(taxonomy, papers, labels, args.folds)
    start = time.perf_counter()
    model = fit(taxonomy, papers, labels)
    data = model.save()
    write_atomic(args.output, data)
    print(f"{args.output}: {len(model.tags)} tags, {len(model.terms)} terms, {len(data) / 1e6:.2f} MB, trained in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
