"""tensorgrad's operations, one module per family, each op's forward and backward side by side.

=================================  =========================================================
:mod:`~tensorgrad.ops.arithmetic`  ``+ - * / **``, ``-x``, ``maximum``, ``minimum``
:mod:`~tensorgrad.ops.unary`       ``exp log sqrt abs clip astype``, ``tanh sigmoid relu``
:mod:`~tensorgrad.ops.reduce`      ``sum mean max min``, ``argmax``
:mod:`~tensorgrad.ops.linalg`      ``@`` (``matmul``), ``linear``
:mod:`~tensorgrad.ops.shape`       ``reshape transpose``..., ``concatenate stack``
:mod:`~tensorgrad.ops.index`       ``x[index]``
:mod:`~tensorgrad.ops.select`      comparisons (``<``, ``==``...), ``where``
:mod:`~tensorgrad.ops.softmax`     ``softmax log_softmax logsumexp``
=================================  =========================================================

Every op ends with :func:`tensorgrad.record.record`, the one way a result joins the graph;
a learner's own op does too, through :class:`tensorgrad.Function`.
"""

__all__ = ["arithmetic", "index", "linalg", "reduce", "select", "shape", "softmax", "unary"]
