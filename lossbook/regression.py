r"""Regression losses (회귀 손실함수): the prediction and the target are real numbers.

Each loss takes ``(input, target)`` in PyTorch's order (prediction first) and
uses PyTorch's function and keyword names, so ``lossbook.regression.mse_loss``
can be compared with ``torch.nn.functional.mse_loss`` option for option. Each
has a gradient twin ``<name>_grad`` with the same signature that returns
:math:`\partial L / \partial\,\text{input}`.

Chapter 1 uses :func:`mse_loss` and :func:`l1_loss`; chapter 2 adds the rest.
"""
import numpy as np

from ._checks import loss_arrays
from ._reduction import check_reduction, reduce, reduce_grad


def l1_loss(input, target, *, reduction="mean"):
    r"""Mean absolute error, MAE (평균절대오차), PyTorch's ``l1_loss``.

    .. math:: \ell_i = |x_i - y_i|

    Args:
        input: predictions :math:`x`, any shape, array-like of real numbers.
        target: targets :math:`y`, the same shape as ``input``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or the elementwise losses for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if ``input`` or ``target`` is not real-valued.
        ValueError: if the shapes differ or ``reduction`` is unknown.

    Shape:
        ``input``: (*), any number of dimensions; ``target``: (*), the same;
        output: scalar, or (*) for ``reduction="none"``.

    See Also:
        :func:`l1_loss_grad`, ``torch.nn.L1Loss``,
        ``sklearn.metrics.mean_absolute_error(y_true, y_pred)``.

    Examples:
        >>> l1_loss([1.0, -2.0, 3.0], [0.0, 0.0, 0.0])
        array(2.)
        >>> l1_loss([1.0, -2.0], [0.0, 0.0], reduction="none")
        array([1., 2.])
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    return reduce(np.abs(input - target), reduction)


def l1_loss_grad(input, target, *, reduction="mean"):
    r"""Gradient of :func:`l1_loss` with respect to ``input``.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = \operatorname{sign}(x_i - y_i)

    :math:`|r|` has no derivative at :math:`r = 0`; any value in
    :math:`[-1, 1]` is a subgradient there. Like PyTorch we return 0.

    Examples:
        >>> l1_loss_grad([1.0, -2.0, 0.0], [0.0, 0.0, 0.0], reduction="sum")
        array([ 1., -1.,  0.])
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    return reduce_grad(np.sign(input - target), reduction)


def mse_loss(input, target, *, reduction="mean"):
    r"""Mean squared error, MSE (평균제곱오차), PyTorch's ``mse_loss``.

    .. math:: \ell_i = (x_i - y_i)^2

    Args:
        input: predictions :math:`x`, any shape, array-like of real numbers.
        target: targets :math:`y`, the same shape as ``input``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or the elementwise losses for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if ``input`` or ``target`` is not real-valued.
        ValueError: if the shapes differ or ``reduction`` is unknown.

    Shape:
        ``input``: (*), any number of dimensions; ``target``: (*), the same;
        output: scalar, or (*) for ``reduction="none"``.

    See Also:
        :func:`mse_loss_grad`, ``torch.nn.MSELoss``,
        ``sklearn.metrics.mean_squared_error(y_true, y_pred)``.

    Examples:
        >>> mse_loss([1.0, -2.0], [0.0, 0.0])
        array(2.5)
        >>> mse_loss([1.0, -2.0], [0.0, 0.0], reduction="none")
        array([1., 4.])
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    return reduce(np.square(input - target), reduction)


def mse_loss_grad(input, target, *, reduction="mean"):
    r"""Gradient of :func:`mse_loss` with respect to ``input``.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = 2\,(x_i - y_i)

    Examples:
        >>> mse_loss_grad([1.0, -2.0], [0.0, 0.0])
        array([ 1., -2.])
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    return reduce_grad(2 * (input - target), reduction)
