"""The published build (publishconf.py) under a sub-path, served by a real HTTP server and
crawled link by link; the files GitHub Pages needs; the gh-pages branch of `make github`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from functools import partial
from http.client import HTTPConnection
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, REPO, Site

SUB_PATH = "/some-repo"
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
GHP_IMPORT = Path(sys.executable).with_name("ghp-import")


class SubPathHandler(SimpleHTTPRequestHandler):
    """Serves `directory` under SUB_PATH only, as GitHub Pages serves a project site."""

    def translate_path(self, path):
        if path == SUB_PATH or path.startswith(SUB_PATH + "/"):
            return super().translate_path(path[len(SUB_PATH) :] or "/")
        return str(Path(self.directory) / "not-under-the-sub-path")

    def log_message(self, format, *args):
        pass


def new_site(root: Path, *fixtures: tuple[str, Path]) -> Site:
    site = Site(root)
    shutil.copytree(REPO / "content" / "extra", site.content / "extra")
    for scraped_on, fixture in fixtures:
        site.papers("import", "--scraped-on", scraped_on, str(fixture))
    return site


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A site with both fixtures, built for http://127.0.0.1:PORT/some-repo and served there."""
    site = new_site(
        tmp_path_factory.mktemp("publish") / "site",
        ("2026-01-08", FIXTURES / "hf-papers-textcopy-2026-01-07.txt"),
        ("2026-03-05", FIXTURES / "textcopy-tricky.txt"),
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SubPathHandler, directory=str(site.output)))
    base = f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        site.build("publishconf.py", env={"SITEURL": base.rstrip("/"), "CNAME": ""})
        yield site, base
    finally:
        server.shutdown()
        server.server_close()


def links_in(path: str, body: bytes) -> list[str]:
    """Every URL a page, stylesheet, feed or feed list points at (relative ones as written)."""
    suffix = PurePosixPath(path).suffix
    if path.endswith("/") or suffix == ".html":
        soup = BeautifulSoup(body, "lxml")
        base = soup.base["href"] if soup.base else ""  # relative links start from the site root
        links = [tag[attr] for attr in ("href", "src") for tag in soup.find_all(attrs={attr: True}) if tag.name != "base"]
        return [link if urlsplit(link).scheme or link.startswith("/") else base + link for link in links]
    if suffix == ".css":
        return CSS_URL.findall(body.decode("utf-8"))
    if suffix in (".xml", ".opml"):
        values = []
        for element in ElementTree.fromstring(body).iter():
            values += [*element.attrib.values(), (element.text or "").strip()]
        return [v for v in values if v.startswith(("http://", "https://"))]
    if suffix == ".txt":  # robots.txt names the sitemap
        return re.findall(r"^Sitemap: (\S+)$", body.decode("utf-8"), flags=re.M)
    if suffix == ".json":
        strings = []

        def walk(value):
            if isinstance(value, dict):
                value = list(value.values())
            if isinstance(value, list):
                for item in value:
                    walk(item)
            elif isinstance(value, str) and value.startswith(("http://", "https://")):
                strings.append(value)

        walk(json.loads(body))
        return strings
    return []


def crawl(base: str, *more: str) -> tuple[dict[str, int], list[str]]:
    """Fetches `base` (and the URLs `more`) and everything they link to on their own host,
    transitively, without following redirects: the status of each URL, and what is wrong."""
    own = urlsplit(base).netloc
    status: dict[str, int] = {}
    found_on = dict.fromkeys([base, *more], "(start)")
    queue, problems = [base, *more], []
    while queue:
        url = queue.pop()
        path = urlsplit(url).path
        connection = HTTPConnection(own, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        status[url] = response.status
        if response.status != 200:
            problems.append(f"{url} answers {response.status} (linked from {found_on[url]})")
            continue
        for link in links_in(path, body):
            target = urldefrag(urljoin(url, link)).url
            parts = urlsplit(target)
            if parts.netloc == own:
                if target not in found_on:
                    found_on[target] = url
                    queue.append(target)
            elif parts.hostname in LOCAL_HOSTS:
                problems.append(f"{url} links to another local server: {link}")
    return status, list(dict.fromkeys(problems))


def test_every_link_asset_and_feed_link_answers_under_the_sub_path(served):
    site, base = served
    # Readers start at the home page, crawlers at robots.txt, lost readers on the 404 page.
    status, problems = crawl(base, base + "robots.txt", base + "404.html")
    assert problems == []
    reached = {unquote(urlsplit(url).path)[len(SUB_PATH) :] for url in status}
    reached |= {path + "index.html" for path in reached if path.endswith("/")}
    built = {"/" + str(p.relative_to(site.output)) for p in site.output.rglob("*") if p.is_file()}
    # A tag's newest page is /tags/<slug>/; its numbered copy stays put for old links.
    numbered = {path for path in built if re.fullmatch(r"/tags/[^/]+/page/\d+/index\.html", path)}
    # A renamed tag's old page and feeds are for old links only.
    moved = {re.sub(r"/index\.html$", "", path)[len("/tags/"):] for path in built
             if path.startswith("/tags/") and b"http-equiv=refresh" in (site.output / path[1:]).read_bytes()}
    old = {path for path in built if any(path.startswith((f"/tags/{s}/", f"/feeds/tags/{s}.")) for s in moved)}
    assert built - reached - numbered - old == {"/.nojekyll"}, "built files that no page links to"


def test_the_404_page_links_from_any_depth_and_the_sitemap_lists_every_page(served):
    site, base = served
    soup = BeautifulSoup((site.output / "404.html").read_bytes(), "lxml")
    assert soup.base["href"] == base  # absolute: GitHub Pages serves it at the missing URL's depth
    for link in (a["href"] for a in soup.select("main a")):
        target = urljoin(soup.base["href"], link)
        assert crawl(target)[0][target] == 200
    sitemap_urls = set()
    for part in ElementTree.fromstring((site.output / "sitemap.xml").read_bytes()).iter():
        if part.tag.endswith("loc"):
            assert part.text.startswith(base + "sitemaps/")
            path = site.output / part.text[len(base) :]
            sitemap_urls |= {e.text for e in ElementTree.fromstring(path.read_bytes()).iter() if e.tag.endswith("loc")}
    pages = {base + str(p.parent.relative_to(site.output)) + "/" for p in site.output.rglob("index.html")
             if b"http-equiv=refresh" not in p.read_bytes()}  # a renamed tag's old page is not listed
    pages = {url.replace("/./", "/") for url in pages}
    unlisted = {url for url in pages - sitemap_urls if not url.endswith(("/search/", "/feeds/"))}
    assert unlisted == set()
    assert (site.output / "robots.txt").read_text(encoding="utf-8").endswith(f"Sitemap: {base}sitemap.xml\n")


def test_nothing_is_served_outside_the_sub_path(served):
    _, base = served
    status, _ = crawl(base.replace(SUB_PATH + "/", "/"))
    assert set(status.values()) == {404}


def test_output_has_nojekyll_and_no_cname_unless_configured(served, tmp_path):
    site, _ = served
    assert (site.output / ".nojekyll").is_file()
    assert not (site.output / "CNAME").exists()
    assert not (site.output / "extra").exists()  # content/extra/templates is not copied

    other = new_site(tmp_path / "site", ("2026-03-05", FIXTURES / "textcopy-tricky.txt"))
    other.build("publishconf.py", env={"SITEURL": "https://papers.example.org", "CNAME": "papers.example.org"})
    assert (other.output / "CNAME").read_text(encoding="utf-8").strip() == "papers.example.org"
    assert (other.output / ".nojekyll").is_file()


def test_make_github_puts_the_site_on_the_gh_pages_branch(served, tmp_path):
    """The ghp-import call of `make github`, into a throwaway repository (no push)."""
    site, _ = served
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "--quiet", str(repo)], check=True)
    identity = {"GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    subprocess.run(
        [str(GHP_IMPORT), "-m", "Generate Pelican site", "-b", "gh-pages", "-n", str(site.output)],
        cwd=repo,
        check=True,
        env={**os.environ, **identity},
    )
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "gh-pages"], cwd=repo, check=True, capture_output=True, text=True
    )
    assert {".nojekyll", "index.html", "feeds/atom.xml", "theme/css/style.css"} <= set(listing.stdout.split())
