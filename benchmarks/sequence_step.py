"""AutoGrads against PyTorch: one training step of an LSTM and of a small transformer.

Run with ``nox -s bench`` (or ``python benchmarks/sequence_step.py`` in an environment that
has PyTorch). Prints a markdown table and saves it to ``benchmarks/results/sequence_step.md``.
``--profile`` prints a cProfile of the AutoGrads steps instead.

Two models, each timed as one training step (forward, loss, backward for every parameter,
then an AdamW step with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), weight decay 0.01),
from the same weights on the same batch, in float32 and float64:

* **LSTM**: ``LSTM(64, 128)`` over a sequence of 32 steps, batch 32, ``(T, N, features)``;
  a ``Linear(128, 10)`` head on the last step's output; cross_entropy against one class
  per sequence.
* **Transformer**: ``Embedding(100, 64)``, then ``TransformerEncoder`` of 2
  ``TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=256, dropout=0.0,
  batch_first=True)``, then a ``Linear(64, 100)`` head at every position; cross_entropy
  over every position (the logits flattened to ``(N·T, 100)``), 32 sequences of 32
  tokens.

PyTorch is the reference: its models are made first (its own default initialisation, from
a fixed seed) and their state dicts are loaded into AutoGrads' models; every contender's
first losses, and the change its steps make to every parameter, are checked against
PyTorch's, so that the table compares the same work. All libraries run on one thread
(``OMP/OPENBLAS/MKL_NUM_THREADS=1``, set by the nox session before numpy loads, and
``torch.set_num_threads(1)``).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from _timing import FAIL, OK, format_ratio, interleaved, markdown_table, report

SEED = 0
STEPS, BATCH = 32, 32  # sequence length, sequences per batch
LSTM_SIZES = (64, 128)  # input features, hidden size
CLASSES = 10  # the LSTM head's classes
VOCAB, D_MODEL, HEADS, FEEDFORWARD, LAYERS = 100, 64, 4, 256, 2  # the transformer's
STEPS_CHECKED = 3
MODELS = ("LSTM", "Transformer")
DTYPES = (np.float32, np.float64)
REPEATS = {"LSTM": 80, "Transformer": 60}  # interleaved rounds per (model, dtype): < 3 min
GOALS = {"LSTM": 1.5, "Transformer": 0.8}  # AutoGrads' time over PyTorch's (issue 14)
PROFILED_STEPS = 20

Array = Any  # numpy arrays of either float dtype
Step = Callable[[], float]  # one training step; returns the loss of that step


@dataclass(frozen=True)
class Problem:
    """One (model, dtype): the batch and PyTorch's initial state dict, as numpy arrays."""

    model: str
    dtype: type
    x: Array  # LSTM: (T, N, features) floats; Transformer: (N, T) int64 tokens
    y: Array  # LSTM: (N,) classes; Transformer: (N, T) next tokens
    weights: dict[str, Array]  # PyTorch's state dict, in its order

    @property
    def label(self) -> str:
        return f"{self.model} {np.dtype(self.dtype).name}"


@dataclass(frozen=True)
class Contender:
    """A step function and what it has made of the parameters, by state-dict name."""

    step: Step
    weights: Callable[[], dict[str, Array]]


def _torch_model(model: str, dtype: type) -> Any:
    """PyTorch's model, freshly initialised from ``SEED``, in ``dtype``."""
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(SEED)

    class LSTMClassifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(*LSTM_SIZES)
            self.head = torch.nn.Linear(LSTM_SIZES[1], CLASSES)

        def forward(self, x: Any) -> Any:
            output, _ = self.lstm(x)
            return self.head(output[-1])

    class TokenTransformer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = torch.nn.Embedding(VOCAB, D_MODEL)
            layer = torch.nn.TransformerEncoderLayer(
                D_MODEL, HEADS, FEEDFORWARD, dropout=0.0, batch_first=True
            )
            # No nested tensors: they only serve the inference fast path, never a step.
            self.encoder = torch.nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
            self.head = torch.nn.Linear(D_MODEL, VOCAB)

        def forward(self, tokens: Any) -> Any:
            return self.head(self.encoder(self.embed(tokens))).reshape(-1, VOCAB)

    made = LSTMClassifier() if model == "LSTM" else TokenTransformer()
    return made.to(getattr(torch, np.dtype(dtype).name))


def make_problem(model: str, dtype: type) -> Problem:
    """A random batch, and PyTorch's default initial weights for ``model``."""
    rng = np.random.default_rng(SEED)
    if model == "LSTM":
        x = rng.standard_normal((STEPS, BATCH, LSTM_SIZES[0])).astype(dtype)
        y = rng.integers(0, CLASSES, BATCH).astype(np.int64)
    else:
        x = rng.integers(0, VOCAB, (BATCH, STEPS)).astype(np.int64)
        y = rng.integers(0, VOCAB, (BATCH, STEPS)).astype(np.int64)
    state = _torch_model(model, dtype).state_dict()
    weights = {name: tensor.numpy().copy() for name, tensor in state.items()}
    return Problem(model, dtype, x, y, weights)


# -- the contenders ------------------------------------------------------------------------


def make_torch(problem: Problem) -> Contender:
    import torch
    import torch.nn.functional as F  # noqa: N812  (PyTorch's own convention)

    model = _torch_model(problem.model, problem.dtype)
    model.load_state_dict({name: torch.from_numpy(w.copy()) for name, w in problem.weights.items()})
    optimizer = torch.optim.AdamW(model.parameters())
    x, y = torch.from_numpy(problem.x), torch.from_numpy(problem.y.reshape(-1))

    def step() -> float:
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    def weights() -> dict[str, Array]:
        return {name: p.detach().numpy().copy() for name, p in model.named_parameters()}

    return Contender(step, weights)


def _autograds_model(model: str) -> Any:
    """The model as a learner writes it with ``nn``, PyTorch's layers and names."""
    import nn

    class LSTMClassifier(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(*LSTM_SIZES)
            self.head = nn.Linear(LSTM_SIZES[1], CLASSES)

        def forward(self, x: Any) -> Any:
            output, _ = self.lstm(x)
            return self.head(output[-1])

    class TokenTransformer(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(VOCAB, D_MODEL)
            layer = nn.TransformerEncoderLayer(
                D_MODEL, HEADS, FEEDFORWARD, dropout=0.0, batch_first=True
            )
            self.encoder = nn.TransformerEncoder(layer, LAYERS)
            self.head = nn.Linear(D_MODEL, VOCAB)

        def forward(self, tokens: Any) -> Any:
            return self.head(self.encoder(self.embed(tokens))).reshape(-1, VOCAB)

    return LSTMClassifier() if model == "LSTM" else TokenTransformer()


def make_autograds(problem: Problem) -> Contender:
    """PyTorch's weights loaded by name into the same model written with ``nn``."""
    import nn

    model = _autograds_model(problem.model).to(problem.dtype)
    model.load_state_dict(problem.weights)
    optimizer = nn.AdamW(model.parameters())
    x, y = problem.x, problem.y.reshape(-1)

    def step() -> float:
        loss = nn.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return float(loss.data)

    def weights() -> dict[str, Array]:
        return {name: p.data.copy() for name, p in model.named_parameters()}

    return Contender(step, weights)


# -- measuring -------------------------------------------------------------------------------


def check_against(reference: Contender, problem: Problem, contenders: dict[str, Contender]) -> None:
    """Every contender's first losses, and the change its first steps make to every
    parameter, must agree with the reference's (a wrong model or gradient shows here)."""
    losses = [reference.step() for _ in range(STEPS_CHECKED)]
    moved = {name: w - problem.weights[name] for name, w in reference.weights().items()}
    tolerance = 1e-4 if problem.dtype is np.float32 else 1e-10
    # AdamW divides every gradient by its own running root mean square, so an element whose
    # gradient is rounding noise moves by up to lr a step either way: in float32 the key's
    # bias (in_proj_bias[d_model:2 d_model]) gets no gradient in exact arithmetic (it
    # shifts a whole row of scores, which softmax ignores), and tiny gradients elsewhere
    # are a few ulps. The changes are compared against the largest one, 2% in float32.
    move_tolerance = 2e-2 if problem.dtype is np.float32 else 1e-9
    for name, contender in contenders.items():
        theirs = [contender.step() for _ in range(STEPS_CHECKED)]
        if not np.allclose(theirs, losses, rtol=tolerance, atol=0.0):
            raise AssertionError(f"{problem.label} {name}: losses {theirs} differ from {losses}")
        weights = contender.weights()
        if weights.keys() != moved.keys():
            raise AssertionError(f"{problem.label} {name}: parameters {sorted(weights)}")
        for pname, ref in moved.items():
            error = float(np.abs((weights[pname] - problem.weights[pname]) - ref).max())
            if not error <= move_tolerance * np.abs(ref).max():
                raise AssertionError(
                    f"{problem.label} {name}: after {STEPS_CHECKED} steps, {pname} moved by "
                    f"{error / np.abs(ref).max():.2g} (relative) from where the reference's moved"
                )


REFERENCE, AUTOGRADS = "PyTorch", "AutoGrads (nn)"
ROWS = (REFERENCE, AUTOGRADS)


def bench(problem: Problem) -> dict[str, float]:
    """The minima of one (model, dtype), by row name, in seconds."""
    check_against(make_torch(problem), problem, {AUTOGRADS: make_autograds(problem)})
    steps = {REFERENCE: make_torch(problem).step, AUTOGRADS: make_autograds(problem).step}
    # A full collection costs ~0.1 s with PyTorch imported and no step here leaves cyclic
    # garbage: collect once, not before every call.
    gc.collect()
    timings = interleaved(steps, REPEATS[problem.model], warmup=3, collect=False)
    return {name: timing.min for name, timing in timings.items()}


def table(
    problems: Sequence[Problem], results: Sequence[dict[str, float]]
) -> tuple[str, list[str]]:
    """The markdown table (a row per contender, two columns per (model, dtype)), and the
    met/not-met marks of AutoGrads' goals."""
    header = ["contender"]
    for problem in problems:
        header += [f"{problem.label} ms", "÷ PyTorch"]
    rows = []
    for name in ROWS:
        row = [name]
        for seconds in results:
            row += [f"{seconds[name] * 1e3:.3g}", format_ratio(seconds[name] / seconds[REFERENCE])]
        rows.append(row)
    goals, met = ["goal: AutoGrads ÷ PyTorch"], []
    for problem, seconds in zip(problems, results):
        limit = GOALS[problem.model]
        met.append(OK if seconds[AUTOGRADS] / seconds[REFERENCE] <= limit else FAIL)
        goals += ["", f"≤ {limit:.2f} {met[-1]}"]
    rows.append(goals)
    return markdown_table(header, rows), met


def main_table(problems: Sequence[Problem]) -> None:
    results = []
    for problem in problems:
        results.append(bench(problem))
        print(f"sequence_step: {problem.label} done", flush=True)
    text, met = table(problems, results)
    notes = [
        "Method: min of N interleaved repeats (PyTorch, AutoGrads, PyTorch, ...) after 3 "
        f"untimed warm-up steps (N = {REPEATS['LSTM']} for the LSTM, "
        f"{REPEATS['Transformer']} for the transformer); the cyclic garbage collector is "
        "paused while timing, for both alike. One thread everywhere. ÷ PyTorch: time over "
        "PyTorch's (lower is faster).",
        "The step: forward, cross-entropy (mean), backward for every parameter, AdamW "
        "(PyTorch's defaults: lr 1e-3, weight decay 0.01). Each model is made by PyTorch "
        "(its default initialisation) and its state dict loaded into AutoGrads'; each "
        f"contender's first {STEPS_CHECKED} losses and the change its steps make to every "
        "parameter are checked against PyTorch's (the changes to 2% of the largest in "
        "float32: AdamW turns a gradient of rounding noise, such as the key bias's, which "
        "softmax makes 0 in exact arithmetic, into a move of up to lr a step).",
        f"LSTM: LSTM{LSTM_SIZES} over {STEPS} steps of a batch of {BATCH} random normal "
        f"inputs, (T, N, features); Linear({LSTM_SIZES[1]}, {CLASSES}) on the last step's "
        "output. PyTorch runs the time loop in C++ (its CPU LSTM kernel); AutoGrads runs it "
        "in Python, three nodes a step: W_ih x_t + b_ih + W_hh h + b_hh, then c' and h' "
        "(see nn.rnn's docstring).",
        f"Transformer: Embedding({VOCAB}, {D_MODEL}), TransformerEncoder of {LAYERS} "
        f"TransformerEncoderLayer(d_model={D_MODEL}, nhead={HEADS}, "
        f"dim_feedforward={FEEDFORWARD}, dropout=0.0, batch_first=True), "
        f"Linear({D_MODEL}, {VOCAB}) at every position; {BATCH} sequences of {STEPS} random "
        "tokens, cross-entropy against random next tokens at every position.",
    ]
    title = "One sequence-model training step: AutoGrads and PyTorch"
    report(
        "sequence_step",
        title,
        ["autograds-tensorgrad", "autograds-nn", "numpy", "torch"],
        text,
        met,
        notes,
    )


def profile(problems: Sequence[Problem]) -> None:
    """A cProfile of the AutoGrads step (top 20 functions by own time) for each problem."""
    for problem in problems:
        step = make_autograds(problem).step
        for _ in range(3):
            step()
        profiler = cProfile.Profile()
        gc.collect()
        profiler.enable()
        for _ in range(PROFILED_STEPS):
            step()
        profiler.disable()
        print(f"\n## AutoGrads step, {problem.label}: {PROFILED_STEPS} steps, top 20 by own time\n")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile the AutoGrads steps")
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument(
        "--dtypes", nargs="+", choices=[np.dtype(d).name for d in DTYPES], default=None
    )
    args = parser.parse_args()
    dtypes = [np.dtype(name).type for name in args.dtypes] if args.dtypes else list(DTYPES)
    problems = [make_problem(model, dtype) for model in args.models for dtype in dtypes]
    if args.profile:
        profile(problems)
    else:
        main_table(problems)


if __name__ == "__main__":
    sys.exit(main())
