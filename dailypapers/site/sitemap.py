"""Files for crawlers: the sitemap index and its parts (sitemaps.org protocol 0.9), and
robots.txt. Addresses are absolute; dates come from the content, so builds reproduce."""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from .. import urls

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _document(root: str, row: str, site_url: str, entries: list[tuple[str, date | None]]) -> bytes:
    rows = []
    for url, lastmod in entries:
        when = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        rows.append(f"<{row}><loc>{escape(urls.absolute(site_url, url))}</loc>{when}</{row}>\n")
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}">\n'
    return (head + "".join(rows) + f"</{root}>\n").encode("utf-8")


def sitemap_part(site_url: str, entries: list[tuple[str, date | None]]) -> bytes:
    """Pages with the date each last changed."""
    return _document("urlset", "url", site_url, entries)


def sitemap_index(site_url: str, parts: list[tuple[str, date | None]]) -> bytes:
    """The sitemap parts with the date each last changed."""
    return _document("sitemapindex", "sitemap", site_url, parts)


def robots_txt(site_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(site_url, urls.SITEMAP)}\n".encode("utf-8")
