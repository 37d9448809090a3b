r"""Self-checks of chapter 7 (optimizers)."""
import math

import numpy as np

from lossbook import optim as _optim

from ._core import TOLERANCE, AnswerProblem, Case, Mistake, Spec, _call_by_name, self_check


# --------------------------------------------------------------------------- 7.1 momentum

_MOMENTUM_USAGE = "my_momentum_step(param, grad, buf, *, lr, momentum, first)"


def _momentum_cases(rng):
    def arrays(shape, dtype=np.float64):
        return (np.round(rng.normal(0, 1, shape), 4).astype(dtype) for _ in range(3))

    cases = []
    for shape, lr, momentum in (((3,), 0.1, 0.9), ((2, 3), 0.05, 0.5)):
        param, grad, _ = arrays(shape)
        cases.append(Case(dict(param=param, grad=grad, buf=None, lr=lr, momentum=momentum, first=True),
                          "the first step: no buffer yet"))
    for shape, lr, momentum in (((4,), 0.1, 0.9), ((2, 3), 0.01, 0.99), ((5,), 1.0, 0.5), ((1,), 0.3, 0.8)):
        param, grad, buf = arrays(shape)
        cases.append(Case(dict(param=param, grad=grad, buf=buf, lr=lr, momentum=momentum, first=False),
                          "a later step"))
    param, _, buf = arrays((3,))
    cases.append(Case(dict(param=param, grad=np.zeros(3), buf=buf, lr=0.1, momentum=0.9, first=False),
                      "grad = 0: the buffer alone moves the parameters"))
    param, grad, buf = arrays((4,), np.float32)
    cases.append(Case(dict(param=param, grad=grad, buf=buf, lr=0.1, momentum=0.9, first=False), "float32"))
    return cases


def _ref_momentum(param, grad, buf, lr, momentum, first):
    # SGDState.step is the number of updates made so far: 0 means this is the first one.
    state = _optim.SGDState(0, np.zeros_like(param)) if first else _optim.SGDState(1, buf)
    new_param, new_state = _optim.sgd(lr, momentum=momentum).update(param, grad, state)
    return new_param, new_state.momentum_buffer


def _call_momentum(answers, param, grad, buf, lr, momentum, first):
    try:
        return _call_by_name(answers[0], _MOMENTUM_USAGE, (param, grad, buf),
                             dict(lr=lr, momentum=momentum, first=first))
    except TypeError as exc:
        if buf is None and "NoneType" in str(exc):
            raise AnswerProblem(
                f"On the first step (first=True, buf=None) it raised TypeError: {exc}.",
                "On the first step there is no buffer yet, buf is None: PyTorch starts the "
                "buffer at the gradient itself. Use first to choose, and step with the new "
                "buffer.") from None
        raise


def _wrong_momentum(param, grad, buf, lr, momentum, first, *, ema=False, lr_inside=False,
                    old_buf=False, nesterov=False, sign=1.0, swap=False):
    weight = (1 - momentum) if ema else (lr if lr_inside else 1.0)
    new_buf = weight * grad if first else momentum * buf + weight * grad
    direction = buf if old_buf else (grad + momentum * new_buf if nesterov else new_buf)
    new_param = param - sign * (1.0 if lr_inside else lr) * direction
    return (new_buf, new_param) if swap else (new_param, new_buf)


@self_check("7.1", "ex-momentum-step", answers="my_momentum_step")
def check_ex_7_1(rng):
    r"""Self-check of Exercise 7.1 (``ex-momentum-step``): ``my_momentum_step``.

    Pass your function: ``exercises.check_ex_7_1(my_momentum_step)``. Called
    as ``my_momentum_step(param, grad, buf, lr=..., momentum=..., first=...)``
    it must return ``(param, buf)`` after one step of SGD with momentum in
    PyTorch's form: on the first step (``first=True``, ``buf=None``) the
    buffer is the gradient itself, later ``momentum * buf + grad``, and the
    step is ``param - lr * buf`` with the new buffer.
    """
    return Spec(
        cases=_momentum_cases(rng),
        reference=_ref_momentum,
        call=_call_momentum,
        outputs=("param", "buf"),
        about="first and later steps, momentum 0.5 to 0.99, 1-d and 2-d arrays, grad = 0, float32",
        mistakes=(
            Mistake("PyTorch adds the whole gradient to the buffer, momentum * buf + grad: the "
                    "factor (1 - momentum) makes it an average (that is dampening), and the "
                    "first buffer is the gradient itself.",
                    lambda *a: _wrong_momentum(*a, ema=True)),
            Mistake("Keep the learning rate out of the buffer: in PyTorch's form the buffer "
                    "adds up gradients, and the step is lr times the buffer.",
                    lambda *a: _wrong_momentum(*a, lr_inside=True)),
            Mistake("Update the buffer first, then step with the new buffer: yours steps with "
                    "the old one.", lambda *a: _wrong_momentum(*a, old_buf=True)),
            Mistake("That is Nesterov's step, along grad + momentum * buf; plain momentum steps "
                    "along the buffer itself.", lambda *a: _wrong_momentum(*a, nesterov=True)),
            Mistake("Step downhill: subtract lr times the buffer from param.",
                    lambda *a: _wrong_momentum(*a, sign=-1.0)),
            Mistake("Return (param, buf), in this order.", lambda *a: _wrong_momentum(*a, swap=True)),
        ),
        hint="One step: the buffer becomes the gradient on the first step and momentum * buf + "
             "grad afterwards; then param moves by -lr times the new buffer.",
    )


# --------------------------------------------------------------------------- 7.2 Adam

_ADAM_USAGE = "my_adam_step(param, grad, m, v, t, *, lr, beta1, beta2, eps)"


def _adam_cases(rng):
    def normal(shape, scale=1.0, dtype=np.float64):
        return (scale * np.round(rng.normal(0, 1, shape), 4)).astype(dtype)

    def case(shape, t, lr=0.01, betas=(0.9, 0.999), eps=1e-8, grad_scale=1.0, note="", dtype=np.float64):
        first = t == 1  # m and v are still 0 before the first step
        m = np.zeros(shape, dtype) if first else normal(shape, 0.1 * grad_scale, dtype)
        v = np.zeros(shape, dtype) if first else (normal(shape, grad_scale, dtype) ** 2).astype(dtype)
        return Case(dict(param=normal(shape, dtype=dtype), grad=normal(shape, grad_scale, dtype), m=m, v=v,
                         t=t, lr=lr, beta1=betas[0], beta2=betas[1], eps=eps), note)

    t_random = int(rng.integers(2, 50))
    return [
        case((3,), 1, note="the first step, t = 1"),
        case((2, 3), 1, lr=0.1, betas=(0.8, 0.99), note="the first step, other betas"),
        case((4,), t_random, note=f"step {t_random}"),
        case((5,), 2, lr=0.001, betas=(0.5, 0.9), note="t = 2"),
        case((3,), 10_000, note="t = 10000: the corrections are about 1"),
        case((4,), int(rng.integers(2, 20)), lr=0.1, eps=0.1, grad_scale=1e-3,
             note="eps larger than sqrt(v_hat)"),
        case((3,), 5, lr=0.01, note="float32", dtype=np.float32),
    ]


def _ref_adam(param, grad, m, v, t, lr, beta1, beta2, eps):
    # AdamState.step is the number of updates made so far: t - 1 before step t.
    state = _optim.AdamState(t - 1, m, v, None)
    new_param, new = _optim.adam(lr, betas=(beta1, beta2), eps=eps).update(param, grad, state)
    return new_param, new.exp_avg, new.exp_avg_sq


def _call_adam(answers, param, grad, m, v, t, lr, beta1, beta2, eps):
    return _call_by_name(answers[0], _ADAM_USAGE, (param, grad, m, v, t),
                         dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps))


def _wrong_adam(param, grad, m, v, t, lr, beta1, beta2, eps, *, correct=(True, True), shift=0,
                eps_inside=False, use_eps=True, return_hats=False, swap_betas=False, weight1=True,
                square=True, sign=1.0):
    if swap_betas:
        beta1, beta2 = beta2, beta1
    m = beta1 * m + ((1 - beta1) if weight1 else 1.0) * grad
    v = beta2 * v + (1 - beta2) * (grad * grad if square else np.abs(grad))
    k = t + shift
    m_hat = m / (1 - beta1**k) if correct[0] else m
    v_hat = v / (1 - beta2**k) if correct[1] else v
    denom = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + (eps if use_eps else 0.0)
    new_param = param - sign * lr * m_hat / denom
    return (new_param, m_hat, v_hat) if return_hats else (new_param, m, v)


@self_check("7.2", "ex-adam-step", answers="my_adam_step")
def check_ex_7_2(rng):
    r"""Self-check of Exercise 7.2 (``ex-adam-step``): ``my_adam_step``.

    Pass your function: ``exercises.check_ex_7_2(my_adam_step)``. Called as
    ``my_adam_step(param, grad, m, v, t, lr=..., beta1=..., beta2=...,
    eps=...)`` it must return ``(param, m, v)`` after Adam's step number
    ``t`` (counting from 1), with bias correction, as ``torch.optim.Adam``.
    """
    return Spec(
        cases=_adam_cases(rng),
        reference=_ref_adam,
        call=_call_adam,
        outputs=("param", "m", "v"),
        about="t = 1, 2, a random t and 10000, three pairs of betas, eps larger than sqrt(v_hat), "
              "1-d and 2-d arrays, float32",
        nonfinite_hint="The usual causes: 1 - beta**t is 0 when t = 0 (t counts from 1: step t "
                       "divides by 1 - beta**t); v must average squared gradients, grad**2, so "
                       "that its square root exists; and eps keeps the denominator above 0 where "
                       "v is 0.",
        mistakes=(
            Mistake("Correct the bias of both moments before the step: divide m by 1 - beta1**t "
                    "and v by 1 - beta2**t (they start at 0, so early on they are too small).",
                    lambda *a: _wrong_adam(*a, correct=(False, False))),
            Mistake("Correct the bias of m too: m_hat = m / (1 - beta1**t).",
                    lambda *a: _wrong_adam(*a, correct=(False, True))),
            Mistake("Correct the bias of v too: v_hat = v / (1 - beta2**t).",
                    lambda *a: _wrong_adam(*a, correct=(True, False))),
            Mistake("Step t uses beta**t in the bias correction, with t as given (it counts "
                    "from 1): yours uses t + 1.", lambda *a: _wrong_adam(*a, shift=1)),
            Mistake("Add eps after the square root, sqrt(v_hat) + eps, not inside it.",
                    lambda *a: _wrong_adam(*a, eps_inside=True)),
            Mistake("Add eps to the denominator, sqrt(v_hat) + eps: it matters when v is tiny.",
                    lambda *a: _wrong_adam(*a, use_eps=False)),
            Mistake("Return m and v themselves, not the bias-corrected m_hat and v_hat: the next "
                    "step corrects them again.", lambda *a: _wrong_adam(*a, return_hats=True)),
            Mistake("beta1 goes with m (the gradients), beta2 with v (the squared gradients): "
                    "yours are swapped.", lambda *a: _wrong_adam(*a, swap_betas=True)),
            Mistake("The new gradient enters m with the weight 1 - beta1: m = beta1 * m + "
                    "(1 - beta1) * grad.", lambda *a: _wrong_adam(*a, weight1=False)),
            Mistake("v averages the squared gradients, grad**2, not grad itself or |grad|.",
                    lambda *a: _wrong_adam(*a, square=False)),
            Mistake("Step downhill: subtract lr * m_hat / (sqrt(v_hat) + eps) from param.",
                    lambda *a: _wrong_adam(*a, sign=-1.0)),
        ),
        hint="Update m and v (running means of grad and grad**2), divide them by 1 - beta1**t "
             "and 1 - beta2**t, then step by -lr * m_hat / (sqrt(v_hat) + eps); return the "
             "new param and the uncorrected m and v.",
    )


# --------------------------------------------------------------------------- 7.4 largest stable rate

#: A bisection finds the threshold only to within its last interval: 14 halvings of
#: [0, 1] leave 6e-5, 0.3% of 2/100. The check accepts 1% (relative).
_MAX_LR_RTOL = 0.01


def _max_lr_cases(rng):
    conditions = [10.0, 50.0, float(np.round(rng.uniform(4, 30), 1)), float(np.round(rng.uniform(30, 100), 1)),
                  4.0]
    notes = ["the exercise's condition", "the exercise's condition", "", "", "a mild condition"]
    rtol64 = TOLERANCE[np.dtype(np.float64)][0]
    # The machinery's absolute tolerance is rtol * scale: this scale makes it 1% of 2 / condition.
    return [Case(dict(condition=k), note, scale=_MAX_LR_RTOL * (2 / k) / rtol64)
            for k, note in zip(conditions, notes)]


def _ref_max_lr(condition):
    # Along the steep eigenvector (eigenvalue condition) each step multiplies the error by
    # 1 - lr * condition: |.| < 1 exactly for lr < 2 / condition (optim.momentum_rate with momentum 0).
    return 2.0 / condition


#: (formula, hint): the usual wrong answers, recognised before the closeness bands below.
_MAX_LR_FORMULAS = (
    (lambda k: 1.0 / k, "That is 1/L, where gradient descent stops overshooting the minimum; it "
                        "stays stable (the error shrinks, even if it changes sign) up to 2/L, "
                        "L = condition."),
    (lambda k: 2.0 / (k + 1.0), "That is 2 / (1 + condition), the rate that converges fastest; "
                                "the largest stable rate is larger."),
    (lambda k: 2.0, "The steep direction, the largest eigenvalue L = condition, limits the rate: "
                    "2 is the limit for the flat direction (eigenvalue 1)."),
    (lambda k: 0.0, "Your bisection never found a stable rate: check the stability test (the "
                    "final point against the start; NaN compares as False) and start with lo = 0 "
                    "and hi above 2 / condition."),
)


def _call_max_lr(answers, condition):
    got = answers[0](condition)
    try:
        value = float(got) if np.ndim(got) == 0 else None
    except (TypeError, ValueError):
        value = None
    truth, tol = _ref_max_lr(condition), _MAX_LR_RTOL * _ref_max_lr(condition)
    if value is None or not math.isfinite(value) or abs(value - truth) <= tol \
            or any(abs(value - f(condition)) <= tol for f, _ in _MAX_LR_FORMULAS):
        return got  # right, a known mistake, or not a number: the comparison reports it
    ratio = value / truth
    said = (f"For condition = {condition:g} it returned {value:.6g}, {abs(ratio - 1):.1%} "
            f"{'below' if ratio < 1 else 'above'} the largest stable rate, 2 / condition = "
            f"{truth:.6g} (the check allows {_MAX_LR_RTOL:.0%}).")
    if 0.8 <= ratio < 1:
        raise AnswerProblem(said, "Close: bisect longer (each iteration halves the interval; 14 "
                                  "halvings of [0, 1] leave 6e-5), and return lo, the largest "
                                  "rate found stable.")
    if 1 < ratio <= 1.2:
        raise AnswerProblem(said, "Just above: there gradient descent grows, slowly. Return lo, "
                                  "the largest rate found stable (not mid or hi), and run 500 "
                                  "steps before you judge.")
    if ratio > 1.2:
        raise AnswerProblem(said, "Far above: your test calls growing runs stable. A run is "
                                  "stable when its final point is closer to the minimum, "
                                  "coordinate by coordinate, than the largest starting "
                                  "coordinate; a diverged run ends in NaN.")
    raise AnswerProblem(said, "Far below: your test calls converging runs unstable, or the "
                              "bisection's hi starts below 2 / condition. Use the exercise's "
                              "test, and hi = 1 (enough for condition >= 2).")


@self_check("7.4", "ex-max-lr", answers="largest_stable_lr")
def check_ex_7_4(rng):
    r"""Self-check of Exercise 7.4 (``ex-max-lr``): ``largest_stable_lr(condition)``.

    Pass your function: ``exercises.check_ex_7_4(largest_stable_lr)``. It
    must return the largest learning rate at which gradient descent on
    ``optim.quadratic(condition=condition)`` is stable, found by bisection;
    the check compares it with :math:`2/\kappa` and accepts 1% (the
    resolution of a short bisection). Conditions from 4 to 100.
    """
    return Spec(
        cases=_max_lr_cases(rng),
        reference=_ref_max_lr,
        call=_call_max_lr,
        about="conditions 4 to 100, within 1% of 2 / condition",
        mistakes=tuple(Mistake(hint, lambda k, f=f: f(k)) for f, hint in _MAX_LR_FORMULAS),
        hint="Bisect on the learning rate: run optim.trajectory with optim.sgd(mid) for 500 steps "
             "from (1, 1); if the run is stable, the answer is above mid, else below.",
    )


__all__ = ["check_ex_7_1", "check_ex_7_2", "check_ex_7_4"]
