"""nn: neural-network modules, losses, optimizers and data loading on tensorgrad, as torch.nn.

The parts, each as in PyTorch:

* :class:`Module` and :class:`Parameter`: models as Python objects whose parameters are
  found automatically; ``state_dict``, :func:`save` and :func:`load` to keep them.
* Layers: :class:`Linear`, :class:`ReLU`, :class:`Tanh`, :class:`Sigmoid`,
  :class:`Identity`, :class:`Flatten`, :class:`Dropout`, :class:`Sequential`,
  :class:`ModuleList`, :class:`ModuleDict`, and
  micrograd's :class:`MLP`; initial values in :mod:`nn.init`.
* Losses as functions (:mod:`nn.functional`, also here: :func:`cross_entropy`...) and as
  modules (:class:`CrossEntropyLoss`...).
* Optimizers in :mod:`nn.optim` (also here: :class:`SGD`, :class:`Adam`, :class:`AdamW`,
  :class:`RMSprop`, :class:`Adagrad`)
  and their schedules in :mod:`nn.optim.lr_scheduler`.
* Gradient clipping and parameters as a vector: :mod:`nn.utils`.
* Batches: :mod:`nn.data` (``TensorDataset``, ``DataLoader``).
* Reproducibility: :func:`manual_seed`, or a ``generator=`` argument.

Examples
--------
>>> import numpy as np
>>> import nn
>>> _ = nn.manual_seed(0)
>>> x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
>>> y = np.array([0, 1, 1, 0])  # XOR
>>> model = nn.MLP(2, [8, 2])
>>> opt = nn.Adam(model.parameters(), lr=0.05)
>>> for step in range(200):
...     opt.zero_grad()
...     loss = nn.cross_entropy(model(x), y)
...     loss.backward()
...     opt.step()
>>> model(x).argmax(axis=1)
array([0, 1, 1, 0])
"""

from nn import data, functional, init, optim, utils
from nn.activation import (
    ELU,
    GELU,
    SELU,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
)
from nn.attention import MultiheadAttention
from nn.container import ModuleDict, ModuleList, Sequential
from nn.conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from nn.distance import CosineSimilarity
from nn.dropout import Dropout
from nn.flatten import Flatten
from nn.functional import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from nn.linear import Identity, Linear
from nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from nn.mlp import MLP
from nn.module import Module
from nn.normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm
from nn.optim import SGD, Adagrad, Adam, AdamW, RMSprop
from nn.parameter import Parameter
from nn.pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
)
from nn.random import manual_seed
from nn.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from nn.serialization import load, save
from nn.sparse import Embedding
from nn.transformer import (
    TransformerEncoder,
    TransformerEncoderLayer,
    generate_square_subsequent_mask,
)

__all__ = [
    "ELU",
    "GELU",
    "GRU",
    "LSTM",
    "MLP",
    "RNN",
    "SELU",
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv1d",
    "Conv2d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "CosineSimilarity",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "Flatten",
    "GRUCell",
    "GroupNorm",
    "Hardtanh",
    "HuberLoss",
    "Identity",
    "KLDivLoss",
    "L1Loss",
    "LSTMCell",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSigmoid",
    "LogSoftmax",
    "MSELoss",
    "MaxPool1d",
    "MaxPool2d",
    "Mish",
    "Module",
    "ModuleDict",
    "ModuleList",
    "MultiheadAttention",
    "NLLLoss",
    "Parameter",
    "RMSprop",
    "RNNCell",
    "ReLU",
    "ReLU6",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Softplus",
    "Softsign",
    "Tanh",
    "TransformerEncoder",
    "TransformerEncoderLayer",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "data",
    "functional",
    "generate_square_subsequent_mask",
    "huber_loss",
    "init",
    "kl_div",
    "l1_loss",
    "load",
    "manual_seed",
    "mse_loss",
    "nll_loss",
    "optim",
    "save",
    "smooth_l1_loss",
    "utils",
]
__version__ = "0.2.0"
