r"""PyTorch's loss catalog as data: what each loss takes, what it is for, its gotcha.

Chapter 4 renders :data:`CATALOG` as its table and runs every entry against
PyTorch; ``tests/test_functional.py`` runs the same entries over every
reduction and dtype. Each entry's ``example(rng)`` makes small data arguments
(NumPy arrays, in the loss's positional order) and ``options`` lists keyword
options to try, the defaults first.
"""
import itertools
import warnings
from typing import Callable, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from . import functional
from .classification import log_softmax, softmax

FAMILIES = ("regression", "probabilistic", "margin and ranking", "embedding", "sequence")


class Entry(NamedTuple):
    r"""One loss of the catalog.

    Attributes:
        name: the functional name (``F.<name>``, ``lossbook.functional.<name>``).
        torch_class: the ``torch.nn`` class.
        family: one of :data:`FAMILIES`.
        input: what the (first) input must be.
        target: what the target must be.
        use: a typical use.
        gotcha: the one thing people get wrong.
        example: ``rng -> tuple`` of data arguments.
        options: keyword options to try (the first is ``{}``).
    """

    name: str
    torch_class: str
    family: str
    input: str
    target: str
    use: str
    gotcha: str
    example: Callable
    options: tuple


def _pair(rng, scale=1.0):
    return scale * rng.normal(size=(4, 3)), rng.normal(size=(4, 3))


def _logits(rng):
    return rng.normal(size=(4, 3))


def _labels(rng):
    return np.array([0, 2, 1, 2])


def _signs(rng, shape=(4, 3)):
    return np.where(rng.uniform(size=shape) < 0.5, -1.0, 1.0)


def _ctc_example(rng):
    log_probs = log_softmax(rng.normal(size=(7, 2, 4)))
    return log_probs, np.array([[1, 2, 2], [3, 1, 0]]), np.array([7, 6]), np.array([3, 2])


W3 = np.array([0.5, 1.0, 2.0])
W43 = np.linspace(0.5, 2.0, 12).reshape(4, 3)  # elementwise weights (PyTorch 2.13)

CATALOG = (
    Entry("l1_loss", "L1Loss", "regression", "predictions", "values, same shape",
          "regression robust to outliers (MAE)", "no gradient at 0; torch uses 0",
          lambda r: _pair(r), ({}, {"weight": W43})),
    Entry("mse_loss", "MSELoss", "regression", "predictions", "values, same shape",
          "regression (MSE)", "squared units; outliers dominate",
          lambda r: _pair(r), ({}, {"weight": W43})),
    Entry("huber_loss", "HuberLoss", "regression", "predictions", "values, same shape",
          "robust regression", "Huber(δ) = δ·SmoothL1(β=δ); weighted mean is over elements",
          lambda r: _pair(r, 3.0), ({}, {"delta": 0.5}, {"delta": 3.0}, {"weight": W43})),
    Entry("smooth_l1_loss", "SmoothL1Loss", "regression", "predictions", "values, same shape",
          "box regression in detection", "linear part has slope 1 for every β",
          lambda r: _pair(r, 3.0), ({}, {"beta": 0.0}, {"beta": 0.5}, {"beta": 3.0})),
    Entry("cross_entropy", "CrossEntropyLoss", "probabilistic", "logits (N, C)",
          "class indices (N,) or probabilities (N, C)", "multi-class classification",
          "takes logits: no softmax before it",
          lambda r: (_logits(r), _labels(r)),
          ({}, {"weight": W3}, {"ignore_index": 1}, {"label_smoothing": 0.1},
           {"weight": W3, "label_smoothing": 0.2, "ignore_index": 0})),
    Entry("nll_loss", "NLLLoss", "probabilistic", "log-probabilities (N, C)", "class indices (N,)",
          "after your own log_softmax", "wants log-probabilities, not probabilities",
          lambda r: (log_softmax(_logits(r)), _labels(r)),
          ({}, {"weight": W3}, {"ignore_index": 2})),
    Entry("binary_cross_entropy", "BCELoss", "probabilistic", "probabilities in [0, 1]",
          "0/1 or soft labels", "binary classification on probabilities",
          "logs clamped at −100; prefer the logits version",
          lambda r: (softmax(_logits(r)), r.uniform(size=(4, 3))), ({}, {"weight": W3})),
    Entry("binary_cross_entropy_with_logits", "BCEWithLogitsLoss", "probabilistic", "logits",
          "0/1 or soft labels", "binary and multi-label classification",
          "pos_weight weights positives per class",
          lambda r: (3 * _logits(r), (r.uniform(size=(4, 3)) > 0.5) * 1.0),
          ({}, {"weight": W3}, {"pos_weight": np.array([1.0, 2.0, 5.0])})),
    Entry("kl_div", "KLDivLoss", "probabilistic", "log Q (log-probabilities)",
          "P (or log P with log_target)", "distillation, matching distributions",
          "kl_div(log Q, P) is KL(P‖Q); use reduction='batchmean'",
          lambda r: (log_softmax(_logits(r)), softmax(_logits(r))), ({},)),
    Entry("poisson_nll_loss", "PoissonNLLLoss", "probabilistic", "log-rate (log_input=True)",
          "counts", "count regression", "input is the log-rate by default; log(y!) dropped",
          lambda r: (_logits(r), r.poisson(3.0, size=(4, 3)) * 1.0), ({}, {"full": True})),
    Entry("gaussian_nll_loss", "GaussianNLLLoss", "probabilistic", "means", "values, plus var",
          "regression with predicted uncertainty", "var is clamped at eps, not eps added",
          lambda r: (_logits(r), _logits(r), r.uniform(0.1, 2.0, size=(4, 3))),
          ({}, {"full": True}, {"eps": 0.5})),
    Entry("linear_cross_entropy", "LinearCrossEntropyLoss", "probabilistic",
          "features (N, D) and a (C, D) weight", "class indices (N,)",
          "large-vocabulary output layers", "fuses the last linear layer into the loss",
          lambda r: (r.normal(size=(4, 5)), r.normal(size=(3, 5)), _labels(r)),
          ({}, {"linear_bias": np.array([0.1, -0.2, 0.3])}, {"label_smoothing": 0.1})),
    Entry("margin_ranking_loss", "MarginRankingLoss", "margin and ranking", "two scores",
          "±1: which should rank higher", "learning to rank", "target is ±1, not 0/1",
          lambda r: (r.normal(size=6), r.normal(size=6), np.array([1, -1, 1, 1, -1, -1.0])),
          ({}, {"margin": 0.5})),
    Entry("hinge_embedding_loss", "HingeEmbeddingLoss", "margin and ranking", "one tensor (a distance)",
          "±1: similar or not", "similarity learning", "takes one tensor, not two inputs",
          lambda r: (r.uniform(0, 2, size=(4, 3)), _signs(r)), ({}, {"margin": 0.5})),
    Entry("soft_margin_loss", "SoftMarginLoss", "margin and ranking", "scores", "±1",
          "binary classification, logistic form", "a mean by default, not a sum",
          lambda r: (3 * _logits(r), _signs(r)), ({},)),
    Entry("multilabel_soft_margin_loss", "MultiLabelSoftMarginLoss", "margin and ranking",
          "logits (N, C)", "0/1 per class", "multi-label classification",
          "takes logits; averages over classes",
          lambda r: (3 * _logits(r), (r.uniform(size=(4, 3)) > 0.5) * 1.0), ({}, {"weight": W3})),
    Entry("multi_margin_loss", "MultiMarginLoss", "margin and ranking", "scores (N, C)",
          "class indices (N,)", "multi-class SVM", "divides by the number of classes",
          lambda r: (_logits(r), _labels(r)), ({}, {"p": 2}, {"margin": 0.3}, {"weight": W3})),
    Entry("multilabel_margin_loss", "MultiLabelMarginLoss", "margin and ranking", "scores (N, C)",
          "label indices, −1-terminated", "multi-label ranking",
          "target lists indices up to the first −1; divides by C",
          lambda r: (_logits(r), np.array([[0, 2, -1], [1, -1, 0], [2, 1, 0], [-1, 0, 0]])), ({},)),
    Entry("cosine_embedding_loss", "CosineEmbeddingLoss", "embedding", "two embeddings (N, D)",
          "±1: similar or not", "learning similar embeddings", "margin applies to dissimilar pairs only",
          lambda r: (_logits(r), _logits(r), np.array([1, -1, 1, -1.0])), ({}, {"margin": 0.2})),
    Entry("triplet_margin_loss", "TripletMarginLoss", "embedding", "anchor, positive, negative",
          "(none)", "face recognition, retrieval", "unsquared distance ‖a − p + eps‖ (not FaceNet's)",
          lambda r: (_logits(r), _logits(r), _logits(r)),
          ({}, {"p": 1.0}, {"swap": True}, {"margin": 0.3, "eps": 1e-3})),
    Entry("triplet_margin_with_distance_loss", "TripletMarginWithDistanceLoss", "embedding",
          "anchor, positive, negative", "(none)", "triplets with your own distance",
          "use it for FaceNet's squared distance",
          lambda r: (_logits(r), _logits(r), _logits(r)), ({}, {"swap": True}, {"margin": 0.3})),
    Entry("ctc_loss", "CTCLoss", "sequence", "log-probabilities (T, N, C)",
          "label sequences + lengths", "speech and handwriting recognition",
          "repeated labels need a blank between them; 'mean' divides by target length",
          _ctc_example, ({}, {"zero_infinity": True})),
)


def largest_difference(entry, *, rng, ours=None):
    r"""The largest relative difference between ``lossbook.functional`` and PyTorch on an entry.

    Runs the entry's example data through every option set and every
    reduction (plus ``"batchmean"`` for ``kl_div``) in float64.

    Args:
        entry: an :class:`Entry` of :data:`CATALOG`.
        rng: a ``numpy.random.Generator`` for the example data.
        ours: the implementation to test; ``lossbook.functional.<name>`` if None.

    Returns:
        max over all runs and elements of ``|ours - torch| / |torch|``.
    """
    ours = getattr(functional, entry.name) if ours is None else ours
    data = entry.example(rng)
    tdata = [torch.from_numpy(a) for a in data]
    reductions = ["mean", "sum", "none"] + (["batchmean"] if entry.name == "kl_div" else [])
    worst = 0.0
    for options, reduction in itertools.product(entry.options, reductions):
        topts = {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in options.items()}
        got = ours(*data, **options, reduction=reduction)
        with warnings.catch_warnings():  # torch 2.13 warns that kl_div's "mean" will change
            warnings.simplefilter("ignore", UserWarning)
            expected = getattr(F, entry.name)(*tdata, **topts, reduction=reduction).numpy()
        gap = np.abs(got - expected) / np.maximum(np.abs(expected), np.finfo(np.float64).tiny)
        worst = max(worst, float(np.max(gap, initial=0.0)))
    return worst
