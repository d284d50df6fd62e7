"""Every executed page can be taken home: as a Jupyter notebook and as its Markdown source.

For each page written as a MyST Markdown notebook (a ``.md`` file whose header names a
``kernelspec``), the build puts two files beside the page's HTML, ``<page>.ipynb`` and
``<page>.md``, and a line under the page's title links to both.

The notebook is made from the source with MyST-NB's own reader and the site's Markdown
settings, as the build makes the notebook it executes, so it has the same cells (the hidden
checks included: they are short, and they tell a reader who changes the code when a claim of
the page stops holding). It has no outputs: a reader runs it. ``tests/docs`` downloads both
files from the page and runs each notebook from top to bottom.
"""

from __future__ import annotations

import html
from pathlib import Path

import nbformat
from docutils import nodes
from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook
from sphinx.application import Sphinx

HOW_TO_RUN = "tutorials/index", "run-them-on-your-own-machine"
"""The page and the section that tell how to run a downloaded notebook."""


def _source(app: Sphinx, docname: str) -> Path | None:
    """The Markdown source of ``docname`` if that page is a notebook, else None."""
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".md" or not is_myst_markdown_notebook(path.read_text(encoding="utf-8")):
        return None
    return path


def add_download_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put the links to the page's notebook and source under its title."""
    if app.builder.format != "html" or _source(app, docname) is None:
        return
    section = doctree.next_node(nodes.section)
    if section is None:
        return
    name = html.escape(Path(docname).name)
    page, anchor = HOW_TO_RUN
    how = html.escape(f"{app.builder.get_relative_uri(docname, page)}#{anchor}")
    links = (
        '<p class="page-downloads">Run this page yourself: download it as a '
        f'<a href="{name}.ipynb" download>Jupyter notebook (.ipynb)</a> or as the '
        f'<a href="{name}.md" download>Markdown file it is written in (.md)</a>; '
        f'<a href="{how}">here is how</a>.</p>'
    )
    section.insert(1, nodes.raw("", links, format="html"))  # after the title


def write_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Write ``<page>.ipynb`` and ``<page>.md`` beside each notebook page's HTML."""
    if exception is not None or app.builder.format != "html":
        return
    for docname in sorted(app.env.found_docs):
        source = _source(app, docname)
        if source is None:
            continue
        text = source.read_text(encoding="utf-8")
        notebook = read_myst_markdown_notebook(text, config=app.env.myst_config, path=source)
        # jupytext's header says how the .md is laid out: the .ipynb is no longer that file.
        notebook.metadata.pop("jupytext", None)
        nbformat.validate(notebook)
        target = Path(app.outdir, docname)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.with_suffix(".md").write_text(text, encoding="utf-8")
        nbformat.write(notebook, target.with_suffix(".ipynb"))


def setup(app: Sphinx) -> dict[str, bool]:
    app.connect("doctree-resolved", add_download_links)
    app.connect("build-finished", write_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
