"""Utilities for training, as ``torch.nn.utils``: gradient clipping, parameters as a vector.

* :func:`clip_grad_norm_` and :func:`clip_grad_value_` (in :mod:`nn.utils.clip_grad`):
  tame the gradients in place, between ``backward()`` and ``step()``.
* :func:`parameters_to_vector` and :func:`vector_to_parameters` (in
  :mod:`nn.utils.convert_parameters`): all the parameters as one flat vector, and back.

Examples
--------
>>> import numpy as np
>>> import nn
>>> model = nn.Linear(3, 1)
>>> nn.mse_loss(model(np.ones((4, 3)) * 100), np.zeros((4, 1))).backward()
>>> norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
>>> bool(norm.item() > 1.0)
True
>>> total = np.sqrt(sum((p.grad ** 2).sum() for p in model.parameters()))
>>> bool(abs(total - 1.0) < 1e-5)
True
"""

from nn.utils import clip_grad, convert_parameters
from nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_
from nn.utils.convert_parameters import parameters_to_vector, vector_to_parameters

__all__ = [
    "clip_grad",
    "clip_grad_norm_",
    "clip_grad_value_",
    "convert_parameters",
    "parameters_to_vector",
    "vector_to_parameters",
]
