"""nn: neural-network modules, losses and optimizers on tensorgrad, shaped like torch.nn.

This package is being built: its modules land with the nn issue. For now it only
reserves the name and the distribution ``autograds-nn``.
"""

__all__: list[str] = []
__version__ = "0.1.0"
