"""tensorgrad of this checkout against tensorgrad of an earlier commit: one MLP training step.

Run with ``nox -s bench -- tensor_vs_base`` (or ``python benchmarks/tensor_vs_base.py`` where
tensorgrad is installed). Prints a markdown table and saves it to
``benchmarks/results/tensor_vs_base.md``.

The question is whether a change on the hot path made the raw tensorgrad step of
``tensor_mlp_step.py`` slower than the commit before it. Two runs of that script, one per
commit, differ by more than such a change costs (the machine is not the same from one minute
to the next), so both versions run in one process, in turn:

* the **base** is the git revision in ``$BENCH_BASE`` (default ``HEAD~1``): its
  ``packages/tensorgrad/src/tensorgrad/`` is extracted with ``git archive`` into a temporary
  directory as a package named ``tensorgrad_base`` (every ``tensorgrad`` in its ``.py`` files
  that names the package becomes ``tensorgrad_base``) and imported from there;
* **this** is the tensorgrad that ``import tensorgrad`` finds: under ``nox -s bench``, the
  copy installed from the working tree when the session started. The output says whether it
  matches the working tree's sources, and whether it is the same source as the base.

Both run the step of ``tensor_mlp_step.tensorgrad_parts`` (public API only: ``Value``,
``log_softmax``, ``.backward()``, ``.zero_grad()``, ``.data``, ``.grad``) at its three sizes,
in float64 and float32, from the same weights on the same batch. Their first losses must
agree; then the ratio of their times must stay within 2%.
"""

from __future__ import annotations

import functools
import importlib
import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from _timing import (
    format_ratio,
    format_seconds,
    goal,
    interleaved,
    markdown_table,
    report,
)
from tensor_mlp_step import (
    SIZES,
    STEPS_CHECKED,
    Size,
    batch,
    initial_weights,
    make_tensorgrad,
)

import tensorgrad

GOAL = 1.02  # this checkout's step time over the base commit's (min of the repeats)
BASE_NAME = "tensorgrad_base"
PACKAGE_DIR = "packages/tensorgrad/src/tensorgrad"  # in the repository
REPEAT_FACTOR = {"tiny": 5, "small": 5, "large": 3}  # more repeats: a 2% goal is near the noise
# The package's name as a whole word: not part of a longer identifier (``tensorgrad_base``,
# ``_tensorgrad``) nor an attribute of something else (``obj.tensorgrad``).
PACKAGE_WORD = re.compile(r"(?<![\w.])tensorgrad(?!\w)")


# -- the base commit -----------------------------------------------------------------------


def run_git(folder: Path, *args: str) -> bytes:
    """The output of ``git -C folder *args``; the script stops with git's message if it fails."""
    result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=False)
    if result.returncode != 0:
        command = " ".join(["git", *args])
        sys.exit(f"tensor_vs_base: `{command}` failed: {result.stderr.decode().strip()}")
    return result.stdout


@functools.cache
def repository_root() -> Path:
    """The root of the git repository this script lives in."""
    here = Path(__file__).resolve().parent
    return Path(run_git(here, "rev-parse", "--show-toplevel").decode().strip())


def git(*args: str) -> bytes:
    """The output of a git command run at the root of this script's repository."""
    return run_git(repository_root(), *args)


def describe(commit: str) -> str:
    """``'<short hash> <subject>'`` of a commit."""
    return git("log", "-1", "--format=%h %s", commit).decode().strip()


def rename_tensorgrad(text: str) -> str:
    """A source of the base commit, with every name of the package tensorgrad renamed."""
    return PACKAGE_WORD.sub(BASE_NAME, text)


def extract_base(
    commit: str,
    into: Path,
    package_dir: str = PACKAGE_DIR,
    name: str = BASE_NAME,
    rename: Callable[[str], str] = rename_tensorgrad,
) -> dict[str, bytes]:
    """Write the commit's tensorgrad (or another package) into ``into/<name>``, its
    ``.py`` files passed through ``rename``.

    Returns the original sources of its ``.py`` files by relative path, for comparison.
    """
    # `<commit>:<path>` is the tree at that path (from the repository's root), archived
    # with names relative to it.
    archive = git("archive", "--format=tar", f"{commit}:{package_dir}")
    sources = {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            relative = Path(member.name)
            content = tar.extractfile(member).read()  # type: ignore[union-attr]
            if relative.suffix == ".py":
                sources[relative.as_posix()] = content
                content = rename(content.decode("utf-8")).encode("utf-8")
            target = into / name / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    if "__init__.py" not in sources:
        sys.exit(f"tensor_vs_base: {commit} has no {package_dir}/__init__.py")
    return sources


def import_base(folder: Path, name: str = BASE_NAME) -> ModuleType:
    """Import ``tensorgrad_base`` (or ``name``) from ``folder`` (put first on ``sys.path``)."""
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    module = importlib.import_module(name)
    if Path(module.__file__ or "").resolve().parent != (folder / name).resolve():
        sys.exit(f"tensor_vs_base: {name} was imported from {module.__file__}")
    return module


def python_sources(package: Path) -> dict[str, bytes]:
    """The ``.py`` files under a package folder, by relative path."""
    return {
        path.relative_to(package).as_posix(): path.read_bytes()
        for path in package.rglob("*.py")
        if "__pycache__" not in path.parts
    }


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    """The files that one set of sources has and the other lacks or has otherwise."""
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


# -- measuring -------------------------------------------------------------------------------


def check_same_losses(base: ModuleType, size: Size, dtype: type) -> None:
    """Both versions' first losses must agree: they do the same work."""
    x, y = batch(size, dtype)
    params = initial_weights(size, dtype)
    tolerance = 1e-10 if dtype is np.float64 else 1e-4
    losses = {}
    for name, module in (("base", base), ("this", tensorgrad)):
        step = make_tensorgrad(params, x, y, module)
        losses[name] = [step() for _ in range(STEPS_CHECKED)]
    if not np.allclose(losses["this"], losses["base"], rtol=tolerance, atol=0.0):
        raise AssertionError(
            f"{size.name} {np.dtype(dtype).name}: this checkout's losses {losses['this']} "
            f"differ from the base commit's {losses['base']}"
        )


def bench_size(base: ModuleType, size: Size, dtype: type) -> list[str]:
    check_same_losses(base, size, dtype)
    x, y = batch(size, dtype)
    params = initial_weights(size, dtype)
    steps = {
        "base": make_tensorgrad(params, x, y, base),
        "this": make_tensorgrad(params, x, y, tensorgrad),
    }
    return [size.name, np.dtype(dtype).name, *time_against_base(steps, size)]


RATIO_COLUMNS = [
    "base min",
    "this min",
    "this ÷ base (min)",
    "this ÷ base (median)",
    "goal",
    "met",
]
"""The columns of :func:`time_against_base`, after a table's own."""


def time_against_base(steps: dict[str, Any], size: Size) -> list[str]:
    """Time ``steps["base"]`` and ``steps["this"]`` interleaved: the cells of RATIO_COLUMNS."""
    # The steps leave no cyclic garbage: no collection before each call (see _timing.py).
    timings = interleaved(steps, repeats_of(size), warmup=3, collect=False)
    by_min = timings["this"].min / timings["base"].min
    by_median = timings["this"].median / timings["base"].median
    return [
        format_seconds(timings["base"].min),
        format_seconds(timings["this"].min),
        format_ratio(by_min),
        format_ratio(by_median),
        *goal(by_min, GOAL),
    ]


def repeats_of(size: Size) -> int:
    """How many interleaved repeats a size gets (more than tensor_mlp_step's: a 2% goal)."""
    return size.repeats * REPEAT_FACTOR.get(size.name, 1)


def repeats_note() -> str:
    """``"1500 tiny, 1000 small, 60 large"``: the N of the notes."""
    return ", ".join(f"{repeats_of(size)} {size.name}" for size in SIZES)


def main() -> None:
    revision = os.environ.get("BENCH_BASE", "HEAD~1")
    commit = git("rev-parse", "--verify", f"{revision}^{{commit}}").decode().strip()
    this_package = Path(tensorgrad.__file__ or "").resolve().parent
    checkout = repository_root() / PACKAGE_DIR
    with tempfile.TemporaryDirectory(prefix="tensor_vs_base-") as folder:
        base_sources = extract_base(commit, Path(folder))
        base = import_base(Path(folder))
        print(f"base ({revision}): {describe(commit)}", flush=True)
        rows = [
            bench_size(base, size, dtype) for size in SIZES for dtype in (np.float64, np.float32)
        ]

    this_sources = python_sources(this_package)
    stale = differing(this_sources, python_sources(checkout))
    if stale:
        this_state = (
            f"it differs from the working tree's {PACKAGE_DIR} in {', '.join(stale)} "
            "(reinstall it to time the working tree)"
        )
    else:
        this_state = f"it matches the working tree's {PACKAGE_DIR}"
    if not differing(this_sources, base_sources):
        this_state += "; it is the same source as the base, so the ratios show noise only"
    table = markdown_table(["size", "dtype", *RATIO_COLUMNS], rows, align="llrrrrcc")
    met = [row[-1] for row in rows]
    repeats = repeats_note()
    notes = [
        "Method: the raw tensorgrad step of tensor_mlp_step.py (h = h @ W + b with ReLU "
        "between layers, loss -log_softmax(h)[i, y_i].mean(), zero_grad, backward, SGD on "
        "p.data), the same for both versions, from the same weights on the same batch. Min "
        f"(and median) of N interleaved repeats (base, this, base, ...) after 3 untimed "
        f"warm-up steps (N = {repeats}); the cyclic garbage collector is paused while timing. "
        "One thread.",
        "this ÷ base: this checkout's time over the base commit's (below 1: faster). The goal "
        f"is on the min ratio: a change on the hot path may cost at most {GOAL - 1:.0%}.",
        f"Base: BENCH_BASE (default HEAD~1), its {PACKAGE_DIR} extracted with git archive "
        f"into a temporary directory as {BASE_NAME}, every import of tensorgrad in it "
        f"renamed. Both versions' first {STEPS_CHECKED} losses are checked to agree (rtol "
        "1e-10 in float64, 1e-4 in float32).",
        "This: the tensorgrad that `import tensorgrad` finds; under nox -s bench, the copy "
        "installed from the working tree when the session started.",
    ]
    context = [
        f"- Base: {describe(commit)} (BENCH_BASE={revision})",
        f"- This: HEAD is {describe('HEAD')}; tensorgrad imported from {this_package}; "
        f"{this_state}",
    ]
    title = "One MLP training step: tensorgrad of this checkout against an earlier commit"
    report("tensor_vs_base", title, ["autograds-tensorgrad", "numpy"], table, met, notes, context)


if __name__ == "__main__":
    sys.exit(main())
