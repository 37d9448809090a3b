r"""Information theory (정보 이론): entropy, cross-entropy and KL divergence.

These are measures of probability distributions, not losses of predictions:
each distribution lies along ``axis`` (the last one by default) and the result
has that axis removed. The logarithm is natural unless ``base`` says otherwise
(``base=2`` gives bits, ``base=10`` the slides' numbers); a base only rescales,
:math:`\log_b x = \ln x / \ln b`.

The three are tied by :math:`D_{KL}(p \,\|\, q) = H(p, q) - H(p)`: the
cross-entropy a classifier minimises is the KL divergence from the true
distribution plus a constant that does not depend on the model.

Every function checks that its arguments are distributions (entries in
[0, 1], summing to 1 within ``1e-6`` along ``axis``): ``scipy.stats.entropy``
silently renormalises instead, which hides a forgotten softmax.

The classification loss :func:`lossbook.classification.cross_entropy` is
PyTorch's (logits and class indices); :func:`cross_entropy` here is the
textbook :math:`H(p, q)` between two distributions.
"""
import numbers

import numpy as np

from ._checks import as_float_array, check_array_in, check_same_shape, first_index

#: How far a distribution's sum may stray from 1 (float32 rounding of a few classes).
SUM_TOLERANCE = 1e-6


def entropy(p, *, base=None, axis=-1):
    r"""Shannon entropy (엔트로피) of the distribution ``p``.

    .. math:: H(p) = -\sum_k p_k \log p_k, \qquad 0 \log 0 = 0

    The convention :math:`0 \log 0 = 0` is the limit of :math:`t \log t` as
    :math:`t \to 0`: an impossible outcome adds no uncertainty.

    Args:
        p: probabilities, summing to 1 along ``axis``.
        base: base of the logarithm; ``None`` (default) for the natural log
            (nats), 2 for bits.
        axis: the axis along which ``p`` is a distribution (default -1).

    Returns:
        :math:`H(p)` with ``axis`` removed, in the dtype of ``p``.

    Raises:
        TypeError: if ``p`` or ``base`` is not real-valued.
        ValueError: if ``p`` holds values outside [0, 1] or does not sum to 1
            along ``axis``, if ``axis`` does not exist, or if ``base`` is not
            a number > 0 other than 1.

    Shape:
        ``p``: (*, K, *) with the K outcomes along ``axis``; output: ``p``'s
        shape without ``axis``.

    See Also:
        :func:`cross_entropy`, :func:`kl_divergence`, ``scipy.stats.entropy``.

    References:
        Shannon (1948), A Mathematical Theory of Communication, Bell System
        Technical Journal 27(3), 379-423.

    Examples:
        A fair coin carries one bit; a sure outcome none:

        >>> entropy([0.5, 0.5], base=2)
        array(1.)
        >>> entropy([1.0, 0.0])
        array(0.)
        >>> entropy([0.5, 0.5])  # ln 2
        array(0.6931)
    """
    p = _distribution(p, "p", axis)
    return _in_base(_sum(-_xlogy(p, p), axis), base)


def cross_entropy(p, q, *, base=None, axis=-1):
    r"""Cross-entropy (교차 엔트로피) :math:`H(p, q)` of ``q`` relative to ``p``.

    .. math:: H(p, q) = -\sum_k p_k \log q_k

    Terms with :math:`p_k = 0` are 0 even where :math:`q_k = 0`; a class with
    :math:`p_k > 0` and :math:`q_k = 0` makes :math:`H(p, q) = \infty` (the
    model called a possible outcome impossible).

    This is the textbook quantity between two distributions. The loss of a
    classifier with logits and class indices is
    :func:`lossbook.classification.cross_entropy`.

    Args:
        p: the reference ("true") distribution, summing to 1 along ``axis``.
        q: the model's distribution, the same shape as ``p``.
        base: base of the logarithm; ``None`` (default) for the natural log.
        axis: the axis along which ``p`` and ``q`` are distributions.

    Returns:
        :math:`H(p, q)` with ``axis`` removed, in the dtype of ``p``.

    Raises:
        TypeError: if ``p``, ``q`` or ``base`` is not real-valued.
        ValueError: if the shapes differ, if ``p`` or ``q`` is not a
            distribution along ``axis``, or if ``base`` is invalid.

    Shape:
        ``p``, ``q``: (*, K, *); output: the shape without ``axis``.

    See Also:
        :func:`entropy`, :func:`kl_divergence`,
        :func:`lossbook.classification.categorical_cross_entropy`.

    References:
        Cover and Thomas (2006), Elements of Information Theory, 2nd ed.,
        Wiley, section 2.3.

    Examples:
        The slides' prediction for 짱구 (class 1 of four): :math:`-\ln 0.3`,
        or :math:`-\log_{10} 0.3` for the slides' base-10 number.

        >>> cross_entropy([0, 1, 0, 0], [0.1, 0.3, 0.4, 0.2])
        array(1.204)
        >>> cross_entropy([0, 1, 0, 0], [0.1, 0.3, 0.4, 0.2], base=10)
        array(0.5229)
    """
    p, q = _distributions(p, q, axis)
    return _in_base(_sum(-_xlogy(p, q), axis), base)


def kl_divergence(p, q, *, base=None, axis=-1):
    r"""Kullback-Leibler divergence (쿨백-라이블러 발산) :math:`D_{KL}(p \,\|\, q)`.

    .. math::

        D_{KL}(p \,\|\, q) = \sum_k p_k \log \frac{p_k}{q_k} = H(p, q) - H(p)

    It is :math:`\ge 0`, zero exactly when :math:`p = q`, and not symmetric.
    Each term is computed as :math:`p_k (\log p_k - \log q_k)` rather than as
    the difference of the two entropies, which would cancel digits when
    :math:`p \approx q`.

    Mind the argument order: ``torch.nn.functional.kl_div(input, target)``
    takes :math:`\log q` first and :math:`p` second, and needs
    ``reduction="batchmean"`` to return this value per sample.

    Args:
        p: the reference distribution, summing to 1 along ``axis``.
        q: the approximating distribution, the same shape as ``p``.
        base: base of the logarithm; ``None`` (default) for the natural log.
        axis: the axis along which ``p`` and ``q`` are distributions.

    Returns:
        :math:`D_{KL}(p \,\|\, q)` with ``axis`` removed, in the dtype of
        ``p``; ``inf`` where some :math:`p_k > 0 = q_k`.

    Raises:
        TypeError: if ``p``, ``q`` or ``base`` is not real-valued.
        ValueError: if the shapes differ, if ``p`` or ``q`` is not a
            distribution along ``axis``, or if ``base`` is invalid.

    Shape:
        ``p``, ``q``: (*, K, *); output: the shape without ``axis``.

    See Also:
        :func:`entropy`, :func:`cross_entropy`, ``scipy.stats.entropy(p, q)``,
        ``torch.nn.KLDivLoss``.

    References:
        Kullback and Leibler (1951), On Information and Sufficiency, Annals of
        Mathematical Statistics 22(1), 79-86.

    Examples:
        A fair coin modelled as a sure one is infinitely surprising; the
        reverse costs :math:`\ln 2`:

        >>> kl_divergence([0.5, 0.5], [1.0, 0.0])
        array(inf)
        >>> kl_divergence([1.0, 0.0], [0.5, 0.5])
        array(0.6931)
    """
    p, q = _distributions(p, q, axis)
    return _in_base(_sum(_xlogy(p, p) - _xlogy(p, q), axis), base)


def _xlogy(x, y):
    r""":math:`x \log y` with :math:`0 \log y = 0` for every :math:`y`, including 0.

    Where ``x == 0`` the log is taken of 1 instead, so no ``-inf`` (and no
    ``0 * -inf = nan``) is ever formed there; where ``x > 0 = y`` the result
    is ``-inf``, as it should be.
    """
    with np.errstate(divide="ignore"):  # log 0 = -inf is the right answer where x > 0
        return x * np.log(np.where(x == 0, 1, y))


def _sum(terms, axis):
    r"""Sum over ``axis`` as an array (a 0-d result stays an array, like PyTorch's 0-d tensor)."""
    return np.asarray(np.sum(terms, axis=axis))


def _in_base(nats, base):
    r"""Convert a value in nats to ``base`` (:math:`\log_b x = \ln x / \ln b`); ``None`` keeps nats."""
    if base is None:
        return nats
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"base must be a real number or None; got {base!r} of type {type(base).__name__}.")
    if not (np.isfinite(base) and base > 0 and base != 1):
        raise ValueError(f"base must be a finite number > 0 other than 1, or None for the natural log; got {base!r}.")
    return np.asarray(nats / np.log(base), dtype=nats.dtype)


def _distribution(p, name, axis):
    r"""Return ``p`` as a float array after checking it is a distribution along ``axis``."""
    p = as_float_array(p, name)
    check_array_in(p, name, 0, 1, what="probabilities")
    if not (isinstance(axis, numbers.Integral) and -p.ndim <= axis < p.ndim):  # a scalar has no axis at all
        raise ValueError(f"axis must be an axis of {name}, whose shape is {p.shape}; got {axis!r}.")
    total = p.sum(axis=axis, dtype=np.float64)  # float64: the check should not fail on float32 rounding
    off = np.abs(total - 1) > SUM_TOLERANCE
    if np.any(off):
        index = first_index(off)
        where = f" at index {index}" if index else ""
        raise ValueError(
            f"{name} must sum to 1 along axis {axis} (within {SUM_TOLERANCE:g}); "
            f"got a sum of {total[index].item()!r}{where}. "
            f"Normalise with {name} / {name}.sum(axis={axis}, keepdims=True), or apply softmax to logits."
        )
    return p


def _distributions(p, q, axis):
    r"""Check ``p`` and ``q``; ``q`` is cast to ``p``'s dtype so the result keeps it."""
    p = _distribution(p, "p", axis)
    q = _distribution(q, "q", axis).astype(p.dtype, copy=False)
    check_same_shape(p, q, names=("p", "q"))
    return p, q
