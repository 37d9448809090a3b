r"""Classification losses (분류 손실함수): the target is a class, the prediction scores every class.

Three families; every loss has a gradient twin ``<name>_grad`` of the same
signature that returns :math:`\partial L / \partial\,\text{input}`:

* from **logits** (PyTorch's convention): :func:`cross_entropy`,
  :func:`nll_loss` (on log-probabilities), :func:`binary_cross_entropy_with_logits`,
  :func:`sigmoid_focal_loss`, :func:`softmax_focal_loss`, and
  :func:`linear_cross_entropy` (the last linear layer fused into the loss);
* from **probabilities** (the course notes' and Keras' convention):
  :func:`binary_cross_entropy`, :func:`categorical_cross_entropy`,
  :func:`sparse_categorical_cross_entropy`;
* the numerically stable building blocks :func:`logsumexp`,
  :func:`softmax`, :func:`log_softmax` and :func:`sigmoid`.

Where PyTorch has the loss, the name, keywords, defaults and numbers are
PyTorch's: classes sit at axis 1 of an (N, C, d1, ...) input (axis 0 of an
unbatched (C,) one), and a weighted mean divides by the summed weights of the
targets it kept. Internally the class axis is moved last, so every per-class
sum below is over ``axis=-1``.
"""
import math
import numbers

import numpy as np

from ._checks import as_float_array, as_index_array, check_array_in, check_scalar_in, class_weight, loss_arrays
from ._reduction import check_reduction, reduce, reduce_grad

#: The floor of :math:`x (1 - x)` in PyTorch's BCE backward: the C++ float constant 1e-12, which is
#: 9.99999996e-13 as a double, in float64 too. Using the same number makes the gradients agree exactly.
BCE_GRAD_FLOOR = float(np.float32(1e-12))

# --- softmax and friends ----------------------------------------------------


def logsumexp(x, *, axis=-1, keepdims=False):
    r"""Log-sum-exp (로그-합-지수), a smooth maximum: :math:`\log \sum_k e^{x_k}`.

    .. math:: \operatorname{logsumexp}(x) = m + \log \sum_k e^{x_k - m}, \qquad m = \max_k x_k

    Both sides are equal for any :math:`m`; the maximum keeps every exponent
    :math:`\le 0`, so nothing overflows (:math:`e^{10^4}` is ``inf`` in
    float64) and the largest term is exactly 1.

    Args:
        x: real numbers, any shape with at least one axis.
        axis: the axis to reduce (default -1).
        keepdims: keep ``axis`` with length 1, for broadcasting against ``x``.

    Returns:
        An array in the dtype of ``x``. A row of all ``-inf`` gives ``-inf``
        and a row with ``+inf`` gives ``inf``, as in ``scipy.special.logsumexp``.

    Raises:
        TypeError: if ``x`` is not real-valued.

    Shape:
        ``x``: (*); output: ``x``'s shape without ``axis`` (or with length 1
        there when ``keepdims``).

    See Also:
        :func:`log_softmax`, ``scipy.special.logsumexp``, ``torch.logsumexp``.

    References:
        Goodfellow, Bengio and Courville (2016), Deep Learning, MIT Press,
        section 4.1 (overflow and underflow).

    Examples:
        >>> logsumexp([0.0, 0.0])  # ln 2
        array(0.6931)
        >>> logsumexp([1e4, 1e4])  # 1e4 + ln 2, where exp(1e4) alone is inf
        array(10000.6931)
    """
    x = as_float_array(x, "x")
    m, log_total = _max_shift(x, axis)
    out = m + log_total
    return np.asarray(out if keepdims else np.squeeze(out, axis=axis))


def softmax(x, *, axis=-1):
    r"""Softmax (소프트맥스): logits to probabilities along ``axis``.

    .. math:: \operatorname{softmax}(x)_k = \frac{e^{x_k - m}}{\sum_j e^{x_j - m}}, \qquad m = \max_j x_j

    Subtracting :math:`m` changes nothing mathematically (it cancels) and
    keeps every exponent :math:`\le 0`, so logits of :math:`\pm 10^4` work.

    Args:
        x: logits, any shape with at least one axis.
        axis: the class axis (default -1).

    Returns:
        Probabilities summing to 1 along ``axis``, in the dtype of ``x``; a
        row of all ``-inf`` gives ``nan``, as in PyTorch and SciPy.

    Raises:
        TypeError: if ``x`` is not real-valued.

    Shape:
        ``x``: (*); output: the same.

    See Also:
        :func:`log_softmax`, ``scipy.special.softmax``, ``torch.softmax``.

    References:
        Bridle (1990), Probabilistic Interpretation of Feedforward
        Classification Network Outputs, Neurocomputing, 227-236.

    Examples:
        >>> softmax([0.0, np.log(3.0)])  # e^0 : e^{ln 3} = 1 : 3
        array([0.25, 0.75])
        >>> softmax([1e4, 0.0])
        array([1., 0.])
    """
    x = as_float_array(x, "x")
    m, _ = _max_shift(x, axis)
    e = np.exp(x - m)
    with np.errstate(invalid="ignore"):  # an all -inf row is 0 / 0 = nan, as in PyTorch
        return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, *, axis=-1):
    r"""Log-softmax (로그 소프트맥스): :math:`\log \operatorname{softmax}(x)`, computed stably.

    .. math:: \log \operatorname{softmax}(x)_k = (x_k - m) - \log \sum_j e^{x_j - m}

    This is :math:`x - \operatorname{logsumexp}(x)`, with the maximum
    subtracted first: :math:`x_k - (m + \log\sum)` would round
    :math:`m + \log\sum` to the spacing of floats near :math:`m`
    (:math:`\approx 2\cdot 10^{-12}` at :math:`10^4`). The log-sum is
    ``log1p`` of the terms other than the maximum, so a confident class
    keeps all the digits of its :math:`\log p \approx 0`. Never
    :math:`\log(\operatorname{softmax}(x))`: softmax underflows to 0 and its
    log to ``-inf`` where log-softmax is a finite :math:`-2\cdot 10^4`.

    Args:
        x: logits, any shape with at least one axis.
        axis: the class axis (default -1).

    Returns:
        Log-probabilities in the dtype of ``x``; a row of all ``-inf`` gives
        ``nan``, as in PyTorch and SciPy.

    Raises:
        TypeError: if ``x`` is not real-valued.

    Shape:
        ``x``: (*); output: the same.

    See Also:
        :func:`softmax`, :func:`logsumexp`, ``scipy.special.log_softmax``,
        ``torch.log_softmax``.

    References:
        Goodfellow, Bengio and Courville (2016), Deep Learning, MIT Press,
        section 6.2.2.3 (softmax units).

    Examples:
        >>> log_softmax([0.0, 0.0])  # ln(1/2) twice
        array([-0.6931, -0.6931])
        >>> log_softmax([1e4, -1e4])  # log(softmax) would give -inf
        array([     0., -20000.])
    """
    x = as_float_array(x, "x")
    m, log_total = _max_shift(x, axis)
    with np.errstate(invalid="ignore"):  # an all -inf row is -inf - (-inf) = nan, as in PyTorch
        return (x - m) - log_total


def _max_shift(x, axis):
    r"""The maximum :math:`m` along ``axis`` (kept as length 1) and :math:`\log\sum_k e^{x_k - m}`.

    Each entry at the maximum adds exactly :math:`e^0 = 1`, so the sum is
    :math:`1 + r` with :math:`r` = the other terms plus the extra ties, and
    ``log1p(r)`` keeps the digits of a small :math:`r` that ``log(1 + r)``
    rounds away: for logits (0, 30) the second class has
    :math:`\log p = -\ln(1 + e^{-30}) = -9.3576 \cdot 10^{-14}`, where
    ``log(1 + r)`` (PyTorch's and SciPy's ``log_softmax``) gives
    :math:`-9.3481 \cdot 10^{-14}`.

    A non-finite maximum is replaced by 0, as SciPy does: for an all ``-inf``
    row, :math:`x - m` would be ``-inf - (-inf) = nan``; such a row then has
    :math:`r = -1` and the log-sum :math:`\log 0 = -\infty`, as does an
    empty axis (``initial=-inf``).
    """
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0)
    at_max = x == m
    others = np.sum(np.where(at_max, 0, np.exp(x - m)), axis=axis, keepdims=True)
    r = others + (np.sum(at_max, axis=axis, keepdims=True, dtype=x.dtype) - 1)
    with np.errstate(divide="ignore"):  # log1p(-1) = -inf is the logsumexp of an all -inf row
        return m, np.log1p(r)


# --- class indices, class probabilities and class weights -------------------


def _classes_last(input):
    r"""``input`` as a float array with its class axis (1, or 0 if unbatched) moved last."""
    input = as_float_array(input, "input")
    if input.ndim == 0:
        raise ValueError("input must have a class axis, shape (C,), (N, C) or (N, C, d1, ...); got a scalar.")
    return np.moveaxis(input, min(1, input.ndim - 1), -1)


def _classes_back(grad, ndim):
    r"""Undo :func:`_classes_last` on a gradient, so it has the shape of ``input``."""
    return np.moveaxis(grad, -1, min(1, ndim - 1))


def _class_indices(target, scores, ignore_index=None):
    r"""One-hot rows for the class indices ``target`` against classes-last ``scores``.

    Rows of ignored targets are all zero, so they add nothing to a loss, a
    gradient or a weighted count. Returns the one-hot array (dtype of
    ``scores``) and the boolean mask of the targets kept.
    """
    target = as_index_array(target, "target")
    if target.shape != scores.shape[:-1]:
        raise ValueError(
            f"target must have shape {scores.shape[:-1]}, the input's shape without the class axis; "
            f"got {target.shape}."
        )
    kept = np.ones(target.shape, bool) if ignore_index is None else target != ignore_index
    n_classes = scores.shape[-1]
    check_array_in(np.where(kept, target, 0), "target", 0, n_classes, high_open=True, what="class indices")
    one_hot = (target[..., None] == np.arange(n_classes)) & kept[..., None]
    return one_hot.astype(scores.dtype), kept


def _class_probabilities(target, scores, ignore_index):
    r"""Class-probability targets (PyTorch's choice when target has the input's shape), classes last."""
    target = np.asarray(target)
    if target.dtype.kind != "f":
        raise TypeError(
            f"target must hold floating class probabilities when it has the input's shape; got dtype {target.dtype}. "
            f"Class indices have shape {scores.shape[:-1]}, the input's shape without the class axis."
        )
    if ignore_index >= 0:  # PyTorch refuses it: there is no single class to ignore in a distribution
        raise ValueError(f"ignore_index must be negative with class-probability targets; got {ignore_index!r}.")
    return np.moveaxis(target.astype(scores.dtype, copy=False), min(1, target.ndim - 1), -1)


def _soft_targets(input, target, weight, ignore_index, label_smoothing=0.0, *, probabilities=False):
    r"""Classes-last scores, the weighted smoothed target :math:`q` and the mean's denominator.

    Index and probability targets both become :math:`t` (one-hot or given),
    then :math:`q_c = w_c\,((1 - \varepsilon)\,t_c + \varepsilon / C)` with
    zero rows where ignored; the loss is :math:`-\sum_c q_c \log p_c`. A
    ``"mean"`` divides by :math:`\sum_n w_{y_n}` over kept index targets (as
    PyTorch does, also for the smoothing term), by the sample count for
    probability targets.
    """
    scores = _classes_last(input)
    n_classes = scores.shape[-1]
    w = class_weight(weight, n_classes, scores.dtype)
    eps = check_scalar_in(label_smoothing, "label_smoothing", 0, 1)
    if probabilities and np.shape(target) == np.shape(input):
        t = _class_probabilities(target, scores, ignore_index)
        kept, denominator = np.ones(t.shape[:-1], bool), math.prod(t.shape[:-1])
    else:
        t, kept = _class_indices(target, scores, ignore_index)
        denominator = np.sum(w * t)
    q = w * np.where(kept[..., None], (1 - eps) * t + eps / n_classes, 0)
    return scores, q, denominator, kept


def _reduce_class_grad(grad, kept, reduction, denominator):
    r"""``reduce_grad``, then the class axis back at 1 (or 0 if unbatched).

    Ignored targets get exactly 0, as in PyTorch, even when no target is
    kept: the mean's denominator is then 0, the loss ``nan``, and the other
    rows ``0 / 0`` would be ``nan``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0 where nothing is kept, replaced below
        grad = reduce_grad(grad, reduction, denominator=denominator)
    return _classes_back(np.where(kept[..., None], grad, 0), grad.ndim)


def _neg_expected_log(q, log_p):
    r""":math:`-\sum_c q_c \log p_c` over the last axis, a term with :math:`q_c = 0` counting 0.

    ``np.where`` skips those terms so that a masked logit (``-inf``, log
    probability ``-inf``) in a class with no target mass gives a finite loss,
    not ``0 * -inf = nan``.
    """
    with np.errstate(invalid="ignore"):  # 0 * -inf, computed and then discarded by np.where
        return np.asarray(-np.sum(np.where(q == 0, 0, q * log_p), axis=-1))


# --- cross-entropy on logits and NLL on log-probabilities --------------------


def cross_entropy(input, target, *, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean"):
    r"""Cross-entropy loss (교차 엔트로피 손실) on logits, PyTorch's ``cross_entropy``.

    With :math:`\log p = \operatorname{log\_softmax}(x)` over the classes,
    :math:`\varepsilon` = ``label_smoothing`` and :math:`w` = ``weight``:

    .. math::

        \ell_n = -\sum_{c=1}^{C} w_c \bigl((1-\varepsilon)\,t_{n,c} + \tfrac{\varepsilon}{C}\bigr) \log p_{n,c}

    where :math:`t_n` is the one-hot row of the class index :math:`y_n`, or
    the given class probabilities. For index targets this is PyTorch's
    :math:`(1-\varepsilon)\,\mathrm{NLL} + \tfrac{\varepsilon}{C}\sum_c (-w_c \log p_c)`,
    and ``"mean"`` divides :math:`\sum_n \ell_n` by :math:`\sum_n w_{y_n}`
    over the targets not equal to ``ignore_index`` (by their number without
    ``weight``), the smoothing term included. For probability targets
    ``"mean"`` divides by the number of samples and ``ignore_index`` must stay
    negative.

    The input is **logits**, not probabilities: the course example
    [0.1, 0.3, 0.4, 0.2] fed as logits gives 1.3425, not :math:`-\ln 0.3`.

    Args:
        input: logits :math:`x`, shape (C,), (N, C) or (N, C, d1, ...).
        target: class indices (integer dtype, ``input``'s shape without the
            class axis), or class probabilities (floating dtype, ``input``'s
            shape); as in PyTorch the shape decides which.
        weight: per-class weights :math:`w`, shape (C,); ``None`` for all 1.
        ignore_index: an index target equal to it adds nothing to the loss or
            to the mean's denominator (default -100).
        label_smoothing: :math:`\varepsilon \in [0, 1]`, mixes the target
            with the uniform distribution over the C classes.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or :math:`\ell` of shape (), (N,) or
        (N, d1, ...) for ``reduction="none"`` (0 where ignored); the dtype of
        ``input``. A mean over no kept targets is ``nan``, as in PyTorch.

    Raises:
        TypeError: if ``input`` is not real-valued, index targets are not
            integers, or same-shape targets are not floating.
        ValueError: if shapes do not fit, an index is outside [0, C) (and
            not ``ignore_index``), ``weight`` is not (C,), ``label_smoothing``
            is outside [0, 1] (PyTorch lets a negative one through), or
            ``ignore_index >= 0`` with probability targets.

    Shape:
        ``input``: (C,), (N, C) or (N, C, d1, ...); ``target``: (), (N,) or
        (N, d1, ...) for indices, the input's shape for probabilities;
        output: scalar, or the index shape for ``reduction="none"``.

    See Also:
        :func:`cross_entropy_grad`, :func:`nll_loss`, :func:`log_softmax`,
        :func:`lossbook.information.cross_entropy`, ``torch.nn.CrossEntropyLoss``.

    References:
        Szegedy et al. (2016), Rethinking the Inception Architecture for
        Computer Vision, CVPR, section 7 (label smoothing), arXiv:1512.00567.

    Examples:
        Logits :math:`(0, \ln 3)` mean probabilities (1/4, 3/4):

        >>> cross_entropy([[0.0, np.log(3.0)]], [1])  # -ln 0.75
        array(0.2877)
        >>> cross_entropy(np.log([[0.1, 0.3, 0.4, 0.2]]), [1])  # -ln 0.3
        array(1.204)
        >>> cross_entropy([[0.0, np.log(3.0)]], [1], label_smoothing=0.2)  # -(0.1 ln 0.25 + 0.9 ln 0.75)
        array(0.3975)
    """
    check_reduction(reduction)
    scores, q, denominator, _ = _soft_targets(input, target, weight, ignore_index, label_smoothing,
                                              probabilities=True)
    return reduce(_neg_expected_log(q, log_softmax(scores)), reduction, denominator=denominator)


def cross_entropy_grad(input, target, *, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean"):
    r"""Gradient of :func:`cross_entropy` with respect to the logits.

    With :math:`q` the weighted smoothed target of :func:`cross_entropy` and
    :math:`p = \operatorname{softmax}(x)`:

    .. math:: \frac{\partial \ell_n}{\partial x_{n,k}} = p_{n,k} \sum_c q_{n,c} - q_{n,k}

    Without weights :math:`\sum_c q_{n,c} = 1` and this is the familiar
    :math:`p - t`: softmax minus the (smoothed) target.

    Examples:
        >>> cross_entropy_grad([[0.0, np.log(3.0)]], [1])  # (1/4, 3/4) - (0, 1)
        array([[ 0.25, -0.25]])
    """
    check_reduction(reduction)
    scores, q, denominator, kept = _soft_targets(input, target, weight, ignore_index, label_smoothing,
                                                 probabilities=True)
    grad = softmax(scores) * np.sum(q, axis=-1, keepdims=True) - q
    return _reduce_class_grad(grad, kept, reduction, denominator)


def nll_loss(input, target, *, weight=None, ignore_index=-100, reduction="mean"):
    r"""Negative log-likelihood loss (음의 로그 우도 손실), PyTorch's ``nll_loss``.

    .. math:: \ell_n = -w_{y_n} \log p_{n, y_n}

    The input is already **log-probabilities** (e.g. :func:`log_softmax`);
    ``nll_loss(log_softmax(x), y)`` is ``cross_entropy(x, y)``. ``"mean"``
    divides by :math:`\sum_n w_{y_n}` over the targets not equal to
    ``ignore_index``.

    Args:
        input: log-probabilities, shape (C,), (N, C) or (N, C, d1, ...).
        target: class indices (integer dtype), ``input``'s shape without the
            class axis.
        weight: per-class weights :math:`w`, shape (C,); ``None`` for all 1.
        ignore_index: a target equal to it adds nothing (default -100).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or :math:`\ell` for
        ``reduction="none"`` (0 where ignored); the dtype of ``input``.

    Raises:
        TypeError: if ``input`` is not real-valued or ``target`` is not integer.
        ValueError: if shapes do not fit, an index is outside [0, C) (and not
            ``ignore_index``) or ``weight`` is not (C,).

    Shape:
        ``input``: (C,), (N, C) or (N, C, d1, ...); ``target``: (), (N,) or
        (N, d1, ...); output: scalar, or the target's shape.

    See Also:
        :func:`nll_loss_grad`, :func:`cross_entropy`, ``torch.nn.NLLLoss``.

    References:
        Goodfellow, Bengio and Courville (2016), Deep Learning, MIT Press,
        section 6.2.1.1 (maximum likelihood).

    Examples:
        >>> nll_loss(np.log([[0.1, 0.3, 0.4, 0.2]]), [1])  # -ln 0.3
        array(1.204)
        >>> nll_loss([[-1.0, -2.0], [-3.0, -4.0]], [0, 1], weight=[1.0, 3.0])  # (1*1 + 3*4) / (1 + 3)
        array(3.25)
    """
    check_reduction(reduction)
    log_p, q, denominator, _ = _soft_targets(input, target, weight, ignore_index)
    return reduce(_neg_expected_log(q, log_p), reduction, denominator=denominator)


def nll_loss_grad(input, target, *, weight=None, ignore_index=-100, reduction="mean"):
    r"""Gradient of :func:`nll_loss` with respect to the log-probabilities.

    .. math:: \frac{\partial \ell_n}{\partial x_{n,k}} = -w_{y_n} [k = y_n]

    Examples:
        >>> nll_loss_grad([[-1.0, -2.0], [-3.0, -4.0]], [0, 1], weight=[1.0, 3.0], reduction="sum")
        array([[-1., -0.],
               [-0., -3.]])
    """
    check_reduction(reduction)
    _, q, denominator, kept = _soft_targets(input, target, weight, ignore_index)
    return _reduce_class_grad(-q, kept, reduction, denominator)


# --- binary cross-entropy --------------------------------------------------


def _binary_arrays(input, target, weight):
    r"""``loss_arrays`` plus the elementwise ``weight`` (1 for ``None``) broadcast to the input."""
    input, target = loss_arrays(input, target)
    return input, target, _broadcast_to_input(weight, input, "weight")


def _broadcast_to_input(value, input, name, hint=""):
    r"""``value`` broadcast to ``input``'s shape in its dtype, as PyTorch broadcasts weights; 1 for ``None``."""
    if value is None:
        return 1
    value = as_float_array(value, name).astype(input.dtype, copy=False)
    try:
        return np.broadcast_to(value, input.shape)
    except ValueError:
        raise ValueError(
            f"{name} must be broadcastable to the input's shape {input.shape}; got shape {value.shape}.{hint}"
        ) from None


def binary_cross_entropy(input, target, *, weight=None, reduction="mean"):
    r"""Binary cross-entropy (이진 교차 엔트로피) on probabilities, PyTorch's ``binary_cross_entropy``.

    .. math:: \ell_i = -w_i \bigl(y_i \max(\log x_i, -100) + (1 - y_i) \max(\log(1 - x_i), -100)\bigr)

    Each log is clamped at -100, as PyTorch does: at :math:`x = 0` with
    :math:`y = 1` the loss is 100, not ``inf``, and :math:`0 \cdot \log 0` is
    0, not ``nan``. (The course's plain-Python version fails there with
    ``math domain error``.) For logits use
    :func:`binary_cross_entropy_with_logits`, which needs no clamp.

    Args:
        input: predicted probabilities :math:`x \in [0, 1]`, any shape.
        target: targets :math:`y`, the same shape (0/1 labels or soft labels).
        weight: elementwise weights :math:`w`, broadcastable to ``input``;
            ``None`` for all 1.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or :math:`\ell` for
        ``reduction="none"``; the dtype of ``input``.

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: if the shapes differ, ``input`` leaves [0, 1] (PyTorch
            refuses it too), ``weight`` does not broadcast, or ``reduction``
            is unknown.

    Shape:
        ``input``: (*); ``target``: (*), the same; ``weight``: broadcastable
        to (*); output: scalar, or (*) for ``reduction="none"``.

    See Also:
        :func:`binary_cross_entropy_grad`, :func:`binary_cross_entropy_with_logits`,
        ``torch.nn.BCELoss``, ``sklearn.metrics.log_loss(y_true, y_proba)``.

    References:
        Goodfellow, Bengio and Courville (2016), Deep Learning, MIT Press,
        section 6.2.2.2 (sigmoid units for Bernoulli outputs).

    Examples:
        The course notes' numbers, :math:`-\ln 0.9` and :math:`-\ln 0.1`:

        >>> binary_cross_entropy([0.9, 0.9], [1.0, 0.0], reduction="none")
        array([0.1054, 2.3026])
        >>> binary_cross_entropy([0.0], [1.0])  # the clamp: 100, not inf
        array(100.)
    """
    check_reduction(reduction)
    input, target, weight = _binary_arrays(input, target, weight)
    check_array_in(input, "input", 0, 1, what="probabilities")
    with np.errstate(divide="ignore"):  # log 0 = -inf, clamped to -100 on the next line
        log_x, log_1mx = np.log(input), np.log1p(-input)  # log1p keeps the digits of log(1 - x) for small x
    return reduce(-weight * (target * np.maximum(log_x, -100) + (1 - target) * np.maximum(log_1mx, -100)), reduction)


def binary_cross_entropy_grad(input, target, *, weight=None, reduction="mean"):
    r"""Gradient of :func:`binary_cross_entropy` as PyTorch's backward computes it.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = w_i \frac{x_i - y_i}{\max\bigl(x_i (1 - x_i), 10^{-12}\bigr)}

    This is the derivative of the unclamped loss with its denominator
    floored at :math:`10^{-12}` (:data:`BCE_GRAD_FLOOR`, PyTorch's constant
    to the last digit). It is *not* the derivative of the clamped loss: at
    :math:`x = 0, y = 1` the clamped loss is flat (constant 100) yet PyTorch
    returns :math:`-10^{12}`, a huge push in the right direction instead of
    no signal at all. We return the same.

    Examples:
        >>> binary_cross_entropy_grad([0.5], [1.0])  # (0.5 - 1) / (0.5 * 0.5)
        array([-2.])
        >>> binary_cross_entropy_grad([0.0], [1.0])  # -1 / 1e-12
        array([-1.e+12])
    """
    check_reduction(reduction)
    input, target, weight = _binary_arrays(input, target, weight)
    check_array_in(input, "input", 0, 1, what="probabilities")
    return reduce_grad(weight * (input - target) / np.maximum(input * (1 - input), BCE_GRAD_FLOOR), reduction)


def _softplus(z):
    r""":math:`\log(1 + e^z) = \max(z, 0) + \log(1 + e^{-|z|})`.

    :math:`e^{-|z|} \le 1` cannot overflow (:math:`e^{10^4}` would be
    ``inf``), and ``log1p`` keeps the digits of a tiny :math:`e^{-|z|}`.
    """
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def sigmoid(z):
    r"""The logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, stable for every :math:`z`.

    Computed through :math:`e^{-|z|} \le 1`, which never overflows: the naive
    formula overflows :math:`e^{-z}` for :math:`z < -709` in float64.

    Examples:
        >>> sigmoid(np.array([0.0, -1000.0, 1000.0]))
        array([0.5, 0. , 1. ])
    """
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _bce_from_logits(x, y, pos_weight=1):
    r""":math:`p_w\, y \operatorname{softplus}(-x) + (1 - y) \operatorname{softplus}(x)`, i.e.
    :math:`-p_w\, y \log\sigma(x) - (1 - y)\log(1 - \sigma(x))` with both logs stable."""
    return pos_weight * y * _softplus(-x) + (1 - y) * _softplus(x)


def binary_cross_entropy_with_logits(input, target, *, weight=None, pos_weight=None, reduction="mean"):
    r"""Binary cross-entropy on logits, PyTorch's ``binary_cross_entropy_with_logits``.

    .. math:: \ell_i = -w_i \bigl(p_w\, y_i \log \sigma(x_i) + (1 - y_i) \log(1 - \sigma(x_i))\bigr)

    computed as :math:`w_i (p_w\, y_i \operatorname{softplus}(-x_i) + (1 - y_i)\operatorname{softplus}(x_i))`,
    since :math:`-\log\sigma(x) = \operatorname{softplus}(-x)`. For
    :math:`p_w = 1` this is the familiar stable form
    :math:`\max(x, 0) - x y + \log(1 + e^{-|x|})`; it stays finite at
    :math:`x = \pm 10^4`, where :math:`\log\sigma(x)` computed naively is
    ``log 0``. ``pos_weight`` :math:`p_w` weighs the positive term only (it
    trades recall for precision in multi-label problems) and broadcasts
    along the last axis, one value per class.

    Args:
        input: logits :math:`x`, any shape.
        target: targets :math:`y`, the same shape.
        weight: elementwise weights :math:`w`, broadcastable to ``input``.
        pos_weight: weight :math:`p_w` of positive examples, broadcastable to
            ``input``, typically shape (C,) for C classes on the last axis.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or :math:`\ell` for
        ``reduction="none"``; the dtype of ``input``.

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: if the shapes differ, ``weight`` or ``pos_weight`` does not
            broadcast to ``input``, or ``reduction`` is unknown.

    Shape:
        ``input``: (*, C); ``target``: the same; ``pos_weight``: (C,) or
        broadcastable; output: scalar, or (*, C) for ``reduction="none"``.

    See Also:
        :func:`binary_cross_entropy_with_logits_grad`, :func:`binary_cross_entropy`,
        :func:`sigmoid_focal_loss`, ``torch.nn.BCEWithLogitsLoss``.

    References:
        Goodfellow, Bengio and Courville (2016), Deep Learning, MIT Press,
        section 6.2.2.2 (the softplus form).

    Examples:
        >>> binary_cross_entropy_with_logits([0.0], [1.0])  # -ln sigmoid(0) = ln 2
        array(0.6931)
        >>> binary_cross_entropy_with_logits([0.0], [1.0], pos_weight=[3.0])  # 3 ln 2
        array(2.0794)
        >>> binary_cross_entropy_with_logits([1e4, -1e4], [0.0, 1.0], reduction="none")
        array([10000., 10000.])
    """
    check_reduction(reduction)
    input, target, weight, pos_weight = _logit_arrays(input, target, weight, pos_weight)
    return reduce(weight * _bce_from_logits(input, target, pos_weight), reduction)


def binary_cross_entropy_with_logits_grad(input, target, *, weight=None, pos_weight=None, reduction="mean"):
    r"""Gradient of :func:`binary_cross_entropy_with_logits` with respect to the logits.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = w_i \bigl((1 - y_i)\,\sigma(x_i) - p_w\, y_i\, \sigma(-x_i)\bigr)

    For :math:`p_w = 1` this is :math:`w_i (\sigma(x_i) - y_i)`. Writing
    :math:`1 - \sigma(x)` as :math:`\sigma(-x)` keeps its digits when
    :math:`\sigma(x) \approx 1`.

    Examples:
        >>> binary_cross_entropy_with_logits_grad([0.0], [1.0])  # sigmoid(0) - 1
        array([-0.5])
        >>> binary_cross_entropy_with_logits_grad([0.0], [1.0], pos_weight=[3.0])
        array([-1.5])
    """
    check_reduction(reduction)
    input, target, weight, pos_weight = _logit_arrays(input, target, weight, pos_weight)
    grad = (1 - target) * sigmoid(input) - pos_weight * target * sigmoid(-input)
    return reduce_grad(weight * grad, reduction)


def _logit_arrays(input, target, weight, pos_weight):
    r"""``_binary_arrays`` plus ``pos_weight`` broadcast to the input (1 for ``None``)."""
    input, target, weight = _binary_arrays(input, target, weight)
    hint = f" Give one value per class on the last axis, shape ({input.shape[-1]},)." if input.ndim else ""
    return input, target, weight, _broadcast_to_input(pos_weight, input, "pos_weight", hint)


# --- categorical cross-entropy on probabilities (the Keras convention) -------


def _clipped_probabilities(input, eps):
    r"""``input`` (classes last) checked to be probabilities, then clipped to :math:`[\epsilon, 1 - \epsilon]`.

    The clip keeps :math:`\log p` finite at :math:`p = 0`, as Keras does;
    the upper end matters only for Keras' symmetry with the binary case.
    """
    eps = check_scalar_in(eps, "eps", 0, 0.5, low_open=True, high_open=True)
    _check_classes_last(input)
    check_array_in(input, "input", 0, 1, what="probabilities")
    return np.clip(input, eps, 1 - eps), eps


def categorical_cross_entropy(input, target, *, eps=1e-7, reduction="mean"):
    r"""Categorical cross-entropy (범주형 교차 엔트로피) on probabilities, Keras' ``categorical_crossentropy``.

    .. math:: \ell_n = -\sum_{c=1}^{C} t_{n,c} \log \operatorname{clip}(p_{n,c}, \epsilon, 1 - \epsilon)

    The classes are on the **last** axis (Keras), the input is
    **probabilities** (after a softmax), and the target is a one-hot or a
    soft row. Soft or smoothed labels count fully: a loop that only looks at
    the entry equal to 1 ignores them. Keras clips at :math:`\epsilon = 10^{-7}`
    and, unlike this function, first rescales each row of ``input`` to sum to
    1. On logits prefer :func:`cross_entropy`, which needs no clip.

    Args:
        input: probabilities :math:`p \in [0, 1]`, shape (C,) or (N, ..., C).
        target: target distributions :math:`t`, the same shape.
        eps: the clip :math:`\epsilon \in (0, 0.5)` (default ``1e-7``, as Keras).
        reduction: ``"mean"`` (default) over the rows, ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or :math:`\ell` of shape (N, ...)
        for ``reduction="none"``; the dtype of ``input``.

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: if the shapes differ, ``input`` leaves [0, 1] or has no
            class axis, ``eps`` is outside (0, 0.5), or ``reduction`` is unknown.

    Shape:
        ``input``: (*, C); ``target``: (*, C); output: scalar, or (*).

    See Also:
        :func:`categorical_cross_entropy_grad`, :func:`sparse_categorical_cross_entropy`,
        :func:`cross_entropy`, :func:`lossbook.information.cross_entropy`.

    References:
        Chollet et al. (2015), Keras, ``keras.losses.categorical_crossentropy``.

    Examples:
        The course's examples, :math:`-\ln 0.3`, :math:`-\ln 0.78` and :math:`-\ln 0.8`:

        >>> categorical_cross_entropy([[0.1, 0.3, 0.4, 0.2], [0.05, 0.78, 0.11, 0.06]],
        ...                           [[0, 1, 0, 0], [0, 1, 0, 0]], reduction="none")
        array([1.204 , 0.2485])
        >>> categorical_cross_entropy([0.1, 0.8, 0.1], [0.0, 1.0, 0.0])
        array(0.2231)
        >>> categorical_cross_entropy([0.1, 0.8, 0.1], [0.1, 0.8, 0.1])  # 0.2 ln 10 + 0.8 ln 1.25
        array(0.639)
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    p, _ = _clipped_probabilities(input, eps)
    return reduce(_neg_expected_log(target, np.log(p)), reduction)


def categorical_cross_entropy_grad(input, target, *, eps=1e-7, reduction="mean"):
    r"""Gradient of :func:`categorical_cross_entropy` with respect to the probabilities.

    .. math::

        \frac{\partial \ell_n}{\partial p_{n,c}} = -\frac{t_{n,c}}{p_{n,c}}
        \text{ for } \epsilon \le p_{n,c} \le 1 - \epsilon, \text{ else } 0

    Outside the clip the loss does not depend on :math:`p`; on its edges we
    pass the gradient, as ``torch.clamp`` does. ``"mean"`` divides by the
    number of rows.

    Examples:
        >>> categorical_cross_entropy_grad([0.2, 0.8], [0.5, 0.5])  # -0.5 / 0.2, -0.5 / 0.8
        array([-2.5  , -0.625])
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    _, eps = _clipped_probabilities(input, eps)
    inside = (input >= eps) & (input <= 1 - eps)
    with np.errstate(divide="ignore", invalid="ignore"):  # t / 0 outside the clip, discarded by np.where
        grad = np.where(inside, -target / input, 0)
    return reduce_grad(grad, reduction, denominator=math.prod(input.shape[:-1]))


def sparse_categorical_cross_entropy(input, target, *, eps=1e-7, reduction="mean"):
    r"""Sparse categorical cross-entropy (희소 범주형 교차 엔트로피), Keras' ``sparse_categorical_crossentropy``.

    .. math:: \ell_n = -\log \operatorname{clip}(p_{n, y_n}, \epsilon, 1 - \epsilon)

    :func:`categorical_cross_entropy` with the target given as class indices
    :math:`y_n` instead of one-hot rows: only the probability of the true
    class is read.

    Args:
        input: probabilities, shape (C,) or (N, ..., C), classes last.
        target: integer class indices in [0, C), ``input``'s shape without
            the last axis.
        eps: the clip :math:`\epsilon \in (0, 0.5)` (default ``1e-7``).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or :math:`\ell` for
        ``reduction="none"``; the dtype of ``input``.

    Raises:
        TypeError: if ``input`` is not real-valued or ``target`` is not integer.
        ValueError: as :func:`categorical_cross_entropy`, and if an index is
            outside [0, C) or ``target`` has the wrong shape.

    Shape:
        ``input``: (*, C); ``target``: (*); output: scalar, or (*).

    See Also:
        :func:`sparse_categorical_cross_entropy_grad`, :func:`categorical_cross_entropy`,
        :func:`nll_loss` (the same on log-probabilities, PyTorch's layout).

    References:
        Chollet et al. (2015), Keras, ``keras.losses.sparse_categorical_crossentropy``.

    Examples:
        >>> sparse_categorical_cross_entropy([[0.1, 0.3, 0.4, 0.2], [0.05, 0.78, 0.11, 0.06]], [1, 1],
        ...                                  reduction="none")  # -ln 0.3, -ln 0.78
        array([1.204 , 0.2485])
    """
    check_reduction(reduction)
    return categorical_cross_entropy(*_sparse_one_hot(input, target), eps=eps, reduction=reduction)


def sparse_categorical_cross_entropy_grad(input, target, *, eps=1e-7, reduction="mean"):
    r"""Gradient of :func:`sparse_categorical_cross_entropy`: :math:`-1 / p_{n, y_n}` at the true class, else 0.

    Examples:
        >>> sparse_categorical_cross_entropy_grad([[0.2, 0.8]], [1])
        array([[-0.  , -1.25]])
    """
    check_reduction(reduction)
    return categorical_cross_entropy_grad(*_sparse_one_hot(input, target), eps=eps, reduction=reduction)


def _sparse_one_hot(input, target):
    r"""``input`` as a float array and the one-hot rows of the class indices ``target`` (classes last)."""
    input = _check_classes_last(as_float_array(input, "input"))
    return input, _class_indices(target, input)[0]


def _check_classes_last(input):
    r"""Refuse a scalar: Keras-style losses need a class axis, the last one."""
    if input.ndim == 0:
        raise ValueError("input must have a class axis (the last one), shape (C,) or (N, C); got a scalar.")
    return input


# --- focal losses -----------------------------------------------------------


def _check_gamma(gamma):
    r"""The focusing parameter :math:`\gamma \ge 0` (0 gives back the cross-entropy)."""
    return check_scalar_in(gamma, "gamma", 0, np.inf, high_open=True)


def _check_alpha(alpha):
    r"""torchvision's ``alpha``: a weight in [0, 1], or any negative number for none."""
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a real number; got {alpha!r} of type {type(alpha).__name__}.")
    if not alpha <= 1:  # also refuses nan
        raise ValueError(f"alpha must be in [0, 1], or negative to turn the class weight off; got {alpha!r}.")
    return float(alpha)


def _power_slope(u, gamma):
    r""":math:`\frac{d}{du} u^\gamma = \gamma u^{\gamma - 1}`, taken as 0 at :math:`u = 0`.

    :math:`u = 1 - p_t = 0` only for a saturated, correct prediction, where
    the factor this slope multiplies is 0 as well; for :math:`\gamma < 1`
    the slope itself is ``inf`` there and ``inf * 0 = nan`` (PyTorch's
    autograd returns that ``nan``). The limit of the product is 0.
    """
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** negative, discarded by np.where
        return np.where(u > 0, gamma * u ** (gamma - 1), 0)


def _sigmoid_focal_arrays(input, target, alpha, gamma):
    r"""Checked arrays, :math:`\alpha_t` (1 when ``alpha < 0``), :math:`\gamma`, :math:`p` and :math:`1 - p_t`."""
    input, target = loss_arrays(input, target)
    gamma, alpha = _check_gamma(gamma), _check_alpha(alpha)
    alpha_t = alpha * target + (1 - alpha) * (1 - target) if alpha >= 0 else 1
    p = sigmoid(input)
    return input, target, alpha_t, gamma, p, 1 - (p * target + (1 - p) * (1 - target))  # 1 - p_t as torchvision


def sigmoid_focal_loss(input, target, *, alpha=0.25, gamma=2.0, reduction="none"):
    r"""Sigmoid focal loss (초점 손실), ``torchvision.ops.sigmoid_focal_loss``.

    With :math:`p = \sigma(x)`, :math:`p_t = p\,y + (1 - p)(1 - y)` (the
    probability given to the true label) and
    :math:`\alpha_t = \alpha\,y + (1 - \alpha)(1 - y)`:

    .. math:: \ell_i = \alpha_t\,(1 - p_t)^\gamma\,\operatorname{BCE}(x_i, y_i)

    where BCE is :func:`binary_cross_entropy_with_logits` per element. The
    factor :math:`(1 - p_t)^\gamma` shrinks the loss of easy, well-classified
    examples so that the many easy negatives of dense detection do not
    swamp the rare hard ones; ``alpha < 0`` drops :math:`\alpha_t`. With
    :math:`\gamma = 0` and ``alpha=-1`` this is exactly BCE with logits. The
    default reduction is ``"none"``, as in torchvision.

    Args:
        input: logits :math:`x`, any shape.
        target: binary (or soft) labels :math:`y`, the same shape.
        alpha: :math:`\alpha \in [0, 1]` weighs positives against negatives
            (default 0.25, the paper's); negative to turn it off.
        gamma: focusing parameter :math:`\gamma \ge 0` (default 2).
        reduction: ``"none"`` (default), ``"mean"`` or ``"sum"``.

    Returns:
        :math:`\ell` (the input's shape) or its reduction, in the dtype of
        ``input``; finite at logits of :math:`\pm 10^4`.

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: if the shapes differ, ``alpha > 1``, ``gamma < 0`` or
            ``reduction`` is unknown.

    Shape:
        ``input``: (*); ``target``: (*); output: (*), or scalar if reduced.

    See Also:
        :func:`sigmoid_focal_loss_grad`, :func:`softmax_focal_loss`,
        :func:`binary_cross_entropy_with_logits`.

    References:
        Lin, Goyal, Girshick, He and Dollár (2017), Focal Loss for Dense
        Object Detection, ICCV, arXiv:1708.02002.

    Examples:
        At :math:`x = 0`, :math:`p_t = 1/2`: :math:`0.25 \cdot 0.5^2 \cdot \ln 2`, or :math:`\ln 2` with
        the focusing and the weight turned off:

        >>> sigmoid_focal_loss([0.0], [1.0])
        array([0.0433])
        >>> sigmoid_focal_loss([0.0], [1.0], alpha=-1, gamma=0)
        array([0.6931])
    """
    check_reduction(reduction)
    input, target, alpha_t, gamma, _, u = _sigmoid_focal_arrays(input, target, alpha, gamma)
    return reduce(alpha_t * _bce_from_logits(input, target) * u**gamma, reduction)


def sigmoid_focal_loss_grad(input, target, *, alpha=0.25, gamma=2.0, reduction="none"):
    r"""Gradient of :func:`sigmoid_focal_loss` with respect to the logits.

    With :math:`u = 1 - p_t`, :math:`\frac{du}{dx} = -p(1 - p)(2y - 1)` and
    :math:`\frac{d\,\mathrm{BCE}}{dx} = p - y`:

    .. math::

        \frac{\partial \ell_i}{\partial x_i}
        = \alpha_t \bigl((p - y)\,u^\gamma + \mathrm{BCE}\,\gamma u^{\gamma - 1} \tfrac{du}{dx}\bigr)

    The second term is taken as 0 where :math:`u = 0` (see the note on
    :math:`\gamma < 1` in the source: PyTorch's autograd gives ``nan`` there).

    Examples:
        >>> sigmoid_focal_loss_grad([0.0], [1.0], alpha=-1, gamma=0)  # sigmoid(0) - 1
        array([-0.5])
    """
    check_reduction(reduction)
    input, target, alpha_t, gamma, p, u = _sigmoid_focal_arrays(input, target, alpha, gamma)
    du = -p * (1 - p) * (2 * target - 1)
    grad = (p - target) * u**gamma + _bce_from_logits(input, target) * _power_slope(u, gamma) * du
    return reduce_grad(alpha_t * grad, reduction)


def _softmax_focal_parts(input, target, gamma, weight, ignore_index):
    r"""Classes-last logits, one-hot targets, kept mask, :math:`w_{y_n}`, :math:`\log p_{n,y_n}`, :math:`\gamma`."""
    scores = _classes_last(input)
    gamma = _check_gamma(gamma)
    t, kept = _class_indices(target, scores, ignore_index)
    w_y = np.sum(t * class_weight(weight, scores.shape[-1], scores.dtype), axis=-1)
    return scores, t, kept, w_y, -_neg_expected_log(t, log_softmax(scores)), gamma


def softmax_focal_loss(input, target, *, gamma=2.0, weight=None, ignore_index=-100, reduction="mean"):
    r"""Multi-class (softmax) focal loss (다중 클래스 초점 손실).

    .. math:: \ell_n = -w_{y_n}\,(1 - p_{n,y_n})^\gamma \log p_{n,y_n}, \qquad \log p = \operatorname{log\_softmax}(x)

    Cross-entropy with the easy examples down-weighted by
    :math:`(1 - p_y)^\gamma`; :math:`\gamma = 0` gives :func:`cross_entropy`
    exactly, ``weight`` and ``ignore_index`` included (a ``"mean"`` divides
    by :math:`\sum_n w_{y_n}` over the kept targets). :math:`1 - p_y` is
    computed as ``-expm1(log p_y)``, which keeps its digits when
    :math:`p_y \approx 1`. PyTorch has no such function; the options are
    :func:`cross_entropy`'s.

    Args:
        input: logits, shape (C,), (N, C) or (N, C, d1, ...).
        target: class indices (integer dtype), ``input``'s shape without the
            class axis.
        gamma: focusing parameter :math:`\gamma \ge 0` (default 2).
        weight: per-class weights, shape (C,); ``None`` for all 1.
        ignore_index: a target equal to it adds nothing (default -100).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or :math:`\ell` for
        ``reduction="none"``; the dtype of ``input``.

    Raises:
        TypeError: if ``input`` is not real-valued or ``target`` is not integer.
        ValueError: as :func:`nll_loss`, and if ``gamma < 0``.

    Shape:
        as :func:`nll_loss`.

    See Also:
        :func:`softmax_focal_loss_grad`, :func:`sigmoid_focal_loss`, :func:`cross_entropy`.

    References:
        Lin, Goyal, Girshick, He and Dollár (2017), Focal Loss for Dense
        Object Detection, ICCV, arXiv:1708.02002.

    Examples:
        Logits :math:`(0, \ln 3)`, true class 1, :math:`p_y = 3/4`:

        >>> softmax_focal_loss([[0.0, np.log(3.0)]], [1])  # 0.25^2 * -ln 0.75
        array(0.018)
        >>> softmax_focal_loss([[0.0, np.log(3.0)]], [1], gamma=0)  # -ln 0.75
        array(0.2877)
    """
    check_reduction(reduction)
    _, _, _, w_y, log_p_y, gamma = _softmax_focal_parts(input, target, gamma, weight, ignore_index)
    u = -np.expm1(log_p_y)  # 1 - p_y without cancelling digits when p_y is close to 1
    return reduce(np.asarray(-w_y * u**gamma * log_p_y), reduction, denominator=np.sum(w_y))


def softmax_focal_loss_grad(input, target, *, gamma=2.0, weight=None, ignore_index=-100, reduction="mean"):
    r"""Gradient of :func:`softmax_focal_loss` with respect to the logits.

    With :math:`u = 1 - p_y` and :math:`t` the one-hot target:

    .. math::

        \frac{\partial \ell_n}{\partial x_{n,k}} = w_{y_n} (p_{n,k} - t_{n,k})
        \bigl(u^\gamma - \gamma\,u^{\gamma - 1} p_y \log p_y\bigr)

    For :math:`\gamma = 0` this is the cross-entropy gradient :math:`w_y (p - t)`.

    Examples:
        >>> softmax_focal_loss_grad([[0.0, np.log(3.0)]], [1], gamma=0)
        array([[ 0.25, -0.25]])
    """
    check_reduction(reduction)
    scores, t, kept, w_y, log_p_y, gamma = _softmax_focal_parts(input, target, gamma, weight, ignore_index)
    u = -np.expm1(log_p_y)
    focus = u**gamma - _power_slope(u, gamma) * np.exp(log_p_y) * log_p_y
    grad = (w_y * focus)[..., None] * (softmax(scores) - t)
    return _reduce_class_grad(grad, kept, reduction, np.sum(w_y))


# --- linear cross-entropy: a linear layer and cross-entropy in one call ------


def _linear_logits(input, linear_weight, linear_bias):
    r"""Checked ``input`` (dtype kept), ``linear_weight`` as (C d1 ... dK, in_features), and the logits.

    The logits :math:`x W^\top + b` get the shape (C,), (N, C) or
    (N, C, d1, ..., dK) that :func:`cross_entropy` expects.
    """
    input = as_float_array(input, "input")
    w = as_float_array(linear_weight, "linear_weight").astype(input.dtype, copy=False)
    _check_linear_shapes(input.shape, w.shape)
    w2 = w.reshape(-1, w.shape[-1])  # one row per logit, classes first: the row order of the reshape below
    logits = input @ w2.T
    if linear_bias is not None:
        b = as_float_array(linear_bias, "linear_bias").astype(input.dtype, copy=False)
        if b.shape != w.shape[:-1]:
            raise ValueError(f"linear_bias must have shape {w.shape[:-1]}, linear_weight's shape without "
                             f"in_features; got {b.shape}.")
        logits = logits + b.reshape(-1)
    return input, w2, logits.reshape(input.shape[:-1] + w.shape[:-1])


def _check_linear_shapes(input_shape, weight_shape):
    r"""PyTorch's shape rules for ``input`` (in,) or (N, in) and ``linear_weight`` (C, [d1, ...,] in)."""
    if len(input_shape) not in (1, 2):
        raise ValueError(f"input must have shape (in_features,) or (N, in_features); got shape {input_shape}.")
    if len(weight_shape) < 2:
        raise ValueError(f"linear_weight must have shape (C, in_features) or (C, d1, ..., in_features); "
                         f"got shape {weight_shape}.")
    if input_shape[-1] != weight_shape[-1]:
        raise ValueError(f"input and linear_weight must have the same last dimension (in_features); "
                         f"got {input_shape[-1]} and {weight_shape[-1]}.")
    if len(weight_shape) > 2 and len(input_shape) == 1:
        raise ValueError(f"input must be batched, shape (N, {input_shape[-1]}), when linear_weight has extra "
                         f"dimensions {weight_shape}; got shape {input_shape}.")


def _linear_ignore_index(ignore_index, target, logits):
    r"""PyTorch's default: ``None`` means -100 for index targets; probability targets refuse any value."""
    if np.shape(target) != logits.shape:  # class indices, as cross_entropy decides by shape
        return -100 if ignore_index is None else ignore_index
    if ignore_index is not None:
        raise ValueError(f"ignore_index must be None with class-probability targets; got {ignore_index!r}.")
    return -100  # unused by probability targets; negative, as cross_entropy requires there


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, ignore_index=None,
                         label_smoothing=0.0, reduction="mean"):
    r"""Linear cross-entropy (선형 교차 엔트로피), PyTorch's ``linear_cross_entropy``: linear layer, then loss.

    .. math::

        z = x W^\top + b, \qquad
        \ell_n = -\sum_{c=1}^{C} w_c \bigl((1-\varepsilon)\,t_{n,c} + \tfrac{\varepsilon}{C}\bigr)
        \log \operatorname{softmax}(z_n)_c

    It is :func:`cross_entropy` of the logits :math:`z` of a final linear
    layer, in one call: PyTorch's fused version (``options=...``) never
    stores the (N, C) logits, which for a language model's vocabulary are
    the largest tensor in training. Here the logits are formed in full; the
    numbers are the same. ``linear_weight`` of shape (C, d1, ..., dK,
    in_features) gives logits (N, C, d1, ..., dK), a K-dimensional loss.

    Unlike :func:`cross_entropy`, ``ignore_index`` defaults to ``None``,
    which means -100 for class-index targets; with class-probability targets
    (same shape as the logits) any other value than ``None`` is refused,
    as PyTorch refuses it. PyTorch's ``options`` (chunking) is left out.

    Args:
        input: features :math:`x`, shape (in_features,) or (N, in_features).
        linear_weight: :math:`W`, shape (C, in_features) or (C, d1, ..., dK, in_features).
        target: class indices (integer dtype, the logits' shape without the
            class axis) or class probabilities (floating, the logits' shape).
        linear_bias: :math:`b`, ``linear_weight``'s shape without in_features; ``None`` for none.
        weight: per-class weights :math:`w`, shape (C,); ``None`` for all 1.
        ignore_index: an index target to ignore; ``None`` (default) for -100.
        label_smoothing: :math:`\varepsilon \in [0, 1]`.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        As :func:`cross_entropy` of the logits; the dtype of ``input``.

    Raises:
        TypeError: as :func:`cross_entropy`, and if an array is not real-valued.
        ValueError: as :func:`cross_entropy`, and if ``input`` is not 1-d or
            2-d, ``linear_weight`` has fewer than 2 axes, the in_features
            differ, a K-dimensional weight meets an unbatched input,
            ``linear_bias`` has the wrong shape, or ``ignore_index`` is not
            ``None`` with probability targets.

    Shape:
        ``input``: (in,) or (N, in); ``linear_weight``: (C, in) or (C, d1,
        ..., dK, in); ``target``: (), (N,) or (N, d1, ..., dK) for indices,
        the logits' shape for probabilities; output: scalar, or the index shape.

    See Also:
        :func:`linear_cross_entropy_grad`, :func:`cross_entropy`,
        ``torch.nn.LinearCrossEntropyLoss``.

    References:
        Wijmans et al. (2025), Cut Your Losses in Large-Vocabulary Language
        Models, ICLR, arXiv:2411.09009 (why the logits are not stored).

    Examples:
        Features (1, 0) and weights with rows (0, 0) and (ln 3, 0) give the
        logits :math:`(0, \ln 3)`, probabilities (1/4, 3/4):

        >>> W = [[0.0, 0.0], [np.log(3.0), 0.0]]
        >>> linear_cross_entropy([[1.0, 0.0]], W, [1])  # -ln 0.75
        array(0.2877)
        >>> linear_cross_entropy([[1.0, 0.0]], W, [1], linear_bias=[np.log(3.0), 0.0])  # logits equal: ln 2
        array(0.6931)
    """
    check_reduction(reduction)
    _, _, logits = _linear_logits(input, linear_weight, linear_bias)
    ignore_index = _linear_ignore_index(ignore_index, target, logits)
    return cross_entropy(logits, target, weight=weight, ignore_index=ignore_index, label_smoothing=label_smoothing,
                         reduction=reduction)


def linear_cross_entropy_grad(input, linear_weight, target, *, linear_bias=None, weight=None, ignore_index=None,
                              label_smoothing=0.0, reduction="mean"):
    r"""Gradient of :func:`linear_cross_entropy` with respect to ``input``.

    With :math:`G = \partial L / \partial z` the gradient of
    :func:`cross_entropy` with respect to the logits (:func:`cross_entropy_grad`):

    .. math::

        \frac{\partial L}{\partial x} = G\,W, \qquad
        \frac{\partial L}{\partial W} = G^\top x, \qquad
        \frac{\partial L}{\partial b} = \textstyle\sum_n G_n

    Only the first is returned, as every twin returns the gradient with
    respect to ``input``; the other two are one line each from
    :func:`cross_entropy_grad` of the logits (K-dimensional logits and
    weights flattened to (N, C d1 ... dK) and (C d1 ... dK, in_features)).

    Examples:
        Logits :math:`(0, \ln 3)` as above: :math:`G = (1/4, -1/4)` and
        :math:`G W = (-\tfrac14 \ln 3, 0)`:

        >>> linear_cross_entropy_grad([[1.0, 0.0]], [[0.0, 0.0], [np.log(3.0), 0.0]], [1])
        array([[-0.2747,  0.    ]])
    """
    check_reduction(reduction)
    input, w2, logits = _linear_logits(input, linear_weight, linear_bias)
    g = cross_entropy_grad(logits, target, weight=weight, label_smoothing=label_smoothing, reduction=reduction,
                           ignore_index=_linear_ignore_index(ignore_index, target, logits))
    return g.reshape(input.shape[:-1] + (-1,)) @ w2  # the logits flattened as the rows of w2
