"""End to end: nn trains real classifiers, deterministically (seeded weights and batches)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_moons
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits  # installed with scikit-learn

import nn
from nn.data import DataLoader, TensorDataset
from tensorgrad import no_grad


@pytest.fixture(autouse=True)
def one_blas_thread() -> Iterator[None]:
    """These matrices are small: threads only add overhead, and on a busy machine they wait
    for each other (the digits run took 0.4 s on one thread, up to 14 s on two)."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    model.eval()
    with no_grad():
        predictions = model(x).argmax(axis=1)
    model.train()
    return float((predictions == y).mean())


def test_mlp_learns_the_moons() -> None:
    x, y = make_moons(n_samples=200, noise=0.1, random_state=0)
    model = nn.MLP(2, [16, 16, 2], generator=np.random.default_rng(0))
    opt = nn.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(300):
        opt.zero_grad()
        loss = nn.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    assert accuracy(model, x, y) >= 0.97


def test_mlp_learns_the_digits() -> None:
    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        x / 16.0, y, test_size=0.25, random_state=0, stratify=y
    )
    model = nn.Sequential(
        nn.Linear(64, 128, generator=np.random.default_rng(0)),
        nn.ReLU(),
        nn.Dropout(0.1, generator=np.random.default_rng(1)),
        nn.Linear(128, 10, generator=np.random.default_rng(2)),
    )
    opt = nn.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(
        TensorDataset(x_train, y_train),
        batch_size=64,
        shuffle=True,
        generator=np.random.default_rng(3),
    )
    scheduler = nn.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=30)
    for _ in range(30):
        for xb, yb in loader:
            opt.zero_grad()
            nn.cross_entropy(model(xb), yb, label_smoothing=0.05).backward()
            opt.step()
        scheduler.step()
    assert accuracy(model, x_test, y_test) >= 0.96
