r"""AM-LFS: searching for the loss function itself (손실 함수 탐색), in miniature.

Li et al. (2019), *AM-LFS: AutoML for Loss Function Search* (ICCV), learn a
loss during training. This module implements the method on a small scale,
with the baselines its critics ask for:

* the **search space** (:func:`amlfs_loss`): the loss
  :math:`-\log \tau(p_y^t)` with :math:`t` a piecewise-linear map of the
  target-class cosine on :math:`[-1, 1]` and :math:`\tau` a piecewise-linear
  map of the target-class probability on :math:`[0, 1]`, each on :math:`M`
  equal intervals, so that :math:`\theta \in \mathbb R^{4M}` holds their
  slopes and intercepts (:func:`split_theta`, :func:`identity_theta`,
  :func:`theta_from_knots`); the identity :math:`\theta` is cross-entropy on
  the cosine logits :math:`s\cos\phi`;
* a **cosine classifier** (:class:`CosineClassifier`, :func:`cosine_mlp`);
* the **controller** (:func:`controller_init`, :func:`controller_sample`,
  :func:`reinforce_grad`, :func:`controller_update`): a Gaussian
  :math:`\mathcal N(\mu, \sigma^2 I)` over :math:`\theta` whose mean follows
  REINFORCE with standardised rewards, stepped by Adam;
* the **stage loop** (:func:`amlfs_search`): :math:`B` copies of the model
  train one stage each with their own sampled loss, the clean validation
  accuracy is the reward, :math:`\mu` is updated and the best copy's weights
  and optimizer state are broadcast to all copies (:func:`broadcast`);
* **baselines at equal compute** (:func:`compare_methods`): cross-entropy
  (last epoch and early-stopped), GCE, random search over :math:`\theta`, the
  loop without the REINFORCE step and the loop with :math:`\sigma = 0`.

The multi-seed experiment of chapter 10 is ``python -m lossbook.amlfs``
(see :func:`main`); it writes ``lossbook/amlfs_results.json``, which
:func:`load_results` reads after checking that it was made with the current
:data:`EXPERIMENT` configuration.

References:
    Li, Yuan, Lin, Guo, Wu, Yan and Ouyang (2019), AM-LFS: AutoML for Loss
    Function Search, ICCV (arXiv:1905.07375).
"""
import argparse
import copy
import hashlib
import json
import time
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import data as _data
from ._checks import check_choice, check_int, check_positive, check_rng
from ._reduction import check_reduction

#: The variants of the stage loop: the full method and its two ablations.
VARIANTS = ("amlfs", "no_reinforce", "sigma0")


# --------------------------------------------------------------------------- checks


def _check_theta(theta):
    r"""``theta`` as a 1-d floating tensor whose length is a positive multiple of 4."""
    theta = torch.as_tensor(theta)
    if not theta.is_floating_point():
        theta = theta.to(torch.float64)  # integer slopes such as identity_theta's ones
    if theta.ndim != 1 or theta.numel() == 0 or theta.numel() % 4:
        raise ValueError(f"theta must be a 1-d tensor of length 4 * M with M >= 1 "
                         f"(slopes and intercepts of t and tau); got shape {tuple(theta.shape)}.")
    return theta


def _check_sigma(sigma):
    try:
        return check_positive(sigma, "sigma")
    except ValueError:
        raise ValueError(f"sigma must be a finite number > 0; got {sigma!r}. "
                         "For the loop without exploration use variant='sigma0'.") from None


def _check_cosine_target(cosine, target):
    if not (isinstance(cosine, torch.Tensor) and cosine.is_floating_point() and cosine.ndim == 2):
        shape = tuple(cosine.shape) if isinstance(cosine, torch.Tensor) else type(cosine).__name__
        raise ValueError(f"cosine must be a 2-d floating tensor (samples, classes); got {shape}.")
    if not (isinstance(target, torch.Tensor) and target.dtype == torch.int64
            and target.shape == cosine.shape[:1]):
        shape = tuple(target.shape) if isinstance(target, torch.Tensor) else type(target).__name__
        raise ValueError(f"target must be an int64 tensor of shape ({cosine.shape[0]},), one class "
                         f"index per row of cosine; got {shape}.")
    if target.numel() and (target.min() < 0 or target.max() >= cosine.shape[1]):
        raise ValueError(f"target must contain class indices in [0, {cosine.shape[1]}); "
                         f"got values from {target.min().item()} to {target.max().item()}.")


def _reduce(loss, reduction):
    r"""A checked ``reduction`` applied to a tensor of per-sample losses."""
    return {"mean": torch.mean, "sum": torch.sum, "none": lambda v: v}[reduction](loss)


# --------------------------------------------------------------------------- the search space


def interval_edges(n_intervals, *, low, high, dtype=torch.float64):
    r"""The :math:`M + 1` edges :math:`\xi_0 = \text{low} < \dots < \xi_M = \text{high}` of M equal intervals.

    Examples:
        >>> interval_edges(4, low=-1.0, high=1.0).tolist()
        [-1.0, -0.5, 0.0, 0.5, 1.0]
    """
    n_intervals = check_int(n_intervals, "n_intervals", minimum=1)
    return torch.linspace(low, high, n_intervals + 1, dtype=dtype)


def piecewise_linear(x, slopes, intercepts, *, low, high):
    r"""A piecewise-linear function on M equal intervals of :math:`[\text{low}, \text{high}]`.

    .. math::
        f(x) = a_i x + b_i \quad\text{for}\quad x \in [\xi_i, \xi_{i+1}),\qquad
        \xi_i = \text{low} + i\,\frac{\text{high} - \text{low}}{M},

    the last interval closed, :math:`[\xi_{M-1}, \xi_M]`. At an inner edge
    :math:`\xi_i` the piece on the right applies. The pieces need not meet:
    :math:`f` is continuous only if :math:`a_{i-1}\xi_i + b_{i-1} = a_i\xi_i + b_i`
    (:func:`theta_from_knots` builds such parameters). Points outside the
    range use the end pieces, so rounding past :math:`\pm 1` is harmless.

    Args:
        x: a floating tensor, any shape.
        slopes, intercepts: :math:`a, b`, tensors of shape (M,).
        low, high: the range split into M intervals.

    Returns:
        A tensor like ``x``.

    Examples:
        >>> a, b = torch.tensor([1.0, -1.0]), torch.tensor([0.0, 1.0])
        >>> piecewise_linear(torch.tensor([0.25, 0.5, 1.0]), a, b, low=0.0, high=1.0).tolist()
        [0.25, 0.5, 0.0]
    """
    edges = interval_edges(slopes.shape[-1], low=low, high=high, dtype=x.dtype).to(x.device)
    return _evaluate_pieces(x, slopes, intercepts, edges[1:-1])


def _evaluate_pieces(x, slopes, intercepts, inner_edges):
    r""":math:`a_i x + b_i` with :math:`i` the interval of ``x`` among the inner edges :math:`\xi_1..\xi_{M-1}`."""
    # right=True: x == edges[i] falls in interval i (the piece on the right of the edge)
    index = torch.bucketize(x, inner_edges, right=True)
    return slopes[index] * x + intercepts[index]


def split_theta(theta):
    r"""Split :math:`\theta \in \mathbb R^{4M}` into :math:`(a^t, b^t, a^\tau, b^\tau)`, each of shape (M,).

    Raises:
        ValueError: if ``theta`` is not 1-d with a length that is a positive multiple of 4.

    Examples:
        >>> [p.tolist() for p in split_theta(torch.arange(8.0))]
        [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]
    """
    theta = _check_theta(theta)
    return theta.reshape(4, -1).unbind(0)


def identity_theta(n_intervals, *, dtype=torch.float64):
    r"""The :math:`\theta` with :math:`t(x) = x` and :math:`\tau(p) = p`: all slopes 1, intercepts 0.

    With it :func:`amlfs_loss` is the cross-entropy of the logits :math:`s\cos\phi`.

    Examples:
        >>> identity_theta(2).tolist()
        [1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0]
    """
    n_intervals = check_int(n_intervals, "n_intervals", minimum=1)
    ones, zeros = torch.ones(n_intervals, dtype=dtype), torch.zeros(n_intervals, dtype=dtype)
    return torch.cat([ones, zeros, ones, zeros])


def _line_pieces(values, edges):
    r"""Slopes and intercepts of the lines through consecutive knots :math:`(\xi_i, v_i)`."""
    slopes = (values[1:] - values[:-1]) / (edges[1:] - edges[:-1])
    return slopes, values[:-1] - slopes * edges[:-1]


def theta_from_knots(t_values, tau_values):
    r"""The :math:`\theta` of the continuous t and :math:`\tau` through given values at the edges.

    :math:`t` interpolates :math:`(\xi_i, t_i)` on the edges of
    :math:`[-1, 1]` and :math:`\tau` interpolates :math:`(\xi_i, \tau_i)` on
    the edges of :math:`[0, 1]`, linearly between them (as ``numpy.interp``).
    A margin such as CosFace's :math:`t(x) = x - m` is exact; curved ones
    (ArcFace's :math:`\cos(\arccos x + m)`, focal loss's
    :math:`\tau(p) = p^{(1-p)^\gamma}`) are approximated by their chords.

    Args:
        t_values, tau_values: the values at the M + 1 edges, 1-d of equal length >= 2.

    Returns:
        ``theta``, a float64 tensor of shape (4M,).

    Raises:
        ValueError: if the two are not 1-d of the same length >= 2.

    Examples:
        CosFace with margin 0.25 and plain :math:`\tau(p) = p`, M = 1:

        >>> theta_from_knots([-1.25, 0.75], [0.0, 1.0]).tolist()
        [1.0, -0.25, 1.0, 0.0]
    """
    t_values = torch.as_tensor(t_values, dtype=torch.float64)
    tau_values = torch.as_tensor(tau_values, dtype=torch.float64)
    if t_values.ndim != 1 or t_values.shape != tau_values.shape or t_values.numel() < 2:
        raise ValueError(f"t_values and tau_values must be 1-d of the same length M + 1 >= 2; "
                         f"got shapes {tuple(t_values.shape)} and {tuple(tau_values.shape)}.")
    m = t_values.numel() - 1
    a_t, b_t = _line_pieces(t_values, interval_edges(m, low=-1.0, high=1.0))
    a_tau, b_tau = _line_pieces(tau_values, interval_edges(m, low=0.0, high=1.0))
    return torch.cat([a_t, b_t, a_tau, b_tau])


def theta_from_functions(t, tau, n_intervals):
    r""":func:`theta_from_knots` of two functions evaluated at the M + 1 edges.

    Args:
        t: a function of a float64 tensor of cosines in [-1, 1].
        tau: a function of a float64 tensor of probabilities in [0, 1].
        n_intervals: M >= 1.

    Examples:
        >>> theta_from_functions(lambda x: x - 0.25, lambda p: p, 1).tolist()
        [1.0, -0.25, 1.0, 0.0]
    """
    n_intervals = check_int(n_intervals, "n_intervals", minimum=1)
    return theta_from_knots(t(interval_edges(n_intervals, low=-1.0, high=1.0)),
                            tau(interval_edges(n_intervals, low=0.0, high=1.0)))


def t_transform(cosine, theta):
    r"""The margin transform :math:`t(\cos\phi)`, piecewise linear on M equal intervals of [-1, 1]."""
    a_t, b_t, _, _ = split_theta(theta)
    return piecewise_linear(cosine, a_t.to(cosine), b_t.to(cosine), low=-1.0, high=1.0)


def tau_transform(p, theta):
    r"""The probability transform :math:`\tau(p)`, piecewise linear on M equal intervals of [0, 1]."""
    _, _, a_tau, b_tau = split_theta(theta)
    return piecewise_linear(p, a_tau.to(p), b_tau.to(p), low=0.0, high=1.0)


def target_probability(cosine, target, theta, *, scale=10.0):
    r"""The transformed target probability :math:`p_y^t` of :func:`amlfs_loss`.

    .. math::
        p_y^t = \frac{e^{s\,t(\cos\phi_y)}}{e^{s\,t(\cos\phi_y)} + \sum_{j \ne y} e^{s \cos\phi_j}}

    Returns:
        ``(p, log_p)``, each of shape (n,).

    Raises:
        ValueError: as :func:`amlfs_loss`.
    """
    _check_cosine_target(cosine, target)
    scale = check_positive(scale, "scale")
    return _target_probability(cosine, target, _Pieces.of(theta, cosine), scale)


class _Pieces(NamedTuple):
    r"""``theta`` split, cast to the scores' dtype and device, with the inner edges of both ranges.

    Made once per sampled loss, so that a training step does no checking or splitting.
    """

    a_t: torch.Tensor
    b_t: torch.Tensor
    a_tau: torch.Tensor
    b_tau: torch.Tensor
    inner_t: torch.Tensor
    inner_tau: torch.Tensor

    @classmethod
    def of(cls, theta, like):
        parts = [p.to(like) for p in split_theta(theta)]
        m = parts[0].numel()
        inner_t = interval_edges(m, low=-1.0, high=1.0, dtype=like.dtype)[1:-1].to(like.device)
        inner_tau = interval_edges(m, low=0.0, high=1.0, dtype=like.dtype)[1:-1].to(like.device)
        return cls(*parts, inner_t, inner_tau)


def _target_probability(cosine, target, pieces, scale):
    r"""Unchecked :math:`p_y^t` and its log: the target logit becomes :math:`s\,t(\cos\phi_y)`."""
    index = target[:, None]
    t_y = _evaluate_pieces(cosine.gather(1, index), pieces.a_t, pieces.b_t, pieces.inner_t)
    logits = scale * cosine.scatter(1, index, t_y)  # only the target logit is transformed
    log_p = torch.log_softmax(logits, dim=1).gather(1, index)[:, 0]
    return log_p.exp(), log_p


def _amlfs_values(cosine, target, pieces, scale):
    r"""The unchecked, unreduced loss :math:`-\log\tau(p_y^t)` of :func:`amlfs_loss`."""
    p, _ = _target_probability(cosine, target, pieces, scale)
    tau = _evaluate_pieces(p, pieces.a_tau, pieces.b_tau, pieces.inner_tau)
    # clamp: log of a non-positive tau is undefined; clamped samples get no gradient
    return -torch.log(tau.clamp_min(torch.finfo(tau.dtype).tiny))


def amlfs_loss(cosine, target, theta, *, scale=10.0, reduction="mean"):
    r"""The AM-LFS loss :math:`-\log \tau(p_y^t)` (탐색 공간의 손실), on cosine scores.

    .. math::
        \ell_i = -\log \tau\!\left(
            \frac{e^{s\,t(\cos\phi_{i y_i})}}
                 {e^{s\,t(\cos\phi_{i y_i})} + \sum_{j \ne y_i} e^{s \cos\phi_{ij}}}\right)

    :math:`t` and :math:`\tau` are piecewise linear with parameters
    ``theta`` (:func:`split_theta`). With :func:`identity_theta` this is
    ``torch.nn.functional.cross_entropy(scale * cosine, target)``. A sampled
    :math:`\tau` can be :math:`\le 0` at small :math:`p`; there :math:`\tau`
    is clamped to the smallest positive normal number of the dtype, so that
    sample adds a constant to the loss and nothing to the gradient.

    Args:
        cosine: cosines :math:`\cos\phi_{ij}` between features and class
            weights, a floating tensor of shape (n, C).
        target: class indices, int64 of shape (n,).
        theta: :math:`\theta \in \mathbb R^{4M}` (cast to ``cosine``'s dtype).
        scale: :math:`s > 0`, the inverse temperature of the cosine logits.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        A 0-d tensor, or shape (n,) for ``reduction="none"``.

    Raises:
        ValueError: for the wrong shapes, out-of-range targets, a ``theta``
            whose length is not a multiple of 4, ``scale <= 0`` or an unknown
            ``reduction``.

    Shape:
        ``cosine``: (n, C); ``target``: (n,); output: scalar or (n,).

    Examples:
        Two classes at cosines (1, 0), scale 1, identity :math:`\theta`:
        :math:`\log(1 + e^{-1}) = 0.3133`.

        >>> cos = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
        >>> round(amlfs_loss(cos, torch.tensor([0]), identity_theta(3), scale=1.0).item(), 4)
        0.3133
    """
    _check_cosine_target(cosine, target)
    scale = check_positive(scale, "scale")
    reduction = check_reduction(reduction)
    return _reduce(_amlfs_values(cosine, target, _Pieces.of(theta, cosine), scale), reduction)


def gradient_weight(p, slope, intercept):
    r"""How much :math:`-\log\tau` scales a sample's gradient relative to cross-entropy.

    On a piece :math:`\tau(p) = a p + b`, the chain rule gives
    :math:`\partial(-\log\tau)/\partial p = -a/(a p + b)` against
    cross-entropy's :math:`-1/p`, a ratio of

    .. math:: w(p) = \frac{a\,p}{a\,p + b}.

    :math:`b > 0` damps samples of low target probability (confidently
    wrong, often mislabelled), :math:`b < 0` amplifies them.

    Examples:
        >>> gradient_weight(0.25, 1.0, 0.25)
        0.5
    """
    return slope * p / (slope * p + intercept)


def tau_gradient_weight(p, theta):
    r"""The gradient weight :math:`w(p)` of the :math:`\tau` of ``theta``, where :math:`\tau` is clamped included.

    :func:`gradient_weight` on the piece that holds each :math:`p`, and 0
    where :math:`\tau(p) \le 0` (:func:`amlfs_loss` clamps it there, so
    those samples have no gradient).

    Args:
        p: target probabilities, a float64 tensor or array, any shape.
        theta: :math:`\theta \in \mathbb R^{4M}`.

    Returns:
        A NumPy array like ``p``.

    Examples:
        :math:`\tau(p) = p - 0.25` on one piece: clamped below 0.25, and
        :math:`0.5/(0.5 - 0.25) = 2` at :math:`p = 0.5`.

        >>> tau_gradient_weight([0.1, 0.5], [1.0, 0.0, 1.0, -0.25]).tolist()
        [0.0, 2.0]
    """
    p = torch.as_tensor(np.asarray(p, dtype=np.float64))
    _, _, a_tau, b_tau = split_theta(torch.as_tensor(theta, dtype=torch.float64))
    slope = piecewise_linear(p, a_tau, torch.zeros_like(a_tau), low=0.0, high=1.0)  # a_i p
    tau = piecewise_linear(p, a_tau, b_tau, low=0.0, high=1.0)  # a_i p + b_i
    safe = torch.where(tau > 0, tau, torch.ones_like(tau))  # no 0/0 where clamped
    return torch.where(tau > 0, slope / safe, torch.zeros_like(tau)).numpy()


def generalized_cross_entropy(logits, target, *, q=0.7, reduction="mean"):
    r"""Generalized cross-entropy (GCE) of Zhang and Sabuncu (2018): :math:`(1 - p_y^q)/q`.

    .. math:: \ell_i = \frac{1 - p_{i y_i}^{\,q}}{q}, \qquad p = \mathrm{softmax}(\text{logits})

    It tends to cross-entropy as :math:`q \to 0` and is the MAE
    :math:`1 - p_y` at :math:`q = 1`. Relative to cross-entropy a sample's
    gradient is scaled by :math:`p_y^q`: confidently wrong samples count less.

    Args:
        logits: (n, C) floating tensor.
        target: (n,) int64 class indices.
        q: in (0, 1].
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Raises:
        ValueError: if ``q`` is not in (0, 1] or the shapes are wrong.

    Examples:
        :math:`p_y = 1/2` for two equal logits; at :math:`q = 1` the loss is :math:`1 - 1/2`.

        >>> generalized_cross_entropy(torch.zeros(1, 2), torch.tensor([1]), q=1.0).item()
        0.5
    """
    _check_cosine_target(logits, target)
    q = check_positive(q, "q")
    if q > 1:
        raise ValueError(f"q must be in (0, 1]; got {q!r}.")
    reduction = check_reduction(reduction)
    log_p = torch.log_softmax(logits, dim=1).gather(1, target[:, None])[:, 0]
    return _reduce(-torch.expm1(q * log_p) / q, reduction)  # 1 - p^q without cancellation for small q


# --------------------------------------------------------------------------- the model


class CosineClassifier(nn.Module):
    r"""A cosine-similarity classifier head (코사인 분류기): :math:`\cos\phi_j = \hat x^\top \hat w_j`.

    Features and class weights are normalised to unit length, so the head
    outputs cosines in [-1, 1]; the loss multiplies them by a scale
    :math:`s` (``scale`` of :func:`amlfs_loss`), which sets how peaked the
    softmax can get: at most :math:`e^{2s}` between two classes.

    Args:
        in_features: length of a feature vector.
        n_classes: number of classes.
        generator: a ``torch.Generator`` for the initial weights.

    Shape:
        input: (n, in_features); output: (n, n_classes).
    """

    def __init__(self, in_features, n_classes, *, generator=None):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_classes, in_features, generator=generator))

    def forward(self, features):
        # F.normalize divides by max(norm, 1e-12): an all-zero ReLU feature gives cosines 0
        return F.normalize(features, dim=1) @ F.normalize(self.weight, dim=1).T


def cosine_mlp(in_features, n_classes, *, hidden=128, seed=0):
    r"""A one-hidden-layer MLP with a cosine head: Linear, ReLU, :class:`CosineClassifier`.

    Examples:
        >>> model = cosine_mlp(64, 10, hidden=8)
        >>> tuple(model(torch.zeros(3, 64)).shape)
        (3, 10)
    """
    hidden = check_int(hidden, "hidden", minimum=1)
    generator = torch.Generator().manual_seed(check_int(seed, "seed", minimum=0))
    linear = nn.Linear(in_features, hidden)
    nn.init.kaiming_uniform_(linear.weight, nonlinearity="relu", generator=generator)
    nn.init.zeros_(linear.bias)
    return nn.Sequential(linear, nn.ReLU(), CosineClassifier(hidden, n_classes, generator=generator))


# --------------------------------------------------------------------------- the controller


class ControllerState(NamedTuple):
    r"""The controller: the mean :math:`\mu` of :math:`\mathcal N(\mu, \sigma^2 I)` and its Adam moments.

    Attributes:
        mu: the mean of the loss distribution, shape (4M,).
        m, v: Adam's first and second moment estimates, shape (4M,).
        count: the number of updates so far.
    """

    mu: np.ndarray
    m: np.ndarray
    v: np.ndarray
    count: int


def controller_init(mu):
    r"""A controller centred on ``mu`` (usually :func:`identity_theta`), moments zero.

    Examples:
        >>> controller_init(identity_theta(1)).count
        0
    """
    mu = _check_theta(mu).detach().cpu().numpy().astype(np.float64)
    return ControllerState(mu, np.zeros_like(mu), np.zeros_like(mu), 0)


def controller_sample(state, n_samples, *, sigma, rng):
    r"""Draw :math:`\theta_1, \dots, \theta_B \sim \mathcal N(\mu, \sigma^2 I)`, shape (B, 4M)."""
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    sigma = _check_sigma(sigma)
    check_rng(rng)
    return state.mu + sigma * rng.standard_normal((n_samples, state.mu.size))


def standardize(rewards):
    r"""Standardised rewards (advantages) :math:`A_i = (R_i - \bar R)/\operatorname{std}(R)`.

    The population standard deviation is used; if all rewards are equal the
    stage carries no information and every advantage is 0.

    Examples:
        >>> standardize([0.9, 0.8]).tolist()
        [1.0, -1.0]
    """
    rewards = np.asarray(rewards, dtype=np.float64)
    if rewards.ndim != 1 or rewards.size < 2:
        raise ValueError(f"rewards must be a 1-d array of B >= 2 values; got shape {rewards.shape}.")
    spread = rewards.std()
    if spread == 0:
        return np.zeros_like(rewards)
    return (rewards - rewards.mean()) / spread


def reinforce_grad(thetas, advantages, mu, *, sigma):
    r"""The REINFORCE estimate of :math:`\nabla_\mu \mathbb E[R]` for a Gaussian policy.

    :math:`\nabla_\mu \log \mathcal N(\theta; \mu, \sigma^2 I) = (\theta - \mu)/\sigma^2`, so

    .. math:: g = \frac{1}{B}\sum_{i=1}^{B} A_i\,\frac{\theta_i - \mu}{\sigma^2}.

    Args:
        thetas: the sampled parameters, shape (B, 4M).
        advantages: :math:`A_i`, shape (B,) (see :func:`standardize`).
        mu: the mean they were sampled around, shape (4M,).
        sigma: the fixed standard deviation, > 0.

    Raises:
        ValueError: if the shapes disagree or ``sigma <= 0``.

    Examples:
        >>> reinforce_grad(np.array([[0.1], [-0.1]]), np.array([1.0, -1.0]), np.zeros(1), sigma=0.1)
        array([10.])
    """
    sigma = _check_sigma(sigma)
    thetas, advantages, mu = (np.asarray(a, dtype=np.float64) for a in (thetas, advantages, mu))
    if thetas.ndim != 2 or advantages.shape != thetas.shape[:1] or mu.shape != thetas.shape[1:]:
        raise ValueError(f"thetas, advantages and mu must have shapes (B, D), (B,) and (D,); got "
                         f"{thetas.shape}, {advantages.shape} and {mu.shape}.")
    return advantages @ (thetas - mu) / (len(advantages) * sigma**2)


def controller_update(state, thetas, rewards, *, sigma, lr=0.05, beta1=0.9, beta2=0.999, eps=1e-8):
    r"""One REINFORCE step on :math:`\mu`, by Adam, as gradient *ascent* on the expected reward.

    .. math::
        g_k &= \textstyle\frac1B \sum_i A_i (\theta_i - \mu_k)/\sigma^2,\quad
              A = \text{standardize}(R) \\
        m_k &= \beta_1 m_{k-1} + (1 - \beta_1) g_k,\quad
        v_k = \beta_2 v_{k-1} + (1 - \beta_2) g_k^2 \\
        \mu_{k+1} &= \mu_k + \eta\,\frac{m_k/(1 - \beta_1^k)}{\sqrt{v_k/(1 - \beta_2^k)} + \epsilon}

    (``torch.optim.Adam(..., maximize=True)`` does the same.) Because the
    rewards are standardised and Adam divides by the gradient's running
    size, :math:`\mu` moves by about :math:`\eta` per coordinate and stage
    whatever the reward's units.

    Args:
        state: :class:`ControllerState`.
        thetas: the B sampled parameters, shape (B, 4M).
        rewards: their rewards (validation accuracies), shape (B,), B >= 2.
        sigma: the sampling standard deviation, > 0.
        lr, beta1, beta2, eps: Adam's :math:`\eta, \beta_1, \beta_2, \epsilon`.

    Returns:
        The new :class:`ControllerState`.
    """
    grad = reinforce_grad(thetas, standardize(rewards), state.mu, sigma=sigma)
    count = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad
    v = beta2 * state.v + (1 - beta2) * grad**2
    step = (m / (1 - beta1**count)) / (np.sqrt(v / (1 - beta2**count)) + eps)
    return ControllerState(state.mu + lr * step, m, v, count)


# --------------------------------------------------------------------------- training copies


class TrainConfig(NamedTuple):
    r"""How every model in the experiment is trained (the same for all methods).

    Attributes:
        hidden: hidden units of :func:`cosine_mlp`.
        lr: Adam's learning rate for the model weights.
        batch_size: minibatch size.
        scale: :math:`s` of the cosine logits.
        epochs_per_stage: epochs of one stage of the search.
    """

    hidden: int = 128
    lr: float = 1e-3
    batch_size: int = 32
    scale: float = 10.0
    epochs_per_stage: int = 1


class Learner(NamedTuple):
    r"""One model copy and its optimizer (Adam), which the stage loop keeps side by side."""

    model: nn.Module
    optimizer: torch.optim.Optimizer


def new_learner(n_features, n_classes, *, config, seed, device="cpu"):
    r"""A fresh :func:`cosine_mlp` (seeded) with an Adam optimizer, on ``device``."""
    model = cosine_mlp(n_features, n_classes, hidden=config.hidden, seed=seed).to(device)
    return Learner(model, torch.optim.Adam(model.parameters(), lr=config.lr))


def broadcast(learners, best):
    r"""Copy the weights *and* optimizer state of ``learners[best]`` to every learner.

    Without the optimizer state, each copy's Adam moments would belong to a
    trajectory it no longer follows. The state is deep-copied, so the copies
    do not share tensors and later updates stay independent.
    """
    best = check_int(best, "best", minimum=0)
    if best >= len(learners):
        raise ValueError(f"best must be an index into the {len(learners)} learners; got {best}.")
    weights = learners[best].model.state_dict()
    moments = learners[best].optimizer.state_dict()
    for k, learner in enumerate(learners):
        if k != best:
            learner.model.load_state_dict(weights)  # copies into the existing parameters
            learner.optimizer.load_state_dict(copy.deepcopy(moments))


def train_epochs(learner, loss_fn, x, y, *, epochs, batch_size, generator):
    r"""Train ``learner`` for ``epochs`` passes over ``(x, y)`` in shuffled minibatches.

    ``loss_fn(cosine, target)`` is the loss; ``generator`` orders the data.
    """
    model, optimizer = learner
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=generator).to(y.device)
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            loss = loss_fn(model(x[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


@torch.no_grad()
def accuracy(model, x, y):
    r"""The fraction of rows of ``x`` whose largest cosine is at the class ``y``."""
    model.eval()
    return (model(x).argmax(dim=1) == y).double().mean().item()


# --------------------------------------------------------------------------- data


class Split(NamedTuple):
    r"""Training data with (noisy) labels and clean validation and test data, as tensors."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor


def noisy_digits(noise_rate, *, rng, device="cpu"):
    r"""scikit-learn's digits with symmetric label noise on the training labels only.

    Validation and test labels stay clean: the validation accuracy is the
    search's reward, the test accuracy what the chapter reports.

    Returns:
        ``(split, flipped)``: a :class:`Split` of float32/int64 tensors and the
        boolean mask of flipped training labels.
    """
    d = _data.digits(rng=rng, dtype=np.float32)  # checks rng
    noisy, flipped = _data.symmetric_label_noise(d.y_train, noise_rate, n_classes=10, rng=rng)
    arrays = (d.x_train, noisy, d.x_val, d.y_val, d.x_test, d.y_test)
    return Split(*(torch.as_tensor(a, device=device) for a in arrays)), flipped


def _check_split(split):
    if not isinstance(split, Split):
        raise TypeError(f"data must be an amlfs.Split; got {type(split).__name__}. "
                        "Make one with amlfs.noisy_digits(rate, rng=rng).")
    for part in ("train", "val", "test"):
        x, y = getattr(split, f"x_{part}"), getattr(split, f"y_{part}")
        if x.ndim != 2 or y.shape != x.shape[:1] or len(y) == 0:
            raise ValueError(f"x_{part} and y_{part} must have shapes (n, features) and (n,) "
                             f"with n >= 1; got {tuple(x.shape)} and {tuple(y.shape)}.")


def _n_classes(split):
    return int(max(split.y_train.max(), split.y_val.max(), split.y_test.max())) + 1


# --------------------------------------------------------------------------- the stage loop


class SearchResult(NamedTuple):
    r"""The record of one stage loop (S stages, B copies, D = 4M).

    Attributes:
        mu: the controller's mean before each stage and after the last, (S + 1, D).
        thetas: the loss parameters each copy trained with, (S, B, D).
        rewards: each copy's validation accuracy after its stage, (S, B).
        best: the copy broadcast after each stage, (S,).
        test_acc: the test accuracy of the broadcast copy after each stage, (S,).
        model: the final broadcast model.
    """

    mu: np.ndarray
    thetas: np.ndarray
    rewards: np.ndarray
    best: np.ndarray
    test_acc: np.ndarray
    model: nn.Module


def _stage_thetas(state, variant, n_copies, sigma, rng):
    r"""The B loss parameters of one stage: sampled, or all equal to :math:`\mu` for ``sigma0``."""
    if variant == "sigma0":
        return np.repeat(state.mu[None], n_copies, axis=0)
    return controller_sample(state, n_copies, sigma=sigma, rng=rng)


def amlfs_search(data, *, n_stages, n_copies=4, sigma=0.2, n_intervals=2, mu_lr=0.05,
                 variant="amlfs", seed=0, config=TrainConfig(), device="cpu"):
    r"""The AM-LFS stage loop (단계별 탐색): sample losses, train B copies, reward, update, broadcast.

    For each of ``n_stages`` stages:

    1. draw :math:`\theta_1..\theta_B \sim \mathcal N(\mu, \sigma^2 I)`;
    2. copy :math:`b` trains ``config.epochs_per_stage`` epochs with the loss
       :func:`amlfs_loss` of :math:`\theta_b` (its own data order);
    3. its reward :math:`R_b` is its accuracy on the clean validation set;
    4. :math:`\mu` takes one REINFORCE/Adam step (:func:`controller_update`);
    5. the best copy's weights and optimizer state go to all copies
       (:func:`broadcast`).

    ``variant="no_reinforce"`` skips step 4 (:math:`\mu` stays at the
    identity: random losses plus selection); ``variant="sigma0"`` trains
    every copy with :math:`\theta = \mu` (no exploration, so no update:
    cross-entropy plus selection among data orders). All three cost
    :math:`B \times` ``n_stages`` :math:`\times` ``epochs_per_stage`` epochs.

    Args:
        data: a :class:`Split` (noisy training labels, clean validation).
        n_stages: S >= 1.
        n_copies: B >= 2 (REINFORCE needs rewards to compare).
        sigma: the fixed standard deviation of the loss distribution, > 0.
        n_intervals: M >= 1 intervals of t and :math:`\tau`.
        mu_lr: Adam's learning rate for :math:`\mu`.
        variant: ``"amlfs"``, ``"no_reinforce"`` or ``"sigma0"``.
        seed: seeds the model, the data orders and the loss samples.
        config: :class:`TrainConfig`.
        device: where the models train.

    Returns:
        :class:`SearchResult`.

    Raises:
        ValueError: if B < 2, S < 1, M < 1, sigma <= 0 or the variant is unknown.
    """
    n_stages = check_int(n_stages, "n_stages", minimum=1)
    n_copies = check_int(n_copies, "n_copies", minimum=2)
    sigma, mu_lr = _check_sigma(sigma), check_positive(mu_lr, "mu_lr")
    variant = check_choice(variant, "variant", VARIANTS)
    _check_split(data)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    state = controller_init(identity_theta(n_intervals))
    learners = [new_learner(data.x_train.shape[1], _n_classes(data), config=config, seed=seed,
                            device=device) for _ in range(n_copies)]
    orders = [torch.Generator().manual_seed(seed * 1000 + b) for b in range(n_copies)]
    mus, thetas, rewards, best, test = [state.mu], [], [], [], []
    for _ in range(n_stages):
        stage = _stage_thetas(state, variant, n_copies, sigma, rng)
        rewards.append(_train_copies(learners, stage, orders, data, config))
        if variant == "amlfs":
            state = controller_update(state, stage, rewards[-1], sigma=sigma, lr=mu_lr)
        best.append(int(np.argmax(rewards[-1])))
        broadcast(learners, best[-1])
        test.append(accuracy(learners[0].model, data.x_test, data.y_test))
        mus.append(state.mu)
        thetas.append(stage)
    return SearchResult(np.array(mus), np.array(thetas), np.array(rewards), np.array(best),
                        np.array(test), learners[0].model)


def _train_copies(learners, stage_thetas, orders, data, config):
    r"""Train each copy one stage with its own loss; return the validation accuracies."""
    rewards = []
    for learner, theta, order in zip(learners, stage_thetas, orders):
        loss_fn = _amlfs_loss_fn(torch.as_tensor(theta), config.scale, data.x_train)
        train_epochs(learner, loss_fn, data.x_train, data.y_train, epochs=config.epochs_per_stage,
                     batch_size=config.batch_size, generator=order)
        rewards.append(accuracy(learner.model, data.x_val, data.y_val))
    return np.array(rewards)


def _amlfs_loss_fn(theta, scale, like):
    r"""The mean :func:`amlfs_loss` of one fixed ``theta``, split once (``like``: dtype and device)."""
    pieces = _Pieces.of(theta, like)
    return lambda cosine, target: _amlfs_values(cosine, target, pieces, scale).mean()


# --------------------------------------------------------------------------- fixed-loss baselines


class FixedRun(NamedTuple):
    r"""Validation and test accuracy after every epoch of one run with a fixed loss."""

    val_acc: np.ndarray
    test_acc: np.ndarray


def train_fixed(data, loss_fn, *, n_epochs, seed=0, config=TrainConfig(), device="cpu"):
    r"""Train one model with a fixed ``loss_fn(cosine, target)``; record accuracies every epoch.

    Examples:
        >>> split, _ = noisy_digits(0.0, rng=np.random.default_rng(0))
        >>> run = train_fixed(split, ce_loss_fn(10.0), n_epochs=2)
        >>> run.val_acc.shape
        (2,)
    """
    n_epochs = check_int(n_epochs, "n_epochs", minimum=1)
    _check_split(data)
    learner = new_learner(data.x_train.shape[1], _n_classes(data), config=config, seed=seed,
                          device=device)
    order = torch.Generator().manual_seed(seed * 1000)
    val, test = [], []
    for _ in range(n_epochs):
        train_epochs(learner, loss_fn, data.x_train, data.y_train, epochs=1,
                     batch_size=config.batch_size, generator=order)
        val.append(accuracy(learner.model, data.x_val, data.y_val))
        test.append(accuracy(learner.model, data.x_test, data.y_test))
    return FixedRun(np.array(val), np.array(test))


def ce_loss_fn(scale):
    r"""Cross-entropy of the logits :math:`s\cos\phi`, as a ``loss_fn(cosine, target)``."""
    return lambda cosine, target: F.cross_entropy(scale * cosine, target)


def gce_loss_fn(scale, q):
    r""":func:`generalized_cross_entropy` of the logits :math:`s\cos\phi`, as a ``loss_fn``."""
    return lambda cosine, target: generalized_cross_entropy(scale * cosine, target, q=q)


def early_stopped(val_acc, test_acc):
    r"""The test accuracy where the validation accuracy is highest (the first such point).

    Works on any shape: for several runs of several epochs, the best (run,
    epoch) is chosen, which is early stopping and model selection in one.

    Examples:
        >>> early_stopped([0.5, 0.9, 0.8], [0.4, 0.85, 0.9])
        0.85
    """
    val_acc, test_acc = np.asarray(val_acc), np.asarray(test_acc)
    if val_acc.shape != test_acc.shape or val_acc.size == 0:
        raise ValueError(f"val_acc and test_acc must have the same non-empty shape; "
                         f"got {val_acc.shape} and {test_acc.shape}.")
    return float(test_acc.flat[np.argmax(val_acc)])


# --------------------------------------------------------------------------- the comparison


#: The methods of :func:`compare_methods`, in the order the chapter prints them.
METHODS = ("ce_last", "ce_early", "gce", "random", "no_reinforce", "sigma0", "amlfs_last", "amlfs")


def compare_methods(data, *, n_stages, n_copies, sigma, n_intervals, mu_lr, gce_q, seed,
                    config=TrainConfig(), device="cpu"):
    r"""Every method at the same compute, :math:`B \cdot S \cdot E` epochs each, on one data split.

    * ``ce_last``: B cross-entropy runs of :math:`S E` epochs; the run with
      the best final validation accuracy, at its last epoch;
    * ``ce_early``: the same runs, early-stopped: the (run, epoch) with the
      best validation accuracy;
    * ``gce``: B GCE runs, one per ``q`` in ``gce_q``, early-stopped likewise;
    * ``random``: B runs with fixed :math:`\theta \sim \mathcal N(\text{identity}, \sigma^2 I)`,
      early-stopped likewise (random search over :math:`\theta`);
    * ``no_reinforce``, ``sigma0``, ``amlfs``: the stage loops of
      :func:`amlfs_search`, early-stopped at the stage of best validation
      accuracy; ``amlfs_last`` is AM-LFS's final model.

    Returns:
        ``(scores, search)``: a dict method -> test accuracy, and the AM-LFS
        :class:`SearchResult`.

    Raises:
        ValueError: if ``gce_q`` does not hold B values.
    """
    n_copies = check_int(n_copies, "n_copies", minimum=2)
    if len(gce_q) != n_copies:
        raise ValueError(f"gce_q must hold one q per run, n_copies = {n_copies} values; got {len(gce_q)}.")
    epochs, s = n_stages * config.epochs_per_stage, config.scale
    kw = dict(n_epochs=epochs, config=config, device=device)
    ce = [train_fixed(data, ce_loss_fn(s), seed=seed + r, **kw) for r in range(n_copies)]
    gce = [train_fixed(data, gce_loss_fn(s, q), seed=seed + r, **kw) for r, q in enumerate(gce_q)]
    draws = controller_sample(controller_init(identity_theta(n_intervals)), n_copies, sigma=sigma,
                              rng=np.random.default_rng(seed + 10_000))
    rand = [train_fixed(data, _amlfs_loss_fn(torch.as_tensor(th), s, data.x_train),
                        seed=seed + r, **kw) for r, th in enumerate(draws)]
    search = dict(n_stages=n_stages, n_copies=n_copies, sigma=sigma, n_intervals=n_intervals,
                  mu_lr=mu_lr, seed=seed, config=config, device=device)
    loops = {v: amlfs_search(data, variant=v, **search) for v in VARIANTS}
    last = max(ce, key=lambda run: run.val_acc[-1])  # first of the best, as argmax
    scores = {"ce_last": float(last.test_acc[-1]),
              "ce_early": _select(ce), "gce": _select(gce), "random": _select(rand)}
    for v, res in loops.items():
        scores[v] = early_stopped(res.rewards.max(axis=1), res.test_acc)
    scores["amlfs_last"] = float(loops["amlfs"].test_acc[-1])
    return {m: scores[m] for m in METHODS}, loops["amlfs"]


def _select(runs):
    return early_stopped(np.stack([r.val_acc for r in runs]), np.stack([r.test_acc for r in runs]))


# --------------------------------------------------------------------------- the experiment script

#: The configuration of chapter 10's multi-seed experiment. ``M = 2`` was
#: chosen on development seeds 100-104 at 40 % noise (M = 1, 2, 3, 4 tried);
#: the reported seeds 0-9 were not used for any choice.
EXPERIMENT = {
    "version": 1,
    "noise_rates": [0.2, 0.4, 0.6],
    "seeds": list(range(10)),
    "n_stages": 40,
    "n_copies": 4,
    "sigma": 0.2,
    "n_intervals": 2,
    "mu_lr": 0.05,
    "gce_q": [0.4, 0.55, 0.7, 0.85],
    "train": TrainConfig()._asdict(),
}

#: A configuration that runs in seconds, for the test of the script.
SMOKE = {**EXPERIMENT, "noise_rates": [0.4], "seeds": [0], "n_stages": 2, "n_copies": 2,
         "gce_q": [0.5, 0.7]}

#: Where ``python -m lossbook.amlfs`` writes the full experiment's results.
RESULTS_FILE = "amlfs_results.json"


def config_hash(config):
    r"""A short SHA-256 of a configuration dict (keys sorted), stored with its results.

    Examples:
        >>> config_hash({"a": 1}) == config_hash({"a": 1.0})
        False
    """
    text = json.dumps(config, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_experiment(config, *, device="cpu", log=print):
    r"""Run :func:`compare_methods` for every noise rate and seed of ``config``.

    Returns:
        A JSON-ready dict: ``config``, ``config_hash``, ``scores[rate][method]``
        (one test accuracy per seed), ``mu[rate]`` (per seed, AM-LFS's
        :math:`\mu` before every stage and after the last, shape (S + 1, 4M)),
        ``curves[rate]["val"]`` and ``["test"]`` (per seed, the validation
        and test accuracy of AM-LFS's broadcast copy after every stage),
        ``runtime_s`` and library versions.
    """
    start = time.perf_counter()
    train = TrainConfig(**config["train"])
    scores, mus, curves = {}, {}, {}
    for rate in config["noise_rates"]:
        key = f"{rate:g}"
        scores[key], mus[key], curves[key] = {m: [] for m in METHODS}, [], {"val": [], "test": []}
        for seed in config["seeds"]:
            split, _ = noisy_digits(rate, rng=np.random.default_rng(seed), device=device)
            result, search = compare_methods(
                split, n_stages=config["n_stages"], n_copies=config["n_copies"],
                sigma=config["sigma"], n_intervals=config["n_intervals"], mu_lr=config["mu_lr"],
                gce_q=config["gce_q"], seed=seed, config=train, device=device)
            for m in METHODS:
                scores[key][m].append(result[m])
            mus[key].append(np.round(search.mu, 5).tolist())  # (S + 1, 4M) per seed
            curves[key]["val"].append(search.rewards.max(axis=1).tolist())
            curves[key]["test"].append(search.test_acc.tolist())
            log(f"noise {key} seed {seed}: " + " ".join(f"{m} {v:.3f}" for m, v in result.items()))
    return {"config": config, "config_hash": config_hash(config), "scores": scores, "mu": mus,
            "curves": curves, "runtime_s": round(time.perf_counter() - start, 1),
            "versions": {"torch": torch.__version__, "numpy": np.__version__}}


def load_results(path=None, *, config=None):
    r"""Read the experiment's results, refusing a file made with another configuration.

    Args:
        path: a JSON file written by :func:`main`; by default the one shipped
            inside the package (``lossbook/amlfs_results.json``).
        config: the configuration it must have been made with; :data:`EXPERIMENT` by default.

    Raises:
        ValueError: if the stored hash is not that of ``config`` (the file is
            stale: re-run ``python -m lossbook.amlfs``).
    """
    config = EXPERIMENT if config is None else config
    if path is None:
        text = resources.files("lossbook").joinpath(RESULTS_FILE).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    results = json.loads(text)
    stored, expected = results.get("config_hash"), config_hash(config)
    if stored != expected or config_hash(results.get("config")) != expected:
        raise ValueError(f"results must come from the current configuration (hash {expected}); "
                         f"got hash {stored}. Re-run: python -m lossbook.amlfs")
    return results


def margins(results, rate, baseline, method="amlfs"):
    r"""Per-seed differences ``method - baseline`` of test accuracy at one noise rate (an array)."""
    scores = results["scores"][f"{rate:g}"]
    return np.array(scores[method]) - np.array(scores[baseline])


def summary_table(results):
    r"""Lines of text: mean ± std test accuracy of every method at every noise rate."""
    lines = [f"{'method':>13} " + " ".join(f"{'noise ' + k:>15}" for k in results["scores"])]
    for m in METHODS:
        cells = [f"{np.mean(s[m]):.3f} ± {np.std(s[m]):.3f}" for s in results["scores"].values()]
        lines.append(f"{m:>13} " + " ".join(f"{c:>15}" for c in cells))
    return lines


def main(argv=None):
    r"""``python -m lossbook.amlfs [--smoke] [--out PATH]``: the chapter's multi-seed experiment.

    The full run (:data:`EXPERIMENT`: 3 noise rates x 10 seeds, 8 methods at
    equal compute, 960 training epochs per noise rate and seed) takes about
    7 minutes on one core of a quiet 2-core machine (408 s measured; 856 s
    while other jobs shared the machine) and writes
    ``lossbook/amlfs_results.json``. ``--smoke`` runs :data:`SMOKE` in a few
    seconds and writes only where ``--out`` says.
    """
    parser = argparse.ArgumentParser(prog="python -m lossbook.amlfs", description=main.__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny configuration, for tests")
    parser.add_argument("--out", type=Path, default=None, help="where to write the results JSON")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # tiny models: one thread is fastest, and leaves a core free
    config = SMOKE if args.smoke else EXPERIMENT
    out = args.out if args.out or args.smoke else Path(__file__).with_name(RESULTS_FILE)
    results = run_experiment(config)
    print("\n".join(summary_table(results)), f"\nrun time {results['runtime_s']:.0f} s", sep="\n")
    if out is not None:
        out.write_text(json.dumps(results) + "\n", encoding="utf-8")
        print(f"wrote {out}")
    return results


if __name__ == "__main__":
    main()
