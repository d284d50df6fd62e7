"""The built site, read as files: every page ran, every local link resolves, no errors shown.

Run ``nox -s docs`` first: these tests read ``docs/_build/html`` and do not build it.
"""

from __future__ import annotations

import ast
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

Site = dict[str, Any]  # path of each page in the built site -> its parsed contents

ROOT = Path(__file__).resolve().parents[2]


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


def test_notebook_page_links_to_its_notebook_and_source(
    site: Site, site_root: Path, notebook: str
) -> None:
    """Beside each executed page lie ``<page>.ipynb`` and ``<page>.md``, linked from the page
    (docs/_ext/downloads.py; test_browser.py downloads them, test_notebooks.py runs them)."""
    name = Path(notebook).stem
    linked = {url for tag, _, url in site[notebook].links if tag == "a"}
    for suffix in (".ipynb", ".md"):
        assert f"{name}{suffix}" in linked, f"{notebook} has no link to {name}{suffix}"
        assert (site_root / Path(notebook).with_suffix(suffix)).is_file()


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


def test_the_tutorials_are_numbered_in_order_and_listed_in_that_order(
    site: Site, tutorials: list[str]
) -> None:
    """Tutorials are files ``NN-name.md`` numbered 1, 2, 3... with no gap or repeat, and the
    tutorials page (and its toctree, which makes the sidebar and the next/previous links)
    lists them in that order."""
    numbers = [int(path.removeprefix("tutorials/").split("-", 1)[0]) for path in tutorials]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    index = site["tutorials/index.html"]
    names = [tutorial.removeprefix("tutorials/") for tutorial in tutorials]
    linked = [urlsplit(url).path for tag, _, url in index.links if tag == "a"]
    first_links = [name for name in dict.fromkeys(linked) if name in names]
    assert first_links == names, first_links


# -- the API reference lists every public name ---------------------------------------------------

PACKAGES = ROOT / "packages"


def _public_names() -> list[tuple[str, str]]:
    """``(module, name)`` for each name in the ``__all__`` of each package and of each public
    module (one whose path has no part starting with ``_``), read from the source without
    importing it (this session does not install the packages)."""
    found = []
    for source in sorted(PACKAGES.glob("*/src/*/**/*.py")):
        parts = source.relative_to(PACKAGES).with_suffix("").parts[2:]  # <package>/src/...
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(part.startswith("_") for part in parts):
            continue
        for node in ast.parse(source.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
            ):
                found += [(".".join(parts), name) for name in ast.literal_eval(node.value)]
    return found


def test_the_api_reference_documents_every_public_name(site: Site) -> None:
    """Every name in an ``__all__`` has an entry on its package's API page (``api/nn.html``):
    ``module.name`` itself, or, for a name the package re-exports, the same name in another of
    its modules (``nn.cross_entropy`` is documented as ``nn.functional.cross_entropy``)."""
    missing = []
    for module, name in _public_names():
        package = module.split(".", 1)[0]
        page = f"api/{package}.html"
        assert page in site, f"{page} is missing from the built site"
        ids = site[page].ids
        documented = (
            f"{module}.{name}" in ids
            or f"module-{module}.{name}" in ids  # a submodule, such as nn.optim
            or any(a.startswith(f"{package}.") and a.endswith(f".{name}") for a in ids)
        )
        if not documented:
            missing.append(f"{module}.{name} (on {page})")
    assert not missing, "public names without an entry in the API reference:\n" + "\n".join(missing)
