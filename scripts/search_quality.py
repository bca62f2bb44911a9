"""How well /search/ finds what readers type, and what a first search costs, in Chromium.

    python scripts/search_quality.py SITE_OUTPUT [--per-kind 50] [--seed 2]

SITE_OUTPUT is a built and indexed site (`make html`). Papers are drawn at random (seeded)
from its paper pages, and for each one a query of every kind is typed as a reader would:

    id        its arXiv id, in turn bare, as arXiv:ID v2 and as a Hugging Face paper URL
    title     its exact title
    author    the surname of its first author and the title's least common word
    abstract  two words of its abstract that few other papers use

Prints the share found at rank 1, in the top 3 and in the top 5 by kind, then the bytes
and requests of a first search (from opening the search page to its first results), as
JSON last. tests/test_search.py runs the same queries over the test fixtures.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import threading
from collections import Counter
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dailypapers.site.search import site_records  # noqa: E402
from dailypapers.site.searchrecords import PaperRecord  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
KINDS = ("id", "title", "author", "abstract")
WORD = re.compile(r"[A-Za-z][a-z]{4,}")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def queries(records: list[PaperRecord], per_kind: int, seed: int) -> list[tuple[str, str, str]]:
    """(kind, query, the URL it should find), per_kind of each kind that the papers allow."""
    chooser = random.Random(seed)
    frequency = {
        "abstract": Counter(word for record in records for word in {w.lower() for w in WORD.findall(record.abstract)}),
        "title": Counter(word for record in records for word in {w.lower() for w in WORD.findall(record.title)}),
    }
    made: list[tuple[str, str, str]] = []
    for kind in KINDS:
        candidates = [record for record in records if query_for(kind, record, frequency, random.Random(0))]
        for number, record in enumerate(chooser.sample(candidates, min(per_kind, len(candidates)))):
            made.append((kind, query_for(kind, record, frequency, chooser, number), record.url))
    return made


def query_for(kind: str, record: PaperRecord, frequency: dict[str, Counter], chooser: random.Random,
              number: int = 0) -> str:
    if kind == "id":
        if not record.arxiv_id:
            return ""
        forms = (record.arxiv_id, f"arXiv:{record.arxiv_id}v2", f"https://huggingface.co/papers/{record.arxiv_id}")
        return forms[number % len(forms)]
    if kind == "title":
        return record.title
    if kind == "author":
        title_words = WORD.findall(record.title)
        if not title_words or not record.authors or len(record.authors[0].split()) < 2:
            return ""
        return f"{record.authors[0].split()[-1]} {min(title_words, key=lambda w: frequency['title'][w.lower()])}"
    rare = sorted({w.lower() for w in WORD.findall(record.abstract) if frequency["abstract"][w.lower()] <= 20})
    return " ".join(chooser.sample(rare, 2)) if len(rare) >= 2 else ""


def wait_for_results(page) -> None:
    page.locator("#search-status", has_text=re.compile("found|No paper")).wait_for()


def found_urls(page, base: str, query: str) -> list[str]:
    """The result links of a search, in order, as paths from the site root."""
    page.goto(base + "search/?" + urlencode({"q": query}))
    wait_for_results(page)
    links = page.locator("#search-results .paper-title a").evaluate_all("links => links.map(a => a.href)")
    return [link[len(base):] for link in links]


def rank_table(page, base: str, made: list[tuple[str, str, str]]) -> dict[str, dict]:
    table: dict[str, dict] = {}
    for kind, query, url in made:
        urls = found_urls(page, base, query)
        rank = urls.index(url) + 1 if url in urls else None
        row = table.setdefault(kind, {"queries": 0, "rank1": 0, "top3": 0, "top5": 0, "missed": []})
        row["queries"] += 1
        for name, limit in (("rank1", 1), ("top3", 3), ("top5", 5)):
            row[name] += rank is not None and rank <= limit
        if rank is None or rank > 5:
            row["missed"].append(query)
    return table


def first_search_cost(browser, base: str, query: str) -> dict:
    """Requests and bytes from opening the search page to its first results (nothing cached)."""
    context = browser.new_context()
    page = context.new_page()
    answers = []
    page.on("requestfinished", lambda request: answers.append(request))
    page.goto(base + "search/")
    page.wait_for_selector("#search-form:not([hidden])")
    opened = len(answers)
    page.locator("#search-query").fill(query)
    wait_for_results(page)
    sizes = [request.sizes()["responseBodySize"] for request in answers]
    context.close()
    return {"page_requests": opened, "page_bytes": sum(sizes[:opened]),
            "search_requests": len(sizes) - opened, "search_bytes": sum(sizes[opened:]),
            "total_requests": len(sizes), "total_bytes": sum(sizes)}


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built, indexed site (output/)")
    parser.add_argument("--per-kind", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2, help="which papers (1 was used to tune the ranking)")
    parser.add_argument("--kinds", default=",".join(KINDS), help="which kinds of query, comma-separated")
    args = parser.parse_args(argv)
    kinds = args.kinds.split(",")
    made = [query for query in queries(site_records(args.site), args.per_kind, args.seed) if query[0] in kinds]
    server, base = serve(args.site)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        cost = first_search_cost(browser, base, "diffusion transformer")
        page = browser.new_page()
        table = rank_table(page, base, made)
        browser.close()
    server.shutdown()
    for kind, row in table.items():
        shares = ", ".join(f"{name} {row[name] / row['queries']:.0%}" for name in ("rank1", "top3", "top5"))
        print(f"{kind:9} {row['queries']:3} queries: {shares}; missed: {row['missed'][:5]}")
    print(json.dumps({"ranks": {k: {n: v for n, v in row.items() if n != "missed"} for k, row in table.items()},
                      "first_search": cost}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
