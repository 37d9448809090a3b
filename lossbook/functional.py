r"""Every loss of ``torch.nn.functional``, from scratch in NumPy, under the same name.

``lossbook.functional.mse_loss`` is :func:`lossbook.regression.mse_loss`, and
so on: the implementations live in topic modules; this module only gathers
them, so that a parity test against PyTorch is a lookup table::

    import lossbook.functional as LF
    import torch.nn.functional as F
    LF.huber_loss(x, y, delta=2.0)   # equals F.huber_loss(X, Y, delta=2.0)

The 22 losses of ``torch.nn`` in PyTorch 2.13 (every ``*Loss`` class except
``AdaptiveLogSoftmaxWithLoss``, a layer with parameters rather than a loss
function) map to these names. Keyword names and defaults are PyTorch's;
options after the data arguments are keyword-only, and the deprecated
``size_average``/``reduce`` arguments are not supported. Inputs are NumPy
arrays or array-likes; outputs are NumPy arrays of the input's dtype.
"""
from .classification import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    linear_cross_entropy,
    nll_loss,
)
from .embedding import cosine_embedding_loss, triplet_margin_loss, triplet_margin_with_distance_loss
from .likelihood import gaussian_nll_loss, kl_div, poisson_nll_loss
from .margin import (
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    soft_margin_loss,
)
from .regression import huber_loss, l1_loss, mse_loss, smooth_l1_loss
from .sequence import ctc_loss

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cosine_embedding_loss",
    "cross_entropy",
    "ctc_loss",
    "gaussian_nll_loss",
    "hinge_embedding_loss",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "linear_cross_entropy",
    "margin_ranking_loss",
    "mse_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "nll_loss",
    "poisson_nll_loss",
    "smooth_l1_loss",
    "soft_margin_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]
