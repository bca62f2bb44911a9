"""The built site in a real browser: Debian's Chromium driven by Playwright, pages served over
HTTP on 127.0.0.1. Screenshots at phone and desktop width, light and dark, go to
test-artifacts/screenshots/; axe-core checks accessibility; nothing may reach another host.

Needs /usr/bin/chromium (`make browser`) and node_modules/axe-core (`make install`)."""

from __future__ import annotations

import base64
import gzip
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, SAMPLE_DAYS, Site
from playwright.sync_api import sync_playwright

from dailypapers import posts
from dailypapers.model import Paper

pytestmark = [pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
# Playwright adds --headless and a fresh temporary --user-data-dir itself; these keep Chromium
# from reaching for the network on its own.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
PHONE, DESKTOP = 360, 1280
WIDTHS = (PHONE, DESKTOP)
SCHEMES = ("light", "dark")
LOCAL_HOST = "127.0.0.1"
# The one other host a page may ask, for list thumbnails on wide screens; the test answers for
# it with a 1x1 PNG.
THUMBNAIL_HOST = "cdn-thumbnails.huggingface.co"
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

# A paper with everything a paper page can show: math in the title, abstract and AI summary,
# named authors, links, counts.
MATH_PAPER = Paper(
    title="Sparse Attention in $O(n \\log n)$ Time for Million-Token Contexts",
    abstract=(
        "We replace dense attention, whose cost grows as $O(n^2)$, by a routed sparse attention in"
        " $O(n \\log n)$. For $k$ layers the approximation error is bounded by"
        " $\\epsilon \\le 2^{-k} \\sum_{i=1}^{n} \\alpha_i$, where $\\alpha_i$ is the attention mass"
        " of token $i$.\n\nOn contexts of up to $10^6$ tokens the method matches dense attention"
        " within 0.3 points while using 12x less memory."
    ),
    day=date(2026, 5, 11),
    published=date(2026, 5, 8),
    arxiv_id="2605.00001",
    authors=[
        "Ada Lovelace-Byron",
        "Alan M. Turing",
        "Grace Brewster Murray Hopper",
        "Edsger W. Dijkstra",
        "Barbara Liskov",
    ],
    author_count=5,
    upvotes=31,
    comments=4,
    ai_summary="Routed sparse attention runs in $O(n \\log n)$ with a provable error bound.",
    ai_keywords=["sparse attention", "long context", "routing"],
    github="https://github.com/example/sparse-attention",
    github_stars=1234,
    project_page="https://example.org/sparse-attention",
    organization="Example Lab",
    source="api",
    observed=date(2026, 5, 12),
)
MATH_SLUG = "sparse-attention-in-o-n-log-n-time-for-million-token-contexts"

# A paper with as many authors as the longest real one (Humanity's Last Exam, 664 names),
# and addresses in its abstract.
FIRST_NAMES = ("Long", "Summer", "Nathaniel", "Alexandr", "Josephina", "Mohammed", "Oskar", "Wen-Ting")
LAST_NAMES = ("Phan", "Gatti", "Hendrycks", "Yue", "Wang", "Kowalczyk-Nowak", "Ramakrishnan", "Abdulrahman", "Li")
MANY_AUTHORS = [f"{FIRST_NAMES[i % 8]} {chr(65 + i // 72)}. {LAST_NAMES[i % 9]}" for i in range(664)]  # all different
LONG_LIST_PAPER = Paper(
    title="Humanity's Last Exam",
    abstract=(
        "Benchmarks are important tools for tracking the rapid advancements in large language model"
        " capabilities. We introduce a multi-modal benchmark at the frontier of human knowledge of"
        " 2,500 questions across dozens of subjects. The data and code are at"
        " https://github.com/centerforaisafety/hle and https://lastexam.ai."
    ),
    day=date(2025, 1, 24),
    arxiv_id="2501.14249",
    authors=MANY_AUTHORS,
    author_count=664,
    upvotes=70,
    source="api",
    observed=date(2025, 1, 25),
)
LONG_LIST_SLUG = "humanity-s-last-exam"

PAGES = {
    "home": "",
    "day": "2026/01/07/",
    "paper": f"2026/05/11/{MATH_SLUG}/",
    "tag": "tags/pretraining/",  # the fixtures' biggest tag: several pages at TAG_PAGE_SIZE 3
    "long-author-list": f"2025/01/24/{LONG_LIST_SLUG}/",
    "month": "2026/01/",
    "archives": "archives/",
}
# Small pages and a short home page, so that paging and the ways on are exercised.
BUILD_SETTINGS = {"DAILYPAPERS_TAG_PAGE_SIZE": "3", "DAILYPAPERS_INDEX_DAYS": "2"}


@dataclass
class Visit:
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    scroll_width: int = 0
    violations: list[dict] = field(default_factory=list)  # axe-core's


class RecordingHandler(SimpleHTTPRequestHandler):
    """Serves output/ and records what the browser asked for, and the answer."""

    def log_request(self, code="-", size="-"):
        self.server.answered.append((self.path, int(code)))

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("browser") / "site")
    site.import_fixtures(*SAMPLE_DAYS)
    for paper, slug, tags in (
        (MATH_PAPER, MATH_SLUG, ["Language Models", "Efficiency", "Long Context"]),
        (LONG_LIST_PAPER, LONG_LIST_SLUG, ["Benchmarks", "Language Models"]),
    ):
        folder = site.content / f"papers/{paper.day:%Y/%m/%d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{slug}.md").write_text(posts.render(posts.post_from_paper(paper, slug, tags)), encoding="utf-8")
    site.build(env=BUILD_SETTINGS)
    return site


@pytest.fixture(scope="module")
def server(site):
    server = ThreadingHTTPServer((LOCAL_HOST, 0), partial(RecordingHandler, directory=str(site.output)))
    server.answered = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def base_url(server) -> str:
    return f"http://{LOCAL_HOST}:{server.server_address[1]}/"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run 'make browser' (installs Debian's chromium)")
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(REPO)} missing: run 'make install' (needs npm)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def requested():
    """Every URL any page of the module asked for."""
    return []


def new_context(browser, requested, **options):
    context = browser.new_context(**options)
    # axe-core goes in as an init script: the site's Content-Security-Policy blocks the
    # inline script add_script_tag would make, and should stay enforced while we test.
    context.add_init_script(path=AXE)
    context.on("request", lambda request: requested.append(request.url))
    # Whatever is not ours is stopped here as well as reported, so a test never waits on it.
    context.route("**/*", answer_locally)
    return context


def answer_locally(route) -> None:
    host = urlsplit(route.request.url).hostname
    if host == LOCAL_HOST:
        route.continue_()
    elif host == THUMBNAIL_HOST and route.request.resource_type == "image":
        route.fulfill(status=200, content_type="image/png", body=TINY_PNG)
    else:
        route.abort()


@pytest.fixture(scope="module")
def visits(browser, base_url, requested) -> dict[tuple[str, int, str], Visit]:
    """Each page at each width in each scheme, once: screenshot, console, overflow, axe."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for scheme in SCHEMES:
        for width in WIDTHS:
            context = new_context(browser, requested, viewport={"width": width, "height": 800}, color_scheme=scheme)
            for name, path in PAGES.items():
                visit = results[name, width, scheme] = Visit()
                page = context.new_page()
                page.on("console", lambda message, visit=visit: console_error(message, visit.errors))
                page.on("pageerror", lambda error, visit=visit: visit.errors.append(str(error)))
                response = page.goto(base_url + path, wait_until="load")
                assert response.status == 200, path
                page.screenshot(path=SCREENSHOTS / f"{name}-{width}-{scheme}.png", full_page=True)
                visit.scroll_width = page.evaluate("document.documentElement.scrollWidth")
                visit.violations = page.evaluate(
                    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                )
                page.close()
            context.close()
    return results


def console_error(message, errors: list[str]) -> None:
    if message.type == "error":
        errors.append(f"{message.text} ({message.location.get('url', '')})")


def test_axe_finds_no_violations_in_light_and_dark(visits):
    found: dict[str, list[str]] = {}  # one violation on some nodes: where it happened
    for (name, width, scheme), visit in visits.items():
        for v in visit.violations:
            nodes = v["nodes"]
            targets = ", ".join(" ".join(node["target"]) for node in nodes[:3]) + (
                f" and {len(nodes) - 3} more" if len(nodes) > 3 else ""
            )
            found.setdefault(f"{v['id']} ({v['impact']}): {v['help']}\n    at {targets}", []).append(
                f"{name} {width}px {scheme}"
            )
    report = "".join(f"\n  {what}\n    on {', '.join(where)}" for what, where in found.items())
    assert not found, "axe-core violations:" + report


def test_no_console_errors(visits):
    errors = [
        f"{name} {width}px {scheme}: {error}"
        for (name, width, scheme), visit in visits.items()
        for error in visit.errors
    ]
    assert not errors, "console errors:\n  " + "\n  ".join(errors)


def test_no_request_leaves_the_local_server_but_for_thumbnails(visits, requested):
    assert requested, "no request was recorded"
    elsewhere = {url for url in requested if urlsplit(url).hostname != LOCAL_HOST}
    assert sorted(url for url in elsewhere if urlsplit(url).hostname != THUMBNAIL_HOST) == []


def test_every_request_finds_its_file(visits, server):
    missing = sorted({path for path, status in server.answered if status not in (200, 304)})
    assert missing == []


def test_no_horizontal_overflow_on_a_phone(visits):
    wide = {
        (name, scheme): visit.scroll_width
        for (name, width, scheme), visit in visits.items()
        if width == PHONE and visit.scroll_width > PHONE
    }
    assert wide == {}, f"pages wider than {PHONE}px"


def test_screenshots_are_saved(visits):
    for name, width, scheme in visits:
        assert (SCREENSHOTS / f"{name}-{width}-{scheme}.png").stat().st_size > 1000


def test_pages_read_fine_without_javascript(browser, base_url, requested):
    context = new_context(browser, requested, java_script_enabled=False, viewport={"width": PHONE, "height": 800})
    page = context.new_page()
    page.goto(base_url + PAGES["day"])
    assert page.get_by_role("heading", level=1).inner_text() == "January 7, 2026"
    titles = page.locator("ol.papers > li .paper-title a")
    assert titles.count() == 46 and titles.first.is_visible() and titles.last.is_visible()
    page.goto(base_url + PAGES["paper"])
    assert page.locator("section.abstract math").first.is_visible()
    assert page.locator("div.byline").inner_text().startswith("Ada Lovelace-Byron, Alan M. Turing")
    page.screenshot(path=SCREENSHOTS / f"paper-{PHONE}-no-javascript.png", full_page=True)
    context.close()


@pytest.mark.parametrize("day, count", [("2026/01/07", 46), ("2026/05/11", 42)])
def test_a_full_day_page_weighs_under_60_kb_gzipped(site, day, count):
    """The HTML and the stylesheet, as a server would send them compressed."""
    html = (site.output / day / "index.html").read_bytes()
    css = (site.output / "theme/css/style.css").read_bytes()
    assert len(BeautifulSoup(html, "lxml").select("ol.papers > li")) == count
    weight = len(gzip.compress(html, compresslevel=6)) + len(gzip.compress(css, compresslevel=6))
    assert weight < 60_000, f"{weight} bytes gzipped"
