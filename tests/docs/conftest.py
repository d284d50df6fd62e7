"""Fixtures for checking the BUILT documentation site (``docs/_build/html``).

These tests do not build the site: run ``nox -s docs`` first, then ``nox -s docs_check``.

* :func:`site` parses every HTML page of the build with the standard library's
  :mod:`html.parser` (ids, links, images, notebook cell outputs).
* :func:`browser` drives Debian's headless Chromium with Playwright (the browser that
  Playwright would download is not used); :func:`server` serves the site on 127.0.0.1 for it.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

if TYPE_CHECKING:  # Playwright is imported only where Chromium is there to drive
    from playwright.sync_api import Browser as PlaywrightBrowser
    from playwright.sync_api import (
        ConsoleMessage,
        Playwright,
        Request,
        Route,
        ViewportSize,
    )
    from playwright.sync_api import Page as PlaywrightPage

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
HTML = DOCS / "_build" / "html"
SCREENSHOTS = DOCS / "_build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def notebook_pages(pattern: str) -> list[str]:
    """The pages ``docs/<pattern>`` that are executed notebooks, as built-site paths."""
    return [
        source.relative_to(DOCS).with_suffix(".html").as_posix()
        for source in sorted(DOCS.glob(pattern))
        if "kernelspec:" in source.read_text(encoding="utf-8").split("\n---", 1)[0]
    ]


TUTORIALS = notebook_pages("tutorials/*.md")
"""Every tutorial (``docs/tutorials/*.md`` except the index), e.g. ``tutorials/01-....html``."""

NOTEBOOKS = notebook_pages("*.md") + notebook_pages("[!_]*/*.md")  # not _build, _static
"""Every page whose code runs at build time (the home page, tutorials, explanations...)."""


# -- the built site, parsed ------------------------------------------------------------------


@dataclass
class Page:
    """What the checks need to know about one built HTML page."""

    path: str  # relative to the site root, with "/" separators
    title: str = ""
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, url)
    images: list[dict[str, str]] = field(default_factory=list)  # attributes of each <img>
    cell_outputs: int = 0
    output_text: list[str] = field(default_factory=list)  # text inside cell outputs
    output_classes: set[str] = field(default_factory=set)  # classes used inside cell outputs


class _PageParser(HTMLParser):
    URL_ATTRIBUTES = frozenset({"href", "src"})

    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.div_depth = 0
        self.output_depth: int | None = None  # div depth of the cell output we are in
        self.in_title = False
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        classes = attributes.get("class", "").split()
        if "id" in attributes:
            self.page.ids.add(attributes["id"])
        if tag == "a" and "name" in attributes:
            self.page.ids.add(attributes["name"])
        for name in self.URL_ATTRIBUTES & attributes.keys():
            self.page.links.append((tag, name, attributes[name]))
        if tag == "img":
            self.page.images.append(attributes)
        if tag == "body":
            self.in_body = True
        if tag == "title" and not self.in_body:  # not the <title> of an inline <svg>
            self.in_title = True
        if self.output_depth is not None:
            self.page.output_classes.update(classes)
        if tag == "div":
            self.div_depth += 1
            if "cell_output" in classes and self.output_depth is None:
                self.output_depth = self.div_depth
                self.page.cell_outputs += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag == "div":
            if self.output_depth == self.div_depth:
                self.output_depth = None
            self.div_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page.title += data
        if self.output_depth is not None:
            self.page.output_text.append(data)


def parse_page(path: Path) -> Page:
    page = Page(path.relative_to(HTML).as_posix())
    parser = _PageParser(page)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return page


@pytest.fixture(scope="session")
def site() -> dict[str, Page]:
    """Every HTML page of the built site, parsed, by path (``"tutorials/01-....html"``)."""
    return {page.path: page for page in map(parse_page, sorted(HTML.rglob("*.html")))}


# -- a local web server ----------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site, remembers every request that failed, prints nothing."""

    failures: list[str]

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if isinstance(code, int) and code >= 400:
            self.failures.append(f"{code} {self.path}")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Server:
    url: str  # ends with "/"
    failures: list[str]  # "404 /path" for each failed request so far


@pytest.fixture(scope="session")
def server(site: dict[str, Page]) -> Iterator[Server]:
    """The built site, served over HTTP on 127.0.0.1 (a free port) for the session."""
    failures: list[str] = []
    handler = type("Handler", (_QuietHandler,), {"failures": failures})
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(HTML))
    )
    thread = threading.Thread(target=httpd.serve_forever, name="docs-server", daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}/", failures)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


# -- headless Chromium, driven by Playwright ---------------------------------------------------


def chromium_problem() -> str | None:
    """Why the browser checks cannot run here, or None if they can."""
    if shutil.which(CHROMIUM) is None:
        return f"{CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed: run these checks with `nox -s docs_check`"
    return None


# What a page reports after loading, in the browser.
_INSPECT_PAGE = """
async () => {
  const images = Array.from(document.images);
  for (const img of images) img.loading = "eager";
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await document.fonts.ready;
  return {
    title: document.title,
    h1: (document.querySelector("h1") || {}).textContent || "",
    images: images.map((img) => ({
      src: img.currentSrc || img.src,
      width: img.naturalWidth,
      height: img.naturalHeight,
    })),
    math: document.querySelectorAll("span.math, div.math").length,
    typeset: document.querySelectorAll("mjx-container").length,
    mathErrors: Array.from(document.querySelectorAll("mjx-merror"), (e) => e.textContent),
    height: document.documentElement.scrollHeight,
  };
}
"""


@dataclass
class PageReport:
    """What a reader's browser saw on one page."""

    url: str
    title: str
    h1: str
    images: list[dict[str, Any]]
    math: int  # formulas in the HTML
    typeset: int  # formulas MathJax rendered
    math_errors: list[str]
    errors: list[str]  # console errors, uncaught exceptions, failed or external requests
    screenshot: Path


@dataclass
class OpenPage:
    """A page of the site, loaded in a fresh browser context, for a check to act on."""

    url: str
    page: PlaywrightPage
    errors: list[str]  # as in PageReport, so far
    seen: dict[str, Any]  # what _INSPECT_PAGE returned


class Browser:
    """Opens pages of the served site in headless Chromium, each in a fresh context."""

    DESKTOP: ClassVar[ViewportSize] = {"width": 1280, "height": 900}
    PHONE: ClassVar[ViewportSize] = {"width": 390, "height": 844}  # upright, in CSS pixels
    TALLEST_SCREENSHOT = 16_000  # pixels; beyond that a screenshot is cut

    def __init__(self, chromium: PlaywrightBrowser, server: Server) -> None:
        self.chromium = chromium
        self.server = server

    @contextlib.contextmanager
    def open(self, path: str, *, dark: bool = False, phone: bool = False) -> Iterator[OpenPage]:
        """Load ``path`` (relative to the site root) and wait for its images, formulas, fonts."""
        url = self.server.url + path
        context = self.chromium.new_context(
            viewport=self.PHONE if phone else self.DESKTOP,
            device_scale_factor=1,
            is_mobile=phone,
            has_touch=phone,
            color_scheme="dark" if dark else "light",
        )
        errors: list[str] = []

        def elsewhere(route: Route) -> None:
            errors.append(f"request to another site: {route.request.url}")
            route.abort("blockedbyclient")

        local = (self.server.url, "data:", "blob:")
        context.route(lambda url: not url.startswith(local), elsewhere)
        page = context.new_page()
        page.on("console", lambda m: _console_error(m, errors))
        page.on("pageerror", lambda error: errors.append(f"uncaught exception: {error}"))
        page.on("requestfailed", lambda request: _failed_request(request, errors))
        try:
            page.goto(url, wait_until="load")
            seen = page.evaluate(_INSPECT_PAGE)
            yield OpenPage(url, page, errors, seen)
        finally:
            context.close()

    def visit(self, path: str, *, dark: bool = False) -> PageReport:
        """Load ``path``, inspect it, save a screenshot of it."""
        with self.open(path, dark=dark) as opened:
            opened.page.wait_for_timeout(300)  # let late console messages arrive
            screenshot = self.screenshot(opened, "-dark" if dark else "")
            seen = opened.seen
            return PageReport(
                url=opened.url,
                title=seen["title"],
                h1=seen["h1"],
                images=seen["images"],
                math=seen["math"],
                typeset=seen["typeset"],
                math_errors=seen["mathErrors"],
                errors=list(opened.errors),
                screenshot=screenshot,
            )

    def screenshot(self, opened: OpenPage, suffix: str = "") -> Path:
        """Save the page from its top, as long as it is (up to TALLEST_SCREENSHOT), as
        ``<page><suffix>.png`` in docs/_build/screenshots."""
        path = opened.url.removeprefix(self.server.url)
        screenshot = SCREENSHOTS / (path.replace("/", "-").removesuffix(".html") + suffix + ".png")
        # A window as tall as the picture: Playwright's full_page=True would draw the whole
        # page first, which takes minutes for the API reference at a phone's width.
        width = (opened.page.viewport_size or self.DESKTOP)["width"]
        height = min(opened.seen["height"], self.TALLEST_SCREENSHOT)
        opened.page.set_viewport_size({"width": width, "height": height})
        opened.page.screenshot(path=screenshot)
        return screenshot


def _console_error(message: ConsoleMessage, errors: list[str]) -> None:
    if message.type in ("error", "assert"):
        where = message.location.get("url", "")
        errors.append(f"console.{message.type}: {message.text} ({where})")


def _failed_request(request: Request, errors: list[str]) -> None:
    failure = request.failure or ""
    # Cancelled by the page, or blocked by elsewhere() above (which said why).
    if failure not in ("net::ERR_ABORTED", "net::ERR_BLOCKED_BY_CLIENT"):
        errors.append(f"request failed: {failure} ({request.url})")


def launch_chromium(playwright: Playwright) -> PlaywrightBrowser:
    """Start headless Chromium: Debian's, since Playwright's own builds cannot be downloaded."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True)


@pytest.fixture(scope="session")
def chromium_startup() -> str | None:
    """Why Chromium cannot be started here, or None once it started (and was closed again)."""
    problem = chromium_problem()
    if problem is not None:
        return f"{problem}. The checks that need a browser did not run."
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            launch_chromium(playwright).close()
        except Error as error:
            return f"{CHROMIUM} did not start, so no browser check ran: {error}"
    return None


@pytest.fixture(scope="session")
def browser(server: Server) -> Iterator[Browser]:
    """Headless Chromium (``$CHROMIUM``, default /usr/bin/chromium) on the served site.

    The checks that use it are deselected, and ``test_chromium_starts`` alone fails, when
    Chromium or Playwright is missing (see pytest_collection_modifyitems).
    """
    from playwright.sync_api import Error, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        try:
            chromium = launch_chromium(playwright)
        except Error:  # test_chromium_starts says why, once
            pytest.skip("Chromium did not start: test_chromium_starts shows why")
        try:
            yield Browser(chromium, server)
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def site_root() -> Path:
    """The folder of the built site."""
    return HTML


@pytest.fixture(scope="session")
def tutorials() -> list[str]:
    """The built-site path of every tutorial, such as ``tutorials/01-....html``."""
    return TUTORIALS


def built_pages() -> list[str]:
    """Every HTML page of the built site, as paths relative to its root."""
    return [path.relative_to(HTML).as_posix() for path in sorted(HTML.rglob("*.html"))]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``tutorial``, ``notebook`` (executed pages), ``other_page`` and ``any_page``."""
    if "tutorial" in metafunc.fixturenames:
        metafunc.parametrize("tutorial", TUTORIALS)
    if "notebook" in metafunc.fixturenames:
        metafunc.parametrize("notebook", NOTEBOOKS)
    if "other_page" in metafunc.fixturenames:  # every other page of the site, if it is built
        metafunc.parametrize("other_page", [p for p in built_pages() if p not in NOTEBOOKS])
    if "any_page" in metafunc.fixturenames:
        metafunc.parametrize("any_page", built_pages())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Say once, not once per check, that the site is not built or that Chromium is missing."""
    here = Path(__file__).parent
    ours = [item for item in items if here in item.path.parents]
    if not ours:
        return
    if not (HTML / "index.html").is_file():
        pytest.exit(
            f"the documentation is not built: {HTML / 'index.html'} is missing. "
            "Run `nox -s docs` first, then these checks (`nox -s docs_check`).",
            returncode=1,
        )
    if chromium_problem() is not None:  # test_chromium_starts says what is missing
        left_out = [item for item in ours if "browser" in getattr(item, "fixturenames", ())]
        items[:] = [item for item in items if item not in left_out]
        config.hook.pytest_deselected(items=left_out)
