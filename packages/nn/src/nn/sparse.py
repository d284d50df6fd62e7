"""Embedding layers: :class:`Embedding`, a learned table of vectors looked up by index, on
:func:`tensorgrad.embedding` (PyTorch's module name, ``torch.nn.modules.sparse``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

import tensorgrad
from nn import init
from nn.checks import check_bool, check_dtype, check_int
from nn.module import Module
from nn.parameter import Parameter
from nn.random import resolve_generator
from tensorgrad import Value
from tensorgrad.axes import real_arg
from tensorgrad.ops.embedding import padding_index

__all__ = ["Embedding"]


class Embedding(Module):
    """A table of ``num_embeddings`` vectors of ``embedding_dim`` numbers, looked up by
    index, as ``torch.nn.Embedding``: the first layer of a language model.

    The forward pass is :func:`tensorgrad.embedding`: an input of integer indices of any
    shape gives its shape with ``embedding_dim`` added at the end; each row's gradient is
    the sum of the gradients of its copies.

    Parameters
    ----------
    num_embeddings : int
        The number of rows (the vocabulary's size).
    embedding_dim : int
        The length of each row.
    padding_idx : int, optional
        A row that starts at zero and gets no gradient (a padding token's); negative counts
        from the end, and is kept as the row it names.
    max_norm : float, optional
        Rows looked up whose norm is above it are scaled down to it, in place, at each call.
    norm_type : float, default 2.0
        The ``p`` of the p-norm for ``max_norm``.
    scale_grad_by_freq : bool, default False
        Divide each row's gradient by how often the batch holds its index.
    sparse : bool, default False
        Only False: tensorgrad's gradients are dense (``sparse=True`` is refused).
    _weight : Value or ndarray, optional
        The initial table, of shape ``(num_embeddings, embedding_dim)`` (copied, and kept in
        its float dtype), instead of random numbers; as PyTorch's, used by
        :meth:`from_pretrained`.
    _freeze : bool, default False
        Whether the table gets no gradient.
    dtype : dtype, optional
        float32 or float64 (the default), for a table drawn at random.
    generator : numpy.random.Generator, optional
        Where to draw the initial values; by default nn's global generator.

    Attributes
    ----------
    weight : Parameter
        Shape ``(num_embeddings, embedding_dim)``, drawn from N(0, 1) as PyTorch's, with the
        ``padding_idx`` row zero.

    Raises
    ------
    TypeError
        If a size or ``padding_idx`` is not an int, a flag not a bool, ``max_norm`` or
        ``norm_type`` not a number, or ``dtype`` not float32 or float64.
    ValueError
        If a size is negative, ``padding_idx`` is not in ``[-num_embeddings,
        num_embeddings)``, ``sparse`` is True, or ``_weight`` has another shape.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> emb = nn.Embedding(10, 3, padding_idx=0)
    >>> emb
    Embedding(10, 3, padding_idx=0)
    >>> out = emb(np.array([[1, 2, 0], [4, 4, 9]]))
    >>> out.shape
    (2, 3, 3)
    >>> out.sum().backward()
    >>> emb.weight.grad[[0, 4]]
    array([[0., 0., 0.],
           [2., 2., 2.]])
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Value | npt.NDArray[Any] | None = None,
        _freeze: bool = False,
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.num_embeddings = check_int(name, "num_embeddings", num_embeddings, minimum=0)
        self.embedding_dim = check_int(name, "embedding_dim", embedding_dim, minimum=0)
        self.padding_idx = padding_index(padding_idx, self.num_embeddings, name)
        if max_norm is not None:
            real_arg(max_norm, "max_norm", name)
        real_arg(norm_type, "norm_type", name)
        self.max_norm, self.norm_type = max_norm, norm_type  # as given: the repr shows them so
        check_bool(name, "scale_grad_by_freq", scale_grad_by_freq)
        self.scale_grad_by_freq = bool(scale_grad_by_freq)
        check_bool(name, "sparse", sparse)
        if sparse:
            raise ValueError(
                f"{name}: sparse=True is not supported: tensorgrad's gradients are dense "
                "arrays (sparse=False gives the same numbers)"
            )
        self.sparse = False
        check_bool(name, "_freeze", _freeze)
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            self.weight = Parameter(
                np.empty(shape, check_dtype(name, dtype)), requires_grad=not _freeze
            )
            self.reset_parameters(generator)
        else:
            table = _table(_weight, name, "_weight")
            if table.shape != shape:
                raise ValueError(
                    f"{name}: _weight of shape {table.shape} does not match (num_embeddings, "
                    f"embedding_dim) = {shape}"
                )
            self.weight = Parameter(table, requires_grad=not _freeze)

    def reset_parameters(self, generator: np.random.Generator | None = None) -> None:
        """Draw the table again from N(0, 1), the ``padding_idx`` row zero, as PyTorch's.

        Examples
        --------
        >>> import nn
        >>> emb = nn.Embedding(3, 2, padding_idx=-1)
        >>> emb.reset_parameters()
        >>> emb.weight.data[2]
        array([0., 0.])
        """
        init.normal_(self.weight, generator=resolve_generator(generator, type(self).__name__))
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, input: npt.NDArray[Any]) -> Value:
        """The rows at the indices ``input`` (see :func:`tensorgrad.embedding`)."""
        return tensorgrad.embedding(
            input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
            self.scale_grad_by_freq, self.sparse,
        )  # fmt: skip

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        return text

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Value | npt.NDArray[Any],
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding whose table is ``embeddings`` (copied), frozen unless ``freeze`` is
        False, as PyTorch's.

        The table is kept as it is: its ``padding_idx`` row is not zeroed.

        Parameters
        ----------
        embeddings : Value or ndarray
            The table, 2-d: ``(num_embeddings, embedding_dim)``, of float32 or float64.
        freeze : bool, default True
            Whether the table gets no gradient (``weight.requires_grad = False``).
        padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse
            As for :class:`Embedding`.

        Returns
        -------
        Embedding

        Raises
        ------
        ValueError
            If ``embeddings`` is not 2-d; and as :class:`Embedding`.

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> emb = nn.Embedding.from_pretrained(np.array([[1.0, 2.3, 3.0], [4.0, 5.1, 6.3]]))
        >>> emb(np.array([1])).data
        array([[4. , 5.1, 6.3]])
        >>> emb.weight.requires_grad
        False
        """
        table = _table(embeddings, f"{cls.__name__}.from_pretrained", "embeddings")
        if table.ndim != 2:
            raise ValueError(
                f"{cls.__name__}.from_pretrained: embeddings must be 2-d, (num_embeddings, "
                f"embedding_dim), got shape {table.shape}"
            )
        rows, cols = table.shape
        return cls(
            rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
            _weight=table, _freeze=freeze,
        )  # fmt: skip


def _table(weight: object, owner: str, name: str) -> npt.NDArray[Any]:
    """A given table's numbers: a Value's or a float array's (ints and bools refused, as a
    parameter of theirs could not learn)."""
    data = weight.numpy() if isinstance(weight, Value) else weight
    if not isinstance(data, np.ndarray) or data.dtype.kind != "f":
        what = f"dtype {data.dtype}" if isinstance(data, np.ndarray) else type(weight).__name__
        raise TypeError(f"{owner}: {name} must be a Value or a float array, got {what}")
    check_dtype(owner, data.dtype)
    return data
