"""The built site, read as files: every page ran, every local link resolves, no errors shown.

Run ``nox -s docs`` first: these tests read ``docs/_build/html`` and do not build it.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

Site = dict[str, Any]  # path of each page in the built site -> its parsed contents


def test_the_tutorials_are_found(tutorials: list[str]) -> None:
    assert "tutorials/01-scalars-and-the-chain-rule.html" in tutorials, tutorials


def test_the_built_site_has_exactly_the_tutorials_of_the_source(
    site: Site, tutorials: list[str]
) -> None:
    """The tutorials are listed from ``docs/tutorials/*.md``; the build must show the same set.

    A page in the build but not in the source is left over from an older build (rebuild from
    scratch); a page in the source but not in the build did not build.
    """
    built = {
        path
        for path in site
        if path.startswith("tutorials/") and path.count("/") == 1 and path != "tutorials/index.html"
    }
    assert built == set(tutorials), {
        "built, not in the source": sorted(built - set(tutorials)),
        "in the source, not built": sorted(set(tutorials) - built),
    }


def test_tutorial_is_listed_on_the_tutorials_page(site: Site, tutorial: str) -> None:
    """A reader finds every tutorial from the tutorials page (its toctree and its list)."""
    index = site["tutorials/index.html"]
    name = tutorial.removeprefix("tutorials/")
    linked = {urlsplit(url).path for tag, _, url in index.links if tag == "a"}
    assert name in linked, f"tutorials/index.html has no link to {name}"


def test_tutorial_is_built_with_outputs_and_images(site: Site, tutorial: str) -> None:
    assert tutorial in site, f"{tutorial} is missing from the built site"
    page = site[tutorial]
    assert page.cell_outputs > 0, f"{tutorial} shows no cell output: did its code run?"
    assert page.images, f"{tutorial} has no image"


def test_notebook_page_shows_its_outputs(site: Site, notebook: str) -> None:
    assert notebook in site, f"{notebook} is missing from the built site"
    assert site[notebook].cell_outputs > 0, f"{notebook} shows no cell output"


def test_no_page_shows_an_error_or_a_traceback(site: Site) -> None:
    problems = []
    for page in site.values():
        text = "".join(page.output_text)
        if "Traceback (most recent call last)" in text:
            problems.append(f"{page.path}: a cell output shows a Python traceback")
        for kind in ("traceback", "error", "stderr"):
            if kind in page.output_classes:
                problems.append(f"{page.path}: a cell output of kind {kind!r}")
    assert not problems, "\n".join(problems)


def test_every_local_link_image_and_anchor_resolves(site: Site, site_root: Path) -> None:
    problems = []
    for page in site.values():
        for tag, attribute, url in page.links:
            problem = _check_link(site, site_root, page.path, url)
            if problem:
                problems.append(f'{page.path}: <{tag} {attribute}="{url}">: {problem}')
    assert not problems, f"{len(problems)} broken local links:\n" + "\n".join(problems)


def test_every_image_has_alt_text(site: Site) -> None:
    missing = [
        f"{page.path}: {image.get('src')}"
        for page in site.values()
        for image in page.images
        if not image.get("alt", "").strip()
    ]
    assert not missing, "images without alt text:\n" + "\n".join(missing)


def _check_link(site: Site, root: Path, page: str, url: str) -> str | None:
    """Why ``url``, found on ``page``, does not resolve; None if it does (or is external)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.strip():
        return None  # another site, mailto:, data:, javascript:
    path = unquote(parts.path)
    if path:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if target.startswith("../"):
            return "points outside the site"
        if (root / target).is_dir():
            target = posixpath.join(target, "index.html")
        if not (root / target).is_file():
            return f"{target} does not exist"
    else:
        target = page
    fragment = unquote(parts.fragment)
    if fragment and target.endswith(".html") and fragment not in site[target].ids:
        return f"{target} has no element with id {fragment!r}"
    return None
