"""The site as a reader sees it: headless Chromium loads every page of the built site.

Each page must render (a title), log no console error, fetch nothing from another site, load
every image, and typeset every formula; at a phone's width it must not scroll sideways (only
code blocks may). On the tutorials, every hint and solution opens when clicked, and every
executed page offers its notebook and its source for download.

Screenshots go to ``docs/_build/screenshots/``: every page in the light color scheme and at
a phone's width (``-phone``), the executed pages in the dark one too (``-dark``). Look at them
after changing how pages look.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"

Browser = Any  # conftest.Browser (conftest cannot be imported by name: see pyproject's pytest)
OpenPage = Any  # conftest.OpenPage


def test_chromium_starts(chromium_startup: str | None) -> None:
    """Runs even when Chromium or Playwright is missing, and then says so, once (the checks
    that need a browser are left out: see conftest.pytest_collection_modifyitems)."""
    assert chromium_startup is None, chromium_startup


def _no_errors(url: str, errors: list[str], server: Any, failed_before: int) -> None:
    assert not errors, f"{url}:\n" + "\n".join(errors)
    assert server.failures[failed_before:] == [], server.failures[failed_before:]


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_page_renders_in_a_browser(
    browser: Browser, server: Any, site: dict[str, Any], notebook: str, dark: bool
) -> None:
    failed_before = len(server.failures)
    report = browser.visit(notebook, dark=dark)

    heading = report.h1.strip().rstrip("#¶").strip()
    assert heading, f"{report.url}: no <h1> heading"
    assert "AutoGrads" in report.title, report.title
    if notebook != "index.html":  # the home page is titled by the site's name alone
        assert report.title.startswith(heading), report.title
    _no_errors(report.url, report.errors, server, failed_before)

    assert len(report.images) == len(site[notebook].images)
    broken = [image["src"] for image in report.images if not (image["width"] and image["height"])]
    assert not broken, f"{report.url}: images that did not load: {broken}"

    assert report.typeset == report.math, (
        f"{report.url}: MathJax typeset {report.typeset} of {report.math} formulas"
    )
    assert not report.math_errors, f"{report.url}: TeX errors {report.math_errors}"


def test_other_page_renders_in_a_browser(browser: Browser, server: Any, other_page: str) -> None:
    failed_before = len(server.failures)
    report = browser.visit(other_page)
    assert "AutoGrads" in report.title, report.title
    _no_errors(report.url, report.errors, server, failed_before)
    broken = [image["src"] for image in report.images if not (image["width"] and image["height"])]
    assert not broken, f"{report.url}: images that did not load: {broken}"
    assert report.typeset == report.math, report


# What sticks out to the right of a phone's screen, outside the boxes that scroll by
# themselves (code blocks, wide tables and outputs): the outermost such elements.
_STICKING_OUT = """
() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) =>
    ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(el).overflowX);
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let inside = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up) || found.includes(up)) { inside = true; break; }
    }
    if (!inside) found.push(el);
  }
  return {
    width: width,
    scrollWidth: document.documentElement.scrollWidth,
    found: found.slice(0, 10).map((el) => {
      const right = Math.round(el.getBoundingClientRect().right);
      const text = (el.textContent || "").trim().slice(0, 60);
      return `<${el.tagName.toLowerCase()} class="${el.className}"> ends at ${right} px: ${text}`;
    }),
  };
}
"""


def test_page_fits_a_phone(browser: Browser, server: Any, any_page: str) -> None:
    """At 390 px wide, the page scrolls up and down only: code blocks scroll by themselves."""
    failed_before = len(server.failures)
    with browser.open(any_page, phone=True) as opened:
        browser.screenshot(opened, "-phone")
        seen = opened.page.evaluate(_STICKING_OUT)
        _no_errors(opened.url, opened.errors, server, failed_before)
    assert seen["scrollWidth"] <= seen["width"], (
        f"{opened.url} scrolls sideways on a phone: {seen['scrollWidth']} px wide for "
        f"{seen['width']} px, because of:\n" + "\n".join(seen["found"])
    )


def _open_every_toggle(opened: OpenPage) -> list[str]:
    """Click each folded part of the page (hints, solutions, folded code); what did not open."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page, problems = opened.page, []
    toggles = page.locator(".admonition.toggle")
    for i in range(toggles.count()):
        toggle = toggles.nth(i)
        name = toggle.get_attribute("id") or f"toggle {i}"
        body = toggle.locator(":scope > :not(.admonition-title)")
        if body.count() == 0 or body.first.is_visible():
            problems.append(f"{name}: shown before it is clicked, or empty")
            continue
        # The button, not the middle of the title: a solution's title holds a link to its
        # exercise, and sphinx-togglebutton ignores a click on that link.
        toggle.locator(":scope > .admonition-title button.toggle-button").click()
        try:
            body.first.wait_for(state="visible", timeout=5_000)
        except PlaywrightTimeout:
            problems.append(f"{name}: still hidden after a click on its button")
    for i, details in enumerate(page.query_selector_all("details:not([open])")):
        summary = details.query_selector(":scope > summary")
        if summary is None:
            problems.append(f"folded block {i} has no summary to click")
            continue
        summary.click()
        if details.get_attribute("open") is None:
            problems.append(f"folded block {i} ({summary.inner_text()!r}) did not open")
    return problems


def test_every_hint_and_solution_opens(browser: Browser, tutorial: str) -> None:
    """A tutorial ends with 2-4 exercises; each hint and solution is hidden until its button
    is clicked, and folded code opens too."""
    with browser.open(tutorial) as opened:
        page = opened.page
        exercises = page.locator("div.exercise").count()
        solutions = page.locator("div.solution").count()
        assert 2 <= exercises <= 4, f"{opened.url}: {exercises} exercises, not 2 to 4"
        assert solutions == exercises, f"{opened.url}: {solutions} solutions for {exercises}"
        hidden = page.locator("div.solution.toggle-hidden").count()
        assert hidden == solutions, f"{opened.url}: {solutions - hidden} solutions on show"
        problems = _open_every_toggle(opened)
        assert not problems, f"{opened.url}:\n" + "\n".join(problems)
        assert page.locator("div.solution.toggle-hidden").count() == 0
        for i in range(solutions):  # each solution shows its code once open
            solution = page.locator("div.solution").nth(i)
            assert solution.locator("pre").first.is_visible(), f"solution {i} shows no code"
        assert not opened.errors, "\n".join(opened.errors)


def test_page_offers_its_notebook_and_source(
    browser: Browser, site_root: Path, notebook: str, tmp_path: Path
) -> None:
    """The links under the title download the page as a notebook and as its Markdown source,
    the very files that test_notebooks.py runs."""
    source = DOCS / Path(notebook).with_suffix(".md")
    with browser.open(notebook) as opened:
        links = opened.page.locator("p.page-downloads a[download]")
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
        suffixes = sorted(Path(href).suffix for href in hrefs)
        assert suffixes == [".ipynb", ".md"], f"{opened.url}: download links {hrefs}"
        downloaded = {}
        for i, href in enumerate(hrefs):
            with opened.page.expect_download() as download:
                links.nth(i).click()
            path = tmp_path / download.value.suggested_filename
            download.value.save_as(path)
            assert path.read_bytes() == (site_root / Path(notebook).parent / href).read_bytes()
            downloaded[path.suffix] = path.read_text(encoding="utf-8")
    assert downloaded[".md"] == source.read_text(encoding="utf-8")
    notebook_node = nbformat.reads(downloaded[".ipynb"], as_version=4)
    nbformat.validate(notebook_node)
    code = [cell for cell in notebook_node.cells if cell.cell_type == "code"]
    assert code, f"{notebook}: the downloaded notebook has no code cell"
    assert notebook_node.metadata.kernelspec.name == "python3"
