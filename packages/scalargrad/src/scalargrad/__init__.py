"""scalargrad: reverse-mode automatic differentiation on scalars, in pure Python.

A :class:`Value` wraps one number and remembers the operations that produced it;
``backward()`` then fills ``.grad`` of every Value in the graph using the chain rule.
:mod:`scalargrad.nn` builds neurons, layers and MLPs on top, and :func:`to_dot`
draws a graph.

Examples
--------
>>> from scalargrad import Value
>>> a, b, c = Value(2.0), Value(-3.0), Value(10.0)
>>> y = (a * b + c).tanh()
>>> y.backward()
>>> round(c.grad, 6)
0.001341
"""

from scalargrad import nn
from scalargrad.engine import Value, weighted_sum
from scalargrad.viz import to_dot

__all__ = ["Value", "nn", "to_dot", "weighted_sum"]
__version__ = "0.2.0"
