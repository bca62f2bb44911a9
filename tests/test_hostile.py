"""Hostile and broken input: nothing crashes, nothing injects.

Any title, abstract or other text field comes out on the pages and in the feeds as the text
renderer (site/text.py) shows it, nothing lost; no script, event handler or non-http(s) link from the data reaches an output file;
every page carries the Content-Security-Policy and nothing it would block. Broken input files
get one clear line each, and the rest still imports.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import jinja2
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, REPO, Site
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from dailypapers import posts
from dailypapers.site.feeds import xml_text
from dailypapers.site.text import to_html, to_plain
from dailypapers.model import flow_text, one_line

SAMPLE = FIXTURES / "hf-papers-textcopy-2026-01-07.txt"
SAMPLE_PAPERS = 46
API_DAY = FIXTURES / "hfapi_2026-05-11.json"
SITENAME = "Daily Papers Archive"
CSP = "default-src 'self'; img-src 'self' data: https:; base-uri 'self'; form-action 'self'"
# The search page alone runs a script that compiles WebAssembly (Pagefind).
SEARCH_CSP = CSP.replace("img-src", "script-src 'self' 'wasm-unsafe-eval'; img-src")

# ---------------------------------------------------------------------------------------------
# What the data may hold

# Markup of every kind the pipeline passes text through: HTML, Markdown, Jinja, LaTeX, YAML,
# XML, control and direction characters.
FRAGMENTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "' onmouseover='alert(1)",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '<script src="/evil.js"></script>',
    "<style>body{display:none}</style>",
    "<a href=javascript:alert(1)>x</a>",
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "![img](x onerror=alert(1))",
    "<https://example.org>",
    "**bold** _it_ `code` ~~s~~",
    "# Heading",
    "> quote",
    "1. item",
    "- item",
    "---",
    "{{ 7*7 }}",
    "{% raw %}{{ x }}{% endraw %}",
    "{# comment #}",
    "$x^2$",
    "$\\frac{a}{b}$",
    "\\(a<b\\)",
    "$\\text{<b>bold</b>}$",
    "$\\href{javascript:alert(1)}{x}$",
    "$39.9 and $5",
    "&amp; &lt; &#60; &#x3C; &nbsp;",
    "]]><![CDATA[",
    "<!-- c -->",
    "key: value",
    "- [a, b]",
    "\x00\x01\x02\x03\x07\x08\x0b\x0c\x1b\x7f\x85",
    "\r\n",
    "\u2028\u2029",
    "\ufeff",
    "\u202e\u200b\u200d",
    "\ufffe\uffff",
    "😀 深度学习 Ünïcödé ﷺ",
    "\\",
]
URLS_KEPT = {  # value in the data -> the link the pages show
    "https://example.org/project": "https://example.org/project",
    'http://example.org/a?b=1&c=<2>"x': 'http://example.org/a?b=1&c=<2>"x',
    "https://example.org/\"onmouseover='alert(1)'": "https://example.org/\"onmouseover='alert(1)'",
    "owner/repo": "https://github.com/owner/repo",  # GitHub's short form: for `githubRepo` only
}
GITHUB_SHORT = "owner/repo"
URLS_DROPPED = [
    "javascript:alert(1)",
    " JavaScript:alert(document.domain)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "/relative/path",
    "https:evil.example",
    "file:///etc/passwd",
]

fragment = st.sampled_from(FRAGMENTS)
# Long: a 10,000-character word, 20 KB of prose or markup; math is slow to check, so less of it.
long_text = st.sampled_from(["a" * 10_000, "word " * 4000, "<b>&amp;" * 2500, "深" * 10_000, "$x^2$ " * 40])
short_text = st.lists(st.one_of(st.text(max_size=20), fragment), max_size=8).map("".join)
# Mostly short runs of any Unicode and markup fragments; one time in ten something very long.
hostile_text = st.integers(0, 9).flatmap(lambda n: long_text if n == 0 else short_text)
url = st.one_of(st.none(), st.sampled_from(sorted(URLS_KEPT)), st.sampled_from(URLS_DROPPED), st.text(max_size=30))


@st.composite
def api_item(draw, number: int) -> dict:
    # A title of nothing but characters XML forbids breaks every build: see
    # test_a_title_of_control_characters_alone_does_not_break_the_build.
    title = draw(hostile_text.filter(lambda text: xml_text(flow_text(text))))
    summary = draw(st.lists(hostile_text, max_size=3).map("\n\n".join))
    paper = {
        "id": f"2601.{number:05d}",
        "title": title,
        "summary": summary,
        "authors": [{"name": name} for name in draw(st.lists(hostile_text, max_size=3))],
        "publishedAt": "2026-01-05T00:00:00.000Z",
        "submittedOnDailyAt": draw(st.sampled_from(["2026-01-06", "2026-01-07"])) + "T08:00:00.000Z",
        "upvotes": draw(st.integers(0, 500)),
        "ai_summary": draw(st.one_of(st.none(), hostile_text)),
        "ai_keywords": draw(st.lists(hostile_text, max_size=3)),
        "githubRepo": draw(url),
        "projectPage": draw(url),
        "organization": draw(st.one_of(st.none(), hostile_text)),
    }
    return {"paper": paper, "numComments": draw(st.integers(0, 50)), "thumbnail": draw(url)}


@st.composite
def api_batch(draw) -> list[dict]:
    count = draw(st.integers(20, 40))
    return [draw(api_item(number)) for number in range(count)]


def fragment_batch() -> list[dict]:
    """One paper per fragment and per URL: every case, whatever the random draws."""
    urls = [*URLS_KEPT, *URLS_DROPPED]
    items = []
    for number, text in enumerate(FRAGMENTS):
        link = urls[number % len(urls)]
        paper = {
            "id": f"2601.{number:05d}",
            "title": f"T{number} {text} end",
            "summary": f"{text} middle {text}\n\n{text}",
            "authors": [{"name": text}, {"name": f"Author {number}"}],
            "publishedAt": "2026-01-05T00:00:00.000Z",
            "submittedOnDailyAt": "2026-01-07T08:00:00.000Z",
            "upvotes": number,
            "ai_summary": f"Summary: {text}",
            "ai_keywords": [text, "kw"],
            "githubRepo": link,
            "projectPage": urls[(number + 3) % len(urls)],
            "organization": text,
        }
        items.append({"paper": paper, "numComments": 1, "thumbnail": urls[(number + 5) % len(urls)]})
    return items


# ---------------------------------------------------------------------------------------------
# Reading pages back


def visible(element) -> list[str]:
    """The element's text with each MathML island cut out: [text, latex, text, latex, ..., text]."""
    marker = f"\x00{uuid.uuid4().hex}\x00"
    element = BeautifulSoup(str(element), "html.parser")
    for math in element.find_all("math"):
        math.replace_with(marker + math.annotation.get_text() + marker)
    return element.get_text().split(marker)


def shows(element, expected: str, collapse: bool = False, as_sent=str) -> bool:
    """Whether `element` shows `expected` as the text renderer makes it (LaTeX text commands,
    math and bare URLs rendered; see test_text.py), sent through `as_sent`. `collapse`: any
    run of whitespace matches any other, as a browser shows them."""
    parts, wanted = visible(element), visible(as_sent(to_html(expected, links=False)))
    if collapse:
        parts, wanted = ([" ".join(part.split()) for part in found] for found in (parts, wanted))
    return parts == wanted


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_bytes().decode("utf-8"), "lxml")  # line ends as written


_jinja = jinja2.Environment()


def truncate(text: str, length: int) -> str:
    return jinja2.filters.do_truncate(_jinja, text, length)


def truncations(abstract: str, length: int) -> set[str]:
    """The abstract as the theme truncates it. The build keeps the post body's final newline
    in the abstract's text (site.plugin._read_posts), which truncate counts and keeps."""
    return {truncate(abstract, length), truncate(abstract + "\n", length)}


# ---------------------------------------------------------------------------------------------
# What no output file may hold

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "cite", "data", "srcset", "xlink:href")
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_problem(value: str) -> str | None:
    """Why a link is not allowed: only relative paths and http(s) URLs are (as a browser reads
    the value: tabs and newlines removed, leading spaces and controls stripped)."""
    cleaned = re.sub(r"[\t\n\r]", "", value).lstrip("".join(map(chr, range(33))))
    if cleaned.startswith(("//", "\\\\", "/\\", "\\/")):
        return "a link to another host without a scheme"
    scheme = _SCHEME_RE.match(cleaned)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return f"a {scheme.group(1)}: link"
    return None


def markup_problems(soup: BeautifulSoup, where: str, page: bool = True) -> list[str]:
    """Scripts, event handlers, inline styles, links that are not http(s). `page`: a page of
    the site, whose own scripts and JSON-LD block are allowed; else the HTML of a feed entry."""
    return [f"{where}: {problem}" for element in soup.find_all(True) for problem in element_problems(element, page)]


# A page's own <base>, at the site root (../../, or the site's address on the 404 page), is
# the theme's; any other is banned.
BANNED_ELEMENTS = ("style", "iframe", "frame", "frameset", "object", "embed", "applet", "base")


def element_problems(element, page: bool) -> list[str]:
    problems = []
    if element.name == "script" and (problem := script_problem(element, page)):
        problems.append(problem)
    own_base = page and element.name == "base" and re.fullmatch(r"\./|(\.\./)+|http://localhost:8000/", element.get("href", ""))
    # A renamed tag's old page leads on to its new one (or to the tag list); no other page refreshes.
    own_refresh = page and re.fullmatch(r"0; url=tags/([a-z0-9-]+/)?", element.get("content", ""))
    if (element.name in BANNED_ELEMENTS and not own_base) or (
        element.name == "meta" and element.get("http-equiv", "").lower() == "refresh" and not own_refresh
    ):
        problems.append(f"a <{element.name}> element")
    for name, value in element.attrs.items():
        name, value = name.lower(), " ".join(value) if isinstance(value, list) else value
        if name.startswith("on"):
            problems.append(f"an event handler {name}={value[:40]!r}")
        if name == "style":
            problems.append(f"an inline style on <{element.name}>")
        favicon = element.name == "link" and value == "data:,"  # the theme's empty favicon
        if name in URL_ATTRIBUTES and not favicon and (why := url_problem(value)):
            problems.append(f"<{element.name} {name}={value[:60]!r}>: {why}")
    link_meta = element.name == "meta" and element.get("property") in ("og:image", "og:url")
    if link_meta and (why := url_problem(element.get("content", ""))):
        problems.append(f"{element['property']} {element['content'][:60]!r}: {why}")
    return problems


def script_problem(element, page: bool) -> str | None:
    """Only the site's own script files: no inline script of any kind."""
    if element.string:
        return f"an inline script: {str(element)[:80]!r}"
    source = element.get("src", "")
    if not page or not source or re.match(r"[a-zA-Z][a-zA-Z0-9+.\-]*:|/", source):
        return f"a script not from the site: {str(element)[:80]!r}"
    return None


ATOM = "{http://www.w3.org/2005/Atom}"


def feed_entries(path: Path) -> list[dict]:
    """link, title, content HTML and author names of every entry of an Atom, RSS or JSON feed."""
    if path.suffix == ".json":
        items = json.loads(path.read_text(encoding="utf-8"))["items"]
        return [
            {"link": i["url"], "title": i["title"], "content": i["content_html"],
             "authors": [a["name"] for a in i.get("authors", [])]}
            for i in items
        ]
    root = ElementTree.parse(path).getroot()
    if root.tag == ATOM + "feed":
        return [
            {"link": e.find(ATOM + "link").get("href"), "title": e.findtext(ATOM + "title"),
             "content": e.findtext(ATOM + "content") or "",
             "authors": [a.findtext(ATOM + "name") for a in e.iter(ATOM + "author")]}
            for e in root.iter(ATOM + "entry")
        ]
    return [
        {"link": i.findtext("link"), "title": i.findtext("title"), "content": i.findtext("description") or "",
         "authors": None}
        for i in root.iter("item")
    ]


def output_problems(output: Path, pages: dict[Path, BeautifulSoup] | None = None) -> list[str]:
    """markup_problems of every page, and of every feed entry's HTML; the main feeds are
    also read by feedparser. `pages`: soups already made of some pages."""
    pages = pages if pages is not None else {}
    problems = []
    for path in sorted(output.rglob("*")):
        where = str(path.relative_to(output))
        if path.suffix == ".html":
            soup = pages.get(path) or soup_of(path)
            problems += markup_problems(soup, where)
            csp = soup.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
            if [m.get("content") for m in csp] != [SEARCH_CSP if where == "search/index.html" else CSP]:
                problems.append(f"{where}: not exactly one Content-Security-Policy meta")
            elif csp[0].find_previous(["link", "script", "style"]) is not None:
                problems.append(f"{where}: the Content-Security-Policy comes after what it governs")
        elif path.suffix in (".xml", ".json") and where.startswith("feeds/"):
            if where in ("feeds/atom.xml", "feeds/rss.xml"):
                feed = feedparser.parse(path.read_bytes())
                if feed.bozo:
                    problems.append(f"{where}: not a valid feed: {feed.bozo_exception}")
            for entry in feed_entries(path):
                problems += markup_problems(BeautifulSoup(entry["content"], "html.parser"), where, page=False)
    return problems


# ---------------------------------------------------------------------------------------------
# Titles and abstracts of any kind, through import, build and feeds


def expected_paper(item: dict) -> dict:
    """What the pages must show of an API item (the parsers' whitespace rules applied)."""
    paper = item["paper"]
    names = [one_line(a["name"]) for a in paper["authors"] if one_line(a["name"])]
    others = (paper["projectPage"], item["thumbnail"])
    return {
        "title": flow_text(paper["title"]),
        "abstract": flow_text(paper["summary"]),
        "authors": names,
        "ai_summary": flow_text(paper["ai_summary"] or ""),
        "ai_keywords": [one_line(k) for k in paper["ai_keywords"] if one_line(k)],
        "organization": one_line(paper["organization"] or ""),
        # (value in the data, the link its page shows or None)
        "links": [
            (paper["githubRepo"], URLS_KEPT.get(paper["githubRepo"])),
            *((value, None if value == GITHUB_SHORT else URLS_KEPT.get(value)) for value in others),
        ],
    }


def check_paper_page(soup: BeautifulSoup, want: dict, where: str) -> None:
    title, abstract = want["title"], want["abstract"]
    assert shows(soup.h1, title), (where, soup.h1, title)
    # Where no markup goes, the title and abstract are plain Unicode.
    assert soup.title.get_text() == f"{to_plain(title)} · {SITENAME}", where
    assert soup.find("meta", attrs={"name": "citation_title"})["content"] == to_plain(title), where
    assert soup.find("meta", property="og:title")["content"] == to_plain(title), where
    description = soup.find("meta", attrs={"name": "description"})["content"]
    assert description in truncations(to_plain(abstract), 160), (where, description)
    check_abstract(soup.select("section.abstract p"), abstract, where)
    names, byline = want["authors"], soup.select_one(".byline").get_text()
    if len(names) > 12:  # the first ten, the rest behind "and N more"
        assert byline.startswith(", ".join(names[:10]) + ", …") and ", ".join(names[10:]) in byline, where
    else:
        assert byline == ", ".join(names), where
    if want["ai_summary"]:
        assert shows(soup.select_one("section.ai p"), want["ai_summary"]), where
    if want["ai_keywords"]:
        keywords = [BeautifulSoup(to_html(k), "html.parser").get_text() for k in want["ai_keywords"]]
        assert soup.select_one("p.keywords").get_text() == "Keywords: " + ", ".join(keywords), where
    facts = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True) for dt in soup.select("dl.facts dt")}
    assert facts.get("Organization", "") == want["organization"], where
    bibtex_title = "title = {{" + title.replace("{", "").replace("}", "") + "}}"
    assert bibtex_title in soup.select_one(".cite pre").get_text(), where
    # Where a page puts a URL (a title may read "javascript:alert(1)" in citation_title: text).
    attributes = {
        value
        for e in soup.find_all(True)
        for name, value in e.attrs.items()
        if name in ("href", "src", "action") or (name == "content" and e.get("property") == "og:image")
    }
    for value, shown in want["links"]:
        if shown:
            assert shown in attributes, (where, value)
        elif value in URLS_KEPT or value in URLS_DROPPED:
            assert value not in attributes and value.strip() not in attributes, (where, value)


def check_abstract(paragraphs, abstract: str, where: str) -> None:
    """Each paragraph of the abstract shown in one <p>."""
    expected = [paragraph for paragraph in abstract.split("\n\n") if paragraph]
    assert len(paragraphs) == len(expected), (where, paragraphs, abstract)
    for paragraph, text in zip(paragraphs, expected):
        assert shows(paragraph, text), (where, paragraph, text)


def check_feeds(output: Path, wanted: dict[str, dict]) -> None:
    """Every paper in the main Atom, RSS and JSON feeds: title, abstract, authors. XML cannot
    carry some control characters: the XML feeds drop them."""
    for name in ("atom.xml", "rss.xml", "feed.json"):
        entries = feed_entries(output / "feeds" / name)
        assert len(entries) == len(wanted), name
        as_sent = str if name == "feed.json" else xml_text
        as_text = lambda text: as_sent(to_plain(text))  # noqa: E731 - feeds carry math as text
        for entry in entries:
            want = wanted[entry["link"].removeprefix("http://localhost:8000/")]
            where = f"feeds/{name}: {entry['link']}"
            assert entry["title"] == as_text(want["title"]), where
            if entry["authors"] is not None:
                assert entry["authors"] == [as_sent(a) for a in want["authors"] if as_sent(a)], where
            # The abstract's paragraphs, then the links (every paper here has an arXiv id).
            paragraphs = BeautifulSoup(entry["content"], "html.parser").find_all("p", recursive=False)[:-1]
            expected = [part for part in want["abstract"].split("\n\n") if part]
            assert len(paragraphs) == len(expected), where
            for paragraph, text in zip(paragraphs, expected):  # as plain text: math too
                assert paragraph.get_text() == as_text(text), (where, paragraph, text)
    for entry in feed_entries(output / "feeds" / "daily.atom.xml"):
        links = BeautifulSoup(entry["content"], "html.parser").select("li > a")
        assert links
        for link in links:
            want = wanted[link["href"].removeprefix("http://localhost:8000/")]
            assert link.get_text() == xml_text(to_plain(want["title"])), link


HOSTILE_SETTINGS = settings(
    max_examples=3,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    database=None,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: each example builds a site
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@pytest.mark.slow
@HOSTILE_SETTINGS
@given(batch=api_batch())
@example(batch=fragment_batch())
def test_any_text_comes_out_as_the_same_text_and_nothing_injects(batch):
    with tempfile.TemporaryDirectory() as folder:
        site = Site(Path(folder) / "site")
        source = site.root / "hostile.json"
        source.write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
        result = site.papers("import", "--scraped-on", "2026-02-01", str(source), check=False)
        assert (result.returncode, result.stderr) == (0, ""), result.stderr[-2000:]
        assert len(site.post_files()) == len(batch)
        site.build()

        stored = {}
        for path in site.post_files():
            post = posts.parse(path.read_text(encoding="utf-8"))
            stored[post.meta["arxiv_id"]] = post
        wanted, pages = {}, {}

        def page(path: Path) -> BeautifulSoup:
            return pages.get(path) or pages.setdefault(path, soup_of(path))

        for item in batch:
            want = expected_paper(item)
            post = stored[item["paper"]["id"]]
            assert post.meta["title"] == want["title"]
            assert posts.paper_from_post(post).abstract == want["abstract"]
            day = f"{post.meta['date']:%Y/%m/%d}"
            where = f"{day}/{post.slug}/"
            wanted[where] = want
            check_paper_page(page(site.output / where / "index.html"), want, where)
            # The day page: the title, and the start of the abstract.
            link = page(site.output / day / "index.html").select_one(f'ol.papers a[href$="/{post.slug}/"]')
            assert shows(link, want["title"]), (where, link, want["title"])
            summary = link.find_parent("li").select_one("p.summary")
            starts = truncations(want["abstract"], 280)
            assert any(shows(summary, start, collapse=True) for start in starts), (where, summary)
        check_feeds(site.output, wanted)
        assert output_problems(site.output, pages) == []



def test_a_title_of_control_characters_alone_does_not_break_the_build(site, tmp_path):
    source = tmp_path / "controls.json"
    items = [
        {"paper": {"id": "2601.00001", "title": "\x01\x02", "summary": "Abstract.", "publishedAt": "2026-01-05T00:00:00Z"}},
        {"paper": {"id": "2601.00002", "title": "A fine title", "summary": "Abstract.", "publishedAt": "2026-01-05T00:00:00Z"}},
    ]
    source.write_text(json.dumps(items), encoding="utf-8")
    result = site.papers("import", "--scraped-on", "2026-02-01", str(source), check=False)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr
    site.build()  # today: feedgen's "ValueError: Required fields not set", and no site
    assert list(site.output.glob("2026/01/05/a-fine-title/index.html"))



def test_an_arxiv_id_never_makes_an_odd_file_name(site, tmp_path):
    # Titles with nothing to transliterate get a slug made of the arXiv id.
    ids = ['x"<y>?#%', "../../etc", "a b", "nul\x00byte"]
    items = [
        {"paper": {"id": arxiv_id, "title": "🎉" * (n + 1), "summary": "s", "publishedAt": "2026-01-05T00:00:00Z"}}
        for n, arxiv_id in enumerate(ids)
    ]
    source = tmp_path / "ids.json"
    source.write_text(json.dumps(items), encoding="utf-8")
    result = site.papers("import", "--scraped-on", "2026-02-01", str(source), check=False)
    assert "Traceback" not in result.stderr, result.stderr[-800:]  # today: ValueError: embedded null byte
    assert [p for p in site.post_files() if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p.stem)] == []


# ---------------------------------------------------------------------------------------------
# Broken files: one clear line each, the rest imports, an exit status that says what happened


def cut_in_third_abstract(text: str) -> str:
    """The sample cut 30 characters into its third paper's abstract (a short cut-off entry)."""
    third = [m.start() for m in re.finditer(r"^Dec 14, 2023 1$|^Sep 3, 2024 2$", text, re.MULTILINE)][-1]
    title = text.index("\n\n", third) + 2
    abstract = text.index("\n\n", title) + 2
    return text[: abstract + 30]


def test_each_broken_file_gets_one_clear_line_and_the_rest_imports(site, tmp_path):
    sample = SAMPLE.read_text(encoding="utf-8")
    api = (FIXTURES / "hfapi_2024-05-28.json").read_text(encoding="utf-8")
    may = (FIXTURES / "textcopy-2026-05-11.txt").read_text(encoding="utf-8")
    tricky = (FIXTURES / "textcopy-tricky.txt").read_text(encoding="utf-8")
    files = {  # name: (bytes, the line it gets or None, papers it gives)
        "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (NUL bytes), not a text copy or JSON", 0),
        "empty.txt": (b"", "file is empty", 0),
        "blank.json": (b" \n\t\r\n", "file is empty", 0),
        "cut.txt": (cut_in_third_abstract(sample).encode(), "entry ends before its '• N authors' and date lines", 2),
        "cut.json": (api[: len(api) // 2].encode(), "invalid JSON", 0),
        "cp1252.txt": (may.replace("Flow-OPD", "“Flow-OPD” café").encode("cp1252"), "not UTF-8: read as Windows-1252 (Latin-1)", 1),  # 2 of its 3 papers are crlf.txt's
        "crlf.txt": (may.replace("\n", "\r\n").encode(), None, 3),
        "bom.json": (codecs.BOM_UTF8 + (FIXTURES / "hfapi_2025-01-21.json").read_bytes(), None, 1),
        "utf16.txt": (tricky.encode("utf-16"), "not UTF-8: read as UTF-16 (byte-order mark)", 5),
    }
    for name, (data, _, _) in files.items():
        (tmp_path / name).write_bytes(data)
    result = site.papers("import", "--scraped-on", "2026-05-12", *(str(tmp_path / n) for n in files), check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    for name, (_, message, _) in files.items():
        mine = [line for line in lines if line.startswith(str(tmp_path / name) + ":")]
        assert len(mine) == (1 if message else 0), (name, mine)
        assert not message or message in mine[0], (name, mine)
    assert len(lines) == sum(1 for _, message, _ in files.values() if message)
    assert len(site.post_files()) == sum(count for _, _, count in files.values())


@pytest.mark.parametrize(
    "name, encode",
    [
        ("crlf", lambda text: text.replace("\n", "\r\n").encode()),
        ("cr", lambda text: text.replace("\n", "\r").encode()),
        ("bom", lambda text: codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode()),
        ("utf16", lambda text: text.encode("utf-16")),
        ("pasted twice", lambda text: (text + "\n\n" + text + "\n").encode()),
    ],
)
def test_line_ends_byte_order_marks_and_repeats_change_nothing(tmp_path, name, encode):
    plain, variant = Site(tmp_path / "plain"), Site(tmp_path / "variant")
    text = SAMPLE.read_text(encoding="utf-8")
    (tmp_path / "copy.txt").write_bytes(encode(text))
    plain.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE))
    result = variant.papers("import", "--scraped-on", "2026-01-08", str(tmp_path / "copy.txt"))
    notice = f"{tmp_path / 'copy.txt'}: not UTF-8: read as UTF-16 (byte-order mark)\n" if name == "utf16" else ""
    assert result.stderr == notice and f"{SAMPLE_PAPERS} new" in result.stdout
    assert variant.snapshot() == plain.snapshot()


def test_usage_and_setting_errors_exit_2_with_one_line(site, tmp_path):
    (site.root / "broken.py").write_text("SITENAME = (\n", encoding="utf-8")
    result = site.papers("--config", "broken.py", "import", str(SAMPLE), check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot load the settings (broken.py") and "Traceback" not in result.stderr
    result = site.papers("import", str(SAMPLE), check=False, env={"DAILYPAPERS_MAX_TAGS": "six"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    # A file where the posts' folder should be: nothing can be written.
    (site.content / "papers").write_text("", encoding="utf-8")
    result = site.papers("import", str(SAMPLE), check=False)
    assert (result.returncode, result.stderr) == (2, "error: content/papers: File exists\n")
    result = site.papers("import", check=False)  # no file named
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_50_mb_text_copy_imports_in_bounded_time_and_memory(site, tmp_path):
    """A text copy pasted over and over: one import, one post per paper."""
    copy = SAMPLE.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    repeats = 50_000_000 // len(copy.encode()) + 1
    big = tmp_path / "big.txt"
    with big.open("w", encoding="utf-8") as handle:
        for _ in range(repeats):
            handle.write(copy)
    assert big.stat().st_size >= 50_000_000
    returncode, stdout, stderr, seconds, peak_mb = run_measured(
        [sys.executable, str(REPO / "scripts" / "papers.py"), "import", "--scraped-on", "2026-01-08", str(big)],
        site.root,
        tmp_path,
    )
    assert (returncode, stderr) == (0, "")
    assert f"{SAMPLE_PAPERS} new, 0 updated, {SAMPLE_PAPERS * (repeats - 1)} unchanged" in stdout
    assert len(site.post_files()) == SAMPLE_PAPERS
    print(f"50 MB text copy: {seconds:.1f} s, peak {peak_mb:.0f} MB")
    assert seconds < 120 and peak_mb < 1024, (seconds, peak_mb)


def run_measured(args: list[str], cwd: Path, scratch: Path) -> tuple[int, str, str, float, float]:
    """Run a command; (exit status, stdout, stderr, seconds, peak memory in MB) of that process."""
    out, err = scratch / "stdout", scratch / "stderr"
    started = time.monotonic()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(args, cwd=cwd, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)  # the child's own rusage, not all children's
    seconds = time.monotonic() - started
    output, errors = out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")
    return os.waitstatus_to_exitcode(status), output, errors, seconds, usage.ru_maxrss / 1024


# ---------------------------------------------------------------------------------------------
# The Content-Security-Policy: the site's own scripts and styles only


def test_the_theme_sets_the_policy_first_and_has_no_inline_code():
    base = re.sub(r"{#.*?#}", "", (REPO / "theme/templates/base.html").read_text(encoding="utf-8"), flags=re.S)
    meta = re.search(r'<meta http-equiv=Content-Security-Policy content="([^"]*)">', base)
    # The search page fills the block with its script policy; every other page keeps it empty.
    assert meta and re.sub(r"{% block script_policy %}{% endblock %}", "", meta.group(1)) == CSP
    governed = [base.index(tag) for tag in ("<base", "<link", "<script", "<style") if tag in base]
    assert meta.start() < min(governed), "the policy must come before what it governs"
    for template in sorted((REPO / "theme/templates").glob("*.html")):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), f"{template.name}: an inline event handler"
        assert not re.search(r"\sstyle\s*=|<style", text, re.IGNORECASE), f"{template.name}: an inline style"
        for attributes in re.findall(r"<script\b([^>]*)>", text):
            assert "src=" in attributes, f"{template.name}: inline script"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("csp") / "site")
    site.papers("import", "--scraped-on", "2026-01-08", str(SAMPLE))
    site.papers("import", "--scraped-on", "2026-03-05", str(FIXTURES / "textcopy-tricky.txt"))
    site.papers("import", "--scraped-on", "2026-05-12", str(API_DAY))
    site.build()
    return site


def test_every_built_page_has_the_policy_and_nothing_it_would_block(built):
    pages = list(built.output.rglob("*.html"))
    kinds = {str(p.relative_to(built.output)).split("/")[0] for p in pages}
    assert {"index.html", "2026", "archives", "tags", "feeds"} <= kinds
    assert output_problems(built.output) == []
