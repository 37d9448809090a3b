r"""Sequence losses (시퀀스 손실함수): a label sequence scored against a longer sequence of frames.

:func:`ctc_loss` is PyTorch's ``ctc_loss``: connectionist temporal
classification sums the probability of every frame-by-frame alignment that
collapses to the target, so a speech or handwriting model needs no
frame-level labels. :func:`ctc_loss_grad` is its gradient by the
forward-backward recursion, as PyTorch's backward computes it.

Everything is in log space (products of many probabilities underflow:
:math:`0.1^{400}` is 0 in float64) and vectorised over the batch; only time
is a Python loop, as the recursion requires.
"""
from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, check_array_in, check_flag, check_int, first_index
from ._reduction import check_reduction, reduce, reduce_grad
from .classification import logsumexp

#: How far each frame's :math:`\log\sum_c e^{\log p_c}` may stray from 0: float32 rounding of
#: ``log_softmax`` is far smaller, a forgotten ``log_softmax`` (raw scores) far larger.
LOG_NORM_TOLERANCE = 1e-4


class _Problem(NamedTuple):
    r"""A checked CTC problem in batch form."""

    log_probs: np.ndarray  # (T, N, C)
    ext: np.ndarray  # (N, 2S + 1): the extended labels l' = (b, l_1, b, ..., l_S, b), blank past each U_n
    skip: np.ndarray  # (N, 2S + 1): whether the skip s - 2 -> s is allowed
    input_lengths: np.ndarray  # (N,): T_n
    target_lengths: np.ndarray  # (N,): U_n
    unbatched: bool


# --- input checks ---------------------------------------------------------------


def _batch_log_probs(log_probs):
    r"""``log_probs`` as a (T, N, C) float array and whether it came unbatched, (T, C)."""
    lp = as_float_array(log_probs, "log_probs")
    if lp.ndim not in (2, 3):
        raise ValueError(f"log_probs must have shape (T, N, C) or (T, C); got shape {lp.shape}.")
    if lp.size == 0:  # PyTorch refuses it too
        raise ValueError(f"log_probs must not be empty; got shape {lp.shape}.")
    return (lp[:, None, :], True) if lp.ndim == 2 else (lp, False)


def _lengths(x, name, n, unbatched, maximum):
    r"""Integer lengths in [0, maximum], one per sequence, as an (N,) int64 array."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an array of integer lengths; got dtype {arr.dtype}.")
    if arr.shape not in ([(), (1,)] if unbatched else [(n,)]):
        expected = "() or (1,) for unbatched log_probs (T, C)" if unbatched else f"({n},), one per sequence"
        raise ValueError(f"{name} must have shape {expected}; got {arr.shape}.")
    return check_array_in(arr.reshape(n).astype(np.int64), name, 0, maximum, what="lengths")


def _integer_targets(targets):
    r"""``targets`` as an integer array; an empty one (``np.asarray([])`` is float64) holds no label of any type."""
    targets = np.asarray(targets)
    if targets.size == 0:
        return targets.astype(np.int64)
    if targets.dtype.kind not in "iu":  # PyTorch accepts floats; a float label is a bug
        raise TypeError(f"targets must be an array of integer class indices; got dtype {targets.dtype}.")
    return targets


def _padded_targets(targets, lengths, n, blank, n_classes):
    r"""Padded (N, S) or concatenated targets as (N, max U_n) labels, blank past each length."""
    targets, width = _integer_targets(targets), int(lengths.max(initial=0))
    if targets.ndim == 1:  # concatenated: sequence n's labels are the next U_n
        if targets.shape[0] != lengths.sum():
            raise ValueError(f"targets must hold sum(target_lengths) = {lengths.sum()} labels when "
                             f"concatenated (1-d); got {targets.shape[0]}.")
        _check_labels(targets, np.ones(targets.shape, bool), blank, n_classes)
        labels = np.full((n, width), blank, np.int64)
        labels[np.arange(width) < lengths[:, None]] = targets  # row-major order is the concatenation order
        return labels
    if targets.ndim != 2:
        raise ValueError(f"targets must be padded (N, S) or concatenated (sum(target_lengths),); "
                         f"got shape {targets.shape}.")
    if targets.shape[0] != n or targets.shape[1] < width:
        raise ValueError(f"targets must have shape ({n}, S) with S >= max(target_lengths) = {width} when "
                         f"padded (2-d); got {targets.shape}.")
    given = np.arange(targets.shape[1]) < lengths[:, None]  # the padding is ignored, as in PyTorch
    _check_labels(targets, given, blank, n_classes)
    return np.where(given, targets, blank)[:, :width].astype(np.int64)


def _check_labels(targets, given, blank, n_classes):
    r"""Labels at the ``given`` positions lie in [0, C) and are not the blank (PyTorch checks neither)."""
    check_array_in(np.where(given, targets, blank), "targets", 0, n_classes, high_open=True, what="class indices")
    at_blank = np.argwhere(given & (targets == blank))
    if len(at_blank):
        raise ValueError(f"targets must not contain the blank label {blank}; got it at index "
                         f"{tuple(int(i) for i in at_blank[0])}. CTC inserts blanks itself: shift the labels "
                         "or choose another blank.")


def _check_normalised(log_probs, input_lengths):
    r"""Each frame in use must be a log-distribution: :math:`|\log\sum_c p_c| \le` :data:`LOG_NORM_TOLERANCE`."""
    in_use = np.arange(log_probs.shape[0])[:, None] < input_lengths  # (T, N); frames past T_n are ignored
    off = in_use & (np.abs(logsumexp(log_probs)) > LOG_NORM_TOLERANCE)  # nan passes, as everywhere
    if np.any(off):
        t, n = first_index(off)
        raise ValueError(f"log_probs must hold log-probabilities (logsumexp over the classes 0 within "
                         f"{LOG_NORM_TOLERANCE:g}); got {logsumexp(log_probs[t, n]).item():.6g} at (t, n) = "
                         f"({t}, {n}). Apply log_softmax over the classes first.")


def _ctc_problem(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    r"""Every check of :func:`ctc_loss`, then the problem in batch form with its extended labels."""
    lp, unbatched = _batch_log_probs(log_probs)
    n_frames, n, n_classes = lp.shape
    if check_int(blank, "blank", minimum=0) >= n_classes:
        raise ValueError(f"blank must be a class index in [0, {n_classes}); got {blank!r}.")
    check_flag(zero_infinity, "zero_infinity")
    t_n = _lengths(input_lengths, "input_lengths", n, unbatched, n_frames)
    u_n = _lengths(target_lengths, "target_lengths", n, unbatched, np.inf)
    labels = _padded_targets(targets, u_n, n, blank, n_classes)
    _check_normalised(lp, t_n)
    ext = np.full((n, 2 * labels.shape[1] + 1), blank, np.int64)
    ext[:, 1::2] = labels
    skip = np.zeros(ext.shape, bool)  # a skip over the blank between two different labels only
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return _Problem(lp, ext, skip, t_n, u_n, unbatched)


# --- the forward-backward recursion ----------------------------------------------


def _shift(a, k):
    r"""``a`` moved ``k`` places along the last axis (right if ``k > 0``), with :math:`-\infty` moved in."""
    out = np.full_like(a, -np.inf)
    if k > 0:
        out[..., k:] = a[..., :-k]
    else:
        out[..., :k] = a[..., -k:]
    return out


def _emissions(problem):
    r""":math:`\log y_t(l'_s)`, shape (T, N, 2S + 1): each frame's log-probability of each extended label.

    Frames past a sequence's length get :math:`-\infty`, so whatever they hold
    (padding, ``inf``, ``nan``) never reaches a number that is read.
    """
    n = problem.ext.shape[0]
    in_use = np.arange(problem.log_probs.shape[0])[:, None, None] < problem.input_lengths[:, None]
    return np.where(in_use, problem.log_probs[:, np.arange(n)[:, None], problem.ext], -np.inf)


def _alpha(e, skip):
    r"""Forward variables :math:`\log\alpha_t(s)`, shape (T + 1, N, 2S + 1); row ``t + 1`` is frame ``t``.

    Row 0 is a virtual frame before the first, in state 0 with probability 1:
    the recursion from it gives exactly the usual start (blank or first
    label at frame 0), and a zero-length input reads its likelihood there.
    """
    alpha = np.full((e.shape[0] + 1,) + e.shape[1:], -np.inf, e.dtype)
    alpha[0, :, 0] = 0
    for t in range(e.shape[0]):
        a = alpha[t]
        alpha[t + 1] = e[t] + np.logaddexp(np.logaddexp(a, _shift(a, 1)), np.where(skip, _shift(a, 2), -np.inf))
    return alpha


def _ends(problem, dtype):
    r"""0 (log 1) at the two states a path may end in, :math:`s = 2U` and :math:`2U - 1`; :math:`-\infty` elsewhere."""
    s, u = np.arange(problem.ext.shape[1]), problem.target_lengths[:, None]
    return np.where((s == 2 * u) | (s == 2 * u - 1), 0, -np.inf).astype(dtype)


def _beta(e, skip, ends, input_lengths):
    r"""Backward variables *without* frame t's emission, :math:`\log(\beta_t(s) / y_t(l'_s))`, shape (T, N, 2S + 1).

    Leaving the emission out makes :math:`\alpha_t(s)\,\beta_t(s) / y_t(l'_s)`
    a plain sum in log space, with no :math:`-\infty - (-\infty)`. Each
    sequence starts at its own last frame :math:`T_n - 1`; later frames stay
    :math:`-\infty`.
    """
    beta = np.full(e.shape, -np.inf, e.dtype)
    later = np.full(e.shape[1:], -np.inf, e.dtype)  # frame t + 1 with its emission, beta_{t+1}(s)
    for t in reversed(range(e.shape[0])):
        step = np.logaddexp(np.logaddexp(later, _shift(later, -1)), _shift(np.where(skip, later, -np.inf), -2))
        beta[t] = np.where((t == input_lengths - 1)[:, None], ends, step)
        later = e[t] + beta[t]
    return beta


def _nll(problem, alpha):
    r"""Per-sequence :math:`-\log p(l \mid x) = -\log(\alpha_{T-1}(2U) + \alpha_{T-1}(2U - 1))`."""
    n = problem.ext.shape[0]
    last = alpha[problem.input_lengths, np.arange(n)]  # (N, 2S + 1): frame T_n - 1 (the virtual row if T_n = 0)
    return -logsumexp(last + _ends(problem, alpha.dtype))


def _sequence_weights(problem, nll, reduction, zero_infinity):
    r"""Each sequence's loss and the factor ``reduce`` gives it: :math:`1/\max(U_n, 1)` for ``"mean"``."""
    if zero_infinity:
        nll = np.where(nll == np.inf, 0, nll)
    scale = 1 / np.maximum(problem.target_lengths, 1) if reduction == "mean" else np.ones(len(nll))
    return nll, scale.astype(nll.dtype)


def _posterior(problem):
    r"""The posterior :math:`\gamma_t(c)` of each class at each frame, shape (T, N, C), and the per-sequence NLL.

    :math:`\alpha_t(s)\,\beta_t(s) / (y_t(l'_s)\,p)` is the share of the
    alignments that pass state :math:`s` at frame :math:`t`; it is at most 1,
    so the exponential cannot overflow. Summing it over the states that
    carry class :math:`c` gives :math:`\gamma_t(c)`.
    """
    e = _emissions(problem)
    alpha = _alpha(e, problem.skip)
    beta = _beta(e, problem.skip, _ends(problem, e.dtype), problem.input_lengths)
    nll = _nll(problem, alpha)
    with np.errstate(invalid="ignore"):  # -inf + inf = nan for an infeasible sequence, as in PyTorch
        occupancy = np.exp(alpha[1:] + beta + nll[:, None])
    one_hot = problem.ext[..., None] == np.arange(problem.log_probs.shape[2])  # (N, 2S + 1, C)
    return np.einsum("tns,nsc->tnc", occupancy, one_hot.astype(e.dtype)), nll


def ctc_loss(log_probs, targets, input_lengths, target_lengths, *, blank=0, zero_infinity=False, reduction="mean"):
    r"""Connectionist temporal classification loss, CTC (연결주의 시간 분류 손실), PyTorch's ``ctc_loss``.

    A target :math:`l = (l_1, \dots, l_U)` is read from :math:`T` frames of
    class probabilities :math:`y_t(c)`. An alignment :math:`\pi` picks one
    class per frame; :math:`\mathcal B(\pi)` merges repeats and then drops
    blanks (``a a - b -> a b``, ``a - a -> a a``):

    .. math:: \ell = -\log p(l \mid x) = -\log \sum_{\pi:\, \mathcal B(\pi) = l} \prod_{t=0}^{T-1} y_t(\pi_t)

    The sum runs over the extended labels :math:`l' = (b, l_1, b, \dots, l_U, b)`
    (:math:`b` the blank, :math:`|l'| = 2U + 1`) by the forward recursion, in log space:

    .. math::

        \alpha_0(0) = y_0(b), \quad \alpha_0(1) = y_0(l_1), \qquad
        \alpha_t(s) = y_t(l'_s)\bigl(\alpha_{t-1}(s) + \alpha_{t-1}(s-1)
        + [l'_s \ne b,\ l'_s \ne l'_{s-2}]\,\alpha_{t-1}(s-2)\bigr)

    and :math:`p(l \mid x) = \alpha_{T-1}(2U) + \alpha_{T-1}(2U - 1)`. The
    skip over a blank is forbidden between two equal labels, so a repeated
    label needs a blank between: ``a a`` needs at least 3 frames. An input
    too short for its target (:math:`T < U +` the number of repeats) has no
    alignment and an infinite loss; ``zero_infinity=True`` replaces it by 0
    (and its gradient by 0).

    ``"mean"`` divides each sequence's loss by its target length (at least
    1, as PyTorch clamps) and then averages over the batch; ``"sum"`` adds
    the unscaled losses.

    Args:
        log_probs: :math:`\log y`, shape (T, N, C) or unbatched (T, C): the
            log-softmax of the network's scores over C classes, blank included.
        targets: integer labels, padded (N, S) with S at least the longest
            target (the padding is ignored), or all targets concatenated,
            shape (sum(target_lengths),).
        input_lengths: :math:`T_n \le T`, the frames each sequence uses (N,)
            (a scalar or (1,) if unbatched).
        target_lengths: :math:`U_n`, each target's length, the same shape.
        blank: the blank class :math:`b \in [0, C)` (default 0).
        zero_infinity: replace infinite losses (and their gradients) by 0
            (default ``False``).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or the (N,) per-sequence losses
        (0-d if unbatched) for ``reduction="none"``; the dtype of ``log_probs``.

    Raises:
        TypeError: if ``log_probs`` is not real, or targets or lengths are
            not integers (PyTorch accepts float targets).
        ValueError: if shapes do not fit, a length is negative, an input
            length exceeds T, ``blank`` is outside [0, C), a label is
            outside [0, C) or **equals the blank**, or a frame in use is
            not a log-distribution. PyTorch accepts the last three silently
            (and reads memory out of bounds for a label outside [0, C)).

    Shape:
        ``log_probs``: (T, N, C) or (T, C); ``targets``: (N, S) or
        (sum(target_lengths),); ``input_lengths``, ``target_lengths``: (N,)
        or (); output: scalar, or (N,) for ``reduction="none"``.

    See Also:
        :func:`ctc_loss_grad`, ``torch.nn.CTCLoss``, :func:`lossbook.classification.log_softmax`.

    References:
        Graves, Fernández, Gomez and Schmidhuber (2006), Connectionist
        Temporal Classification: Labelling Unsegmented Sequence Data with
        Recurrent Neural Networks, ICML, 369-376.

    Examples:
        Two frames, two classes (blank 0 and label 1), all probabilities
        1/2. The target ``1`` has three alignments, ``1 1``, ``0 1`` and
        ``1 0``: :math:`p = 3/4`.

        >>> half = np.log(np.full((2, 2), 0.5))
        >>> ctc_loss(half, [1], 2, 1)  # -ln(3/4)
        array(0.2877)

        ``1 1`` needs ``1 0 1``: impossible in 2 frames, probability 1/8 in 3,
        and ``"mean"`` divides by the target length 2:

        >>> ctc_loss(half, [1, 1], 2, 2)
        array(inf)
        >>> ctc_loss(np.log(np.full((3, 2), 0.5)), [1, 1], 3, 2)  # ln(8) / 2
        array(1.0397)
    """
    check_reduction(reduction)
    problem = _ctc_problem(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity)
    nll = _nll(problem, _alpha(_emissions(problem), problem.skip))
    nll, scale = _sequence_weights(problem, nll, reduction, zero_infinity)
    out = reduce(nll * scale, reduction)
    return out.reshape(()) if problem.unbatched and reduction == "none" else out


def ctc_loss_grad(log_probs, targets, input_lengths, target_lengths, *, blank=0, zero_infinity=False,
                  reduction="mean"):
    r"""PyTorch's CTC gradient: the gradient with respect to the **logits** behind ``log_probs``.

    With :math:`\gamma_t(c) = \frac{1}{p(l \mid x)} \sum_{s:\, l'_s = c} \frac{\alpha_t(s)\,\beta_t(s)}{y_t(c)}`,
    the posterior probability that an alignment emits class :math:`c` at
    frame :math:`t` (Graves et al. 2006, eq. 16; :math:`\beta` is the
    backward recursion, both including frame :math:`t`'s emission), this
    returns, like PyTorch's ``ctc_loss`` backward,

    .. math:: g_t(c) = w_n \bigl(y_t(c) - \gamma_t(c)\bigr) \quad (t < T_n), \qquad 0 \quad (t \ge T_n)

    with :math:`w_n` the reduction's factor (:math:`1/(\max(U_n, 1) N)` for
    ``"mean"``). This is **not** the partial derivative with respect to
    ``log_probs``, which is :math:`-w_n \gamma_t(c)`: PyTorch adds
    :math:`w_n y_t(c)`, assuming that ``log_probs = log_softmax(z)``. Then
    the chain rule through ``log_softmax``,
    :math:`\partial / \partial z = g - y \sum_c g_c`, removes the extra term
    (:math:`\sum_c \gamma_t(c) = 1`, so :math:`\sum_c g_t(c) = 0`) and
    :math:`g` is the true gradient with respect to the logits :math:`z`:
    softmax minus posterior, as cross-entropy's is softmax minus target.
    Both facts are tested with central differences.

    An infeasible sequence (infinite loss) has a ``nan`` gradient, as in
    PyTorch, or 0 with ``zero_infinity=True``. A class with
    :math:`\log y = -\infty` gets 0 (PyTorch: ``nan``).

    Returns:
        :math:`g`, the shape and dtype of ``log_probs``.

    Examples:
        The two-frame example of :func:`ctc_loss`: of the three alignments
        ``1 1``, ``0 1``, ``1 0``, two emit 1 at each frame, so
        :math:`\gamma_t = (1/3, 2/3)` and :math:`g_t = (1/2 - 1/3, 1/2 - 2/3)`:

        >>> ctc_loss_grad(np.log(np.full((2, 2), 0.5)), [1], 2, 1)
        array([[ 0.1667, -0.1667],
               [ 0.1667, -0.1667]])
    """
    check_reduction(reduction)
    problem = _ctc_problem(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity)
    gamma, nll = _posterior(problem)
    _, scale = _sequence_weights(problem, nll, reduction, zero_infinity)
    in_use = np.arange(len(gamma))[:, None] < problem.input_lengths  # (T, N): frames past T_n get 0
    if zero_infinity:  # an infinite loss replaced by 0 has gradient 0
        in_use &= nll != np.inf
    weight = scale * reduce_grad(np.ones_like(scale), reduction)  # w_n: 1 / (max(U_n, 1) N) for "mean"
    grad = np.where(in_use[..., None], weight[:, None] * (np.exp(problem.log_probs) - gamma), 0)
    return grad[:, 0] if problem.unbatched else grad
