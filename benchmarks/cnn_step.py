"""AutoGrads against PyTorch, DeZero, numpy by hand and the GEMM floor: one CNN training step.

Run with ``nox -s bench`` (or ``python benchmarks/cnn_step.py`` in an environment that has the
peers). Prints a markdown table and saves it to ``benchmarks/results/cnn_step.md``.
``--profile`` prints a cProfile of the AutoGrads step instead; ``--variants`` times variants
of the numpy step by hand (memory layout, im2col, col2im, matrix product, buffers) and saves
``benchmarks/results/cnn_step_variants.md``.

Every contender runs the same training step from the same weights on the same batch:

    Conv2d(1, 16, 3, padding=1) -> ReLU -> MaxPool2d(2) -> Conv2d(16, 32, 3, padding=1)
    -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(32 * (side // 4) ** 2, 10)
    loss = cross_entropy(logits, y) (mean over the batch)
    backward for every parameter (the batch gets no gradient), then SGD: p -= 0.01 * grad

on a batch of 64 random images, 1x8x8 (the digits' size) and 1x28x28 (MNIST's), in float32
and float64. PyTorch is the reference: every contender's first losses, and the change its
steps make to every parameter, are checked against PyTorch's, so the table compares the same
work. All libraries run on one thread (``OMP/OPENBLAS/MKL_NUM_THREADS=1``, set by the nox
session before numpy loads, and ``torch.set_num_threads(1)``).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import math
import pstats
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from _timing import (
    FAIL,
    OK,
    environment,
    format_ratio,
    interleaved,
    markdown_table,
    report,
    save_results,
)
from numpy.lib.stride_tricks import sliding_window_view

SEED = 0
BATCH = 64
CLASSES = 10
CHANNELS = (1, 16, 32)  # input, first conv, second conv
KERNEL = 3
PADDING = 1
LEARNING_RATE = 0.01
STEPS_CHECKED = 3
SIDES = (8, 28)
DTYPES = (np.float32, np.float64)
REPEATS = {8: 300, 28: 60}  # interleaved rounds per (side, dtype): the whole run stays < 2 min
GOALS = {8: 0.6, 28: 1.0}  # AutoGrads' time over PyTorch's (issue 13)
PROFILED_STEPS = {8: 200, 28: 30}
PARAMETER_NAMES = ("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias")
"""The state-dict names of the parameters, in PyTorch's order (the Sequential's indices)."""

Array = Any  # numpy arrays of either float dtype
Step = Callable[[], float]  # one training step; returns the loss of that step


@dataclass(frozen=True)
class Problem:
    """One (side, dtype): the batch and the initial parameters, in PyTorch's shapes."""

    side: int
    dtype: type
    x: Array  # (BATCH, 1, side, side), C-contiguous, as a data loader gives it
    y: Array  # (BATCH,) int64 class indices
    weights: tuple[Array, ...]  # in PARAMETER_NAMES' order

    @property
    def label(self) -> str:
        return f"{self.side}x{self.side} {np.dtype(self.dtype).name}"

    @property
    def sizes(self) -> tuple[int, int, int]:
        """The image's side at the input, after the first pooling and after the second."""
        return self.side, self.side // 2, self.side // 4

    @property
    def features(self) -> int:
        """The Linear layer's input size: the second pooling's output, flattened."""
        return CHANNELS[2] * (self.side // 4) ** 2


@dataclass(frozen=True)
class Contender:
    """A step function and what it has made of the parameters (PyTorch's shapes and order)."""

    step: Step
    weights: Callable[[], list[Array]]


def make_problem(side: int, dtype: type) -> Problem:
    """Random images in [0, 1), random classes, and PyTorch's default initialisation.

    PyTorch's default for Conv2d and Linear (kaiming_uniform_ with a = sqrt(5)) draws the
    weight, and the bias, uniformly from +-1/sqrt(fan_in); drawn here with numpy so that
    every contender, PyTorch too, starts from the same numbers.
    """
    rng = np.random.default_rng(SEED)
    x = rng.random((BATCH, CHANNELS[0], side, side)).astype(dtype)
    y = rng.integers(0, CLASSES, BATCH).astype(np.int64)
    features = CHANNELS[2] * (side // 4) ** 2
    shapes = [
        (CHANNELS[1], CHANNELS[0], KERNEL, KERNEL),
        (CHANNELS[2], CHANNELS[1], KERNEL, KERNEL),
        (CLASSES, features),
    ]
    weights: list[Array] = []
    for shape in shapes:
        bound = 1.0 / math.sqrt(math.prod(shape[1:]))
        weights.append(rng.uniform(-bound, bound, shape).astype(dtype))
        weights.append(rng.uniform(-bound, bound, shape[0]).astype(dtype))
    return Problem(side, dtype, x, y, tuple(weights))


# -- the contenders ------------------------------------------------------------------------
# Each `make_*` takes a Problem and returns a Contender that starts from copies of its weights.


def make_torch(problem: Problem) -> Contender:
    import torch
    import torch.nn.functional as F  # noqa: N812  (PyTorch's own convention)

    torch.set_num_threads(1)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(CHANNELS[0], CHANNELS[1], KERNEL, padding=PADDING),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(CHANNELS[1], CHANNELS[2], KERNEL, padding=PADDING),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(problem.features, CLASSES),
    ).to(getattr(torch, np.dtype(problem.dtype).name))
    model.load_state_dict(
        {name: torch.from_numpy(w.copy()) for name, w in zip(PARAMETER_NAMES, problem.weights)}
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    x, y = torch.from_numpy(problem.x), torch.from_numpy(problem.y)

    def step() -> float:
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    def weights() -> list[Array]:
        return [p.detach().numpy().copy() for p in model.parameters()]

    return Contender(step, weights)


def autograds_missing() -> str | None:
    """Why the AutoGrads row cannot run yet (None when it can)."""
    try:
        import nn
    except ImportError as error:
        return f"not installed ({error.name})"
    absent = [name for name in ("Conv2d", "MaxPool2d") if not hasattr(nn, name)]
    return f"nn has no {' or '.join(absent)} yet" if absent else None


def make_autograds(problem: Problem) -> Contender:
    """The step as a learner writes it with ``nn``, PyTorch's weights loaded by name."""
    import nn

    model = nn.Sequential(
        nn.Conv2d(CHANNELS[0], CHANNELS[1], KERNEL, padding=PADDING),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(CHANNELS[1], CHANNELS[2], KERNEL, padding=PADDING),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(problem.features, CLASSES),
    ).to(problem.dtype)
    model.load_state_dict(dict(zip(PARAMETER_NAMES, problem.weights)))
    optimizer = nn.SGD(model.parameters(), lr=LEARNING_RATE)
    x, y = problem.x, problem.y

    def step() -> float:
        loss = nn.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return float(loss.data)

    def weights() -> list[Array]:
        return [p.data.copy() for p in model.parameters()]

    return Contender(step, weights)


def _import_dezero() -> Any:
    np.int = int  # type: ignore[attr-defined]  # DeZero 0.0.13 predates its removal (numpy 1.24)
    import dezero

    return dezero


def _dezero_model(problem: Problem) -> Any:
    """The CNN as a DeZero Model, holding copies of the problem's weights."""
    dezero = _import_dezero()
    import dezero.functions as F  # noqa: N812  (DeZero's own convention)
    import dezero.layers as L  # noqa: N812

    class CNN(dezero.Model):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            dtype = problem.dtype
            self.conv1 = L.Conv2d(CHANNELS[1], KERNEL, pad=PADDING, in_channels=1, dtype=dtype)
            self.conv2 = L.Conv2d(
                CHANNELS[2], KERNEL, pad=PADDING, in_channels=CHANNELS[1], dtype=dtype
            )
            self.fc = L.Linear(CLASSES, in_size=problem.features, dtype=dtype)

        def forward(self, x: Any) -> Any:
            x = F.pooling(F.relu(self.conv1(x)), 2, 2)
            x = F.pooling(F.relu(self.conv2(x)), 2, 2)
            return self.fc(F.reshape(x, (x.shape[0], -1)))

    model = CNN()
    w1, b1, w2, b2, w3, b3 = (w.copy() for w in problem.weights)
    model.conv1.W.data, model.conv1.b.data = w1, b1
    model.conv2.W.data, model.conv2.b.data = w2, b2
    model.fc.W.data, model.fc.b.data = np.ascontiguousarray(w3.T), b3  # DeZero's W is (in, out)
    return model


def make_dezero(problem: Problem) -> Contender:
    """DeZero's own layers: ``L.Conv2d`` (im2col + tensordot), ``F.pooling``, ``L.Linear``."""
    dezero = _import_dezero()
    import dezero.functions as F  # noqa: N812

    model = _dezero_model(problem)
    optimizer = dezero.optimizers.SGD(lr=LEARNING_RATE).setup(model)
    x, y = problem.x, problem.y

    def step() -> float:
        loss = F.softmax_cross_entropy(model(x), y)
        model.cleargrads()
        loss.backward()
        optimizer.update()
        return float(loss.data)

    def weights() -> list[Array]:
        layers = (model.conv1, model.conv2)
        return [
            *(p.data.copy() for layer in layers for p in (layer.W, layer.b)),
            model.fc.W.data.T.copy(),
            model.fc.b.data.copy(),
        ]

    return Contender(step, weights)


def dezero_dtypes(problem: Problem) -> str:
    """What DeZero computes in, from one forward and backward of the model: the dtypes of
    its logits, its loss and its parameters' gradients (its parameters are in the problem's
    dtype, and SGD's in-place update casts back to it)."""
    _import_dezero()
    import dezero.functions as F  # noqa: N812

    model = _dezero_model(problem)
    logits = model(problem.x)
    loss = F.softmax_cross_entropy(logits, problem.y)
    loss.backward()
    layers = {"conv1": model.conv1, "conv2": model.conv2, "linear": model.fc}
    grads = ", ".join(f"{name} {layer.W.grad.dtype}" for name, layer in layers.items())
    return f"logits {logits.dtype}, loss {loss.dtype}, weight gradients: {grads}"


# -- numpy by hand -------------------------------------------------------------------------
# The batch is innermost in memory: activations are (C, H, W, N) arrays. Then im2col is one
# GEMM over all the batch's windows, W (C_out, C*k*k) @ cols (C*k*k, H*W*N), its result is
# already the next layer's (C, H, W, N) input, and a 2x2 pooling window is four contiguous
# runs of N numbers, reached by a reshape. The CHWN class is the contender; its options and
# the NCHW class (PyTorch's memory order) are the variants that --variants times.


@dataclass(frozen=True)
class HandOptions:
    """How the numpy step does its kinds of work (the defaults: the contender's way)."""

    im2col: str = "slices"  # "slices": k*k slice copies; "windows": sliding_window_view copy
    col2im: str = "slices"  # "slices": k*k shifted slice adds; "add.at": one np.add.at
    product: str = "matmul"  # "matmul" on reshaped matrices, "tensordot" or "einsum"
    buffers: str = "reused"  # "reused": made once; "fresh": allocated in every step

    def describe(self) -> str:
        return f"im2col {self.im2col}, col2im {self.col2im}, {self.product}, {self.buffers}"


def _im2col_slices(padded: Array, cols: Array, lead: int) -> None:
    """Fill ``cols[..., i, j, y, x, ...]`` with ``padded[..., y + i, x + j, ...]``; ``lead`` axes
    come before the kernel offsets (C for CHWN, N and C for NCHW)."""
    height, width = cols.shape[lead + 2 : lead + 4]
    before = (slice(None),) * lead
    for i in range(KERNEL):
        for j in range(KERNEL):
            cols[(*before, i, j)] = padded[(*before, slice(i, i + height), slice(j, j + width))]


def _col2im_slices(dcols: Array, dx: Array, lead: int) -> None:
    """The adjoint of :func:`_im2col_slices` for a 'same' convolution, without a padded
    buffer: each offset's windows, shifted back, add into the input's gradient (the centre
    offset covers it all, so it is copied first instead of zero-filling)."""
    before = (slice(None),) * lead
    size = dx.shape[lead : lead + 2]

    def shifted(offset: int, n: int) -> tuple[slice, slice]:  # (to, from) along one axis
        shift = offset - PADDING
        return slice(max(0, shift), n + min(0, shift)), slice(max(0, -shift), n - max(0, shift))

    dx[...] = dcols[(*before, PADDING, PADDING)]
    for i in range(KERNEL):
        rows_to, rows_from = shifted(i, size[0])
        for j in range(KERNEL):
            if (i, j) == (PADDING, PADDING):
                continue
            cols_to, cols_from = shifted(j, size[1])
            dx[(*before, rows_to, cols_to)] += dcols[(*before, i, j, rows_from, cols_from)]


def _pool_parts(a: Array, lead: int) -> list[Array]:
    """The four elements of each 2x2 window of ``a``, as four strided views (``lead`` axes
    before the image's height)."""
    shape = a.shape
    height, width = shape[lead : lead + 2]
    windows = a.reshape(*shape[:lead], height // 2, 2, width // 2, 2, *shape[lead + 2 :])
    before = (slice(None),) * (lead + 1)
    return [windows[(*before, r, slice(None), c)] for r in (0, 1) for c in (0, 1)]


def _max_pool(parts: list[Array], out: Array) -> None:
    np.maximum(parts[0], parts[1], out=out)
    np.maximum(out, parts[2], out=out)
    np.maximum(out, parts[3], out=out)


def _relu_max_pool_backward(
    parts: list[Array], pooled: Array, grad: Array, grad_parts: list[Array]
) -> None:
    """The gradient of max_pool2d(relu(a)) into ``a``'s windows, given the pooled gradient.

    Equality with the window's max finds its position; PyTorch gives a tie to the first,
    but every tie here is at zero (the inputs are continuous), where ReLU's gradient is zero
    for every element of the window anyway.
    """
    alive = grad * (pooled > 0)
    for part, grad_part in zip(parts, grad_parts):
        np.multiply(part == pooled, alive, out=grad_part)


def _softmax_cross_entropy(logits: Array, y: Array, axis: int) -> tuple[float, Array]:
    """The mean cross-entropy and its gradient with respect to the logits (classes on
    ``axis``, in place of the logits)."""
    shifted = logits - logits.max(axis=axis, keepdims=True)
    batch = np.arange(len(y))
    picked = shifted[y, batch] if axis == 0 else shifted[batch, y]
    np.exp(shifted, out=shifted)
    total = shifted.sum(axis=axis, keepdims=True)
    loss = float(np.log(total).mean() - picked.mean())
    grad = shifted
    grad /= total
    if axis == 0:
        grad[y, batch] -= 1
    else:
        grad[batch, y] -= 1
    grad /= len(y)
    return loss, grad


class HandCHWN:
    """The numpy step by hand, activations (C, H, W, N): the floor for a numpy engine."""

    def __init__(self, problem: Problem, options: HandOptions = HandOptions()) -> None:
        self.options = options
        self.weights = [w.copy() for w in problem.weights]
        self.x = problem.x
        self.y = problem.y
        self.dtype = problem.dtype
        self.sizes = problem.sizes
        self.buffers = self._buffers() if options.buffers == "reused" else None
        if options.col2im == "add.at":  # (only the second conv has an input gradient)
            self.scatter = self._scatter_index(CHANNELS[1], self.sizes[1])

    def _buffers(self) -> dict[str, Array]:
        """Padded inputs (the border stays zero) and im2col matrices of both convolutions."""
        buffers = {}
        for layer, (channels, size) in enumerate(zip(CHANNELS, self.sizes[:2]), 1):
            padded = (channels, size + 2 * PADDING, size + 2 * PADDING, BATCH)
            buffers[f"padded{layer}"] = np.zeros(padded, self.dtype)
            cols = (channels, KERNEL, KERNEL, size, size, BATCH)
            buffers[f"cols{layer}"] = np.empty(cols, self.dtype)
        return buffers

    def _scatter_index(self, channels: int, size: int) -> Array:
        """For np.add.at: the flat index, in the padded input, of every element of cols."""
        padded = np.arange(channels * (size + 2 * PADDING) ** 2 * BATCH).reshape(
            channels, size + 2 * PADDING, size + 2 * PADDING, BATCH
        )
        index = np.empty((channels, KERNEL, KERNEL, size, size, BATCH), np.intp)
        _im2col_slices(padded, index, lead=1)
        return index.ravel()

    # -- the three kinds of work, each as options say ----------------------------------------

    def im2col(self, padded: Array, cols: Array) -> None:
        if self.options.im2col == "slices":
            _im2col_slices(padded, cols, lead=1)
        else:
            windows = sliding_window_view(padded, (KERNEL, KERNEL), axis=(1, 2))
            cols[...] = windows.transpose(0, 4, 5, 1, 2, 3)  # (C, k, k, H, W, N)

    def col2im(self, dcols: Array) -> Array:
        """The second conv's dcols (C, k, k, H, W, N) -> its input's gradient (C, H, W, N)."""
        channels, size = CHANNELS[1], self.sizes[1]
        if self.options.col2im == "slices":
            dx = np.empty((channels, size, size, BATCH), self.dtype)
            _col2im_slices(dcols, dx, lead=1)
            return dx
        full = size + 2 * PADDING
        dpadded = np.zeros((channels, full, full, BATCH), self.dtype)
        np.add.at(dpadded.reshape(-1), self.scatter, dcols.reshape(-1))
        return dpadded[:, PADDING:-PADDING, PADDING:-PADDING]

    def conv(self, w: Array, cols: Array) -> Array:
        """w (O, C, k, k), cols (C, k, k, H, W, N) -> (O, H, W, N)."""
        kind = self.options.product
        if kind == "matmul":
            out_shape = (w.shape[0], *cols.shape[3:])
            return (w.reshape(w.shape[0], -1) @ cols.reshape(-1, math.prod(out_shape[1:]))).reshape(
                out_shape
            )
        if kind == "tensordot":
            return np.tensordot(w, cols, axes=3)
        return np.einsum("ocij,cijhwn->ohwn", w, cols)

    def weight_grad(self, g: Array, cols: Array) -> Array:
        """g (O, H, W, N), cols (C, k, k, H, W, N) -> (O, C, k, k)."""
        kind = self.options.product
        if kind == "matmul":
            o, k = g.shape[0], math.prod(cols.shape[:3])
            return (g.reshape(o, -1) @ cols.reshape(k, -1).T).reshape(o, *cols.shape[:3])
        if kind == "tensordot":
            return np.tensordot(g, cols, axes=([1, 2, 3], [3, 4, 5]))
        return np.einsum("ohwn,cijhwn->ocij", g, cols)

    def input_grad(self, w: Array, g: Array) -> Array:
        """w (O, C, k, k), g (O, H, W, N) -> dcols (C, k, k, H, W, N)."""
        kind = self.options.product
        if kind == "matmul":
            o = w.shape[0]
            return (w.reshape(o, -1).T @ g.reshape(o, -1)).reshape(*w.shape[1:], *g.shape[1:])
        if kind == "tensordot":
            return np.tensordot(w, g, axes=([0], [0]))
        return np.einsum("ocij,ohwn->cijhwn", w, g)

    # -- the step ----------------------------------------------------------------------------

    def step(self) -> float:
        w1, b1, w2, b2, w3, b3 = self.weights
        buffers = self.buffers if self.buffers is not None else self._buffers()
        padded1, cols1 = buffers["padded1"], buffers["cols1"]
        padded2, cols2 = buffers["padded2"], buffers["cols2"]
        inner = (slice(None), slice(PADDING, -PADDING), slice(PADDING, -PADDING))

        # forward; the first pooling writes straight into the second conv's padded input
        padded1[inner] = self.x.transpose(1, 2, 3, 0)
        self.im2col(padded1, cols1)
        a1 = self.conv(w1, cols1)
        a1 += b1[:, None, None, None]
        np.maximum(a1, 0, out=a1)
        parts1 = _pool_parts(a1, lead=1)
        pooled1 = padded2[inner]
        _max_pool(parts1, pooled1)
        self.im2col(padded2, cols2)
        a2 = self.conv(w2, cols2)
        a2 += b2[:, None, None, None]
        np.maximum(a2, 0, out=a2)
        parts2 = _pool_parts(a2, lead=1)
        pooled2 = np.empty(parts2[0].shape, self.dtype)
        _max_pool(parts2, pooled2)
        h = pooled2.reshape(-1, BATCH)  # (C*H*W, N): PyTorch's flatten order, batch innermost
        logits = w3 @ h
        logits += b3[:, None]
        loss, g = _softmax_cross_entropy(logits, self.y, axis=0)

        # backward
        dw3, db3 = g @ h.T, g.sum(axis=1)
        dh = (w3.T @ g).reshape(pooled2.shape)
        da2 = np.empty_like(a2)
        _relu_max_pool_backward(parts2, pooled2, dh, _pool_parts(da2, lead=1))
        dw2, db2 = self.weight_grad(da2, cols2), da2.sum(axis=(1, 2, 3))
        dpooled1 = self.col2im(self.input_grad(w2, da2))
        da1 = np.empty_like(a1)
        _relu_max_pool_backward(parts1, pooled1, dpooled1, _pool_parts(da1, lead=1))
        dw1, db1 = self.weight_grad(da1, cols1), da1.sum(axis=(1, 2, 3))

        for w, dw in zip(self.weights, (dw1, db1, dw2, db2, dw3, db3)):
            w -= LEARNING_RATE * dw
        return loss


class HandNCHW:
    """The same step with activations in PyTorch's memory order (N, C, H, W): each conv is
    N GEMMs (a batched matmul), each pooling window two pairs of strided elements."""

    def __init__(self, problem: Problem) -> None:
        self.weights = [w.copy() for w in problem.weights]
        self.x, self.y, self.dtype = problem.x, problem.y, problem.dtype
        self.sizes = problem.sizes
        self.padded, self.cols = [], []
        for channels, size in zip(CHANNELS, self.sizes[:2]):
            full = size + 2 * PADDING
            self.padded.append(np.zeros((BATCH, channels, full, full), self.dtype))
            self.cols.append(np.empty((BATCH, channels, KERNEL, KERNEL, size, size), self.dtype))

    @staticmethod
    def conv(w: Array, cols: Array) -> Array:
        """w (O, C, k, k), cols (N, C, k, k, H, W) -> (N, O, H, W), one GEMM per sample."""
        n, (height, width) = cols.shape[0], cols.shape[4:]
        out = w.reshape(w.shape[0], -1) @ cols.reshape(n, -1, height * width)
        return out.reshape(n, w.shape[0], height, width)

    @staticmethod
    def weight_grad(g: Array, cols: Array) -> Array:
        """Summed over the batch: one batched matmul, then a sum (faster here than a
        tensordot over (N, H*W), which copies cols to put those axes together)."""
        n, o = g.shape[:2]
        per_sample = g.reshape(n, o, -1) @ cols.reshape(n, -1, g.shape[2] * g.shape[3]).swapaxes(
            1, 2
        )
        return per_sample.sum(axis=0).reshape(o, *cols.shape[1:4])

    def step(self) -> float:
        w1, b1, w2, b2, w3, b3 = self.weights
        (padded1, padded2), (cols1, cols2) = self.padded, self.cols
        inner = (slice(None), slice(None), slice(PADDING, -PADDING), slice(PADDING, -PADDING))

        padded1[inner] = self.x
        _im2col_slices(padded1, cols1, lead=2)
        a1 = self.conv(w1, cols1)
        a1 += b1[:, None, None]
        np.maximum(a1, 0, out=a1)
        parts1 = _pool_parts(a1, lead=2)
        pooled1 = padded2[inner]
        _max_pool(parts1, pooled1)
        _im2col_slices(padded2, cols2, lead=2)
        a2 = self.conv(w2, cols2)
        a2 += b2[:, None, None]
        np.maximum(a2, 0, out=a2)
        parts2 = _pool_parts(a2, lead=2)
        pooled2 = np.empty(parts2[0].shape, self.dtype)
        _max_pool(parts2, pooled2)
        h = pooled2.reshape(BATCH, -1)
        logits = h @ w3.T
        logits += b3
        loss, g = _softmax_cross_entropy(logits, self.y, axis=1)

        dw3, db3 = g.T @ h, g.sum(axis=0)
        dh = (g @ w3).reshape(pooled2.shape)
        da2 = np.empty_like(a2)
        _relu_max_pool_backward(parts2, pooled2, dh, _pool_parts(da2, lead=2))
        dw2, db2 = self.weight_grad(da2, cols2), da2.sum(axis=(0, 2, 3))
        o2 = w2.shape[0]
        dcols2 = (w2.reshape(o2, -1).T @ da2.reshape(BATCH, o2, -1)).reshape(cols2.shape)
        dpooled1 = np.empty(pooled1.shape, self.dtype)
        _col2im_slices(dcols2, dpooled1, lead=2)
        da1 = np.empty_like(a1)
        _relu_max_pool_backward(parts1, pooled1, dpooled1, _pool_parts(da1, lead=2))
        dw1, db1 = self.weight_grad(da1, cols1), da1.sum(axis=(0, 2, 3))

        for w, dw in zip(self.weights, (dw1, db1, dw2, db2, dw3, db3)):
            w -= LEARNING_RATE * dw
        return loss


def make_numpy(problem: Problem, options: HandOptions = HandOptions()) -> Contender:
    hand = HandCHWN(problem, options)
    return Contender(hand.step, lambda: [w.copy() for w in hand.weights])


def make_numpy_nchw(problem: Problem) -> Contender:
    hand = HandNCHW(problem)
    return Contender(hand.step, lambda: [w.copy() for w in hand.weights])


# -- the GEMM floor -------------------------------------------------------------------------


def gemm_shapes(problem: Problem) -> list[tuple[str, int, int, int, bool, bool]]:
    """The step's matrix products as ``(what, m, k, n, a transposed, b transposed)`` in the
    CHWN layout: each conv's forward and weight gradient, the second conv's input gradient
    (the first one's input is the batch, which needs none), and the Linear's three."""
    shapes = []
    for layer, (c_in, c_out, size) in enumerate(zip(CHANNELS, CHANNELS[1:], problem.sizes), 1):
        windows, taps = size * size * BATCH, c_in * KERNEL * KERNEL
        shapes.append((f"conv{layer} forward", c_out, taps, windows, False, False))
        shapes.append((f"conv{layer} weight grad", c_out, windows, taps, False, True))
        if layer > 1:
            shapes.append((f"conv{layer} input grad", taps, c_out, windows, True, False))
    features = problem.features
    shapes.append(("linear forward", CLASSES, features, BATCH, False, False))
    shapes.append(("linear weight grad", CLASSES, BATCH, features, False, True))
    shapes.append(("linear input grad", features, CLASSES, BATCH, True, False))
    return shapes


def make_floor(problem: Problem) -> tuple[Step, float]:
    """A "step" that runs only the step's GEMMs (into preallocated outputs, transposed
    operands as views, as the step passes them), and their FLOPs."""
    rng = np.random.default_rng(SEED)
    products = []
    flops = 0
    for _, m, k, n, a_t, b_t in gemm_shapes(problem):
        a = rng.random((k, m) if a_t else (m, k)).astype(problem.dtype)
        b = rng.random((n, k) if b_t else (k, n)).astype(problem.dtype)
        products.append((a.T if a_t else a, b.T if b_t else b, np.empty((m, n), problem.dtype)))
        flops += 2 * m * k * n

    def step() -> float:
        for a, b, out in products:
            np.matmul(a, b, out=out)
        return 0.0

    return step, flops


# -- measuring -------------------------------------------------------------------------------


def check_against(reference: Contender, problem: Problem, contenders: dict[str, Contender]) -> None:
    """Every contender's first losses, and the change its first steps make to every
    parameter, must agree with the reference's (a wrong model or gradient shows here)."""
    losses = [reference.step() for _ in range(STEPS_CHECKED)]
    moved = [w - w0 for w, w0 in zip(reference.weights(), problem.weights)]
    tolerance = 1e-4 if problem.dtype is np.float32 else 1e-10
    for name, contender in contenders.items():
        theirs = [contender.step() for _ in range(STEPS_CHECKED)]
        if not np.allclose(theirs, losses, rtol=tolerance, atol=0.0):
            raise AssertionError(f"{problem.label} {name}: losses {theirs} differ from {losses}")
        for pname, w, w0, ref in zip(PARAMETER_NAMES, contender.weights(), problem.weights, moved):
            error = float(np.abs((w - w0) - ref).max() / np.abs(ref).max())
            if not error <= 10 * tolerance:
                raise AssertionError(
                    f"{problem.label} {name}: after {STEPS_CHECKED} steps, {pname} moved by "
                    f"{error:.2g} (relative) from where the reference's moved"
                )


@dataclass
class Result:
    """The minima of one (side, dtype), by row name, in seconds; and the floor's GFLOP."""

    problem: Problem
    seconds: dict[str, float]
    flops: float


REFERENCE, AUTOGRADS, DEZERO, NUMPY, FLOOR = (
    "PyTorch",
    "AutoGrads (nn)",
    "DeZero",
    "numpy by hand",
    "GEMM floor",
)
ROWS = (REFERENCE, AUTOGRADS, DEZERO, NUMPY, FLOOR)
MAKERS: dict[str, Callable[[Problem], Contender]] = {
    AUTOGRADS: make_autograds,
    DEZERO: make_dezero,
    NUMPY: make_numpy,
}


def missing_rows() -> dict[str, str]:
    """The rows that cannot run here, with the reason (they are left out of the timing)."""
    missing = {}
    why = autograds_missing()
    if why is not None:
        missing[AUTOGRADS] = why
    try:
        _import_dezero()
    except ImportError as error:
        missing[DEZERO] = f"not installed ({error.name})"
    return missing


def bench(problem: Problem, missing: dict[str, str]) -> Result:
    names = [name for name in MAKERS if name not in missing]
    check_against(make_torch(problem), problem, {name: MAKERS[name](problem) for name in names})
    steps = {REFERENCE: make_torch(problem).step}
    steps.update({name: MAKERS[name](problem).step for name in names})
    steps[FLOOR], flops = make_floor(problem)
    # A full collection costs ~0.1 s with PyTorch imported and no step here leaves cyclic
    # garbage: collect once, not before every call.
    gc.collect()
    timings = interleaved(steps, REPEATS[problem.side], warmup=3, collect=False)
    return Result(problem, {name: timing.min for name, timing in timings.items()}, flops)


def table(results: Sequence[Result], missing: dict[str, str]) -> tuple[str, list[str]]:
    """The markdown table (a row per contender, two columns per (side, dtype)), and the
    met/not-met marks of AutoGrads' goals."""
    header = ["contender"]
    for result in results:
        header += [f"{result.problem.label} ms", "÷ PyTorch"]
    rows = []
    for name in ROWS:
        row = [name]
        for result in results:
            if name in missing:
                row += ["—", ""]
                continue
            seconds = result.seconds[name]
            row += [f"{seconds * 1e3:.3g}", format_ratio(seconds / result.seconds[REFERENCE])]
        rows.append(row)
    flops, speeds = ["GEMM floor: its GFLOP"], ["GEMM floor: GFLOP/s"]
    for result in results:
        flops += [f"{result.flops / 1e9:.3g}", ""]
        speeds += [f"{result.flops / result.seconds[FLOOR] / 1e9:.3g}", ""]
    rows += [flops, speeds]
    goals, met = ["goal: AutoGrads ÷ PyTorch"], []
    for result in results:
        limit = GOALS[result.problem.side]
        if AUTOGRADS in missing:
            goals += ["", f"≤ {limit:.2f}"]
            continue
        ok = result.seconds[AUTOGRADS] / result.seconds[REFERENCE] <= limit
        met.append(OK if ok else FAIL)
        goals += ["", f"≤ {limit:.2f} {met[-1]}"]
    rows.append(goals)
    return markdown_table(header, rows), met


def main_table(problems: Sequence[Problem]) -> None:
    missing = missing_rows()
    for name, why in missing.items():
        print(f"cnn_step: the {name} row is left out: {why}", flush=True)
    results = []
    for problem in problems:
        results.append(bench(problem, missing))
        print(f"cnn_step: {problem.label} done", flush=True)
    text, met = table(results, missing)
    if DEZERO in missing:
        dezero = missing[DEZERO]
    else:
        by_dtype = {problem.dtype: problem for problem in problems}  # one problem per dtype
        dezero = "; ".join(f"{np.dtype(d).name}: {dezero_dtypes(p)}" for d, p in by_dtype.items())
    notes = [
        "Method: min of N interleaved repeats (PyTorch, AutoGrads, DeZero, numpy, floor, "
        f"PyTorch, ...) after 3 untimed warm-up steps (N = {REPEATS[8]} for 8x8, "
        f"{REPEATS[28]} for 28x28); the cyclic garbage collector is paused while timing, for "
        "all alike. One thread everywhere. ÷ PyTorch: time over PyTorch's (lower is faster).",
        f"The step: forward, cross-entropy (mean), backward for every parameter, SGD (lr "
        f"{LEARNING_RATE}); batch {BATCH} of random images; weights drawn once with PyTorch's "
        f"default bounds and loaded into every contender. Each contender's first "
        f"{STEPS_CHECKED} losses and the change its steps make to every parameter are "
        "checked against PyTorch's.",
        "PyTorch: torch.nn.Sequential, F.cross_entropy, torch.optim.SGD, on its own CPU "
        "kernels (torch.set_num_threads(1)). AutoGrads: the same model written with nn "
        "(nn.Sequential of nn.Conv2d, nn.ReLU, nn.MaxPool2d, nn.Flatten, nn.Linear; "
        "nn.cross_entropy; nn.SGD), PyTorch's weights loaded with load_state_dict.",
        "DeZero 0.0.13: its dezero.layers.Conv2d (im2col + tensordot), "
        "dezero.functions.pooling, dezero.layers.Linear, softmax_cross_entropy, "
        "dezero.optimizers.SGD. It always computes the batch's gradient too (it has no way to "
        f"skip an input). What it computes in: {dezero}. (Its loss's gradient is float64 in "
        "float32 too, softmax minus a one-hot of the int64 targets, so its Linear's backward "
        "runs in float64; its pooling's backward casts back to the input's dtype.)",
        "numpy by hand: the step written out with numpy, activations stored batch-innermost "
        "(C, H, W, N): im2col as k*k slice copies into a reused buffer, each conv one GEMM "
        "W (C_out, C*k*k) @ cols (C*k*k, H*W*N), 2x2 pooling a reshape into four strided "
        "views, col2im as k*k shifted slice adds; `python benchmarks/cnn_step.py --variants` "
        "times the alternatives.",
        "GEMM floor: only the step's matrix products (each conv's forward and weight "
        "gradient, the second conv's input gradient, the Linear's three), with the step's "
        "shapes and dtype, into preallocated outputs, timed in the same run (ms); GFLOP/s: "
        "their FLOPs over that time. No numpy step can beat it.",
    ]
    peers = ["autograds-tensorgrad", "autograds-nn", "numpy", "torch", "dezero"]
    title = "One CNN training step: AutoGrads and its peers"
    report("cnn_step", title, peers, text, met, notes)


# -- the profile and the variants ---------------------------------------------------------


def profile(problems: Sequence[Problem]) -> None:
    """A cProfile of the AutoGrads step (top 25 functions by own time) for each problem."""
    why = autograds_missing()
    if why is not None:
        sys.exit(f"cnn_step --profile: AutoGrads cannot run: {why}")
    for problem in problems:
        step = make_autograds(problem).step
        for _ in range(3):
            step()
        steps = PROFILED_STEPS[problem.side]
        profiler = cProfile.Profile()
        gc.collect()
        profiler.enable()
        for _ in range(steps):
            step()
        profiler.disable()
        print(f"\n## AutoGrads step, {problem.label}: {steps} steps, top 25 by own time\n")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


VARIANTS: dict[str, Callable[[Problem], Contender]] = {
    "chosen: CHWN, " + HandOptions().describe(): make_numpy,
    "layout NCHW (batched matmul)": make_numpy_nchw,
    "im2col: sliding_window_view copy": lambda p: make_numpy(p, HandOptions(im2col="windows")),
    "col2im: np.add.at": lambda p: make_numpy(p, HandOptions(col2im="add.at")),
    "product: np.tensordot": lambda p: make_numpy(p, HandOptions(product="tensordot")),
    "product: np.einsum": lambda p: make_numpy(p, HandOptions(product="einsum")),
    "buffers: fresh every step": lambda p: make_numpy(p, HandOptions(buffers="fresh")),
}


def variants(problems: Sequence[Problem]) -> None:
    """Time variants of the numpy step by hand against the chosen one, interleaved."""
    chosen = next(iter(VARIANTS))
    results = []
    for problem in problems:
        check_against(
            make_torch(problem), problem, {name: make(problem) for name, make in VARIANTS.items()}
        )
        steps = {name: make(problem).step for name, make in VARIANTS.items()}
        gc.collect()
        timings = interleaved(steps, REPEATS[problem.side], warmup=3, collect=False)
        results.append({name: timing.min for name, timing in timings.items()})
        print(f"cnn_step --variants: {problem.label} done", flush=True)
    header = ["numpy step by hand"]
    for problem in problems:
        header += [f"{problem.label} ms", "÷ chosen"]
    rows = []
    for name in VARIANTS:
        row = [name]
        for seconds in results:
            row += [f"{seconds[name] * 1e3:.3g}", format_ratio(seconds[name] / seconds[chosen])]
        rows.append(row)
    notes = [
        "Method: as cnn_step.md's (min of interleaved repeats, one thread); every variant's "
        "losses and parameter changes are checked against PyTorch's. Each variant changes "
        "one thing of the chosen step.",
        "layout NCHW: activations in PyTorch's memory order; each conv is N GEMMs (one "
        "batched matmul) and a 2x2 pooling window is two pairs of strided elements.",
        "im2col: sliding_window_view of the padded input, copied into the buffer in one "
        "assignment (instead of k*k slice copies). col2im: np.add.at of the whole dcols "
        "matrix into a zeroed padded buffer, by a precomputed index (instead of k*k shifted "
        "slice adds). product: np.tensordot or np.einsum (default, optimize=False) on the "
        "multi-axis arrays (instead of @ on reshaped matrices). buffers: the padded inputs "
        "and the im2col matrices allocated in every step (instead of once).",
    ]
    # Not report(): this table has no goals to count.
    text = "\n".join(
        [
            "## One CNN training step: variants of the numpy step by hand",
            "",
            *environment(["numpy"]),
            "",
            markdown_table(header, rows),
            "",
            *(f"{i}. {note}" for i, note in enumerate(notes, 1)),
        ]
    )
    print(text)
    print(f"\n(saved to {save_results('cnn_step_variants', text)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--profile", action="store_true", help="cProfile the AutoGrads step")
    mode.add_argument("--variants", action="store_true", help="time numpy-by-hand variants")
    parser.add_argument("--sides", type=int, nargs="+", choices=SIDES, default=list(SIDES))
    parser.add_argument(
        "--dtypes", nargs="+", choices=[np.dtype(d).name for d in DTYPES], default=None
    )
    args = parser.parse_args()
    dtypes = [np.dtype(name).type for name in args.dtypes] if args.dtypes else list(DTYPES)
    problems = [make_problem(side, dtype) for side in args.sides for dtype in dtypes]
    if args.profile:
        profile(problems)
    elif args.variants:
        variants(problems)
    else:
        main_table(problems)


if __name__ == "__main__":
    sys.exit(main())
