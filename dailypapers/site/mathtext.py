"""Math as plain text, for places that take no markup (titles, feeds, JSON-LD): feed readers
show MathML as its bare text plus its TeX annotation ("9.6×9.6\\times 9.6").

Simple TeX becomes Unicode (`9.6\\times 9.6` -> `9.6×9.6`, `x^2` -> `x²`, `\\alpha` -> `α`);
anything else has no Unicode form here, and its source is shown instead.
"""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"\\[A-Za-z]+\s*|\\.|\s+|.", re.DOTALL)

_SYMBOLS = {
    "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "div": "÷", "ast": "∗", "star": "⋆", "circ": "∘",
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼",
    "simeq": "≃", "equiv": "≡", "propto": "∝", "ll": "≪", "gg": "≫", "in": "∈", "notin": "∉",
    "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "emptyset": "∅", "forall": "∀", "exists": "∃",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "leftrightarrow": "↔", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "Leftrightarrow": "⇔", "mapsto": "↦", "uparrow": "↑", "downarrow": "↓",
    "infty": "∞", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫",
    "ldots": "…", "dots": "…", "cdots": "⋯", "prime": "′", "top": "ᵀ", "mid": "∣", "vert": "|",
    "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "neg": "¬", "land": "∧", "lor": "∨", "oplus": "⊕", "otimes": "⊗", "ell": "ℓ", "hbar": "ℏ",
    "degree": "°", "quad": " ", "qquad": " ", ",": " ", ";": " ", ":": " ", " ": " ", "!": "",
    "%": "%", "$": "$", "&": "&", "#": "#", "_": "_", "{": "{", "}": "}", "|": "‖",
    "dagger": "†", "left": "", "right": "", "displaystyle": "", "limits": "",
}
_GREEK = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon phi chi psi omega"
for _name in _GREEK.split():
    _SYMBOLS[_name] = unicodedata.lookup(f"GREEK SMALL LETTER {'LAMDA' if _name == 'lambda' else _name.upper()}")
for _name in "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split():  # no \Alpha in TeX: it is A
    _SYMBOLS[_name] = _SYMBOLS[_name.lower()].upper()
# TeX's \epsilon and \phi are the lunate and the closed forms; \var… the open ones.
_SYMBOLS.update(epsilon="ϵ", varepsilon="ε", phi="ϕ", varphi="φ", vartheta="ϑ", varrho="ϱ", varsigma="ς", varpi="ϖ")
_OPERATORS = set("log ln exp max min arg argmax argmin sin cos tan lim sup inf det Pr".split())
_UNWRAP = set("text textrm textit textbf mathrm mathit mathbf boldsymbol bm mathsf operatorname mbox".split())
_ALPHABETS = {"mathbb": "DOUBLE-STRUCK", "mathcal": "SCRIPT", "mathfrak": "FRAKTUR"}
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303", "bar": "\u0304",
            "overline": "\u0305", "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308"}
_SUPERSCRIPT = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzTᵀβγ*∗′'∘†", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀᵀᵝᵞ**′′°†"))
_SUBSCRIPT = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_SCRIPT_MAX = 3  # longer sub- and superscripts read badly in small Unicode letters


class _NotSimple(Exception):
    """The TeX uses something without a plain Unicode form: show the source instead."""


def to_unicode(tex: str) -> str | None:
    """Simple TeX as Unicode text; None for anything else."""
    try:
        text, _ = _convert(_TOKEN.findall(tex), 0, closing=False)
    except (_NotSimple, IndexError, RecursionError):
        return None
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text).strip())  # ŷ as one character


def _group(tokens: list[str], i: int) -> tuple[str, int]:
    """The argument at tokens[i] (a braced group or one token), converted; and the next index."""
    while tokens[i].isspace():
        i += 1
    if tokens[i] == "{":
        return _convert(tokens, i + 1, closing=True)
    text, _ = _convert([tokens[i]], 0, closing=False)
    return text, i + 1


def _script(text: str, table: dict[str, str]) -> str:
    text = text.strip()
    if not text or len(text) > _SCRIPT_MAX or any(c not in table for c in text):
        raise _NotSimple
    return "".join(table[c] for c in text)


def _styled(text: str, alphabet: str) -> str:
    out = []
    for c in text:
        kind = "CAPITAL" if c.isupper() else "SMALL"
        for name in (f"{alphabet} {kind} {c}", f"MATHEMATICAL {alphabet} {kind} {c}"):
            try:
                out.append(unicodedata.lookup(name))
                break
            except KeyError:
                continue
        else:
            raise _NotSimple
    return "".join(out)


def _command(token: str, tokens: list[str], i: int, out: list[str]) -> int:
    """A control word or symbol at tokens[i - 1] appended to out as text; the next index."""
    name = token[1:].rstrip() or token[1:]
    # The space that ends a control word is no space in TeX; kept where the author put
    # one before the command too ("a \times b"), and after operator names ("\log n").
    spaced = token != token.rstrip() and (name in _OPERATORS or "".join(out)[-1:].isspace())
    if name in ("left", "right"):
        if i < len(tokens) and tokens[i] == ".":  # an invisible delimiter
            i += 1
    elif name in _SYMBOLS:
        out.append(_SYMBOLS[name])
    elif name in _OPERATORS:
        out.append(name)
    elif name in ("frac", "tfrac", "dfrac"):
        top, i = _group(tokens, i)
        bottom, i = _group(tokens, i)
        out.append("/".join(part if part.isalnum() else f"({part})" for part in (top, bottom)))
    elif name == "sqrt" or name in _UNWRAP or name in _ALPHABETS or name in _ACCENTS:
        if i < len(tokens) and tokens[i] == "[":
            raise _NotSimple  # \sqrt[n]{x}
        text, i = _group(tokens, i)
        if name == "sqrt":
            out.append("√" + (text if text.isalnum() else f"({text})"))
        elif name in _ALPHABETS:
            out.append(_styled(text, _ALPHABETS[name]))
        elif name in _ACCENTS:
            if len(text) != 1:
                raise _NotSimple
            out.append(text + _ACCENTS[name])
        else:
            out.append(text)
    else:
        raise _NotSimple
    if spaced:
        out.append(" ")
    return i


def _convert(tokens: list[str], i: int, closing: bool) -> tuple[str, int]:
    """Tokens from i to the end (or to the closing brace when `closing`) as text."""
    out: list[str] = []
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "}":
            if closing:
                return "".join(out), i
            raise _NotSimple
        if token == "{":
            text, i = _convert(tokens, i, closing=True)
            out.append(text)
        elif token in ("^", "_"):
            text, i = _group(tokens, i)
            out.append(_script(text, _SUPERSCRIPT if token == "^" else _SUBSCRIPT))
        elif token == "~":
            out.append(" ")
        elif token == "'":
            out.append("′")
        elif token in ("&", "\\\\") or token == "\\":
            raise _NotSimple  # alignment and line breaks: an environment, not inline math
        elif token.startswith("\\"):
            i = _command(token, tokens, i, out)
        else:
            out.append(token)
    if closing:
        raise _NotSimple  # a brace left open
    return "".join(out), i
