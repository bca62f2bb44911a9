"""Pelican plugin: reads the post files and writes the archive's pages and feeds.

Pelican's own ArticlesGenerator is left with nothing to read (ARTICLE_PATHS = []): its
tag, category and period-archive loops grow with the square of the article count.
This generator groups papers once (archive.build) and renders each page from that.
"""

from __future__ import annotations

import logging
from pathlib import Path

from markdown import Markdown
from pelican import signals
from pelican.generators import Generator

from . import archive, feeds
from .model import slugify
from .posts import TAGS_KEY, post_date
from .storage import PostStore, write_if_changed
from .tagging import Taxonomy, TaxonomyError

logger = logging.getLogger(__name__)

DEFAULTS = {
    "INDEX_DAYS": 3,  # days shown on the home page
    "TAG_PAGE_SIZE": 50,
    "FEED_MAX_ITEMS": 100,
    "TAXONOMY_FILE": "tags.yaml",
    "FEED_SITEURL": "http://localhost:8000",  # feeds need absolute URLs; SITEURL wins when set
}


def relative_root(save_as: str) -> str:
    """The path from a page to the site root: 'a/b/index.html' -> '../..'."""
    depth = save_as.count("/")
    return "/".join([".."] * depth) or "."


class ArchiveGenerator(Generator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, value in DEFAULTS.items():
            self.settings.setdefault(key, value)

    def _tag_ref(self, name: str, taxonomy: Taxonomy | None) -> archive.TagRef:
        return archive.TagRef(name, taxonomy.slug_for(name) if taxonomy else slugify(name))

    def _load_taxonomy(self) -> Taxonomy | None:
        try:
            return Taxonomy.load(Path(self.settings["TAXONOMY_FILE"]))
        except TaxonomyError as error:
            logger.warning("%s; tag slugs are made from tag names", error)
            return None

    def generate_context(self):
        taxonomy = self._load_taxonomy()
        markdown = Markdown(extensions=[], output_format="html")
        errors: list[str] = []
        entries = []
        for stored in PostStore(Path(self.path)).load_all(errors):
            post = stored.post
            post.meta["date"] = post_date(post)
            markdown.reset()
            entries.append(
                archive.PaperEntry(
                    meta=post.meta,
                    content=markdown.convert(post.body),
                    source_path=str(stored.path),
                    tags=[self._tag_ref(str(name), taxonomy) for name in post.meta.get(TAGS_KEY) or []],
                )
            )
        for error in errors:
            logger.error("skipped post: %s", error)
        self.archive = archive.build(entries)
        self.context["archive"] = self.archive

    def site_url(self) -> str:
        return self.settings.get("SITEURL") or self.settings["FEED_SITEURL"]

    def pages(self):
        """Every page as (save_as, template name, template variables)."""
        site = self.archive
        days_newest_first = site.days[::-1]
        yield "index.html", "index", {"days": days_newest_first[: self.settings["INDEX_DAYS"]]}
        yield "archives/index.html", "archives", {"years": site.years[::-1]}
        for paper in site.papers:
            yield paper.save_as, "paper", {"paper": paper}
        for period in site.days + site.months + site.years:
            yield period.save_as, period.kind, {"period": period}
        yield "tags/index.html", "tags", {"tag_counts": site.tag_counts()}
        for tag in site.tags:
            related = site.related_tags(tag)
            for page in site.tag_pages(tag, self.settings["TAG_PAGE_SIZE"]):
                yield page.save_as, "tag", {"tag_page": page, "related_tags": related}

    def feed_specs(self):
        site_name = self.settings.get("SITENAME", "")
        latest = sorted(self.archive.papers, key=lambda p: (p.day, p.upvotes, p.slug), reverse=True)
        yield feeds.FeedSpec(
            title=site_name,
            subtitle=f"The latest papers of {site_name}",
            atom_path="feeds/atom.xml",
            rss_path="feeds/rss.xml",
            page_url="",
            papers=latest[: self.settings["FEED_MAX_ITEMS"]],
        )

    def generate_output(self, writer):
        output = Path(self.output_path)
        written = 0
        for save_as, template_name, variables in self.pages():
            template = self.get_template(template_name)
            html = template.render(
                {**self.context, **variables, "root": relative_root(save_as), "page_url": save_as[: -len("index.html")]}
            )
            written += write_if_changed(output / save_as, html.encode("utf-8"))
        for spec in self.feed_specs():
            for path, data in feeds.render(spec, self.site_url()).items():
                written += write_if_changed(output / path, data)
        logger.info("archive: %d papers, %d days, %d files written", len(self.archive.papers), len(self.archive.days), written)


def get_generators(pelican_object):
    return ArchiveGenerator


def register():
    signals.get_generators.connect(get_generators)
