"""Stock Pelican 4.12 over our posts, for comparison: its own ArticlesGenerator and `simple`
theme, no plugins, no feeds. URLs and day/month/year pages mirror our site's, so both builds
write a comparable set of pages (scripts/bench.py --stock, tests/test_stock.py).
"""

SITENAME = "Daily Papers Archive (stock Pelican)"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
PATH = "content"
THEME = "simple"
PLUGINS = []
# Python-Markdown's meta extension, on in Pelican's default MARKDOWN settings, reads our
# `---` front matter and YYYY-MM-DD dates. A YAML list `tags: [A, B]` arrives as the tags
# "[A" and "B]": their slugs are still "a" and "b", so the tag pages are the same.
ARTICLE_PATHS = ["papers"]
PAGE_PATHS = []
STATIC_PATHS = []
ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
DEFAULT_PAGINATION = 50
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
MONTH_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/index.html"
DAY_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/{date:%d}/index.html"
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = TAG_FEED_ATOM = None
