"""Optimizers, as ``torch.optim``: SGD, Adam, AdamW, RMSprop, Adagrad; learning-rate schedules.

A training step is ``opt.zero_grad(); loss.backward(); opt.step()``.

Examples
--------
>>> import numpy as np
>>> import nn
>>> model = nn.Linear(3, 1)
>>> opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
>>> scheduler = nn.optim.lr_scheduler.StepLR(opt, step_size=10)
>>> x, y = np.ones((4, 3)), np.zeros((4, 1))
>>> opt.zero_grad()
>>> nn.mse_loss(model(x), y).backward()
>>> opt.step()
>>> scheduler.step()
"""

from nn.optim import lr_scheduler
from nn.optim.adagrad import Adagrad
from nn.optim.adam import Adam, AdamW
from nn.optim.optimizer import Optimizer
from nn.optim.rmsprop import RMSprop
from nn.optim.sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
