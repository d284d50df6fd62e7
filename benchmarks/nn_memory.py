"""Memory of 1000 training steps: nn against numpy by hand (and raw tensorgrad).

Run with ``nox -s bench`` (or ``python benchmarks/nn_memory.py`` where tensorgrad and nn are
installed). Prints a markdown table and saves it to ``benchmarks/results/nn_memory.md``.

Each contender builds its weights and runs 1000 steps of the small MLP of
``tensor_mlp_step.py`` (load_digits, B=256, 64-128-10, float64) under ``tracemalloc``, which
numpy reports its array buffers to. Two questions:

* **peak**: the most memory alive at once, weights and data included; goal: nn's at most
  1.2x numpy-by-hand's;
* **growth**: memory alive after step 1000 minus after step 100; goal: none (a graph or an
  optimizer state that leaks would show here, and so did a slow leak inside numpy when a
  backward formula reshaped a numpy scalar, fixed in tensorgrad's walk); the table also
  shows the growth from step 1000 to step 3000, to catch a leak that starts late.

The data set is loaded and the libraries imported before tracing starts (both contenders
read the same arrays); the weights are made inside it, and a ``gc.collect()`` precedes each
reading so that only memory that is really alive counts.
"""

from __future__ import annotations

import array
import gc
import itertools
import sys
import tracemalloc
from collections.abc import Callable

import numpy as np
from _timing import FAIL, OK, environment, format_bytes, markdown_table, save_results
from tensor_mlp_step import (
    SIZES,
    Array,
    Step,
    batch,
    initial_weights,
    make_nn_sgd,
    make_numpy,
    make_tensorgrad,
)

import nn  # noqa: F401  (imported here so that its import is not traced)

Params = list[tuple[Array, Array]]

STEPS = 1000
GROWTH_FROM = 100
LONG_RUN = 3000
PEAK_GOAL = 1.2

CONTENDERS = {
    "numpy by hand": make_numpy,
    "nn + SGD": make_nn_sgd,
    "tensorgrad (raw)": make_tensorgrad,  # for comparison: the goal is nn's
}


def measure(make: Callable[[Params, Array, Array], Step]) -> tuple[int, int, int]:
    """Peak bytes over the first 1000 steps, growth from step 100 to 1000, and 1000 to 3000."""
    size = next(s for s in SIZES if s.name == "small")
    x, y = batch(size, np.float64)
    params = initial_weights(size, np.float64)
    gc.collect()
    # Nothing the measuring loop keeps may count as growth: the readings go into a C array,
    # and the loop counts with itertools.repeat (a step number above 256 is an int object).
    alive = array.array("q", [0, 0, 0])  # after GROWTH_FROM, STEPS and LONG_RUN steps
    peak = array.array("q", [0])
    tracemalloc.start()
    try:
        step = make(params, x, y)
        for k, steps in enumerate((GROWTH_FROM, STEPS - GROWTH_FROM, LONG_RUN - STEPS)):
            for _ in itertools.repeat(None, steps):
                step()
            if k == 1:
                peak[0] = tracemalloc.get_traced_memory()[1]
            gc.collect()
            alive[k] = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return peak[0], alive[1] - alive[0], alive[2] - alive[1]


def main() -> None:
    results = {name: measure(make) for name, make in CONTENDERS.items()}
    floor = results["numpy by hand"][0]
    rows = []
    for name, (peak, growth, later) in results.items():
        ratio = peak / floor
        judged = name.startswith("nn")
        engine = name != "numpy by hand"
        rows.append(
            [
                name,
                format_bytes(peak),
                f"{ratio:.3f}",
                (f"≤ {PEAK_GOAL:.2f}" if judged else ""),
                ((OK if ratio <= PEAK_GOAL else FAIL) if judged else ""),
                format_bytes(growth),
                (OK if growth <= 0 else FAIL) if engine else "",
                format_bytes(later),
            ]
        )
    header = ["contender", "peak", "÷ numpy", "goal", "met", "growth 100→1000", "none"]
    header.append(f"growth {STEPS}→{LONG_RUN}")
    text = "\n".join(
        [
            f"## Memory of {STEPS} training steps (small MLP, float64)",
            "",
            *environment(["autograds-tensorgrad", "autograds-nn", "numpy"]),
            "",
            markdown_table(header, rows, align="lrrccrcr"),
            "",
            "Measured with tracemalloc (numpy reports its buffers to it), weights and data "
            f"included; growth is the memory alive after step {STEPS} minus after step "
            f"{GROWTH_FROM} (≤ 0 means no growth).",
        ]
    )
    print(text)
    print(f"\n(saved to {save_results('nn_memory', text)})")


if __name__ == "__main__":
    sys.exit(main())
