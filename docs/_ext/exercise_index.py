"""The ``exercise-index`` directive: a list of every exercise on the site, page by page.

sphinx-exercise numbers the exercises and links to them, but lists none. This directive
lists every exercise (``{exercise}`` or ``{exercise-start}``, unless ``:hidden:``) under the
page that holds it, pages in the order of the site's navigation, each exercise with its
number and title and a link to it. The list is made from what the build read, so a new
exercise appears in it without anyone editing the page that holds the directive.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective
from sphinx_exercise.nodes import exercise_subtitle


class ExerciseIndexPlaceholder(nodes.General, nodes.Element):
    """Where the list goes; replaced once every page has been read."""


class ExerciseIndex(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        _index_pages(self.env).add(self.env.docname)
        return [ExerciseIndexPlaceholder()]


def _index_pages(env: BuildEnvironment) -> set[str]:
    """The pages that hold the directive (kept in the environment across builds)."""
    if not hasattr(env, "exercise_index_pages"):
        env.exercise_index_pages = set()
    return env.exercise_index_pages


def _pages_in_order(env: BuildEnvironment, docname: str) -> Iterator[str]:
    """``docname`` and the pages under it in the navigation, depth first."""
    yield docname
    for child in env.toctree_includes.get(docname, []):
        yield from _pages_in_order(env, child)


def _exercises_by_page(env: BuildEnvironment) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Each page's exercises, as (label, registry entry), in the order they appear on it."""
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    registry = getattr(env, "sphinx_exercise_registry", {})
    for label, entry in registry.items():
        if entry["type"] in ("exercise", "exercise-start") and not entry["node"]["hidden"]:
            found.setdefault(entry["docname"], []).append((label, entry))
    for exercises in found.values():
        exercises.sort(key=lambda item: item[1]["node"]["serial_number"])
    return found


def _exercise_name(env: BuildEnvironment, label: str, entry: dict[str, Any]) -> list[nodes.Node]:
    """ "Exercise 2: Write the backward of tanh", with the title's markup (math) kept."""
    number = env.toc_fignumbers.get(entry["docname"], {}).get("exercise", {}).get(label)
    name = "Exercise" if number is None else "Exercise " + ".".join(map(str, number))
    subtitle = next(entry["node"].findall(exercise_subtitle), None)
    if subtitle is None:
        return [nodes.Text(name)]
    return [nodes.Text(name + ": "), *(child.deepcopy() for child in subtitle.children)]


def fill_exercise_index(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    env = app.env
    by_page = _exercises_by_page(env)
    order = list(dict.fromkeys(_pages_in_order(env, app.config.root_doc)))
    # Pages outside the navigation come last, in the order of their names.
    pages = [page for page in order if page in by_page] + sorted(set(by_page) - set(order))
    for placeholder in list(doctree.findall(ExerciseIndexPlaceholder)):
        listing = nodes.bullet_list()
        for page in pages:
            page_link = nodes.reference(
                "", "", internal=True, refuri=app.builder.get_relative_uri(docname, page)
            )
            page_link += env.titles[page].deepcopy().children
            exercises = nodes.bullet_list()
            for label, entry in by_page[page]:
                link = nodes.reference(
                    "",
                    "",
                    *_exercise_name(env, label, entry),
                    internal=True,
                    refuri=app.builder.get_relative_uri(docname, page) + "#" + label,
                )
                exercises += nodes.list_item("", nodes.paragraph("", "", link))
            listing += nodes.list_item("", nodes.paragraph("", "", page_link), exercises)
        placeholder.replace_self(listing if pages else nodes.paragraph("", "No exercises yet."))


def number_exercises_per_page(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Number each page's exercises from 1.

    Without section numbers, Sphinx numbers figures, and with them exercises, across the
    whole site: the first exercise of the second tutorial would be "Exercise 4". This runs
    after Sphinx has numbered them, and before any page is written; the pages whose numbers
    it changed are written again (Sphinx only rewrites those whose own numbering changed).
    """
    renumbered = []
    for docname, numbers in env.toc_fignumbers.items():
        exercises = numbers.get("exercise", {})
        in_order = sorted(exercises, key=exercises.__getitem__)
        if any(exercises[label] != (k,) for k, label in enumerate(in_order, start=1)):
            exercises.update({label: (k,) for k, label in enumerate(in_order, start=1)})
            renumbered.append(docname)
    return renumbered


def reread_index_pages(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Remake the list whenever a page was added, changed or removed."""
    return sorted(_index_pages(env)) if added or changed or removed else []


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _index_pages(env).discard(docname)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _index_pages(env).update(_index_pages(other))


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx_exercise")
    app.add_node(ExerciseIndexPlaceholder)
    app.add_directive("exercise-index", ExerciseIndex)
    app.connect("doctree-resolved", fill_exercise_index)
    app.connect("env-get-outdated", reread_index_pages)
    # After Sphinx's own numbering, which is connected at the default priority (500).
    app.connect("env-get-updated", number_exercises_per_page, priority=900)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
