"""Small SVG charts made at build time: a calendar heat map of a year's days, and
bars of papers per month. Colours come from CSS classes, so they follow the theme."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from markupsafe import Markup, escape

from .. import urls

CELL = 11  # px per day square
GAP = 2
LEVELS = 4  # shades for days with papers; level 0 is a day without


def _level(count: int, most: int) -> int:
    return 0 if count == 0 else max(1, -(-count * LEVELS // max(most, 1)))


def calendar_heatmap(year: int, day_counts: list[tuple[date, int]]) -> Markup:
    """A GitHub-style calendar of a year: a column per week, a row per weekday; each day
    with papers links to its page."""
    first = date(year, 1, 1)
    counts = dict(day_counts)
    most = max(counts.values(), default=1)
    offset = first.weekday()  # Monday-first rows
    days_in_year = 366 if calendar.isleap(first.year) else 365
    step = CELL + GAP
    top = 14  # room for month names
    weeks = (offset + days_in_year + 6) // 7
    parts = []
    for month in range(1, 13):
        column = (offset + (date(first.year, month, 1) - first).days) // 7
        parts.append(f'<text x="{column * step}" y="10" class="heat-label">{calendar.month_abbr[month]}</text>')
    for index in range(days_in_year):
        day = first + timedelta(days=index)
        x, y = ((offset + index) // 7) * step, top + ((offset + index) % 7) * step
        count = counts.get(day, 0)
        rect = f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="2" class="heat{_level(count, most)}"'
        if count:
            label = escape(f"{day:%B} {day.day}, {day.year}: {count} papers")
            parts.append(f'<a href="{urls.day(day)}" aria-label="{label}">{rect}><title>{label}</title></rect></a>')
        else:
            parts.append(rect + "/>")
    width, height = weeks * step, top + 7 * step
    return Markup(
        f'<svg class="heatmap" viewBox="0 0 {width} {height}" role="group" '
        f'aria-label="Papers per day in {first.year}">{"".join(parts)}</svg>'
    )


def monthly_bars(counts: list[tuple[date, int]], label: str) -> Markup:
    """A small bar chart, a bar per month (oldest left); decorative beside a number."""
    if not counts:
        return Markup("")
    most = max(count for _, count in counts) or 1
    width, height, bar = 3, 20, 2
    bars = "".join(
        f'<rect x="{i * width}" y="{height - max(1, round(count * height / most))}" width="{bar}" '
        f'height="{max(1, round(count * height / most))}"><title>{escape(f"{month:%b %Y}: {count}")}</title></rect>'
        for i, (month, count) in enumerate(counts)
    )
    return Markup(
        f'<svg class="bars" viewBox="0 0 {len(counts) * width} {height}" width="{len(counts) * width}" '
        f'height="{height}" role="img" aria-label="{escape(label)}">{bars}</svg>'
    )
