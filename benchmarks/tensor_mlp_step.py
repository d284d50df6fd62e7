"""tensorgrad against numpy by hand, PyTorch, DeZero and HIPS autograd: one MLP training step.

Run with ``nox -s bench`` (or ``python benchmarks/tensor_mlp_step.py`` in an environment that
has the peers). Prints a markdown table and saves it to
``benchmarks/results/tensor_mlp_step.md``.

Every contender runs the same training step from the same weights on the same batch:

    h = relu(x @ W1 + b1); ...; logits = h @ Wn + bn        (ReLU between layers)
    loss = cross_entropy(logits, y) = -mean(log_softmax(logits)[i, y_i])
    backward, then SGD: p -= lr * dloss/dp                   (the batch gets no gradient)

at three sizes (tiny: make_moons, B=100, 2-16-16-2; small: load_digits, B=256, 64-128-10;
large: random data, B=1024, 784-512-256-10), in float64 and float32. "numpy by hand" is the
same step with the gradients written out by hand, as tight as we can make it: the floor
for any engine that uses numpy. Every contender's losses are checked against it, so the
table compares the same work.

Weights are ``(in, out)`` matrices (``x @ W``) everywhere except PyTorch, whose step is written
the way PyTorch code is (``x @ W.T`` with ``(out, in)`` weights: how ``nn.Linear`` stores them).

All libraries run on one thread (``OMP/OPENBLAS/MKL_NUM_THREADS=1``, set by the nox session
before numpy loads, and ``torch.set_num_threads(1)``): the step then measures the engines, not
how each library splits a small matrix product between cores.
"""

from __future__ import annotations

import gc
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from _timing import (
    FAIL,
    OK,
    format_ratio,
    format_seconds,
    interleaved,
    markdown_table,
    report,
)
from sklearn.datasets import load_digits, make_moons

LEARNING_RATE = 0.1
SEED = 0
STEPS_CHECKED = 3  # losses compared with numpy-by-hand's on the first steps
NN_GOAL = 1.1  # the nn step over the raw tensorgrad step

Array = Any  # numpy arrays of either float dtype
Step = Callable[[], float]  # one training step; returns the loss of that step


@dataclass(frozen=True)
class Size:
    name: str
    layers: tuple[int, ...]  # input, hidden..., classes
    batch: int
    repeats: int
    goal: float  # tensorgrad's time over numpy-by-hand's


SIZES = [
    Size("tiny", (2, 16, 16, 2), 100, repeats=300, goal=1.2),
    Size("small", (64, 128, 10), 256, repeats=200, goal=1.1),
    Size("large", (784, 512, 256, 10), 1024, repeats=20, goal=1.05),
]


def batch(size: Size, dtype: type) -> tuple[Array, Array]:
    """The inputs ``(B, in)`` and integer class targets ``(B,)`` of one size."""
    if size.name == "tiny":
        x, y = make_moons(n_samples=size.batch, noise=0.1, random_state=SEED)
    elif size.name == "small":
        x, y = load_digits(return_X_y=True)
        x, y = x[: size.batch] / 16.0, y[: size.batch]
    else:  # MNIST-shaped, without a download
        rng = np.random.default_rng(SEED)
        x = rng.random((size.batch, size.layers[0]))
        y = rng.integers(0, size.layers[-1], size.batch)
    return x.astype(dtype), y.astype(np.int64)


def initial_weights(size: Size, dtype: type) -> list[tuple[Array, Array]]:
    """``(W, b)`` per layer, ``W`` of shape ``(in, out)``, uniform like PyTorch's default."""
    rng = np.random.default_rng(SEED)
    params = []
    for n_in, n_out in zip(size.layers, size.layers[1:]):
        bound = 1.0 / math.sqrt(n_in)
        w = rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype)
        b = rng.uniform(-bound, bound, n_out).astype(dtype)
        params.append((w, b))
    return params


# -- the contenders ------------------------------------------------------------------------
# Each `make_*` takes fresh copies of the weights and returns a step function.


def numpy_parts(
    params: list[tuple[Array, Array]], x: Array, y: Array
) -> tuple[Callable[[], Any], Callable[[Any], float]]:
    """The by-hand step in two parts: forward (returns what backward needs), backward + update.

    Apart for ``tensor_step_profile.py``, which times them one by one.
    """
    weights = [(w.copy(), b.copy()) for w, b in params]
    rows = np.arange(len(y))
    n = len(y)

    def forward() -> Any:
        # keeping each layer's input for the backward pass
        inputs = []
        h = x
        for i, (w, b) in enumerate(weights):
            inputs.append(h)
            h = h @ w
            h += b
            if i < len(weights) - 1:
                np.maximum(h, 0, out=h)
        # log_softmax and the loss, stable: shift by the row max
        h -= h.max(axis=1, keepdims=True)
        picked = h[rows, y]
        np.exp(h, out=h)  # h is now exp(logits - max)
        total = h.sum(axis=1, keepdims=True)
        loss = float(np.log(total).mean() - picked.mean())
        return inputs, h, total, loss

    def backward(saved: Any) -> float:
        inputs, h, total, loss = saved
        # dloss/dlogits = (softmax - onehot) / n
        g = h
        g /= total
        g[rows, y] -= 1
        g /= n
        for i in range(len(weights) - 1, -1, -1):
            w, b = weights[i]
            a = inputs[i]
            grad_w = a.T @ g
            grad_b = g.sum(axis=0)
            if i > 0:  # the batch itself needs no gradient
                g = g @ w.T
                g *= a > 0  # ReLU: a is the previous layer's output, zero where it was cut
            w -= LEARNING_RATE * grad_w
            b -= LEARNING_RATE * grad_b
        return float(loss)

    return forward, backward


def make_numpy(params: list[tuple[Array, Array]], x: Array, y: Array) -> Step:
    """The floor: forward and backward written out by hand, in place where numpy allows."""
    forward, backward = numpy_parts(params, x, y)

    def step() -> float:
        return backward(forward())

    return step


def tensorgrad_parts(
    params: list[tuple[Array, Array]], x: Array, y: Array, module: Any = None
) -> tuple[Callable[[], Any], Callable[[], None], Callable[[], None]]:
    """The raw tensorgrad step in three parts: forward (returns the loss), zero_grad, update.

    Apart for ``tensor_step_profile.py``, which times them one by one. ``module`` is the
    tensorgrad to use (``tensor_vs_base.py`` passes an earlier commit's); by default, the one
    ``import tensorgrad`` finds.
    """
    if module is None:
        import tensorgrad as module

    weights = [(module.Value(w.copy()), module.Value(b.copy())) for w, b in params]
    flat = [p for pair in weights for p in pair]
    rows = np.arange(len(y))

    def forward() -> Any:
        h = x
        for i, (w, b) in enumerate(weights):
            h = h @ w + b
            if i < len(weights) - 1:
                h = h.relu()
        return -module.log_softmax(h, axis=-1)[rows, y].mean()

    def zero_grad() -> None:
        for p in flat:
            p.zero_grad()

    def update() -> None:
        for p in flat:
            p.data -= LEARNING_RATE * p.grad

    return forward, zero_grad, update


def make_tensorgrad(
    params: list[tuple[Array, Array]], x: Array, y: Array, module: Any = None
) -> Step:
    """The raw tensorgrad step; ``module`` is another tensorgrad (see tensor_vs_base.py)."""
    forward, zero_grad, update = tensorgrad_parts(params, x, y, module)

    def step() -> float:
        loss = forward()
        zero_grad()
        loss.backward()
        update()
        return float(loss.data)

    return step


def _nn_model(params: list[tuple[Array, Array]], nn: Any) -> Any:
    """An ``nn.MLP`` holding ``params``; nn.Linear stores ``W`` as ``(out, in)``, like PyTorch."""
    sizes = [params[0][0].shape[0]] + [w.shape[1] for w, _ in params]
    model = nn.MLP(sizes[0], sizes[1:], dtype=params[0][0].dtype)
    linears = [layer for layer in model if isinstance(layer, nn.Linear)]
    for layer, (w, b) in zip(linears, params, strict=True):
        layer.weight.data[...] = w.T
        layer.bias.data[...] = b
    return model


def make_nn(
    params: list[tuple[Array, Array]], x: Array, y: Array, adam: bool, module: Any = None
) -> Step:
    """The step of a user of ``nn``, with SGD or Adam; ``module`` is another nn (see
    nn_vs_base.py)."""
    if module is None:
        import nn as module

    nn = module
    model = _nn_model(params, nn)
    parameters = model.parameters()
    optimizer = nn.Adam(parameters, lr=1e-3) if adam else nn.SGD(parameters, lr=LEARNING_RATE)

    def step() -> float:
        loss = nn.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return float(loss.data)

    return step


def make_nn_sgd(params: list[tuple[Array, Array]], x: Array, y: Array) -> Step:
    """The same step as a user of ``nn`` writes it: ``nn.MLP``, ``nn.cross_entropy``, SGD."""
    return make_nn(params, x, y, adam=False)


def make_nn_adam(params: list[tuple[Array, Array]], x: Array, y: Array) -> Step:
    """As :func:`make_nn_sgd` with Adam (its losses differ from SGD's after the first step)."""
    return make_nn(params, x, y, adam=True)


def make_torch(params: list[tuple[Array, Array]], x: Array, y: Array) -> Step:
    import torch
    import torch.nn.functional as F  # noqa: N812  (PyTorch's own convention)

    torch.set_num_threads(1)
    weights = [
        (
            torch.tensor(w.T.copy(), requires_grad=True),  # (out, in), as nn.Linear stores it
            torch.tensor(b.copy(), requires_grad=True),
        )
        for w, b in params
    ]
    flat = [p for pair in weights for p in pair]
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step() -> float:
        h = xt
        for i, (w, b) in enumerate(weights):
            h = F.linear(h, w, b)
            if i < len(weights) - 1:
                h = F.relu(h)
        loss = F.cross_entropy(h, yt)
        for p in flat:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in flat:
                p -= LEARNING_RATE * p.grad
        return float(loss)

    return step


def _import_dezero() -> Any:
    np.int = int  # type: ignore[attr-defined]  # DeZero 0.0.13 predates its removal (numpy 1.24)
    import dezero

    return dezero


def make_dezero(params: list[tuple[Array, Array]], x: Array, y: Array) -> Step:
    dezero = _import_dezero()
    import dezero.functions as F  # noqa: N812  (DeZero's own convention)

    weights = [(dezero.Variable(w.copy()), dezero.Variable(b.copy())) for w, b in params]
    flat = [p for pair in weights for p in pair]

    def step() -> float:
        h = x
        for i, (w, b) in enumerate(weights):
            h = F.linear(h, w, b)
            if i < len(weights) - 1:
                h = F.relu(h)
        loss = F.softmax_cross_entropy(h, y)
        for p in flat:
            p.cleargrad()
        loss.backward()
        for p in flat:
            p.data -= LEARNING_RATE * p.grad.data
        return float(loss.data)

    return step


def make_autograd(params: list[tuple[Array, Array]], x: Array, y: Array) -> Step:
    import autograd
    import autograd.numpy as anp

    weights = [[w.copy(), b.copy()] for w, b in params]
    rows = np.arange(len(y))

    def loss_fn(ws: list[list[Array]]) -> Any:
        h = x
        for i, (w, b) in enumerate(ws):
            h = anp.dot(h, w) + b
            if i < len(ws) - 1:
                h = anp.maximum(h, 0.0)
        shifted = h - anp.max(h, axis=1, keepdims=True)
        log_probs = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return -anp.mean(log_probs[rows, y])

    value_and_grad = autograd.value_and_grad(loss_fn)

    def step() -> float:
        loss, grads = value_and_grad(weights)
        for pair, grad_pair in zip(weights, grads):
            pair[0] = pair[0] - LEARNING_RATE * grad_pair[0]
            pair[1] = pair[1] - LEARNING_RATE * grad_pair[1]
        return float(loss)

    return step


CONTENDERS: dict[str, Callable[[list[tuple[Array, Array]], Array, Array], Step]] = {
    "numpy by hand": make_numpy,
    "tensorgrad": make_tensorgrad,
    "nn + SGD": make_nn_sgd,
    "nn + Adam": make_nn_adam,
    "PyTorch": make_torch,
    "DeZero": make_dezero,
    "HIPS autograd": make_autograd,
}


# -- measuring -------------------------------------------------------------------------------


def check_same_losses(steps: dict[str, Step], dtype: type) -> None:
    """Each contender's first losses must equal numpy-by-hand's: they do the same work."""
    tolerance = 1e-10 if dtype is np.float64 else 1e-4
    reference = [steps["numpy by hand"]() for _ in range(STEPS_CHECKED)]
    for name, step in steps.items():
        if name == "numpy by hand":
            continue
        # Adam takes other steps than SGD: only its first loss (same weights) must agree.
        checked = 1 if name in ADAM else STEPS_CHECKED
        losses = [step() for _ in range(checked)]
        if not np.allclose(losses, reference[:checked], rtol=tolerance, atol=0.0):
            raise AssertionError(f"{name}: losses {losses} differ from numpy's {reference}")


ADAM = {"nn + Adam"}


def available(names: list[str]) -> dict[str, str]:
    """The contenders that cannot be imported, with the reason (they are left out)."""
    missing = {}
    imports: dict[str, Callable[[], object]] = {
        "tensorgrad": lambda: __import__("tensorgrad"),
        "nn + SGD": lambda: __import__("nn"),
        "nn + Adam": lambda: __import__("nn"),
        "PyTorch": lambda: __import__("torch"),
        "DeZero": _import_dezero,
        "HIPS autograd": lambda: __import__("autograd"),
    }
    for name in names:
        if name not in imports:
            continue
        try:
            imports[name]()
        except ImportError as error:
            missing[name] = f"not installed ({error.name})"
    return missing


def gemm_floor(size: Size) -> tuple[float, float]:
    """The float32 step's matrix-product FLOPs, and the seconds sgemm needs for them here.

    A step multiplies, per layer, ``x @ W`` (forward), ``x.T @ g`` (weight gradient) and,
    except for the first layer, ``g @ W.T`` (gradient of the layer's input): each
    ``2 * B * in * out`` FLOPs. The speed is measured on the largest of those products.
    """
    pairs = list(zip(size.layers, size.layers[1:]))
    flops = sum(2 * size.batch * n_in * n_out for n_in, n_out in pairs) * 3
    flops -= 2 * size.batch * pairs[0][0] * pairs[0][1]
    rng = np.random.default_rng(SEED)
    n_in, n_out = max(pairs, key=lambda p: p[0] * p[1])
    a = rng.random((size.batch, n_in), dtype=np.float32)
    b = rng.random((n_in, n_out), dtype=np.float32)
    best = math.inf
    for _ in range(20):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    speed = 2 * size.batch * n_in * n_out / best
    return flops, flops / speed


def bench_size(size: Size, dtype: type, missing: dict[str, str]) -> list[list[str]]:
    x, y = batch(size, dtype)
    params = initial_weights(size, dtype)
    names = [name for name in CONTENDERS if name not in missing]
    check_same_losses({name: CONTENDERS[name](params, x, y) for name in names}, dtype)
    steps = {name: CONTENDERS[name](params, x, y) for name in names}
    gc.collect()
    # A full collection costs ~0.1 s with PyTorch imported, far more than a tiny step, and
    # none of these steps leaves cyclic garbage: collect once here, not before every call.
    timings = interleaved(steps, size.repeats, warmup=3, collect=False)
    floor = timings["numpy by hand"].min
    rows = []
    for name in CONTENDERS:
        label = f"{size.name} {np.dtype(dtype).name}"
        if name in missing:
            rows.append([label, name, missing[name], "", "", "", ""])
            continue
        best = timings[name].min
        goal_cells = ("", "")
        if name == "tensorgrad":
            goal_cells = (f"≤ {size.goal:.2f}", OK if best / floor <= size.goal else FAIL)
        elif name == "nn + SGD" and "tensorgrad" in timings:
            over_raw = best / timings["tensorgrad"].min
            goal_cells = (
                f"{over_raw:.3f} ≤ {NN_GOAL:.2f} × tg",
                OK if over_raw <= NN_GOAL else FAIL,
            )
        median = format_seconds(timings[name].median)
        rows.append(
            [label, name, format_seconds(best), median, format_ratio(best / floor), *goal_cells]
        )
    if size.name == "large" and dtype is np.float32:
        flops, seconds = gemm_floor(size)
        rows.append(
            [
                f"{size.name} float32",
                f"sgemm floor ({flops / 1e9:.2f} GFLOP)",
                format_seconds(seconds),
                "",
                format_ratio(seconds / floor),
                "",
                "",
            ]
        )
    return rows


def main() -> None:
    missing = available(list(CONTENDERS))
    rows = []
    for size in SIZES:
        for dtype in (np.float64, np.float32):
            rows.extend(bench_size(size, dtype, missing))
    header = ["size", "contender", "min", "median", "÷ numpy", "goal", "met"]
    table = markdown_table(header, rows, align="llrrrcc")
    met = [row[-1] for row in rows if row[-1]]
    notes = [
        "Method: min (and median) of N interleaved repeats (numpy, tensorgrad, PyTorch, ...) "
        "after 3 untimed warm-up steps (N = 300 tiny, 200 small, 20 large); the cyclic "
        "garbage collector is paused while timing, for all alike. One thread everywhere.",
        "÷ numpy: time over numpy-by-hand's, the floor (lower is better); the goal is "
        "tensorgrad's. Every contender's first losses are checked against numpy's.",
        "nn + SGD: the step as an nn user writes it (nn.MLP, nn.cross_entropy, nn.SGD); its "
        "goal is its time over the raw tensorgrad step's (× tg). nn + Adam: the same with "
        "nn.Adam, for scale.",
        "sgemm floor: the float32 step's matrix-product FLOPs over the speed of one sgemm of "
        "the step's largest shape, measured in this run: no step can beat it.",
    ]
    peers = ["autograds-tensorgrad", "autograds-nn", "numpy", "torch", "dezero", "autograd"]
    title = "One MLP training step: tensorgrad and its peers"
    report("tensor_mlp_step", title, peers, table, met, notes)


if __name__ == "__main__":
    sys.exit(main())
