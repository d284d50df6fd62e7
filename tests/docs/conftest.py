"""Fixtures for checking the BUILT documentation site (``docs/_build/html``).

These tests do not build the site: run ``nox -s docs`` first, then ``nox -s docs_check``.

* :func:`site` parses every HTML page of the build with the standard library's
  :mod:`html.parser` (ids, links, images, notebook cell outputs).
* :func:`browser` drives Debian's headless Chromium over the Chrome DevTools Protocol,
  spoken through a pair of pipes (``--remote-debugging-pipe``): no extra Python package,
  no network port. :func:`server` serves the site on 127.0.0.1 for it.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
HTML = DOCS / "_build" / "html"
SCREENSHOTS = DOCS / "_build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def notebook_pages(folder: str) -> list[str]:
    """The pages of ``docs/<folder>`` that are executed notebooks, as built-site paths."""
    return [
        f"{folder}/{source.stem}.html"
        for source in sorted((DOCS / folder).glob("*.md"))
        if "kernelspec:" in source.read_text(encoding="utf-8").split("\n---", 1)[0]
    ]


TUTORIALS = notebook_pages("tutorials")
"""Every tutorial (``docs/tutorials/*.md`` except the index), e.g. ``tutorials/01-....html``."""

NOTEBOOKS = ["index.html", *TUTORIALS, *notebook_pages("explain")]
"""Every page whose code runs at build time."""


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
    if not (HTML / "index.html").is_file():
        pytest.fail(
            f"the documentation is not built: {HTML / 'index.html'} is missing. "
            "Run `nox -s docs` first, then these checks (`nox -s docs_check`).",
            pytrace=False,
        )
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


# -- headless Chromium over the DevTools protocol ----------------------------------------------


class DevToolsError(RuntimeError):
    """Chromium answered a command with an error, or did not answer in time."""


class Chromium:
    """A headless Chromium, driven through ``--remote-debugging-pipe``.

    Chromium reads protocol commands from its file descriptor 3 and writes answers and
    events to its file descriptor 4, one JSON message per NUL-terminated chunk. A reader
    thread collects everything Chromium writes; :meth:`call` sends a command and waits for
    its answer; events stay in :attr:`events` for the caller to inspect.
    """

    def __init__(self, executable: str, profile: Path, log: Path) -> None:
        # Chromium must see our pipes as its fds 3 and 4. Move them above 9 first, so that
        # the shell's redirections below cannot clobber one with the other.
        to_browser_r, to_browser_w = (_high_fd(fd) for fd in os.pipe())
        from_browser_r, from_browser_w = (_high_fd(fd) for fd in os.pipe())
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "--hide-scrollbars",
            "--mute-audio",
            "about:blank",
        ]
        script = (
            f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w} '
            f"{to_browser_r}<&- {from_browser_w}>&-"
        )
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            ["/bin/bash", "-c", script, executable, *flags],
            pass_fds=(to_browser_r, from_browser_w),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._writer = os.fdopen(to_browser_w, "wb", buffering=0)
        self._reader = os.fdopen(from_browser_r, "rb", buffering=0)
        self._next_id = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._read, name="chromium-reader", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        buffer = b""
        while chunk := self._reader.read(1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            with self._changed:
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self._answers[message["id"]] = message
                    else:
                        self.events.append(message)
                self._changed.notify_all()
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 60.0,
    ) -> dict[str, Any]:
        """Send one command and return its result."""
        self._next_id += 1
        ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self._writer.write(json.dumps(message).encode() + b"\0")
        with self._changed:
            if not self._changed.wait_for(
                lambda: ident in self._answers or self._closed, timeout=timeout
            ):
                raise DevToolsError(f"{method}: no answer from Chromium in {timeout} s")
            if ident not in self._answers:
                raise DevToolsError(f"{method}: Chromium exited; see {self._log.name}")
            answer = self._answers.pop(ident)
        if "error" in answer:
            raise DevToolsError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    def wait_for_event(
        self, method: str, session: str, since: int = 0, timeout: float = 60.0
    ) -> dict[str, Any]:
        """The first event ``method`` of ``session`` at index ``since`` or later."""

        def find() -> dict[str, Any] | None:
            for event in self.events[since:]:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            return None

        with self._changed:
            if not self._changed.wait_for(lambda: find() is not None, timeout=timeout):
                raise DevToolsError(f"no {method} event in {timeout} s")
            event = find()
        assert event is not None
        return event

    def close(self) -> None:
        with contextlib.suppress(DevToolsError, OSError):
            self.call("Browser.close", timeout=10)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._writer.close()
        self._thread.join(timeout=10)
        self._reader.close()
        self._log.close()


def _high_fd(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


# What a page reports after loading, in the browser (awaited by Runtime.evaluate).
_INSPECT_PAGE = """
(async () => {
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
    width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
  };
})()
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


class Browser:
    """Opens pages of the served site in headless Chromium, one fresh tab per page."""

    WIDTH, HEIGHT = 1280, 900

    def __init__(self, chromium: Chromium, server: Server) -> None:
        self.chromium = chromium
        self.server = server

    def visit(self, path: str, *, dark: bool = False) -> PageReport:
        """Load ``path`` (relative to the site root), inspect it, save a screenshot."""
        chromium = self.chromium
        url = self.server.url + path
        target = chromium.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = chromium.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        try:
            for domain in ("Page", "Runtime", "Log", "Network"):
                chromium.call(f"{domain}.enable", session=session)
            viewport = {"width": self.WIDTH, "height": self.HEIGHT, "deviceScaleFactor": 1}
            chromium.call(
                "Emulation.setDeviceMetricsOverride", {**viewport, "mobile": False}, session=session
            )
            scheme = "dark" if dark else "light"
            chromium.call(
                "Emulation.setEmulatedMedia",
                {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
                session=session,
            )
            since = len(chromium.events)
            chromium.call("Page.navigate", {"url": url}, session=session)
            chromium.wait_for_event("Page.loadEventFired", session, since)
            result = chromium.call(
                "Runtime.evaluate",
                {"expression": _INSPECT_PAGE, "awaitPromise": True, "returnByValue": True},
                session=session,
            )
            if "exceptionDetails" in result:
                raise DevToolsError(f"inspecting {url}: {result['exceptionDetails']}")
            seen = result["result"]["value"]
            time.sleep(0.3)  # let late console messages arrive
            shot = chromium.call(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "captureBeyondViewport": True,
                    "clip": {
                        "x": 0,
                        "y": 0,
                        "width": self.WIDTH,
                        "height": min(seen["height"], 16_000),
                        "scale": 1,
                    },
                },
                session=session,
            )
            errors = self._errors(chromium.events[since:], session)
        finally:
            chromium.call("Target.closeTarget", {"targetId": target})
        name = path.replace("/", "-").removesuffix(".html") + ("-dark" if dark else "") + ".png"
        screenshot = SCREENSHOTS / name
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        return PageReport(
            url=url,
            title=seen["title"],
            h1=seen["h1"],
            images=seen["images"],
            math=seen["math"],
            typeset=seen["typeset"],
            math_errors=seen["mathErrors"],
            errors=errors,
            screenshot=screenshot,
        )

    def _errors(self, events: list[dict[str, Any]], session: str) -> list[str]:
        errors = []
        urls = {}  # requestId -> URL, to name the URL of a failed request
        for event in events:
            if event.get("sessionId") != session:
                continue
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                args = params["args"]
                text = " ".join(str(arg.get("value", arg.get("description"))) for arg in args)
                errors.append(f"console.{params['type']}: {text}")
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                text = details.get("exception", {}).get("description") or details.get("text")
                errors.append(f"uncaught exception: {text}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                errors.append(f"{entry['source']} error: {entry['text']} ({entry.get('url', '')})")
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                url = urls.get(params["requestId"], params["requestId"])
                errors.append(f"request failed: {params.get('errorText')} ({url})")
            elif method == "Network.requestWillBeSent":
                request_url = urls[params["requestId"]] = params["request"]["url"]
                if not request_url.startswith((self.server.url, "data:", "blob:", "about:")):
                    errors.append(f"request to another site: {request_url}")
        return errors


@pytest.fixture(scope="session")
def browser(
    server: Server, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., PageReport]]:
    """``browser(path, dark=False)`` loads a page of the site in headless Chromium."""
    if shutil.which(CHROMIUM) is None:
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium)",
            pytrace=False,
        )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    chromium = Chromium(CHROMIUM, profile, SCREENSHOTS / "chromium.log")
    try:
        yield Browser(chromium, server).visit
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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``tutorial``, ``notebook`` (executed pages) and ``other_page``."""
    if "tutorial" in metafunc.fixturenames:
        metafunc.parametrize("tutorial", TUTORIALS)
    if "notebook" in metafunc.fixturenames:
        metafunc.parametrize("notebook", NOTEBOOKS)
    if "other_page" in metafunc.fixturenames:  # every other page of the site, if it is built
        built = (path.relative_to(HTML).as_posix() for path in sorted(HTML.rglob("*.html")))
        metafunc.parametrize("other_page", [path for path in built if path not in NOTEBOOKS])
