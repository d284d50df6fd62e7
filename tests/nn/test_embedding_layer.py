"""nn.Embedding and nn.functional.embedding: initial values, padding_idx, from_pretrained,
max_norm, the repr, the state dict, dtypes, a training step, and every wrong argument
against its message."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn
import nn.functional as F  # noqa: N812  (PyTorch's conventional name)
import tensorgrad as tg
from tensorgrad import Value, gradcheck


def test_the_table_is_standard_normal_with_the_padding_row_zero() -> None:
    emb = nn.Embedding(2000, 50, padding_idx=-2, generator=np.random.default_rng(0))
    assert emb.padding_idx == 1998  # counted from the end, kept as the row it names
    w = emb.weight.data
    assert w.shape == (2000, 50)
    assert w.dtype == np.float64
    np.testing.assert_array_equal(w[1998], 0.0)
    assert abs(w.mean()) < 0.01
    assert abs(w.std() - 1.0) < 0.01
    assert emb.weight.requires_grad
    assert [name for name, _ in emb.named_parameters()] == ["weight"]


def test_the_forward_is_the_lookup_and_the_gradient_adds_rows() -> None:
    emb = nn.Embedding(4, 2, padding_idx=0, dtype=np.float32)
    idx = np.array([[1, 1, 0], [3, 1, 0]])
    out = emb(idx)
    assert out.dtype == np.float32
    assert out.shape == (2, 3, 2)
    np.testing.assert_array_equal(out.data, emb.weight.data[idx])
    out.sum().backward()
    assert emb.weight.grad.dtype == np.float32
    np.testing.assert_array_equal(emb.weight.grad, [[0, 0], [3, 3], [0, 0], [1, 1]])
    assert F.embedding is tg.embedding


def test_gradients_against_central_differences() -> None:
    idx = np.array([[2, 0, 2], [1, 2, 2]])
    emb = nn.Embedding(3, 2, generator=np.random.default_rng(1))
    gradcheck(lambda w: (tg.embedding(idx, w) ** 2).sum(), emb.weight)


def test_from_pretrained_is_frozen_and_keeps_its_table() -> None:
    table = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    emb = nn.Embedding.from_pretrained(table, padding_idx=0)
    assert not emb.weight.requires_grad
    np.testing.assert_array_equal(emb.weight.data, table)  # the padding row is not zeroed
    assert emb.weight.dtype == np.float32
    table[0, 0] = 9.0
    assert emb.weight.data[0, 0] == 1.0  # a copy
    trained = nn.Embedding.from_pretrained(Value(table), freeze=False)
    trained(np.array([1, 1])).sum().backward()
    np.testing.assert_array_equal(trained.weight.grad, [[0, 0], [2, 2]])


def test_max_norm_renormalizes_the_rows_looked_up() -> None:
    emb = nn.Embedding.from_pretrained(np.array([[3.0, 4.0], [6.0, 8.0]]), max_norm=1.0)
    emb(np.array([0]))
    np.testing.assert_allclose(np.linalg.norm(emb.weight.data, axis=1), [1.0, 10.0], rtol=1e-6)


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (lambda: nn.Embedding(10, 3), "Embedding(10, 3)"),
        (lambda: nn.Embedding(10, 3, padding_idx=-1), "Embedding(10, 3, padding_idx=9)"),
        (lambda: nn.Embedding(10, 3, max_norm=1, norm_type=1, scale_grad_by_freq=True),
         "Embedding(10, 3, max_norm=1, norm_type=1, scale_grad_by_freq=True)"),
    ],
)  # fmt: skip
def test_the_repr_is_pytorchs(make: Any, text: str) -> None:
    assert repr(make()) == text


def test_the_state_dict_has_the_weight_and_loads_back() -> None:
    a, b = nn.Embedding(5, 2), nn.Embedding(5, 2)
    state = a.state_dict()
    assert list(state) == ["weight"]
    b.load_state_dict(state)
    np.testing.assert_array_equal(b.weight.data, a.weight.data)


def test_an_embedding_trains() -> None:
    emb = nn.Embedding(3, 2, generator=np.random.default_rng(0))
    opt = nn.SGD(emb.parameters(), lr=0.5)
    target = np.array([[1.0, 0.0], [0.0, 1.0]])
    for _ in range(50):
        opt.zero_grad()
        loss = F.mse_loss(emb(np.array([2, 0])), target)
        loss.backward()
        opt.step()
    np.testing.assert_allclose(emb.weight.data[[2, 0]], target, atol=1e-3)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: nn.Embedding(2.0, 3), TypeError, "Embedding: num_embeddings must be"),
        (lambda: nn.Embedding(3, -1), ValueError, "Embedding: embedding_dim must be a non-neg"),
        (lambda: nn.Embedding(3, 2, padding_idx=3), ValueError,
         r"Embedding: padding_idx 3 is out of range for num_embeddings 3"),
        (lambda: nn.Embedding(3, 2, padding_idx="0"), TypeError,
         "Embedding: padding_idx must be an int, got str"),
        (lambda: nn.Embedding(3, 2, sparse=True), ValueError,
         "Embedding: sparse=True is not supported"),
        (lambda: nn.Embedding(3, 2, sparse="no"), TypeError, "Embedding: sparse must be a bool"),
        (lambda: nn.Embedding(3, 2, max_norm="1"), TypeError,
         "Embedding: max_norm must be a real number"),
        (lambda: nn.Embedding(3, 2, dtype=np.int64), TypeError,
         "Embedding: dtype must be float32 or float64"),
        (lambda: nn.Embedding(3, 2, _weight=np.ones((2, 3))), ValueError,
         r"Embedding: _weight of shape \(2, 3\) does not match .* \(3, 2\)"),
        (lambda: nn.Embedding(2, 2, _weight=np.eye(2, dtype=int)), TypeError,
         "Embedding: _weight must be a Value or a float array, got dtype int64"),
        (lambda: nn.Embedding.from_pretrained(np.ones(3)), ValueError,
         r"Embedding.from_pretrained: embeddings must be 2-d, .*got shape \(3,\)"),
        (lambda: nn.Embedding.from_pretrained([[1.0]]), TypeError,
         "Embedding.from_pretrained: embeddings must be a Value or a float array, got list"),
        (lambda: nn.Embedding(3, 2)(np.array([0.0])), TypeError,
         "embedding: input must hold integer indices"),
        (lambda: nn.Embedding(3, 2)(np.array([3])), IndexError,
         "embedding: index 3 is out of range for num_embeddings 3"),
    ],
)  # fmt: skip
def test_wrong_arguments_are_refused_by_name(
    call: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()
