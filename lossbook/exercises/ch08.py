r"""Self-checks of chapter 8 (learning-rate schedules).

Each schedule exercise asks for a function of one step; its check calls it
at every step of a range (``steps`` in the messages) and compares the whole
sequence of rates, so that a message can say at which step they first differ.
"""
import math

import numpy as np

from lossbook import schedules as _schedules

from ._core import AnswerProblem, Case, Mistake, Spec, _call_by_name, self_check


def _rate(value, usage, step):
    r"""One rate as a float, or an explanation of why the answer's value is not one."""
    if value is None or isinstance(value, (str, bytes)):
        return value
    try:
        if np.ndim(value) == 0:
            return float(value)
    except (TypeError, ValueError):
        pass
    raise AnswerProblem(f"At step {step} it returned {type(value).__name__} {value!r:.60}, not a number.",
                        f"{usage} returns one learning rate, a float, for one step.")


def _schedule_call(usage, names):
    r"""``call(answers, steps, *options)``: the answer at every step, as one array.

    ``names`` are the keyword-only options of ``usage``, in the order of the
    cases' arguments after ``steps``.
    """
    def call(answers, steps, *options):
        rates = []
        for step in steps:
            value = _rate(_call_by_name(answers[0], usage, (int(step),), dict(zip(names, options))),
                          usage, int(step))
            if value is None or isinstance(value, (str, bytes)):
                return value  # the comparison explains a missing return or a string
            rates.append(value)
        return np.array(rates)
    return call


def _per_step(fn):
    r"""A one-step formula turned into the rates over ``steps`` (for the mistakes)."""
    def rates(steps, *options):
        return np.array([fn(int(step), *options) for step in steps], dtype=np.float64)
    return rates


_RISES = ("The rate should fall along a cosine: (1 + cos(pi t / T)) / 2 goes from 1 at t = 0 "
          "down to 0 at t = T; yours rises.")
_FLOOR = ("The cosine ends at eta_min, not 0: add eta_min, and scale the cosine by "
          "lr - eta_min.")
_SCALE = "Scale the cosine by lr - eta_min, so that it starts at lr, not at lr + eta_min."


def _cosine(lr, eta_min, t, period, *, floor=True, scale=True, sign=1.0):
    top = (lr - eta_min) if scale else lr
    return (eta_min if floor else 0.0) + top * (1 + sign * math.cos(math.pi * t / period)) / 2


# --------------------------------------------------------------------------- 8.1 step decay

_STEP_USAGE = "my_step_decay(step, *, lr, step_size, gamma)"


def _step_decay_cases(rng):
    cases = [Case(dict(steps=np.arange(60), lr=0.1, step_size=10, gamma=0.5), "the exercise's schedule")]
    for _ in range(3):
        cases.append(Case(dict(steps=np.arange(50), lr=float(rng.choice([1.0, 0.3, 0.01])),
                               step_size=int(rng.integers(3, 16)), gamma=float(np.round(rng.uniform(0.1, 0.9), 2)))))
    cases += [
        Case(dict(steps=np.arange(12), lr=0.5, step_size=1, gamma=0.8), "step_size = 1: a drop every step"),
        Case(dict(steps=np.arange(20), lr=0.1, step_size=7, gamma=1.0), "gamma = 1: constant"),
        Case(dict(steps=np.array([0, 999, 1000, 1001, 2999, 3000, 5000]), lr=1.0, step_size=1000,
                  gamma=0.9), "far steps"),
    ]
    return cases


def _ref_step_decay(steps, lr, step_size, gamma):
    lr_at = _schedules.step_decay(lr, step_size=step_size, gamma=gamma)
    return _schedules.values(lr_at, int(max(steps)) + 1)[steps]


@self_check("8.1", "ex-step-decay", answers="my_step_decay")
def check_ex_8_1(rng):
    r"""Self-check of Exercise 8.1 (``ex-step-decay``): ``my_step_decay(step, *, lr, step_size, gamma)``.

    Pass your function: ``exercises.check_ex_8_1(my_step_decay)``. It must
    return the rate of ``StepLR`` after ``step`` scheduler steps,
    ``lr * gamma ** (step // step_size)``; the check calls it at every step
    of a range.
    """
    return Spec(
        cases=_step_decay_cases(rng),
        reference=_ref_step_decay,
        call=_schedule_call(_STEP_USAGE, ("lr", "step_size", "gamma")),
        about="the exercise's schedule, random ones, step_size = 1, gamma = 1, steps up to 5000",
        mistakes=(
            Mistake("Use integer division, step // step_size: the rate stays flat for step_size "
                    "steps, then drops (yours decays smoothly).",
                    _per_step(lambda t, lr, s, g: lr * g ** (t / s))),
            Mistake("Round down, with integer division step // step_size, not to the nearest "
                    "integer: the rate drops at step step_size, not halfway there.",
                    _per_step(lambda t, lr, s, g: lr * g ** round(t / s))),
            Mistake("The first drop comes at step = step_size, not one step earlier.",
                    _per_step(lambda t, lr, s, g: lr * g ** ((t + 1) // s))),
            Mistake("The first drop comes at step = step_size, not one step later.",
                    _per_step(lambda t, lr, s, g: lr * g ** ((t - 1) // s))),
            Mistake("gamma multiplies the rate once per completed period: raise it to the power "
                    "step // step_size rather than multiplying by that count.",
                    _per_step(lambda t, lr, s, g: lr * g * (t // s))),
            Mistake("Mind the precedence: ** binds tighter than //, so lr * gamma ** step // "
                    "step_size divides the whole product; put step // step_size in parentheses.",
                    _per_step(lambda t, lr, s, g: lr * g ** t // s)),
        ),
        hint="After step steps, step // step_size periods have ended, and each multiplied the "
             "rate by gamma.",
    )


# --------------------------------------------------------------------------- 8.2 warm-up + cosine

_WARMUP_USAGE = "my_warmup_cosine(step, *, lr, warmup_steps, total_steps, start_factor, eta_min)"


def _warmup_cases(rng):
    def case(lr, warmup, total, start, eta_min, note=""):
        return Case(dict(steps=np.arange(total + 1), lr=lr, warmup_steps=warmup, total_steps=total,
                         start_factor=start, eta_min=eta_min), note)

    cases = [case(0.1, 10, 100, 0.01, 0.0, "the exercise's schedule")]
    for _ in range(3):
        warmup = int(rng.integers(2, 20))
        lr = float(np.round(rng.uniform(0.01, 1.0), 3))
        cases.append(case(lr, warmup, warmup + int(rng.integers(10, 60)), float(rng.choice([0.01, 0.1, 0.25, 0.5])),
                          float(rng.choice([0.0, np.round(0.1 * lr, 4)]))))
    cases += [
        case(0.5, 5, 30, 0.1, 0.05, "eta_min > 0"),
        case(1.0, 1, 8, 0.2, 0.0, "one warm-up step"),
        case(0.2, 4, 12, 1.0, 0.02, "start_factor = 1: no ramp"),
    ]
    return cases


def _ref_warmup(steps, lr, warmup_steps, total_steps, start_factor, eta_min):
    lr_at = _schedules.warmup_cosine(lr, warmup_steps=warmup_steps, total_steps=total_steps,
                                     start_factor=start_factor, eta_min=eta_min)
    return _schedules.values(lr_at, int(max(steps)) + 1)[steps]


def _wrong_warmup(*, ramp=None, shift=True, span=True, **cosine):
    def rate(t, lr, W, T, f0, eta_min):
        if t < W:
            return lr * (ramp or (lambda t, W, f0: f0 + (1 - f0) * t / W))(t, W, f0)
        return _cosine(lr, eta_min, t - W if shift else t, T - W if span else T, **cosine)
    return _per_step(rate)


@self_check("8.2", "ex-warmup-cosine", answers="my_warmup_cosine")
def check_ex_8_2(rng):
    r"""Self-check of Exercise 8.2 (``ex-warmup-cosine``): ``my_warmup_cosine``.

    Pass your function: ``exercises.check_ex_8_2(my_warmup_cosine)``. Called
    as ``my_warmup_cosine(step, lr=..., warmup_steps=..., total_steps=...,
    start_factor=..., eta_min=...)`` it must return the rate of a linear
    warm-up from ``start_factor * lr`` over ``warmup_steps`` steps followed by
    cosine annealing to ``eta_min`` over the remaining steps, at every step
    from 0 to ``total_steps``.
    """
    return Spec(
        cases=_warmup_cases(rng),
        reference=_ref_warmup,
        call=_schedule_call(_WARMUP_USAGE, ("lr", "warmup_steps", "total_steps", "start_factor",
                                                    "eta_min")),
        about="the exercise's schedule, random ones, eta_min > 0, one warm-up step, start_factor = 1",
        mistakes=(
            Mistake("The warm-up starts at start_factor * lr, not at 0: the factor is "
                    "start_factor + (1 - start_factor) * step / warmup_steps.",
                    _wrong_warmup(ramp=lambda t, W, f0: t / W)),
            Mistake("The warm-up factor reaches 1 at step warmup_steps, where the cosine starts: "
                    "divide step by warmup_steps, not warmup_steps - 1.",
                    _wrong_warmup(ramp=lambda t, W, f0: f0 + (1 - f0) * t / (W - 1))),
            Mistake("The cosine lasts the remaining total_steps - warmup_steps steps, not "
                    "total_steps.", _wrong_warmup(span=False)),
            Mistake("The cosine starts from its own step 0 at step warmup_steps: use "
                    "step - warmup_steps in it.", _wrong_warmup(shift=False)),
            Mistake("The cosine starts from its own step 0 at step warmup_steps and lasts "
                    "total_steps - warmup_steps steps.", _wrong_warmup(shift=False, span=False)),
            Mistake(_FLOOR, _wrong_warmup(floor=False, scale=False)),
            Mistake(_SCALE, _wrong_warmup(scale=False)),
            Mistake(_RISES, _wrong_warmup(sign=-1.0)),
        ),
        hint="Below warmup_steps the rate is lr * (start_factor + (1 - start_factor) * step / "
             "warmup_steps); from there on it is eta_min + (lr - eta_min) (1 + cos(pi t / T)) / 2, "
             "with the cosine's own step t = step - warmup_steps and length T = total_steps - "
             "warmup_steps.",
    )


# --------------------------------------------------------------------------- 8.3 plateau

_PLATEAU_USAGE = "my_plateau_lrs(metrics, *, lr, factor, patience, threshold)"
_EXERCISE_METRICS = [1.0, 0.8, 0.7, 0.7, 0.69995, 0.71, 0.6, 0.65, 0.62, 0.61, 0.6, 0.6]


def _plateau_cases(rng):
    def curve(n):  # a noisy falling loss that levels off: plateaus, small gains, bumps
        t = np.arange(n)
        loss = np.round(0.4 + 0.6 / (1 + 0.3 * t) + rng.normal(0, 0.01, n), 4)
        # Four decimals and then 3e-5: no metric can equal best * (1 - threshold) exactly
        # (for thresholds 1e-4 and 1e-2), where rounding would decide between correct forms.
        return [float(v) for v in np.round(loss + 3e-5, 5)]

    cases = [Case(dict(metrics=_EXERCISE_METRICS, lr=1.0, factor=0.5, patience=2, threshold=1e-4),
                  "the exercise's losses")]
    for patience, threshold in ((1, 1e-4), (3, 1e-2), (2, 0.0)):
        cases.append(Case(dict(metrics=curve(30), lr=float(rng.choice([0.1, 1.0, 0.03])),
                               factor=float(rng.choice([0.1, 0.2, 0.3])), patience=patience, threshold=threshold)))
    cases += [
        Case(dict(metrics=[10.0, 9.95, 9.93, 9.8, 9.79, 9.6], lr=1.0, factor=0.5, patience=1, threshold=0.01),
             "losses near 10: the threshold 0.01 asks for gains of 0.1"),
        Case(dict(metrics=curve(20), lr=0.1, factor=0.3, patience=0, threshold=1e-4), "patience = 0"),
        Case(dict(metrics=[0.5] * 10, lr=1.0, factor=0.1, patience=1, threshold=1e-4), "a constant loss"),
        Case(dict(metrics=[1.0, 0.5, 0.5, 0.5, 0.5, 0.2], lr=1.0, factor=0.2, patience=1, threshold=0.0),
             "threshold = 0: a tie is no improvement"),
        Case(dict(metrics=[float(v) for v in np.round(np.linspace(2.0, 1.0, 8), 4)], lr=0.5, factor=0.5,
                  patience=0, threshold=1e-4), "always improving"),
        Case(dict(metrics=[3.0], lr=0.01, factor=0.5, patience=0, threshold=1e-4), "one epoch"),
    ]
    return cases


def _ref_plateau(metrics, lr, factor, patience, threshold):
    # mode "min", relative threshold, no cool-down or floor, as the exercise says. eps=0 applies
    # every reduction, as the exercise's function does (torch's default eps=1e-8 would skip
    # reductions smaller than 1e-8, which long plateaus with factor 0.1 can reach).
    plateau = _schedules.reduce_on_plateau(lr, factor=factor, patience=patience, threshold=threshold,
                                           eps=0.0)
    state, rates = plateau.init(), []
    for metric in metrics:
        state = plateau.update(state, metric)
        rates.append(state.lr)
    return np.array(rates)


def _call_plateau(answers, metrics, lr, factor, patience, threshold):
    out = _call_by_name(answers[0], _PLATEAU_USAGE, (list(metrics),),
                        dict(lr=lr, factor=factor, patience=patience, threshold=threshold))
    if out is None or isinstance(out, (str, bytes)):
        return out  # the comparison explains a missing return or a string
    hint = "Return a list with one learning rate (a float) per metric: the rate after that epoch."
    if not hasattr(out, "__len__") or np.ndim(out) != 1 or len(out) != len(metrics):
        n = len(out) if hasattr(out, "__len__") else None
        size = f"a {type(out).__name__}" if n is None else f"{n} value{'' if n == 1 else 's'}"
        raise AnswerProblem(f"For {len(metrics)} metrics it returned {size}.", hint)
    for epoch, value in enumerate(out):
        if value is None or np.ndim(value) != 0:
            raise AnswerProblem(f"Entry {epoch} of the list it returned is {value!r:.60}, not a number.", hint)
    return out


def _wrong_plateau(*, better=None, reduce_at=1, reset_after=True, reset_on_improve=True,
                   against_last=False, multiplier=None, before=False):
    def rates(metrics, lr, factor, patience, threshold):
        is_better = better or (lambda m, best, thr: m < best * (1 - thr))
        best, bad, out = math.inf, 0, []
        for m in metrics:
            if before:
                out.append(lr)
            if is_better(m, best, threshold):
                best, bad = m, (0 if reset_on_improve else bad)
            else:
                bad += 1
            if against_last:
                best = m
            if bad >= patience + reduce_at:
                lr = lr * (multiplier(factor) if multiplier else factor)
                bad = 0 if reset_after else bad
            if not before:
                out.append(lr)
        return np.array(out)
    return rates


@self_check("8.3", "ex-plateau-predict", answers="my_plateau_lrs")
def check_ex_8_3(rng):
    r"""Self-check of Exercise 8.3 (``ex-plateau-predict``): ``my_plateau_lrs``.

    Pass your function: ``exercises.check_ex_8_3(my_plateau_lrs)``. Called as
    ``my_plateau_lrs(metrics, lr=..., factor=..., patience=...,
    threshold=...)`` with a list of losses, it must return the learning rate
    after each one, as ``ReduceLROnPlateau`` in mode ``"min"`` with a
    relative threshold, no cool-down and no minimum rate.
    """
    return Spec(
        cases=_plateau_cases(rng),
        reference=_ref_plateau,
        call=_call_plateau,
        about="the exercise's losses, noisy falling ones, losses near 10, patience 0 to 3, "
              "thresholds 0 to 0.01, a constant loss, a tie, one epoch",
        mistakes=(
            Mistake("The rate drops when the count of bad epochs exceeds patience (on the "
                    "(patience + 1)-th bad epoch in a row), not when it reaches it.",
                    _wrong_plateau(reduce_at=0)),
            Mistake("After a reduction, start counting bad epochs from 0 again.",
                    _wrong_plateau(reset_after=False)),
            Mistake("An improvement resets the count of bad epochs to 0: they must come in a row.",
                    _wrong_plateau(reset_on_improve=False)),
            Mistake("An improvement must beat the best by the relative threshold, "
                    "metric < best * (1 - threshold); smaller gains are bad epochs.",
                    _wrong_plateau(better=lambda m, best, thr: m < best)),
            Mistake("The threshold is relative (threshold_mode=\"rel\"): scale it by the best "
                    "value, best * (1 - threshold), rather than subtracting it.",
                    _wrong_plateau(better=lambda m, best, thr: m < best - thr)),
            Mistake("A metric equal to the threshold-adjusted best is no improvement: compare "
                    "with a strict <.", _wrong_plateau(better=lambda m, best, thr: m <= best * (1 - thr))),
            Mistake("Compare each metric with the best so far, not with the previous epoch's.",
                    _wrong_plateau(against_last=True)),
            Mistake("A reduction multiplies the rate by factor, not by 1 - factor.",
                    _wrong_plateau(multiplier=lambda f: 1 - f)),
            Mistake("Return the rate after each metric has been seen (after any reduction it "
                    "causes), one per metric: yours is one epoch late.", _wrong_plateau(before=True)),
        ),
        hint="For each metric: an improvement (metric < best * (1 - threshold)) sets best and "
             "resets the count of bad epochs, anything else adds one; when the count exceeds "
             "patience, multiply the rate by factor and reset the count. Record the rate.",
    )


# --------------------------------------------------------------------------- 8.4 warm restarts

_RESTART_USAGE = "my_restart_lr(step, *, lr, T_0, T_mult, eta_min)"


def _restart_cases(rng):
    def case(lr, T_0, T_mult, eta_min, n, note=""):
        return Case(dict(steps=np.arange(n), lr=lr, T_0=T_0, T_mult=T_mult, eta_min=eta_min), note)

    cases = [case(0.1, 10, 2, 0.0, 300, "the exercise's schedule")]
    for T_mult in (2, 3, 1):
        lr = float(np.round(rng.uniform(0.01, 1.0), 3))
        cases.append(case(lr, int(rng.integers(2, 12)), T_mult, float(rng.choice([0.0, np.round(0.05 * lr, 4)])),
                          150))
    cases += [
        case(0.5, 4, 2, 0.05, 100, "eta_min > 0"),
        case(1.0, 1, 2, 0.0, 40, "T_0 = 1"),
        case(0.3, 1, 1, 0.0, 5, "T_0 = 1, T_mult = 1: a restart every step"),
    ]
    return cases


def _ref_restart(steps, lr, T_0, T_mult, eta_min):
    lr_at = _schedules.cosine_warm_restarts(lr, T_0=T_0, T_mult=T_mult, eta_min=eta_min)
    return _schedules.values(lr_at, int(max(steps)) + 1)[steps]


def _wrong_restart(*, position="sum", strict=False, **cosine):
    def rate(t, lr, T_0, T_mult, eta_min):
        if position == "periodic" or position == "powers" and T_mult == 1:  # every cycle T_0 long
            t_cur, T_i = t % T_0, T_0
        elif position == "powers":  # restarts at T_0 T_mult^k rather than at the sums of the lengths
            start, T_i = 0, T_0
            while t >= T_i:
                start, T_i = T_i, T_i * T_mult
            t_cur, T_i = t - start, T_i - start
        else:
            t_cur, T_i = t, T_0
            while t_cur > T_i if strict else t_cur >= T_i:
                t_cur, T_i = t_cur - T_i, T_i * T_mult
        return _cosine(lr, eta_min, t_cur, T_i, **cosine)
    return _per_step(rate)


@self_check("8.4", "ex-restarts", answers="my_restart_lr")
def check_ex_8_4(rng):
    r"""Self-check of Exercise 8.4 (``ex-restarts``): ``my_restart_lr(step, *, lr, T_0, T_mult, eta_min)``.

    Pass your function: ``exercises.check_ex_8_4(my_restart_lr)``. It must
    return the rate of ``CosineAnnealingWarmRestarts`` at ``step``: cycles of
    ``T_0``, ``T_0 * T_mult``, ``T_0 * T_mult**2``, ... steps, each a cosine
    from ``lr`` down towards ``eta_min``.
    """
    return Spec(
        cases=_restart_cases(rng),
        reference=_ref_restart,
        call=_schedule_call(_RESTART_USAGE, ("lr", "T_0", "T_mult", "eta_min")),
        about="the exercise's schedule, T_mult 1 to 3, eta_min > 0, T_0 = 1",
        mistakes=(
            Mistake("Cycle i lasts T_0 * T_mult**i steps: each cycle is T_mult times longer than "
                    "the one before (yours are all T_0 long).", _wrong_restart(position="periodic")),
            Mistake("The cycles follow one another, so the restarts come at the sums of their "
                    "lengths, T_0, T_0 + T_0 T_mult, ... (10, 30, 70 for T_0 = 10, T_mult = 2), "
                    "not at T_0 T_mult**k.", _wrong_restart(position="powers")),
            Mistake("At the end of a cycle the next one starts at once: at step T_i into a cycle "
                    "the rate is back at lr, not at eta_min (skip a whole cycle while the steps "
                    "left are >= its length).", _wrong_restart(strict=True)),
            Mistake(_FLOOR, _wrong_restart(floor=False, scale=False)),
            Mistake(_SCALE, _wrong_restart(scale=False)),
            Mistake(_RISES, _wrong_restart(sign=-1.0)),
        ),
        hint="Subtract whole cycles (T_0, then T_0 * T_mult, ...) from step while it is at least "
             "the current cycle's length; what is left, t, gives eta_min + (lr - eta_min) "
             "(1 + cos(pi t / T_i)) / 2.",
    )


__all__ = ["check_ex_8_1", "check_ex_8_2", "check_ex_8_3", "check_ex_8_4"]
