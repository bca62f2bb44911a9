import html
import re
from datetime import date

from markdown import Markdown

import pytest

from dailypapers import posts
from dailypapers.model import Paper

HOSTILE = [
    "_ * < & \\ # $ ` [ ] {{ }} {% %}",
    "# heading? > quote? - item? + item? 1. item? 2) item?",
    "<script>alert(1)</script> <b>bold</b> <!-- comment --> <http://x.y>",
    "&amp; &lt; &#65; &#x41; &copy &#1 &",
    "***bold*** ___under___ **a** __b__ `code` ``two``",
    "[link](http://e.x) ![img](http://e.x/i.png) [ref][1]\n\n[1]: http://e.x",
    "--- *** ___",
    "Second paragraph\n\nstays a paragraph.\n\n    indented looks like code",
    "trailing backslash \\",
]


def rendered_text(source: str) -> str:
    out = Markdown().convert(source)
    return "\n\n".join(html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", out, re.S))


def test_markdown_body_renders_to_the_exact_text():
    for text in HOSTILE:
        text = "\n\n".join(" ".join(p.split()) for p in text.split("\n\n"))
        body = posts.escape_markdown(text)
        assert rendered_text(body) == text
        assert "<" not in Markdown().convert(body).replace("<p>", "").replace("</p>", "")
        assert posts.unescape_markdown(body) == text


def test_post_round_trip_keeps_every_field():
    paper = Paper(
        title="A: 'quoted' \"title\" # with {{ braces }}",
        abstract="First.\n\nSecond & <last>.",
        day=date(2026, 1, 7),
        published=date(2025, 12, 30),
        arxiv_id="2601.00001",
        authors=["Ada Lovelace", "Alan Turing"],
        author_count=2,
        upvotes=12,
        ai_keywords=["diffusion", "agents"],
        github="https://github.com/a/b",
        source="api",
        observed=date(2026, 1, 8),
    )
    post = posts.post_from_paper(paper, "a-quoted-title", ["Agents"])
    text = posts.render(post)
    again = posts.parse(text)
    assert again.meta["slug"] == "a-quoted-title" and again.meta["tags"] == ["Agents"]
    assert posts.paper_from_post(again) == paper
    assert posts.render(again) == text


def test_hand_edited_fields_survive_a_new_version():
    old = posts.post_from_paper(Paper(title="Old", abstract="Body.", day=date(2026, 1, 7), upvotes=1), "old", ["A"])
    old.meta["title"] = "My Better Title"
    old.meta["manual"] = ["title", "tags", "abstract"]
    old.meta["note"] = "kept"
    old.meta["tags"] = ["Mine"]
    old.body = "My own body."
    new = posts.post_from_paper(Paper(title="Old", abstract="New body.", day=date(2026, 1, 7), upvotes=5), "old", ["B"], old)
    assert new.meta["title"] == "My Better Title"
    assert new.meta["tags"] == ["Mine"]
    assert new.meta["upvotes"] == 5
    assert new.meta["note"] == "kept" and new.meta["manual"] == ["title", "tags", "abstract"]
    assert new.body == "My own body."


def test_parse_rejects_files_that_are_not_posts():
    for text, message in [
        ("title: x\n", "does not start"),
        ("---\ntitle: x\n", "no closing"),
        ("---\n- a\n---\n", "not a mapping"),
        ("---\ntitle: [\n---\n", "not valid YAML"),
        ("---\ntitle: x\ndate: 2026-01-01\n---\nbody\n", "slug: missing"),
    ]:
        try:
            posts.parse(text)
        except posts.PostError as error:
            assert message in str(error)
        else:
            raise AssertionError(f"accepted {text!r}")


def test_fast_body_html_equals_markdown_for_escaped_and_hand_written_bodies():
    markdown = Markdown()
    for text in HOSTILE + ["plain words", "a & b < c > d \"quoted\" 'single'"]:
        text = "\n\n".join(" ".join(p.split()) for p in text.split("\n\n"))
        body = posts.escape_markdown(text)
        markdown.reset()
        assert posts.body_html(body, Markdown()) == markdown.convert(body)
    hand_written = "Some *emphasis* and a [link](https://example.org).\n\n- a list"
    assert posts.body_html(hand_written, Markdown()) == Markdown().convert(hand_written)


def test_shared_values_are_written_plainly_without_yaml_aliases():
    day = date(2026, 1, 7)
    text = posts.render(posts.post_from_paper(Paper(title="T", abstract="A.", day=day, observed=day), "t", []))
    assert "&id" not in text and "*id" not in text
    assert "date: 2026-01-07" in text and "observed: 2026-01-07" in text


GOOD_FRONT = "title: A paper\ndate: 2026-01-07\nslug: a-paper\n"


@pytest.mark.parametrize(
    "line, message",
    [
        ("slug: ../../../etc", "slug: must be lower-case letters"),
        ("slug: a/b", "slug: must be lower-case letters"),
        ("slug: A-Paper", "slug: must be lower-case letters"),
        ("tags: ['', Agents]", "tags: holds ''"),
        ("tags: ['!!!']", "tags: holds '!!!'"),
        ("tags: Agents", "tags: 'Agents' is not a list"),
        ("github: 'javascript:alert(1)'", "github: must be an http(s) address"),
        ("project_page: //evil.example", "project_page: must be an http(s) address"),
        ("upvotes: -3", "upvotes: must be between 0 and"),
        ("upvotes: 10000000000000000000000", "upvotes: must be between 0 and"),
        ("upvotes: true", "upvotes: True is not a whole number"),
        ("manual: [title, color]", "manual: names unknown keys ['color']"),
        ("published: someday", "published: 'someday' is not a date"),
    ],
)
def test_hand_edits_are_checked_against_the_field_table(line, message):
    key = line.split(":")[0]
    front = "".join(row + "\n" for row in GOOD_FRONT.splitlines() if not row.startswith(key + ":")) + line + "\n"
    with pytest.raises(posts.PostError) as raised:
        posts.parse(f"---\n{front}---\n\nBody.\n")
    assert message in str(raised.value)


def test_every_field_of_the_table_is_written_by_the_importer_or_a_person():
    owners = {field.key: field.owner for field in posts.FIELDS}
    assert set(owners.values()) <= {"importer", "once", "person"}
    # The importer's fields are exactly the Paper's attributes it fills in.
    attributes = {field.attribute for field in posts.FIELDS if field.attribute}
    assert attributes <= set(Paper.__dataclass_fields__)
    assert posts.render(posts.post_from_paper(Paper(title="T", abstract="A.", day=date(2026, 1, 7)), "t", ["X"])).split(
        "\n"
    )[1:4] == ["title: T", "date: 2026-01-07", "slug: t"]


def test_yaml_aliases_are_refused_and_windows_files_read_like_any_post():
    bomb = "---\na: &a [x, x, x]\nb: &b [*a, *a, *a]\n" + GOOD_FRONT + "---\n\nBody.\n"
    with pytest.raises(posts.PostError, match="aliases"):
        posts.parse(bomb)
    stars = GOOD_FRONT.replace("title: A paper", "title: Stars * in *the* title")
    assert posts.parse(f"---\n{stars}---\n\nBody.\n").meta["title"] == "Stars * in *the* title"
    windows = "\ufeff---\r\n" + GOOD_FRONT.replace("\n", "\r\n") + "---\r\n\r\nBody.\r\n"
    post = posts.parse(windows)
    assert post.meta["slug"] == "a-paper" and post.body.strip() == "Body."
