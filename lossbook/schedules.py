r"""Learning-rate schedules (학습률 스케줄링), equal to ``torch.optim.lr_scheduler``.

Each factory checks its arguments once and returns a pure function
``lr_at(step) -> float``, as optax does. ``step`` counts the scheduler steps
already taken, which is torch's ``last_epoch``: ``lr_at(0)`` is the learning
rate before the first ``scheduler.step()`` and ``lr_at(k)`` the one after
``k`` of them. Use one with any optimizer by setting the rate yourself::

    lr_at = schedules.cosine_annealing(0.1, T_max=100)
    for step in range(100):
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step)
        ...  # forward, backward, optimizer.step()

Schedules of the step only:

* :func:`constant`, :func:`step_decay` (``StepLR``), :func:`multi_step`
  (``MultiStepLR``), :func:`exponential` (``ExponentialLR``);
* :func:`cosine_annealing` (``CosineAnnealingLR``) and
  :func:`cosine_warm_restarts` (``CosineAnnealingWarmRestarts``, SGDR);
* :func:`linear_warmup` (``LinearLR``) and :func:`warmup_cosine`
  (``SequentialLR`` of ``LinearLR`` then ``CosineAnnealingLR``);
* :func:`one_cycle` and :func:`one_cycle_momentum` (``OneCycleLR``).

One schedule that reads a metric, with explicit state: :func:`reduce_on_plateau`
(``ReduceLROnPlateau``) returns a :class:`Plateau` of pure ``init``/``update``
functions and a :class:`PlateauState`.

Closed forms versus torch's chainable form: torch updates most rates
recursively from the previous one (``lr *= gamma``), we evaluate the closed
form (``lr * gamma**t``). The two agree to rounding: each recursive step adds
at most a few units in the last place, so after ``t`` steps they differ by a
relative :math:`O(t \cdot 2^{-53})`, about :math:`10^{-13}` at ``t = 300``.
The tests bound this; where torch itself evaluates a closed form
(``CosineAnnealingWarmRestarts``, ``OneCycleLR``, ``ReduceLROnPlateau``) the
values are bit for bit the same.
"""
import bisect
import math
import numbers
from typing import Callable, NamedTuple

import numpy as np

from ._checks import check_choice, check_flag, check_int, check_positive, check_scalar_in

__all__ = [
    "constant", "step_decay", "multi_step", "exponential", "cosine_annealing",
    "cosine_warm_restarts", "linear_warmup", "warmup_cosine", "one_cycle",
    "one_cycle_momentum", "values", "reduce_on_plateau", "Plateau", "PlateauState",
]

# --------------------------------------------------------------------------- checks


def _check_step(step):
    r"""The step a schedule is evaluated at: an integer >= 0 (torch's ``last_epoch``)."""
    return check_int(step, "step", minimum=0)


def _check_eta_min(eta_min, lr):
    r"""The floor of a cosine schedule: in [0, lr], so that the rate stays in [eta_min, lr]."""
    return check_scalar_in(eta_min, "eta_min", 0.0, lr)


def _check_decay_gamma(gamma):
    r"""A decay factor in (0, 1]: 1 keeps the rate, 0 would zero it for good."""
    return check_scalar_in(gamma, "gamma", 0.0, 1.0, low_open=True)


def _check_milestones(milestones):
    r"""A non-empty, strictly increasing sequence of integers >= 1."""
    try:
        ms = list(milestones)
    except TypeError:
        raise TypeError(f"milestones must be a sequence of integers; got {milestones!r}.") from None
    bad_type = [m for m in ms if isinstance(m, bool) or not isinstance(m, numbers.Integral)]
    if bad_type:
        raise TypeError(f"milestones must be a sequence of integers; got {bad_type[0]!r} in {ms!r}.")
    if not ms or ms[0] < 1 or any(b <= a for a, b in zip(ms, ms[1:])):
        raise ValueError(f"milestones must be a non-empty, strictly increasing sequence of integers >= 1; "
                         f"got {ms!r}.")
    return [int(m) for m in ms]


# --------------------------------------------------------------------------- step-only schedules


def constant(lr):
    r"""A constant learning rate (고정 학습률), :math:`\eta_t = \eta_0`.

    Args:
        lr: the rate :math:`\eta_0 > 0`.

    Returns:
        ``lr_at(step) -> float``.

    Raises:
        ValueError: if ``lr`` is not a finite number > 0, or a step is < 0.

    Examples:
        >>> constant(0.01)(1000)
        0.01
    """
    lr = check_positive(lr, "lr")

    def lr_at(step):
        _check_step(step)
        return lr

    return lr_at


def step_decay(lr, *, step_size, gamma=0.1):
    r"""Step decay (스텝 감쇠), ``torch.optim.lr_scheduler.StepLR``.

    The rate is multiplied by :math:`\gamma` every ``step_size`` steps:

    .. math:: \eta_t = \eta_0\, \gamma^{\lfloor t / s \rfloor}

    Args:
        lr: the initial rate :math:`\eta_0 > 0`.
        step_size: the period :math:`s`, an integer >= 1.
        gamma: the factor :math:`\gamma \in (0, 1]`.

    Returns:
        ``lr_at(step) -> float``.

    Raises:
        ValueError: if an argument is out of range or a step is < 0.
        TypeError: if ``step_size`` is not an integer.

    Examples:
        Halve the rate every 10 steps (the course notes' example):

        >>> lr_at = step_decay(0.1, step_size=10, gamma=0.5)
        >>> [lr_at(t) for t in (0, 9, 10, 25)]
        [0.1, 0.1, 0.05, 0.025]
    """
    lr = check_positive(lr, "lr")
    step_size = check_int(step_size, "step_size", minimum=1)
    gamma = _check_decay_gamma(gamma)

    def lr_at(step):
        return lr * gamma ** (_check_step(step) // step_size)  # torch's closed form, term for term

    return lr_at


def multi_step(lr, *, milestones, gamma=0.1):
    r"""Decay at chosen steps, ``torch.optim.lr_scheduler.MultiStepLR``.

    With milestones :math:`m_1 < m_2 < \dots`, the rate is multiplied by
    :math:`\gamma` at each one it passes:

    .. math:: \eta_t = \eta_0\, \gamma^{\,|\{i : m_i \le t\}|}

    Args:
        lr: the initial rate :math:`\eta_0 > 0`.
        milestones: strictly increasing integers >= 1.
        gamma: the factor :math:`\gamma \in (0, 1]`.

    Returns:
        ``lr_at(step) -> float``.

    Raises:
        ValueError: if an argument is out of range or a step is < 0.
        TypeError: if a milestone is not an integer.

    Examples:
        >>> lr_at = multi_step(1.0, milestones=[2, 5], gamma=0.5)
        >>> [lr_at(t) for t in range(7)]
        [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    """
    lr = check_positive(lr, "lr")
    milestones = _check_milestones(milestones)
    gamma = _check_decay_gamma(gamma)

    def lr_at(step):
        # bisect_right counts the milestones <= step, as torch's closed form does
        return lr * gamma ** bisect.bisect_right(milestones, _check_step(step))

    return lr_at


def exponential(lr, *, gamma):
    r"""Exponential decay (지수 감쇠), ``torch.optim.lr_scheduler.ExponentialLR``.

    .. math:: \eta_t = \eta_0\, \gamma^{t}

    A :math:`\gamma > 1` makes the rate *grow* exponentially, which is what a
    learning-rate range test needs; torch allows it too.

    Args:
        lr: the initial rate :math:`\eta_0 > 0`.
        gamma: the factor per step, a finite number > 0.

    Returns:
        ``lr_at(step) -> float``.

    Raises:
        ValueError: if an argument is out of range or a step is < 0.

    Examples:
        >>> exponential(1.0, gamma=0.5)(3)
        0.125
    """
    lr = check_positive(lr, "lr")
    gamma = check_positive(gamma, "gamma")

    def lr_at(step):
        return lr * gamma ** _check_step(step)

    return lr_at


def _cosine(lr, eta_min, t, period):
    r""":math:`\eta_{\min} + (\eta_0 - \eta_{\min})(1 + \cos(\pi t / T)) / 2`, in torch's order of operations."""
    return eta_min + (lr - eta_min) * (1 + math.cos(math.pi * t / period)) / 2


def cosine_annealing(lr, *, T_max, eta_min=0.0):
    r"""Cosine annealing (코사인 어닐링), ``torch.optim.lr_scheduler.CosineAnnealingLR``.

    .. math::
        \eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})
                 \Big(1 + \cos\frac{\pi t}{T_{\max}}\Big)

    The rate falls from :math:`\eta_0` to :math:`\eta_{\min}` at
    :math:`t = T_{\max}`. Past :math:`T_{\max}` torch does not stop or
    restart: the cosine goes on, so the rate climbs back to :math:`\eta_0`
    at :math:`2T_{\max}` (period :math:`2T_{\max}`). This function does the
    same. Stop training at :math:`T_{\max}`, or use
    :func:`cosine_warm_restarts` for restarts.

    Args:
        lr: the initial (largest) rate :math:`\eta_0 > 0`.
        T_max: the number of steps of one descent, an integer >= 1.
        eta_min: the floor :math:`\eta_{\min} \in [0, \eta_0]`.

    Returns:
        ``lr_at(step) -> float``.

    Raises:
        ValueError: if an argument is out of range or a step is < 0.
        TypeError: if ``T_max`` is not an integer.

    References:
        Loshchilov and Hutter (2017), SGDR: Stochastic gradient descent with
        warm restarts, ICLR.

    Examples:
        >>> lr_at = cosine_annealing(1.0, T_max=4)
        >>> [round(lr_at(t), 4) for t in (0, 1, 2, 3, 4, 8)]
        [1.0, 0.8536, 0.5, 0.1464, 0.0, 1.0]
    """
    lr = check_positive(lr, "lr")
    T_max = check_int(T_max, "T_max", minimum=1)
    eta_min = _check_eta_min(eta_min, lr)

    def lr_at(step):
        return _cosine(lr, eta_min, _check_step(step), T_max)

    return lr_at


def _restart_position(step, T_0, T_mult):
    r"""``(T_cur, T_i)``: the steps since the last restart and the current cycle's length."""
    if T_mult == 1:
        return step % T_0, T_0
    T_i = T_0
    while step >= T_i:  # cycles of lengths T_0, T_0 T_mult, T_0 T_mult^2, ... (exact integers)
        step -= T_i
        T_i *= T_mult
    return step, T_i


def cosine_warm_restarts(lr, *, T_0, T_mult=1, eta_min=0.0):
    r"""Cosine annealing with warm restarts (SGDR), ``CosineAnnealingWarmRestarts``.

    Cycle :math:`i = 0, 1, \dots` lasts :math:`T_i = T_0 T_{\mathrm{mult}}^{\,i}`
    steps; within it, after :math:`T_{\mathrm{cur}}` steps,

    .. math::
        \eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})
                 \Big(1 + \cos\frac{\pi T_{\mathrm{cur}}}{T_i}\Big),

    so the rate jumps back to :math:`\eta_0` at the restarts
    :math:`t = T_0 (T_{\mathrm{mult}}^{\,k} - 1)/(T_{\mathrm{mult}} - 1)`
    (:math:`t = k T_0` when :math:`T_{\mathrm{mult}} = 1`).

    Args:
        lr: the rate at every restart :math:`\eta_0 > 0`.
        T_0: the length of the first cycle, an integer >= 1.
        T_mult: the growth of the cycle length, an integer >= 1.
        eta_min: the floor :math:`\eta_{\min} \in [0, \eta_0]`.

    Returns:
        ``lr_at(step) -> float``.

    Raises:
        ValueError: if an argument is out of range or a step is < 0.
        TypeError: if ``T_0`` or ``T_mult`` is not an integer.

    References:
        Loshchilov and Hutter (2017), SGDR: Stochastic gradient descent with
        warm restarts, ICLR.

    Examples:
        Cycles of 4, 8, 16 steps: restarts at steps 4 and 12.

        >>> lr_at = cosine_warm_restarts(1.0, T_0=4, T_mult=2)
        >>> [round(lr_at(t), 4) for t in (0, 2, 4, 8, 12)]
        [1.0, 0.5, 1.0, 0.5, 1.0]
    """
    lr = check_positive(lr, "lr")
    T_0 = check_int(T_0, "T_0", minimum=1)
    T_mult = check_int(T_mult, "T_mult", minimum=1)
    eta_min = _check_eta_min(eta_min, lr)

    def lr_at(step):
        T_cur, T_i = _restart_position(_check_step(step), T_0, T_mult)
        return _cosine(lr, eta_min, T_cur, T_i)

    return lr_at


def _warmup_factor(step, warmup_steps, start_factor):
    r"""LinearLR's closed-form factor :math:`f_0 + (1 - f_0)\min(t, W)/W`, in torch's order."""
    return start_factor + (1.0 - start_factor) * min(warmup_steps, step) / warmup_steps


def linear_warmup(lr, *, warmup_steps, start_factor=1.0 / 3):
    r"""Linear warm-up (워밍업), ``torch.optim.lr_scheduler.LinearLR`` with ``end_factor=1``.

    .. math::
        \eta_t = \eta_0\Big(f_0 + (1 - f_0)\,\frac{\min(t, W)}{W}\Big)

    The rate climbs in a straight line from :math:`f_0\eta_0` to
    :math:`\eta_0` over :math:`W` steps and stays there. The default
    :math:`f_0 = 1/3` is torch's; warm-ups from near zero use a small
    :math:`f_0` such as 0.01 (torch refuses 0, and so do we).

    Args:
        lr: the rate after warm-up :math:`\eta_0 > 0`.
        warmup_steps: :math:`W`, an integer >= 1.
        start_factor: :math:`f_0 \in (0, 1]`.

    Returns:
        ``lr_at(step) -> float``.

    Raises:
        ValueError: if an argument is out of range or a step is < 0.
        TypeError: if ``warmup_steps`` is not an integer.

    References:
        Goyal et al. (2017), Accurate, large minibatch SGD: training ImageNet
        in 1 hour.

    Examples:
        >>> lr_at = linear_warmup(1.0, warmup_steps=4, start_factor=0.25)
        >>> [lr_at(t) for t in range(6)]
        [0.25, 0.4375, 0.625, 0.8125, 1.0, 1.0]
    """
    lr = check_positive(lr, "lr")
    warmup_steps = check_int(warmup_steps, "warmup_steps", minimum=1)
    start_factor = check_scalar_in(start_factor, "start_factor", 0.0, 1.0, low_open=True)

    def lr_at(step):
        return lr * _warmup_factor(_check_step(step), warmup_steps, start_factor)

    return lr_at


def warmup_cosine(lr, *, warmup_steps, total_steps, start_factor=1.0 / 3, eta_min=0.0):
    r"""Linear warm-up, then cosine annealing: ``SequentialLR([LinearLR, CosineAnnealingLR])``.

    With :math:`W` warm-up steps and :math:`T` steps in all,

    .. math::
        \eta_t = \begin{cases}
          \eta_0\big(f_0 + (1 - f_0)\, t / W\big) & t < W, \\
          \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})
            \Big(1 + \cos\frac{\pi (t - W)}{T - W}\Big) & t \ge W,
        \end{cases}

    which is torch's ``SequentialLR(optimizer, [LinearLR(optimizer,
    start_factor, total_iters=W), CosineAnnealingLR(optimizer, T_max=T - W,
    eta_min=eta_min)], milestones=[W])``. Past :math:`T` the cosine goes on
    climbing, as in :func:`cosine_annealing`.

    Args:
        lr: the peak rate :math:`\eta_0 > 0`.
        warmup_steps: :math:`W`, an integer >= 1 and < ``total_steps``.
        total_steps: :math:`T`, an integer.
        start_factor: :math:`f_0 \in (0, 1]`.
        eta_min: the floor :math:`\eta_{\min} \in [0, \eta_0]`.

    Returns:
        ``lr_at(step) -> float``.

    Raises:
        ValueError: if an argument is out of range or a step is < 0.
        TypeError: if ``warmup_steps`` or ``total_steps`` is not an integer.

    References:
        Goyal et al. (2017); Loshchilov and Hutter (2017).

    Examples:
        >>> lr_at = warmup_cosine(1.0, warmup_steps=2, total_steps=6, start_factor=0.5)
        >>> [round(lr_at(t), 4) for t in range(7)]
        [0.5, 0.75, 1.0, 0.8536, 0.5, 0.1464, 0.0]
    """
    lr = check_positive(lr, "lr")
    warmup_steps = check_int(warmup_steps, "warmup_steps", minimum=1)
    total_steps = check_int(total_steps, "total_steps", minimum=warmup_steps + 1)
    start_factor = check_scalar_in(start_factor, "start_factor", 0.0, 1.0, low_open=True)
    eta_min = _check_eta_min(eta_min, lr)

    def lr_at(step):
        step = _check_step(step)
        if step < warmup_steps:
            return lr * _warmup_factor(step, warmup_steps, start_factor)
        return _cosine(lr, eta_min, step - warmup_steps, total_steps - warmup_steps)

    return lr_at


# --------------------------------------------------------------------------- one-cycle


def _one_cycle_phases(total_steps, pct_start, three_phase):
    r"""The end step of each phase and which of (start, peak, end) values it runs between.

    Returned as ``[(end_step, from, to), ...]`` with the value names
    ``"start"``, ``"peak"`` and ``"end"``, exactly as torch lays them out.
    """
    up = float(pct_start * total_steps) - 1  # torch: the peak is reached at step pct * T - 1
    if three_phase:
        phases = [(up, "start", "peak"), (float(2 * pct_start * total_steps) - 2, "peak", "start"),
                  (total_steps - 1, "start", "end")]
    else:
        phases = [(up, "start", "peak"), (total_steps - 1, "peak", "end")]
    ends = [0.0] + [p[0] for p in phases]
    if any(b <= a for a, b in zip(ends, ends[1:])):  # torch would divide by zero or run backwards
        need = "1 < pct_start * total_steps < (total_steps + 1) / 2" if three_phase else \
            "pct_start * total_steps > 1"
        raise ValueError(f"pct_start and total_steps must leave every phase at least one step "
                         f"({need}); got pct_start={pct_start!r}, total_steps={total_steps!r}.")
    return phases


def _anneal(start, end, pct, strategy):
    if strategy == "cos":
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


def _one_cycle_at(step, phases, levels, strategy):
    r"""Interpolate ``levels`` (a dict of the named values) along ``phases`` at ``step``."""
    start_step = 0.0
    for i, (end_step, a, b) in enumerate(phases):
        if step <= end_step or i == len(phases) - 1:  # the last phase takes every step after
            return _anneal(levels[a], levels[b], (step - start_step) / (end_step - start_step), strategy)
        start_step = end_step


def _one_cycle_step(step, total_steps):
    step = _check_step(step)
    if step > total_steps:
        raise ValueError(f"step must be an integer in [0, total_steps] = [0, {total_steps}] "
                         f"(torch raises past the cycle too); got {step!r}.")
    return step


def _check_cycle(total_steps, pct_start, anneal_strategy):
    r"""The arguments that :func:`one_cycle` and :func:`one_cycle_momentum` share, checked."""
    return (check_int(total_steps, "total_steps", minimum=2),
            check_scalar_in(pct_start, "pct_start", 0.0, 1.0, low_open=True, high_open=True),
            check_choice(anneal_strategy, "anneal_strategy", ("cos", "linear")))


def _one_cycle_schedule(levels, total_steps, pct_start, strategy, three_phase):
    r"""``value_at(step)``: ``levels`` (start, peak, end) interpolated along the one-cycle phases."""
    phases = _one_cycle_phases(total_steps, pct_start, check_flag(three_phase, "three_phase"))

    def value_at(step):
        return _one_cycle_at(_one_cycle_step(step, total_steps), phases, levels, strategy)

    return value_at


def one_cycle(max_lr, *, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
              final_div_factor=1e4, three_phase=False):
    r"""The one-cycle policy (원사이클), ``torch.optim.lr_scheduler.OneCycleLR``.

    From :math:`\eta_{\text{start}} = \eta_{\max}/d` up to :math:`\eta_{\max}`
    and down to :math:`\eta_{\text{end}} = \eta_{\text{start}}/d_f`. Each phase
    from step :math:`a` to step :math:`b` anneals from value :math:`u` to
    :math:`v` with :math:`p = (t - a)/(b - a)`:

    .. math::
        \eta_t = v + \tfrac12(u - v)(1 + \cos \pi p) \quad\text{(cos)},\qquad
        \eta_t = u + (v - u)\, p \quad\text{(linear)}.

    Two phases (torch's default, fastai's variant): start -> peak until
    :math:`a = p_s T - 1`, then peak -> end at :math:`T - 1`. Three phases
    (the paper's): start -> peak, peak -> start until :math:`2 p_s T - 2`,
    then start -> end. Steps run from 0 to ``total_steps``; past it torch
    raises, and so does ``lr_at``.

    Args:
        max_lr: the peak rate :math:`\eta_{\max} > 0`.
        total_steps: :math:`T`, an integer >= 2.
        pct_start: :math:`p_s \in (0, 1)`, the fraction of steps spent rising.
        anneal_strategy: ``"cos"`` or ``"linear"``.
        div_factor: :math:`d > 0`.
        final_div_factor: :math:`d_f > 0`.
        three_phase: the paper's three phases instead of two.

    Returns:
        ``lr_at(step) -> float``.

    Raises:
        ValueError: if an argument is out of range, a phase would be empty,
            or a step is outside [0, total_steps].

    See Also:
        :func:`one_cycle_momentum` for the momentum that cycles the other way.

    References:
        Smith and Topin (2019), Super-convergence: very fast training of neural
        networks using large learning rates.

    Examples:
        Start at 1/25 of the peak, reach it at step 0.5 * 10 - 1 = 4:

        >>> lr_at = one_cycle(1.0, total_steps=10, pct_start=0.5, anneal_strategy="linear")
        >>> [lr_at(t) for t in (0, 2, 4)]
        [0.04, 0.52, 1.0]
    """
    max_lr = check_positive(max_lr, "max_lr")
    total_steps, pct_start, strategy = _check_cycle(total_steps, pct_start, anneal_strategy)
    div_factor = check_positive(div_factor, "div_factor")
    final_div_factor = check_positive(final_div_factor, "final_div_factor")
    start = max_lr / div_factor
    levels = {"start": start, "peak": max_lr, "end": start / final_div_factor}
    return _one_cycle_schedule(levels, total_steps, pct_start, strategy, three_phase)


def one_cycle_momentum(*, total_steps, pct_start=0.3, anneal_strategy="cos", base_momentum=0.85,
                       max_momentum=0.95, three_phase=False):
    r"""The momentum of the one-cycle policy: high when the rate is low, and back.

    Torch's ``OneCycleLR`` (``cycle_momentum=True``) moves momentum (or Adam's
    :math:`\beta_1`) against the rate, along the same phases as
    :func:`one_cycle`: from ``max_momentum`` down to ``base_momentum`` at the
    peak rate and back up to ``max_momentum`` (and, with three phases, it
    stays there in the last phase).

    Args:
        total_steps, pct_start, anneal_strategy, three_phase: as in :func:`one_cycle`.
        base_momentum: the momentum at the peak rate, in [0, 1].
        max_momentum: the momentum at the ends, in [base_momentum, 1].

    Returns:
        ``momentum_at(step) -> float``.

    Raises:
        ValueError: if an argument is out of range or a step is outside
            [0, total_steps].

    Examples:
        >>> m_at = one_cycle_momentum(total_steps=10, pct_start=0.5, anneal_strategy="linear",
        ...                           base_momentum=0.5, max_momentum=1.0)
        >>> [m_at(t) for t in (0, 2, 4)]
        [1.0, 0.75, 0.5]
    """
    total_steps, pct_start, strategy = _check_cycle(total_steps, pct_start, anneal_strategy)
    base = check_scalar_in(base_momentum, "base_momentum", 0.0, 1.0)
    peak = check_scalar_in(max_momentum, "max_momentum", base, 1.0)
    # momentum runs against the rate: "start"/"end" levels are high, "peak" is low;
    # in the three-phase variant the last phase stays at max_momentum, as in torch.
    levels = {"start": peak, "peak": base, "end": peak}
    return _one_cycle_schedule(levels, total_steps, pct_start, strategy, three_phase)


def values(lr_at, n):
    r"""The rates ``lr_at(0), ..., lr_at(n - 1)`` as a float64 array (for plots and tests).

    Args:
        lr_at: a schedule from this module (any callable of the step).
        n: the number of steps, an integer >= 0.

    Returns:
        An array of shape (n,).

    Raises:
        TypeError: if ``lr_at`` is not callable or ``n`` is not an integer.

    Examples:
        >>> values(step_decay(1.0, step_size=2, gamma=0.5), 5).tolist()
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    if not callable(lr_at):
        raise TypeError(f"lr_at must be a schedule, a function of the step; got {lr_at!r}.")
    n = check_int(n, "n", minimum=0)
    return np.array([lr_at(t) for t in range(n)], dtype=np.float64)


# --------------------------------------------------------------------------- ReduceLROnPlateau


class PlateauState(NamedTuple):
    r"""The state of :func:`reduce_on_plateau`, the same fields as torch's scheduler.

    Attributes:
        lr: the current learning rate.
        best: the best metric so far (``inf`` in mode ``"min"`` before any,
            ``-inf`` in mode ``"max"``).
        num_bad_epochs: consecutive updates without a significant improvement
            (reset to 0 by an improvement, a reduction and during cool-down).
        cooldown_counter: updates left in the cool-down after a reduction.
        last_epoch: the number of metrics seen.
    """

    lr: float
    best: float
    num_bad_epochs: int
    cooldown_counter: int
    last_epoch: int


class Plateau(NamedTuple):
    r"""A metric-driven schedule as a pair of pure functions (optax style).

    Attributes:
        init: ``init() -> PlateauState``, the state before any metric.
        update: ``update(state, metric) -> PlateauState``, the state after
            one more epoch's metric; ``state.lr`` is the rate to use next.
    """

    init: Callable[[], PlateauState]
    update: Callable[[PlateauState, float], PlateauState]


def _improvement_test(mode, threshold, threshold_mode):
    r"""``is_better(a, best)``, torch's four cases (the relative ones assume ``best > 0``)."""
    if mode == "min" and threshold_mode == "rel":
        return lambda a, best: a < best * (1.0 - threshold)
    if mode == "min":
        return lambda a, best: a < best - threshold
    if threshold_mode == "rel":
        return lambda a, best: a > best * (threshold + 1.0)
    return lambda a, best: a > best + threshold


def _as_metric(metric):
    try:
        return float(metric)  # a Python number, a NumPy scalar or a 0-d tensor
    except (TypeError, ValueError):
        raise TypeError(f"metric must be a real number; got {metric!r} of type "
                        f"{type(metric).__name__}.") from None


def reduce_on_plateau(lr, *, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                      cooldown=0, min_lr=0.0, eps=1e-8):
    r"""Reduce the rate when a metric stops improving, ``ReduceLROnPlateau``.

    Each ``update`` reads one metric :math:`m` (say the validation loss). In
    mode ``"min"`` it *improves* on the best so far :math:`m^*` when

    .. math::
        m < m^*(1 - \tau) \quad\text{(rel)}, \qquad m < m^* - \tau \quad\text{(abs)}

    (mode ``"max"``: :math:`m > m^*(1 + \tau)` or :math:`m > m^* + \tau`).
    An improvement sets :math:`m^* = m` and the bad-epoch count to 0; any
    other metric adds 1. During a cool-down the count is held at 0. When the
    count exceeds ``patience``, the rate becomes

    .. math:: \eta \leftarrow \max(\eta \cdot \text{factor},\ \eta_{\min})

    unless that changes it by no more than ``eps``; the count restarts at 0
    and a cool-down of ``cooldown`` updates begins. So with ``patience=p`` and
    no improvement, the first reduction comes on the :math:`(p + 1)`-th
    consecutive bad epoch. A NaN metric is never an improvement.

    Args:
        lr: the initial rate, > 0.
        mode: ``"min"`` (a loss) or ``"max"`` (an accuracy).
        factor: the reduction factor, in (0, 1).
        patience: bad epochs tolerated before a reduction, an integer >= 0.
        threshold: :math:`\tau \ge 0`, the smallest improvement that counts.
        threshold_mode: ``"rel"`` or ``"abs"``.
        cooldown: updates to wait after a reduction, an integer >= 0.
        min_lr: the floor :math:`\eta_{\min} \in [0, \text{lr}]`.
        eps: the smallest change of the rate that is applied, >= 0.

    Returns:
        :class:`Plateau` ``(init, update)``; the state is a :class:`PlateauState`.

    Raises:
        ValueError: if an argument is out of range or not an allowed choice.
        TypeError: if ``patience`` or ``cooldown`` is not an integer, or a
            metric is not a real number.

    Examples:
        Patience 1: the rate halves on the second epoch in a row without progress.

        >>> plateau = reduce_on_plateau(1.0, factor=0.5, patience=1)
        >>> state = plateau.init()
        >>> lrs = []
        >>> for metric in [3.0, 2.0, 2.0, 2.0, 2.0]:
        ...     state = plateau.update(state, metric)
        ...     lrs.append(state.lr)
        >>> lrs
        [1.0, 1.0, 1.0, 0.5, 0.5]
    """
    lr = check_positive(lr, "lr")
    mode = check_choice(mode, "mode", ("min", "max"))
    factor = check_scalar_in(factor, "factor", 0.0, 1.0, low_open=True, high_open=True)
    patience = check_int(patience, "patience", minimum=0)
    threshold = check_scalar_in(threshold, "threshold", 0.0, math.inf, high_open=True)
    is_better = _improvement_test(mode, threshold, check_choice(threshold_mode, "threshold_mode", ("rel", "abs")))
    cooldown = check_int(cooldown, "cooldown", minimum=0)
    min_lr = check_scalar_in(min_lr, "min_lr", 0.0, lr)
    eps = check_scalar_in(eps, "eps", 0.0, math.inf, high_open=True)

    def init():
        return PlateauState(lr, math.inf if mode == "min" else -math.inf, 0, 0, 0)

    def update(state, metric):
        current = _as_metric(metric)
        lr_now, best, bad, cool, epoch = state
        best, bad = (current, 0) if is_better(current, best) else (best, bad + 1)
        if cool > 0:  # in cool-down: count down and ignore bad epochs
            cool, bad = cool - 1, 0
        if bad > patience:
            new_lr = max(lr_now * factor, min_lr)
            if lr_now - new_lr > eps:  # torch skips changes smaller than eps
                lr_now = new_lr
            cool, bad = cooldown, 0
        return PlateauState(lr_now, best, bad, cool, epoch + 1)

    return Plateau(init, update)
