"""Reading the built site as a reader would, in Debian's Chromium: long author lists, links in
abstracts, a tag's pages, the ways from page to page, and list thumbnails. The site, server and
browser are test_browser's."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from test_browser import (  # noqa: F401 - browser, site, server, base_url and requested are fixtures
    MANY_AUTHORS,
    PAGES,
    PHONE,
    THUMBNAIL_HOST,
    WIDTHS,
    base_url,
    browser,
    new_context,
    requested,
    server,
    site,
)

pytestmark = [pytest.mark.browser]


def test_a_664_author_abstract_starts_on_the_first_two_phone_screens(browser, base_url, requested):
    """The first names show, the rest is one click away (no JavaScript needed)."""
    context = new_context(browser, requested, java_script_enabled=False, viewport={"width": PHONE, "height": 750})
    page = context.new_page()
    page.goto(base_url + PAGES["long-author-list"])
    top = page.locator("section.abstract").bounding_box()["y"]
    assert top < 1500, f"the abstract starts {top:.0f} px down"
    byline = page.locator("div.byline")
    assert MANY_AUTHORS[9] in byline.inner_text() and MANY_AUTHORS[-1] not in byline.inner_text()
    page.locator(".more-authors summary").click()
    assert page.locator(".more-authors").get_by_text(MANY_AUTHORS[-1]).is_visible()
    # Citations keep every name.
    assert page.locator("meta[name=citation_author]").count() == 664
    assert page.locator("section.cite pre").inner_text().count(" and ") == 663
    context.close()


def test_addresses_in_an_abstract_are_links(browser, base_url, requested):
    context = new_context(browser, requested)
    page = context.new_page()
    page.goto(base_url + PAGES["long-author-list"])
    link = page.locator('section.abstract a[href="https://github.com/centerforaisafety/hle"]')
    assert link.inner_text() == "https://github.com/centerforaisafety/hle"
    assert link.get_attribute("rel") == "nofollow ugc"
    assert page.locator('section.abstract a[href="https://lastexam.ai"]').count() == 1  # not the full stop
    context.close()


def test_a_tag_s_pages_show_each_paper_once(browser, base_url, requested):
    """Following "Older" from the front page to page 1 meets every paper of the tag once."""
    context = new_context(browser, requested)
    page = context.new_page()
    page.goto(base_url + PAGES["tag"])
    total = int(page.locator("p.lead").inner_text().split()[0])
    seen, pages = [], 0
    while True:
        pages += 1
        seen += page.locator("ol.compact > li > a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        older = page.locator("nav.pagination a[rel=next]")
        if not older.count():
            break
        older.click()
    assert pages > 2 and page.locator("p.lead").inner_text().startswith(f"Page 1 of {pages}")
    assert len(seen) == len(set(seen)) == total
    context.close()


def test_the_home_page_leads_to_older_days(browser, base_url, requested):
    context = new_context(browser, requested)
    page = context.new_page()
    page.goto(base_url)
    shown_days = page.locator("section.day h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert shown_days == ["2026/05/11/", "2026/03/03/"]
    page.locator("nav.way-on a[rel=next]").click()
    assert page.url == base_url + "2026/01/07/"
    context.close()


def test_paper_pages_lead_through_their_day_s_ranking(browser, base_url, requested):
    """From the day's first paper, "next" walks the day page's order to the last; "previous" back."""
    context = new_context(browser, requested)
    page = context.new_page()
    page.goto(base_url + PAGES["day"])
    ranking = page.locator("ol.papers .paper-title a").evaluate_all("links => links.map(a => a.href)")
    page.goto(ranking[0])
    walked = [page.url]
    while page.locator("nav.paper-nav a[rel=next]").count():
        page.locator("nav.paper-nav a[rel=next]").click()
        walked.append(page.url)
    assert walked == ranking
    assert page.locator("dl.facts dd").first.inner_text().startswith(f"#{len(ranking)} of {len(ranking)} on ")
    page.locator("nav.paper-nav a[rel=prev]").click()
    assert page.url == ranking[-2]
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_list_thumbnails_are_lazy_sized_and_only_on_wide_screens(browser, base_url, width):
    asked: list[str] = []
    context = new_context(browser, asked, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(base_url + "2026/05/11/", wait_until="load")
    thumbs = page.locator("ol.papers img.thumb")
    assert thumbs.count() > 20
    for attributes in thumbs.evaluate_all("images => images.map(i => [i.loading, i.width, i.height, i.alt])"):
        assert attributes[0] == "lazy" and attributes[3] == "" and attributes[1] > 0, attributes
    fetched = [url for url in asked if urlsplit(url).hostname == THUMBNAIL_HOST]
    if width == PHONE:
        assert fetched == [] and not thumbs.first.is_visible()
    else:
        first = thumbs.first
        assert first.is_visible() and first.evaluate("image => image.complete && image.naturalWidth") == 1
        assert 0 < len(fetched) < thumbs.count()  # the ones far below wait for the reader
    context.close()
