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

from .latex_names import SYMBOLS

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


# Named functions print as their names (\log → log).
_FUNCTIONS = set("log ln exp sin cos tan max min arg sup inf lim det dim ker Pr mod gcd argmax argmin".split())
_FONTS = set("mathbf mathrm mathit mathsf mathtt mathcal mathscr mathfrak boldsymbol bm text textrm textbf "
             "textit operatorname mathbb".split())
_DOUBLE_STRUCK = dict(zip("RNZQCE", "ℝℕℤℚℂ𝔼"))
_SPACES = {",": "\u202f", ";": " ", ":": " ", " ": " ", "!": "", "quad": " ", "qquad": " "}
_SIZES = set("left right big Big bigg Bigg bigl bigr Bigl Bigr displaystyle textstyle limits nolimits".split())
_SUPERSCRIPT = str.maketrans("0123456789+-=()niT*′", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ*′")
_SUBSCRIPT = str.maketrans("0123456789+-=()aeoxhklmnpstijruv", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ")
_MATH_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.DOTALL)


class _Unreadable(Exception):
    """Math with no simple Unicode form."""


def to_unicode(latex: str) -> str | None:
    """Math as readable Unicode where it is simple (x_1^2 → x₁², \\alpha \\leq 1 → α ≤ 1),
    None where it is not (fractions of sums, matrices, unknown commands)."""
    tokens = _MATH_TOKEN.findall(latex)
    try:
        text, end = _read_math(tokens, 0, closing=False)
    except (_Unreadable, IndexError, RecursionError):
        return None
    return " ".join(text.split()) if end == len(tokens) else None


def _read_math(tokens: list[str], i: int, closing: bool) -> tuple[str, int]:
    """The Unicode of tokens[i:] up to a closing brace (when `closing`), and where it ended."""
    parts = []
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "}":
            if closing:
                return "".join(parts), i
            raise _Unreadable
        if token == "{":
            part, i = _read_math(tokens, i, closing=True)
        elif token in "^_" and len(token) == 1:
            part, i = _read_atom(tokens, i)
            table = _SUPERSCRIPT if token == "^" else _SUBSCRIPT
            if any(ord(char) not in table for char in part):
                raise _Unreadable  # a character with no sub/superscript form
            part = part.translate(table)
        elif token.startswith("\\"):
            part, i = _command(token[1:], tokens, i)
        else:
            part = token
        parts.append(part)
    if closing:
        raise _Unreadable
    return "".join(parts), i


def _read_atom(tokens: list[str], i: int) -> tuple[str, int]:
    """One argument: a braced group or a single token (spaces before it skipped)."""
    while tokens[i].isspace():
        i += 1
    if tokens[i] == "{":
        return _read_math(tokens, i + 1, closing=True)
    if tokens[i].startswith("\\"):
        return _command(tokens[i][1:], tokens, i + 1)
    return tokens[i], i + 1


def _command(name: str, tokens: list[str], i: int) -> tuple[str, int]:
    if name in SYMBOLS:
        return SYMBOLS[name], i
    if name in _FUNCTIONS:
        return name, i
    if name in _SPACES:
        return _SPACES[name], i
    if name in _SIZES:
        return "", i
    if len(name) == 1 and not name.isalpha():
        return name, i  # \{ \} \% \& \$ \# \_
    if name in _FONTS:
        text, i = _read_atom(tokens, i)
        return ("".join(_DOUBLE_STRUCK.get(c, c) for c in text) if name == "mathbb" else text), i
    if name == "sqrt":
        text, i = _read_atom(tokens, i)
        return "√" + _grouped(text), i
    if name in ("frac", "tfrac", "dfrac"):
        numerator, i = _read_atom(tokens, i)
        denominator, i = _read_atom(tokens, i)
        return f"{_grouped(numerator)}/{_grouped(denominator)}", i
    raise _Unreadable


def _grouped(text: str) -> str:
    return text if len(text) == 1 or text.isalnum() else f"({text})"
