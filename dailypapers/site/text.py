"""Titles, abstracts and keywords as a reader expects them: arXiv's text-mode LaTeX
(`65.7\\%`, `\\textbf{…}`, `\\url{…}`, ``quotes'', `--`), math and bare URLs rendered.

Text is parsed once into a small tree (strings, math, styled spans, links), which is
written either as safe HTML (pages, feed content) or as plain Unicode text (<title>, feed
titles, JSON-LD, search excerpts). Everything from the data is escaped; the HTML holds only
<strong>, <em>, <code>, <sup>, <sub>, sanitized MathML, and links to http(s) addresses
with rel="nofollow ugc". An unknown macro (`\\method`, `\\ours`) shows as its name.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup

from .latex_names import ACCENTS, SYMBOLS, WORDS
from .math import MATH_PATTERN, is_math, to_mathml
from .mathtext import to_unicode

_TOKEN = re.compile(
    MATH_PATTERN
    # A bare address; `\_` is arXiv's escape for `_` inside one. Braces end it: arXiv leaves
    # `\href{u}{text}` as `u{text}`.
    + r"|(?P<url>(?:https?://|(?<![\w.@/-])(?:www\.|github\.com/|huggingface\.co/))(?:[^\s<>\"{}\\|^`]|\\_)+)"
    + r"|\\(?P<accent>['\"`^~=.])(?:\{(?P<accent_arg>\\i|[A-Za-z])\}|(?P<accent_bare>\\i|[A-Za-z]))"
    + r"|\\(?P<letter_accent>[cvuHkr])\{(?P<letter_arg>\\i|[A-Za-z])\}"
    + r"|\\(?P<command>[A-Za-z]+)\*?"
    + r"|\\(?P<money>\d)"  # "\1 million": a `\$` whose dollar went missing upstream
    + r"|\\(?P<escape>.)"
    + r"|(?P<open>\{)|(?P<close>\})"
    + r"|(?P<typography>---|--|``|''|`|~)",
    re.DOTALL,
)
_KINDS = "paren dollar url accent letter_accent command money escape open close typography".split()
# Searching with _TOKEN tries all its alternatives at every character; finding where a token
# could start by these cheap scans, then matching there, is some ten times faster.
_TOKEN_CHARS = re.compile(r"[\\{}$~`]")
_TOKEN_STARTS = ("--", "''", "http://", "https://", "www.", "github.com/", "huggingface.co/")
_MAX_DEPTH = 50  # groups within groups; Python's stack ends some ten times deeper

_STYLES = {"textbf": "strong", "emph": "em", "textit": "em", "textsl": "em", "texttt": "code",
           "textsuperscript": "sup", "textsubscript": "sub", "textsc": "", "textrm": "", "textsf": "",
           "textnormal": "", "textup": "", "textmd": "", "underline": "", "uline": "", "mbox": "", "text": ""}
# Old-style switches act until the end of their group: {\bf x}.
_SWITCHES = {"bf": "strong", "bfseries": "strong", "it": "em", "itshape": "em", "em": "em", "sl": "em",
             "tt": "code", "ttfamily": "code", **dict.fromkeys(
                 "sc scshape rm normalfont tiny scriptsize footnotesize small normalsize large Large huge".split(), "")}
_ARGUMENT_DROPPED = set("color label cite citep citet ref eqref autoref cref Cref vspace hspace includegraphics".split())
_FIRST_ARGUMENT_DROPPED = set("textcolor colorbox hyperlink".split())  # \textcolor{red}{shown}
_ESCAPES = {",": "\u202f", " ": " ", "\n": " ", "\\": " ", ";": " ", ":": " ", "!": "", "-": "", "/": "", "@": ""}
_TYPOGRAPHY = {"---": "—", "--": "–", "``": "“", "''": "”", "`": "‘"}
_URL_ESCAPES = re.compile(r"\\([_%#&~$])")
_TRAILING_PUNCTUATION = ".,;:!?'\""
_PLACEHOLDER_LINK_TEXT = re.compile(r"\s*(?:https?://\S*|this https? URL)\s*", re.IGNORECASE)
# A `~` ties words (Fig.~3, LLMs~(…)); between spaces or digits it means "about" or a range.
_TIE_BEFORE = re.compile(r"[\w.,;:)\]}]")
_WHITESPACE = re.compile(r"\s*")


@dataclass(frozen=True)
class Math:
    source: str  # between the delimiters
    written: str  # with them, as the data has it


@dataclass(frozen=True)
class Span:
    tag: str  # an HTML element name, or "" for a group that only holds its children
    children: tuple


@dataclass(frozen=True)
class Link:
    href: str  # an http(s) address
    children: tuple


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.closed = False  # whether the group read last ended with its `}`
        self.depth = 0

    def nodes(self) -> tuple:
        children, _ = self.group(0, closing=False, verbatim=False)
        return children

    def group(self, pos: int, closing: bool, verbatim: bool) -> tuple[tuple, int]:
        """Nodes from pos up to the matching `}` (when `closing`) or the end; an unclosed
        group ends with the text, as a truncated summary needs."""
        if self.depth >= _MAX_DEPTH:  # no real text nests this deep: the rest as written
            self.closed = False
            return (self.text[pos:],), len(self.text)
        self.depth += 1
        try:
            return self._group(pos, closing, verbatim)
        finally:
            self.depth -= 1

    def _group(self, pos: int, closing: bool, verbatim: bool) -> tuple[tuple, int]:
        text, out = self.text, []
        while pos < len(text):
            match = _next_token(text, pos)
            if match is None:
                out.append(text[pos:])
                break
            if match.start() > pos:
                out.append(text[pos : match.start()])
            kind = next(kind for kind in _KINDS if match.group(kind) is not None)
            if kind == "close":
                if closing:
                    self.closed = True
                    return tuple(out), match.end()
                out.append("}")
                pos = match.end()
                continue
            node, pos = getattr(self, "_" + kind)(match, verbatim)
            if isinstance(node, _Switch):
                children, pos = self.group(pos, closing, verbatim or node.tag == "code")
                out.append(Span(node.tag, children))
                return tuple(out), pos
            out.append(node)
        self.closed = False
        return tuple(out), len(text)

    def argument(self, pos: int, verbatim: bool = False) -> tuple[tuple | None, int]:
        """A braced argument after optional spaces, or None when there is none."""
        start = pos
        while pos < len(self.text) and self.text[pos] in " \t":
            pos += 1
        if pos < len(self.text) and self.text[pos] == "{":
            return self.group(pos + 1, closing=True, verbatim=verbatim)
        return None, start

    def char_before(self, pos: int) -> str:
        return self.text[pos - 1] if pos > 0 else ""

    def raw_argument(self, pos: int) -> tuple[str | None, int]:
        """A braced argument's text as written (an address), braces balanced."""
        if pos >= len(self.text) or self.text[pos] != "{":
            return None, pos
        depth, end = 0, pos
        while end < len(self.text):
            depth += {"{": 1, "}": -1}.get(self.text[end], 0)
            if depth == 0:
                return self.text[pos + 1 : end], end + 1
            end += 1
        return self.text[pos + 1 :], end

    def _paren(self, match, verbatim):
        return Math(match.group("paren"), match.group(0)), match.end()

    def _dollar(self, match, verbatim):
        if not is_math(match.group("dollar")):  # "$5 and $" is money: read on after the dollar
            return "$", match.start() + 1
        return Math(match.group("dollar"), match.group(0)), match.end()

    def _url(self, match, verbatim):
        written = match.group("url")
        trimmed = written.rstrip(_TRAILING_PUNCTUATION)
        for opening, closing in ("()", "[]"):
            while trimmed.endswith(closing) and trimmed.count(closing) > trimmed.count(opening):
                trimmed = trimmed[:-1].rstrip(_TRAILING_PUNCTUATION)
        end = match.start() + len(trimmed)
        shown = _URL_ESCAPES.sub(r"\1", trimmed)
        if verbatim:
            return shown, end
        href = shown if "://" in shown else "https://" + shown
        children: tuple = (shown,)
        if trimmed == written and self.text.startswith("{", end):  # arXiv's `u{text}`
            label, end = self.group(end + 1, closing=True, verbatim=False)
            if not _PLACEHOLDER_LINK_TEXT.fullmatch(to_plain_nodes(label)):
                children = label
        return _link(href, children), end

    def _accent(self, match, verbatim):
        letter = match.group("accent_arg") or match.group("accent_bare")
        return _accented(letter, match.group("accent")), match.end()

    def _letter_accent(self, match, verbatim):
        return _accented(match.group("letter_arg"), match.group("letter_accent")), match.end()

    def _money(self, match, verbatim):
        return "$" + match.group("money"), match.end()

    def _escape(self, match, verbatim):
        char = match.group("escape")
        return _ESCAPES.get(char, char), match.end()

    def _open(self, match, verbatim):
        # Braces of a group that starts with a command vanish ({\bf x}, Schr{\"o}dinger);
        # braces around plain words are text ({0, 1}).
        children, end = self.group(match.end(), closing=True, verbatim=verbatim)
        if self.text.startswith(("\\", "}"), match.end()):
            return Span("", children), end
        return Span("", ("{", *children, "}" if self.closed else "")), end

    def _typography(self, match, verbatim):
        mark = match.group("typography")
        if verbatim:
            return mark, match.end()
        if mark == "~":
            before, after = self.char_before(match.start()), self.text[match.end() : match.end() + 1]
            tie = _TIE_BEFORE.match(before) and after.strip() and not (before.isdigit() and after.isdigit())
            return ("\u00a0" if tie else "~"), match.end()
        if mark == "''" and not self.char_before(match.start()).strip("([ "):
            return "“", match.end()  # ''quoted'' opened the wrong way round
        return _TYPOGRAPHY[mark], match.end()

    def _command(self, match, verbatim):
        name, end = match.group("command"), match.end()
        if name in _STYLES:
            children, end = self.argument(end, verbatim or _STYLES[name] == "code")
            return (Span(_STYLES[name], children) if children is not None else ""), end
        if name in _SWITCHES:  # TeX skips the spaces after it: {\it vs.}
            return _Switch(_SWITCHES[name]), _WHITESPACE.match(self.text, end).end()
        if name == "url":
            address, end = self.raw_argument(end)
            shown = _URL_ESCAPES.sub(r"\1", address or "").strip()
            return _link(shown, (shown,)), end
        if name == "href":
            address, end = self.raw_argument(end)
            label, end = self.argument(end)
            return _link(_URL_ESCAPES.sub(r"\1", address or "").strip(), label or ()), end
        if name == "footnote":
            children, end = self.argument(end, verbatim)
            space = "" if self.char_before(match.start()).isspace() else " "
            return Span("", (space + "(", *(children or ()), ")")), end
        if name in _ARGUMENT_DROPPED or name in _FIRST_ARGUMENT_DROPPED:
            _, end = self.argument(end, verbatim=True)
            shown, end = self.argument(end, verbatim) if name in _FIRST_ARGUMENT_DROPPED else (None, end)
            return Span("", shown or ()), end
        if name in WORDS:
            return WORDS[name], end
        if name in SYMBOLS:
            return SYMBOLS[name], end
        # An unknown macro: `\ours{}` and `\ours` show its name, `\mycolor{word}` its argument.
        children, end = (self.argument(end, verbatim) if self.text.startswith("{", end) else (None, end))
        return (Span("", children) if children else name), end


def _next_token(text: str, pos: int) -> re.Match | None:
    while True:
        found = _TOKEN_CHARS.search(text, pos)
        start = found.start() if found else len(text)
        for opening in _TOKEN_STARTS:
            index = text.find(opening, pos, start)
            start = index if index >= 0 else start
        if start >= len(text):
            return None
        match = _TOKEN.match(text, start)
        if match:
            return match
        pos = start + 1


@dataclass(frozen=True)
class _Switch:
    tag: str


def _accented(letter: str, accent: str) -> str:
    base = "i" if letter == "\\i" else letter  # a dotless i takes the accent: na\"{\i}ve
    return unicodedata.normalize("NFC", base + ACCENTS[accent])


def _link(href: str, children: tuple):
    """A link if href is an http(s) address; otherwise just its text."""
    try:
        parts = urlsplit(href) if href.isprintable() and not any(c.isspace() for c in href) else None
    except ValueError:  # "https://[": not an address
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return Span("", children)
    return Link(href, children or (href,))


def _html_of(nodes: tuple, links: bool, mathml: bool = True) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(html.escape(node))
        elif isinstance(node, Math):
            shown = to_mathml(node.source) if mathml else to_unicode(node.source)
            out.append(shown if shown and mathml else html.escape(shown or node.written))
        elif isinstance(node, Link) and links:
            out.append(f'<a href="{html.escape(node.href)}" rel="nofollow ugc">{_html_of(node.children, links, mathml)}</a>')
        elif isinstance(node, Span) and node.tag:
            out.append(f"<{node.tag}>{_html_of(node.children, links, mathml)}</{node.tag}>")
        else:
            out.append(_html_of(node.children, links, mathml))
    return "".join(out)


def to_plain_nodes(nodes: tuple) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, Math):
            out.append(to_unicode(node.source) or node.written)
        else:
            out.append(to_plain_nodes(node.children))
    return "".join(out)


def to_html(text: str, links: bool = True) -> str:
    """Plain source text (a title, an abstract paragraph, a keyword) as safe HTML; without
    `links`, addresses stay text (a title is itself a link in lists)."""
    return _html_of(_Parser(text).nodes(), links)


def feed_html(text: str) -> str:
    """An abstract as HTML for feed readers: paragraphs, links, and math as readable text
    (Unicode where simple, its TeX source otherwise), since readers show MathML as garbage."""
    return "".join(f"<p>{_html_of(_Parser(part).nodes(), True, mathml=False)}</p>" for part in text.split("\n\n") if part)


def to_plain(text: str) -> str:
    """The same text as plain Unicode, for places that take no markup."""
    return to_plain_nodes(_Parser(text).nodes())


_HTML_TAG = re.compile(r"(<[^>]*>)")
_LEFT_AS_IS = re.compile(r"<(/?)(a|code|pre)\b", re.IGNORECASE)  # their text is not rendered again


def render_html_fragment(fragment: str) -> str:
    """An abstract's HTML (paragraphs from the post body) with the text between tags rendered."""
    out, verbatim_depth = [], 0
    for piece in _HTML_TAG.split(fragment):
        if piece.startswith("<"):
            tag = _LEFT_AS_IS.match(piece)
            if tag:
                verbatim_depth = max(0, verbatim_depth + (-1 if tag.group(1) else 1))
            out.append(piece)
        elif piece and not verbatim_depth:
            out.append(to_html(html.unescape(piece)))
        else:
            out.append(piece)
    return "".join(out)


@functools.lru_cache(maxsize=8192)  # a title is shown on many pages of one build
def text_markup(text: str) -> Markup:
    """Jinja filter `math`: plain text as safe HTML, rendered; no links in it."""
    return Markup(to_html(str(text), links=False))


@functools.lru_cache(maxsize=8192)
def plain_text(text: str) -> str:
    """Jinja filter `plain`: plain text with its LaTeX made readable (autoescaping still applies)."""
    return to_plain(str(text))
