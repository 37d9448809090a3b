r"""lossbook: the tested helper package of the book *Loss Functions in Deep Learning*.

Topic modules:

* :mod:`lossbook.regression`: regression losses and their gradient twins;
* :mod:`lossbook.classification`: softmax, cross-entropy, BCE, focal losses;
* :mod:`lossbook.information`: entropy, cross-entropy and KL of distributions;
* :mod:`lossbook.similarity`: cosine similarity and Dice losses;
* :mod:`lossbook.margin`: the hinge loss;
* :mod:`lossbook.training`: the training loop of chapter 1;
* :mod:`lossbook.vectorize`: a loss as a loop vs vectorised, and a timer;
* :mod:`lossbook.data`: small synthetic datasets (every generator takes an ``rng``);
* :mod:`lossbook.plotting`: the book's figure style.

Conventions: ``(input, target)`` order as in PyTorch; options after ``target``
are keyword-only; ``reduction`` is ``"mean"``, ``"sum"`` or ``"none"``;
NumPy in, NumPy out, keeping the input's dtype.
"""
from . import classification, data, information, margin, plotting, regression, similarity, training
from .classification import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    categorical_cross_entropy,
    categorical_cross_entropy_grad,
    cross_entropy,
    cross_entropy_grad,
    log_softmax,
    logsumexp,
    nll_loss,
    nll_loss_grad,
    sigmoid_focal_loss,
    sigmoid_focal_loss_grad,
    softmax,
    softmax_focal_loss,
    softmax_focal_loss_grad,
    sparse_categorical_cross_entropy,
    sparse_categorical_cross_entropy_grad,
)
from .information import entropy, kl_divergence
from .margin import hinge_loss, hinge_loss_grad
from .regression import (
    huber_loss,
    huber_loss_grad,
    l1_loss,
    l1_loss_grad,
    log_cosh_loss,
    log_cosh_loss_grad,
    mape_loss,
    mape_loss_grad,
    mpe_loss,
    mpe_loss_grad,
    mse_loss,
    mse_loss_grad,
    msle_loss,
    msle_loss_grad,
    quantile_loss,
    quantile_loss_grad,
    rmse_loss,
    rmse_loss_grad,
    smooth_l1_loss,
    smooth_l1_loss_grad,
)
from .similarity import (
    cosine_similarity,
    cosine_similarity_loss,
    cosine_similarity_loss_grad,
    dice_loss,
    dice_loss_grad,
)
from .training import default_device, fit_line, fit_line_torch

__version__ = "0.1.0"

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "categorical_cross_entropy",
    "categorical_cross_entropy_grad",
    "classification",
    "cosine_similarity",
    "cosine_similarity_loss",
    "cosine_similarity_loss_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "data",
    "default_device",
    "dice_loss",
    "dice_loss_grad",
    "entropy",
    "fit_line",
    "fit_line_torch",
    "hinge_loss",
    "hinge_loss_grad",
    "huber_loss",
    "huber_loss_grad",
    "information",
    "kl_divergence",
    "l1_loss",
    "l1_loss_grad",
    "log_cosh_loss",
    "log_cosh_loss_grad",
    "log_softmax",
    "logsumexp",
    "mape_loss",
    "mape_loss_grad",
    "margin",
    "mpe_loss",
    "mpe_loss_grad",
    "mse_loss",
    "mse_loss_grad",
    "msle_loss",
    "msle_loss_grad",
    "nll_loss",
    "nll_loss_grad",
    "plotting",
    "quantile_loss",
    "quantile_loss_grad",
    "regression",
    "rmse_loss",
    "rmse_loss_grad",
    "sigmoid_focal_loss",
    "sigmoid_focal_loss_grad",
    "similarity",
    "smooth_l1_loss",
    "smooth_l1_loss_grad",
    "softmax",
    "softmax_focal_loss",
    "softmax_focal_loss_grad",
    "sparse_categorical_cross_entropy",
    "sparse_categorical_cross_entropy_grad",
    "training",
]
