r"""Likelihood losses (우도 기반 손실함수): -log p(target) under the distribution a network predicts.

The network outputs the parameters of a distribution and the loss is
:math:`-\log p(y \mid \theta)`, up to terms that do not depend on the
network:

* :func:`poisson_nll_loss`: counts under a Poisson rate (PyTorch's ``PoissonNLLLoss``);
* :func:`gaussian_nll_loss`: real values under a normal mean and variance (``GaussianNLLLoss``);
* :func:`kl_div`: a whole target distribution, the KL divergence (``KLDivLoss``).

Names, keywords, defaults and numbers are PyTorch's; each loss has a
gradient twin ``<name>_grad`` with the same signature. Where PyTorch
silently computes nonsense (a negative rate or count, a probability above 1,
a log-probability above 0) these functions raise, and each docstring says
so. A term with a zero probability or count counts 0 (the limit of
:math:`y \log y`), where PyTorch's formula gives ``0 * -inf = nan``.
"""
import math
import numbers
from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, check_array_in, check_flag, check_positive, check_scalar_in, loss_arrays
from ._reduction import REDUCTIONS, check_reduction, reduce, reduce_grad

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)  # a Python float: keeps float32 arrays float32


def _y_log(y, log_x):
    r""":math:`y \log x`, taken as 0 where :math:`y = 0`, even at :math:`\log x = -\infty`.

    That is the limit of :math:`y \log y` as :math:`y \to 0` (``scipy.special.xlogy``'s
    convention); the product alone would be ``0 * -inf = nan``.
    """
    with np.errstate(invalid="ignore"):  # 0 * -inf, computed and then discarded by np.where
        return np.where(y == 0, 0, y * log_x)


# --- Poisson ------------------------------------------------------------------


def _poisson_arrays(input, target, log_input, full, eps):
    r"""Checked arrays and options; counts must be >= 0, and so must rates when ``log_input=False``."""
    input, target = loss_arrays(input, target)
    log_input, full = check_flag(log_input, "log_input"), check_flag(full, "full")
    eps = check_scalar_in(eps, "eps", 0, np.inf, high_open=True)
    check_array_in(target, "target", 0, np.inf, what="counts")
    if not log_input:
        check_array_in(input, "input", 0, np.inf, what="rates (log_input=False)")
    return input, target, log_input, full, eps


def _stirling(y):
    r"""Stirling's :math:`\log y! \approx y \log y - y + \tfrac12 \log(2\pi y)` where :math:`y > 1`, else 0.

    PyTorch's mask: for :math:`y \in \{0, 1\}`, :math:`\log y! = 0` exactly.
    """
    safe = np.maximum(y, 1)  # the logs of y <= 1 are discarded by np.where; 1 keeps them finite
    return np.where(y > 1, safe * np.log(safe) - safe + 0.5 * np.log(2 * math.pi * safe), 0)


def poisson_nll_loss(input, target, *, log_input=True, full=False, eps=1e-8, reduction="mean"):
    r"""Poisson negative log-likelihood (푸아송 음의 로그 우도), PyTorch's ``poisson_nll_loss``.

    With rate :math:`\lambda_i = e^{x_i}` (``log_input=True``, the default)
    or :math:`\lambda_i = x_i` (``log_input=False``) and count :math:`y_i`:

    .. math::

        \ell_i = \lambda_i - y_i \log \lambda_i
        \;\Bigl[+\, y_i \log y_i - y_i + \tfrac12 \log(2\pi y_i) \text{ if full and } y_i > 1\Bigr]

    where :math:`\log\lambda_i` is :math:`x_i` itself for ``log_input=True``
    and :math:`\log(x_i + \epsilon)` otherwise (:math:`\epsilon` keeps
    :math:`\log 0` away; it is not added to the first :math:`\lambda_i`).
    This is :math:`-\log P(y \mid \lambda) = \lambda - y\log\lambda + \log y!`
    without :math:`\log y!`, which does not depend on the prediction. With
    ``full=True`` Stirling's approximation of :math:`\log y!` is added, and
    only where :math:`y > 1` (for 0 and 1, :math:`\log y! = 0` exactly). Its
    error, :math:`\log y! - \text{Stirling} \approx \frac{1}{12y}`, is 0.0413
    at :math:`y = 2`, 0.0083 at :math:`y = 10` and 0.00083 at :math:`y = 100`
    (measured against ``scipy.stats.poisson.logpmf`` in the tests).

    A term with :math:`y_i = 0` is :math:`\lambda_i` (:math:`0 \log 0 = 0`);
    PyTorch gives ``nan`` there if :math:`\lambda_i = 0` (``eps=0``).

    Args:
        input: log-rates :math:`x` (``log_input=True``) or rates :math:`x \ge 0`, any shape.
        target: counts :math:`y \ge 0`, the same shape (need not be integers).
        log_input: whether ``input`` is the log of the rate (default ``True``).
        full: add Stirling's approximation of :math:`\log y!` (default ``False``).
        eps: :math:`\epsilon \ge 0` inside :math:`\log(x + \epsilon)` when
            ``log_input=False`` (default ``1e-8``).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or :math:`\ell` for
        ``reduction="none"``; the dtype of ``input``.

    Raises:
        TypeError: if an array is not real-valued or a flag is not a bool.
        ValueError: if the shapes differ (PyTorch broadcasts them), a count
            is negative or a rate (``log_input=False``) is negative (PyTorch
            returns a number or ``nan`` for both), ``eps < 0`` or
            ``reduction`` is unknown.

    Shape:
        ``input``: (*); ``target``: (*), the same; output: scalar, or (*).

    See Also:
        :func:`poisson_nll_loss_grad`, ``torch.nn.PoissonNLLLoss``,
        ``scipy.stats.poisson.logpmf``.

    References:
        Cameron and Trivedi (2013), Regression Analysis of Count Data, 2nd
        ed., Cambridge University Press, section 3.2 (Poisson MLE).

    Examples:
        Log-rates 0 and :math:`\ln 2` (rates 1 and 2) for counts 1 and 2:
        :math:`1 - 0` and :math:`2 - 2\ln 2`:

        >>> poisson_nll_loss([0.0, np.log(2.0)], [1.0, 2.0], reduction="none")
        array([1.    , 0.6137])
        >>> poisson_nll_loss([2.0], [2.0], log_input=False)  # 2 - 2 ln 2, the same rate given directly
        array(0.6137)

        ``full=True`` at rate 1, count 2: :math:`1 + (2\ln 2 - 2 + \tfrac12\ln 4\pi) = 1.6518`,
        where the exact :math:`-\log P = 1 + \ln 2! = 1.6931`:

        >>> poisson_nll_loss([0.0], [2.0], full=True)
        array(1.6518)
    """
    check_reduction(reduction)
    input, target, log_input, full, eps = _poisson_arrays(input, target, log_input, full, eps)
    with np.errstate(divide="ignore"):  # log 0 = -inf at x + eps = 0: an infinite loss if y > 0
        rate, log_rate = (np.exp(input), input) if log_input else (input, np.log(input + eps))
    loss = rate - _y_log(target, log_rate)
    return reduce(loss + _stirling(target) if full else loss, reduction)


def poisson_nll_loss_grad(input, target, *, log_input=True, full=False, eps=1e-8, reduction="mean"):
    r"""Gradient of :func:`poisson_nll_loss` with respect to ``input``.

    .. math::

        \frac{\partial \ell_i}{\partial x_i} = e^{x_i} - y_i \;\;(\texttt{log\_input}),
        \qquad 1 - \frac{y_i}{x_i + \epsilon} \;\;(\text{otherwise})

    Stirling's term does not depend on ``input``. On log-rates the gradient
    is the residual :math:`\lambda - y`, zero at :math:`\lambda = y`. A
    :math:`y_i = 0` term gives 1 on rates, also at :math:`x_i + \epsilon = 0`.

    Examples:
        >>> poisson_nll_loss_grad([0.0, np.log(2.0)], [3.0, 2.0], reduction="none")  # 1 - 3, 2 - 2
        array([-2.,  0.])
        >>> poisson_nll_loss_grad([4.0], [2.0], log_input=False, eps=0.0)  # 1 - 2 / 4
        array([0.5])
    """
    check_reduction(reduction)
    input, target, log_input, _, eps = _poisson_arrays(input, target, log_input, full, eps)
    if log_input:
        return reduce_grad(np.exp(input) - target, reduction)
    with np.errstate(divide="ignore", invalid="ignore"):  # y / 0 where x + eps = 0, kept as inf if y > 0
        return reduce_grad(1 - np.where(target == 0, 0, target / (input + eps)), reduction)


# --- Gaussian -----------------------------------------------------------------


class GaussianNLLGrad(NamedTuple):
    r"""The two gradients of :func:`gaussian_nll_loss`: with respect to ``input`` and to ``var``."""

    input: np.ndarray
    var: np.ndarray


def _variance(var, input):
    r"""``var`` in the dtype of ``input``, shaped to broadcast against it, and the shape it came in.

    PyTorch's rules: a float is one variance for all; an array has the
    input's shape, or that shape with one axis of size 1 (shared along that
    axis), or the input's shape without its last axis (one per row).
    """
    if isinstance(var, (float, np.floating)):  # one variance for every element
        var_b, shape = np.full((1,) * input.ndim, var, input.dtype), ()
    elif isinstance(var, numbers.Integral):  # PyTorch's isinstance(var, float) refuses it too
        raise TypeError(f"var must be a float or an array of variances; got {var!r} of type "
                        f"{type(var).__name__}. Write {int(var)}.0, as PyTorch refuses an int too.")
    else:
        var_b = as_float_array(var, "var").astype(input.dtype, copy=False)
        var_b, shape = _var_axes(var_b, input.shape), var_b.shape
    return check_array_in(var_b, "var", 0, np.inf, what="variances"), shape


def _var_axes(var, shape):
    r"""``var`` with the input's number of axes, or ``ValueError`` if PyTorch would refuse its shape."""
    if var.shape == shape:  # heteroscedastic: one variance per element
        return var
    if var.shape == shape[:-1]:  # one variance per row: PyTorch unsqueezes the missing last axis
        return var[..., None]
    mismatched = [v for s, v in zip(shape, var.shape) if s != v]
    if var.ndim == len(shape) and mismatched == [1]:  # one axis of size 1, shared along it
        return var
    raise ValueError(
        f"var must have the input's shape {shape}, that shape with one axis of size 1, "
        f"or {shape[:-1]} (the last axis dropped); got {var.shape}."
    )


def _gaussian_arrays(input, target, var, full, eps):
    r"""Checked arrays, the clamped variance :math:`v = \max(\sigma^2, \epsilon)` and ``var``'s own shape."""
    input, target = loss_arrays(input, target)
    check_flag(full, "full")
    var_b, shape = _variance(var, input)
    # PyTorch clamps (does not add) eps: a zero variance would make log 0 and r^2 / 0
    return input, target, np.maximum(var_b, check_positive(eps, "eps")), shape


def gaussian_nll_loss(input, target, var, *, full=False, eps=1e-6, reduction="mean"):
    r"""Gaussian negative log-likelihood (가우시안 음의 로그 우도), PyTorch's ``gaussian_nll_loss``.

    With the predicted mean :math:`x_i`, target :math:`y_i`, predicted
    variance :math:`\sigma_i^2` and :math:`v_i = \max(\sigma_i^2, \epsilon)`:

    .. math::

        \ell_i = \tfrac12 \Bigl(\log v_i + \frac{(x_i - y_i)^2}{v_i}\Bigr)
        \;\Bigl[+\, \tfrac12 \log 2\pi \text{ if full}\Bigr]

    This is :math:`-\log \mathcal N(y_i; x_i, v_i)`; a network that predicts
    its own variance learns to say where it is unsure: a large residual
    costs less under a large variance, which costs :math:`\tfrac12\log v`.
    The variance is **clamped** at :math:`\epsilon`, not shifted by it (the
    PyTorch docstring of ``gaussian_nll_loss`` says "added"; the code clamps).

    ``var`` may be a float (one variance for all), an array of the input's
    shape, that shape with one axis of size 1 (one variance shared along
    it), or the input's shape without its last axis: exactly the shapes
    PyTorch 2.13 accepts. A Python int is refused, as PyTorch refuses it.

    Args:
        input: predicted means :math:`x`, any shape.
        target: targets :math:`y`, the same shape.
        var: predicted variances :math:`\sigma^2 \ge 0`, a float or an array
            of one of the shapes above.
        full: add the constant :math:`\tfrac12 \log 2\pi` (default ``False``).
        eps: the floor :math:`\epsilon > 0` of the variance (default ``1e-6``).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or :math:`\ell` (the input's shape)
        for ``reduction="none"``; the dtype of ``input``.

    Raises:
        TypeError: if an array is not real-valued, ``var`` is an int or
            ``full`` is not a bool.
        ValueError: if ``input`` and ``target`` differ in shape (PyTorch
            broadcasts them), ``var`` has a shape PyTorch refuses or a
            negative entry, ``eps <= 0`` or ``reduction`` is unknown.

    Shape:
        ``input``: (N, *); ``target``: (N, *); ``var``: (N, *), (N, *) with
        one axis 1, (N, *) without its last axis, or a float; output:
        scalar, or (N, *).

    See Also:
        :func:`gaussian_nll_loss_grad`, :func:`poisson_nll_loss`,
        ``torch.nn.GaussianNLLLoss``, ``scipy.stats.norm.logpdf``.

    References:
        Nix and Weigend (1994), Estimating the mean and variance of the
        target probability distribution, ICNN, 55-60.

    Examples:
        Residual 1 under variance 1: :math:`\tfrac12(0 + 1)`:

        >>> gaussian_nll_loss([1.0], [0.0], [1.0])
        array(0.5)
        >>> gaussian_nll_loss([2.0, 0.0], [0.0, 0.0], 4.0, reduction="none")  # (ln 4 + 1) / 2, ln 4 / 2
        array([1.1931, 0.6931])
        >>> gaussian_nll_loss([0.0], [0.0], [0.0])  # clamped at 1e-6: ln(1e-6) / 2
        array(-6.9078)
        >>> gaussian_nll_loss([1.0], [0.0], [1.0], full=True)  # 0.5 + ln(2 pi) / 2
        array(1.4189)
    """
    check_reduction(reduction)
    input, target, v, _ = _gaussian_arrays(input, target, var, full, eps)
    loss = 0.5 * (np.log(v) + np.square(input - target) / v)
    return reduce(loss + _HALF_LOG_2PI if full else loss, reduction)


def gaussian_nll_loss_grad(input, target, var, *, full=False, eps=1e-6, reduction="mean"):
    r"""Gradients of :func:`gaussian_nll_loss` with respect to ``input`` and ``var``.

    With :math:`r_i = x_i - y_i` and :math:`v_i = \max(\sigma_i^2, \epsilon)`:

    .. math::

        \frac{\partial \ell_i}{\partial x_i} = \frac{r_i}{v_i}, \qquad
        \frac{\partial \ell_i}{\partial \sigma_i^2} = \frac{v_i - r_i^2}{2 v_i^2}

    PyTorch clamps the variance in place under ``torch.no_grad()``, so
    autograd never sees the clamp: below :math:`\epsilon` the gradient with
    respect to ``var`` is the one at :math:`\epsilon` (not 0, as a
    ``torch.clamp`` in the graph would give), e.g.
    :math:`(10^{-6} - 4)/(2\cdot 10^{-12}) \approx -2\cdot 10^{12}` for
    :math:`r = 2`. We return the same.

    Returns:
        A :class:`GaussianNLLGrad` ``(input, var)``: the gradient with
        respect to ``input`` (its shape) and to ``var`` (``var``'s shape,
        summed over the axes along which it was shared, as autograd does;
        a 0-d array for a float ``var``, the derivative with respect to that
        one number, which PyTorch does not compute for a Python float).

    Examples:
        >>> gaussian_nll_loss_grad([1.0], [0.0], [1.0])  # 1 / 1 and (1 - 1) / 2
        GaussianNLLGrad(input=array([1.]), var=array([0.]))
        >>> gaussian_nll_loss_grad([2.0, 0.0], [0.0, 0.0], 4.0, reduction="sum").var  # (4-4)/32 + 4/32
        array(0.125)
    """
    check_reduction(reduction)
    input, target, v, shape = _gaussian_arrays(input, target, var, full, eps)
    r = input - target
    d_var = reduce_grad(np.broadcast_to(0.5 * (v - np.square(r)) / np.square(v), input.shape), reduction)
    axes = tuple(i for i, n in enumerate(v.shape) if n == 1 and input.shape[i] != 1)
    return GaussianNLLGrad(reduce_grad(r / v, reduction), d_var.sum(axis=axes, keepdims=True).reshape(shape))


# --- KL divergence --------------------------------------------------------------


def _kl_arrays(input, target, log_target):
    r"""Checked arrays; :math:`p` and :math:`\log p` of the target."""
    input, target = loss_arrays(input, target)
    check_array_in(input, "input", -np.inf, 0, what="log-probabilities")
    if check_flag(log_target, "log_target"):
        check_array_in(target, "target", -np.inf, 0, what="log-probabilities (log_target=True)")
        return input, np.exp(target), target
    check_array_in(target, "target", 0, 1, what="probabilities")
    with np.errstate(divide="ignore"):  # log 0 = -inf where p = 0; such terms count 0 (_y_log)
        return input, target, np.log(target)


def kl_div(input, target, *, log_target=False, reduction="mean"):
    r"""KL divergence loss (쿨백-라이블러 발산 손실), PyTorch's ``kl_div``.

    The **input is** :math:`\log q` (log-probabilities of the model, e.g.
    ``log_softmax``) and the **target is** :math:`p` (or :math:`\log p` with
    ``log_target=True``); elementwise

    .. math:: \ell_i = p_i \,(\log p_i - \log q_i), \qquad 0 \log 0 = 0

    so that summed over a distribution's classes it is
    :math:`D_{KL}(p \,\|\, q)`, the divergence of the model from the target.
    The order is the reverse of ``(prediction, target)`` in the formula
    :math:`D_{KL}(p \| q)`, and the prediction is in log space; both are
    classic mistakes.

    ``reduction="mean"`` (the default, kept for PyTorch parity) divides the
    sum by **all** elements, batch times classes, which is *not* the KL
    divergence; ``"batchmean"`` divides by the batch size (the first axis)
    and gives the mean KL per sample. PyTorch warns about ``"mean"``; we say
    it here instead.

    A term with :math:`p_i = 0` is 0, also where :math:`\log q_i = -\infty`
    or (``log_target=True``) :math:`\log p_i = -\infty`; PyTorch gives
    ``nan`` there.

    Args:
        input: log-probabilities :math:`\log q \le 0`, any shape.
        target: probabilities :math:`p \in [0, 1]`, or log-probabilities
            :math:`\log p \le 0` with ``log_target=True``; the same shape.
        log_target: whether ``target`` is :math:`\log p` (default ``False``).
        reduction: ``"mean"`` (default), ``"batchmean"``, ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss as a 0-d array, or :math:`\ell` for
        ``reduction="none"``; the dtype of ``input``.

    Raises:
        TypeError: if an array is not real-valued or ``log_target`` is not a bool.
        ValueError: if the shapes differ (PyTorch broadcasts them), ``input``
            or a log-target is above 0, a target probability is outside
            [0, 1] (PyTorch accepts all these), or ``reduction`` is unknown.

    Shape:
        ``input``: (*); ``target``: (*), the same; output: scalar, or (*)
        for ``reduction="none"``.

    See Also:
        :func:`kl_div_grad`, :func:`lossbook.information.kl_divergence`
        (:math:`D_{KL}(p \| q)` from two distributions), ``torch.nn.KLDivLoss``,
        ``scipy.stats.entropy(p, q)``.

    References:
        Kullback and Leibler (1951), On Information and Sufficiency, Annals of
        Mathematical Statistics 22(1), 79-86.

    Examples:
        :math:`q = (\tfrac12, \tfrac12)` against :math:`p = (1, 0)`: :math:`\ln 2` and 0:

        >>> kl_div(np.log([0.5, 0.5]), [1.0, 0.0], reduction="none")
        array([0.6931, 0.    ])
        >>> log_q, p = np.log([[0.5, 0.5], [0.5, 0.5]]), [[1.0, 0.0], [0.5, 0.5]]
        >>> kl_div(log_q, p, reduction="batchmean")  # (ln 2 + 0) / 2 rows
        array(0.3466)
        >>> kl_div(log_q, p)  # ln 2 / 4 elements: not a KL divergence
        array(0.1733)
    """
    check_reduction(reduction, allowed=REDUCTIONS + ("batchmean",))
    input, p, log_p = _kl_arrays(input, target, log_target)
    with np.errstate(invalid="ignore"):  # -inf - (-inf) where p = q = 0, discarded by _y_log
        return reduce(_y_log(p, log_p - input), reduction)


def kl_div_grad(input, target, *, log_target=False, reduction="mean"):
    r"""Gradient of :func:`kl_div` with respect to ``input`` (:math:`\log q`).

    .. math:: \frac{\partial \ell_i}{\partial \log q_i} = -p_i

    (:math:`-e^{\log p_i}` with ``log_target=True``), divided as
    ``reduction`` says (``"batchmean"``: by the batch size).

    Examples:
        >>> kl_div_grad(np.log([[0.5, 0.5]]), [[1.0, 0.0]], reduction="batchmean")
        array([[-1., -0.]])
    """
    check_reduction(reduction, allowed=REDUCTIONS + ("batchmean",))
    _, p, _ = _kl_arrays(input, target, log_target)
    return reduce_grad(-p, reduction)
