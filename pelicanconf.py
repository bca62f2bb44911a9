"""Site settings for local builds (`make html`). publishconf.py adds the published URL."""

AUTHOR = "Daily Papers Archive"
SITENAME = "Daily Papers Archive"
SITE_DESCRIPTION = "Every paper of Hugging Face Daily Papers, day by day, with tags and feeds."
SITEURL = ""  # empty: every internal link is relative, so the site works from any folder
TIMEZONE = "UTC"
DEFAULT_LANG = "en"

PATH = "content"
THEME = "theme"
OUTPUT_PATH = "output"

# Papers are read and written by our plugin, not by Pelican's ArticlesGenerator, whose
# tag, category and archive loops grow with the square of the paper count.
PLUGINS = ["dailypapers.site.plugin"]
ARTICLE_PATHS = []
PAGE_PATHS = ["pages"]
# content/extra/ is copied as is; Pelican skips dotfiles, so dotfiles are stored without the dot.
STATIC_PATHS = ["extra"]
STATIC_EXCLUDES = ["extra/templates"]  # rendered by publishconf.py (TEMPLATE_PAGES), not copied
EXTRA_PATH_METADATA = {"extra/nojekyll": {"path": ".nojekyll"}}  # GitHub Pages: no Jekyll pass
CNAME = ""  # custom domain, e.g. "papers.example.org": publishconf.py writes it to output/CNAME
DIRECT_TEMPLATES = []
ARCHIVES_SAVE_AS = AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = CATEGORY_SAVE_AS = TAG_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"

# Pelican's own feeds are off: feedgen writes ours (feeds/atom.xml, feeds/rss.xml).
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
FEED_SITEURL = "http://localhost:8000"  # absolute base for feeds when SITEURL is empty

# Everything from the data is text: templates escape it.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

# The archive's own settings (INDEX_DAYS, TAG_PAGE_SIZE, TAXONOMY_FILE, HF_API_…) have their
# defaults in one table, dailypapers/settings.py; set any of them here (or in the environment
# as DAILYPAPERS_<SETTING>) to change it. See README "Configuration".
