"""Developer tasks for the AutoGrads monorepo: ``nox -s tests docs`` and friends.

Every session installs the packages from their folders (``packages/<name>``), as a user
would, plus pinned tools from ``requirements/``. Sessions use uv to create their
virtualenvs when it is installed (much faster), and virtualenv otherwise.
"""

from __future__ import annotations

import os
import shutil

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
        "--ignore=tests/crosscheck",  # needs torch: the crosscheck session runs them
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
    # build makes a fresh environment for each package's build backend: with uv when it is
    # installed, with pip otherwise.
    installer = ["--installer", "uv"] if shutil.which("uv") else []
    for package in PACKAGES:
        outdir = f"dist/{package.rsplit('/', 1)[-1]}"
        session.run("python", "-m", "build", *installer, "--outdir", outdir, package)
        session.run("twine", "check", "--strict", f"{outdir}/*")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation into docs/_build/html, failing on any warning.

    The notebook pages run during the build; their results are cached under
    docs/_build/.jupyter_cache, so a rebuild only re-runs the pages whose code changed.
    Drawing graphs needs Graphviz's ``dot`` program (``apt-get install graphviz``).
    PyTorch's CPU build is installed too (see ``_install_torch``): tutorial 07 times it.
    """
    if shutil.which("dot") is None:
        session.error("the docs need Graphviz's `dot` program: apt-get install graphviz")
    session.install(*PACKAGES, "-r", "requirements/docs.txt")
    _install_torch(session)
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


BENCHMARKS = [
    "scalar_vs_micrograd",
    "tensor_mlp_step",
    "tensor_step_profile",
    "nn_memory",
    "tensor_vs_base",
    "nn_vs_base",
    "cnn_step",
    "sequence_step",
]
"""The scripts under ``benchmarks/`` that ``nox -s bench`` runs: one per comparison."""


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Time the engines against their peers (not a default session: slow, machine-dependent).

    Each script prints a markdown table and saves it under ``benchmarks/results/``.
    ``nox -s bench -- scalar_vs_micrograd`` runs only the named scripts. Every library
    runs on one thread, so that the tables compare engines rather than how each one
    splits small matrix products between cores. ``tensor_vs_base`` times this checkout's
    tensorgrad against the commit named by ``$BENCH_BASE`` (a git revision, default ``HEAD~1``).
    """
    session.install(*PACKAGES, "-r", "requirements/bench.txt")
    _install_torch(session)
    threads = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")
    for name in session.posargs or BENCHMARKS:
        session.run("python", f"benchmarks/{name.removesuffix('.py')}.py", env=threads)


@nox.session(default=False)
def docs_check(session: nox.Session) -> None:
    """Check the built site as files and in a browser (run ``nox -s docs`` first).

    Reads ``docs/_build/html`` without rebuilding it: every tutorial ran and shows its
    outputs and pictures, every local link, image and anchor resolves, no page shows a
    traceback, and the notebook that each executed page offers for download runs from top
    to bottom in an empty folder. Then Playwright drives headless Chromium (Debian's
    ``/usr/bin/chromium``, or ``$CHROMIUM``; ``apt-get install chromium``): it loads every
    page, the executed ones in the light and the dark color scheme, and at a phone's width,
    opens the hints and solutions of the exercises, downloads each page's notebook and
    source, and saves screenshots to ``docs/_build/screenshots/``.
    """
    # tests/conftest.py imports hypothesis, so take the test suite's pinned tools as they are.
    session.install(*PACKAGES, "-r", "requirements/tests.txt", "-r", "requirements/docs-check.txt")
    session.run("pytest", "tests/docs", *session.posargs)


TORCH = "torch==2.13.0"
"""The PyTorch that ``crosscheck``, ``bench`` and the docs compare against: the CPU build."""

TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def _install_torch(session: nox.Session) -> None:
    """Install :data:`TORCH`, the CPU build, into the session's virtualenv.

    A plain ``torch==2.13.0`` from PyPI is the CUDA build on Linux (several GB of
    ``nvidia-*`` wheels), so:

    * when ``$PIP_FIND_LINKS`` is set (these machines keep the CPU wheel in /opt/wheels),
      install from there: uv ignores pip's environment variables, so it is passed on as
      ``--find-links``;
    * otherwise add PyTorch's CPU index as an *extra* index. uv takes a package from the
      first index that has it and puts extra indexes first, so torch comes from the CPU
      index and anything missing there from PyPI; pip picks the highest version, which is
      ``2.13.0+cpu``. (The other way round, ``--index-url`` the CPU index with PyPI as the
      extra one, makes uv fetch the CUDA build from PyPI.)

    torch is installed on its own, after the session's other requirements, so that the
    extra index cannot change where those come from. Then the session fails unless the
    installed torch is a CPU build.
    """
    find_links = os.environ.get("PIP_FIND_LINKS", "").split()
    if find_links:
        sources = [f"--find-links={location}" for location in find_links]
    else:
        sources = ["--extra-index-url", TORCH_CPU_INDEX]
    session.install(*sources, TORCH)
    session.run(
        "python",
        "-c",
        "import torch; assert torch.version.cuda is None, 'a CUDA build of torch'; "
        "print('torch', torch.__version__)",
    )


@nox.session(default=False)
def crosscheck(session: nox.Session) -> None:
    """Compare tensorgrad's values and gradients with PyTorch's, op by op (not a default session).

    Installs ``torch==2.13.0`` (CPU; see ``_install_torch``) and runs ``tests/crosscheck``:
    hypothesis-generated inputs, float64 with tight tolerances, and float32.
    ``nox -s crosscheck -- -k matmul`` passes options on to pytest.
    """
    session.install(*PACKAGES, "-r", "requirements/crosscheck.txt")
    _install_torch(session)
    session.run("pytest", "tests/crosscheck", *session.posargs)
