"""Every URL of the site and the file it is saved as: code and templates ask here.

URLs are relative to the site root (SITEURL, or the folder the site is opened from) and
folders end in '/': their page is saved as 'index.html' inside. See DESIGN.md.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote_plus

HOME = ""
ARCHIVES = "archives/"
SEARCH = "search/"
TAGS = "tags/"
FEEDS = "feeds/"
STYLESHEET = "theme/css/style.css"
SEARCH_BUNDLES = "pagefind/"  # one Pagefind bundle per year below it
NOT_FOUND = "404.html"
ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"  # a sitemap index of the per-part sitemaps below
SITEMAPS = "sitemaps/"
TOP = "top/"  # the most upvoted papers of the newest week, month and year, and of all time
API_INDEX = "api/index.json"  # the days that have a day file
API_DAY_SCHEMA = "api/day.schema.json"  # the day files' shape, as JSON Schema
ORGS = "orgs/"
SAVED = "saved/"  # the reader's reading list, kept in the browser
SAVED_SCRIPT = "theme/js/saved.js"  # the Save buttons and the /saved/ page

FEED_ATOM = "feeds/atom.xml"
FEED_RSS = "feeds/rss.xml"
FEED_JSON = "feeds/feed.json"
FEED_DAILY_ATOM = "feeds/daily.atom.xml"
FEED_DAILY_RSS = "feeds/daily.rss.xml"
FEED_TOP_ATOM = "feeds/top.atom.xml"
FEED_TOP_RSS = "feeds/top.rss.xml"
FEED_WEEKLY_ATOM = "feeds/weekly.atom.xml"
FEED_WEEKLY_RSS = "feeds/weekly.rss.xml"
FEED_OPML = "feeds/feeds.opml"
TAG_FEEDS = "feeds/tags/"
AUTHOR_FEEDS = "feeds/authors/"


def save_as(url: str) -> str:
    """The file a URL is saved as: a folder's index.html, or the file itself."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def url_of(saved_as: str) -> str:
    return saved_as.removesuffix("index.html")


def date_path(day: date) -> str:
    """2026-01-07 -> '2026/01/07' (isoformat is much faster than strftime)."""
    return day.isoformat().replace("-", "/")


def day(start: date) -> str:
    return date_path(start) + "/"


def month(start: date) -> str:
    return date_path(start)[:7] + "/"


def year(start: date) -> str:
    return f"{start.year:04d}/"


def paper(day_of_paper: date, slug: str) -> str:
    return f"{date_path(day_of_paper)}/{slug}/"


def tag(slug: str) -> str:
    return f"{TAGS}{slug}/"


def tag_page(slug: str, number: int) -> str:
    return f"{TAGS}{slug}/page/{number}/"


def tag_feed(slug: str, kind: str) -> str:
    """kind: 'atom' or 'rss'."""
    return f"{TAG_FEEDS}{slug}.{kind}.xml"


def iso_week(day_in_week: date) -> str:
    """2026-01-07 -> '2026-W02' (ISO 8601: weeks start on Monday; week 1 holds the year's first Thursday)."""
    year_of_week, week, _ = day_in_week.isocalendar()
    return f"{year_of_week:04d}-W{week:02d}"


def top_week(day_in_week: date) -> str:
    return f"{TOP}week/{iso_week(day_in_week)}/"


def top_month(start: date) -> str:
    return f"{TOP}month/{start.isoformat()[:7]}/"


def top_year(start: date) -> str:
    return f"{TOP}year/{start.year:04d}/"


def tag_top(slug: str) -> str:
    return f"{TAGS}{slug}/top/"


def api_day(day_of_papers: date) -> str:
    return f"api/days/{day_of_papers.isoformat()}.json"


def author(slug: str) -> str:
    return f"authors/{slug}/"


def author_feed(slug: str) -> str:
    return f"{AUTHOR_FEEDS}{slug}.atom.xml"


def author_search(name: str) -> str:
    """Where an author without a page of their own leads: the search, filtered by the name."""
    return f"{SEARCH}?author={quote_plus(name)}"


def org(slug: str) -> str:
    return f"{ORGS}{slug}/"


def search_bundle(year_name: str) -> str:
    return f"{SEARCH_BUNDLES}{year_name}/"


def sitemap_part(name: str) -> str:
    return f"{SITEMAPS}{name}.xml"


def absolute(site_url: str, url: str) -> str:
    """An address for readers outside the site (feeds, sitemaps, the 404 page)."""
    return f"{site_url.rstrip('/')}/{url}"
