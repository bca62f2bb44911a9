"""LaTeX in titles and abstracts rendered to MathML at build time, no JavaScript.

Works on HTML-escaped text. `$…$` counts as math only where a dollar opens before a
non-space and closes after a non-space, not followed by a digit (so "$39.9 and $5"
stays money), and holds some sign of LaTeX; it may touch a word ("A$^2$RD").
`\\(…\\)` always counts. A span that is not valid LaTeX stays as written.
"""

from __future__ import annotations

import html
import re
from xml.etree import ElementTree

from latex2mathml.converter import convert
from markupsafe import Markup, escape

_MATH_RE = re.compile(
    r"\\\((?P<paren>[^<>]+?)\\\)"  # \( … \)
    r"|(?<![\\$])\$(?P<dollar>[^\s$<>](?:[^$<>]*?[^\s$\\<>])?)\$(?![\d$])"  # $…$
)
# A span needs some sign of LaTeX to be math: a command, a sub- or superscript, braces,
# or a lone symbol/letter. "$ and $" in prose is not.
_LATEX_SIGN = re.compile(r"\\[A-Za-z]+|[_^{}=<>+]|^\s*[A-Za-z]\s*$|&[lg]t;")


def _to_mathml(source: str) -> str | None:
    if not _LATEX_SIGN.search(source):
        return None
    try:
        latex = html.unescape(source)
        rendered = convert(latex)
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds of error on bad input
        return None
    # latex2mathml passes unknown commands through as identifiers: not valid LaTeX to us.
    if re.search(r"<m[io]>\\[A-Za-z]", rendered):
        return None
    return _sanitized(rendered, latex)


# latex2mathml copies \text{…} and \href{…} through unescaped: its output is parsed and
# only MathML presentation elements and attributes are let through, re-serialized.
_ELEMENTS = set(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot mstyle mover munder "
    "munderover mtable mtr mtd menclose mpadded mphantom merror semantics annotation".split()
)
_ATTRIBUTES = set(
    "xmlns display mathvariant stretchy fence separator lspace rspace accent accentunder movablelimits "
    "columnalign rowspacing columnspacing width height depth linethickness form largeop symmetric "
    "minsize maxsize notation displaystyle scriptlevel encoding".split()
)
_MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"


def _sanitized(mathml: str, latex: str) -> str | None:
    """The MathML if it holds only allowed elements and attributes, with the LaTeX source
    kept as its annotation (for copying, and for readers without MathML)."""
    try:
        root = ElementTree.fromstring(mathml)
    except ElementTree.ParseError:
        return None
    for element in root.iter():
        if element.tag.removeprefix(_MATHML_NS) not in _ELEMENTS:
            return None
        if any(name not in _ATTRIBUTES for name in element.attrib):
            return None
    semantics = ElementTree.Element(_MATHML_NS + "semantics")
    semantics.extend(list(root))
    annotation = ElementTree.SubElement(semantics, _MATHML_NS + "annotation", encoding="application/x-tex")
    annotation.text = latex
    root[:] = [semantics]
    return ElementTree.tostring(root, encoding="unicode", short_empty_elements=False)


ElementTree.register_namespace("", _MATHML_NS[1:-1])


def render_math_html(escaped: str) -> str:
    """Replace math spans in HTML-escaped text (no tags inside spans) with MathML."""

    def replace(match: re.Match) -> str:
        mathml = _to_mathml(match.group("paren") or match.group("dollar"))
        return mathml if mathml is not None else match.group(0)

    return _MATH_RE.sub(replace, escaped)


def math_markup(text: str) -> Markup:
    """Plain text (a title) as safe HTML with its math rendered."""
    return Markup(render_math_html(str(escape(text))))
