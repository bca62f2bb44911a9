#!/usr/bin/env python3
"""How well the taxonomy tags papers (not part of `make test`).

1. Precision, recall and F1 against hand labels, on two sets apart: the held-out set
   (tests/fixtures/tag-heldout.yaml, never tuned on) and the training set the phrases were
   tuned on (tests/fixtures/tag-labels.yaml). Micro averages over all (paper, tag) pairs,
   then per tag; tags with at least MIN_GOLD gold papers and precision under MIN_PRECISION
   are flagged.
2. The tags over a corpus of API JSON files (one day a file, e.g. the 2024-2026 archive
   unpacked under /tmp): papers per tag, tags per paper, untagged papers, and the time
   tagging took.

    .venv/bin/python scripts/tag_report.py [--corpus DIR] [--errors] [--model tagmodel.npz | --model ""]
    .venv/bin/python scripts/tag_report.py --sample 170 --seed 2121   # draw papers to label

The model: scripts/train_tagger.py trains it; --model "" measures the rules alone.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run from a checkout without installing the package

from dailypapers.ingest import hfapi
from dailypapers.ingest.tagging import Taxonomy
from dailypapers.model import Paper

FIXTURES = REPO / "tests" / "fixtures"
LABEL_SETS = {"held-out": FIXTURES / "tag-heldout.yaml", "training": FIXTURES / "tag-labels.yaml"}
CORPUS_LABELS = FIXTURES / "tag-labels-corpus.yaml"  # the model's training labels (scripts/train_tagger.py)
# Both sets were relabelled after issue 21 by the guide (tag-guide.md); a paper whose labels
# changed keeps the earlier ones under `earlier_tags`, measured as "<set>-earlier".
EARLIER = "-earlier"
MIN_LABELS = 3  # per-tag lines for tags with at least this many labels or predictions
MIN_GOLD, MIN_PRECISION = 5, 0.6  # the bar for a tag's precision


def ratio(part: float, whole: float) -> str:
    return f"{part / whole:.3f}" if whole else "  -  "


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def label_report(taxonomy: Taxonomy, label_set: str, show_errors: bool) -> None:
    path = LABEL_SETS[label_set.removesuffix(EARLIER)]
    field = "earlier_tags" if label_set.endswith(EARLIER) else "tags"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["papers"]
    hits, predicted, labelled = Counter(), Counter(), Counter()
    for entry in entries:
        paper = Paper(title=entry["title"], abstract=entry["abstract"], ai_keywords=entry.get("ai_keywords") or [])
        tags, truth = set(taxonomy.tags_for(paper)), set(taxonomy.canonical_names(entry.get(field, entry["tags"])))
        predicted.update(tags)
        labelled.update(truth)
        hits.update(tags & truth)
        if show_errors and tags != truth:
            print(f"{entry['arxiv_id']} {entry['title'][:70]}")
            print(f"    missed: {sorted(truth - tags)}  wrong: {sorted(tags - truth)}")
    tp, pred, true = sum(hits.values()), sum(predicted.values()), sum(labelled.values())
    precision, recall = tp / pred, tp / true
    print(f"\n== {label_set} set ({path.name}, {field}): {len(entries)} papers, {true} labels, {pred} tags given")
    print(f"micro precision {precision:.3f}  recall {recall:.3f}  F1 {f1(precision, recall):.3f}")
    print(f"\n{'tag':34} {'labels':>6} {'given':>6} {'right':>6} {'prec':>6} {'recall':>6} {'F1':>6}")
    weak = []
    for name in sorted(labelled | predicted, key=lambda n: (-labelled[n], -predicted[n], n)):
        if max(labelled[name], predicted[name]) < MIN_LABELS:
            continue
        p = hits[name] / predicted[name] if predicted[name] else 0.0
        r = hits[name] / labelled[name] if labelled[name] else 0.0
        print(
            f"{name:34} {labelled[name]:6} {predicted[name]:6} {hits[name]:6}"
            f" {ratio(hits[name], predicted[name]):>6} {ratio(hits[name], labelled[name]):>6} {f1(p, r):6.3f}"
        )
        if labelled[name] >= MIN_GOLD and predicted[name] and p < MIN_PRECISION:
            weak.append(name)
    print(f"tags with >= {MIN_GOLD} labels and precision < {MIN_PRECISION}: {weak or 'none'}")


def corpus_papers(corpus: Path) -> dict[str, Paper]:
    papers: dict[str, Paper] = {}
    for path in sorted(corpus.glob("*.json")):
        result = hfapi.parse(path.read_text(encoding="utf-8"), str(path), hfapi.requested_day_from_filename(path.name), date.today())
        for _, paper in result.papers:
            papers.setdefault(paper.key, paper)
    return papers


def corpus_report(taxonomy: Taxonomy, corpus: Path) -> None:
    papers = corpus_papers(corpus)
    if not papers:
        print(f"\nno papers in {corpus}/*.json")
        return
    start = time.perf_counter()
    tagged = [taxonomy.tags_for(paper) for paper in papers.values()]
    seconds = time.perf_counter() - start
    counts = Counter(name for tags in tagged for name in tags)
    sizes = Counter(len(tags) for tags in tagged)
    print(f"\n== corpus {corpus}: {len(papers)} papers, tagged in {seconds:.2f} s ({seconds / len(papers) * 1e6:.0f} µs a paper)")
    print("tags per paper: " + ", ".join(f"{size}: {sizes[size]}" for size in sorted(sizes)))
    print(f"papers without tags: {sizes[0]} ({sizes[0] / len(papers):.2%})")
    print(f"tags never given: {[t.name for t in taxonomy.tags if not counts[t.name]]}")
    print(f"\n{'papers':>6}  tag")
    for name, count in counts.most_common():
        print(f"{count:6}  {name}  ({count / len(papers):.1%})")


def sample(corpus: Path, size: int, seed: int) -> None:
    """Papers to label: drawn with a fixed seed from the corpus, the papers of every label set
    left out. Printed as label entries with empty tags, to be filled in before running the tagger."""
    labelled = {
        str(entry["arxiv_id"])
        for path in (*LABEL_SETS.values(), CORPUS_LABELS)
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["papers"]
    }
    papers = {p.arxiv_id: p for p in corpus_papers(corpus).values() if p.arxiv_id}
    chosen = random.Random(seed).sample(sorted(set(papers) - labelled), size)
    entries = [
        {
            "arxiv_id": arxiv_id,
            "day": str(papers[arxiv_id].filing_day),
            "title": " ".join(papers[arxiv_id].title.split()),
            "tags": [],
            "ai_keywords": list(papers[arxiv_id].ai_keywords),
            "abstract": " ".join(papers[arxiv_id].abstract.split()),
        }
        for arxiv_id in chosen
    ]
    print(yaml.safe_dump({"papers": entries}, sort_keys=False, allow_unicode=True, width=100), end="")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--taxonomy", type=Path, default=REPO / "tags.yaml")
    parser.add_argument("--model", default=str(REPO / "tagmodel.npz"), help="the tag model; '' for the rules alone")
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/corpus/hf-daily-papers"), help="folder of API JSON files")
    parser.add_argument("--errors", action="store_true", help="list every labelled paper the tagger gets wrong")
    parser.add_argument("--set", choices=[*LABEL_SETS, *(name + EARLIER for name in LABEL_SETS), "both"], default="both", help="which hand labels to measure on")
    parser.add_argument("--sample", type=int, metavar="N", help="print N corpus papers to label, and nothing else")
    parser.add_argument("--seed", type=int, default=2121, help="the random seed of --sample")
    args = parser.parse_args()
    if args.sample:
        sample(args.corpus, args.sample, args.seed)
        return
    taxonomy = Taxonomy.load(args.taxonomy, model_path=Path(args.model) if args.model else None)
    print(f"tagger: {args.taxonomy.name} rules" + (f" and the model {args.model}" if args.model else " alone"))
    for label_set in LABEL_SETS if args.set == "both" else [args.set]:
        label_report(taxonomy, label_set, args.errors)
    corpus_report(taxonomy, args.corpus)


if __name__ == "__main__":
    main()
