r"""Margin losses (마진 손실함수): a score is penalised until it is right by a margin.

* labels :math:`y \in \{-1, +1\}`: the binary :func:`hinge_loss` of the
  support vector machine, its smooth cousin :func:`soft_margin_loss`,
  :func:`hinge_embedding_loss` (on one distance per pair) and
  :func:`margin_ranking_loss` (on two scores to be put in order);
* several classes: :func:`multi_margin_loss` (one true class, Weston-Watkins),
  :func:`multilabel_margin_loss` (a list of true classes) and
  :func:`multilabel_soft_margin_loss` (one logistic loss per class).

Losses on embedding vectors (cosine, triplet) are in :mod:`lossbook.embedding`.
Each loss has a gradient twin ``<name>_grad`` with the same signature that
returns :math:`\partial L / \partial\,\text{input}` (a pair of gradients
for :func:`margin_ranking_loss`, which has two inputs).
"""
import numpy as np

from ._checks import (
    as_float_array,
    as_index_array,
    check_array_in,
    check_scalar_in,
    check_signs,
    class_weight,
    first_index,
    float_arrays,
    loss_arrays,
)
from ._reduction import check_reduction, reduce, reduce_grad
from .classification import binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad


def _labelled_parts(input, target, margin):
    """Checked arrays with labels -1/+1 and the checked margin m >= 0."""
    input, target = loss_arrays(input, target)
    return input, check_signs(target), check_scalar_in(margin, "margin", 0, np.inf, high_open=True)


def _hinge_parts(input, target, margin):
    """Checked labels and the slack margin - y f (positive where the loss is active)."""
    input, target, margin = _labelled_parts(input, target, margin)
    return target, margin - target * input


def hinge_loss(input, target, *, margin=1.0, reduction="mean"):
    r"""Binary hinge loss (힌지 손실) of the support vector machine.

    .. math:: \ell_i = \max(0,\ m - y_i f_i) \qquad y_i \in \{-1, +1\}

    :math:`f` is a real-valued score (a decision function, not a
    probability) and :math:`y f` the signed margin: a point classified
    right by at least :math:`m` costs nothing, every unit short of it costs
    one. ``margin=0`` gives the perceptron criterion. This is not
    ``torch.nn.HingeEmbeddingLoss`` (:func:`hinge_embedding_loss`), which
    takes a distance :math:`d` and returns :math:`d` for :math:`y = 1`,
    :math:`\max(0, m - d)` for :math:`y = -1`; the multi-class hinge
    (``torch.nn.MultiMarginLoss``) is :func:`multi_margin_loss`.

    Args:
        input: scores :math:`f`, any shape, array-like of real numbers.
        target: labels :math:`y \in \{-1, +1\}`, the same shape as ``input``.
        margin: :math:`m \ge 0`, the margin a score must clear.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or the elementwise losses for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if ``input``/``target`` is not real-valued or ``margin`` is not a number.
        ValueError: if the shapes differ, a label is not :math:`\pm 1` (its
            value and index are named), ``margin < 0`` or ``reduction`` is unknown.

    Shape:
        ``input``: (*), any number of dimensions; ``target``: (*), the same;
        output: scalar, or (*) for ``reduction="none"``.

    See Also:
        :func:`hinge_loss_grad`, ``sklearn.metrics.hinge_loss(y_true, pred_decision)``.

    References:
        Cortes, C. and Vapnik, V. (1995). Support-vector networks.
        *Machine Learning* 20(3), 273-297.

    Examples:
        Right by 2, right by only 0.5, wrong by 1:

        >>> hinge_loss([2.0, 0.5, -1.0], [1.0, 1.0, 1.0], reduction="none")
        array([0. , 0.5, 2. ])
        >>> hinge_loss([2.0, 0.5, -1.0], [1.0, 1.0, 1.0])
        array(0.83333333)
    """
    check_reduction(reduction)
    _, slack = _hinge_parts(input, target, margin)
    return reduce(np.maximum(slack, 0), reduction)


def hinge_loss_grad(input, target, *, margin=1.0, reduction="mean"):
    r"""Gradient of :func:`hinge_loss` with respect to ``input``.

    .. math::
        \frac{\partial \ell_i}{\partial f_i} =
        \begin{cases} -y_i & m - y_i f_i > 0 \\ 0 & \text{otherwise} \end{cases}

    At the kink :math:`y f = m` any value between :math:`-y` and 0 is a
    subgradient; we return 0, as autograd does for ``relu``.

    Examples:
        >>> hinge_loss_grad([2.0, 0.5, -1.0, 1.0], [1.0, 1.0, -1.0, 1.0], reduction="sum")
        array([ 0., -1.,  0.,  0.])
    """
    check_reduction(reduction)
    target, slack = _hinge_parts(input, target, margin)
    return reduce_grad(np.where(slack > 0, -target, 0), reduction)  # where, not a product: no -0.0


# --- two scores in order: margin ranking ------------------------------------


def _ranking_parts(input1, input2, target, margin):
    """Checked labels and z = -y (x1 - x2) + m, by how much the pair misses its order (loss where > 0)."""
    input1, input2, target = float_arrays(input1=input1, input2=input2, target=target)
    check_signs(target)
    margin = check_scalar_in(margin, "margin", 0, np.inf, high_open=True)
    return target, -target * (input1 - input2) + margin


def margin_ranking_loss(input1, input2, target, *, margin=0.0, reduction="mean"):
    r"""Margin ranking loss (마진 랭킹 손실): two scores should come in the order the label says.

    .. math:: \ell_i = \max\bigl(0,\ -y_i\,(x_{1i} - x_{2i}) + m\bigr) \qquad y_i \in \{-1, +1\}

    :math:`y = 1` says :math:`x_1` should rank above :math:`x_2`,
    :math:`y = -1` the opposite; a pair in the right order by at least
    :math:`m` costs nothing. It is :func:`hinge_loss` applied to the
    difference :math:`x_1 - x_2` with margin :math:`m` (default 0, the
    perceptron criterion on pairs). PyTorch accepts any target (0 gives the
    constant :math:`m`, 0.5 half the loss) and a negative margin, which
    forgives wrongly ordered pairs; both are refused here.

    Args:
        input1: the first scores :math:`x_1`, any shape, array-like of real numbers.
        input2: the second scores :math:`x_2`, the same shape.
        target: labels :math:`y \in \{-1, +1\}`, the same shape.
        margin: :math:`m \ge 0`, the gap a right order must have.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or the elementwise losses for
        ``reduction="none"``; the dtype of ``input1`` (float64 for integers).

    Raises:
        TypeError: if an array is not real-valued or ``margin`` is not a number.
        ValueError: if the shapes differ (PyTorch broadcasts them), a label is
            not :math:`\pm 1`, ``margin < 0`` or ``reduction`` is unknown.

    Shape:
        ``input1``, ``input2``, ``target``: (*), one shape; output: scalar,
        or (*) for ``reduction="none"``.

    See Also:
        :func:`margin_ranking_loss_grad`, :func:`hinge_loss`, ``torch.nn.MarginRankingLoss``.

    References:
        Herbrich, R., Graepel, T. and Obermayer, K. (2000). Large margin rank
        boundaries for ordinal regression. *Advances in Large Margin
        Classifiers*, MIT Press, 115-132.

    Examples:
        :math:`3 > 1` as wanted, :math:`1 < 2` though :math:`y` wants
        :math:`x_1` above, and a tie where :math:`y` wants :math:`x_2` above:

        >>> margin_ranking_loss([3.0, 1.0, 2.0], [1.0, 2.0, 2.0], [1, 1, -1], margin=0.5, reduction="none")
        array([0. , 1.5, 0.5])
    """
    check_reduction(reduction)
    _, z = _ranking_parts(input1, input2, target, margin)
    return reduce(np.maximum(z, 0), reduction)


def margin_ranking_loss_grad(input1, input2, target, *, margin=0.0, reduction="mean"):
    r"""Gradients of :func:`margin_ranking_loss` with respect to ``input1`` and ``input2``.

    .. math::
        \frac{\partial \ell_i}{\partial x_{1i}} = -\frac{\partial \ell_i}{\partial x_{2i}} =
        \begin{cases} -y_i & -y_i (x_{1i} - x_{2i}) + m \ge 0 \\ 0 & \text{otherwise} \end{cases}

    At the kink (a pair exactly at the margin) we return :math:`-y`, as
    PyTorch's ``clamp_min`` does; ``relu`` would give 0.

    Returns:
        A tuple ``(grad_input1, grad_input2)``, each of the inputs' shape and dtype.

    Examples:
        >>> margin_ranking_loss_grad([3.0, 1.0], [1.0, 2.0], [1, 1], reduction="sum")
        (array([ 0., -1.]), array([0., 1.]))
    """
    check_reduction(reduction)
    target, z = _ranking_parts(input1, input2, target, margin)
    active = z >= 0  # >=: clamp_min passes the gradient at z = 0, as in PyTorch
    return reduce_grad(np.where(active, -target, 0), reduction), reduce_grad(np.where(active, target, 0), reduction)


# --- one distance per pair: hinge embedding ---------------------------------


def hinge_embedding_loss(input, target, *, margin=1.0, reduction="mean"):
    r"""Hinge embedding loss (힌지 임베딩 손실) on distances of similar and dissimilar pairs.

    .. math::
        \ell_i = \begin{cases} d_i & y_i = 1 \\ \max(0,\ m - d_i) & y_i = -1 \end{cases}

    ``input`` holds one number per pair, usually a distance :math:`d` between
    two embeddings (PyTorch's ``HingeEmbeddingLoss`` takes one tensor, not
    the two embeddings): a similar pair (:math:`y = 1`) is pulled together
    with all its distance, a dissimilar one (:math:`y = -1`) is pushed apart
    until it is :math:`m` away. Unlike :func:`hinge_loss`, the label does
    not multiply a score: :math:`y = 1` costs :math:`d` however small,
    with no margin. Squaring both terms gives the contrastive loss of
    Hadsell et al. PyTorch gives a label other than :math:`\pm 1` both terms
    and a negative margin; both are refused here.

    Args:
        input: distances :math:`d` (or any scores), any shape, array-like of real numbers.
        target: labels :math:`y \in \{-1, +1\}`, the same shape.
        margin: :math:`m \ge 0`, how far apart a dissimilar pair must be.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or the elementwise losses for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if ``input``/``target`` is not real-valued or ``margin`` is not a number.
        ValueError: if the shapes differ (PyTorch broadcasts them), a label is
            not :math:`\pm 1`, ``margin < 0`` or ``reduction`` is unknown.

    Shape:
        ``input``: (*); ``target``: (*), the same; output: scalar, or (*)
        for ``reduction="none"``.

    See Also:
        :func:`hinge_embedding_loss_grad`, :func:`lossbook.embedding.pairwise_distance`,
        ``torch.nn.HingeEmbeddingLoss``.

    References:
        Hadsell, R., Chopra, S. and LeCun, Y. (2006). Dimensionality
        reduction by learning an invariant mapping. *CVPR*, 1735-1742.

    Examples:
        A similar pair at distance 0.5, dissimilar pairs at 0.25 and 2:

        >>> hinge_embedding_loss([0.5, 0.25, 2.0], [1, -1, -1], reduction="none")
        array([0.5 , 0.75, 0.  ])
    """
    check_reduction(reduction)
    input, target, margin = _labelled_parts(input, target, margin)
    return reduce(np.where(target == 1, input, np.maximum(margin - input, 0)), reduction)


def hinge_embedding_loss_grad(input, target, *, margin=1.0, reduction="mean"):
    r"""Gradient of :func:`hinge_embedding_loss` with respect to ``input``.

    .. math::
        \frac{\partial \ell_i}{\partial d_i} =
        \begin{cases} 1 & y_i = 1 \\ -1 & y_i = -1,\ m - d_i \ge 0 \\ 0 & \text{otherwise} \end{cases}

    At the kink :math:`d = m` we return :math:`-1`, as PyTorch's ``clamp_min`` does.

    Examples:
        >>> hinge_embedding_loss_grad([0.5, 0.25, 2.0], [1, -1, -1], reduction="sum")
        array([ 1., -1.,  0.])
    """
    check_reduction(reduction)
    input, target, margin = _labelled_parts(input, target, margin)
    # the derivative is y itself where a term is active: 1 for y = 1, -1 below the margin for y = -1
    return reduce_grad(np.where((target == 1) | (margin - input >= 0), target, 0), reduction)


# --- the smooth hinge: soft margin --------------------------------------------


def _zero_one(target):
    r"""Labels :math:`y \in \{-1, +1\}` as :math:`(1 + y)/2 \in \{0, 1\}`.

    :math:`\log(1 + e^{-y x})` is the logistic loss on logit :math:`x` with
    0/1 label :math:`(1 + y)/2`: ``softplus(-x)`` for :math:`y = 1`,
    ``softplus(x)`` for :math:`y = -1`. :func:`binary_cross_entropy_with_logits`
    computes it in the form that never overflows.
    """
    return (1 + check_signs(target)) / 2


def soft_margin_loss(input, target, *, reduction="mean"):
    r"""Soft margin loss (소프트 마진 손실): the logistic loss on labels :math:`\pm 1`.

    .. math:: \ell_i = \log\bigl(1 + e^{-y_i x_i}\bigr) \qquad y_i \in \{-1, +1\}

    A smooth :func:`hinge_loss` (with margin 0): it never reaches 0 but
    decays like :math:`e^{-y x}` for a right score and grows like
    :math:`-y x` for a wrong one. It equals
    :func:`~lossbook.classification.binary_cross_entropy_with_logits` on
    the 0/1 label :math:`(1 + y)/2`, and is computed that way, as
    :math:`\max(z, 0) + \log(1 + e^{-|z|})` with :math:`z = -y x`: finite
    at :math:`x = \pm 10^4`, where PyTorch's ``log1p(exp(-y x))``
    overflows to ``inf`` (from :math:`-y x > 709` in float64, 88 in float32)
    and its gradient to ``nan``. Like every PyTorch loss it is a **mean** by
    default, not the sum some notes write. PyTorch accepts any label (0
    gives the constant :math:`\log 2`); only :math:`\pm 1` is accepted here.

    Args:
        input: scores (logits) :math:`x`, any shape, array-like of real numbers.
        target: labels :math:`y \in \{-1, +1\}`, the same shape.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or the elementwise losses for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if ``input``/``target`` is not real-valued.
        ValueError: if the shapes differ, a label is not :math:`\pm 1` or
            ``reduction`` is unknown.

    Shape:
        ``input``: (*); ``target``: (*), the same; output: scalar, or (*)
        for ``reduction="none"``.

    See Also:
        :func:`soft_margin_loss_grad`, :func:`hinge_loss`,
        :func:`~lossbook.classification.binary_cross_entropy_with_logits`,
        ``torch.nn.SoftMarginLoss``.

    References:
        Hastie, T., Tibshirani, R. and Friedman, J. (2009). *The Elements of
        Statistical Learning*, 2nd ed., Springer, section 12.3.2 (the
        binomial deviance next to the hinge).

    Examples:
        >>> soft_margin_loss([0.0], [1])  # ln 2
        array(0.6931)
        >>> soft_margin_loss([np.log(3.0)], [-1])  # ln(1 + 3)
        array(1.3863)
        >>> soft_margin_loss([-1e4, 1e4], [1, -1], reduction="none")  # wrong by 1e4, no overflow
        array([10000., 10000.])
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    return binary_cross_entropy_with_logits(input, _zero_one(target), reduction=reduction)


def soft_margin_loss_grad(input, target, *, reduction="mean"):
    r"""Gradient of :func:`soft_margin_loss` with respect to ``input``.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = -y_i\,\sigma(-y_i x_i)

    (:math:`\sigma(x) - (1 + y)/2` in the logistic form), finite everywhere,
    where PyTorch's backward gives ``nan`` once :math:`e^{-y x}` overflows.

    Examples:
        >>> soft_margin_loss_grad([0.0, -1e4], [1, 1], reduction="none")  # -sigmoid(0), -sigmoid(1e4)
        array([-0.5, -1. ])
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    return binary_cross_entropy_with_logits_grad(input, _zero_one(target), reduction=reduction)


# --- several classes: multilabel soft margin, multi margin, multilabel margin ---


def _check_score_rows(input):
    """Raise unless ``input`` has PyTorch's layout (C,) or (N, C) with C >= 1."""
    if input.ndim not in (1, 2) or input.shape[-1] == 0:
        raise ValueError(
            f"input must have shape (C,) or (N, C) with C >= 1 classes; got {input.shape}. "
            "Use input.reshape(-1, C) for more axes."
        )
    return input


def _multilabel_soft_parts(input, target, weight):
    """Checked logits, 0/1 targets and per-class weights (all 1 for ``None``)."""
    input, target = loss_arrays(input, target)
    _check_score_rows(input)
    check_array_in(target, "target", 0, 1, what="labels")
    return input, target, class_weight(weight, input.shape[-1], input.dtype)


def multilabel_soft_margin_loss(input, target, *, weight=None, reduction="mean"):
    r"""Multi-label soft margin loss (다중 레이블 소프트 마진 손실): one logistic loss per class, averaged.

    .. math::
        \ell_n = -\frac{1}{C} \sum_{c=1}^{C} w_c \bigl(y_{nc} \log\sigma(x_{nc})
                 + (1 - y_{nc}) \log\sigma(-x_{nc})\bigr)

    Each of the C classes is its own yes/no question (a sample may have
    several labels), asked of a **logit** :math:`x`, not a probability. The
    per-class losses are **averaged** over the classes (not summed), so this
    is :func:`~lossbook.classification.binary_cross_entropy_with_logits`
    with ``reduction="none"``, meaned over the last axis; it uses that
    function's softplus form and is finite at logits of :math:`\pm 10^4`.
    ``"mean"`` then averages over the N samples. The 0/1 labels may be
    soft (in [0, 1]); PyTorch accepts any number there.

    Args:
        input: logits :math:`x`, shape (C,) or (N, C).
        target: labels :math:`y \in [0, 1]` (0/1 for hard labels), the same shape.
        weight: per-class weights :math:`w`, shape (C,); ``None`` for all 1.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``, over the samples.

    Returns:
        The reduced loss as a 0-d array, or the N per-sample losses for
        ``reduction="none"`` (a 0-d array for (C,) input); the dtype of ``input``.

    Raises:
        TypeError: if an array is not real-valued.
        ValueError: if the shapes differ, ``input`` is not (C,) or (N, C)
            (PyTorch also takes more axes), a label is outside [0, 1],
            ``weight`` is not (C,) or ``reduction`` is unknown.

    Shape:
        ``input``: (N, C) or (C,); ``target``: the same; ``weight``: (C,);
        output: scalar, or (N,) for ``reduction="none"``.

    See Also:
        :func:`multilabel_soft_margin_loss_grad`, :func:`multilabel_margin_loss`,
        ``torch.nn.MultiLabelSoftMarginLoss``.

    References:
        Tsoumakas, G. and Katakis, I. (2007). Multi-label classification: an
        overview. *International Journal of Data Warehousing and Mining* 3(3), 1-13.

    Examples:
        Two classes at logit 0 (each :math:`\ln 2`), and a confident right and
        wrong class (about 0 and 10):

        >>> multilabel_soft_margin_loss([[0.0, 0.0], [10.0, 10.0]], [[1, 0], [1, 0]], reduction="none")
        array([0.6931, 5.    ])
    """
    check_reduction(reduction)
    input, target, weight = _multilabel_soft_parts(input, target, weight)
    per_class = binary_cross_entropy_with_logits(input, target, weight=weight, reduction="none")
    return reduce(np.mean(per_class, axis=-1), reduction)


def multilabel_soft_margin_loss_grad(input, target, *, weight=None, reduction="mean"):
    r"""Gradient of :func:`multilabel_soft_margin_loss` with respect to the logits.

    .. math:: \frac{\partial \ell_n}{\partial x_{nc}} = \frac{w_c}{C}\,\bigl(\sigma(x_{nc}) - y_{nc}\bigr)

    ``"mean"`` divides by N, the number of samples.

    Examples:
        >>> multilabel_soft_margin_loss_grad([[0.0, 0.0]], [[1, 0]])  # (0.5 - 1, 0.5 - 0) / 2
        array([[-0.25,  0.25]])
    """
    check_reduction(reduction)
    input, target, weight = _multilabel_soft_parts(input, target, weight)
    n_classes = input.shape[-1]
    grad = binary_cross_entropy_with_logits_grad(input, target, weight=weight, reduction="none") / n_classes
    return reduce_grad(grad, reduction, denominator=input.size // n_classes)


def _class_targets(target, shape, what):
    """``target`` as int64 class indices of exactly ``shape`` (``what`` says what a row holds)."""
    target = as_index_array(target, "target")
    if target.shape != shape:
        raise ValueError(f"target must have shape {shape}, {what}; got {target.shape}.")
    return target


def _multi_margin_parts(input, target, p, margin, weight):
    r"""Active slacks :math:`z_j = m - x_y + x_j` (0 at :math:`j = y` and where
    :math:`z_j \le 0`), the weight :math:`w_y` of each row, the one-hot rows and ``p``."""
    input = _check_score_rows(as_float_array(input, "input"))
    n_classes = input.shape[-1]
    target = _class_targets(target, input.shape[:-1], "one class index per row of input")
    check_array_in(target, "target", 0, n_classes, high_open=True, what="class indices")
    if isinstance(p, bool) or p not in (1, 2):  # PyTorch refuses every other power too
        raise ValueError(f"p must be 1 or 2; got {p!r}.")
    margin = check_scalar_in(margin, "margin", 0, np.inf, high_open=True)
    w_y = class_weight(weight, n_classes, input.dtype)[target][..., None]  # row n weighed by w[y_n], as PyTorch
    is_y = target[..., None] == np.arange(n_classes)
    z = margin - np.take_along_axis(input, target[..., None], axis=-1) + input  # PyTorch's order of operations
    return np.where(is_y | ~(z > 0), 0, z), w_y, is_y, int(p)


def multi_margin_loss(input, target, *, p=1, margin=1.0, weight=None, reduction="mean"):
    r"""Multi-class margin loss (다중 클래스 마진 손실), the Weston-Watkins multi-class hinge.

    .. math::
        \ell_n = \frac{w_{y_n}}{C} \sum_{j \ne y_n} \max(0,\ m - x_{n y_n} + x_{nj})^p

    Every wrong class :math:`j` whose score comes within :math:`m` of the
    true class's score costs its shortfall (squared for :math:`p = 2`). Two
    details the course notes miss: the sum is **divided by the number of
    classes** C, and a class weight multiplies the whole row by the weight
    of its **true** class, :math:`w_{y_n}`, while ``"mean"`` still divides by N
    (not by :math:`\sum_n w_{y_n}`, as :func:`~lossbook.classification.cross_entropy`
    does). The Crammer-Singer hinge of ``sklearn.metrics.hinge_loss`` takes
    the maximum over :math:`j` instead of the sum. PyTorch refuses
    :math:`p \notin \{1, 2\}`; it accepts a negative margin, refused here.

    Args:
        input: scores :math:`x`, shape (C,) or (N, C).
        target: true class indices :math:`y \in [0, C)` (an integer array), shape () or (N,).
        p: 1 (hinge) or 2 (squared hinge).
        margin: :math:`m \ge 0`.
        weight: per-class weights :math:`w`, shape (C,); ``None`` for all 1.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``, over the samples.

    Returns:
        The reduced loss as a 0-d array, or the N per-sample losses for
        ``reduction="none"`` (0-d for (C,) input); the dtype of ``input``.

    Raises:
        TypeError: if ``input`` is not real-valued or ``target`` not integer.
        ValueError: if ``input`` is not (C,) or (N, C), ``target`` has the
            wrong shape or an index outside [0, C), ``p`` is not 1 or 2,
            ``margin < 0``, ``weight`` is not (C,) or ``reduction`` is unknown.

    Shape:
        ``input``: (N, C) or (C,); ``target``: (N,) or (); ``weight``: (C,);
        output: scalar, or (N,) for ``reduction="none"``.

    See Also:
        :func:`multi_margin_loss_grad`, :func:`hinge_loss`, ``torch.nn.MultiMarginLoss``.

    References:
        Weston, J. and Watkins, C. (1999). Support vector machines for
        multi-class pattern recognition. *ESANN*, 219-224.

    Examples:
        True class 3 scores 0.8; classes 0, 1, 2 come within the margin by
        0.3, 0.4 and 0.6, so the loss is (0.3 + 0.4 + 0.6) / 4:

        >>> multi_margin_loss([[0.1, 0.2, 0.4, 0.8]], [3])
        array(0.325)
        >>> multi_margin_loss([[0.1, 0.2, 0.4, 0.8]], [3], weight=[1.0, 1.0, 1.0, 2.0])  # times w[3]
        array(0.65)
    """
    check_reduction(reduction)
    z, w_y, _, p = _multi_margin_parts(input, target, p, margin, weight)
    return reduce(np.sum(w_y * z**p, axis=-1) / z.shape[-1], reduction)


def multi_margin_loss_grad(input, target, *, p=1, margin=1.0, weight=None, reduction="mean"):
    r"""Gradient of :func:`multi_margin_loss` with respect to the scores.

    .. math::
        \frac{\partial \ell_n}{\partial x_{nj}} = \frac{w_{y_n}}{C}\, p\, z_{nj}^{p-1}\,[z_{nj} > 0]
        \quad (j \ne y_n), \qquad
        \frac{\partial \ell_n}{\partial x_{n y_n}} = -\sum_{j \ne y_n} \frac{\partial \ell_n}{\partial x_{nj}}

    with :math:`z_{nj} = m - x_{n y_n} + x_{nj}`: the true score enters every
    term with a minus sign. At the kink :math:`z = 0` we return 0, as PyTorch does.

    Examples:
        >>> multi_margin_loss_grad([[0.1, 0.2, 0.4, 0.8]], [3], reduction="sum")  # 1/4 per active class
        array([[ 0.25,  0.25,  0.25, -0.75]])
    """
    check_reduction(reduction)
    z, w_y, is_y, p = _multi_margin_parts(input, target, p, margin, weight)
    grad = w_y * np.where(z > 0, p * z ** (p - 1), 0) / z.shape[-1]
    grad = np.where(is_y, -np.sum(grad, axis=-1, keepdims=True), grad)
    return reduce_grad(grad, reduction, denominator=z[..., 0].size)


def _label_sets(target, n_classes):
    r"""Boolean rows (…, C): class c is listed before the first -1 (raise if listed twice)."""
    listed = np.logical_and.accumulate(target >= 0, axis=-1)  # True up to the first -1, False after it
    counts = np.sum((target[..., None] == np.arange(n_classes)) & listed[..., None], axis=-2)
    if np.any(counts > 1):
        *row, c = first_index(counts > 1)
        k = counts[(*row, c)]
        raise ValueError(
            f"target must list each class at most once before the first -1; got class {c} listed {k} times"
            f"{f' in row {row[0]}' if row else ''}. PyTorch would count it {k} times."
        )
    return counts == 1


def _multilabel_margin_parts(input, target):
    r"""Active slacks :math:`z_{ji} = 1 - x_j + x_i` of each label :math:`j` over each
    non-label :math:`i` (0 for other pairs and where :math:`z \le 0`), shape (…, C, C)."""
    input = _check_score_rows(as_float_array(input, "input"))
    n_classes = input.shape[-1]
    target = _class_targets(target, input.shape, "one list of class indices per row, ended by -1")
    check_array_in(target, "target", -1, n_classes, high_open=True, what="class indices or -1")
    is_label = _label_sets(target, n_classes)
    pairs = is_label[..., :, None] & ~is_label[..., None, :]
    z = 1 - input[..., :, None] + input[..., None, :]  # PyTorch's order of operations
    return np.where(pairs & (z > 0), z, 0)


def multilabel_margin_loss(input, target, *, reduction="mean"):
    r"""Multi-label margin loss (다중 레이블 마진 손실): every label should outscore every non-label by 1.

    .. math::
        \ell_n = \frac{1}{C} \sum_{j \in Y_n} \sum_{i \notin Y_n} \max\bigl(0,\ 1 - (x_{nj} - x_{ni})\bigr)

    :math:`Y_n` is the set of labels of sample :math:`n`, given in PyTorch's
    peculiar form: ``target`` has the input's shape and row :math:`n` lists
    the label indices **up to the first -1**; what follows the -1 is
    ignored (but must still be an index in [-1, C), as PyTorch checks).
    ``[3, 0, -1, 1]`` means :math:`Y = \{0, 3\}`. Like
    :func:`multi_margin_loss` the sum is divided by C. PyTorch counts a class
    listed twice twice; that is refused here.

    Args:
        input: scores :math:`x`, shape (C,) or (N, C).
        target: integer class indices in [-1, C), the same shape, each row
            ended by its first -1 (a row without -1 lists C labels).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``, over the samples.

    Returns:
        The reduced loss as a 0-d array, or the N per-sample losses for
        ``reduction="none"`` (0-d for (C,) input); the dtype of ``input``.

    Raises:
        TypeError: if ``input`` is not real-valued or ``target`` not integer.
        ValueError: if ``input`` is not (C,) or (N, C), the shapes differ, an
            entry is outside [-1, C), a class is listed twice before the -1,
            or ``reduction`` is unknown.

    Shape:
        ``input``: (N, C) or (C,); ``target``: the same; output: scalar, or
        (N,) for ``reduction="none"``.

    See Also:
        :func:`multilabel_margin_loss_grad`, :func:`multilabel_soft_margin_loss`,
        ``torch.nn.MultiLabelMarginLoss``.

    References:
        Elisseeff, A. and Weston, J. (2001). A kernel method for
        multi-labelled classification. *NIPS 14*, 681-687.

    Examples:
        PyTorch's example: labels 3 and 0 against non-labels 1 and 2,
        :math:`(1.1 + 1.3 + 0.4 + 0.6) / 4`:

        >>> multilabel_margin_loss([[0.1, 0.2, 0.4, 0.8]], [[3, 0, -1, 1]])
        array(0.85)
    """
    check_reduction(reduction)
    z = _multilabel_margin_parts(input, target)
    return reduce(np.sum(z, axis=(-2, -1)) / z.shape[-1], reduction)


def multilabel_margin_loss_grad(input, target, *, reduction="mean"):
    r"""Gradient of :func:`multilabel_margin_loss` with respect to the scores.

    .. math::
        \frac{\partial \ell_n}{\partial x_{nk}} = \frac{1}{C}\Bigl(
            \sum_{j} a_{n,jk} - \sum_{i} a_{n,ki} \Bigr),
        \qquad a_{n,ji} = [j \in Y_n,\ i \notin Y_n,\ 1 - x_{nj} + x_{ni} > 0]

    A label :math:`k` loses one unit per non-label that comes within the
    margin; a non-label gains one per label it comes close to. At the kink
    :math:`z = 0` we return 0, as PyTorch does.

    Examples:
        >>> multilabel_margin_loss_grad([[0.1, 0.2, 0.4, 0.8]], [[3, 0, -1, 1]], reduction="sum")
        array([[-0.5,  0.5,  0.5, -0.5]])
    """
    check_reduction(reduction)
    z = _multilabel_margin_parts(input, target)
    active = (z > 0).astype(z.dtype)  # a[j, i]: label j, non-label i, inside the margin
    grad = (np.sum(active, axis=-2) - np.sum(active, axis=-1)) / z.shape[-1]
    return reduce_grad(grad, reduction, denominator=grad[..., 0].size)
