r"""Self-checks of chapter 1 (the training loop)."""
import numpy as np

from lossbook import regression as _regression
from lossbook import training as _training

from ._core import Case, Mistake, Spec, self_check


def _line_cases(rng):
    cases = []
    for n in (1, 3, 4, 5, 6, 6):
        x = np.round(rng.uniform(0, 1, n), 3)
        y = np.round(20 + 80 * x + rng.normal(0, 5, n), 2)
        w, b = np.round(rng.normal(0, 30, 2), 2)
        cases.append(Case(dict(w=float(w), b=float(b), x=x, y=y, lr=float(rng.choice([0.01, 0.1, 0.3])))))
    x = np.array([0.0, 0.0, 0.0])
    cases.append(Case(dict(w=2.0, b=1.0, x=x, y=np.array([1.0, 2.0, 6.0]), lr=0.1), "x all zero"))
    x = np.array([0.5, 1.0, 2.0])
    cases.append(Case(dict(w=3.0, b=-1.0, x=x, y=3 * x - 1, lr=0.1), "every point on the line"))
    cases.append(Case(dict(w=0.0, b=0.0, x=np.array([1.0, 2.0]), y=np.array([2.0, 4.0]), lr=0.1),
                      "worked example"))
    # the scale of the terms w - lr * dJ/dw cancels between: tolerance relative to it
    return [c._replace(scale=_step_scale(**c.args)) for c in cases]


def _step_scale(w, b, x, y, lr):
    g = 2 * np.abs(w * x + b - y) / len(x)
    return float(abs(w) + abs(b) + lr * np.sum(g * (1 + np.abs(x))))


def _ref_step(w, b, x, y, lr):
    fit = _training.fit_line(x, y, lr=lr, steps=1, w0=w, b0=b)
    return float(fit.w[1]), float(fit.b[1])


def _wrong_step(w, b, x, y, lr, *, factor=2.0, mean=True, sign=1.0, x_in_w=True):
    g = factor * (w * x + b - y) / (len(x) if mean else 1)
    gw = np.sum(g * x) if x_in_w else np.sum(g)
    return w - sign * lr * gw, b - sign * lr * np.sum(g)


def _wrong_sequential(w, b, x, y, lr):
    w_new = w - lr * np.sum(2 * (w * x + b - y) / len(x) * x)
    return w_new, b - lr * np.sum(2 * (w_new * x + b - y) / len(x))


@self_check("1.1", "ex-gd-step", answers="gd_step")
def check_ex_1_1(rng):
    r"""Self-check of Exercise 1.1 (``ex-gd-step``): ``gd_step(w, b, x, y, lr)``.

    Pass your function: ``exercises.check_ex_1_1(gd_step)``. It must return
    the new ``(w, b)`` after one gradient-descent step on the mean squared
    error of the line :math:`\hat y = w x + b`.
    """
    return Spec(
        cases=_line_cases(rng),
        reference=_ref_step,
        outputs=("w", "b"),
        about="1 to 6 points, x all zero, points already on the line",
        mistakes=(
            Mistake("The gradient of the squared error has a factor 2: dJ/dy_hat = 2 (y_hat - y) / n.",
                    lambda *a: _wrong_step(*a, factor=1.0)),
            Mistake("The cost is the *mean* of the squared errors, so its gradient is divided by n, "
                    "the number of points.", lambda *a: _wrong_step(*a, mean=False)),
            Mistake("Your step goes uphill: gradient descent subtracts lr times the gradient.",
                    lambda *a: _wrong_step(*a, sign=-1.0)),
            Mistake("dJ/dw sums g_i * x_i (the chain rule through y_hat = w x + b); only dJ/db is the "
                    "plain sum of g_i.", lambda *a: _wrong_step(*a, x_in_w=False)),
            Mistake("Compute both gradients at the old (w, b) before changing either: your b step "
                    "used the new w.", _wrong_sequential),
            Mistake("Return them in the order (w, b).", lambda *a: _ref_step(*a)[::-1]),
        ),
        hint="Follow the five steps of the chapter: forward pass, dJ/dy_hat, chain rule to dJ/dw "
             "and dJ/db, then w - lr * dJ/dw and b - lr * dJ/db.",
    )


def _sum_cases(rng):
    cases = [Case(dict(a=rng.normal(0, 3, n), t=rng.normal(0, 3, n))) for n in (1, 2, 4, 6, 6)]
    a = np.array([1.0, 2.0, 3.0])
    cases.append(Case(dict(a=a, t=a.copy()), "a == t"))
    cases.append(Case(dict(a=np.zeros(4), t=np.array([1.0, -2.0, 0.5, 4.0])), "a all zero"))
    return cases


def _ref_sse(a, t):
    return (float(_regression.mse_loss(a, t, reduction="sum")),
            np.asarray(_regression.mse_loss_grad(a, t, reduction="sum")))


def _wrong_sse(a, t, *, loss_n=1, grad_factor=2.0, grad_n=1, sign=1.0):
    return float(np.sum((a - t) ** 2) / (len(a) if loss_n == "n" else 1)), \
        sign * grad_factor * (a - t) / (len(a) if grad_n == "n" else 1)


@self_check("1.3", "ex-sum-vs-mean", answers="sse sse_grad")
def check_ex_1_3(rng):
    r"""Self-check of Exercise 1.3 (``ex-sum-vs-mean``): ``sse(a, t)`` and ``sse_grad(a, t)``.

    Pass both functions: ``exercises.check_ex_1_3(sse, sse_grad)``. ``sse``
    is the *sum* of squared errors of predictions ``a`` against targets
    ``t``; ``sse_grad`` its gradient with respect to ``a``.
    """
    return Spec(
        cases=_sum_cases(rng),
        reference=_ref_sse,
        call=lambda answers, a, t: (answers[0](a, t), answers[1](a, t)),
        outputs=("sse(a, t)", "sse_grad(a, t)"),
        about="1 to 6 points, a == t, a all zero",
        mistakes=(
            Mistake("sse should be the *sum* of the squared errors, not their mean.",
                    lambda a, t: _wrong_sse(a, t, loss_n="n")),
            Mistake("sse_grad is the gradient of the sum, so it is not divided by n.",
                    lambda a, t: _wrong_sse(a, t, grad_n="n")),
            Mistake("The derivative of (a - t)^2 is 2 (a - t): the factor 2 is missing.",
                    lambda a, t: _wrong_sse(a, t, grad_factor=1.0)),
            Mistake("The gradient has the wrong sign: d/da (a - t)^2 = +2 (a - t).",
                    lambda a, t: _wrong_sse(a, t, sign=-1.0)),
        ),
        hint="sse(a, t) is one number, the sum over i of (a_i - t_i)^2; sse_grad(a, t) is an array "
             "like a, its derivative with respect to each a_i.",
    )


__all__ = ["check_ex_1_1", "check_ex_1_3"]
