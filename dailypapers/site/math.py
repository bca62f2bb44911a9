"""LaTeX math in titles and abstracts: MathML for pages (at build time, no JavaScript) and
readable Unicode for plain text (<title>, feed titles, JSON-LD).

Works on plain (unescaped) text. `$…$` counts as math only where a dollar opens before a
non-space and closes after a non-space, not followed by a digit (so "$39.9 and $5"
stays money), and holds some sign of LaTeX; it may touch a word ("A$^2$RD").
`\\(…\\)` always counts. A span that is not valid LaTeX stays as written.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from latex2mathml.converter import convert


# Used by text.py's tokenizer, so the groups are named and nothing else is captured.
MATH_PATTERN = (
    r"\\\((?P<paren>.+?)\\\)"  # \( … \)
    r"|(?<![\\$])\$(?P<dollar>[^\s$](?:[^$]*?[^\s$\\])?)\$(?![\d$])"  # $…$
)
# A span needs some sign of LaTeX to be math: a command, a sub- or superscript, braces,
# or a lone symbol/letter. "$ and $" in prose is not.
_LATEX_SIGN = re.compile(r"\\[A-Za-z]+|[_^{}=<>+]|^\s*[A-Za-z]\s*$")


def is_math(source: str) -> bool:
    return bool(_LATEX_SIGN.search(source))


def to_mathml(latex: str) -> str | None:
    """Sanitized MathML for a math span's LaTeX, or None if it is not valid LaTeX."""
    try:
        rendered = convert(latex)
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds of error on bad input
        return None
    # latex2mathml passes unknown commands through as identifiers: not valid LaTeX to us.
    if re.search(r"<m[io]>\\[A-Za-z]", rendered):
        return None
    return _sanitized(rendered, latex)


# latex2mathml copies \text{…} and \href{…} through unescaped: its output is parsed and
# only MathML presentation elements and attributes are let through, re-serialized.
MATHML_ELEMENTS = set(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot mstyle mover munder "
    "munderover mtable mtr mtd menclose mpadded mphantom merror semantics annotation".split()
)
MATHML_ATTRIBUTES = set(
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
        if element.tag.removeprefix(_MATHML_NS) not in MATHML_ELEMENTS:
            return None
        if any(name not in MATHML_ATTRIBUTES for name in element.attrib):
            return None
    semantics = ElementTree.Element(_MATHML_NS + "semantics")
    semantics.extend(list(root))
    annotation = ElementTree.SubElement(semantics, _MATHML_NS + "annotation", encoding="application/x-tex")
    annotation.text = latex
    root[:] = [semantics]
    return ElementTree.tostring(root, encoding="unicode", short_empty_elements=False)


ElementTree.register_namespace("", _MATHML_NS[1:-1])
