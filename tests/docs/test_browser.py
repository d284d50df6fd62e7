"""The site as a reader sees it: headless Chromium loads every page of the built site.

Each page must render (a title), log no console error, fetch nothing from another site, load
every image, and typeset every formula. Screenshots go to ``docs/_build/screenshots/``; the
home page, the tutorials and the other executed pages are shown in the light and the dark
color scheme. Look at them after changing how pages look.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_page_renders_in_a_browser(
    browser: Callable[..., Any],
    server: Any,
    site: dict[str, Any],
    notebook: str,
    dark: bool,
) -> None:
    failed_before = len(server.failures)
    report = browser(notebook, dark=dark)

    heading = report.h1.strip().rstrip("#¶").strip()
    assert heading, f"{report.url}: no <h1> heading"
    assert "AutoGrads" in report.title, report.title
    if notebook != "index.html":  # the home page is titled by the site's name alone
        assert report.title.startswith(heading), report.title
    assert not report.errors, f"{report.url}:\n" + "\n".join(report.errors)
    assert server.failures[failed_before:] == [], server.failures[failed_before:]

    assert len(report.images) == len(site[notebook].images)
    broken = [image["src"] for image in report.images if not (image["width"] and image["height"])]
    assert not broken, f"{report.url}: images that did not load: {broken}"

    assert report.typeset == report.math, (
        f"{report.url}: MathJax typeset {report.typeset} of {report.math} formulas"
    )
    assert not report.math_errors, f"{report.url}: TeX errors {report.math_errors}"


def test_other_page_renders_in_a_browser(
    browser: Callable[..., Any], server: Any, other_page: str
) -> None:
    failed_before = len(server.failures)
    report = browser(other_page)
    assert "AutoGrads" in report.title, report.title
    assert not report.errors, f"{report.url}:\n" + "\n".join(report.errors)
    assert server.failures[failed_before:] == [], server.failures[failed_before:]
    broken = [image["src"] for image in report.images if not (image["width"] and image["height"])]
    assert not broken, f"{report.url}: images that did not load: {broken}"
    assert report.typeset == report.math, report
