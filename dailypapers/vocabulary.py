"""The tag names of the taxonomy (`tags.yaml`) and the slugs their URLs use.

Posts store tag names; the site links them by slug. Only names, slugs and aliases are read
here: the phrases that decide which tags a paper gets are the importer's (ingest/tagging.py).
"""

from __future__ import annotations

from pathlib import Path

import yaml

try:  # the C loader reads tags.yaml several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

from .model import slugify
from .posts import SLUG_RE


def _safe_slug(slug, name: str) -> str:
    """A slug from tags.yaml when it is one (lower-case letters, digits, single hyphens), else
    the name's: a slug is a folder of the site, and must not lead out of it."""
    return str(slug) if isinstance(slug, str) and SLUG_RE.fullmatch(slug) else slugify(name)


class TagVocabulary:
    """A tag's display name and slug, by any spelling of its name or of an old name."""

    def __init__(self, entries: list[dict] = ()):
        self._by_name: dict[str, tuple[str, str]] = {}
        self.moved: dict[str, str] = {}  # an old name's slug -> the slug of the tag it became
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            name = entry["name"].strip()
            slug = _safe_slug(entry.get("slug"), name)
            self._by_name[name.casefold()] = (name, slug)
            for alias in entry.get("aliases") or ():
                # An old name, or {name: …, slug: …} when its slug was not made from its name.
                old = alias if isinstance(alias, dict) else {"name": alias}
                if not isinstance(old.get("name"), str) or not old["name"].strip():
                    continue
                self._by_name.setdefault(old["name"].strip().casefold(), (name, slug))
                old_slug = _safe_slug(old.get("slug"), old["name"])
                if old_slug and old_slug != slug:
                    self.moved[old_slug] = slug

    @classmethod
    def load(cls, path: Path) -> TagVocabulary:
        """Raises ValueError with a one-line message when the file cannot be read."""
        try:
            data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise ValueError(f"{path}: cannot read the tag names: {error}") from None
        tags = data.get("tags") if isinstance(data, dict) else None
        if not isinstance(tags, list):
            raise ValueError(f"{path}: expected a mapping with a 'tags' list")
        return cls(tags)

    def name_and_slug(self, name: str) -> tuple[str, str]:
        """(display name, slug); a name the taxonomy does not know keeps its spelling."""
        return self._by_name.get(name.strip().casefold()) or (name.strip(), slugify(name))
