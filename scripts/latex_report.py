#!/usr/bin/env python3
"""How much raw LaTeX readers still see (not part of `make test`).

Over a corpus of API JSON files (one day a file, e.g. the 2024-2026 archive unpacked
under /tmp), renders what a paper page shows of each paper (title, abstract, AI summary,
keywords) and counts the papers whose visible text, outside rendered math and code, still
shows a backslash command (`\\textbf`, `\\method`) or an escaped special character (`\\%`,
`\\&`, `\\_`). "Before" is the renderer that only turned math spans into MathML and showed
the rest as written; "after" is dailypapers.site.text. Also counts the plain-text form
(<title>, feed titles), where math with no simple Unicode form keeps its TeX source. Ends
with a sample of the papers that still show one.

    .venv/bin/python scripts/latex_report.py [--corpus DIR] [--sample N]
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run from a checkout without installing the package

from dailypapers.ingest import hfapi
from dailypapers.model import Paper
from dailypapers.site.math import MATH_PATTERN, to_mathml
from dailypapers.site.text import to_html, to_plain

RAW_LATEX = re.compile(r"\\(?:[A-Za-z]+|[%&$#_{}])")
_MATH_SPAN = re.compile(MATH_PATTERN)
_HIDDEN = re.compile(r"<math\b.*?</math>|<code>.*?</code>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def math_only_html(text: str) -> str:
    """The earlier renderer: math spans that convert become MathML, the rest is shown as written."""
    return _MATH_SPAN.sub(lambda m: to_mathml(m.group("paren") or m.group("dollar")) or m.group(0), text)


def visible(rendered_html: str) -> str:
    return html.unescape(_TAG.sub("", _HIDDEN.sub(" ", rendered_html)))


def load(corpus: Path) -> list[Paper]:
    papers: dict[str, Paper] = {}
    for path in sorted(corpus.glob("*.json")):
        day = hfapi.requested_day_from_filename(path.name)
        result = hfapi.parse(path.read_text(encoding="utf-8"), str(path), day, date.today())
        for _, paper in result.papers:
            papers.setdefault(paper.key, paper)
    return list(papers.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/corpus/hf-daily-papers"), help="folder of API JSON files")
    parser.add_argument("--sample", type=int, default=20, help="remaining cases to show")
    args = parser.parse_args()
    papers = load(args.corpus)
    if not papers:
        sys.exit(f"no papers in {args.corpus}/*.json")
    start = time.perf_counter()
    before, after, plain = [], [], []
    for paper in papers:
        texts = (paper.title, paper.abstract, paper.ai_summary or "", *paper.ai_keywords)
        if any(RAW_LATEX.search(visible(math_only_html(text))) for text in texts):
            before.append(paper)
        shown = [visible(to_html(text)) for text in texts]
        if any(RAW_LATEX.search(text) for text in shown):
            after.append((paper, shown))
        plain += [to_plain(text) for text in texts if RAW_LATEX.search(to_plain(text))][:1]
    seconds = time.perf_counter() - start
    count = len(papers)
    print(f"{count} papers in {args.corpus}; rendered in {seconds:.1f} s")
    print(f"papers showing raw LaTeX outside math and code (regex {RAW_LATEX.pattern}):")
    print(f"  before (math only): {len(before):5} ({len(before) / count:.2%})")
    print(f"  after  (text.py):   {len(after):5} ({len(after) / count:.2%})")
    print(f"  plain text, math source included: {len(plain)} ({len(plain) / count:.2%})")
    remaining = [(paper.arxiv_id or paper.title[:40], shown) for paper, shown in after]
    remaining += [("plain text", [text]) for text in plain]
    for label, texts in remaining[: args.sample]:
        print(f"\n{label}:")
        for text in texts:
            for match in RAW_LATEX.finditer(text):
                print(f"    …{text[max(0, match.start() - 50) : match.end() + 40]}…")


if __name__ == "__main__":
    main()
