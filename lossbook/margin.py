r"""Margin losses (마진 손실함수): a score is penalised until it is right by a margin.

This module holds the binary :func:`hinge_loss` of the support vector
machine; the multi-class margins (Weston-Watkins, Crammer-Singer) come in chapter 4.
Each loss has a gradient twin ``<name>_grad`` with the same signature that
returns :math:`\partial L / \partial\,\text{input}`.
"""
import numpy as np

from ._checks import check_scalar_in, loss_arrays
from ._reduction import check_reduction, reduce, reduce_grad


def _hinge_parts(input, target, margin):
    """Checked arrays and the slack margin - y f (positive where the loss is active)."""
    input, target = loss_arrays(input, target)
    bad = (target != 1) & (target != -1)
    if np.any(bad):
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"target must contain labels -1 or +1; got {target[index].item()!r} at index {index}. "
            "Map 0/1 labels to -1/+1 with 2 * y - 1."
        )
    margin = check_scalar_in(margin, "margin", 0, np.inf, high_open=True)
    return target, margin - target * input


def hinge_loss(input, target, *, margin=1.0, reduction="mean"):
    r"""Binary hinge loss (힌지 손실) of the support vector machine.

    .. math:: \ell_i = \max(0,\ m - y_i f_i) \qquad y_i \in \{-1, +1\}

    :math:`f` is a real-valued score (a decision function, not a
    probability) and :math:`y f` the signed margin: a point classified
    right by at least :math:`m` costs nothing, every unit short of it costs
    one. ``margin=0`` gives the perceptron criterion. This is not
    ``torch.nn.HingeEmbeddingLoss``, which takes a distance :math:`d` and
    returns :math:`d` for :math:`y = 1`, :math:`\max(0, m - d)` for
    :math:`y = -1`; the multi-class hinge (``torch.nn.MultiMarginLoss``) is
    in chapter 4.

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
