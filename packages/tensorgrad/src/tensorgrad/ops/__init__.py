"""tensorgrad's operations, one module per family, each op's forward and backward side by side.

====================================  =========================================================
:mod:`~tensorgrad.ops.arithmetic`     ``+ - * / ** // % -x``, ``fmod lerp maximum minimum``
:mod:`~tensorgrad.ops.unary`          ``exp log sqrt sin erf floor clamp``..., ``tanh relu``
:mod:`~tensorgrad.ops.activation`     ``leaky_relu gelu elu selu silu softplus hardtanh``...
:mod:`~tensorgrad.ops.reduce`         ``sum mean prod max min amax amin``, ``var std norm``,
                                      ``cumsum cumprod``, ``argmax argmin all any``
:mod:`~tensorgrad.ops.linalg`         ``@`` (``matmul``), ``linear``, ``outer einsum``
:mod:`~tensorgrad.ops.shape`          ``reshape transpose``..., ``concatenate stack``,
                                      ``pad flip``...
:mod:`~tensorgrad.ops.index`          ``x[index]``, ``gather take_along_axis index_select``,
                                      ``scatter scatter_add masked_fill``
:mod:`~tensorgrad.ops.select`         comparisons (``<``, ``==``...), ``where``, ``tril triu``
:mod:`~tensorgrad.ops.softmax`        ``softmax log_softmax logsumexp``
:mod:`~tensorgrad.ops.normalization`  ``layer_norm batch_norm group_norm``
:mod:`~tensorgrad.ops.attention`      ``scaled_dot_product_attention``, ``attention_weights``
:mod:`~tensorgrad.ops.convolution`    ``conv2d conv1d conv_transpose2d``, ``unfold fold``
:mod:`~tensorgrad.ops.pooling`        ``max_pool2d avg_pool2d adaptive_avg_pool2d``, 1-d forms
:mod:`~tensorgrad.ops.embedding`      ``embedding``
====================================  =========================================================

Every op ends with :func:`tensorgrad.record.record`, the one way a result joins the graph;
a learner's own op does too, through :class:`tensorgrad.Function`.
"""

__all__ = [
    "activation",
    "arithmetic",
    "attention",
    "convolution",
    "embedding",
    "index",
    "linalg",
    "normalization",
    "pooling",
    "reduce",
    "select",
    "shape",
    "softmax",
    "unary",
]
