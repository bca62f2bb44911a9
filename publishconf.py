"""Settings for the published site: pelicanconf.py plus the public URL from the environment.

SITEURL is the site's address, e.g. https://user.github.io/repo for a project site.
CNAME (setting or environment) is a custom domain: written to output/CNAME only when set.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
if not SITEURL:
    raise SystemExit("publishconf.py: set SITEURL, e.g. SITEURL=https://user.github.io/repo make publish")
FEED_SITEURL = SITEURL
DELETE_OUTPUT_DIRECTORY = False

CNAME = os.environ.get("CNAME", CNAME).strip()  # noqa: F405
TEMPLATE_PAGES = {"extra/templates/CNAME": "CNAME"} if CNAME else {}
