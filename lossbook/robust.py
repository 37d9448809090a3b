r"""Barron's general and adaptive robust loss (일반화 강건 손실함수), exact at every shape.

One loss with a shape parameter :math:`\alpha` and a scale :math:`c > 0`
(Barron, CVPR 2019, arXiv 1701.03077). With :math:`z = (x/c)^2` and
:math:`b = |\alpha - 2|`,

.. math::
    \rho(x, \alpha, c) = \frac{b}{\alpha}
        \left[\left(\frac{z}{b} + 1\right)^{\alpha/2} - 1\right],

which is L2 (:math:`\alpha = 2`, :math:`z/2`), Charbonnier / pseudo-Huber
(:math:`\alpha = 1`), Cauchy (:math:`\alpha = 0`, :math:`\log(1 + z/2)`),
Geman-McClure (:math:`\alpha = -2`) and Welsch (:math:`\alpha = -\infty`,
:math:`1 - e^{-z/2}`); :math:`\alpha = +\infty` gives :math:`e^{z/2} - 1`.

**How it stays exact.** Write :math:`L = \log(1 + z/b)` and
:math:`A = bL/2`. Then, with no case excluded,

.. math::
    \rho = A \cdot \frac{e^{v} - 1}{v}, \quad v = \frac{\alpha}{2} L
    \qquad\text{and}\qquad
    \rho = \frac{z\,e^{w} + b\,(e^{w} - 1)}{\alpha}, \quad w = \Big(\frac{\alpha}{2} - 1\Big) L .

The first form is a product of well-computed factors (``log1p``, ``expm1``)
and is exact through :math:`\alpha = 0`; the second is exact through
:math:`\alpha = 2`, where :math:`w \to 0`. Each is used where it has no
cancellation (:math:`|\alpha - 2| \ge 1` and :math:`< 1`). The relative
error is at most about :math:`1.3\,\varepsilon\,(1 + \kappa)`, where
:math:`\kappa` is the condition number of :math:`\rho` in its inputs
(tested against mpmath at 50 digits); there is no clamp near
:math:`\alpha = 0` or :math:`2`. The derivatives follow the same pattern:
:math:`\partial\rho/\partial\alpha` is an integral of a *positive* function
(so :math:`\rho` increases with :math:`\alpha`), evaluated in closed form
where that has no cancellation and by 16-point Gauss-Legendre quadrature of
the positive integrand where it would.

**The distribution.** For :math:`\alpha \ge 0`,
:math:`p(x \mid \alpha, c) = e^{-\rho(x, \alpha, c)} / (c\, Z(\alpha))`; its
log partition function :math:`\log Z(\alpha)` comes from a double-exponential
quadrature on 181 (or 61) fixed nodes, accurate to about :math:`10^{-14}`.
For :math:`\alpha < 0`, :math:`\rho` is bounded, :math:`e^{-\rho}` does not
decay and :math:`Z` is infinite: those shapes cannot be learned by maximum
likelihood.

NumPy functions (arrays in, arrays out, the dtype of ``x``; computed in
float64): :func:`general_loss`, :func:`general_loss_grad`,
:func:`log_partition`, :func:`log_partition_grad`, :func:`nll`,
:func:`sample`. PyTorch twins (differentiable in ``x``, ``alpha`` and
``scale``): :func:`general_loss_torch`, :func:`log_partition_torch`,
:func:`nll_torch`, and the module :class:`AdaptiveRobustLoss` that learns
:math:`\alpha` and :math:`c` per output dimension. The formulas are written
once, for NumPy and PyTorch alike (the ``xp`` argument of the private
kernels is the array module).
"""
import math
import numbers
from typing import NamedTuple

import numpy as np
import torch
from torch import nn
from torch.autograd.function import once_differentiable

from ._checks import as_float_array, check_int, check_rng, first_index
from ._reduction import check_reduction

__all__ = [
    "GeneralLossGrad",
    "general_loss",
    "general_loss_grad",
    "log_partition",
    "log_partition_grad",
    "nll",
    "sample",
    "general_loss_torch",
    "log_partition_torch",
    "nll_torch",
    "AdaptiveRobustLoss",
]

# --------------------------------------------------------------------------- series and nodes

#: phi(l) = l - 1 + exp(-l) = sum_{k>=2} (-l)^k / k!: the coefficients of phi(l) / l^2 (for l < 1/2 the
#: first term dropped, 0.5^14 / 16!, is 3e-18 of the sum).
_PHI = [(-1.0) ** k / math.factorial(k) for k in range(2, 16)]
#: D(x) = int_0^1 t e^{xt} dt = sum_n x^n / (n! (n + 2)) (|x| < 1: terms below 1e-19 dropped).
_D = [1.0 / (math.factorial(n) * (n + 2)) for n in range(20)]
#: 16-point Gauss-Legendre on [0, 1]: exact for polynomials of degree 31.
_GL_T, _GL_W = (a / 2 for a in np.polynomial.legendre.leggauss(16))
_GL_T = _GL_T + 0.5


def _de_nodes():
    r"""Nodes and weights for :math:`Z = 2\int_0^\infty f(t)\,dt`.

    For :math:`\alpha \le 3`: the exp-sinh substitution
    :math:`t = \exp(\tfrac\pi2 \sinh u)` and the trapezoid rule in :math:`u`
    (step 0.05 on [-4.5, 4.5]); the integrand then decays double-exponentially
    at both ends, even for the :math:`1/t^2` tail of :math:`\alpha = 0`. For
    :math:`\alpha > 3` the integrand is like a Gaussian with its nearest
    singularity at :math:`t = \pm i\sqrt{\alpha - 2}`, at least 1 from the
    real axis, so the plain trapezoid rule in :math:`t` (step 0.1 on [0, 6])
    errs by about :math:`e^{-2\pi/0.1}`.
    """
    u = np.linspace(-4.5, 4.5, 181)
    t_es = np.exp(np.pi / 2 * np.sinh(u))
    w_es = 2 * 0.05 * t_es * (np.pi / 2) * np.cosh(u)
    t_tr = np.linspace(0.0, 6.0, 61)
    w_tr = np.full(61, 2 * 0.1)
    w_tr[0] = 0.1  # t = 0 is counted once in the symmetric sum over -6..6
    return (t_es, w_es), (t_tr, w_tr)


_HEAVY_RULE, _LIGHT_RULE = _de_nodes()


# --------------------------------------------------------------------------- stable pieces (xp = numpy or torch)


def _horner(coefficients, x):
    out = x * 0 + coefficients[-1]
    for c in coefficients[-2::-1]:
        out = out * x + c
    return out


def _exprel(x, xp):
    r""":math:`(e^x - 1)/x`, 1 at 0; ``expm1`` keeps it exact for tiny :math:`x`."""
    return xp.where(x == 0, 1.0, xp.expm1(x) / x)


def _exprel_t(x, xp):
    r""":math:`D(x) = \int_0^1 t e^{xt}\,dt = (x e^x - e^x + 1)/x^2`, by its series where that cancels."""
    return xp.where(xp.abs(x) < 1, _horner(_D, x), (x * xp.exp(x) - xp.expm1(x)) / (x * x))


def _phi(ell, xp):
    r""":math:`\varphi(\ell) = \ell - 1 + e^{-\ell} \ge 0`; its Taylor series below 1/2, where the sum cancels.

    Above 1/2 the sum loses at most a factor :math:`\ell/\varphi(\ell) < 4` to cancellation.
    """
    return xp.where(ell < 0.5, ell * ell * _horner(_PHI, ell), ell + xp.expm1(-ell))


def _like(array, like):
    r"""A NumPy constant as an array of ``like``'s kind, dtype and device."""
    if isinstance(like, torch.Tensor):
        return torch.as_tensor(array, dtype=like.dtype, device=like.device)
    return array


# --------------------------------------------------------------------------- the loss and its derivatives


def _pieces(t, alpha, xp):
    r"""The shared quantities for :math:`t = |x|/c \ge 0`: :math:`b`, :math:`z`, :math:`L`, :math:`A` and :math:`w`.

    :math:`L = \log(1 + z/b)`, :math:`A = bL/2` and :math:`w = (\alpha/2 - 1)L = \pm A`.
    """
    b = xp.abs(alpha - 2)
    z = t * t
    y = t * (t / b)  # z/b without forming an overflowing z first
    # Where z/b overflows, log1p(z/b) = log(z/b) to full precision.
    L = xp.where(xp.isinf(y), 2 * xp.log(t) - xp.log(b), xp.log1p(y))
    # A = bL/2 = (z/2) log1p(y)/y: the second form stays exact when y underflows (|alpha| huge).
    A = xp.where(y < 1, 0.5 * z * xp.where(y == 0, 1.0, L / y), 0.5 * b * L)
    A = xp.where(xp.isinf(b), 0.5 * z, A)  # alpha = +-inf: b log1p(z/b)/2 -> z/2
    A = xp.where(b == 0, 0.0, A)  # alpha = 2: b log(z/b) -> 0 (the formula gives 0 * inf)
    w = xp.where(alpha < 2, -A, A)
    return b, z, L, A, w


def _rho_near_two(t, alpha, b, z, w, xp):
    r""":math:`\rho = (z e^w + b\,\mathrm{expm1}(w))/\alpha`: no cancellation for :math:`1 < \alpha < 3`."""
    # z e^w = exp(2 log t + w) where z overflows but rho may not (alpha slightly below 2).
    zew = xp.where(xp.isinf(z), xp.exp(2 * xp.log(t) + w), z * xp.exp(w))
    return (zew + b * xp.expm1(w)) / alpha


def _rho_far(alpha, b, A, xp, log_max):
    r""":math:`\rho = A\,(e^v - 1)/v` with :math:`v = (\alpha/b) A`: a product, exact through :math:`\alpha = 0`."""
    alpha_over_b = xp.where(xp.isinf(b), xp.sign(alpha), alpha / b)  # -> +-1 as alpha -> +-inf
    v = alpha_over_b * A
    b_over_alpha = 1 / alpha_over_b
    # (b/alpha) expm1(v) is the same number, and is finite where A = inf (alpha = -inf, z = inf). Past
    # log_max expm1(v) overflows before (b/alpha) expm1(v) does (b/alpha < 1 for alpha > 1): add logs.
    large = xp.where(v > log_max, xp.exp(v + xp.log(xp.abs(b_over_alpha))), b_over_alpha * xp.expm1(v))
    return xp.where(xp.abs(v) < 1, A * _exprel(v, xp), large)


def _rho(t, alpha, xp, log_max):
    r""":math:`\rho(t, \alpha, 1)` for :math:`t = |x|/c`, every :math:`\alpha \in [-\infty, \infty]`."""
    b, z, L, A, w = _pieces(t, alpha, xp)
    out = xp.where(xp.abs(alpha - 2) < 1, _rho_near_two(t, alpha, b, z, w, xp), _rho_far(alpha, b, A, xp, log_max))
    # The limit as |x| -> inf: (2 - alpha)/(-alpha) = 1 - 2/alpha for alpha < 0 (1 for -inf), else inf.
    return xp.where(xp.isinf(t), xp.where(alpha < 0, 1 - 2 / alpha, math.inf), out)


def _drho_dt(t, alpha, xp):
    r""":math:`g = \partial\rho/\partial t = t\,(1 + y)^{\alpha/2 - 1}` (:math:`y = z/b`), and :math:`t g`.

    The power is an exponential of a rounded logarithm, so its error grows
    with the exponent: the kernel picks the smaller one. For
    :math:`\alpha \ge 1`, :math:`e^{w}` with :math:`w = (\alpha/2 - 1)L`,
    as :math:`g = (t e^{w/2}) e^{w/2}` and :math:`tg = (t e^{w/2})^2`; for
    :math:`\alpha < 1`, :math:`t/(1 + y)` times :math:`e^{v}`,
    :math:`v = \alpha L/2` (exact at :math:`\alpha = 0`). Each factor under-
    or overflows only where the result does.
    """
    b, z, L, A, w = _pieces(t, alpha, xp)
    y = t * (t / b)
    half = xp.exp(w / 2)
    t_half = t * half
    e = xp.exp(xp.where(xp.isinf(b), xp.sign(alpha), alpha / b) * A)  # e^v, v = (alpha/b) A = alpha L/2
    # t/(1 + y) and z/(1 + y), written as (b/t)/(1 + 1/y) and b/(1 + 1/y) where y would overflow.
    r = xp.where(y < 1, t / (1 + y), (b / t) / (1 + 1 / y))
    tr = xp.where(y < 1, z / (1 + y), b / (1 + 1 / y))
    g = xp.where(alpha < 1, r * e, t_half * half)
    tg = xp.where(alpha < 1, tr * e, t_half * t_half)
    inf = xp.isinf(t)  # limits as t -> inf: g ~ t^(alpha - 1), t g ~ t^alpha (times constants)
    g = xp.where(inf, xp.where(alpha < 1, 0.0, xp.where(alpha == 1, 1.0, math.inf)), g)
    tg = xp.where(inf, xp.where(alpha < 0, 0.0, xp.where(alpha == 0, 2.0, math.inf)), tg)
    return g, tg


def _gauss_legendre_part(a, L, xp):
    r""":math:`\int_0^{\ell_0} e^{a\ell}\varphi(\ell)\,d\ell` (:math:`\ell_0 = \min(L, 2)`) by Gauss-Legendre.

    Used where :math:`|a L| < 4`: the integrand is smooth and positive there,
    and the rule's error is below :math:`4^{32}/32! \approx 10^{-16}`.
    """
    ell0 = xp.where(L < 2, L, 2.0)
    ell = ell0[..., None] * _like(_GL_T, L)
    return ell0 * (_like(_GL_W, L) * xp.exp(a[..., None] * ell) * _phi(ell, xp)).sum(-1)


def _tail_part(a, L, xp):
    r""":math:`\int_2^L e^{a\ell}\varphi(\ell)\,d\ell` (0 for :math:`L \le 2`), a sum of positive terms.

    With :math:`\varphi(\ell) = (\ell - 1) + e^{-\ell}` and :math:`W = L - 2`:
    :math:`e^{2a}[W E(aW) + W^2 D(aW)] + e^{2(a-1)} W E((a-1)W)`, where
    :math:`E(x) = (e^x - 1)/x` and :math:`D` is :func:`_exprel_t`.
    """
    W = xp.where(L > 2, L - 2, 0.0)
    first = xp.exp(2 * a) * (W * _exprel(a * W, xp) + W * W * _exprel_t(a * W, xp))
    tail = first + xp.exp(2 * (a - 1)) * W * _exprel((a - 1) * W, xp)
    return xp.where(W > 0, tail, 0.0)  # W > 0 implies |a| < 2; for large a, exp(2a) * 0 would be nan


def _closed_form(a, L, k, xp, log_max):
    r""":math:`k J` for :math:`|aL| \ge 4`, where no term cancels much (at most a factor of about 3).

    :math:`J = \big(e^{aL}[a\varphi(L) - (1 - e^{-L})] + L\,E((a-1)L)\big)/a^2`;
    the bracket is positive for :math:`aL \ge 4`.
    """
    x, u = a * L, (a - 1) * L
    # L E(u) = expm1(u)/(a - 1): the second form is finite at L = inf (a < 0).
    third = xp.where(xp.abs(u) < 1, L * _exprel(u, xp), xp.expm1(u) / (a - 1))
    bracket = k * (a * _phi(L, xp) + xp.expm1(-L)) / (a * a)
    # e^x overflows before k e^x does (k = b/4 can be 1e-16 near alpha = 2): add logs there.
    first = xp.where(x > log_max, xp.exp(x + xp.log(xp.abs(bracket))), xp.exp(x) * bracket)
    return first + k * third / (a * a)


def _drho_dalpha(t, alpha, xp, log_max):
    r""":math:`\partial\rho/\partial\alpha = \tfrac b4 \int_0^L e^{\alpha\ell/2}\,\varphi(\ell)\,d\ell \ge 0`.

    The integral form follows from :math:`\partial^2\rho/\partial z\,\partial\alpha`;
    its integrand is positive, so :math:`\rho` never decreases as
    :math:`\alpha` grows. At :math:`\alpha = 2` the derivative is
    :math:`+\infty` (for :math:`x \ne 0`): :math:`\rho - z/2 \sim
    -\tfrac z4 (\alpha - 2)\log|\alpha - 2|`. At :math:`\alpha = \pm\infty` it is 0.
    """
    b, z, L, A, w = _pieces(t, alpha, xp)
    a, k = alpha / 2, b / 4
    out = _closed_form(a, L, k, xp, log_max)
    small = xp.abs(a * L) < 4
    if small.any():
        a_s, L_s = a[small], L[small]
        out[small] = k[small] * (_gauss_legendre_part(a_s, L_s, xp) + _tail_part(a_s, L_s, xp))
    out = xp.where(xp.isinf(alpha), 0.0, out)
    out = xp.where(b == 0, xp.where(t > 0, math.inf, 0.0), out)
    return xp.where(xp.isinf(t), xp.where(alpha < 0, 2 / (alpha * alpha), math.inf), out)


# --------------------------------------------------------------------------- NumPy: checks


def _check_no_nan(arr, name):
    if np.any(np.isnan(arr)):
        index = first_index(np.isnan(arr))
        raise ValueError(f"{name} must not contain NaN; got nan at index {index}.")
    return arr


def _check_alpha(alpha, *, likelihood=False):
    alpha = _check_no_nan(as_float_array(alpha, "alpha"), "alpha")
    if likelihood and np.any(alpha < 0):
        index = first_index(alpha < 0)
        raise ValueError(
            f"alpha must be >= 0 for the likelihood; got {alpha[index].item()!r} at index {index}. "
            "For alpha < 0, rho is bounded and exp(-rho) has no finite integral."
        )
    return alpha


def _check_scale(scale):
    scale = as_float_array(scale, "scale")
    bad = ~(np.isfinite(scale) & (scale > 0))
    if np.any(bad):
        index = first_index(bad)
        raise ValueError(f"scale must be finite and > 0; got {scale[index].item()!r} at index {index}.")
    return scale


def _broadcast(**arrays):
    try:
        return np.broadcast_arrays(*arrays.values())
    except ValueError:
        *first, last = [str(np.shape(a)) for a in arrays.values()]
        *first_names, last_name = arrays
        raise ValueError(f"{', '.join(first_names)} and {last_name} must broadcast to one shape; "
                         f"got {', '.join(first)} and {last}.") from None


class _Arrays(NamedTuple):
    t: np.ndarray  # |x| / c
    alpha: np.ndarray
    scale: np.ndarray
    x: np.ndarray
    dtype: np.dtype  # of the result
    shape: tuple  # of the result; the arrays above are at least 1-d (the kernels index with masks)


def _loss_arrays(x, alpha, scale, *, likelihood=False):
    r"""Checked, broadcast float64 arrays for the kernels, and the result's dtype and shape."""
    x = as_float_array(x, "x")
    alpha = _check_alpha(alpha, likelihood=likelihood)
    scale = _check_scale(scale)
    x64, alpha, scale = _broadcast(x=x.astype(np.float64), alpha=alpha.astype(np.float64),
                                   scale=scale.astype(np.float64))
    shape = x64.shape
    x64, alpha, scale = (np.atleast_1d(a) for a in (x64, alpha, scale))
    return _Arrays(np.abs(x64) / scale, alpha, scale, x64, x.dtype, shape)


_LOG_MAX64 = math.log(np.finfo(np.float64).max)


def _cast(values, a):
    r"""Shape and dtype of the result; float64 values beyond float32's range become inf, silently."""
    with np.errstate(over="ignore"):
        return values.reshape(a.shape).astype(a.dtype)


# --------------------------------------------------------------------------- NumPy: public functions


def general_loss(x, alpha, scale):
    r"""Barron's general robust loss :math:`\rho(x, \alpha, c)` (일반화 강건 손실), elementwise.

    .. math::
        \rho(x, \alpha, c) = \frac{|\alpha - 2|}{\alpha}
            \left[\left(\frac{(x/c)^2}{|\alpha - 2|} + 1\right)^{\alpha/2} - 1\right]

    and its limits: :math:`\tfrac12 (x/c)^2` at :math:`\alpha = 2`,
    :math:`\log(1 + \tfrac12 (x/c)^2)` at 0, :math:`1 - e^{-(x/c)^2/2}` at
    :math:`-\infty`, :math:`e^{(x/c)^2/2} - 1` at :math:`+\infty`. Accurate to a
    few units in the last place times the problem's condition number, for
    every :math:`\alpha` (including within :math:`10^{-16}` of 0 and 2) and
    every residual (no overflow where :math:`\rho` itself is finite;
    :math:`x = \pm\infty` gives the limit).

    Args:
        x: residuals, array-like of real numbers.
        alpha: the shape :math:`\alpha \in [-\infty, \infty]`, a number or an
            array that broadcasts against ``x``.
        scale: the scale :math:`c > 0` (finite), a number or a broadcasting array.

    Returns:
        :math:`\rho`, the broadcast shape of the three arguments, in the dtype
        of ``x`` (float64 for integers). Computed in float64.

    Raises:
        TypeError: if an argument is not real-valued.
        ValueError: if ``alpha`` has NaN, ``scale`` is not finite and > 0, or
            the shapes do not broadcast.

    See Also:
        :func:`general_loss_grad`, :func:`general_loss_torch`, :func:`nll`.

    References:
        Barron, J. T. (2019). A general and adaptive robust loss function. CVPR.

    Examples:
        L2, Cauchy, Charbonnier and Geman-McClure, by hand: :math:`2^2/2 = 2`,
        :math:`\log(1 + 2) = 1.0986`, :math:`\sqrt{1 + 3} - 1 = 1`,
        :math:`2 \cdot 4/(4 + 4) = 1`:

        >>> general_loss([0.0, 2.0], 2.0, 1.0)
        array([0., 2.])
        >>> round(float(general_loss(2.0, 0.0, 1.0)), 4)
        1.0986
        >>> float(general_loss(3 ** 0.5, 1.0, 1.0)), float(general_loss(2.0, -2.0, 1.0))
        (1.0, 1.0)
    """
    a = _loss_arrays(x, alpha, scale)
    with np.errstate(all="ignore"):  # np.where computes every branch; the discarded ones may overflow
        return _cast(_rho(a.t, a.alpha, np, _LOG_MAX64), a)


class GeneralLossGrad(NamedTuple):
    r"""The elementwise partial derivatives of :math:`\rho(x, \alpha, c)`.

    Attributes:
        x: :math:`\partial\rho/\partial x`.
        alpha: :math:`\partial\rho/\partial\alpha \ge 0` (:math:`+\infty` at :math:`\alpha = 2`, :math:`x \ne 0`).
        scale: :math:`\partial\rho/\partial c`.
    """

    x: np.ndarray
    alpha: np.ndarray
    scale: np.ndarray


def general_loss_grad(x, alpha, scale):
    r"""The partial derivatives of :func:`general_loss`, elementwise.

    .. math::
        \frac{\partial\rho}{\partial x} = \frac{x}{c^2}\left(\frac{(x/c)^2}{|\alpha-2|} + 1\right)^{\alpha/2 - 1},
        \qquad
        \frac{\partial\rho}{\partial c} = -\frac{x}{c}\frac{\partial\rho}{\partial x},
        \qquad
        \frac{\partial\rho}{\partial\alpha} = \frac{|\alpha - 2|}{4}
            \int_0^{L} e^{\alpha\ell/2}\,(\ell - 1 + e^{-\ell})\,d\ell,

    with :math:`L = \log(1 + (x/c)^2/|\alpha - 2|)`. Finite wherever the
    derivative is (:math:`\partial\rho/\partial\alpha = 0` at
    :math:`\alpha = \pm\infty`); :math:`\partial\rho/\partial\alpha = +\infty`
    at :math:`\alpha = 2` for :math:`x \ne 0`, because :math:`\rho` has a
    vertical tangent there in :math:`\alpha` (it is continuous, with
    :math:`\rho - z/2 \approx -\tfrac z4 (\alpha - 2)\log|\alpha - 2|`).

    The elementwise derivatives have the broadcast shape; for an array
    ``alpha`` of fewer dimensions, sum them over the broadcast axes.

    Returns:
        :class:`GeneralLossGrad` ``(x, alpha, scale)``, each the broadcast
        shape, in the dtype of ``x``.

    Raises:
        The errors of :func:`general_loss`.

    Examples:
        For L2, :math:`\partial\rho/\partial x = x/c^2` and :math:`\partial\rho/\partial c = -x^2/c^3`;
        for Cauchy at :math:`x = c = 1`, :math:`\partial\rho/\partial x = 1/(1 + 1/2)`:

        >>> g = general_loss_grad(3.0, 2.0, 1.0)
        >>> float(g.x), float(g.scale)
        (3.0, -9.0)
        >>> round(float(general_loss_grad(1.0, 0.0, 1.0).x), 6)
        0.666667
    """
    a = _loss_arrays(x, alpha, scale)
    with np.errstate(all="ignore"):  # as in general_loss: discarded branches may overflow
        g, tg = _drho_dt(a.t, a.alpha, np)
        d_alpha = _drho_dalpha(a.t, a.alpha, np, _LOG_MAX64)
    grads = (np.sign(a.x) * g / a.scale, d_alpha, -tg / a.scale)
    return GeneralLossGrad(*(_cast(d, a) for d in grads))


def _log_partition_and_grad(alpha):
    r""":math:`\log Z` and :math:`d\log Z/d\alpha` for a float64 array ``alpha >= 0`` (no checks)."""
    alpha = np.asarray(alpha, np.float64)
    flat = alpha.reshape(-1, 1)
    heavy = flat <= 3
    t = np.where(heavy, _HEAVY_RULE[0], np.pad(_LIGHT_RULE[0], (0, 120)))  # pad: weight 0 past t = 6
    w = np.where(heavy, _HEAVY_RULE[1], np.pad(_LIGHT_RULE[1], (0, 120)))
    t, a = np.broadcast_arrays(t, flat)
    with np.errstate(all="ignore"):  # exp(-rho) underflows to 0 far out: intended
        f = w * np.exp(-_rho(t, a, np, _LOG_MAX64))
        Z = f.sum(-1)
        # d log Z / d alpha = -E[d rho / d alpha]; f = 0 where rho is huge, so inf * 0 cannot occur below alpha = 2.
        d = -np.where(f > 0, f * _drho_dalpha(t, a, np, _LOG_MAX64), 0.0).sum(-1) / Z
    d = np.where(flat[:, 0] == 2, -np.inf, d)  # E[d rho/d alpha] = inf at alpha = 2
    return np.log(Z).reshape(alpha.shape), d.reshape(alpha.shape)


def log_partition(alpha):
    r"""The log partition function :math:`\log Z(\alpha) = \log\int e^{-\rho(t, \alpha, 1)}\,dt` (분배함수).

    .. math::
        p(x \mid \alpha, c) = \frac{e^{-\rho(x, \alpha, c)}}{c\,Z(\alpha)},
        \qquad \alpha \ge 0.

    Computed by a double-exponential quadrature on fixed nodes (see the
    module docstring), accurate to about :math:`10^{-14}` absolute on
    :math:`[0, \infty]` (tested against mpmath to :math:`10^{-12}`). Known
    values: :math:`Z(0) = \pi\sqrt2` (Cauchy), :math:`Z(2) = \sqrt{2\pi}`
    (Gaussian).

    Args:
        alpha: :math:`\alpha \ge 0`, a number or an array (``inf`` allowed).

    Returns:
        :math:`\log Z(\alpha)`, the shape of ``alpha``, its float dtype
        (float64 for integers).

    Raises:
        ValueError: if an :math:`\alpha < 0` or NaN (:math:`Z = \infty` there).

    Examples:
        >>> bool(abs(log_partition(2.0) - 0.5 * np.log(2 * np.pi)) < 1e-12)
        True
        >>> round(float(np.exp(log_partition(0.0)) / np.pi), 6)  # sqrt(2)
        1.414214
    """
    alpha = _check_alpha(alpha, likelihood=True)
    return _log_partition_and_grad(alpha)[0].astype(alpha.dtype)


def log_partition_grad(alpha):
    r"""The derivative :math:`\frac{d}{d\alpha}\log Z = -\mathbb E_{p_\alpha}[\partial\rho/\partial\alpha] \le 0`.

    :math:`-\infty` at :math:`\alpha = 2` (where :math:`\partial\rho/\partial\alpha = +\infty`),
    0 at :math:`\alpha = \infty`.

    Raises:
        ValueError: as :func:`log_partition`.

    Examples:
        >>> float(log_partition_grad(2.0)), float(log_partition_grad(np.inf))
        (-inf, -0.0)
    """
    alpha = _check_alpha(alpha, likelihood=True)
    return _log_partition_and_grad(alpha)[1].astype(alpha.dtype)


def nll(x, alpha, scale):
    r"""Negative log-likelihood of residuals under :math:`p(x \mid \alpha, c)`, elementwise.

    .. math::
        -\log p(x \mid \alpha, c) = \rho(x, \alpha, c) + \log c + \log Z(\alpha)

    The :math:`\log c` and :math:`\log Z(\alpha)` terms are what stop a
    learned :math:`c` from growing, or a learned :math:`\alpha` from falling,
    without bound: both make :math:`\rho` smaller everywhere.

    Args:
        x, alpha, scale: as in :func:`general_loss`, with :math:`\alpha \ge 0`.

    Returns:
        The elementwise NLL, broadcast shape, dtype of ``x``.

    Raises:
        ValueError: for :math:`\alpha < 0`, and as :func:`general_loss`.

    Examples:
        The standard normal density at 0 is :math:`1/\sqrt{2\pi}`:

        >>> bool(abs(nll(0.0, 2.0, 1.0) - 0.5 * np.log(2 * np.pi)) < 1e-12)
        True
    """
    a = _loss_arrays(x, alpha, scale, likelihood=True)
    with np.errstate(all="ignore"):  # as in general_loss
        rho = _rho(a.t, a.alpha, np, _LOG_MAX64)
    return _cast(rho + np.log(a.scale) + _log_partition_and_grad(a.alpha)[0], a)


def _size(size):
    if isinstance(size, numbers.Integral) and not isinstance(size, bool):
        size = (size,)
    if not isinstance(size, tuple):
        raise TypeError(f"size must be an int or a tuple of ints; got {size!r} of type {type(size).__name__}.")
    return tuple(check_int(s, "size", minimum=0) for s in size)


def sample(alpha, scale, size, *, rng):
    r"""Draw from :math:`p(x \mid \alpha, c) \propto e^{-\rho(x, \alpha, c)}` by rejection (기각 표집).

    Because :math:`\rho` increases with :math:`\alpha`,
    :math:`e^{-\rho(x, \alpha, 1)} \le e^{-\rho(x, 0, 1)} = 1/(1 + x^2/2)`, a
    Cauchy density with scale :math:`\sqrt2` (times :math:`\pi\sqrt2`). So:
    draw :math:`x` from that Cauchy, keep it with probability
    :math:`e^{\rho(x, 0, 1) - \rho(x, \alpha, 1)}`, redraw the rest, and
    multiply by :math:`c`. Exact; on average
    :math:`Z(0)/Z(\alpha) \le 2.2` draws per sample.

    Args:
        alpha: :math:`\alpha \ge 0`, a number or an array that broadcasts to ``size``.
        scale: :math:`c > 0`, likewise.
        size: the output shape, an int or a tuple.
        rng: a ``numpy.random.Generator``.

    Returns:
        A float64 array of shape ``size``.

    Raises:
        ValueError: for :math:`\alpha < 0`, ``scale <= 0`` or shapes that do not broadcast.

    Examples:
        >>> x = sample(2.0, 3.0, 20000, rng=np.random.default_rng(0))
        >>> bool(abs(x.std() - 3.0) < 0.1)
        True
    """
    check_rng(rng)
    size = _size(size)
    alpha = _check_alpha(alpha, likelihood=True).astype(np.float64)
    scale = _check_scale(scale).astype(np.float64)
    try:
        alpha, scale = np.broadcast_to(alpha, size), np.broadcast_to(scale, size)
    except ValueError:
        raise ValueError(f"alpha and scale must broadcast to size {size}; "
                         f"got shapes {alpha.shape} and {scale.shape}.") from None
    out, todo = np.empty(size), np.ones(size, dtype=bool)
    while todo.any():
        x = np.sqrt(2) * rng.standard_cauchy(int(todo.sum()))
        with np.errstate(all="ignore"):  # as in general_loss
            log_accept = np.log1p(x * x / 2) - _rho(np.abs(x), alpha[todo], np, _LOG_MAX64)
        keep = np.log(rng.uniform(size=x.size)) < log_accept
        index = np.flatnonzero(todo)[keep]
        out.flat[index] = x[keep]
        todo.flat[index] = False
    return out * scale


# --------------------------------------------------------------------------- PyTorch: checks


def _describe(value):
    if isinstance(value, torch.Tensor):
        return f"a tensor of dtype {value.dtype}"
    return f"{value!r} of type {type(value).__name__}"


def _check_tensor(x, name):
    if not (isinstance(x, torch.Tensor) and x.is_floating_point()):
        raise TypeError(f"{name} must be a floating-point torch.Tensor; got {_describe(x)}.")
    return x


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _number_or_tensor(value, name, like):
    r"""``alpha`` or ``scale`` as given: a floating tensor, or a real number as a Python float.

    A number is rounded to the dtype of ``like``, the value a 0-d tensor of
    that dtype would hold, so that a number and a 0-d tensor give the same
    :math:`\rho` (and the same as the autograd path, which makes it a tensor).
    """
    if isinstance(value, torch.Tensor):
        return _check_tensor(value, name)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number or a floating-point torch.Tensor; got {_describe(value)}.")
    value = float(value)
    if like.dtype == torch.float64:
        return value
    if like.dtype == torch.float32 and not abs(value) > _FLOAT32_MAX:  # as torch rounds, 10x faster (warns past max)
        return float(np.float32(value))
    return torch.tensor(value, dtype=like.dtype).item()


def _as_tensor(value, name, like):
    r"""``alpha`` or ``scale``: a real number (made a 0-d tensor like ``like``) or a floating tensor."""
    return _tensor(_number_or_tensor(value, name, like), like)


def _tensor(value, like):
    r"""A checked number as a 0-d tensor of ``like``'s dtype and device; a tensor unchanged."""
    if isinstance(value, torch.Tensor):
        return value
    return torch.tensor(value, dtype=like.dtype, device=like.device)


def _check_alpha_tensor(alpha, *, likelihood):
    r"""The checks of :func:`_check_alpha` on a tensor; values are copied to NumPy only to word an error."""
    bad = torch.isnan(alpha) | ((alpha < 0) if likelihood else torch.zeros_like(alpha, dtype=torch.bool))
    if bad.any():
        _check_alpha(alpha.detach().cpu().double().numpy(), likelihood=likelihood)


def _torch_arguments(x, alpha, scale, *, likelihood=False):
    r"""Checked ``x`` (a floating tensor), ``alpha`` and ``scale`` (each a floating tensor or a Python float).

    Numbers are checked as numbers: no tensor is made for them here.
    """
    x = _check_tensor(x, "x")
    alpha, scale = _number_or_tensor(alpha, "alpha", x), _number_or_tensor(scale, "scale", x)
    if isinstance(alpha, torch.Tensor):
        _check_alpha_tensor(alpha, likelihood=likelihood)
    elif math.isnan(alpha) or (likelihood and alpha < 0):
        _check_alpha(alpha, likelihood=likelihood)  # raises, with the NumPy function's message
    if isinstance(scale, torch.Tensor):
        if not torch.all(torch.isfinite(scale) & (scale > 0)):
            _check_scale(scale.detach().cpu().double().numpy())  # raises, likewise
    elif not (math.isfinite(scale) and scale > 0):
        _check_scale(scale)
    alpha_shape, scale_shape = (v.shape if isinstance(v, torch.Tensor) else () for v in (alpha, scale))
    if alpha_shape == scale_shape == ():  # numbers and 0-d tensors broadcast against anything
        return x, alpha, scale
    try:
        torch.broadcast_shapes(x.shape, alpha_shape, scale_shape)
    except RuntimeError:
        shapes = f"{tuple(x.shape)}, {tuple(alpha_shape)} and {tuple(scale_shape)}"
        raise ValueError(f"x, alpha and scale must broadcast to one shape; got {shapes}.") from None
    return x, alpha, scale


# --------------------------------------------------------------------------- PyTorch: the loss


def _scaled_square(x, scale, b, sign=1.0):
    r""":math:`\pm x^2/(c^2 b)` as a fresh tensor, or None where the kernel must divide first.

    For a number :math:`c`, one pass over ``x`` with :math:`k = 1/(c^2 b)`
    (None where :math:`k` is not a normal number of the dtype of ``x``).
    """
    if isinstance(scale, torch.Tensor):  # it may broadcast x to a larger shape
        y = torch.div(x, scale.to(x.dtype)).square_()  # x/c correctly rounded, as in the general kernel
        return y if b == 1 and sign > 0 else y.div_(sign * b)
    denominator = scale * scale * b
    k = 1 / denominator if denominator > 0 else math.inf
    finfo = torch.finfo(x.dtype)
    if not finfo.tiny <= k <= finfo.max:
        return None
    # addcmul computes 0 + (k x) x, left to right, in one pass: (k x) overflows only where the result
    # does (|x| > 1) and is subnormal only where the result is too (|x| < 1). Two roundings after k's.
    return torch.addcmul(x.new_zeros(()), x, x, value=sign * k)


def _largest(y, alpha):
    r"""The largest :math:`y` where the forms of :func:`_rho_one_alpha` need it; nan where they would err.

    For :math:`\alpha \ge 0` an inf or nan in :math:`y` (an overflow of
    :math:`(x/c)^2`, or a nan in ``x``) would give inf or nan where
    :math:`\rho` is finite, and so would a :math:`(1 + y)^{\alpha/2}` past the
    dtype's range: one ``amax`` finds out. For :math:`\alpha < 0` the forms
    turn :math:`y = \infty` into the limit :math:`b/(-\alpha) = 1 - 2/\alpha`,
    which is :math:`\rho` to rounding for every :math:`y` past the overflow if
    :math:`\mathrm{max}^{\alpha/2} \le \varepsilon/4` (:math:`\alpha \le -0.39` in
    float32, :math:`-0.11` in float64): then no check is needed (0 is returned).
    """
    finfo = torch.finfo(y.dtype)
    log_max = math.log(finfo.max)
    if alpha < 0 and alpha / 2 * log_max <= math.log(finfo.eps / 4):
        return 0.0
    y_max = float(y.amax()) if y.numel() else 0.0
    return y_max if math.isfinite(y_max) and alpha / 2 * math.log1p(y_max) <= log_max else math.nan


def _rho_one_alpha(x, alpha, scale):
    r""":math:`\rho` for one Python-float :math:`\alpha`: only that shape's formula, in place (the fast path).

    Each shape gets its cheapest exact form, in :math:`y = z/b` (:math:`z/2`
    at :math:`\alpha \in \{2, \pm\infty\}`): one pass makes :math:`y`, then
    at most two transcendental passes (``log1p``, ``expm1``; three near
    :math:`\alpha = 2` when :math:`y` gets very large) and a few in-place
    passes over that one fresh tensor (a second one only near
    :math:`\alpha = 2`, or for Charbonnier with a tensor ``scale``: each
    fresh tensor is memory to allocate and to fault in). Returns None where
    the general kernel is needed: :math:`|\alpha|` or :math:`b` so small or
    large that :math:`b/\alpha` or :math:`1/(c^2 b)` under- or overflows, and
    where :func:`_largest` says a form would err.
    """
    if alpha == 2 or math.isinf(alpha):  # L2 z/2; e^(z/2) - 1 and Welsch 1 - e^(-z/2) = -expm1(-z/2)
        y = _scaled_square(x, scale, 2.0, -1.0 if alpha < 0 else 1.0)
        if y is None or alpha == 2:  # an overflow of z/2 is the true value, rounded
            return y
        return y.expm1_() if alpha > 0 else y.expm1_().neg_()  # exact limits at z = inf
    b = abs(alpha - 2)
    if alpha != 0 and not (1e-20 < abs(alpha) < 1e20 and 1e-20 < b):
        return None
    y = _scaled_square(x, scale, b)  # z/b: z/2 for Cauchy, z for Charbonnier, z/4 for Geman-McClure
    if y is None:
        return None
    if alpha == -2:
        return _geman_mcclure_in_place(y)
    y_max = _largest(y, alpha)
    if math.isnan(y_max):
        return None
    if alpha == 0:  # Cauchy log(1 + z/2)
        return y.log1p_()
    if alpha == 1:
        return _charbonnier_in_place(y, x, scale)
    # The first form of the module docstring, (b/alpha) expm1(alpha/2 log1p(z/b)), errs by about
    # (alpha/2) log1p(z/b) units in the last place: within rho's own condition number for b >= 1/4
    # (the NumPy kernel switches forms at b = 1 for the last digit), and two exponentials cheaper.
    if b >= 0.25:
        return y.log1p_().mul_(alpha / 2).expm1_().mul_(b / alpha)
    return _rho_near_two_in_place(y, alpha, b, y_max)


def _geman_mcclure_in_place(y):
    r""":math:`\rho = 2y/(1 + y) = 2s/(s + s/y)` (:math:`\alpha = -2`, :math:`y = z/4`), overwriting ``y``.

    Three roundings and no temporary tensor. The power of two
    :math:`s = 2^{-60}` keeps :math:`s/y` finite down to the smallest
    subnormal :math:`y` (where :math:`1/y` would overflow and lose
    :math:`\rho = 2y`); :math:`y = 0` gives 0 and :math:`y = \infty` the limit 2.
    """
    s = 2.0**-60  # s/(smallest subnormal) is 2^89 in float32, 2^1014 in float64: finite
    if y.dtype == torch.float16:  # where s itself underflows: the general kernel
        return None
    torch.div(y.new_full((), s), y, out=y)
    return torch.div(y.new_full((), 2 * s), y.add_(s), out=y)


def _charbonnier_in_place(y, x, scale):
    r""":math:`\rho = \sqrt{1 + z} - 1 = z/(\sqrt{1 + z} + 1)` (:math:`\alpha = 1`, :math:`y = z`), overwriting ``y``.

    Rationalised, so there is no cancellation and no exponential. For a
    number :math:`c`, :math:`z = k x^2` (:math:`k = 1/c^2`) is formed again
    from ``x`` as :math:`((x/q)\,k)\,x`, :math:`q = \sqrt{1 + y} + 1`, so that
    no second tensor is needed; that order never overflows (the middle
    factor is about :math:`\sqrt k`, the result :math:`\sqrt z`, when
    :math:`z` is large). ``y`` must be finite.
    """
    if isinstance(scale, torch.Tensor):  # a tensor c: keep z = y beside q
        return y.div_(y.add(1).sqrt_().add_(1))
    q = y.add_(1).sqrt_().add_(1)  # overwrites y
    return torch.div(x, q, out=q).mul_(1 / (scale * scale)).mul_(x)


def _rho_near_two_in_place(y, alpha, b, y_max):
    r"""The second form, :math:`(b/\alpha)(y e^w + \mathrm{expm1}(w))`, :math:`w = (\alpha/2 - 1)\log(1 + y)`.

    Exact through :math:`\alpha = 2`; ``y`` (with largest element ``y_max``) is overwritten.
    """
    w = torch.log1p(y).mul_(alpha / 2 - 1)
    if alpha > 2 or b / 2 * math.log1p(y_max) <= 0.5:
        # With m = expm1(w), y e^w + m = y + y m + m: one exponential instead of two. For alpha > 2 every
        # term is >= 0; for alpha < 2, -1/2 <= w <= 0 (checked on the largest y), so e^w = 1 + m >= 0.6
        # and the terms cancel by at most a factor of 2.3.
        m = w.expm1_()
        return y.addcmul_(y, m).add_(m).mul_(b / alpha)
    return y.mul_(torch.exp(w)).add_(w.expm1_()).mul_(b / alpha)


def _rho_torch(x, alpha, scale):
    r""":math:`\rho` in the dtype of ``x``; ``alpha`` and ``scale`` are checked tensors or Python floats."""
    if not isinstance(alpha, torch.Tensor) or alpha.dim() == 0:
        a, c = (v.to(x.dtype).item() if isinstance(v, torch.Tensor) and v.dim() == 0 else v for v in (alpha, scale))
        out = _rho_one_alpha(x, a, c)  # a 0-d tensor and a number: the same arithmetic, the same bits
        if out is not None:
            return out
    alpha, scale = (_tensor(v, x).to(x.dtype) for v in (alpha, scale))
    return _rho(x.abs() / scale, alpha, torch, math.log(torch.finfo(x.dtype).max))


class _GeneralLoss(torch.autograd.Function):
    r""":math:`\rho(x, \alpha, c)` with the analytic derivatives of :func:`general_loss_grad` as its backward."""

    @staticmethod
    def forward(ctx, x, alpha, scale):
        ctx.save_for_backward(x, alpha, scale)
        return _rho_torch(x, alpha.to(x.dtype), scale.to(x.dtype))

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        x, alpha, scale = ctx.saved_tensors
        a, c = alpha.to(x.dtype), scale.to(x.dtype)
        t, a = torch.broadcast_tensors(x.abs() / c, a)
        grads = [None, None, None]
        if ctx.needs_input_grad[0] or ctx.needs_input_grad[2]:
            g, tg = _drho_dt(t, a, torch)
            grads[0] = (grad * torch.sign(x) * g / c).sum_to_size(x.shape)
            grads[2] = (-grad * tg / c).sum_to_size(scale.shape).to(scale.dtype)
        if ctx.needs_input_grad[1]:
            d = _drho_dalpha(t, a, torch, math.log(torch.finfo(x.dtype).max))
            grads[1] = (grad * d).sum_to_size(alpha.shape).to(alpha.dtype)
        return tuple(grads)


def _needs_graph(*values):
    r"""Whether autograd must record the call: grad mode is on and an argument requires a gradient."""
    return torch.is_grad_enabled() and any(isinstance(v, torch.Tensor) and v.requires_grad for v in values)


def general_loss_torch(x, alpha, scale):
    r"""The PyTorch twin of :func:`general_loss`: :math:`\rho(x, \alpha, c)`, differentiable in all three.

    The same formulas, evaluated in the dtype of ``x``; the backward pass is
    the analytic :func:`general_loss_grad` (summed over broadcast axes), not
    autograd through the branches, so no NaN leaks from a discarded branch.
    For a Python-number (or 0-d) ``alpha`` only that shape's formula is
    evaluated, in place: the fast path that ``bench/robust_speed.py`` times
    (the named shapes by their closed forms, e.g. Charbonnier without any
    exponential). When nothing needs a gradient, no graph node is made.

    Args:
        x: residuals, a floating-point tensor.
        alpha: a real number or a floating tensor broadcasting against ``x``.
        scale: :math:`c > 0`, a real number or a floating tensor, likewise.

    Returns:
        :math:`\rho`, the broadcast shape, the dtype of ``x``.

    Raises:
        TypeError: for a non-floating tensor or a non-number.
        ValueError: as :func:`general_loss`.

    Shape:
        ``x``: (*); ``alpha``, ``scale``: broadcastable to (*); output: (*).

    Examples:
        >>> x = torch.tensor([0.0, 2.0], requires_grad=True)
        >>> rho = general_loss_torch(x, 2.0, 1.0)
        >>> rho.sum().backward()
        >>> rho.tolist(), x.grad.tolist()
        ([0.0, 2.0], [0.0, 2.0])
    """
    x, alpha, scale = _torch_arguments(x, alpha, scale)
    if _needs_graph(x, alpha, scale):
        return _GeneralLoss.apply(x, _tensor(alpha, x), _tensor(scale, x))
    return _rho_torch(x, alpha, scale)  # forward only: no graph node, no saved tensors, no 0-d tensors


class _LogPartition(torch.autograd.Function):
    r""":math:`\log Z(\alpha)` by the NumPy quadrature (on the CPU, in float64), with :math:`d\log Z/d\alpha`."""

    @staticmethod
    def forward(ctx, alpha):
        log_z, d = _log_partition_and_grad(alpha.detach().cpu().double().numpy())
        ctx.save_for_backward(torch.as_tensor(d, dtype=alpha.dtype, device=alpha.device))
        return torch.as_tensor(log_z, dtype=alpha.dtype, device=alpha.device)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        (d,) = ctx.saved_tensors
        return grad * d


def log_partition_torch(alpha):
    r"""The PyTorch twin of :func:`log_partition`, differentiable in ``alpha``.

    The values come from the NumPy quadrature (on the CPU, float64, then cast
    to ``alpha``'s dtype and device): a handful of :math:`\alpha` values per
    step costs well under a millisecond each.

    Args:
        alpha: a floating tensor (or a real number) of values :math:`\ge 0`.

    Raises:
        ValueError: for :math:`\alpha < 0` or NaN.

    Examples:
        >>> a = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
        >>> bool(abs(log_partition_torch(a) - 0.5 * math.log(2 * math.pi)) < 1e-12)
        True
    """
    alpha = _as_tensor(alpha, "alpha", torch.empty((), dtype=torch.float64))
    _check_alpha_tensor(alpha, likelihood=True)
    return _LogPartition.apply(alpha)


def nll_torch(x, alpha, scale):
    r"""The PyTorch twin of :func:`nll`: :math:`\rho(x, \alpha, c) + \log c + \log Z(\alpha)`, elementwise.

    Raises:
        ValueError: for :math:`\alpha < 0`, and as :func:`general_loss_torch`.

    Examples:
        >>> bool(abs(nll_torch(torch.zeros(1), 2.0, 1.0) - 0.5 * math.log(2 * math.pi)) < 1e-6)
        True
    """
    x, alpha, scale = _torch_arguments(x, alpha, scale, likelihood=True)
    alpha, scale = _tensor(alpha, x), _tensor(scale, x)
    rho = _GeneralLoss.apply(x, alpha, scale)
    return rho + torch.log(scale).to(x.dtype) + _LogPartition.apply(alpha).to(x.dtype)


# --------------------------------------------------------------------------- PyTorch: the adaptive loss


def _real(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise TypeError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}.")
    return float(value)


def _check_alpha_range(alpha_lo, alpha_hi, alpha_init, fix_alpha):
    lo, hi = _real(alpha_lo, "alpha_lo"), _real(alpha_hi, "alpha_hi")
    if not 0 <= lo < math.inf or not hi < math.inf:
        raise ValueError(f"alpha_lo and alpha_hi must be finite and >= 0 (the NLL needs alpha >= 0); "
                         f"got {alpha_lo!r} and {alpha_hi!r}.")
    if lo > hi:
        raise ValueError(f"alpha_lo must be <= alpha_hi; got {alpha_lo!r} and {alpha_hi!r}.")
    init = (lo + hi) / 2 if alpha_init is None else _real(alpha_init, "alpha_init")
    inside = lo <= init <= hi if (fix_alpha or lo == hi) else lo < init < hi
    if not inside:
        interval = f"[{lo:g}, {hi:g}]" if (fix_alpha or lo == hi) else f"({lo:g}, {hi:g})"
        raise ValueError(f"alpha_init must be in {interval}; got {alpha_init!r}. "
                         "A sigmoid reaches the end points only at infinity.")
    return lo, hi, init


def _check_scale_range(scale_lo, scale_init):
    lo, init = _real(scale_lo, "scale_lo"), _real(scale_init, "scale_init")
    if not 0 <= lo < math.inf:
        raise ValueError(f"scale_lo must be finite and >= 0; got {scale_lo!r}.")
    if not lo < init < math.inf:
        raise ValueError(f"scale_init must be finite and > scale_lo = {lo:g}; got {scale_init!r}.")
    return lo, init


class AdaptiveRobustLoss(nn.Module):
    r"""The adaptive robust loss (적응형 강건 손실): :func:`nll` with :math:`\alpha` and :math:`c` learned.

    One :math:`\alpha_d` and one :math:`c_d` per output dimension :math:`d`
    (the last axis of the residual), each a function of an unconstrained
    parameter:

    .. math::
        \alpha_d = \alpha_{lo} + (\alpha_{hi} - \alpha_{lo})\,\sigma(\tilde\alpha_d),
        \qquad
        c_d = c_{lo} + \operatorname{softplus}(\tilde c_d),

    and the loss of residual :math:`r_{nd}` is
    :math:`\rho(r_{nd}, \alpha_d, c_d) + \log c_d + \log Z(\alpha_d)`,
    reduced by ``reduction``. Minimising it with the model's parameters
    learns how robust to be: :math:`\alpha` near 2 when the noise is
    Gaussian, near 0 when it is Cauchy. Without the :math:`\log Z(\alpha)`
    term, :math:`\alpha` would simply fall (a smaller :math:`\alpha` makes
    every :math:`\rho` smaller).

    Args:
        num_dims: the number of output dimensions, >= 1.
        alpha_lo, alpha_hi: the range of :math:`\alpha`, ``0 <= alpha_lo <= alpha_hi < inf``
            (default (0.001, 1.999): from nearly Cauchy to nearly Gaussian).
            ``alpha_lo == alpha_hi`` fixes :math:`\alpha`.
        alpha_init: the initial :math:`\alpha`, strictly inside the range
            (default its middle).
        scale_lo: the floor :math:`c_{lo} \ge 0` of the scale (default 1e-5).
        scale_init: the initial scale, > ``scale_lo`` (default 1).
        fix_alpha, fix_scale: keep :math:`\alpha` (at ``alpha_init``) or
            :math:`c` (at ``scale_init``) fixed: a buffer, not a parameter.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
        dtype: the parameters' dtype (default ``torch.float64``).

    Shape:
        ``input``, ``target``: (*, num_dims), the same; output: scalar, or
        (*, num_dims) for ``reduction="none"``.

    Raises:
        TypeError, ValueError: for arguments outside the ranges above, and in
            ``forward`` for shapes that do not match.

    Examples:
        >>> loss = AdaptiveRobustLoss(3)
        >>> [round(v, 4) for v in loss.alpha.tolist()], loss.scale.tolist()
        ([1.0, 1.0, 1.0], [1.0, 1.0, 1.0])
        >>> sorted(name for name, _ in loss.named_parameters())
        ['latent_alpha', 'latent_scale']
    """

    def __init__(self, num_dims, *, alpha_lo=0.001, alpha_hi=1.999, alpha_init=None, scale_lo=1e-5,
                 scale_init=1.0, fix_alpha=False, fix_scale=False, reduction="mean", dtype=torch.float64):
        super().__init__()
        self.num_dims = check_int(num_dims, "num_dims", minimum=1)
        self.alpha_lo, self.alpha_hi, init = _check_alpha_range(alpha_lo, alpha_hi, alpha_init, fix_alpha)
        self.scale_lo, scale_init = _check_scale_range(scale_lo, scale_init)
        self.reduction = check_reduction(reduction)
        if fix_alpha or self.alpha_lo == self.alpha_hi:  # a buffer: moves with .to(), is not trained
            self.register_buffer("fixed_alpha", torch.full((self.num_dims,), init, dtype=dtype))
        else:
            p = (init - self.alpha_lo) / (self.alpha_hi - self.alpha_lo)
            self.latent_alpha = nn.Parameter(torch.full((self.num_dims,), math.log(p / (1 - p)), dtype=dtype))
        if fix_scale:
            self.register_buffer("fixed_scale", torch.full((self.num_dims,), scale_init, dtype=dtype))
        else:
            # softplus^{-1}(s) = log(expm1(s)) = s + log(1 - e^{-s}), the second form safe for large s.
            s = scale_init - self.scale_lo
            self.latent_scale = nn.Parameter(torch.full((self.num_dims,), s + math.log(-math.expm1(-s)), dtype=dtype))

    @property
    def alpha(self):
        r"""The current :math:`\alpha_d`, shape (num_dims,)."""
        if hasattr(self, "fixed_alpha"):
            return self.fixed_alpha
        return self.alpha_lo + (self.alpha_hi - self.alpha_lo) * torch.sigmoid(self.latent_alpha)

    @property
    def scale(self):
        r"""The current :math:`c_d`, shape (num_dims,)."""
        if hasattr(self, "fixed_scale"):
            return self.fixed_scale
        return self.scale_lo + nn.functional.softplus(self.latent_scale)

    def forward(self, input, target):
        input, target = _check_tensor(input, "input"), _check_tensor(target, "target")
        if input.shape != target.shape:
            raise ValueError(f"input and target must have the same shape; got {tuple(input.shape)} "
                             f"and {tuple(target.shape)}.")
        if input.dim() == 0 or input.shape[-1] != self.num_dims:
            raise ValueError(f"input must have num_dims = {self.num_dims} values in its last axis; "
                             f"got shape {tuple(input.shape)}.")
        alpha, scale = self.alpha, self.scale
        rho = _GeneralLoss.apply(input - target, alpha, scale)
        losses = rho + (torch.log(scale) + _LogPartition.apply(alpha)).to(rho.dtype)
        if self.reduction == "none":
            return losses
        return losses.sum() if self.reduction == "sum" else losses.mean()
