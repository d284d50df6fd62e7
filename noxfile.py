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
