"""Developer tasks for the AutoGrads monorepo: ``nox -s tests docs`` and friends.

Every session installs the packages from their folders (``packages/<name>``), as a user
would, plus pinned tools from ``requirements/``. Sessions use uv to create their
virtualenvs when it is installed (much faster), and virtualenv otherwise.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "tests", "docs"]
nox.options.error_on_missing_interpreters = True

PACKAGES = ["./packages/scalargrad", "./packages/tensorgrad", "./packages/nn"]
IMPORT_NAMES = ["scalargrad", "tensorgrad", "nn"]
SOURCES = ["packages", "tests", "benchmarks", "docs", "noxfile.py"]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite and the doctests of every package."""
    session.install(*PACKAGES, "-r", "requirements/tests.txt")
    session.run(
        "pytest",
        "--doctest-modules",
        "--pyargs",
        *IMPORT_NAMES,
        "tests",
        "--ignore=tests/docs",  # checks of the built site: the docs_check session runs them
        *session.posargs,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Check style with ruff (lint rules and formatting)."""
    session.install("-r", "requirements/lint.txt")
    session.run("ruff", "check", *SOURCES)
    session.run("ruff", "format", "--check", *SOURCES)


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the packages with mypy --strict."""
    session.install("-r", "requirements/typecheck.txt")
    session.run(
        "mypy",
        "--strict",
        "packages/scalargrad/src",
        "packages/tensorgrad/src",
        "packages/nn/src",
    )


@nox.session
def build(session: nox.Session) -> None:
    """Build the sdist and wheel of each package and check them with twine."""
    session.install("-r", "requirements/build.txt")
    for package in PACKAGES:
        outdir = f"dist/{package.rsplit('/', 1)[-1]}"
        session.run("python", "-m", "build", "--installer", "uv", "--outdir", outdir, package)
        session.run("twine", "check", "--strict", f"{outdir}/*")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation into docs/_build/html, failing on any warning.

    The notebook pages run during the build; their results are cached under
    docs/_build/.jupyter_cache, so a rebuild only re-runs the pages whose code changed.
    Drawing graphs needs Graphviz's ``dot`` program (``apt-get install graphviz``).
    """
    import shutil

    if shutil.which("dot") is None:
        session.error("the docs need Graphviz's `dot` program: apt-get install graphviz")
    session.install(*PACKAGES, "-r", "requirements/docs.txt")
    session.run(
        "sphinx-build",
        "-W",
        "--keep-going",
        "-n",
        "-b",
        "html",
        "docs",
        "docs/_build/html",
        *session.posargs,
    )


BENCHMARKS = ["scalar_vs_micrograd"]
"""The scripts under ``benchmarks/`` that ``nox -s bench`` runs: one per comparison."""


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Time the engines against their peers (not a default session: slow, machine-dependent).

    Each script prints a markdown table and saves it under ``benchmarks/results/``.
    ``nox -s bench -- scalar_vs_micrograd`` runs only the named scripts.
    """
    session.install(*PACKAGES, "-r", "requirements/bench.txt")
    for name in session.posargs or BENCHMARKS:
        session.run("python", f"benchmarks/{name.removesuffix('.py')}.py")


@nox.session(default=False)
def docs_check(session: nox.Session) -> None:
    """Check the built site as files and in a browser (run ``nox -s docs`` first).

    Reads ``docs/_build/html`` without rebuilding it: every tutorial ran and shows its
    outputs and pictures, every local link, image and anchor resolves, no page shows a
    traceback; then headless Chromium (Debian's ``/usr/bin/chromium``, or ``$CHROMIUM``;
    ``apt-get install chromium``) loads every page, the executed ones in the light and the
    dark color scheme, and saves screenshots to ``docs/_build/screenshots/``.
    """
    # tests/conftest.py imports hypothesis, so take the test suite's pinned tools as they are.
    session.install("-r", "requirements/tests.txt")
    session.run("pytest", "tests/docs", *session.posargs)
