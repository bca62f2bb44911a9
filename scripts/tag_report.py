#!/usr/bin/env python3
"""How well the taxonomy tags papers (not part of `make test`).

1. Precision and recall against the hand labels (tests/fixtures/tag-labels.yaml): micro
   averages over all (paper, tag) pairs, then per tag.
2. The tags over a corpus of API JSON files (one day a file, e.g. the 2024-2026 archive
   unpacked under /tmp): papers per tag, tags per paper, untagged papers, and the time
   tagging took.

    .venv/bin/python scripts/tag_report.py [--corpus DIR] [--errors]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run from a checkout without installing the package

from dailypapers.ingest import hfapi
from dailypapers.model import Paper
from dailypapers.ingest.tagging import Taxonomy

LABELS = REPO / "tests" / "fixtures" / "tag-labels.yaml"
MIN_LABELS = 3  # per-tag lines for tags with at least this many labels or predictions


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "  -  "


def label_report(taxonomy: Taxonomy, show_errors: bool) -> None:
    entries = yaml.safe_load(LABELS.read_text(encoding="utf-8"))["papers"]
    hits, predicted, labelled = Counter(), Counter(), Counter()
    for entry in entries:
        paper = Paper(title=entry["title"], abstract=entry["abstract"], ai_keywords=entry.get("ai_keywords") or [])
        tags, truth = set(taxonomy.tags_for(paper)), set(entry["tags"])
        predicted.update(tags)
        labelled.update(truth)
        hits.update(tags & truth)
        if show_errors and tags != truth:
            print(f"{entry['arxiv_id']} {entry['title'][:70]}")
            print(f"    missed: {sorted(truth - tags)}  wrong: {sorted(tags - truth)}")
    tp, pred, true = sum(hits.values()), sum(predicted.values()), sum(labelled.values())
    print(f"Hand labels: {len(entries)} papers, {true} labels, {pred} tags given")
    precision, recall = tp / pred, tp / true
    print(f"micro precision {precision:.3f}  recall {recall:.3f}  F1 {2 * precision * recall / (precision + recall):.3f}")
    print(f"\n{'tag':34} {'labels':>6} {'given':>6} {'right':>6} {'prec':>6} {'recall':>6}")
    for name in sorted(labelled | predicted, key=lambda n: (-labelled[n], -predicted[n], n)):
        if max(labelled[name], predicted[name]) >= MIN_LABELS:
            print(
                f"{name:34} {labelled[name]:6} {predicted[name]:6} {hits[name]:6}"
                f" {ratio(hits[name], predicted[name]):>6} {ratio(hits[name], labelled[name]):>6}"
            )


def corpus_report(taxonomy: Taxonomy, corpus: Path) -> None:
    papers: dict[str, Paper] = {}
    for path in sorted(corpus.glob("*.json")):
        result = hfapi.parse(path.read_text(encoding="utf-8"), str(path), hfapi.requested_day_from_filename(path.name), date.today())
        for _, paper in result.papers:
            papers.setdefault(paper.key, paper)
    if not papers:
        print(f"\nno papers in {corpus}/*.json")
        return
    start = time.perf_counter()
    tagged = [taxonomy.tags_for(paper) for paper in papers.values()]
    seconds = time.perf_counter() - start
    counts = Counter(name for tags in tagged for name in tags)
    sizes = Counter(len(tags) for tags in tagged)
    print(f"\nCorpus {corpus}: {len(papers)} papers, tagged in {seconds:.2f} s ({seconds / len(papers) * 1e6:.0f} µs a paper)")
    print("tags per paper: " + ", ".join(f"{size}: {sizes[size]}" for size in sorted(sizes)))
    print(f"papers without tags: {sizes[0]}; tags never given: {[t.name for t in taxonomy.tags if not counts[t.name]]}")
    print(f"\n{'papers':>6}  tag")
    for name, count in counts.most_common():
        print(f"{count:6}  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--taxonomy", type=Path, default=REPO / "tags.yaml")
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/corpus/hf-daily-papers"), help="folder of API JSON files")
    parser.add_argument("--errors", action="store_true", help="list every labelled paper the tagger gets wrong")
    args = parser.parse_args()
    taxonomy = Taxonomy.load(args.taxonomy)
    label_report(taxonomy, args.errors)
    corpus_report(taxonomy, args.corpus)


if __name__ == "__main__":
    main()
