"""Tests of the self-checks of chapters 7 (optimizers) and 8 (learning-rate schedules).

As in test_exercises.py: the book's answer and independent ones (written on
torch.optim and torch.optim.lr_scheduler) pass on many seeds; each typical
mistake fails with its own hint on several seeds; a stub is "not written
yet"; no message shows a line of the reference code. Then the parts these
checks add: options passed by name, the bisection's tolerance bands, and
one rate per step.
"""
import functools
import inspect
import math
import re

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as L

from conftest import (SEEDS, assert_mistake_hinted, assert_no_reference_code, assert_not_written,
                      assert_passes_on_seeds, correct_and_wrong, flat, reference_lines, stub_named)
from lossbook import exercises, optim, schedules
from lossbook.exercises import _core, ch07, ch08

# --------------------------------------------------------------------------- 7.1 answers


def my_momentum_step(param, grad, buf, *, lr, momentum, first):
    buf = grad.copy() if first else momentum * buf + grad
    return param - lr * buf, buf


def momentum_torch(param, grad, buf, *, lr, momentum, first):
    p = torch.tensor(param, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr, momentum=momentum, foreach=False)
    if not first:
        opt.state[p]["momentum_buffer"] = torch.tensor(buf)
    p.grad = torch.tensor(grad)
    opt.step()
    return p.detach().numpy(), opt.state[p]["momentum_buffer"].numpy()


def momentum_variant(*, dampen=False, lr_in_buffer=False, old_buffer=False, nesterov=False, sign=1.0,
                     swap=False):
    def step(param, grad, buf, *, lr, momentum, first):
        g = (1 - momentum) * grad if dampen else (lr * grad if lr_in_buffer else grad)
        new = g if first else momentum * buf + g
        if old_buffer:
            d = new if first else buf
        else:
            d = grad + momentum * new if nesterov else new
        param = param - sign * (1 if lr_in_buffer else lr) * d
        return (new, param) if swap else (param, new)
    return step


def momentum_ignores_first(param, grad, buf, *, lr, momentum, first):
    buf = momentum * buf + grad
    return param - lr * buf, buf


def momentum_other_names(param, grad, buf, *, lr, mu, first):
    return my_momentum_step(param, grad, buf, lr=lr, momentum=mu, first=first)


def momentum_in_place(param, grad, buf, *, lr, momentum, first):
    if first:
        return my_momentum_step(param, grad, buf, lr=lr, momentum=momentum, first=first)
    buf *= momentum
    buf += grad
    return param - lr * buf, buf


# --------------------------------------------------------------------------- 7.2 answers


def my_adam_step(param, grad, m, v, t, *, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_torch(param, grad, m, v, t, *, lr, beta1, beta2, eps):
    p = torch.tensor(param, requires_grad=True)
    opt = torch.optim.Adam([p], lr=lr, betas=(beta1, beta2), eps=eps, foreach=False)
    opt.state[p].update(step=torch.tensor(float(t - 1)), exp_avg=torch.tensor(m), exp_avg_sq=torch.tensor(v))
    p.grad = torch.tensor(grad)
    opt.step()
    state = opt.state[p]
    return p.detach().numpy(), state["exp_avg"].numpy(), state["exp_avg_sq"].numpy()


def adam_variant(*, correct_m=True, correct_v=True, shift=0, eps_inside=False, eps=True, hats=False,
                 swap=False, weight1=True, square=lambda g: g * g, sign=1.0):
    def step(param, grad, m, v, t, *, lr, beta1, beta2, eps_):
        b1, b2 = (beta2, beta1) if swap else (beta1, beta2)
        m = b1 * m + ((1 - b1) if weight1 else 1) * grad
        v = b2 * v + (1 - b2) * square(grad)
        m_hat = m / (1 - b1 ** (t + shift)) if correct_m else m
        v_hat = v / (1 - b2 ** (t + shift)) if correct_v else v
        denom = np.sqrt(v_hat + eps_) if eps_inside else np.sqrt(v_hat) + (eps_ if eps else 0)
        out = param - sign * lr * m_hat / denom
        return (out, m_hat, v_hat) if hats else (out, m, v)

    def answer(param, grad, m, v, t, *, lr, beta1, beta2, eps):  # the exercise's names
        return step(param, grad, m, v, t, lr=lr, beta1=beta1, beta2=beta2, eps_=eps)
    return answer


# --------------------------------------------------------------------------- 7.4 answers


def largest_stable_lr(condition, lo=0.0, hi=1.0, iterations=14):
    """The chapter's solution: bisection on optim.trajectory."""
    grad = functools.partial(optim.quadratic_grad, condition=condition)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        path = optim.trajectory(optim.sgd(mid), grad, [1.0, 1.0], steps=500)
        stable = np.max(np.abs(path[-1])) < np.max(np.abs(path[0]))
        lo, hi = (mid, hi) if stable else (lo, mid)
    return lo


def bisect_by_hand(condition, *, iterations=30, lo=0.0, hi=1.0, steps=500, stable=None):
    """Bisection with gradient descent written out on diag(1, condition) (fast, for many seeds)."""
    h = np.array([1.0, condition])
    stable = stable or (lambda x0, x: np.max(np.abs(x)) < np.max(np.abs(x0)))
    for _ in range(iterations):
        mid = (lo + hi) / 2
        x = np.ones(2)
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(steps):
                x = x - mid * h * x
        lo, hi = (mid, hi) if stable(np.ones(2), x) else (lo, mid)
    return lo


# --------------------------------------------------------------------------- chapter 8 answers


def _sequential(opt, W, T, f0, eta_min):
    return L.SequentialLR(opt, [L.LinearLR(opt, f0, total_iters=W),
                                L.CosineAnnealingLR(opt, T - W, eta_min=eta_min)], milestones=[W])


SCHEDULERS = {
    "step": lambda opt, step_size, gamma: L.StepLR(opt, step_size, gamma=gamma),
    "warmup_cosine": _sequential,
    "restarts": lambda opt, T_0, T_mult, eta_min: L.CosineAnnealingWarmRestarts(opt, T_0, T_mult, eta_min),
}


@functools.cache
def torch_rates(kind, options, n, lr):
    """The rates of torch's scheduler ``kind`` at steps 0, ..., n - 1 (as the chapter's torch_lrs)."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler, out = SCHEDULERS[kind](opt, *options), []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return tuple(out)


def my_step_decay(step, *, lr, step_size, gamma):
    return lr * gamma ** (step // step_size)


def step_decay_floor(step, *, lr, step_size, gamma):
    return lr * gamma ** math.floor(step / step_size)


def step_decay_torch(step, *, lr, step_size, gamma):
    return torch_rates("step", (step_size, gamma), max(step + 1, 64), lr)[step]


def step_variant(rate):
    return lambda step, *, lr, step_size, gamma: rate(step, lr, step_size, gamma)


def my_warmup_cosine(step, *, lr, warmup_steps, total_steps, start_factor, eta_min):
    if step < warmup_steps:
        return lr * (start_factor + (1 - start_factor) * step / warmup_steps)
    t, T = step - warmup_steps, total_steps - warmup_steps
    return eta_min + (lr - eta_min) * (1 + math.cos(math.pi * t / T)) / 2


def warmup_torch(step, *, lr, warmup_steps, total_steps, start_factor, eta_min):
    options = (warmup_steps, total_steps, start_factor, eta_min)
    return torch_rates("warmup_cosine", options, total_steps + 1, lr)[step]


def warmup_variant(ramp=None, shift=True, span=True, floor=True, scale=True, sign=1.0):
    def rate(step, *, lr, warmup_steps, total_steps, start_factor, eta_min):
        W, T, f0 = warmup_steps, total_steps, start_factor
        if step < W:
            return lr * ramp(step, W, f0) if ramp else lr * (f0 + (1 - f0) * step / W)
        t, period = (step - W if shift else step), (T - W if span else T)
        top = lr - eta_min if scale else lr
        return (eta_min if floor else 0) + top * (1 + sign * math.cos(math.pi * t / period)) / 2
    return rate


def my_plateau_lrs(metrics, *, lr, factor, patience, threshold):
    best, bad, out = math.inf, 0, []
    for m in metrics:
        if m < best * (1 - threshold):
            best, bad = m, 0
        else:
            bad += 1
        if bad > patience:
            lr, bad = lr * factor, 0
        out.append(lr)
    return out


def plateau_torch(metrics, *, lr, factor, patience, threshold):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler = L.ReduceLROnPlateau(opt, mode="min", factor=factor, patience=patience, threshold=threshold,
                                    eps=0.0)
    out = []
    for m in metrics:
        opt.step()
        scheduler.step(m)
        out.append(opt.param_groups[0]["lr"])
    return np.array(out)


def plateau_variant(better=lambda m, best, thr: m < best * (1 - thr), at=1, reset=True, reset_on_gain=True,
                    last=False, scale=lambda f: f, late=False):
    def lrs(metrics, *, lr, factor, patience, threshold):
        best, bad, out = math.inf, 0, []
        for m in metrics:
            before = lr
            if better(m, best, threshold):
                best, bad = m, 0 if reset_on_gain else bad
            else:
                bad += 1
            if last:
                best = m
            if bad >= patience + at:
                lr = lr * scale(factor)
                bad = 0 if reset else bad
            out.append(before if late else lr)
        return out
    return lrs


def my_restart_lr(step, *, lr, T_0, T_mult, eta_min):
    t, T_i = step, T_0
    while t >= T_i:
        t, T_i = t - T_i, T_i * T_mult
    return eta_min + (lr - eta_min) * (1 + math.cos(math.pi * t / T_i)) / 2


def restart_torch(step, *, lr, T_0, T_mult, eta_min):
    return torch_rates("restarts", (T_0, T_mult, eta_min), 300, lr)[step]


def restart_variant(where, strict=False, floor=True, scale=True, sign=1.0):
    def rate(step, *, lr, T_0, T_mult, eta_min):
        t, T_i = where(step, T_0, T_mult, strict)
        top = lr - eta_min if scale else lr
        return (eta_min if floor else 0) + top * (1 + sign * math.cos(math.pi * t / T_i)) / 2
    return rate


def cycles(step, T_0, T_mult, strict):
    t, T_i = step, T_0
    while (t > T_i) if strict else (t >= T_i):
        t, T_i = t - T_i, T_i * T_mult
    return t, T_i


def periodic(step, T_0, T_mult, strict):
    return step % T_0, T_0


def restarts_at_powers(step, T_0, T_mult, strict):  # restarts at 10, 20, 40, ... for T_0 = 10, T_mult = 2
    start, end = 0, T_0
    while step >= end:
        start, end = end, end * T_mult
    return step - start, end - start


# --------------------------------------------------------------------------- the table

# (check, correct answers, [(wrong answer, words its hint must contain), ...])
CASES = {
    "7.1": (exercises.check_ex_7_1, [my_momentum_step, momentum_torch], [
        (momentum_variant(dampen=True), "the factor (1 - momentum)"),
        (momentum_variant(lr_in_buffer=True), "learning rate out of the buffer"),
        (momentum_variant(old_buffer=True), "steps with the old one"),
        (momentum_variant(nesterov=True), "That is Nesterov's step"),
        (momentum_variant(sign=-1.0), "Step downhill"),
        (momentum_variant(swap=True), "Return (param, buf), in this order"),
        (momentum_ignores_first, "there is no buffer yet, buf is None"),
        (momentum_other_names, "cannot be called as the exercise says"),
        (momentum_in_place, "changed its input buf in place"),
        (lambda *a, **k: my_momentum_step(*a, **k)[0], "Return all of them"),
    ]),
    "7.2": (exercises.check_ex_7_2, [my_adam_step, adam_torch], [
        (adam_variant(correct_m=False, correct_v=False), "Correct the bias of both moments"),
        (adam_variant(correct_m=False), "Correct the bias of m too"),
        (adam_variant(correct_v=False), "Correct the bias of v too"),
        (adam_variant(shift=1), "yours uses t + 1"),
        (adam_variant(shift=-1), "1 - beta**t is 0 when t = 0"),
        (adam_variant(eps_inside=True), "not inside it"),
        (adam_variant(eps=False), "Add eps to the denominator"),
        (adam_variant(hats=True), "not the bias-corrected"),
        (adam_variant(swap=True), "yours are swapped"),
        (adam_variant(weight1=False), "with the weight 1 - beta1"),
        (adam_variant(square=np.abs), "not grad itself or |grad|"),
        (adam_variant(square=lambda g: g), "squared gradients, grad**2"),  # nan if a gradient is < 0
        (adam_variant(sign=-1.0), "Step downhill"),
    ]),
    "7.4": (exercises.check_ex_7_4, [bisect_by_hand, lambda k: 2 / k], [
        (lambda k: 1 / k, "That is 1/L"),
        (lambda k: 2 / (k + 1), "the rate that converges fastest"),
        (lambda k: 2.0, "limits the rate"),
        (functools.partial(bisect_by_hand, stable=lambda x0, x: False), "never found a stable rate"),
        (functools.partial(bisect_by_hand, iterations=6), "Close: bisect longer"),
        (lambda k: bisect_by_hand(k) * 1.05, "Just above"),
        (functools.partial(bisect_by_hand, stable=lambda x0, x: np.all(np.isfinite(x))), "Far above"),
        (functools.partial(bisect_by_hand, hi=0.05), "Far below"),
        (lambda k: (bisect_by_hand(k), 1.0), "Return a single number"),
    ]),
    "8.1": (exercises.check_ex_8_1, [my_step_decay, step_decay_floor, step_decay_torch], [
        (step_variant(lambda t, lr, s, g: lr * g ** (t / s)), "Use integer division"),
        (step_variant(lambda t, lr, s, g: lr * g ** round(t / s)), "not to the nearest integer"),
        (step_variant(lambda t, lr, s, g: lr * g ** ((t + 1) // s)), "not one step earlier"),
        (step_variant(lambda t, lr, s, g: lr * g ** ((t - 1) // s)), "not one step later"),
        (step_variant(lambda t, lr, s, g: lr * g * (t // s)), "rather than multiplying by that count"),
        (step_variant(lambda t, lr, s, g: lr * g ** t // s), "Mind the precedence"),
        (lambda step, *, lr, size, gamma: lr, "cannot be called as the exercise says"),
        (lambda step, *, lr, step_size, gamma: None, "forget `return`"),
        (lambda step, *, lr, step_size, gamma: [lr], "not a number"),
    ]),
    "8.2": (exercises.check_ex_8_2, [my_warmup_cosine, warmup_torch], [
        (warmup_variant(ramp=lambda t, W, f0: t / W), "starts at start_factor * lr, not at 0"),
        (warmup_variant(ramp=lambda t, W, f0: f0 + (1 - f0) * t / (W - 1)), "not warmup_steps - 1"),
        (warmup_variant(span=False), "not total_steps"),
        (warmup_variant(shift=False), "use step - warmup_steps in it"),
        (warmup_variant(shift=False, span=False), "and lasts total_steps - warmup_steps steps"),
        (warmup_variant(floor=False, scale=False), "ends at eta_min, not 0"),
        (warmup_variant(scale=False), "not at lr + eta_min"),
        (warmup_variant(sign=-1.0), "yours rises"),
    ]),
    "8.3": (exercises.check_ex_8_3, [my_plateau_lrs, plateau_torch], [
        (plateau_variant(at=0), "not when it reaches it"),
        (plateau_variant(reset=False), "After a reduction, start counting"),
        (plateau_variant(reset_on_gain=False), "they must come in a row"),
        (plateau_variant(better=lambda m, best, thr: m < best), "smaller gains are bad epochs"),
        (plateau_variant(better=lambda m, best, thr: m < best - thr), "The threshold is relative"),
        (plateau_variant(better=lambda m, best, thr: m <= best * (1 - thr)), "strict <"),
        (plateau_variant(last=True), "not with the previous epoch's"),
        (plateau_variant(scale=lambda f: 1 - f), "not by 1 - factor"),
        (plateau_variant(late=True), "yours is one epoch late"),
        (lambda metrics, *, lr, factor, patience, threshold: lr, "For 12 metrics it returned a float"),
        (lambda metrics, *, lr, factor, patience, threshold: [lr], "it returned 1 value. hint: Return a list"),
    ]),
    "8.4": (exercises.check_ex_8_4, [my_restart_lr, restart_torch], [
        (restart_variant(periodic), "yours are all T_0 long"),
        (restart_variant(restarts_at_powers), "the sums of their lengths"),
        (restart_variant(cycles, strict=True), "the rate is back at lr"),
        (restart_variant(cycles, floor=False, scale=False), "ends at eta_min, not 0"),
        (restart_variant(cycles, scale=False), "not at lr + eta_min"),
        (restart_variant(cycles, sign=-1.0), "yours rises"),
    ]),
}

CORRECT, WRONG = correct_and_wrong(CASES)


def test_the_table_covers_chapters_7_and_8():
    assert set(CASES) == {n for n, e in _core.EXERCISES.items() if e.chapter in (7, 8)}
    assert set(CASES) == {"7.1", "7.2", "7.4", "8.1", "8.2", "8.3", "8.4"}


@pytest.mark.parametrize("number,k", CORRECT, ids=[f"{n}-{k}" for n, k in CORRECT])
def test_correct_answers_pass_on_every_seed(number, k, capsys):
    check, answers, _ = CASES[number]
    assert_passes_on_seeds(check, answers[k], number, SEEDS, capsys)


def test_the_chapters_bisection_passes():
    # The notebook's own solution, on optim.trajectory (slow: a few seeds).
    for seed in range(2):
        result = exercises.check_ex_7_4(largest_stable_lr, seed=seed, quiet=True)
        assert result.status == "passed", result.message


@pytest.mark.parametrize("number,k", WRONG, ids=[f"{n}-{k}" for n, k in WRONG])
def test_each_typical_mistake_gets_its_own_hint(number, k):
    check, _, mistakes = CASES[number]
    answer, words = mistakes[k]
    assert_mistake_hinted(check, answer, number, words)


@pytest.mark.parametrize("number", CASES)
def test_a_stub_is_not_written_yet(number, capsys):
    check, answers, _ = CASES[number]
    name = _core.EXERCISES[number].answers[0]
    assert_not_written(check(stub_named(name)), capsys, re.escape(name))


def _reference_lines():
    """The code lines of the chapter modules' private functions and of the lossbook code they call."""
    return reference_lines((ch07, ch08), (
        optim.sgd, optim._sgd_step, optim.adam, optim._adam_step, optim._lerp, schedules.step_decay,
        schedules.warmup_cosine, schedules._warmup_factor, schedules._cosine, schedules.cosine_warm_restarts,
        schedules._restart_position, schedules.reduce_on_plateau, schedules._improvement_test))


def test_no_message_shows_reference_code():
    secret = _reference_lines()
    assert "return param - lr * g, buf" in secret  # the test can fail
    assert_no_reference_code(CASES, secret, (ch07, ch08), ("optim", "schedules"))


# --------------------------------------------------------------------------- what these checks add


def test_options_are_passed_by_name_and_a_wrong_signature_is_explained():
    result = exercises.check_ex_7_2(lambda param, grad, m, v, t, *, lr, b1, b2, eps: param, seed=0, quiet=True)
    text = flat(result.message)
    assert result.status == "failed"
    assert ("It cannot be called as the exercise says, my_adam_step(param, grad, m, v, t, *, lr, beta1, beta2, "
            "eps): missing a required argument: 'b1'.") in text
    assert "the check passes lr, beta1, beta2, eps by name" in text
    # positional-or-keyword options are fine: the exercise's names are what matters
    assert exercises.check_ex_8_1(lambda step, lr, step_size, gamma: lr * gamma ** (step // step_size), quiet=True)


def test_an_error_inside_the_answer_is_still_an_error():
    def typo(step, *, lr, step_size, gamma):
        return lr * gama ** (step // step_size)  # noqa: F821

    result = exercises.check_ex_8_1(typo, seed=0, quiet=True)
    assert result.status == "error"
    assert "NameError: name 'gama' is not defined" in flat(result.message)
    assert "lr * gama ** (step // step_size)" in flat(result.message)


def test_a_schedule_message_names_the_step_that_differs():
    off_by_one = CASES["8.1"][2][2][0]
    message = flat(exercises.check_ex_8_1(off_by_one, seed=0, quiet=True).message)
    # lr 0.1 halved every 10 steps: the first drop must come at step 10, not 9
    assert "First difference at index 9 (steps = 9): expected 0.1, got 0.05." in message


def test_the_bisection_is_judged_within_one_percent():
    def off_by(factor):
        return lambda k: 2 / k * factor

    for factor in (0.9951, 1.0049):
        assert exercises.check_ex_7_4(off_by(factor), seed=0, quiet=True).status == "passed"
    for factor, words in ((0.985, "1.5% below"), (1.015, "1.5% above")):
        message = flat(exercises.check_ex_7_4(off_by(factor), seed=0, quiet=True).message)
        assert f"For condition = 10 it returned {0.2 * factor:.6g}, {words} the largest stable rate, " \
               "2 / condition = 0.2 (the check allows 1%)." in message


def test_the_references_agree_with_theory():
    # 2 / condition is where gradient descent's rate on the quadratic reaches 1 (Polyak's formula).
    for k in (4.0, 10.0, 50.0, 100.0):
        assert optim.momentum_rate(2 / k * (1 - 1e-9), 0, [1, k]) < 1 < optim.momentum_rate(2 / k * (1 + 1e-9), 0,
                                                                                             [1, k])


def test_grading_a_notebook_of_chapter_7():
    namespace = {"my_momentum_step": my_momentum_step, "my_adam_step": adam_variant(eps=False)}
    results = exercises.grade(namespace, chapter=7, seed=0)
    assert {n: r.status for n, r in results.items()} == {"7.1": "passed", "7.2": "failed", "7.4": "missing"}


def test_the_checks_have_the_signatures_a_student_sees():
    assert str(inspect.signature(exercises.check_ex_7_1)) == "(my_momentum_step, /, *, seed=None, quiet=False)"
    assert re.search(r"Exercise 8\.3 \(``ex-plateau-predict``\)", exercises.check_ex_8_3.__doc__)
    rows = [row for row in exercises.listing() if row[0][0] in "78"]
    assert rows == [
        ("7.1", "ex-momentum-step", "exercises.check_ex_7_1(my_momentum_step)"),
        ("7.2", "ex-adam-step", "exercises.check_ex_7_2(my_adam_step)"),
        ("7.4", "ex-max-lr", "exercises.check_ex_7_4(largest_stable_lr)"),
        ("8.1", "ex-step-decay", "exercises.check_ex_8_1(my_step_decay)"),
        ("8.2", "ex-warmup-cosine", "exercises.check_ex_8_2(my_warmup_cosine)"),
        ("8.3", "ex-plateau-predict", "exercises.check_ex_8_3(my_plateau_lrs)"),
        ("8.4", "ex-restarts", "exercises.check_ex_8_4(my_restart_lr)"),
    ]
