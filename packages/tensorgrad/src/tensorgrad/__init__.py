"""tensorgrad: reverse-mode automatic differentiation on numpy arrays.

This package is being built: its engine lands with the tensorgrad issue. For now it
only reserves the name and the distribution ``autograds-tensorgrad``.
"""

__all__: list[str] = []
__version__ = "0.1.0"
