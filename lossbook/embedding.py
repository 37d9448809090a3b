r"""Embedding losses (임베딩 손실함수): pull related vectors together, push unrelated ones apart.

* :func:`pairwise_distance`: PyTorch's :math:`\lVert x_1 - x_2 + \epsilon \rVert_p`
  row by row, the distance every triplet loss below uses by default;
* :func:`cosine_embedding_loss`: pairs labelled similar (+1) or dissimilar (-1)
  compared by their cosine;
* :func:`triplet_margin_loss` and :func:`triplet_margin_with_distance_loss`:
  an anchor should be nearer its positive than its negative by a margin.

Vectors lie along the last axis: (N, D) for a batch, (D,) for one. Each loss
has a gradient twin ``<name>_grad`` with the same signature that returns the
gradients with respect to all its vector inputs, as a tuple: two for the
cosine loss, three (anchor, positive, negative) for the triplet losses.
"""
import math

import numpy as np

from ._checks import as_float_array, check_flag, check_scalar_in, check_signs, float_arrays
from ._reduction import check_reduction, reduce, reduce_grad

#: What PyTorch's ``cosine_embedding_loss`` adds to each squared norm: the C++ float
#: constant 1e-12, which is 9.99999996e-13 as a double (checked with PyTorch 2.13).
COSINE_EMBEDDING_EPS = float(np.float32(1e-12))

# --- the distance of the triplet losses ---------------------------------------


def _check_p_eps(p, eps):
    r"""Return the norm degree :math:`0 < p \le \infty` and :math:`\epsilon \ge 0`, checked.

    PyTorch also takes :math:`p = 0` (the count of nonzero coordinates, with
    zero gradient) and :math:`p < 0` (small when one coordinate is small),
    neither a distance to train on, and a negative :math:`\epsilon`.
    """
    return check_scalar_in(p, "p", 0, np.inf, low_open=True), check_scalar_in(eps, "eps", 0, np.inf, high_open=True)


def _p_norm(v, p):
    r""":math:`\lVert v \rVert_p` along the last axis, scaled by :math:`M = \max_k |v_k|`.

    :math:`\lVert v \rVert_p = M\,\bigl(\sum_k (|v_k|/M)^p\bigr)^{1/p}`: every ratio
    is at most 1, so :math:`|v_k|^p` neither overflows (:math:`(10^{200})^2`) nor
    underflows. :math:`M = 0` (a zero or empty vector) gives 0 and
    :math:`M = \infty` gives :math:`\infty`, each selected on its own.
    """
    a = np.abs(v)
    m = np.max(a, axis=-1, initial=0)
    if p == np.inf:
        return m
    ordinary = (m > 0) & np.isfinite(m)
    scale = np.where(ordinary, m, 1)
    return np.where(ordinary, scale * np.sum((a / scale[..., None]) ** p, axis=-1) ** (1 / p), m)


def _p_norm_grad(v, norm, p):
    r""":math:`\partial \lVert v \rVert_p / \partial v`, PyTorch's choices included.

    :math:`\operatorname{sign}(v_k)\,(|v_k| / \lVert v \rVert_p)^{p-1}`, with 0 where
    :math:`v_k = 0` (for :math:`p < 1` the power is infinite there; PyTorch
    masks it) and for a zero vector; for :math:`p = \infty`,
    :math:`\operatorname{sign}(v_k)` shared equally by the coordinates at the
    maximum, as PyTorch does.
    """
    norm = norm[..., None]
    if p == np.inf:
        at_max = (np.abs(v) == norm).astype(v.dtype)
        return np.sign(v) * at_max / np.sum(at_max, axis=-1, keepdims=True)
    ratio = np.abs(v) / np.where(norm > 0, norm, 1)  # <= 1; norm = 0 only for v = 0
    # for p < 1, 0 ** (p - 1) is inf (and sign 0 times inf nan): both discarded by np.where
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(v == 0, 0, np.sign(v) * ratio ** (p - 1))


def _vector_arrays(**arrays):
    """``_float_arrays`` for vectors: one shape with a last (vector) axis."""
    out = float_arrays(**arrays)
    if out[0].ndim == 0:
        *most, last = arrays
        raise ValueError(f"{', '.join(most)} and {last} must have a vector axis, shape (N, D) or (D,); got shape ().")
    return out


def pairwise_distance(x1, x2, *, p=2.0, eps=1e-6, keepdim=False):
    r"""Pairwise distance (쌍별 거리), PyTorch's ``pairwise_distance``: row by row, not all pairs.

    .. math::
        d(x_1, x_2) = \lVert x_1 - x_2 + \epsilon \rVert_p = \Bigl(\sum_k |x_{1k} - x_{2k} + \epsilon|^p\Bigr)^{1/p}

    The :math:`\epsilon` is added to every coordinate of the difference
    **inside** the norm (it keeps the gradient of the 2-norm defined at
    :math:`x_1 = x_2`), so :math:`d(x, x) = \epsilon D^{1/p}`, not 0, and
    :math:`d` is not symmetric: :math:`d(x_1, x_2) \ne d(x_2, x_1)` by about
    :math:`2\epsilon`. For :math:`p = \infty` it is :math:`\max_k |\cdot|`.
    :math:`0 < p < 1` is accepted (as in PyTorch) but is no norm: the
    triangle inequality fails.

    Args:
        x1: vectors along the last axis, array-like of real numbers, at least 1-d.
        x2: vectors of the same shape (PyTorch broadcasts; we do not).
        p: the norm degree, :math:`0 < p \le \infty` (``np.inf`` for the maximum).
        eps: :math:`\epsilon \ge 0`, added to each coordinate of :math:`x_1 - x_2`.
        keepdim: keep the last axis with length 1.

    Returns:
        The distances, shape of ``x1`` without its last axis (0-d for one
        pair of vectors), or with it as length 1 for ``keepdim=True``; the
        dtype of ``x1``.

    Raises:
        TypeError: if an array is not real-valued, ``p``/``eps`` is not a
            number or ``keepdim`` not a bool.
        ValueError: if the shapes differ, the arrays are 0-d, ``p <= 0``
            (PyTorch computes something for those) or ``eps < 0``.

    Shape:
        ``x1``: (*, D); ``x2``: (*, D); output: (*), or (*, 1) with ``keepdim``.

    See Also:
        :func:`triplet_margin_loss`, ``torch.nn.PairwiseDistance``,
        ``scipy.spatial.distance.minkowski``.

    Examples:
        >>> pairwise_distance([[0.0, 0.0], [1.0, 1.0]], [[3.0, 4.0], [1.0, 1.0]], eps=0.0)
        array([5., 0.])
        >>> pairwise_distance([0.0, 0.0], [3.0, 4.0], p=1, eps=0.0)
        array(7.)
        >>> pairwise_distance([0.0, 0.0], [0.0, 0.0])  # eps * sqrt(2), not 0
        array(1.4142e-06)
    """
    keepdim = check_flag(keepdim, "keepdim")
    x1, x2 = _vector_arrays(x1=x1, x2=x2)
    p, eps = _check_p_eps(p, eps)
    d = _p_norm(x1 - x2 + eps, p)
    return d[..., None] if keepdim else d


# --- pairs of vectors: cosine embedding ---------------------------------------


def _cosine_embedding_parts(input1, input2, target, margin):
    r"""Checked labels and margin, the unit-ish vectors :math:`x / n`, the norms
    :math:`n = \sqrt{\lVert x \rVert^2 + \epsilon}` and the cosines."""
    x1, x2 = float_arrays(input1=input1, input2=input2)
    target = as_float_array(target, "target").astype(x1.dtype, copy=False)
    if x1.ndim not in (1, 2) or target.shape != x1.shape[:-1]:
        raise ValueError(
            "input1 and input2 must have shape (N, D) with target (N,), or (D,) with target (); "
            f"got {x1.shape} and target {target.shape}."
        )
    check_signs(target)
    margin = check_scalar_in(margin, "margin", -1, 1)
    # PyTorch adds eps to each squared norm; hypot(|x|, sqrt(eps)) is that square root
    # without squaring x, so nothing overflows for |x| up to 1e308 (PyTorch's does from ~1e77)
    n1, n2 = (np.hypot(np.hypot.reduce(x, axis=-1, initial=0), math.sqrt(COSINE_EMBEDDING_EPS)) for x in (x1, x2))
    u1, u2 = x1 / n1[..., None], x2 / n2[..., None]
    return target, margin, u1, u2, n1, n2, np.sum(u1 * u2, axis=-1)


def cosine_embedding_loss(input1, input2, target, *, margin=0.0, reduction="mean"):
    r"""Cosine embedding loss (코사인 임베딩 손실) for pairs labelled similar (+1) or dissimilar (-1).

    .. math::
        \ell_n = \begin{cases} 1 - \cos(x_{1n}, x_{2n}) & y_n = 1 \\
                 \max(0,\ \cos(x_{1n}, x_{2n}) - m) & y_n = -1 \end{cases}
        \qquad
        \cos(x_1, x_2) = \frac{x_1 \cdot x_2}{\sqrt{(\lVert x_1 \rVert^2 + \epsilon)(\lVert x_2 \rVert^2 + \epsilon)}}

    Similar pairs are turned to point the same way; dissimilar pairs only
    until their cosine is below :math:`m`. The guard against zero vectors is
    PyTorch's and **not** that of ``F.cosine_similarity``
    (:func:`lossbook.similarity.cosine_similarity`, which clamps each norm at
    1e-8): :math:`\epsilon` = ``COSINE_EMBEDDING_EPS`` (1e-12 as a C++ float,
    9.99999996e-13) is added to each **squared** norm. A zero vector gives
    :math:`\cos = 0` in both; a vector of norm 1e-6 is scaled down here (its
    cosine with itself is 1/2) where ``cosine_similarity`` normalises it (1).
    Elsewhere the two differ by about :math:`\epsilon / (2 \lVert x \rVert^2)`
    relative per vector: 5e-13 at norm 1, 5e-7 at norm 1e-3. PyTorch gives 0 for a
    label other than :math:`\pm 1` and broadcasts a target of the wrong
    length; both are refused here, as is a margin outside [-1, 1] (above 1 a
    dissimilar pair never costs anything, below -1 always).

    Args:
        input1: vectors :math:`x_1`, shape (N, D), or (D,) for one pair.
        input2: vectors :math:`x_2`, the same shape.
        target: labels :math:`y \in \{-1, +1\}`, shape (N,), or () for one pair.
        margin: :math:`m \in [-1, 1]`; PyTorch suggests 0 to 0.5.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``, over the pairs.

    Returns:
        The reduced loss as a 0-d array, or the N per-pair losses for
        ``reduction="none"``; the dtype of ``input1``.

    Raises:
        TypeError: if an array is not real-valued or ``margin`` is not a number.
        ValueError: if the shapes do not fit (as PyTorch, 2-d or 1-d inputs
            only), a label is not :math:`\pm 1`, ``margin`` is outside [-1, 1]
            or ``reduction`` is unknown.

    Shape:
        ``input1``, ``input2``: (N, D) or (D,); ``target``: (N,) or ();
        output: scalar, or (N,) for ``reduction="none"``.

    See Also:
        :func:`cosine_embedding_loss_grad`, :func:`lossbook.similarity.cosine_similarity_loss`,
        ``torch.nn.CosineEmbeddingLoss``.

    References:
        Chopra, S., Hadsell, R. and LeCun, Y. (2005). Learning a similarity
        metric discriminatively, with application to face verification. *CVPR*, 539-546.

    Examples:
        Two pairs at 45 degrees, :math:`\cos = 1/\sqrt 2`: the similar pair
        costs :math:`1 - 0.7071`, the dissimilar one :math:`0.7071 - 0.5`:

        >>> cosine_embedding_loss([[1.0, 0.0], [1.0, 0.0]], [[1.0, 1.0], [1.0, 1.0]], [1, -1], margin=0.5,
        ...                       reduction="none")
        array([0.2929, 0.2071])
        >>> cosine_embedding_loss([1e-6, 0.0], [1e-6, 0.0], 1)  # cos = 1e-12 / (1e-12 + eps) = 1/2
        array(0.5)
    """
    check_reduction(reduction)
    target, margin, *_, cos = _cosine_embedding_parts(input1, input2, target, margin)
    return reduce(np.where(target == 1, 1 - cos, np.maximum(cos - margin, 0)), reduction)


def cosine_embedding_loss_grad(input1, input2, target, *, margin=0.0, reduction="mean"):
    r"""Gradients of :func:`cosine_embedding_loss` with respect to ``input1`` and ``input2``.

    With :math:`n_i = \sqrt{\lVert x_i \rVert^2 + \epsilon}`:

    .. math::
        \frac{\partial \cos}{\partial x_1} = \frac{1}{n_1}\Bigl(\frac{x_2}{n_2} - \cos\,\frac{x_1}{n_1}\Bigr),
        \qquad
        \frac{\partial \ell}{\partial x_1} = \begin{cases} -\partial \cos / \partial x_1 & y = 1 \\
            \partial \cos / \partial x_1 & y = -1,\ \cos - m \ge 0 \\ 0 & \text{otherwise} \end{cases}

    and the same with 1 and 2 swapped. The part along :math:`x_1` removes
    what would only stretch :math:`x_1`. At the kink :math:`\cos = m` the
    gradient is kept, as PyTorch's ``clamp_min`` does. A zero :math:`x_1`
    gets :math:`\mp x_2 / (\sqrt\epsilon\, n_2)`, about :math:`10^6` times
    the unit vector of :math:`x_2`, as in PyTorch.

    Returns:
        A tuple ``(grad_input1, grad_input2)``, each of the inputs' shape and dtype.

    Examples:
        A dissimilar pair at 90 degrees, :math:`\cos = 0`, above the margin
        -0.5: each vector is turned away from the other:

        >>> cosine_embedding_loss_grad([1.0, 0.0], [0.0, 1.0], -1, margin=-0.5)
        (array([0., 1.]), array([1., 0.]))
    """
    check_reduction(reduction)
    target, margin, u1, u2, n1, n2, cos = _cosine_embedding_parts(input1, input2, target, margin)
    # d loss / d cos is -1 for y = 1 and +1 for an active y = -1: -y where a term is active
    slope = np.where((target == 1) | (cos - margin >= 0), -target, 0)[..., None]
    cos = cos[..., None]
    grad1 = slope * (u2 - cos * u1) / n1[..., None]
    grad2 = slope * (u1 - cos * u2) / n2[..., None]
    return reduce_grad(grad1, reduction, denominator=cos.size), reduce_grad(grad2, reduction, denominator=cos.size)


# --- triplets: anchor, positive, negative -------------------------------------


def _default_distance(p, eps):
    """``pairwise_distance`` with checked ``p`` and ``eps``, as a function of two arrays."""
    p, eps = _check_p_eps(p, eps)
    return lambda x1, x2: _p_norm(x1 - x2 + eps, p)


def _checked_distance(distance_function):
    """The distance of :func:`triplet_margin_with_distance_loss`; a callable's output is checked."""
    if distance_function is None:
        return _default_distance(2.0, 1e-6)
    if not callable(distance_function):
        raise TypeError(
            f"distance_function must be None or a callable (x1, x2) -> distances; "
            f"got {distance_function!r} of type {type(distance_function).__name__}."
        )

    def distance(x1, x2):
        d = as_float_array(distance_function(x1, x2), "the output of distance_function")
        if d.shape != x1.shape[:-1]:
            raise ValueError(
                f"distance_function must return one distance per vector, shape {x1.shape[:-1]}; got shape {d.shape}."
            )
        return d.astype(x1.dtype, copy=False)

    return distance


def _triplet_arrays(anchor, positive, negative, margin, swap):
    """Checked vectors of one shape, margin > 0 (PyTorch refuses 0 too) and swap."""
    a, pos, neg = _vector_arrays(anchor=anchor, positive=positive, negative=negative)
    margin = check_scalar_in(margin, "margin", 0, np.inf, low_open=True, high_open=True)
    return a, pos, neg, margin, check_flag(swap, "swap")


def _triplet_loss(anchor, positive, negative, distance, margin, swap, reduction):
    r""":math:`\max(m + d(a, p) - d(a, n), 0)`, with :math:`d(a, n)` replaced by
    :math:`\min(d(a, n), d(p, n))` when ``swap``."""
    check_reduction(reduction)
    a, pos, neg, margin, swap = _triplet_arrays(anchor, positive, negative, margin, swap)
    d_neg = distance(a, neg)
    if swap:  # Balntas et al.: the positive may be the one nearer to the negative
        d_neg = np.minimum(d_neg, distance(pos, neg))
    return reduce(np.maximum(margin + distance(a, pos) - d_neg, 0), reduction)


def _triplet_grads(anchor, positive, negative, margin, p, eps, swap, reduction):
    r"""The three gradients of the triplet loss on :func:`pairwise_distance` (see :func:`triplet_margin_loss_grad`)."""
    check_reduction(reduction)
    a, pos, neg, margin, swap = _triplet_arrays(anchor, positive, negative, margin, swap)
    p, eps = _check_p_eps(p, eps)
    v_ap, v_an, v_pn = a - pos + eps, a - neg + eps, pos - neg + eps  # eps inside the norm, as PyTorch
    d_ap, d_an, d_pn = _p_norm(v_ap, p), _p_norm(v_an, p), _p_norm(v_pn, p)
    # alpha: the share of d(a, n) in the negative distance, 1 - alpha that of d(p, n); at a
    # tie min(d_an, d_pn) splits its gradient in halves, as torch.minimum does
    alpha = np.where(d_an < d_pn, 1, np.where(d_an == d_pn, 0.5, 0)) if swap else np.ones(d_an.shape)
    d_neg = np.minimum(d_an, d_pn) if swap else d_an
    active = (margin + d_ap - d_neg >= 0)[..., None]  # >=: clamp_min passes the gradient at 0, as in PyTorch
    g_ap, g_an, g_pn = (_p_norm_grad(v, d, p) for v, d in ((v_ap, d_ap), (v_an, d_an), (v_pn, d_pn)))
    alpha = alpha[..., None].astype(a.dtype)
    grads = (g_ap - alpha * g_an, -g_ap - (1 - alpha) * g_pn, alpha * g_an + (1 - alpha) * g_pn)
    return tuple(reduce_grad(np.where(active, g, 0), reduction, denominator=d_ap.size) for g in grads)


def triplet_margin_loss(anchor, positive, negative, *, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction="mean"):
    r"""Triplet margin loss (트리플렛 마진 손실): the anchor nearer its positive than its negative by a margin.

    .. math::
        \ell_n = \max\bigl(d(a_n, p_n) - d(a_n, n_n) + m,\ 0\bigr), \qquad
        d(x, y) = \lVert x - y + \epsilon \rVert_p

    with :math:`d` the :func:`pairwise_distance` (:math:`\epsilon` inside the
    norm). The distance is **not squared**: FaceNet's loss uses
    :math:`\lVert a - p \rVert_2^2`; write that with
    :func:`triplet_margin_with_distance_loss`. With ``swap=True`` the
    negative distance is :math:`\min(d(a, n), d(p, n))` (Balntas et al.):
    if the positive lies nearer the negative than the anchor does, that
    harder comparison is used. PyTorch refuses a margin :math:`\le 0`, and so
    do we; it accepts any :math:`p`, we :math:`0 < p \le \infty` (see
    :func:`pairwise_distance`).

    Args:
        anchor: anchor vectors :math:`a`, shape (N, D) or (D,).
        positive: vectors of the anchor's class :math:`p`, the same shape.
        negative: vectors of another class :math:`n`, the same shape.
        margin: :math:`m > 0`.
        p: the norm degree of the distance, :math:`0 < p \le \infty`.
        eps: :math:`\epsilon \ge 0`, added inside the norm.
        swap: use :math:`\min(d(a, n), d(p, n))` as the negative distance.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``, over the triplets.

    Returns:
        The reduced loss as a 0-d array, or the N per-triplet losses for
        ``reduction="none"`` (0-d for (D,) inputs); the dtype of ``anchor``.

    Raises:
        TypeError: if an array is not real-valued, an option has the wrong type.
        ValueError: if the shapes differ (PyTorch broadcasts them), the
            arrays are 0-d, ``margin <= 0``, ``p <= 0``, ``eps < 0`` or
            ``reduction`` is unknown.

    Shape:
        ``anchor``, ``positive``, ``negative``: (N, D) or (D,) (more leading
        axes work too); output: scalar, or (N,) for ``reduction="none"``.

    See Also:
        :func:`triplet_margin_loss_grad`, :func:`triplet_margin_with_distance_loss`,
        ``torch.nn.TripletMarginLoss``.

    References:
        Schroff, F., Kalenichenko, D. and Philbin, J. (2015). FaceNet: a
        unified embedding for face recognition and clustering. *CVPR*, 815-823.

        Balntas, V., Riba, E., Ponsa, D. and Mikolajczyk, K. (2016). Learning
        local feature descriptors with triplets and shallow convolutional
        neural networks. *BMVC*.

    Examples:
        The positive 3 away, the negative 5 away (a 3-4-5 triangle), margin 1:
        satisfied; margin 3: short by 1 (up to :math:`\epsilon`):

        >>> triplet_margin_loss([0.0, 0.0], [3.0, 0.0], [0.0, 4.0], eps=0.0)
        array(0.)
        >>> triplet_margin_loss([0.0, 0.0], [3.0, 0.0], [0.0, 5.0], margin=3.0, eps=0.0)
        array(1.)
        >>> triplet_margin_loss([0.0, 0.0], [3.0, 0.0], [3.0, 1.0], eps=0.0, swap=True)  # d(p, n) = 1: 3 - 1 + 1
        array(3.)
    """
    return _triplet_loss(anchor, positive, negative, _default_distance(p, eps), margin, swap, reduction)


def triplet_margin_loss_grad(anchor, positive, negative, *, margin=1.0, p=2.0, eps=1e-6, swap=False,
                             reduction="mean"):
    r"""Gradients of :func:`triplet_margin_loss` with respect to anchor, positive and negative.

    With the gradient of the norm
    :math:`g(v) = \partial \lVert v \rVert_p / \partial v = \operatorname{sign}(v)\,(|v| / \lVert v \rVert_p)^{p-1}`
    (for :math:`p = 2` the unit vector :math:`v / \lVert v \rVert`), the
    differences :math:`v_{ap} = a - p + \epsilon` etc., and a triplet inside the margin:

    .. math::
        \frac{\partial \ell}{\partial a} = g(v_{ap}) - \alpha\, g(v_{an}), \quad
        \frac{\partial \ell}{\partial p} = -g(v_{ap}) - (1 - \alpha)\, g(v_{pn}), \quad
        \frac{\partial \ell}{\partial n} = \alpha\, g(v_{an}) + (1 - \alpha)\, g(v_{pn})

    where :math:`\alpha = 1` without swap; with swap :math:`\alpha` is 1 if
    :math:`d(a, n)` is the smaller, 0 if :math:`d(p, n)` is, and 1/2 at a tie
    (``torch.minimum`` splits the gradient). PyTorch's choices are kept: the
    gradient is passed at the kink (loss exactly 0, ``clamp_min``), a zero
    coordinate gets 0 for :math:`p < 1`, and for :math:`p = \infty` the
    coordinates at the maximum share it equally.

    Returns:
        A tuple ``(grad_anchor, grad_positive, grad_negative)``, each of the inputs' shape and dtype.

    Examples:
        The positive 5 away along (3, 4) / 5, the negative 4 away along -y:
        the anchor moves (against the gradient) towards the positive and away
        from the negative, the negative away from the anchor:

        >>> triplet_margin_loss_grad([0.0, 0.0], [3.0, 4.0], [0.0, -4.0], eps=0.0)
        (array([-0.6, -1.8]), array([0.6, 0.8]), array([0., 1.]))
    """
    return _triplet_grads(anchor, positive, negative, margin, p, eps, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction="mean"):
    r"""Triplet loss with any distance (임의 거리의 트리플렛 손실), as ``torch.nn.TripletMarginWithDistanceLoss``.

    .. math:: \ell_n = \max\bigl(d(a_n, p_n) - d(a_n, n_n) + m,\ 0\bigr)

    as :func:`triplet_margin_loss`, with :math:`d` = ``distance_function``, a
    NumPy callable that takes two arrays of vectors (N, D) and returns one
    distance per row (N,). ``None`` means :func:`pairwise_distance` with
    :math:`p = 2`, :math:`\epsilon = 10^{-6}`, and then this is
    :func:`triplet_margin_loss` with its defaults. FaceNet's loss is
    ``distance_function=lambda x, y: np.sum((x - y) ** 2, axis=-1)``, the
    squared Euclidean distance; a cosine distance is ``1 - cos``.

    Args:
        anchor: anchor vectors :math:`a`, shape (N, D) or (D,).
        positive: vectors of the anchor's class, the same shape.
        negative: vectors of another class, the same shape.
        distance_function: ``None``, or a callable ``(x1, x2) -> distances`` of shape (N,).
        margin: :math:`m > 0` (PyTorch refuses 0 too).
        swap: use :math:`\min(d(a, n), d(p, n))` as the negative distance.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``, over the triplets.

    Returns:
        The reduced loss as a 0-d array, or the per-triplet losses for
        ``reduction="none"``; the dtype of ``anchor``.

    Raises:
        TypeError: if an array is not real-valued, ``distance_function`` is
            not callable or returns no real numbers, or ``swap`` is not a bool.
        ValueError: if the shapes differ, the arrays are 0-d, ``margin <= 0``,
            ``distance_function`` returns the wrong shape or ``reduction`` is unknown.

    Shape:
        ``anchor``, ``positive``, ``negative``: (N, D) or (D,); output:
        scalar, or (N,) for ``reduction="none"``.

    See Also:
        :func:`triplet_margin_with_distance_loss_grad`, :func:`triplet_margin_loss`,
        ``torch.nn.TripletMarginWithDistanceLoss``.

    References:
        Schroff, F., Kalenichenko, D. and Philbin, J. (2015). FaceNet: a
        unified embedding for face recognition and clustering. *CVPR*, 815-823.

    Examples:
        FaceNet's squared distances, :math:`3^2 - 4^2 + 1 < 0` and :math:`3^2 - 2^2 + 1 = 6`:

        >>> squared = lambda x, y: np.sum((x - y) ** 2, axis=-1)
        >>> triplet_margin_with_distance_loss([[0.0, 0.0], [0.0, 0.0]], [[3.0, 0.0], [3.0, 0.0]],
        ...                                   [[0.0, 4.0], [0.0, 2.0]], distance_function=squared, reduction="none")
        array([0., 6.])
    """
    distance = _checked_distance(distance_function)
    return _triplet_loss(anchor, positive, negative, distance, margin, swap, reduction)


def triplet_margin_with_distance_loss_grad(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                           swap=False, reduction="mean"):
    r"""Gradients of :func:`triplet_margin_with_distance_loss` for ``distance_function=None`` only.

    Those of :func:`triplet_margin_loss_grad` with :math:`p = 2`,
    :math:`\epsilon = 10^{-6}`. NumPy cannot differentiate an arbitrary
    callable: for a custom distance write it in torch and use autograd.

    Returns:
        A tuple ``(grad_anchor, grad_positive, grad_negative)``, each of the inputs' shape and dtype.

    Raises:
        ValueError: if ``distance_function`` is not ``None``, and as
            :func:`triplet_margin_with_distance_loss`.

    Examples:
        >>> triplet_margin_with_distance_loss_grad([0.0, 0.0], [3.0, 0.0], [0.0, 3.0], reduction="sum")[0]
        array([-1.,  1.])
    """
    if distance_function is not None:
        raise ValueError(
            f"distance_function must be None for the gradient twin; got {distance_function!r}. "
            "For a custom distance write it in torch and use autograd."
        )
    return _triplet_grads(anchor, positive, negative, margin, 2.0, 1e-6, swap, reduction)
