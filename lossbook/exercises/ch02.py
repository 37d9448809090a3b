r"""Self-checks of chapter 2 (regression losses)."""
import numpy as np

from lossbook import regression as _regression

from ._core import Case, Mistake, Spec, self_check


def _residual_cases(rng):
    cases = []
    for delta in (0.1, 1.0, 1.0, 10.0):
        cases.append(Case(dict(r=np.round(rng.normal(0, 3 * delta, 6), 4), delta=delta)))
    cases.append(Case(dict(r=np.round(rng.normal(0, 3, (3, 4)), 4), delta=1.5), "a 2-d array"))
    cases.append(Case(dict(r=np.zeros(4), delta=1.0), "zeros"))
    cases.append(Case(dict(r=np.array([-2.0, -0.5, 0.5, 2.0]), delta=0.5), "|r| = delta exactly"))
    cases.append(Case(dict(r=np.array([-1e6, -3.0, 3.0, 1e6]), delta=2.0), "huge residuals"))
    cases.append(Case(dict(r=rng.normal(0, 3, 5).astype(np.float32), delta=1.0), "float32"))
    return cases


_ABOUT = "deltas 0.1 to 10, a 2-d array, zeros, |r| = delta, +-1e6, float32"


def _ref_huber(r, delta):
    return _regression.huber_loss(r, np.zeros_like(r), delta=delta, reduction="none")


def _wrong_huber(r, delta, *, quad=0.5, offset=0.5, linear_abs=True, cond_abs=True):
    a = np.abs(r)
    small = (a if cond_abs else r) <= delta
    return np.where(small, quad * r**2, delta * ((a if linear_abs else r) - offset * delta))


@self_check("2.1", "ex-huber-scratch", answers="huber")
def check_ex_2_1(rng):
    r"""Self-check of Exercise 2.1 (``ex-huber-scratch``): ``huber(r, delta)``.

    Pass your function: ``exercises.check_ex_2_1(huber)``. It must return the
    elementwise Huber loss of the residuals ``r``, an array of any shape.
    """
    return Spec(
        cases=_residual_cases(rng),
        reference=_ref_huber,
        about=_ABOUT,
        mistakes=(
            Mistake("For |r| > delta the Huber loss grows linearly, delta * (|r| - delta / 2); "
                    "yours keeps growing like r^2 / 2.", lambda r, d: 0.5 * r**2),
            Mistake("Inside the threshold the loss is r^2 / 2: the factor 1/2 is missing.",
                    lambda r, d: _wrong_huber(r, d, quad=1.0)),
            Mistake("Your two pieces do not meet at |r| = delta: the linear piece is "
                    "delta * (|r| - delta / 2), with the offset delta / 2.",
                    lambda r, d: _wrong_huber(r, d, offset=0.0)),
            Mistake("The linear piece needs delta / 2, not delta, subtracted from |r|.",
                    lambda r, d: _wrong_huber(r, d, offset=1.0)),
            Mistake("Negative residuals are large too: use |r| in the linear piece, or the loss "
                    "turns negative.", lambda r, d: _wrong_huber(r, d, linear_abs=False)),
            Mistake("Compare |r| with delta, not r: a residual of -5 is far out too.",
                    lambda r, d: _wrong_huber(r, d, cond_abs=False)),
        ),
        hint="Huber is r^2 / 2 where |r| <= delta and delta * (|r| - delta / 2) elsewhere, "
             "element by element (np.where picks one piece per element).",
    )


def _ref_huber_grad(r, delta):
    return _regression.huber_loss_grad(r, np.zeros_like(r), delta=delta, reduction="none")


@self_check("2.2", "ex-huber-grad", answers="huber_grad")
def check_ex_2_2(rng):
    r"""Self-check of Exercise 2.2 (``ex-huber-grad``): ``huber_grad(r, delta)``.

    Pass your function: ``exercises.check_ex_2_2(huber_grad)``. It must return
    the derivative of the elementwise Huber loss with respect to the
    prediction, where ``r`` is prediction minus target.
    """
    return Spec(
        cases=_residual_cases(rng),
        reference=_ref_huber_grad,
        about=_ABOUT,
        mistakes=(
            Mistake("r is prediction minus target, and the derivative with respect to the "
                    "prediction has the sign of r: yours has the opposite sign.",
                    lambda r, d: -np.clip(r, -d, d)),
            Mistake("Inside the threshold the derivative of r^2 / 2 is r itself; only outside "
                    "is it delta * sign(r).", lambda r, d: d * np.sign(r)),
            Mistake("Outside the threshold the derivative is bounded: clip r to [-delta, delta].",
                    lambda r, d: r.copy()),
            Mistake("Clip to [-delta, delta], not [0, delta]: negative residuals have negative "
                    "derivatives.", lambda r, d: np.clip(r, 0, d)),
            Mistake("That is the loss itself; the exercise asks for its derivative.", _ref_huber),
        ),
        hint="The derivative is r where |r| <= delta and delta * sign(r) elsewhere: "
             "together, r clipped to [-delta, delta] (np.clip).",
    )


__all__ = ["check_ex_2_1", "check_ex_2_2"]
