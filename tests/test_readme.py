"""The README stays true to the code: its layout table names every module, its configuration
table every setting of the settings table."""

from __future__ import annotations

import re

from conftest import REPO

from dailypapers import settings

README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


def test_the_layout_table_names_every_module_where_it_is():
    layout = section("Layout")
    rows = {cells[0].strip("` "): cells[1] for line in layout.splitlines()
            if (cells := line.strip("|").split("|")) and len(cells) >= 2 and line.startswith("| `")}
    for path in sorted((REPO / "dailypapers").rglob("*.py")):
        if path.name == "__init__.py":
            continue
        relative = path.relative_to(REPO).as_posix()
        folder = relative.rsplit("/", 1)[0] + "/"
        named = relative in rows or (folder in rows and re.search(rf"`{path.stem}`", rows[folder]))
        assert named, f"README's Layout table does not name {relative}"


def test_the_configuration_table_lists_every_setting_with_its_default():
    table = section("Configuration")
    for key in settings.SETTINGS:
        row = next((line for line in table.splitlines() if line.startswith(f"| `{key}` |")), None)
        assert row, f"README's Configuration table has no row for {key}"
        default = settings.SETTINGS[key].default
        if not callable(default):
            shown = row.split("|")[2].strip().strip("`")
            assert shown in (str(default), f"{default:g}" if isinstance(default, float) else "", '""'), (key, shown)
