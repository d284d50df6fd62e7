"""nn: neural-network modules, losses, optimizers and data loading on tensorgrad, as torch.nn.

The parts, each as in PyTorch:

* :class:`Module` and :class:`Parameter`: models as Python objects whose parameters are
  found automatically; ``state_dict``, :func:`save` and :func:`load` to keep them.
* Layers: :class:`Linear`, :class:`ReLU`, :class:`Tanh`, :class:`Sigmoid`,
  :class:`Identity`, :class:`Flatten`, :class:`Dropout`, :class:`Sequential`, and
  micrograd's :class:`MLP`; initial values in :mod:`nn.init`.
* Losses as functions (:mod:`nn.functional`, also here: :func:`cross_entropy`...) and as
  modules (:class:`CrossEntropyLoss`...).
* Optimizers in :mod:`nn.optim` (also here: :class:`SGD`, :class:`Adam`, :class:`AdamW`)
  and their schedules in :mod:`nn.optim.lr_scheduler`.
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

from nn import data, functional, init, optim
from nn.activation import ReLU, Sigmoid, Tanh
from nn.container import Sequential
from nn.dropout import Dropout
from nn.flatten import Flatten
from nn.functional import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    l1_loss,
    mse_loss,
    nll_loss,
)
from nn.linear import Identity, Linear
from nn.loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from nn.mlp import MLP
from nn.module import Module
from nn.optim import SGD, Adam, AdamW
from nn.parameter import Parameter
from nn.random import manual_seed
from nn.serialization import load, save

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "Dropout",
    "Flatten",
    "Identity",
    "L1Loss",
    "Linear",
    "MSELoss",
    "Module",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "data",
    "functional",
    "init",
    "l1_loss",
    "load",
    "manual_seed",
    "mse_loss",
    "nll_loss",
    "optim",
    "save",
]
__version__ = "0.1.0"
