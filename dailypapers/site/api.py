"""Data to script against: one JSON file per day (/api/days/YYYY-MM-DD.json), an index of
the days (/api/index.json) and the day files' shape as JSON Schema (/api/day.schema.json).

The shape is versioned: `version` changes whenever the shape does, and DAY_SCHEMA (published
beside the files, documented in the README) allows no field it does not list. No abstracts:
the files stay small (they are on the paper pages). A day file is keyed by its day's papers,
so it changes only when they do.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Iterable

from .. import urls
from .archive import Archive
from .pages import Listing, Page, listing

VERSION = 1

_TEXT = {"type": "string"}
_COUNT = {"type": "integer", "minimum": 0}
_DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_OPTIONAL_COUNT = {"type": ["integer", "null"], "minimum": 0}
_LINK = {"type": "string", "pattern": "^https?://"}

DAY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "day.schema.json",
    "title": f"One day of Daily Papers, version {VERSION}",
    "type": "object",
    "required": ["version", "day", "url", "count", "papers"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": VERSION},
        "day": _DAY,
        "url": {**_TEXT, "description": "the day's page, relative to the site root"},
        "count": _COUNT,
        "papers": {
            "type": "array",
            "description": "ranked by upvotes, as on the day's page",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["rank", "id", "title", "url", "upvotes", "comments", "tags", "authors", "author_count",
                             "links"],
                "properties": {
                    "rank": {"type": "integer", "minimum": 1},
                    "id": {"type": ["string", "null"], "description": "the arXiv id, when known"},
                    "title": {**_TEXT, "description": "as posted: LaTeX math stays between dollars"},
                    "url": {**_TEXT, "description": "the paper's page, relative to the site root"},
                    "upvotes": _COUNT,
                    "comments": _OPTIONAL_COUNT,
                    "tags": {"type": "array", "items": _TEXT},
                    "authors": {"type": "array", "items": _TEXT, "description": "empty when the source named none"},
                    "author_count": _OPTIONAL_COUNT,
                    "links": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {"code": _LINK, "project": _LINK},
                    },
                },
            },
        },
    },
}


def _json(document) -> bytes:
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def day_file(day: Listing) -> bytes:
    papers = []
    for rank, paper in enumerate(day.ranked, 1):
        # arXiv's address is left out: it is https://arxiv.org/abs/<id> (bytes x 40,000 papers).
        links = {name: str(paper.get(key)) for name, key in (("code", "github"), ("project", "project_page"))
                 if paper.get(key)}
        papers.append({
            "rank": rank,
            "id": paper.arxiv_id,
            "title": paper.title,
            "url": paper.url,
            "upvotes": paper.upvotes,
            "comments": paper.get("comments"),
            "tags": [tag.name for tag in paper.tags],
            "authors": paper.authors,
            "author_count": paper.author_count,
            "links": links,
        })
    return _json({"version": VERSION, "day": day.start.isoformat(), "url": day.url, "count": len(papers),
                  "papers": papers})


def index_file(days: list[tuple[date, int]]) -> bytes:
    return _json({
        "version": VERSION,
        "schema": urls.API_DAY_SCHEMA,
        "days": [{"day": start.isoformat(), "count": count, "file": urls.api_day(start)} for start, count in days],
    })


def schema_file() -> bytes:
    return (json.dumps(DAY_SCHEMA, indent=1) + "\n").encode("utf-8")


def api_files(site: Archive, settings: dict) -> Iterable[Page]:
    for day in site.days:
        yield Page(urls.api_day(day.start), day_file, {"day": listing(day)})
    yield Page(urls.API_INDEX, index_file, {"days": [(day.start, len(day.papers)) for day in site.days]})
    yield Page(urls.API_DAY_SCHEMA, schema_file)
