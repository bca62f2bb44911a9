from markupsafe import escape

from dailypapers.site.math import math_markup, render_math_html


def rendered(text: str) -> str:
    return render_math_html(str(escape(text)))


def test_dollar_and_paren_math_becomes_mathml_with_its_source():
    html = rendered(r"We show $x_1 < y^2$ and \(O(n^2)\) here.")
    assert html.count("<math ") == 2
    assert '<annotation encoding="application/x-tex">x_1 &lt; y^2</annotation>' in html
    assert html.startswith("We show <math") and html.endswith("</math> here.")


def test_math_touching_a_word_renders():
    html = rendered("A$^2$RD: Agentic")
    assert html.startswith("A<math") and html.endswith("</math>RD: Agentic")


def test_money_stays_money():
    for text in ["It costs $39.9 per run.", "between $5 and $10", "$3$ only", "pay $ 5 $ now", "US$5 or US$10"]:
        assert rendered(text) == str(escape(text))


def test_invalid_latex_stays_as_written():
    for text in [r"bad $\frac{a}{$ ok", r"cmd $\notacommand x$", "odd $}{$ one"]:
        assert rendered(text) == str(escape(text))


def test_markup_smuggled_through_latex_never_renders():
    for text in [r"$\text{<script>alert(1)</script>}$", r"$\href{javascript:alert(1)}{x}$"]:
        html = rendered(text)
        assert "<script" not in html and "href=" not in html and "<math" not in html


def test_titles_are_escaped_then_rendered():
    markup = math_markup("<b>$k$</b>-NN")
    assert markup.startswith("&lt;b&gt;<math") and "<mi>k</mi>" in markup
