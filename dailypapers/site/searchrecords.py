"""A paper page read back as a search record, and the lean HTML Pagefind indexes for it.

Pagefind is given a small document per paper instead of the page: the abstract first (so
the search page can cut its excerpt from the abstract alone), then the title, the arXiv id
and the authors with more weight, then the AI summary and keywords with less. Metadata,
filters and sort keys ride on <meta> elements, escaped like any attribute. The page's
parts are found by the hooks paper.html sets for search (data-pagefind-* attributes,
citation_* meta tags, the abstract and AI sections).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

# Pagefind's weights (0-10, body text 1): a title word outranks many abstract mentions;
# an author's name is what a reader types to find their papers, the first author's most
# ("Vaswani attention").
TITLE_WEIGHT = 10
FIRST_AUTHOR_WEIGHT = 10
AUTHOR_WEIGHT = 5
ID_WEIGHT = 10
SUMMARY_WEIGHT = 0.5
# The first author's surname again, as one word no text has ("zhangfirstauthor"): with it the
# search page finds "Zhang Flowing" among Zhang's own papers, where the bare "Zhang" (one
# paper in ten has a Zhang) and "Flowing" (which matches "flow" by its stem) do not tell.
FIRST_AUTHOR_MARK = "firstauthor"
_NOT_WORD = re.compile(r"[\W_]+")

_OG_TITLE = re.compile(r'<meta property=og:title content="([^"]*)"')
_H1 = re.compile(r"<h1>(.*?)</h1>", re.S)
_AUTHOR = re.compile(r'<meta name=citation_author content="([^"]*)">')
_ARXIV = re.compile(r'<meta name=citation_arxiv_id content="([^"]*)">')
_DAY = re.compile(r'data-pagefind-sort="day:([0-9-]+)"')
_UPVOTES = re.compile(r'data-pagefind-sort="upvotes:(\d+)"')
_ORGANIZATION = re.compile(r"<dd data-pagefind-filter=organization>(?:<a [^>]*>)?([^<\n]*)")  # a link to its page
_CODE = re.compile(r'data-pagefind-filter="code:yes"')
_TAG = re.compile(r"data-pagefind-filter=tag [^>]*>([^<]*)</a>")
_ABSTRACT = re.compile(r"<section class=abstract>\s*<h2>[^<]*</h2>(.*?)</section>", re.S)
_AI = re.compile(r"<section class=ai>\s*<h2>[^<]*</h2>(.*?)</section>", re.S)
# MathML keeps its LaTeX source in an annotation: indexed once (the rendered symbols) is enough.
_ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.S)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


class RecordError(ValueError):
    """A paper page lacks what a search record needs: the message says what."""


def text_of(fragment: str) -> str:
    """The words of an HTML fragment: tags dropped, entities decoded, spacing folded."""
    fragment = _ANNOTATION.sub("", fragment)
    fragment = re.sub(r"</(p|li|dd|h\d)>|<br>", " ", fragment)
    return _SPACE.sub(" ", html.unescape(_TAGS.sub("", fragment))).strip()


@dataclass
class PaperRecord:
    url: str  # from the site root: 2024/05/28/slug/
    title: str
    title_html: str  # with its math rendered, as on the page
    day: str
    upvotes: int
    abstract: str
    authors: list[str] = field(default_factory=list)
    arxiv_id: str = ""
    tags: list[str] = field(default_factory=list)
    organization: str = ""
    has_code: bool = False
    summary: str = ""  # AI summary and keywords

    @property
    def year(self) -> str:
        return self.day[:4]


def read_record(page: str, url: str) -> PaperRecord:
    def first(pattern: re.Pattern, what: str) -> str:
        found = pattern.search(page)
        if not found:
            raise RecordError(f"no {what}")
        return found.group(1)

    ai = _AI.search(page)
    organization = _ORGANIZATION.search(page)
    arxiv = _ARXIV.search(page)
    return PaperRecord(
        url=url,
        title=html.unescape(first(_OG_TITLE, "og:title meta tag")),
        title_html=first(_H1, "<h1> title").strip(),
        day=first(_DAY, 'data-pagefind-sort="day:…"'),
        upvotes=int(first(_UPVOTES, 'data-pagefind-sort="upvotes:…"')),
        abstract=text_of(first(_ABSTRACT, "abstract section")),
        authors=[html.unescape(name) for name in _AUTHOR.findall(page)],
        arxiv_id=html.unescape(arxiv.group(1)) if arxiv else "",
        tags=[html.unescape(name) for name in _TAG.findall(page)],
        organization=html.unescape(organization.group(1)).strip() if organization else "",
        has_code=bool(_CODE.search(page)),
        summary=text_of(ai.group(1)) if ai else "",
    )


def surname(name: str) -> str:
    """A name's last word, folded as the search page folds what readers type."""
    words = _NOT_WORD.sub(" ", name.casefold()).split()
    return words[-1] if words else ""


def author_filters(authors: list[str]) -> dict[str, list[str]]:
    """The author filter, split by the surname's first letter (author_h: ...): Pagefind loads
    one file per filter, and one of every name would weigh megabytes. A name is filed under
    its full form and its surname, folded to lower case, so either finds the papers."""
    filters: dict[str, set[str]] = {}
    for name in authors:
        full = _SPACE.sub(" ", name).strip().casefold()
        if not full:
            continue
        surname = full.split(" ")[-1]
        filters.setdefault(author_filter_name(surname), set()).update({full, surname})
    return {key: sorted(values) for key, values in sorted(filters.items())}


def author_filter_name(surname: str) -> str:
    initial = surname[:1]
    return f"author_{initial}" if "a" <= initial <= "z" else "author_other"


def _meta(kind: str, key: str, value: str) -> str:
    return f'<meta data-pagefind-{kind}="{key}[content]" content="{html.escape(value)}">'


def record_html(record: PaperRecord, bundle: str) -> str:
    """The document Pagefind indexes for a paper (see the module's docstring). Its bundle
    is a filter too: the search page lists each bundle's papers apart to merge them sorted."""
    escape = html.escape
    head = [
        _meta("meta", "title", record.title),
        _meta("meta", "title_html", record.title_html),
        _meta("meta", "day", record.day),
        _meta("meta", "upvotes", str(record.upvotes)),
        # Where the abstract ends among the content's words: the excerpt is cut before it.
        _meta("meta", "abstract_words", str(len(record.abstract.split()))),
        _meta("filter", "year", record.year),
        _meta("filter", "bundle", bundle),
        _meta("sort", "day", record.day),
        _meta("sort", "upvotes", str(record.upvotes)),
    ]
    if record.arxiv_id:
        head.append(_meta("meta", "arxiv", record.arxiv_id))
    if record.authors:
        head.append(_meta("meta", "authors", ", ".join(record.authors)))
    if record.tags:
        head.append(_meta("meta", "tags", "\t".join(record.tags)))
    head += [_meta("filter", "tag", tag) for tag in record.tags]
    if record.organization:
        head.append(_meta("filter", "organization", record.organization))
    if record.has_code:
        head.append(_meta("filter", "code", "yes"))
    for key, values in author_filters(record.authors).items():
        head += [_meta("filter", key, value) for value in values]
    body = [f"<p>{escape(record.abstract)}</p>",
            f"<p data-pagefind-weight={TITLE_WEIGHT}>{escape(record.title)}</p>"]
    if record.arxiv_id:
        body.append(f"<p data-pagefind-weight={ID_WEIGHT}>{escape(record.arxiv_id)}</p>")
    if record.authors:
        body.append(f"<p data-pagefind-weight={FIRST_AUTHOR_WEIGHT}>{escape(record.authors[0])}</p>")
        if surname(record.authors[0]):
            body.append(f"<p>{escape(surname(record.authors[0]) + FIRST_AUTHOR_MARK)}</p>")
    if record.authors[1:]:
        body.append(f"<p data-pagefind-weight={AUTHOR_WEIGHT}>{escape(', '.join(record.authors[1:]))}</p>")
    if record.summary:
        body.append(f"<p data-pagefind-weight={SUMMARY_WEIGHT}>{escape(record.summary)}</p>")
    return (f"<!DOCTYPE html><html lang=en><head>{''.join(head)}</head>"
            f"<body><main data-pagefind-body>{''.join(body)}</main></body></html>")
