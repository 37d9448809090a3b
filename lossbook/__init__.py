r"""lossbook: the tested helper package of the book *Loss Functions in Deep Learning*.

Topic modules:

* :mod:`lossbook.regression`: regression losses and their gradient twins;
* :mod:`lossbook.training`: the training loop of chapter 1;
* :mod:`lossbook.data`: small synthetic datasets (every generator takes an ``rng``);
* :mod:`lossbook.plotting`: the book's figure style.

Conventions: ``(input, target)`` order as in PyTorch; options after ``target``
are keyword-only; ``reduction`` is ``"mean"``, ``"sum"`` or ``"none"``;
NumPy in, NumPy out, keeping the input's dtype.
"""
from . import data, plotting, regression, training
from .regression import l1_loss, l1_loss_grad, mse_loss, mse_loss_grad
from .training import default_device, fit_line, fit_line_torch

__version__ = "0.1.0"

__all__ = [
    "data",
    "default_device",
    "fit_line",
    "fit_line_torch",
    "l1_loss",
    "l1_loss_grad",
    "mse_loss",
    "mse_loss_grad",
    "plotting",
    "regression",
    "training",
]
