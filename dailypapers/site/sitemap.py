"""Files for crawlers: the sitemap index and its parts (sitemaps.org protocol 0.9), and
robots.txt. Addresses are absolute; dates come from the content, so builds reproduce."""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from .. import urls

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _rows(site_url: str, tag: str, entries: list[tuple[str, date | None]]) -> str:
    rows = []
    for url, lastmod in entries:
        when = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        rows.append(f"<{tag}><loc>{escape(urls.absolute(site_url, url))}</loc>{when}</{tag}>\n")
    return "".join(rows)


def sitemap_part(site_url: str, entries: list[tuple[str, date | None]]) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}">\n'
        + _rows(site_url, "url", entries)
        + "</urlset>\n"
    ).encode("utf-8")


def sitemap_index(site_url: str, parts: list[tuple[str, date | None]]) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NAMESPACE}">\n'
        + _rows(site_url, "sitemap", parts)
        + "</sitemapindex>\n"
    ).encode("utf-8")


def robots_txt(site_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(site_url, urls.SITEMAP)}\n".encode("utf-8")
