"""The text renderer: arXiv's text-mode LaTeX, bare URLs and math, as safe HTML and as plain text."""

from xml.etree import ElementTree

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.site.feeds import xml_text
from dailypapers.site.math import MATHML_ATTRIBUTES, MATHML_ELEMENTS
from dailypapers.site.text import plain_text, render_html_fragment, text_markup, to_html, to_plain

NOFOLLOW = 'rel="nofollow ugc"'

# (source text, HTML, plain text; None: the source unchanged)
CASES = [
    (r"65.7\% of runs", "65.7% of runs", "65.7% of runs"),
    (r"Prefill \& Decode", "Prefill &amp; Decode", "Prefill & Decode"),
    (r"a \textbf{bold} claim", "a <strong>bold</strong> claim", "a bold claim"),
    (r"by \emph{1.46} and \textit{more}", "by <em>1.46</em> and <em>more</em>", "by 1.46 and more"),
    (r"run \texttt{train\_it --fast}", "run <code>train_it --fast</code>", "run train_it --fast"),
    (r"{\it vs.} and {\bf B}", "<em>vs.</em> and <strong>B</strong>", "vs. and B"),
    (r"see \url{https://github.com/a/b\_c}", f'see <a href="https://github.com/a/b_c" {NOFOLLOW}>https://github.com/a/b_c</a>', "see https://github.com/a/b_c"),
    (r"our \href{https://x.org/p}{project page}", f'our <a href="https://x.org/p" {NOFOLLOW}>project page</a>', "our project page"),
    (r"\href{javascript:alert(1)}{click}", "click", "click"),
    (r"\url{ftp://x.org/f}", "ftp://x.org/f", "ftp://x.org/f"),
    (r"2.3\times faster", "2.3× faster", "2.3× faster"),
    (r"\approx 5, \sim 3, a \leq b \geq c \neq d", "≈ 5, ∼ 3, a ≤ b ≥ c ≠ d", "≈ 5, ∼ 3, a ≤ b ≥ c ≠ d"),
    (r"Fig.~3 and LLMs~(large)", "Fig.\u00a03 and LLMs\u00a0(large)", "Fig.\u00a03 and LLMs\u00a0(large)"),
    ("about ~5% and 75%~89%", "about ~5% and 75%~89%", "about ~5% and 75%~89%"),  # not ties
    (r"\_ \# \$5", "_ # $5", "_ # $5"),
    ("``quoted'' and ''odd''", "“quoted” and “odd”", "“quoted” and “odd”"),
    ("1--16 steps --- or not", "1–16 steps — or not", "1–16 steps — or not"),
    (r"we propose \method and \ours{}.", "we propose method and ours.", "we propose method and ours."),
    (r"named {\name}, \b{Coupled} RL", "named name, Coupled RL", "named name, Coupled RL"),
    (r"Schr\"odinger, Fr\'{e}chet, na\"{\i}ve", "Schrödinger, Fréchet, naïve", "Schrödinger, Fréchet, naïve"),
    (r"300\,k \eg \LaTeX", "300\u202fk e.g. LaTeX", "300\u202fk e.g. LaTeX"),
    (r"E\textsuperscript{2}R", "E<sup>2</sup>R", "E2R"),
    (r"\color{red}shown \cite{x}. \textcolor{red}{Red}", "shown . Red", "shown . Red"),
    ("{0, 1} stays", "{0, 1} stays", "{0, 1} stays"),
    (r"valued at \1 million", "valued at $1 million", "valued at $1 million"),
    ("<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;", "<b>&amp;</b>"),
    (r"\textbf{cut short", "<strong>cut short</strong>", "cut short"),
    # Bare addresses become links, without their trailing punctuation.
    ("at https://github.com/a/b.", f'at <a href="https://github.com/a/b" {NOFOLLOW}>https://github.com/a/b</a>.', None),
    ("(https://x.io/p_(1)), next", f'(<a href="https://x.io/p_(1)" {NOFOLLOW}>https://x.io/p_(1)</a>), next', None),
    ("code: github.com/a/b;", f'code: <a href="https://github.com/a/b" {NOFOLLOW}>github.com/a/b</a>;', None),
    ("at~https://a.io/x", f'at\u00a0<a href="https://a.io/x" {NOFOLLOW}>https://a.io/x</a>', "at\u00a0https://a.io/x"),
    # arXiv leaves \href{u}{text} as u{text}: its text is the link's, unless it is a placeholder.
    ("https://a.io/{this http URL}", f'<a href="https://a.io/" {NOFOLLOW}>https://a.io/</a>', "https://a.io/"),
    ("https://a.io/{https://a.io/}.", f'<a href="https://a.io/" {NOFOLLOW}>https://a.io/</a>.', "https://a.io/."),
    ("https://a.io/{project page}", f'<a href="https://a.io/" {NOFOLLOW}>project page</a>', "project page"),
    ("see https://a.io/a\\_b", f'see <a href="https://a.io/a_b" {NOFOLLOW}>https://a.io/a_b</a>', "see https://a.io/a_b"),
    ('https://a.io/"onmouseover=x', f'<a href="https://a.io/" {NOFOLLOW}>https://a.io/</a>&quot;onmouseover=x', None),
    ("javascript:alert(1) and mailto:a@b.c", "javascript:alert(1) and mailto:a@b.c", None),
]


@pytest.mark.parametrize("source,html,plain", CASES)
def test_text_commands_render_as_a_reader_expects(source, html, plain):
    assert to_html(source) == html
    assert to_plain(source) == (source if plain is None else plain)


def test_math_renders_as_mathml_on_pages_and_unicode_in_plain_text():
    html = to_html(r"$\pi$-Flow beats A$^2$RD by $x_1 \leq 2$")
    assert html.count("<math ") == 3 and html.startswith("<math") and "</math>-Flow" in html
    assert to_plain(r"$\pi$-Flow beats A$^2$RD by $x_1 \leq 2$") == "π-Flow beats A²RD by x₁ ≤ 2"
    assert to_plain(r"$\frac{a+b}{c}$ and $\sqrt[3]{x}$") == r"(a+b)/c and $\sqrt[3]{x}$"  # no Unicode form: as written
    assert to_plain("costs $39.9 and $5") == to_html("costs $39.9 and $5") == "costs $39.9 and $5"


def test_abstract_html_renders_text_but_not_inside_code_or_links():
    fragment = "<p>65.7\\% &amp; \\textbf{x}</p>\n<p><code>a--b \\%</code> <a href=\"/x\">\\%</a></p>"
    assert render_html_fragment(fragment) == (
        "<p>65.7% &amp; <strong>x</strong></p>\n<p><code>a--b \\%</code> <a href=\"/x\">\\%</a></p>"
    )


def test_filters_render_keywords_with_math_and_plain_text_stays_escaped():
    env = jinja2.Environment(autoescape=True)
    env.filters.update(math=text_markup, plain=plain_text)
    keywords = env.from_string("{{ k|map('math')|join(', ') }}").render(k=[r"$\pi$-Flow", "<b>"])
    assert keywords.startswith("<math") and keywords.endswith("-Flow, &lt;b&gt;")
    title = env.from_string("<title>{{ t|plain }}</title>").render(t=r"\textbf{<i>} 5\% $\alpha$")
    assert title == "<title>&lt;i&gt; 5% α</title>"


# Hostile input: LaTeX, HTML and URL pieces in any order, with any text between them.
PIECES = [
    "\\", "{", "}", "$", "\\(", "\\)", "~", "--", "``", "''", "`", "\\textbf{", "\\emph{", "\\texttt{", "\\url{",
    "\\href{", "}{", "\\href{javascript:alert(1)}{", "\\url{javascript:x}", "https://", "http://a.io/",
    "github.com/", "www.", "\\%", "\\&", "\\'", '\\"', "\\i", "\\bf ", "{\\it ", "\\footnote{", "\\color{",
    "$x^2$", "$\\frac{a}{", "\\(a<b\\)", "$\\text{<script>}$", "<script>", "<a href=x>", "\" onload=\"",
    "&amp;", "&#60;", "\x00", "\n", " ", "\\1", "\\method", "\\times", "\\alpha",
]
hostile = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=30).map("".join)
ALLOWED = {"strong": set(), "em": set(), "code": set(), "sup": set(), "sub": set(), "a": {"href", "rel"}}
MATHML = "{http://www.w3.org/1998/Math/MathML}"


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_any_input_gives_well_formed_html_of_allowed_elements_only(source):
    html = to_html(source)
    root = ElementTree.fromstring(f"<div>{xml_text(html)}</div>")  # raises if not well-formed (controls aside)
    for element in root.iter():
        if element is root:
            continue
        if element.tag.startswith(MATHML):
            assert element.tag.removeprefix(MATHML) in MATHML_ELEMENTS
            assert set(element.attrib) <= MATHML_ATTRIBUTES
            continue
        assert element.tag in ALLOWED and set(element.attrib) <= ALLOWED[element.tag], html
        if element.tag == "a":
            assert element.get("rel") == "nofollow ugc"
            assert element.get("href").startswith(("http://", "https://")), html
    assert to_plain(source) is not None


@pytest.mark.parametrize("source", ["{" * 5000 + "x" + "}" * 5000, r"\textbf{" * 3000, r"\bf " * 3000,
                                    "$" + "{" * 3000 + "x" + "}" * 3000 + "$", "\\(" + "{" * 3000 + "\\)"])
def test_deep_nesting_is_shown_not_a_crash(source):
    assert "x" in to_plain(source + "x") and "x" in to_html(source + "x")


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="\\{}$~`'-h<>&\"w", blacklist_categories=["Cs"])))
def test_text_without_latex_or_markup_comes_out_unchanged(source):
    assert to_plain(source) == source
    assert to_html(source) == source
