"""nn of this checkout against nn of an earlier commit: the MLP training step a user writes.

Run with ``nox -s bench -- nn_vs_base`` (or ``python benchmarks/nn_vs_base.py`` where the
packages are installed). Prints a markdown table and saves it to
``benchmarks/results/nn_vs_base.md``.

tensor_vs_base.py times the raw tensorgrad step; this times the step of
``tensor_mlp_step.make_nn``: ``nn.MLP``, ``nn.cross_entropy``, ``zero_grad``, ``backward``,
and an SGD or Adam step, so that a change in nn (a loss's options, a module's attribute
handling, an optimizer's checks) is measured on the hot path too. As there, both versions run
in one process, in turn: the base commit's ``packages/tensorgrad`` and ``packages/nn`` are
extracted as ``tensorgrad_base`` and ``nn_base`` (their imports renamed), and this checkout's
are the ones ``import nn`` finds.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import numpy as np
from _timing import markdown_table, report
from tensor_mlp_step import SIZES, STEPS_CHECKED, Size, batch, initial_weights, make_nn
from tensor_vs_base import (
    GOAL,
    RATIO_COLUMNS,
    describe,
    extract_base,
    git,
    import_base,
    rename_tensorgrad,
    repeats_note,
    time_against_base,
)

import nn

NN_DIR = "packages/nn/src/nn"
NN_BASE = "nn_base"
# nn imports itself only as `from nn... import ...` (checked by the losses agreeing below).
NN_IMPORT = re.compile(r"^(\s*)from nn(?=[.\s])", re.MULTILINE)


def rename_nn(text: str) -> str:
    """A source of the base commit's nn, importing nn_base and tensorgrad_base."""
    return NN_IMPORT.sub(rf"\1from {NN_BASE}", rename_tensorgrad(text))


def check_same_losses(base: ModuleType, size: Size, dtype: type, adam: bool) -> None:
    """Both versions' first losses must agree: they do the same work."""
    x, y = batch(size, dtype)
    params = initial_weights(size, dtype)
    tolerance = 1e-10 if dtype is np.float64 else 1e-4
    losses = {
        name: [step() for _ in range(STEPS_CHECKED)]
        for name, step in (
            ("base", make_nn(params, x, y, adam, base)),
            ("this", make_nn(params, x, y, adam, nn)),
        )
    }
    if not np.allclose(losses["this"], losses["base"], rtol=tolerance, atol=0.0):
        raise AssertionError(
            f"{size.name} {np.dtype(dtype).name}: this checkout's losses {losses['this']} "
            f"differ from the base commit's {losses['base']}"
        )


def bench_size(base: ModuleType, size: Size, dtype: type, adam: bool) -> list[str]:
    check_same_losses(base, size, dtype, adam)
    x, y = batch(size, dtype)
    params = initial_weights(size, dtype)
    steps = {
        "base": make_nn(params, x, y, adam, base),
        "this": make_nn(params, x, y, adam, nn),
    }
    optimizer = "Adam" if adam else "SGD"
    return [size.name, np.dtype(dtype).name, optimizer, *time_against_base(steps, size)]


def main() -> None:
    revision = os.environ.get("BENCH_BASE", "HEAD~1")
    commit = git("rev-parse", "--verify", f"{revision}^{{commit}}").decode().strip()
    with tempfile.TemporaryDirectory(prefix="nn_vs_base-") as folder:
        extract_base(commit, Path(folder))
        extract_base(commit, Path(folder), NN_DIR, NN_BASE, rename_nn)
        import_base(Path(folder))
        base = import_base(Path(folder), NN_BASE)
        print(f"base ({revision}): {describe(commit)}", flush=True)
        rows = [
            bench_size(base, size, dtype, adam)
            for size in SIZES
            for dtype in (np.float64, np.float32)
            for adam in (False, True)
        ]
    header = ["size", "dtype", "optimizer", *RATIO_COLUMNS]
    table = markdown_table(header, rows, align="lllrrrrcc")
    met = [row[-1] for row in rows]
    repeats = repeats_note()
    notes = [
        "Method: the step of tensor_mlp_step.make_nn (nn.MLP, loss nn.cross_entropy, "
        "optimizer.zero_grad(), backward, optimizer.step() with SGD or Adam), the same for both "
        "versions, from the same weights on the same batch. Min (and median) of N interleaved "
        f"repeats after 3 untimed warm-up steps (N = {repeats}); the cyclic garbage collector "
        "is paused while timing. One thread.",
        f"this ÷ base: this checkout's time over the base commit's; the goal is on the min "
        f"ratio: a change on the hot path may cost at most {GOAL - 1:.0%}.",
        f"Base: BENCH_BASE (default HEAD~1), its packages/tensorgrad and {NN_DIR} extracted "
        f"with git archive as tensorgrad_base and {NN_BASE}, their imports renamed. Both "
        f"versions' first {STEPS_CHECKED} losses are checked to agree.",
    ]
    context = [
        f"- Base: {describe(commit)} (BENCH_BASE={revision})",
        f"- This: HEAD is {describe('HEAD')}; nn imported from {Path(nn.__file__ or '').parent}",
    ]
    title = "One nn training step: nn of this checkout against an earlier commit"
    packages = ["autograds-tensorgrad", "autograds-nn", "numpy"]
    report("nn_vs_base", title, packages, table, met, notes, context)


if __name__ == "__main__":
    sys.exit(main())
