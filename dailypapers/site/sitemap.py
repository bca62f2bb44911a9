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


def last_changed(papers) -> date:
    """A page changes when one of its papers was last seen (upvotes), never with the clock."""
    return max([p.post.observed or p.day for p in papers])


def year_part(site_url: str, days: tuple[tuple, ...]) -> bytes:
    """A year's part: its papers, days, months and the year page. Made from the days'
    papers (their digests key it), so declaring it costs nothing per paper."""
    entries = [(p.url, p.post.observed or p.day) for papers in days for p in papers]
    entries += [(urls.day(papers[0].day), last_changed(papers)) for papers in days]
    months: dict[date, list] = {}
    for papers in days:
        months.setdefault(papers[0].day.replace(day=1), []).extend(papers)
    entries += [(urls.month(month), last_changed(papers)) for month, papers in months.items()]
    entries.append((urls.year(days[0][0].day), last_changed([p for papers in days for p in papers])))
    return sitemap_part(site_url, entries)


def sitemap_index(site_url: str, parts: list[tuple[str, date | None]]) -> bytes:
    """The sitemap parts with the date each last changed."""
    return _document("sitemapindex", "sitemap", site_url, parts)


def robots_txt(site_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(site_url, urls.SITEMAP)}\n".encode("utf-8")
