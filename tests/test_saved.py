"""The reading list in a real browser: Save buttons, /saved/, its exports and its share link.
The site, server and browser are test_browser's."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from test_browser import (  # noqa: F401 - browser, site, server, base_url and requested are fixtures
    DESKTOP,
    PAGES,
    PHONE,
    SCREENSHOTS,
    base_url,
    browser,
    console_error,
    new_context,
    requested,
    server,
    site,
)

pytestmark = [pytest.mark.browser]
DAY = "2026/05/11/"  # an API day: its papers have arXiv ids


def test_two_saved_papers_are_on_saved_and_in_the_bibtex_export(browser, base_url, requested):
    context = new_context(browser, requested, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: console_error(message, errors))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url + DAY)
    rows = page.locator("ol.papers > li")
    titles = [rows.nth(i).locator(".paper-title").inner_text() for i in (0, 2)]
    arxiv = [rows.nth(i).get_attribute("data-arxiv") for i in (0, 2)]
    # One by mouse, one by keyboard: a real <button> takes Enter.
    first = rows.nth(0).get_by_role("button", name=f"Save “{titles[0]}”")
    first.click()
    assert first.get_attribute("aria-pressed") == "true" and first.inner_text() == "Saved"
    second = rows.nth(2).locator("button.save")
    second.focus()
    page.keyboard.press("Enter")
    assert second.get_attribute("aria-pressed") == "true"
    assert rows.nth(1).locator("button.save").get_attribute("aria-pressed") == "false"

    page.get_by_role("navigation", name="Site").get_by_role("link", name="Saved").click()
    page.wait_for_url("**/saved/")
    listed = page.locator("#saved-list > li > a")
    expect(listed).to_have_count(2)  # the script fills the list once the page is parsed
    assert listed.all_inner_texts() == titles[::-1]  # most recently saved first
    assert "2 papers saved" in page.locator("#saved-status").inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export BibTeX").click()
    bibtex = open(download.value.path(), encoding="utf-8").read()
    assert bibtex.strip() == page.locator("#saved-export").inner_text().strip()  # shown as downloaded
    assert bibtex.count("@misc{") == 2
    for title, arxiv_id in zip(titles, arxiv):
        assert f"eprint = {{{arxiv_id}}}" in bibtex
        assert title.replace("{", "").replace("}", "")[:30] in bibtex
    with page.expect_download() as download:
        page.get_by_role("button", name="Export JSON").click()
    exported = json.load(open(download.value.path(), encoding="utf-8"))
    assert [item["arxiv"] for item in exported] == arxiv[::-1]
    assert all(item["url"].startswith(base_url + DAY) and item["day"] == "2026-05-11" for item in exported)
    share = page.locator("#saved-share").input_value()
    for width in (PHONE, DESKTOP):
        for scheme in ("light", "dark"):
            page.set_viewport_size({"width": width, "height": 800})
            page.emulate_media(color_scheme=scheme)
            page.screenshot(path=SCREENSHOTS / f"saved-{width}-{scheme}.png", full_page=True)

    # Remove one: the other stays, and the paper's own page shows it as not saved.
    page.get_by_role("button", name=f"Remove “{titles[0]}”").click()
    assert listed.all_inner_texts() == [titles[1]]
    # The keyboard stays in the list: on the row that took the removed one's place.
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == f"Remove “{titles[1]}”"
    page.goto(base_url + exported[1]["url"][len(base_url):])
    assert page.locator("article button.save").get_attribute("aria-pressed") == "false"
    assert errors == []
    context.close()

    # The share link carries both papers to a browser that saved nothing.
    other = new_context(browser, requested)
    page = other.new_page()
    page.goto(share)
    # The receiving page reads each shared paper from its own page: wait for both.
    expect(page.locator("#saved-list > li > a")).to_have_count(2)
    assert page.locator("#saved-list > li > a").all_inner_texts() == titles[::-1]
    assert page.locator("#saved-status").inner_text().startswith("A shared list: 2 papers")
    page.get_by_role("button", name="Add these to my list").click()
    page.get_by_role("button", name=f"Remove “{titles[0]}”").wait_for()  # after the reload: the list is ours
    assert "2 papers saved" in page.locator("#saved-status").inner_text()
    other.close()


def test_a_paper_page_saves_itself(browser, base_url, requested):
    context = new_context(browser, requested)
    page = context.new_page()
    page.goto(base_url + PAGES["paper"])
    button = page.locator("article.paper-page > h1 + button.save")
    button.click()
    assert button.inner_text() == "Saved"
    page.goto(base_url + "saved/")
    assert page.locator("#saved-list > li > a").all_inner_texts() == ["Sparse Attention in $O(n \\log n)$ Time for Million-Token Contexts"]  # math as its TeX
    context.close()


def test_without_javascript_no_save_button_shows(browser, base_url, requested):
    context = new_context(browser, requested, java_script_enabled=False)
    page = context.new_page()
    for path in (DAY, PAGES["paper"]):
        page.goto(base_url + path)
        assert page.locator("button").count() == 0
        assert page.get_by_role("link", name="Saved").count() == 0
    page.goto(base_url + "saved/")
    assert page.locator("#saved-tools").is_hidden()
    assert "needs JavaScript" in page.locator("#saved-status").inner_text()
    context.close()
