import html

import pytest

from dailypapers.site.mathtext import to_unicode
from dailypapers.site.text import text_markup, to_html


def test_dollar_and_paren_math_becomes_mathml_with_its_source():
    rendered = to_html(r"We show $x_1 < y^2$ and \(O(n^2)\) here.")
    assert rendered.count("<math ") == 2
    assert '<annotation encoding="application/x-tex">x_1 &lt; y^2</annotation>' in rendered
    assert rendered.startswith("We show <math") and rendered.endswith("</math> here.")


def test_math_touching_a_word_renders():
    rendered = to_html("A$^2$RD: Agentic")
    assert rendered.startswith("A<math") and rendered.endswith("</math>RD: Agentic")


def test_money_stays_money():
    for text in ["It costs $39.9 per run.", "between $5 and $10", "$3$ only", "pay $ 5 $ now", "US$5 or US$10"]:
        assert to_html(text) == html.escape(text)


def test_invalid_latex_stays_as_written():
    for text in [r"bad $\frac{a}{$ ok", r"cmd $\notacommand x$", "odd $}{$ one"]:
        assert to_html(text) == html.escape(text)


def test_markup_smuggled_through_latex_never_renders():
    for text in [r"$\text{<script>alert(1)</script>}$", r"$\href{javascript:alert(1)}{x}$"]:
        rendered = to_html(text)
        assert "<script" not in rendered and "href=" not in rendered and "<math" not in rendered


def test_titles_are_escaped_then_rendered():
    markup = text_markup("<b>$k$</b>-NN")
    assert markup.startswith("&lt;b&gt;<math") and "<mi>k</mi>" in markup


@pytest.mark.parametrize(
    "latex,text",
    [
        (r"x_1^2", "x₁²"),
        (r"\alpha \leq 1", "α≤1"),
        (r"2.3\times", "2.3×"),
        (r"9.6\times 9.6", "9.6×9.6"),
        (r"a \times b", "a × b"),
        (r"O(n \log n)", "O(n log n)"),
        (r"\mathcal{O}(n \log n)", "𝒪(n log n)"),
        (r"10^{-3}", "10⁻³"),
        (r"\frac{1}{2}", "1/2"),
        (r"\frac{a+b}{2}", "(a+b)/2"),
        (r"\sqrt{n+1}", "√(n+1)"),
        (r"\mathcal{J}\&\mathcal{F}", "𝒥&ℱ"),
        (r"\mathbb{R}^d", "ℝᵈ"),
        (r"97.3\%", "97.3%"),
        (r"W^\top x_i", "Wᵀxᵢ"),
        (r"90^\circ", "90°"),
        (r"\hat{y}", "ŷ"),
        (r"\Phi", "Φ"),
        (r"A^*", "A*"),
        (r"\ell_2", "ℓ₂"),
        (r"x_{\text{train}}", None),  # no subscript form for every letter: the caller shows the source
        (r"\sqrt[3]{x}", None),
        (r"\begin{pmatrix}a\end{pmatrix}", None),
        (r"\unknown x", None),
        (r"{a", None),
        ("a\nb\\\\c", None),
    ],
)
def test_simple_math_reads_as_unicode(latex, text):
    assert to_unicode(latex) == text
