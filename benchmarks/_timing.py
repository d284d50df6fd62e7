"""Timing and reporting helpers shared by the benchmark scripts in this folder.

Every benchmark follows the same protocol, so that its numbers can be compared:

* **Interleaved repeats.** The contenders run in turn (A, B, A, B, ...) rather than all of
  A then all of B, so that a slow phase of the machine (another process, CPU frequency
  changes) hurts both alike instead of one of them.
* **Min (and median) of the repeats.** Noise only ever adds time, so the minimum is the
  best estimate of what the code itself costs; the median shows how typical it is.
* **Garbage collector paused while the clock runs, for every contender alike.**
  ``gc.collect()`` runs before each timed call (outside the clock) and the cyclic
  collector is disabled inside it, so a timing does not depend on when a collection
  happens to fall. Scripts that want the "as a user runs it" number pass
  ``gc_enabled=True`` and show it as a separate row.
* **Freeing is not timed.** The value a timed call returns (typically a graph) is dropped
  only after the clock stops. Otherwise an engine freed by reference counting would pay
  for its deallocation inside the clock while an engine whose graph holds reference cycles
  (freed later by the collector) would not.

The output is a markdown table, readable as plain text in a terminal and saved as a ``.md``
file under ``benchmarks/results/`` (which git ignores).
"""

from __future__ import annotations

import gc
import importlib.metadata
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"

OK, FAIL = "✓", "✗"


@dataclass
class Stopwatch:
    """The elapsed time of one :func:`stopwatch` block, in seconds (set when the block ends)."""

    seconds: float = 0.0


@contextmanager
def stopwatch(*, gc_enabled: bool = False, collect: bool = True) -> Iterator[Stopwatch]:
    """Time the body of a ``with`` block with the protocol described in the module docstring.

    ``collect=False`` skips the ``gc.collect()`` before the block: useful when the previous
    block left nothing to collect and a full collection over a large live graph would only
    waste wall time.
    """
    if collect:
        gc.collect()
    was_enabled = gc.isenabled()
    if not gc_enabled:
        gc.disable()
    watch = Stopwatch()
    start = time.perf_counter()
    try:
        yield watch
    finally:
        watch.seconds = time.perf_counter() - start
        if was_enabled:
            gc.enable()


def time_call(fn: Callable[[], object], *, gc_enabled: bool = False, collect: bool = True) -> float:
    """Seconds taken by one call of ``fn``; its result is freed after the clock stops."""
    with stopwatch(gc_enabled=gc_enabled, collect=collect) as watch:
        result = fn()
    del result  # freed here, outside the clock (see "Freeing is not timed")
    return watch.seconds


@dataclass
class Timing:
    """The samples of one contender, in seconds."""

    samples: list[float] = field(default_factory=list)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def interleaved(
    cases: Mapping[str, Callable[[], object]],
    repeats: int,
    *,
    warmup: int = 1,
    gc_enabled: bool = False,
    collect: bool = True,
) -> dict[str, Timing]:
    """Time every case ``repeats`` times, in turn (A, B, A, B, ...), after ``warmup`` rounds.

    The warm-up rounds are not recorded: the first call of a function pays for things that
    later calls do not (imports, caches, the allocator growing its pools). ``collect=False``
    skips the ``gc.collect()`` before each call, for cases that make no cyclic garbage and
    run in a process where a full collection costs far more than the call (one with
    PyTorch imported, say).
    """
    timings = {name: Timing() for name in cases}
    for round_ in range(warmup + repeats):
        for name, fn in cases.items():
            seconds = time_call(fn, gc_enabled=gc_enabled, collect=collect)
            if round_ >= warmup:
                timings[name].samples.append(seconds)
    return timings


# -- formatting --------------------------------------------------------------------------


def format_seconds(seconds: float) -> str:
    """A duration with 3 significant digits and a readable unit: ``'12.3 ms'``, ``'4.35 s'``."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_bytes(n_bytes: float) -> str:
    return f"{n_bytes:,.0f} B"


def format_ratio(ratio: float) -> str:
    return f"{ratio:.3f}"


def goal(value: float, limit: float) -> tuple[str, str]:
    """The "goal" and "met" cells of a row whose value must be at most ``limit``."""
    return f"≤ {limit:.2f}", OK if value <= limit else FAIL


def markdown_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], align: str | None = None
) -> str:
    """A markdown table padded so that it also reads well as plain text.

    ``align`` has one letter per column: ``l`` (left), ``r`` (right) or ``c`` (centre);
    by default the first column is left-aligned and the others right-aligned.
    """
    align = align or "l" + "r" * (len(header) - 1)
    if len(align) != len(header) or any(len(row) != len(header) for row in rows):
        raise ValueError("markdown_table: every row and `align` need one entry per column")
    widths = [max(3, *(len(row[i]) for row in (header, *rows))) for i in range(len(header))]
    pad = {"l": str.ljust, "r": str.rjust, "c": str.center}

    def rule(a: str, width: int) -> str:
        # The "|:---|---:|" line: a colon on the side(s) that the column is aligned to.
        return (":" if a in "lc" else "-") + "-" * (width - 2) + (":" if a in "rc" else "-")

    def line(cells: Sequence[str]) -> str:
        padded = (pad[a](cell, w) for a, cell, w in zip(align, cells, widths))
        return "| " + " | ".join(padded) + " |"

    separator = "| " + " | ".join(rule(a, w) for a, w in zip(align, widths)) + " |"
    return "\n".join([line(header), separator, *(line(row) for row in rows)])


# -- environment and output -----------------------------------------------------------------


def package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def cpu_name() -> str:
    """The processor's name: ``platform.processor()`` is often empty on Linux, so ask /proc."""
    name = platform.processor()
    if not name:
        try:
            with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
                for entry in cpuinfo:
                    if entry.startswith("model name"):
                        name = entry.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
    return name or "unknown CPU"


def environment(distributions: Sequence[str]) -> list[str]:
    """Markdown bullet lines naming the interpreter, the given packages and the machine."""
    impl = platform.python_implementation()
    uname = platform.uname()
    versions = ", ".join(f"{name} {package_version(name)}" for name in distributions)
    return [
        f"- Python {platform.python_version()} ({impl}, {sys.executable})",
        f"- Packages: {versions}",
        f"- Machine: {uname.system} {uname.release} {uname.machine}, {cpu_name()}, "
        f"{os.cpu_count() or 1} CPUs",
    ]


def save_results(name: str, text: str) -> Path:
    """Write ``text`` to ``benchmarks/results/<name>.md`` and return the path."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.md"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def report(
    name: str,
    title: str,
    distributions: Sequence[str],
    table: str,
    met: Sequence[str],
    notes: Sequence[str],
    context: Sequence[str] = (),
) -> None:
    """Print a benchmark's results (title, environment, table, goals met, numbered notes) and
    save them as ``benchmarks/results/<name>.md``; ``context`` adds bullet lines below the
    environment's."""
    text = "\n".join(
        [
            f"## {title}",
            "",
            *environment(distributions),
            *context,
            "",
            table,
            "",
            *([f"{list(met).count(OK)} of {len(met)} goals met", ""] if met else []),
            *(f"{i}. {note}" for i, note in enumerate(notes, 1)),
        ]
    )
    print(text)
    print(f"\n(saved to {save_results(name, text)})")
