"""Where the time of tensorgrad's training step goes, next to numpy by hand's.

Run with ``nox -s bench`` (or ``python benchmarks/tensor_step_profile.py``). Prints a
markdown table and saves it to ``benchmarks/results/tensor_step_profile.md``.

``tensor_mlp_step.py`` shows the raw tensorgrad step within a few percent of numpy by hand
at the large size, further off at the tiny and small ones, where each numpy call works on
few numbers and the engine's own Python costs show. This script splits that step (float64)
into its parts:

* **forward**: building the graph (per layer ``x @ W``, ``+ b``, ``relu``; then
  ``log_softmax``, the index that picks each target's log-probability, ``mean``, ``-``);
* **backward**, the whole ``loss.backward()``, and within it
  * **the walk**: the same call with every backward formula replaced by one that returns
    the gradient it is given (no node of this graph has two users, so nothing is added up
    and the shapes never meet): counting users, ordering, handing gradients on, storing
    ``.grad``, freeing the graph;
  * **the formulas**: each node's backward formula timed alone, grouped by operation;
* **zero_grad and update**: the SGD step on ``.data``.

Every number is a minimum over interleaved repeats with the collector paused (see
``_timing.py``). To time the formulas one by one, the script replaces each node's backward
formula (``Node.backward``, reached through ``loss.grad_fn`` and ``Node.prev``) with a
wrapper after the forward pass: a diagnostic, not a way to write ops.
"""

from __future__ import annotations

import collections
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from _timing import environment, format_ratio, interleaved, markdown_table, save_results
from tensor_mlp_step import SIZES, batch, initial_weights, numpy_parts, tensorgrad_parts

from tensorgrad import Value
from tensorgrad.node import Node

REPEATS = 1000
Formula = Callable[[Any, Any, tuple[Any, ...], int], Any]


def replace_formulas(loss: Value, replace: Callable[[Formula, str], Formula]) -> Value:
    """Give every node of ``loss``'s graph ``replace(formula, op)`` as its backward."""
    stack: list[Node | None] = [loss.grad_fn]
    seen: set[Node] = set()
    while stack:
        node = stack.pop()
        if node is None or node in seen or node.backward is None:
            continue
        seen.add(node)
        node.backward = replace(node.backward, node.op)
        stack.extend(node.prev)
    return loss


def passing_on(formula: Formula, op: str) -> Formula:
    return lambda g, out, saved, i: g


def profile(size_name: str) -> list[list[str]]:
    size = next(s for s in SIZES if s.name == size_name)
    x, y = batch(size, np.float64)
    params = initial_weights(size, np.float64)
    hand_forward, hand_backward = numpy_parts(params, x, y)
    forward, zero_grad, update = tensorgrad_parts(params, x, y)
    graphs: list[Any] = []  # what the last forward made, for the backward to use

    def hand_forward_timed() -> None:
        graphs.append(hand_forward())

    def hand_backward_timed() -> None:
        hand_backward(graphs.pop())

    def timed_forward() -> None:
        graphs.append(forward())

    def timed_backward() -> None:
        zero_grad()
        graphs.pop().backward()

    cases = {
        "hand forward": hand_forward_timed,
        "hand backward": hand_backward_timed,
        "forward": timed_forward,
        "backward": timed_backward,
        "update": update,
    }
    t = {
        name: timing.min
        for name, timing in interleaved(cases, REPEATS, warmup=5, collect=False).items()
    }

    def forward_passing_on() -> None:
        graphs.append(replace_formulas(forward(), passing_on))

    walk = interleaved(
        {"forward": forward_passing_on, "walk": timed_backward}, REPEATS, collect=False
    )
    t["walk"] = walk["walk"].min

    # Each formula's own time: the minimum per node over the repeats, summed per operation.
    best: dict[tuple[int, str], float] = {}
    position = [0]

    def timing(formula: Formula, op: str) -> Formula:
        def timed(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
            start = time.perf_counter()
            grad = formula(g, out, saved, i)
            seconds = time.perf_counter() - start
            key = (position[0], op)
            position[0] += 1
            best[key] = min(best.get(key, seconds), seconds)
            return grad

        return timed

    for _ in range(REPEATS):
        position[0] = 0
        replace_formulas(forward(), timing).backward()
    per_op: dict[str, float] = collections.defaultdict(float)
    calls: collections.Counter[str] = collections.Counter()
    for (_, op), seconds in best.items():
        per_op[op] += seconds
        calls[op] += 1

    floor = t["hand forward"] + t["hand backward"]
    label = f"{size.name} ({size.batch} × {'-'.join(map(str, size.layers))})"

    def row(part: str, seconds: float) -> list[str]:
        return [label, part, f"{seconds * 1e6:.1f} µs", format_ratio(seconds / floor)]

    step = t["forward"] + t["backward"] + t["update"]
    rows = [
        row("numpy by hand: the step (forward + backward)", floor),
        row("· forward and loss", t["hand forward"]),
        row("· backward and update", t["hand backward"]),
        row("tensorgrad: the step (the sum of its parts)", step),
        row("· forward", t["forward"]),
        row("· zero_grad + backward", t["backward"]),
        row("·· the walk (formulas pass the gradient on)", t["walk"]),
        row("·· the formulas (each alone)", sum(per_op.values())),
    ]
    for op, seconds in sorted(per_op.items(), key=lambda item: -item[1]):
        rows.append(row(f"··· {op} × {calls[op]}", seconds))
    rows.append(row("· update (SGD on .data)", t["update"]))
    return rows


def main() -> None:
    rows = [row for name in ("tiny", "small") for row in profile(name)]
    table = markdown_table(["size", "part", "min", "÷ numpy step"], rows, align="llrr")
    text = "\n".join(
        [
            "## Where tensorgrad's training step spends its time (float64)",
            "",
            *environment(["autograds-tensorgrad", "numpy"]),
            "",
            table,
            "",
            f"Minimum of {REPEATS} interleaved repeats per part, collector paused; each step is "
            "the sum of its parts' minimums (÷ numpy step: over numpy's). The walk and the "
            "formulas are each timed on their own, a lower bound of their share of the backward.",
        ]
    )
    print(text)
    print(f"\n(saved to {save_results('tensor_step_profile', text)})")


if __name__ == "__main__":
    sys.exit(main())
