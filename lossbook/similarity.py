r"""Similarity losses (유사도 손실함수): compare directions and overlaps, not values.

:func:`cosine_similarity` and :func:`cosine_similarity_loss` compare vectors
along one axis (embeddings); :func:`dice_loss` compares a predicted soft mask
with a target mask per sample (segmentation). Each loss has a gradient twin
``<name>_grad`` with the same signature that returns
:math:`\partial L / \partial\,\text{input}`.
"""
import numbers

import numpy as np

from ._checks import as_float_array, check_array_in, check_positive, check_same_shape, check_scalar_in, loss_arrays
from ._reduction import check_reduction, reduce, reduce_grad


def _check_axis(axis, ndim):
    """Return ``axis`` after checking it names one of ``ndim >= 1`` axes."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"axis must be an integer; got {axis!r} of type {type(axis).__name__}.")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis must be an integer in [{-ndim}, {ndim - 1}] for {ndim}-d arrays; got {axis}.")
    return int(axis)


def _cosine_parts(x1, x2, axis, eps, names):
    """The checked axis, the norm of x1, both clamped norms and the cosines (axis kept)."""
    if x1.ndim == 0:
        raise ValueError(f"{names[0]} and {names[1]} must have at least one axis (the vectors); got shape ().")
    axis = _check_axis(axis, x1.ndim)
    eps = check_positive(eps, "eps")
    # np.hypot.reduce is the 2-norm without squaring: no overflow at |x| ~ 1e200
    # (where torch returns cos = 0 for parallel vectors) and no underflow at 1e-200.
    n1 = np.hypot.reduce(x1, axis=axis, keepdims=True)
    n2 = np.hypot.reduce(x2, axis=axis, keepdims=True)
    # as torch: each norm is clamped to eps on its own, and each vector is
    # divided by its norm before the product, which keeps |cos| <= 1 (to rounding)
    c1, c2 = np.maximum(n1, eps), np.maximum(n2, eps)
    cos = np.sum((x1 / c1) * (x2 / c2), axis=axis, keepdims=True)
    return axis, n1, c1, c2, cos


def cosine_similarity(x1, x2, *, axis=-1, eps=1e-8):
    r"""Cosine similarity (코사인 유사도) along ``axis``, PyTorch's ``cosine_similarity``.

    .. math::
        \cos(x_1, x_2) = \sum_k \frac{x_{1k}}{\max(\lVert x_1 \rVert_2, \epsilon)}
                                \frac{x_{2k}}{\max(\lVert x_2 \rVert_2, \epsilon)}

    As in PyTorch (checked with 2.13), each norm is clamped to :math:`\epsilon` separately (not
    their product), so a zero vector has similarity 0 with everything and a
    vector shorter than :math:`\epsilon` is scaled down, not normalised:
    ``cosine_similarity([3e-9, 4e-9], [3.0, 4.0])`` is 0.5, not 1.

    Args:
        x1: vectors along ``axis``, array-like of real numbers, at least 1-d.
        x2: vectors of the same shape as ``x1`` (no broadcasting).
        axis: the axis that holds the vectors; NumPy's default, the last one
            (PyTorch calls it ``dim`` and defaults to 1).
        eps: the floor :math:`\epsilon > 0` of each norm.

    Returns:
        The cosines, shape of ``x1`` without ``axis``, dtype of ``x1``
        (a 0-d array for 1-d input).

    Raises:
        TypeError: if an array is not real-valued or ``axis``/``eps`` has the wrong type.
        ValueError: if the shapes differ, the arrays are 0-d, ``axis`` is out
            of range or ``eps <= 0``.

    Shape:
        ``x1``: (*, D, *) with D on ``axis``; ``x2``: the same; output: (*, *).

    See Also:
        :func:`cosine_similarity_loss`, ``torch.nn.CosineSimilarity``.

    Examples:
        >>> cosine_similarity([1.0, 0.0], [1.0, 1.0])  # cos 45 degrees = 1/sqrt(2)
        array(0.70710678)
        >>> cosine_similarity([[0.0, 0.0], [2.0, 0.0]], [[1.0, 1.0], [-1.0, 0.0]])
        array([ 0., -1.])
    """
    x1 = as_float_array(x1, "x1")
    x2 = as_float_array(x2, "x2").astype(x1.dtype, copy=False)
    check_same_shape(x1, x2, names=("x1", "x2"))
    axis, *_, cos = _cosine_parts(x1, x2, axis, eps, ("x1", "x2"))
    return np.squeeze(cos, axis=axis)


def cosine_similarity_loss(input, target, *, axis=-1, eps=1e-8, reduction="mean"):
    r"""Cosine similarity loss (코사인 유사도 손실): one minus :func:`cosine_similarity`.

    .. math:: \ell_j = 1 - \cos(x_j, y_j)

    with one :math:`\ell_j` per vector (``axis`` removed). It lies in
    :math:`[0, 2]`: 0 for vectors pointing the same way, whatever their
    lengths, 2 for opposite ones. It equals ``torch.nn.CosineEmbeddingLoss``
    with target :math:`+1` (which adds :math:`10^{-12}` to the squared norms,
    a different guard against zero vectors). Keras's ``cosine_similarity``
    loss is :math:`-\cos`, the same up to the constant 1: same gradient.

    Args:
        input: predicted vectors along ``axis``, array-like of real numbers, at least 1-d.
        target: target vectors, the same shape as ``input``.
        axis: the axis that holds the vectors (default: the last).
        eps: the floor :math:`\epsilon > 0` of each norm, as in :func:`cosine_similarity`.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``, over the vectors.

    Returns:
        The reduced loss as a 0-d array, or one loss per vector for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if an array is not real-valued or ``axis``/``eps`` has the wrong type.
        ValueError: if the shapes differ, the arrays are 0-d, ``axis`` is out
            of range, ``eps <= 0`` or ``reduction`` is unknown.

    Shape:
        ``input``: (*, D, *) with D on ``axis``; ``target``: the same;
        output: scalar, or (*, *) for ``reduction="none"``.

    See Also:
        :func:`cosine_similarity_loss_grad`, ``torch.nn.CosineEmbeddingLoss``,
        ``tf.keras.losses.cosine_similarity``.

    Examples:
        >>> cosine_similarity_loss([[1.0, 0.0], [0.0, 2.0]], [[3.0, 0.0], [0.0, -1.0]], reduction="none")
        array([0., 2.])
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    axis, *_, cos = _cosine_parts(input, target, axis, eps, ("input", "target"))
    return reduce(1 - np.squeeze(cos, axis=axis), reduction)


def cosine_similarity_loss_grad(input, target, *, axis=-1, eps=1e-8, reduction="mean"):
    r"""Gradient of :func:`cosine_similarity_loss` with respect to ``input``.

    .. math::
        \frac{\partial \ell}{\partial x} = -\frac{y}{\bar n_x \bar n_y}
            + \cos(x, y)\,\frac{x}{\lVert x \rVert^2}\,[\lVert x \rVert \ge \epsilon]
        \qquad \bar n = \max(\lVert\cdot\rVert, \epsilon)

    The second term is the derivative of :math:`1/\lVert x \rVert`; below
    :math:`\epsilon` the norm is the constant :math:`\epsilon` and the term
    vanishes. PyTorch agrees except for :math:`0 < \lVert x \rVert < \epsilon`,
    where it clamps under ``no_grad`` and so keeps a
    :math:`\cos\,x / (\epsilon \lVert x \rVert)` term that is not the
    derivative of its own value; at :math:`x = 0` both give
    :math:`-y / (\epsilon\,\bar n_y)`.

    Examples:
        Rotating :math:`x = (1, 0)` towards :math:`y = (0, 1)` lowers the loss;
        stretching it does not change it:

        >>> cosine_similarity_loss_grad([1.0, 0.0], [0.0, 1.0], reduction="sum")
        array([ 0., -1.])
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    axis, n1, c1, c2, cos = _cosine_parts(input, target, axis, eps, ("input", "target"))
    # above eps, c1 = n1 and cos * x / n1^2 is d(1/n1)/dx times x.y / n2; below, c1 is constant
    grad = -target / (c1 * c2) + np.where(n1 >= eps, cos / np.square(c1), 0) * input
    return reduce_grad(grad, reduction, denominator=cos.size)


def _dice_parts(input, target, smooth):
    """Checked arrays, the summing axes, and the numerator and denominator of Dice."""
    input, target = loss_arrays(input, target)
    if input.ndim == 0:
        raise ValueError(f"input must have a batch axis, shape (N, *); got shape {input.shape}.")
    check_array_in(input, "input", 0, 1, what="probabilities")
    check_array_in(target, "target", 0, 1, what="probabilities")
    smooth = check_scalar_in(smooth, "smooth", 0, np.inf, high_open=True)
    axes = tuple(range(1, input.ndim))  # every axis but the batch axis
    numerator = 2 * np.sum(input * target, axis=axes) + smooth
    denominator = np.sum(input, axis=axes) + np.sum(target, axis=axes) + smooth
    return input, target, axes, numerator, denominator


def dice_loss(input, target, *, smooth=1.0, reduction="mean"):
    r"""Soft Dice loss (다이스 손실) for segmentation: one minus the soft Dice coefficient per sample.

    .. math::
        \ell_n = 1 - \frac{2 \sum_k p_{nk} t_{nk} + s}{\sum_k p_{nk} + \sum_k t_{nk} + s}

    where :math:`k` runs over every non-batch axis (channels and pixels) of
    sample :math:`n`. It measures overlap, not pixel-wise error, so a small
    object counts as much as a large one. The smoothing :math:`s` keeps the
    ratio defined for empty masks (two empty masks then give loss 0); with
    ``smooth=0`` they give 0/0 = NaN. PyTorch has no Dice loss.

    Args:
        input: predicted probabilities :math:`p \in [0, 1]`, shape (N, *).
        target: target probabilities or 0/1 masks :math:`t \in [0, 1]`, the same shape.
        smooth: :math:`s \ge 0`, added to numerator and denominator.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``, over the N samples.

    Returns:
        The reduced loss as a 0-d array, or the N per-sample losses for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if ``input``/``target`` is not real-valued or ``smooth`` is not a number.
        ValueError: if the shapes differ, the arrays are 0-d, a value lies
            outside [0, 1] (its index is named), ``smooth < 0`` or
            ``reduction`` is unknown.

    Shape:
        ``input``: (N, *); ``target``: (N, *), the same; output: scalar, or
        (N,) for ``reduction="none"``.

    See Also:
        :func:`dice_loss_grad`, ``monai.losses.DiceLoss``.

    References:
        Milletari, F., Navab, N. and Ahmadi, S.-A. (2016). V-Net: fully
        convolutional neural networks for volumetric medical image segmentation. *3DV*, 565-571.

    Examples:
        One 2x2 sample: :math:`\sum p t = 1.5`, :math:`\sum p = \sum t = 2`,
        so the loss is :math:`1 - (3 + 1)/(4 + 1) = 0.2`:

        >>> dice_loss([[[0.5, 1.0], [0.0, 0.5]]], [[[1.0, 1.0], [0.0, 0.0]]])
        array(0.2)
    """
    check_reduction(reduction)
    *_, numerator, denominator = _dice_parts(input, target, smooth)
    with np.errstate(invalid="ignore"):  # 0/0 -> NaN for empty masks with smooth=0, documented
        return reduce(1 - numerator / denominator, reduction)


def dice_loss_grad(input, target, *, smooth=1.0, reduction="mean"):
    r"""Gradient of :func:`dice_loss` with respect to ``input``.

    .. math::
        \frac{\partial \ell_n}{\partial p_{nk}} = \frac{A - 2\,t_{nk} B}{B^2} = \frac{A/B - 2\,t_{nk}}{B}
        \qquad A = 2 \textstyle\sum_k p_{nk} t_{nk} + s,\ B = \sum_k p_{nk} + \sum_k t_{nk} + s

    (the quotient rule on :math:`1 - A/B`). ``"mean"`` divides by N, the
    number of samples, not by the number of pixels.

    Examples:
        Perfect overlap, :math:`A = B = 2`: raising :math:`p_{n1}` past 1 would
        still raise Dice (the gradient stops at the [0, 1] box, not at 0):

        >>> dice_loss_grad([[1.0, 0.0]], [[1.0, 0.0]], smooth=0.0, reduction="sum")
        array([[-0.5,  0.5]])
    """
    check_reduction(reduction)
    input, target, axes, numerator, denominator = _dice_parts(input, target, smooth)
    a = np.expand_dims(numerator, axes)  # broadcast the per-sample sums over the sample's axes
    b = np.expand_dims(denominator, axes)
    # (A/B - 2t)/B, not (A - 2tB)/B^2: B^2 underflows to 0 for masks summing to 1e-200
    with np.errstate(invalid="ignore", divide="ignore"):  # empty masks with smooth=0: NaN
        grad = (a / b - 2 * target) / b
    return reduce_grad(grad, reduction, denominator=input.shape[0])
