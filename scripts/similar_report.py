#!/usr/bin/env python3
"""How good and how fast the similar-papers lists are, on a folder of posts.

    python scripts/similar_report.py --corpus content [--taxonomy tags.yaml] [--terms-kept K] [--tag-times T]
    python scripts/similar_report.py --synthetic 40000   (cost only, papers made in memory)

Quality: the share of (paper, similar paper) pairs that share a tag, and for papers of a
named model family (the name in the title) the share whose list holds another paper of it.
Cost: a full computation, a build with nothing changed, and adding the newest day to the rest.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from dailypapers.ingest.synthetic import SyntheticPapers  # noqa: E402
from dailypapers.model import slugify  # noqa: E402
from dailypapers.posts import summary  # noqa: E402
from dailypapers.site import similar  # noqa: E402
from dailypapers.site.archive import PaperEntry, TagRef  # noqa: E402
from dailypapers.site.cache import BuildCache  # noqa: E402
from dailypapers.site.reader import Reader  # noqa: E402
from dailypapers.vocabulary import TagVocabulary  # noqa: E402

# Names that mean a model family wherever they stand in a title; the short upper-case ones
# match case and all (SAM is a model, "same" is not).
FAMILIES = ("Qwen", "LLaVA", "DeepSeek", "Llama", "Mamba", "Gemma", "Phi", "Mistral", "InternVL", "CLIP", "SAM",
            "Gemini", "GPT", "Whisper", "Kimi", "MiniCPM", "GLM")
_CASED = {"SAM", "GPT", "Phi", "CLIP", "GLM"}
FAMILY_PATTERNS = {
    name: re.compile(rf"\b{name}(?![a-z])", 0 if name in _CASED else re.IGNORECASE) for name in FAMILIES
}


def quality(papers, lists) -> tuple[float, dict[str, tuple[int, int]]]:
    by_url = {paper.url: paper for paper in papers}
    pairs = shared = 0
    for paper in papers:
        tags = set(paper.tags)
        for other in lists[paper.url].papers:
            pairs += 1
            shared += bool(tags & set(by_url[other.url].tags))
    families = {}
    for name, pattern in FAMILY_PATTERNS.items():
        members = [paper for paper in papers if pattern.search(paper.title)]
        found = sum(any(pattern.search(o.title) for o in lists[p.url].papers) for p in members)
        families[name] = (len(members), found)
    return shared / max(pairs, 1), families


def timed(label: str, papers, cache) -> dict:
    start = time.perf_counter()
    lists = similar.similar_lists(papers, cache)
    print(f"{label}: {time.perf_counter() - start:.2f} s", flush=True)
    return lists


def synthetic_entries(count: int) -> list[PaperEntry]:
    """Benchmark papers as entries, without post files (their text is all the lists read)."""
    entries = []
    for n, made in enumerate(SyntheticPapers().papers(count, date(2026, 6, 30))):
        paper = made.paper
        meta = {"date": paper.day, "slug": made.slug, "title": paper.title, "upvotes": paper.upvotes}
        details = ({}, "", paper.abstract)
        tags = [TagRef(name, slugify(name)) for name in made.tags]
        entries.append(PaperEntry(f"{paper.day:%Y/%m/%d}/{made.slug}.md", str(n), summary(meta), lambda _p, d=details: d, tags))
    return entries


def costs(papers, cache) -> dict:
    """Times of a full computation, a build with nothing changed, and adding the newest day."""
    newest = max(paper.day for paper in papers)
    older = [paper for paper in papers if paper.day != newest]
    print(f"{len(papers)} papers; the newest day, {newest}, has {len(papers) - len(older)}")
    timed("full computation, without the newest day (every text read and vectorised)", older, cache)
    before = timed("nothing changed", older, cache)
    lists = timed("adding the newest day", papers, cache)
    changed = sum(before[url] != lists[url] for url in before)
    print(f"lists of older papers that changed: {changed} of {len(before)}")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return lists


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--corpus", type=Path, help="a folder of posts (content/ or content/papers/)")
    source.add_argument("--synthetic", type=int, metavar="N", help="time N benchmark papers instead")
    parser.add_argument("--taxonomy", type=Path, default=PROJECT / "tags.yaml")
    parser.add_argument("--terms-kept", type=int, default=similar.TERMS_KEPT,
                        help="terms kept per paper (default: %(default)s; 100000 = plain TF-IDF cosine, slow)")
    parser.add_argument("--tag-times", type=int, default=similar.TAG_TIMES,
                        help="times each tag counts (default: %(default)s; 0 = the words alone)")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    similar.TERMS_KEPT = args.terms_kept
    similar.TAG_TIMES = args.tag_times
    vocabulary = TagVocabulary.load(args.taxonomy) if args.taxonomy.is_file() else TagVocabulary()
    with tempfile.TemporaryDirectory() as folder:
        cache = BuildCache(Path(folder) / "cache.sqlite", version="similar-report")
        if args.synthetic:
            costs(synthetic_entries(args.synthetic), cache)
            return 0
        reader = Reader(args.corpus, cache, vocabulary, args.processes)
        papers = reader.entries(reader.scan())
        if not papers:
            print(f"error: {args.corpus}: no posts", file=sys.stderr)
            return 1
        lists = costs(papers, cache)
    share, families = quality(papers, lists)
    members = sum(m for m, _ in families.values())
    found = sum(f for _, f in families.values())
    print(f"pairs sharing a tag: {share:.1%}")
    print(f"family papers whose list holds its family: {found} of {members} ({found / max(members, 1):.1%})")
    for name, (m, f) in families.items():
        if m:
            print(f"  {name}: {f} of {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
