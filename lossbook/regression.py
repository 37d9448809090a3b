r"""Regression losses (회귀 손실함수): the prediction and the target are real numbers.

Each loss takes ``(input, target)`` in PyTorch's order (prediction first) and
uses PyTorch's function and keyword names, so ``lossbook.regression.mse_loss``
can be compared with ``torch.nn.functional.mse_loss`` option for option. Each
has a gradient twin ``<name>_grad`` with the same signature that returns
:math:`\partial L / \partial\,\text{input}`.

Chapter 1 uses :func:`mse_loss` and :func:`l1_loss`; chapter 2 adds the rest:
robust losses (:func:`huber_loss`, :func:`smooth_l1_loss`, :func:`log_cosh_loss`),
relative errors (:func:`msle_loss`, :func:`mape_loss`, :func:`mpe_loss`),
:func:`quantile_loss` and the report metric :func:`rmse_loss`.
"""
import math

import numpy as np

from ._checks import as_float_array, check_array_in, check_positive, check_scalar_in, first_index, loss_arrays
from ._reduction import check_reduction, reduce, reduce_grad

_LOG2 = math.log(2)  # a Python float: unlike np.log(2), it keeps float32 arrays float32


def _weight(weight, input):
    """PyTorch 2.13's elementwise ``weight``: None, or an array of the input's shape."""
    if weight is None:
        return None
    weight = as_float_array(weight, "weight").astype(input.dtype, copy=False)
    if weight.shape != input.shape:
        raise ValueError(f"weight must have the shape of input, {input.shape}; got {weight.shape}.")
    return weight


def _weighted(values, weight, reduction, *, grad, mean_over="weights"):
    """Weight elementwise losses (or their derivatives) and reduce them like PyTorch.

    With a weight, torch's ``l1_loss`` and ``mse_loss`` divide the weighted sum
    by the summed weights under "mean" (``mean_over="weights"``), while its
    ``huber_loss`` divides by the number of elements (``mean_over="elements"``).
    """
    step = reduce_grad if grad else reduce
    if weight is None:
        return step(values, reduction)
    denominator = weight.sum() if mean_over == "weights" else None
    return step(values * weight, reduction, denominator=denominator)


def l1_loss(input, target, *, weight=None, reduction="mean"):
    r"""Mean absolute error, MAE (평균절대오차), PyTorch's ``l1_loss``.

    .. math:: \ell_i = |x_i - y_i|

    Args:
        input: predictions :math:`x`, any shape, array-like of real numbers.
        target: targets :math:`y`, the same shape as ``input``.
        weight: optional elementwise weights, the shape of ``input``
            (PyTorch 2.13's new ``weight``); with it ``"mean"`` divides by the summed weights.
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
    return _weighted(np.abs(input - target), _weight(weight, input), reduction, grad=False)


def l1_loss_grad(input, target, *, weight=None, reduction="mean"):
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
    return _weighted(np.sign(input - target), _weight(weight, input), reduction, grad=True)


def mse_loss(input, target, *, weight=None, reduction="mean"):
    r"""Mean squared error, MSE (평균제곱오차), PyTorch's ``mse_loss``.

    .. math:: \ell_i = (x_i - y_i)^2

    Args:
        input: predictions :math:`x`, any shape, array-like of real numbers.
        target: targets :math:`y`, the same shape as ``input``.
        weight: optional elementwise weights, the shape of ``input``
            (PyTorch 2.13's new ``weight``); with it ``"mean"`` divides by the summed weights.
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
    return _weighted(np.square(input - target), _weight(weight, input), reduction, grad=False)


def mse_loss_grad(input, target, *, weight=None, reduction="mean"):
    r"""Gradient of :func:`mse_loss` with respect to ``input``.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = 2\,(x_i - y_i)

    Examples:
        >>> mse_loss_grad([1.0, -2.0], [0.0, 0.0])
        array([ 1., -2.])
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    return _weighted(2 * (input - target), _weight(weight, input), reduction, grad=True)


def huber_loss(input, target, *, delta=1.0, weight=None, reduction="mean"):
    r"""Huber loss (후버 손실), PyTorch's ``huber_loss``: quadratic near 0, linear far out.

    .. math::
        \ell_i = \begin{cases} \tfrac12 r_i^2 & |r_i| \le \delta \\
                 \delta\,(|r_i| - \tfrac12 \delta) & \text{otherwise} \end{cases}
        \qquad r_i = x_i - y_i

    The two pieces meet with equal value and slope at :math:`|r| = \delta`, so
    the loss is MSE/2 for small residuals and :math:`\delta` times MAE (minus a
    constant) for outliers. As :math:`\delta \to \infty` it becomes
    :math:`\tfrac12 r^2`; as :math:`\delta \to 0` it goes to 0, not to L1 (that
    is :func:`smooth_l1_loss`, which is Huber divided by :math:`\delta`).

    Args:
        input: predictions :math:`x`, any shape, array-like of real numbers.
        target: targets :math:`y`, the same shape as ``input``.
        delta: the threshold :math:`\delta > 0` between the two pieces.
        weight: optional elementwise weights, the shape of ``input``
            (PyTorch 2.13's new ``weight``); with it ``"mean"`` divides by the number of elements (PyTorch 2.13 is not
            consistent here: its ``l1_loss`` and ``mse_loss`` divide by the summed
            weights).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or the elementwise losses for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if ``input``/``target`` is not real-valued or ``delta`` is not a number.
        ValueError: if the shapes differ, ``delta <= 0`` or ``reduction`` is unknown.

    Shape:
        ``input``: (*), any number of dimensions; ``target``: (*), the same;
        output: scalar, or (*) for ``reduction="none"``.

    See Also:
        :func:`huber_loss_grad`, :func:`smooth_l1_loss`, ``torch.nn.HuberLoss``.

    References:
        Huber, P. J. (1964). Robust estimation of a location parameter.
        *Annals of Mathematical Statistics* 35(1), 73-101.

    Examples:
        >>> huber_loss([0.5, 3.0], [0.0, 0.0], reduction="none")
        array([0.125, 2.5  ])
        >>> huber_loss([0.5, 3.0], [0.0, 0.0])
        array(1.3125)
    """
    check_reduction(reduction)
    delta = check_positive(delta, "delta")
    input, target = loss_arrays(input, target)
    a = np.abs(input - target)
    # np.where evaluates both pieces; squaring min(|r|, delta) keeps the discarded
    # quadratic piece from overflowing at |r| ~ 1e200.
    quadratic = 0.5 * np.square(np.minimum(a, delta))
    losses = np.where(a <= delta, quadratic, delta * (a - 0.5 * delta))
    return _weighted(losses, _weight(weight, input), reduction, grad=False, mean_over="elements")


def huber_loss_grad(input, target, *, delta=1.0, weight=None, reduction="mean"):
    r"""Gradient of :func:`huber_loss` with respect to ``input``.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = \operatorname{clip}(r_i, -\delta, \delta)

    The residual itself inside the threshold, :math:`\pm\delta` outside: an
    outlier pulls with a bounded force.

    Examples:
        >>> huber_loss_grad([0.5, 3.0], [0.0, 0.0], reduction="sum")
        array([0.5, 1. ])
    """
    check_reduction(reduction)
    delta = check_positive(delta, "delta")
    input, target = loss_arrays(input, target)
    return _weighted(np.clip(input - target, -delta, delta), _weight(weight, input), reduction,
                     grad=True, mean_over="elements")


def smooth_l1_loss(input, target, *, beta=1.0, reduction="mean"):
    r"""Smooth L1 loss (평활 L1 손실), PyTorch's ``smooth_l1_loss``: L1 with a rounded kink.

    .. math::
        \ell_i = \begin{cases} \tfrac12 r_i^2 / \beta & |r_i| < \beta \\
                 |r_i| - \tfrac12 \beta & \text{otherwise} \end{cases}
        \qquad r_i = x_i - y_i

    It is :func:`huber_loss` divided by its threshold,
    :math:`\text{huber}_\delta = \delta\,\text{smooth\_l1}_{\beta=\delta}`, so the
    linear piece has slope exactly 1 whatever :math:`\beta`, and
    :math:`\beta \to 0` gives L1. ``beta=0`` is computed as exactly
    :math:`|r|`, as PyTorch does (the quadratic piece would be 0/0).

    Args:
        input: predictions :math:`x`, any shape, array-like of real numbers.
        target: targets :math:`y`, the same shape as ``input``.
        beta: the width :math:`\beta \ge 0` of the quadratic piece.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or the elementwise losses for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if ``input``/``target`` is not real-valued or ``beta`` is not a number.
        ValueError: if the shapes differ, ``beta < 0`` or ``reduction`` is unknown.

    Shape:
        ``input``: (*), any number of dimensions; ``target``: (*), the same;
        output: scalar, or (*) for ``reduction="none"``.

    See Also:
        :func:`smooth_l1_loss_grad`, :func:`huber_loss`, ``torch.nn.SmoothL1Loss``.

    References:
        Girshick, R. (2015). Fast R-CNN. *ICCV*, 1440-1448.

    Examples:
        >>> smooth_l1_loss([0.5, 3.0], [0.0, 0.0], beta=2.0, reduction="none")
        array([0.0625, 2.    ])
        >>> smooth_l1_loss([0.5, 3.0], [0.0, 0.0], beta=0.0, reduction="none")
        array([0.5, 3. ])
    """
    check_reduction(reduction)
    beta = check_scalar_in(beta, "beta", 0, np.inf, high_open=True)
    input, target = loss_arrays(input, target)
    a = np.abs(input - target)
    if beta == 0:  # the quadratic piece has zero width: exactly L1, as in PyTorch (no 0/0)
        return reduce(a, reduction)
    # as in huber_loss: square at most beta, so the discarded piece cannot overflow
    quadratic = 0.5 * np.square(np.minimum(a, beta)) / beta
    return reduce(np.where(a < beta, quadratic, a - 0.5 * beta), reduction)


def smooth_l1_loss_grad(input, target, *, beta=1.0, reduction="mean"):
    r"""Gradient of :func:`smooth_l1_loss` with respect to ``input``.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = \operatorname{clip}(r_i / \beta, -1, 1)

    For ``beta=0`` this is :math:`\operatorname{sign}(r_i)`, 0 at
    :math:`r_i = 0` as in :func:`l1_loss_grad` and PyTorch.

    Examples:
        >>> smooth_l1_loss_grad([0.5, 3.0], [0.0, 0.0], beta=2.0, reduction="sum")
        array([0.25, 1.  ])
    """
    check_reduction(reduction)
    beta = check_scalar_in(beta, "beta", 0, np.inf, high_open=True)
    input, target = loss_arrays(input, target)
    r = input - target
    if beta == 0:
        return reduce_grad(np.sign(r), reduction)
    # clip before dividing: r / beta itself could overflow (r = 1e300, beta = 1e-300)
    return reduce_grad(np.clip(r, -beta, beta) / beta, reduction)


def rmse_loss(input, target):
    r"""Root mean squared error, RMSE (평균제곱근오차): the square root of :func:`mse_loss`.

    .. math:: L = \sqrt{\frac{1}{n} \sum_{i=1}^{n} (x_i - y_i)^2}

    There is no ``reduction`` argument: the square root is taken after the
    mean, so RMSE is not a mean (or sum) of elementwise losses and
    ``"none"``/``"sum"`` would not be RMSE. It has the units of the target,
    which makes it a readable report; its minimiser is that of MSE.

    Args:
        input: predictions :math:`x`, any shape, array-like of real numbers.
        target: targets :math:`y`, the same shape as ``input``.

    Returns:
        A 0-d array of the dtype of ``input`` (float64 for integers); NaN for
        empty arrays, like the mean.

    Raises:
        TypeError: if ``input`` or ``target`` is not real-valued.
        ValueError: if the shapes differ.

    Shape:
        ``input``: (*); ``target``: (*), the same; output: scalar.

    See Also:
        :func:`rmse_loss_grad`, :func:`mse_loss`,
        ``sklearn.metrics.root_mean_squared_error(y_true, y_pred)`` (on raveled arrays:
        for 2-d input scikit-learn averages the RMSE of each column).

    Examples:
        >>> rmse_loss([1.0, 7.0], [0.0, 0.0])
        array(5.)
    """
    input, target = loss_arrays(input, target)
    r = input - target
    # sqrt(mean(r^2)) = m * sqrt(mean((r/m)^2)) with m = max|r|: r/m squares without
    # overflow (|r| ~ 1e200) or underflow (|r| ~ 1e-200). m = 0, inf or nan: leave r as is.
    m = np.max(np.abs(r), initial=0)
    m = m if 0 < m < np.inf else 1
    return np.asarray(m * np.sqrt(reduce(np.square(r / m), "mean")), dtype=input.dtype)


def rmse_loss_grad(input, target):
    r"""Gradient of :func:`rmse_loss` with respect to ``input``.

    .. math:: \frac{\partial L}{\partial x_i} = \frac{x_i - y_i}{n\,L}

    At :math:`L = 0` (every residual 0) the square root has no derivative;
    0 is a subgradient there (the one of smallest norm) and is returned.

    Examples:
        >>> rmse_loss_grad([1.0, 7.0], [0.0, 0.0])
        array([0.1, 0.7])
    """
    rmse = rmse_loss(input, target)
    input, target = loss_arrays(input, target)
    if rmse == 0:
        return np.zeros_like(input)
    return (input - target) / (input.size * rmse)


def _msle_arrays(input, target):
    """loss_arrays plus the domain of log1p: both arrays > -1."""
    input, target = loss_arrays(input, target)
    check_array_in(input, "input", -1, np.inf, low_open=True, high_open=True)
    check_array_in(target, "target", -1, np.inf, low_open=True, high_open=True)
    return input, target


def msle_loss(input, target, *, reduction="mean"):
    r"""Mean squared logarithmic error, MSLE (평균제곱로그오차).

    .. math:: \ell_i = \bigl(\log(1 + x_i) - \log(1 + y_i)\bigr)^2

    The loss depends on the ratio :math:`(1 + x)/(1 + y)`: it suits positive
    targets spanning orders of magnitude (prices, counts), where a relative
    error matters, and it penalises under-prediction more than over-prediction
    of the same size.

    Args:
        input: predictions :math:`x > -1`, any shape, array-like of real numbers.
        target: targets :math:`y > -1`, the same shape as ``input``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or the elementwise losses for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if ``input`` or ``target`` is not real-valued.
        ValueError: if the shapes differ, a value is :math:`\le -1` (its
            array, index and value are named) or ``reduction`` is unknown.

    Shape:
        ``input``: (*), any number of dimensions; ``target``: (*), the same;
        output: scalar, or (*) for ``reduction="none"``.

    See Also:
        :func:`msle_loss_grad`,
        ``sklearn.metrics.mean_squared_log_error(y_true, y_pred)``.

    Examples:
        Both pairs have :math:`(1 + x)/(1 + y) = 2`, so both losses are :math:`(\log 2)^2`:

        >>> msle_loss([3.0, 7.0], [1.0, 3.0], reduction="none")
        array([0.48045301, 0.48045301])
    """
    check_reduction(reduction)
    input, target = _msle_arrays(input, target)
    # log1p(x) is exact to rounding for small x, where log(1 + x) first rounds 1 + x
    return reduce(np.square(np.log1p(input) - np.log1p(target)), reduction)


def msle_loss_grad(input, target, *, reduction="mean"):
    r"""Gradient of :func:`msle_loss` with respect to ``input``.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = \frac{2\,\bigl(\log(1 + x_i) - \log(1 + y_i)\bigr)}{1 + x_i}

    Examples:
        >>> msle_loss_grad([0.0], [0.0], reduction="sum")
        array([0.])
    """
    check_reduction(reduction)
    input, target = _msle_arrays(input, target)
    return reduce_grad(2 * (np.log1p(input) - np.log1p(target)) / (1 + input), reduction)


def _ratio_arrays(input, target, loss):
    """loss_arrays plus the condition of every relative error: no target is 0."""
    input, target = loss_arrays(input, target)
    zero = target == 0
    if np.any(zero):
        index = first_index(zero)
        raise ValueError(
            f"target must be nonzero for {loss}; got {target[index].item()!r} at index {index}. "
            f"{loss} is undefined at y = 0; drop those rows or use an absolute error such as l1_loss."
        )
    return input, target


def mape_loss(input, target, *, reduction="mean"):
    r"""Mean absolute percentage error, MAPE (평균절대백분율오차), as a fraction.

    .. math:: \ell_i = \left| \frac{y_i - x_i}{y_i} \right|

    The result is a fraction, scikit-learn's convention: 0.1 means 10 %;
    multiply by 100 for percent. The loss is scale-free but asymmetric: for a
    positive target, under-prediction costs at most 1 while over-prediction is
    unbounded, so minimising MAPE biases forecasts low.

    Args:
        input: predictions :math:`x`, any shape, array-like of real numbers.
        target: targets :math:`y \ne 0`, the same shape as ``input``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or the elementwise losses for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if ``input`` or ``target`` is not real-valued.
        ValueError: if the shapes differ, a target is 0 (its index is named)
            or ``reduction`` is unknown.

    Shape:
        ``input``: (*), any number of dimensions; ``target``: (*), the same;
        output: scalar, or (*) for ``reduction="none"``.

    See Also:
        :func:`mape_loss_grad`, :func:`mpe_loss`,
        ``sklearn.metrics.mean_absolute_percentage_error(y_true, y_pred)``
        (which divides by :math:`\max(|y|, \epsilon)` instead of refusing 0).

    Examples:
        >>> mape_loss([110.0, 90.0], [100.0, 100.0])
        array(0.1)
        >>> mape_loss([100.0, 50.0], [50.0, 100.0], reduction="none")
        array([1. , 0.5])
    """
    check_reduction(reduction)
    input, target = _ratio_arrays(input, target, "MAPE")
    return reduce(np.abs((target - input) / target), reduction)


def mape_loss_grad(input, target, *, reduction="mean"):
    r"""Gradient of :func:`mape_loss` with respect to ``input``.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = \frac{\operatorname{sign}(x_i - y_i)}{|y_i|}

    0 at :math:`x_i = y_i`, as for :func:`l1_loss_grad`.

    Examples:
        >>> mape_loss_grad([110.0, 90.0], [100.0, 100.0], reduction="sum")
        array([ 0.01, -0.01])
    """
    check_reduction(reduction)
    input, target = _ratio_arrays(input, target, "MAPE")
    return reduce_grad(np.sign(input - target) / np.abs(target), reduction)


def mpe_loss(input, target, *, reduction="mean"):
    r"""Mean percentage error, MPE (평균백분율오차), as a fraction: a signed bias measure.

    .. math:: \ell_i = \frac{y_i - x_i}{y_i}

    Positive means under-prediction (for positive targets), negative
    over-prediction; errors of both signs cancel, so MPE measures bias, not
    accuracy, and is not bounded below (not a loss to minimise on its own).
    A fraction like :func:`mape_loss`: multiply by 100 for percent.

    Args:
        input: predictions :math:`x`, any shape, array-like of real numbers.
        target: targets :math:`y \ne 0`, the same shape as ``input``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced value as a 0-d array, or the elementwise values for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if ``input`` or ``target`` is not real-valued.
        ValueError: if the shapes differ, a target is 0 (its index is named)
            or ``reduction`` is unknown.

    Shape:
        ``input``: (*), any number of dimensions; ``target``: (*), the same;
        output: scalar, or (*) for ``reduction="none"``.

    See Also:
        :func:`mpe_loss_grad`, :func:`mape_loss`.

    Examples:
        >>> mpe_loss([1.5, 0.5], [1.0, 1.0], reduction="none")
        array([-0.5,  0.5])
        >>> mpe_loss([1.5, 0.5], [1.0, 1.0])
        array(0.)
    """
    check_reduction(reduction)
    input, target = _ratio_arrays(input, target, "MPE")
    return reduce((target - input) / target, reduction)


def mpe_loss_grad(input, target, *, reduction="mean"):
    r"""Gradient of :func:`mpe_loss` with respect to ``input``.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = -\frac{1}{y_i}

    Examples:
        >>> mpe_loss_grad([1.5, 0.5], [2.0, -4.0], reduction="sum")
        array([-0.5 ,  0.25])
    """
    check_reduction(reduction)
    input, target = _ratio_arrays(input, target, "MPE")
    return reduce_grad(-1 / target, reduction)


def quantile_loss(input, target, *, quantile=0.5, reduction="mean"):
    r"""Quantile (pinball) loss (분위수 손실): its minimiser is the ``quantile`` of the target.

    .. math:: \ell_i = \max\bigl(q\,r_i,\ (q - 1)\,r_i\bigr) \qquad r_i = y_i - x_i

    Under-prediction (:math:`r > 0`) costs :math:`q` per unit, over-prediction
    :math:`1 - q`; so the best constant prediction is the :math:`q`-quantile.
    ``quantile=0.5`` is half of :func:`l1_loss` (the median).

    Args:
        input: predictions :math:`x`, any shape, array-like of real numbers.
        target: targets :math:`y`, the same shape as ``input``.
        quantile: the level :math:`q \in [0, 1]`.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or the elementwise losses for
        ``reduction="none"``; the dtype of ``input`` (float64 for integers).

    Raises:
        TypeError: if ``input``/``target`` is not real-valued or ``quantile`` is not a number.
        ValueError: if the shapes differ, ``quantile`` is outside [0, 1] or
            ``reduction`` is unknown.

    Shape:
        ``input``: (*), any number of dimensions; ``target``: (*), the same;
        output: scalar, or (*) for ``reduction="none"``.

    See Also:
        :func:`quantile_loss_grad`,
        ``sklearn.metrics.mean_pinball_loss(y_true, y_pred, alpha=q)``.

    References:
        Koenker, R. and Bassett, G. (1978). Regression quantiles.
        *Econometrica* 46(1), 33-50.

    Examples:
        >>> quantile_loss([0.0, 2.0], [1.0, 1.0], quantile=0.9, reduction="none")
        array([0.9, 0.1])
    """
    check_reduction(reduction)
    q = check_scalar_in(quantile, "quantile", 0, 1)
    input, target = loss_arrays(input, target)
    r = target - input
    return reduce(np.maximum(q * r, (q - 1) * r), reduction)


def quantile_loss_grad(input, target, *, quantile=0.5, reduction="mean"):
    r"""Gradient of :func:`quantile_loss` with respect to ``input``.

    .. math::
        \frac{\partial \ell_i}{\partial x_i} =
        \begin{cases} -q & r_i > 0 \\ 1 - q & r_i < 0 \\ 0 & r_i = 0 \end{cases}

    At the kink :math:`r = 0` every value in :math:`[-q, 1 - q]` is a
    subgradient; we return 0 (it is always one), as PyTorch does for :math:`|r|`.

    Examples:
        >>> quantile_loss_grad([0.0, 2.0, 1.0], [1.0, 1.0, 1.0], quantile=0.9, reduction="sum")
        array([-0.9,  0.1,  0. ])
    """
    check_reduction(reduction)
    q = check_scalar_in(quantile, "quantile", 0, 1)
    input, target = loss_arrays(input, target)
    r = target - input
    slope = np.where(r > 0, -q, 1 - q).astype(input.dtype)  # python floats would give float64
    return reduce_grad(np.where(r == 0, 0, slope), reduction)


def log_cosh_loss(input, target, *, reduction="mean"):
    r"""Log-cosh loss (로그코사인 손실): :math:`r^2/2` near 0, :math:`|r| - \log 2` far out.

    .. math:: \ell_i = \log\cosh(x_i - y_i)

    Like :func:`huber_loss` with :math:`\delta = 1`, but smooth everywhere
    (its derivative is :math:`\tanh r`). ``np.log(np.cosh(r))`` overflows
    near :math:`|r| = 710`; we use
    :math:`\log\cosh r = |r| + \log(1 + e^{-2|r|}) - \log 2`, finite for
    every finite :math:`r`, and
    :math:`\log\cosh r = \log(1 + 2\sinh^2(r/2))` near 0, where the first
    form would lose all digits to cancellation (at :math:`r = 10^{-10}` it
    returns 0 instead of :math:`5 \cdot 10^{-21}`).

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
        :func:`log_cosh_loss_grad`, :func:`huber_loss`,
        ``tf.keras.losses.log_cosh``.

    Examples:
        At :math:`r = 1000` the loss is :math:`1000 - \log 2`:

        >>> log_cosh_loss([0.0, 1000.0], [0.0, 0.0], reduction="none")
        array([  0.        , 999.30685282])
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    a = np.abs(input - target)
    # near 0: log1p(2 sinh^2(r/2)) keeps full relative accuracy; min(a, 1) keeps
    # np.sinh from overflowing in the branch np.where discards
    near = np.log1p(2 * np.square(np.sinh(np.minimum(a, 1) / 2)))
    # far out: exp(-2|r|) only underflows to 0, never overflows
    far = a + np.log1p(np.exp(-2 * a)) - _LOG2
    return reduce(np.where(a < 1, near, far), reduction)


def log_cosh_loss_grad(input, target, *, reduction="mean"):
    r"""Gradient of :func:`log_cosh_loss` with respect to ``input``.

    .. math:: \frac{\partial \ell_i}{\partial x_i} = \tanh(x_i - y_i)

    Bounded by 1 in absolute value, like the Huber gradient with :math:`\delta = 1`.

    Examples:
        >>> log_cosh_loss_grad([0.0, 1000.0], [0.0, 0.0], reduction="sum")
        array([0., 1.])
    """
    check_reduction(reduction)
    input, target = loss_arrays(input, target)
    return reduce_grad(np.tanh(input - target), reduction)
