r"""lossbook: the tested helper package of the book *Loss Functions in Deep Learning*.

Topic modules:

* :mod:`lossbook.regression`: regression losses and their gradient twins;
* :mod:`lossbook.classification`: softmax, cross-entropy, BCE, focal losses;
* :mod:`lossbook.information`: entropy, cross-entropy and KL of distributions;
* :mod:`lossbook.similarity`: cosine similarity and Dice losses;
* :mod:`lossbook.likelihood`: Poisson, Gaussian and KL negative log-likelihoods;
* :mod:`lossbook.margin`: hinge, ranking and multi-class margin losses;
* :mod:`lossbook.embedding`: cosine-embedding and triplet losses;
* :mod:`lossbook.sequence`: CTC;
* :mod:`lossbook.functional`: all 22 losses of ``torch.nn.functional``, by their names;
* :mod:`lossbook.catalog`: the loss catalog as data (chapter 4);
* :mod:`lossbook.training`: the training loop of chapter 1;
* :mod:`lossbook.backprop`: a NumPy MLP with hand-written backward passes, and a gradient checker;
* :mod:`lossbook.gradflow`: deep networks, gradient-norm measurements and gradient clipping;
* :mod:`lossbook.optim`: SGD, momentum, RMSprop, Adam and AdamW with explicit state, equal to ``torch.optim``;
* :mod:`lossbook.descent`: training the digits MLP with any of those optimizers (chapter 7);
* :mod:`lossbook.schedules`: learning-rate schedules and ReduceLROnPlateau, equal to ``torch.optim.lr_scheduler``;
* :mod:`lossbook.robust`: Barron's general and adaptive robust loss, exact at every alpha (NumPy and PyTorch);
* :mod:`lossbook.amlfs`: AM-LFS, the search for a loss function, with its baselines (PyTorch);
* :mod:`lossbook.exercises`: self-checks for the exercises that ask for code;
* :mod:`lossbook.vectorize`: a loss as a loop vs vectorised, and a timer;
* :mod:`lossbook.data`: small synthetic datasets (every generator takes an ``rng``);
* :mod:`lossbook.plotting`: the book's figure style.

Conventions: ``(input, target)`` order as in PyTorch; options after ``target``
are keyword-only; ``reduction`` is ``"mean"``, ``"sum"`` or ``"none"``;
NumPy in, NumPy out, keeping the input's dtype.
"""
from . import (
    amlfs,
    backprop,
    catalog,
    classification,
    data,
    descent,
    embedding,
    exercises,
    functional,
    gradflow,
    information,
    likelihood,
    margin,
    optim,
    plotting,
    regression,
    robust,
    schedules,
    sequence,
    similarity,
    training,
    vectorize,
)
from .classification import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    categorical_cross_entropy,
    categorical_cross_entropy_grad,
    cross_entropy,
    cross_entropy_grad,
    linear_cross_entropy,
    linear_cross_entropy_grad,
    log_softmax,
    logsumexp,
    nll_loss,
    nll_loss_grad,
    sigmoid,
    sigmoid_focal_loss,
    sigmoid_focal_loss_grad,
    softmax,
    softmax_focal_loss,
    softmax_focal_loss_grad,
    sparse_categorical_cross_entropy,
    sparse_categorical_cross_entropy_grad,
)
from .embedding import (
    cosine_embedding_loss,
    cosine_embedding_loss_grad,
    pairwise_distance,
    triplet_margin_loss,
    triplet_margin_loss_grad,
    triplet_margin_with_distance_loss,
    triplet_margin_with_distance_loss_grad,
)
from .information import entropy, kl_divergence
from .likelihood import (
    gaussian_nll_loss,
    gaussian_nll_loss_grad,
    kl_div,
    kl_div_grad,
    poisson_nll_loss,
    poisson_nll_loss_grad,
)
from .margin import (
    hinge_embedding_loss,
    hinge_embedding_loss_grad,
    hinge_loss,
    hinge_loss_grad,
    margin_ranking_loss,
    margin_ranking_loss_grad,
    multi_margin_loss,
    multi_margin_loss_grad,
    multilabel_margin_loss,
    multilabel_margin_loss_grad,
    multilabel_soft_margin_loss,
    multilabel_soft_margin_loss_grad,
    soft_margin_loss,
    soft_margin_loss_grad,
)
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
from .sequence import ctc_loss, ctc_loss_grad
from .similarity import (
    cosine_similarity,
    cosine_similarity_loss,
    cosine_similarity_loss_grad,
    dice_loss,
    dice_loss_grad,
)
from .training import (
    default_device,
    fit_line,
    fit_line_torch,
    loss_pair,
)

__version__ = "0.1.0"

__all__ = [
    "amlfs",
    "backprop",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "catalog",
    "categorical_cross_entropy",
    "categorical_cross_entropy_grad",
    "classification",
    "cosine_embedding_loss",
    "cosine_embedding_loss_grad",
    "cosine_similarity",
    "cosine_similarity_loss",
    "cosine_similarity_loss_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "ctc_loss",
    "ctc_loss_grad",
    "data",
    "default_device",
    "descent",
    "dice_loss",
    "dice_loss_grad",
    "embedding",
    "entropy",
    "exercises",
    "fit_line",
    "fit_line_torch",
    "functional",
    "gaussian_nll_loss",
    "gaussian_nll_loss_grad",
    "gradflow",
    "hinge_embedding_loss",
    "hinge_embedding_loss_grad",
    "hinge_loss",
    "hinge_loss_grad",
    "huber_loss",
    "huber_loss_grad",
    "information",
    "kl_div",
    "kl_div_grad",
    "kl_divergence",
    "l1_loss",
    "l1_loss_grad",
    "likelihood",
    "linear_cross_entropy",
    "linear_cross_entropy_grad",
    "log_cosh_loss",
    "log_cosh_loss_grad",
    "log_softmax",
    "logsumexp",
    "loss_pair",
    "mape_loss",
    "mape_loss_grad",
    "margin",
    "margin_ranking_loss",
    "margin_ranking_loss_grad",
    "mpe_loss",
    "mpe_loss_grad",
    "mse_loss",
    "mse_loss_grad",
    "msle_loss",
    "msle_loss_grad",
    "multi_margin_loss",
    "multi_margin_loss_grad",
    "multilabel_margin_loss",
    "multilabel_margin_loss_grad",
    "multilabel_soft_margin_loss",
    "multilabel_soft_margin_loss_grad",
    "nll_loss",
    "nll_loss_grad",
    "optim",
    "pairwise_distance",
    "plotting",
    "poisson_nll_loss",
    "poisson_nll_loss_grad",
    "quantile_loss",
    "quantile_loss_grad",
    "regression",
    "rmse_loss",
    "rmse_loss_grad",
    "robust",
    "schedules",
    "sequence",
    "sigmoid",
    "sigmoid_focal_loss",
    "sigmoid_focal_loss_grad",
    "similarity",
    "smooth_l1_loss",
    "smooth_l1_loss_grad",
    "soft_margin_loss",
    "soft_margin_loss_grad",
    "softmax",
    "softmax_focal_loss",
    "softmax_focal_loss_grad",
    "sparse_categorical_cross_entropy",
    "sparse_categorical_cross_entropy_grad",
    "training",
    "triplet_margin_loss",
    "triplet_margin_loss_grad",
    "triplet_margin_with_distance_loss",
    "triplet_margin_with_distance_loss_grad",
    "vectorize",
]
