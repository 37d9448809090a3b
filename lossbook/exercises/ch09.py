r"""Self-checks of chapter 9 (Barron's general robust loss).

The references are :mod:`lossbook.robust`'s tested functions: the
pseudo-Huber and Welsch losses are :math:`\rho` at :math:`\alpha = 1` and
:math:`-\infty`, the IRLS weight is :math:`\partial\rho/\partial x` divided
by :math:`x`, and the partition function is :func:`robust.log_partition`.
"""
import math

import numpy as np

from lossbook import robust as _robust

from ._core import TOLERANCE, AnswerProblem, Case, Mistake, Spec, self_check

_RTOL64 = TOLERANCE[np.dtype(np.float64)][0]


def _residuals(rng, spread, n=6):
    return np.round(rng.normal(0, spread, n), 4)


# --------------------------------------------------------------------------- 9.1 pseudo-Huber


def _pseudo_huber_cases(rng):
    cases = [Case(dict(x=_residuals(rng, 3 * delta), delta=delta)) for delta in (0.5, 3.0, 0.1, 10.0)]
    cases += [
        Case(dict(x=np.round(rng.normal(0, 4, (3, 4)), 4), delta=1.5), "a 2-d array"),
        Case(dict(x=np.zeros(4), delta=2.0), "zeros"),
        Case(dict(x=np.array([-1.0, -0.5, 0.5, 1.0]), delta=0.5), "|x| = delta and 2 delta"),
        Case(dict(x=np.array([-1e6, -3.0, 3.0, 1e6]), delta=2.0), "huge residuals"),
        Case(dict(x=rng.normal(0, 3, 5).astype(np.float32), delta=1.0), "float32"),
    ]
    return cases


def _ref_pseudo_huber(x, delta):
    # alpha = 1 is Charbonnier: rho = sqrt((x/c)^2 + 1) - 1, and c^2 rho is pseudo-Huber.
    return delta**2 * _robust.general_loss(x, 1.0, delta)


def _wrong_pseudo_huber(x, d, *, outer=2, inner=True, minus_one=True, root=True):
    u = 1 + ((x / d) if inner else x) ** 2
    return d**outer * ((np.sqrt(u) if root else u) - (1 if minus_one else 0))


@self_check("9.1", "ex-robust-pseudo-huber", answers="pseudo_huber")
def check_ex_9_1(rng):
    r"""Self-check of Exercise 9.1 (``ex-robust-pseudo-huber``): ``pseudo_huber(x, delta)``.

    Pass your function: ``exercises.check_ex_9_1(pseudo_huber)``. It must
    return the elementwise pseudo-Huber loss
    :math:`\delta^2(\sqrt{1 + (x/\delta)^2} - 1)` of an array ``x`` of any
    shape, which is :math:`c^2\rho(x, 1, c)` with :math:`c = \delta`.
    """
    return Spec(
        cases=_pseudo_huber_cases(rng),
        reference=_ref_pseudo_huber,
        about="deltas 0.1 to 10, a 2-d array, zeros, |x| = delta, +-1e6, float32",
        mistakes=(
            Mistake("Multiply by delta^2: without it the loss is rho(x, 1, delta), which grows "
                    "like |x| / delta, not like delta |x|.", lambda x, d: _wrong_pseudo_huber(x, d, outer=0)),
            Mistake("The factor in front is delta^2, not delta (the same holds for "
                    "sqrt(delta^2 + x^2) - delta, which is delta times too small).",
                    lambda x, d: _wrong_pseudo_huber(x, d, outer=1)),
            Mistake("Subtract 1 inside the bracket, so that the loss is 0 at x = 0.",
                    lambda x, d: _wrong_pseudo_huber(x, d, minus_one=False)),
            Mistake("Divide x by delta inside the square root: (x / delta)^2.",
                    lambda x, d: _wrong_pseudo_huber(x, d, inner=False)),
            Mistake("Take the square root of 1 + (x / delta)^2: without it the loss is x^2, not "
                    "a smooth Huber.", lambda x, d: _wrong_pseudo_huber(x, d, root=False)),
            Mistake("That is the Huber loss itself, with its two pieces; pseudo-Huber is one smooth "
                    "formula, delta^2 (sqrt(1 + (x / delta)^2) - 1).",
                    lambda x, d: np.where(np.abs(x) <= d, 0.5 * x**2, d * (np.abs(x) - 0.5 * d))),
        ),
        hint="Pseudo-Huber is delta^2 (sqrt(1 + (x / delta)^2) - 1), element by element: about "
             "x^2 / 2 near 0 and delta |x| far out.",
    )


# --------------------------------------------------------------------------- 9.2 IRLS weight


def _weight_cases(rng):
    alpha = float(np.round(rng.uniform(-4, 1.8), 2))  # random, away from alpha = 2 (b = 0)
    cases = [Case(dict(x=_residuals(rng, 3 * c), alpha=a, scale=c))
             for a, c in ((0.0, 1.5), (1.0, 0.5), (-2.0, 2.0), (1.5, 1.7), (3.0, 1.3), (alpha, 0.8))]
    cases += [
        Case(dict(x=np.round(rng.normal(0, 2, (2, 3)), 4), alpha=0.5, scale=1.2), "a 2-d array"),
        Case(dict(x=np.zeros(3), alpha=0.0, scale=2.0), "zeros: the weight is 1 / scale^2"),
        Case(dict(x=np.array([-100.0, -2.0, 2.0, 1000.0]), alpha=-10.0, scale=1.0), "alpha = -10"),
        Case(dict(x=np.array([-10.0, -1.0, 1.0, 30.0]), alpha=10.0, scale=2.0), "alpha = 10: the weight grows"),
        Case(dict(x=rng.normal(0, 3, 5).astype(np.float32), alpha=1.0, scale=1.0), "float32"),
    ]
    return cases


def _ref_weight(x, alpha, scale):
    # d rho / d x = x w(x): divide the tested gradient by x; at x = 0 the limit is w(0) = 1 / c^2.
    grad = _robust.general_loss_grad(x.astype(np.float64), alpha, scale).x
    safe = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 1.0 / scale**2, grad / safe)


def _wrong_weight(x, a, c, *, power=2, exponent=lambda a: a / 2 - 1, scaled=True, times_x=False,
                  b=lambda a: abs(a - 2)):
    z = (x / c) ** 2 if scaled else x**2
    w = (z / b(a) + 1) ** exponent(a) / c**power
    return x * w if times_x else w


@self_check("9.2", "ex-robust-weight", answers="irls_weight")
def check_ex_9_2(rng):
    r"""Self-check of Exercise 9.2 (``ex-robust-weight``): ``irls_weight(x, alpha, scale)``.

    Pass your function: ``exercises.check_ex_9_2(irls_weight)``. It must
    return the weight :math:`w(x) = c^{-2}\big((x/c)^2/|\alpha - 2| + 1\big)^{\alpha/2 - 1}`
    of the chapter's equation ``eq-robust-grad``, elementwise, for a number ``alpha`` other than 2.
    """
    return Spec(
        cases=_weight_cases(rng),
        reference=_ref_weight,
        about="alpha from -10 to 10 (not 2), scales 0.5 to 2, a 2-d array, zeros, far residuals, float32",
        nonfinite_hint="b = |alpha - 2| is positive, so z / b + 1 is at least 1 and any power of it "
                       "is finite: check the absolute value in b.",
        mistakes=(
            Mistake("Divide by scale^2: the weight is (z / b + 1)^(alpha/2 - 1) / c^2.",
                    lambda x, a, c: _wrong_weight(x, a, c, power=0)),
            Mistake("Divide by scale squared, c^2, not by c.", lambda x, a, c: _wrong_weight(x, a, c, power=1)),
            Mistake("The exponent is alpha/2 - 1, one less than in rho itself.",
                    lambda x, a, c: _wrong_weight(x, a, c, exponent=lambda a: a / 2)),
            Mistake("The exponent is alpha/2 - 1, not 1 - alpha/2: for alpha < 2 the weight falls "
                    "as |x| grows.", lambda x, a, c: _wrong_weight(x, a, c, exponent=lambda a: 1 - a / 2)),
            Mistake("That is the gradient x w(x); the weight is the gradient divided by x.",
                    lambda x, a, c: _wrong_weight(x, a, c, times_x=True)),
            Mistake("z is (x / scale)^2: divide x by the scale before squaring.",
                    lambda x, a, c: _wrong_weight(x, a, c, scaled=False)),
            Mistake("b = |alpha - 2|, with the absolute value: for alpha > 2 it is alpha - 2, "
                    "not 2 - alpha. Then z / b + 1 >= 1: check the absolute value in b.",
                    lambda x, a, c: _wrong_weight(x, a, c, b=lambda a: 2 - a)),
            Mistake("b = |alpha - 2|, with the absolute value: for alpha < 2 it is 2 - alpha, "
                    "not alpha - 2. Then z / b + 1 >= 1: check the absolute value in b.",
                    lambda x, a, c: _wrong_weight(x, a, c, b=lambda a: a - 2)),
        ),
        hint="w(x) = (z / b + 1)^(alpha/2 - 1) / c^2 with z = (x / c)^2 and b = |alpha - 2|; "
             "x w(x) must equal robust.general_loss_grad(x, alpha, scale).x.",
    )


# --------------------------------------------------------------------------- 9.3 log Z by quad

#: scipy.integrate.quad with its default tolerances (1.5e-8) errs by less than about 1e-10 in
#: log Z here; the check allows 1e-8 (absolute, plus the usual 1e-9 relative).
_LOG_Z_ATOL = 1e-8


def _log_z_cases(rng):
    alphas = [(0.3, "the exercise's alphas"), (1.0, "the exercise's alphas"), (1.7, "the exercise's alphas"),
              (5.0, "the exercise's alphas"), (float(np.round(rng.uniform(0.05, 4), 3)), ""),
              (0.0, "alpha = 0: Cauchy, Z = pi sqrt 2"), (2.0, "alpha = 2: Gaussian, Z = sqrt(2 pi)"),
              (1.9, "alpha = 1.9"), (20.0, "alpha = 20")]
    return [Case(dict(alpha=a), note, scale=_LOG_Z_ATOL / _RTOL64) for a, note in alphas]


def _ref_log_z(alpha):
    return float(_robust.log_partition(alpha))


def _one_number(value, hint):
    r"""``value`` if it is one number (or None, or a string, which the comparison explains)."""
    if value is None or isinstance(value, (str, bytes)):
        return value
    try:
        if np.ndim(value) == 0:
            return value
    except (TypeError, ValueError):
        pass
    raise AnswerProblem(f"It returned {type(value).__name__} {value!r:.60}, not one number.", hint)


def _call_log_z(answers, alpha):
    return _one_number(answers[0](alpha),
                       "Return one number, log Z(alpha): quad returns a pair (integral, error "
                       "estimate), so unpack it, value, _ = quad(...).")


@self_check("9.3", "ex-robust-log-z", answers="my_log_partition")
def check_ex_9_3(rng):
    r"""Self-check of Exercise 9.3 (``ex-robust-log-z``): ``my_log_partition(alpha)``.

    Pass your function: ``exercises.check_ex_9_3(my_log_partition)``. For a
    number :math:`\alpha \ge 0` it must return
    :math:`\log Z(\alpha) = \log\int_{-\infty}^\infty e^{-\rho(t, \alpha, 1)}\,dt`,
    computed with ``scipy.integrate.quad``; the check compares with
    :func:`robust.log_partition` and allows :math:`10^{-8}` (quad's default
    tolerance is enough).
    """
    return Spec(
        cases=_log_z_cases(rng),
        reference=_ref_log_z,
        call=_call_log_z,
        about="alpha = 0 to 20, Cauchy and Gaussian included, within 1e-8",
        mistakes=(
            Mistake("The integrand is symmetric: Z is twice the integral over [0, inf). Yours is "
                    "log 2 too small.", lambda a: _ref_log_z(a) - math.log(2)),
            Mistake("Return log Z, the logarithm of the integral, not Z itself.",
                    lambda a: math.exp(_ref_log_z(a))),
            Mistake("Take log(2 * integral), not 2 * log(integral).",
                    lambda a: 2 * (_ref_log_z(a) - math.log(2))),
            Mistake("Use the natural logarithm (math.log or np.log), not log10.",
                    lambda a: _ref_log_z(a) / math.log(10)),
            Mistake("The density is exp(-rho): integrate exp(-rho(t, alpha, 1)), and return the "
                    "log of that integral (log Z is positive here, Z > 1).", lambda a: -_ref_log_z(a)),
        ),
        hint="Integrate f(t) = exp(-rho(t, alpha, 1)) with quad from 0 to np.inf and return "
             "log(2 * integral). For rho use robust.general_loss(t, alpha, 1.0): the printed "
             "formula divides by 0 at alpha = 0 and alpha = 2.",
    )


# --------------------------------------------------------------------------- 9.4 acceptance rate

#: A simulated acceptance rate is within a few percent of Z(alpha)/Z(0), never within 1e-9.
_SIMULATED = 0.05


def _acceptance_cases(rng):
    alphas = [(1.0, "the exercise's alpha"), (2.0, "alpha = 2: 1 / sqrt(pi)"),
              (float(np.round(rng.uniform(0.05, 4), 3)), ""), (float(np.round(rng.uniform(4, 20), 2)), ""),
              (0.0, "alpha = 0: every proposal is accepted"), (0.5, ""), (50.0, "alpha = 50")]
    return [Case(dict(alpha=a), note) for a, note in alphas]


def _ref_acceptance(alpha):
    return math.exp(float(_robust.log_partition(alpha) - _robust.log_partition(0.0)))


#: (formula, hint): the usual wrong answers, recognised before the band of simulated rates below.
_ACCEPTANCE_MISTAKES = (
    (lambda a: 1 / _ref_acceptance(a),
     "That is Z(0) / Z(alpha), the inverse: the rate is Z(alpha) / Z(0), at most 1."),
    (lambda a: math.log(_ref_acceptance(a)),
     "log_partition returns log Z: the rate is exp(log Z(alpha) - log Z(0)); you returned the "
     "difference of the logs."),
    (lambda a: float(_robust.log_partition(a) / _robust.log_partition(0.0)),
     "Divide the partition functions, not their logs: exp(log Z(alpha) - log Z(0))."),
    (lambda a: math.exp(float(_robust.log_partition(a))),
     "Divide by Z(0), the Cauchy proposal's normaliser: you returned Z(alpha) alone."),
)


def _call_acceptance(answers, alpha):
    got = _one_number(answers[0](alpha), "Return one number, the average acceptance rate.")
    try:
        value = float(got)
    except (TypeError, ValueError):
        return got  # None or a string: the comparison explains it
    truth = _ref_acceptance(alpha)
    known = any(math.isclose(value, f(alpha), rel_tol=1e-6) for f, _ in _ACCEPTANCE_MISTAKES)
    if math.isfinite(value) and not known and 1e-6 < abs(value / truth - 1) < _SIMULATED:
        raise AnswerProblem(
            f"For alpha = {alpha:g} it returned {value:.6g}, {abs(value / truth - 1):.2%} from "
            f"Z(alpha) / Z(0) = {truth:.10g}.",
            "Close, but not exact: a simulated rate has sampling noise. Return the exact "
            "Z(alpha) / Z(0), from robust.log_partition (exp of the difference of the logs).")
    return got


@self_check("9.4", "ex-robust-acceptance", answers="acceptance_rate")
def check_ex_9_4(rng):
    r"""Self-check of Exercise 9.4 (``ex-robust-acceptance``): ``acceptance_rate(alpha)``.

    Pass your function: ``exercises.check_ex_9_4(acceptance_rate)``. For a
    number :math:`\alpha \ge 0` it must return the average acceptance rate of
    ``robust.sample``'s Cauchy proposals, :math:`Z(\alpha)/Z(0)`, exactly (from
    :func:`robust.log_partition`, not from a simulation).
    """
    return Spec(
        cases=_acceptance_cases(rng),
        reference=_ref_acceptance,
        call=_call_acceptance,
        about="alpha = 0 to 50, with alpha = 0 (rate 1) and 2 (1 / sqrt(pi))",
        mistakes=tuple(Mistake(hint, f) for f, hint in _ACCEPTANCE_MISTAKES),
        hint="The average of the acceptance probability over Cauchy proposals is Z(alpha) / Z(0): "
             "exp(robust.log_partition(alpha) - robust.log_partition(0.0)).",
    )


# --------------------------------------------------------------------------- 9.5 Welsch


def _welsch_cases(rng):
    cases = [Case(dict(x=_residuals(rng, 2 * c), scale=c)) for c in (1.0, 0.5, 2.0, 3.7)]
    cases += [
        Case(dict(x=np.round(rng.normal(0, 2, (3, 4)), 4), scale=1.5), "a 2-d array"),
        Case(dict(x=np.zeros(4), scale=1.0), "zeros"),
        Case(dict(x=np.array([-1e6, -40.0, 40.0, 1e6]), scale=2.0), "huge residuals: the loss is 1"),
        Case(dict(x=rng.normal(0, 2, 5).astype(np.float32), scale=1.0), "float32"),
    ]
    return cases


def _ref_welsch(x, scale):
    return _robust.general_loss(x, -np.inf, scale)


def _wrong_welsch(x, c, *, half=0.5, scaled=2, one=True, sign=1.0):
    e = np.exp(-half * x**2 / c**scaled)
    return sign * ((1 - e) if one else e)


@self_check("9.5", "ex-robust-welsch", answers="welsch")
def check_ex_9_5(rng):
    r"""Self-check of Exercise 9.5 (``ex-robust-welsch``): ``welsch(x, scale)``.

    Pass your function: ``exercises.check_ex_9_5(welsch)``. It must return
    the elementwise Welsch loss :math:`1 - e^{-(x/c)^2/2}`, which is
    :math:`\rho(x, -\infty, c)`.
    """
    return Spec(
        cases=_welsch_cases(rng),
        reference=_ref_welsch,
        about="scales 0.5 to 3.7, a 2-d array, zeros, +-1e6, float32",
        mistakes=(
            Mistake("The exponent is -(x / c)^2 / 2: the factor 1/2 is missing, so your loss "
                    "saturates too early.", lambda x, c: _wrong_welsch(x, c, half=1.0)),
            Mistake("That is the Gaussian bump exp(-(x / c)^2 / 2); the loss is 1 minus it (0 at "
                    "x = 0, rising to 1).", lambda x, c: _wrong_welsch(x, c, one=False)),
            Mistake("The loss is 1 - exp(...), which is >= 0: yours has the opposite sign.",
                    lambda x, c: _wrong_welsch(x, c, sign=-1.0)),
            Mistake("Divide x by the scale before squaring: (x / scale)^2.",
                    lambda x, c: _wrong_welsch(x, c, scaled=0)),
            Mistake("Square the scale too: (x / c)^2 = x^2 / c^2, not x^2 / c.",
                    lambda x, c: _wrong_welsch(x, c, scaled=1)),
        ),
        hint="Welsch is 1 - exp(-(x / c)^2 / 2), element by element (-np.expm1 of the exponent "
             "keeps small losses exact).",
    )


__all__ = ["check_ex_9_1", "check_ex_9_2", "check_ex_9_3", "check_ex_9_4", "check_ex_9_5"]
