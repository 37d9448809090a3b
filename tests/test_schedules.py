"""Learning-rate schedules: every schedule == torch.optim.lr_scheduler, epoch for epoch.

Oracles: torch's schedulers stepped as in training (optimizer.step() then
scheduler.step()), reading param_groups[0]["lr"] after each step; torch's own
closed forms (scheduler.step(epoch)); hand-derived sequences for
ReduceLROnPlateau; and properties that follow from the formulas.

Where torch updates the rate recursively ("chainable" form: lr *= gamma, or a
ratio of cosines) and we evaluate the closed form, the two differ by rounding
only: each recursive step adds a few units in the last place, so after t steps
the relative difference is O(t * 2**-53), under 1e-13 for the 400 steps used
here. For the cosine, the ratio (1 + cos(pi t / T)) / (1 + cos(pi (t - 1) / T))
loses digits to cancellation near t = T, but only in the small part lr - eta_min,
so the difference stays below 1e-13 of the initial rate. We check
|ours - torch| <= 1e-12 * |torch| + 1e-12 * lr0 (TOL[float64]); where torch
evaluates a closed form itself (warm restarts, one-cycle, plateau, and every
scheduler stepped with an explicit epoch) we check bit-for-bit equality.
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.optim import lr_scheduler as L

from conftest import TOL
from lossbook import schedules as S

N = 400  # steps compared with torch (>= 200)
LR = 0.3


def make_optimizer(lr=LR, kind="sgd"):
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    if kind == "adam":
        return torch.optim.Adam([p], lr=lr)
    return torch.optim.SGD([p], lr=lr, momentum=0.9 if kind == "momentum" else 0.0)


def torch_lrs(make_scheduler, n=N, lr=LR, kind="sgd", key="lr"):
    """The rate torch uses at steps 0..n-1 (read after construction and after each step)."""
    opt = make_optimizer(lr, kind)
    scheduler = make_scheduler(opt)

    def read():
        value = opt.param_groups[0][key]
        return value[0] if key == "betas" else value

    out = [read()]
    for _ in range(n - 1):
        opt.step()  # before scheduler.step(), as torch requires (else it warns)
        scheduler.step()
        out.append(read())
    return np.array(out, dtype=np.float64)


def torch_closed_form(make_scheduler, n=N, lr=LR):
    """torch's own closed form: scheduler.step(epoch), deprecated but still the closed-form path."""
    opt = make_optimizer(lr)
    scheduler = make_scheduler(opt)
    out = [opt.param_groups[0]["lr"]]
    with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
        for t in range(1, n):
            opt.step()
            scheduler.step(t)
            out.append(opt.param_groups[0]["lr"])
    return np.array(out)


def assert_matches_chainable(ours, expected, lr0=LR):
    """|ours - torch| <= rtol |torch| + rtol * lr0: rounding of torch's recursive form (module docstring)."""
    rtol, _ = TOL[np.float64]
    assert ours.shape == expected.shape and ours.dtype == np.float64
    np.testing.assert_allclose(ours, expected, rtol=rtol, atol=rtol * lr0)


# --------------------------------------------------------------------------- parity with torch, step by step


def test_constant_matches_torch():
    expected = torch_lrs(lambda o: L.LambdaLR(o, lambda t: 1.0))
    np.testing.assert_array_equal(S.values(S.constant(LR), N), expected)


@pytest.mark.parametrize("step_size", [1, 7, 30])
@pytest.mark.parametrize("gamma", [0.1, 0.5, 0.93, 1.0])
def test_step_decay_matches_torch(step_size, gamma):
    ours = S.values(S.step_decay(LR, step_size=step_size, gamma=gamma), N)
    assert_matches_chainable(ours, torch_lrs(lambda o: L.StepLR(o, step_size=step_size, gamma=gamma)))
    # torch's closed form is ours term for term: bit-for-bit equal
    np.testing.assert_array_equal(ours, torch_closed_form(lambda o: L.StepLR(o, step_size, gamma)))


@pytest.mark.parametrize("milestones", [[1], [3, 10, 11, 250], [50, 100, 150, 200, 399]])
@pytest.mark.parametrize("gamma", [0.1, 0.5, 1.0])
def test_multi_step_matches_torch(milestones, gamma):
    ours = S.values(S.multi_step(LR, milestones=milestones, gamma=gamma), N)
    assert_matches_chainable(ours, torch_lrs(lambda o: L.MultiStepLR(o, milestones, gamma=gamma)))
    np.testing.assert_array_equal(ours, torch_closed_form(lambda o: L.MultiStepLR(o, milestones, gamma)))


@pytest.mark.parametrize("gamma", [0.5, 0.97, 1.0, 1.03])
def test_exponential_matches_torch(gamma):
    ours = S.values(S.exponential(LR, gamma=gamma), N)
    assert_matches_chainable(ours, torch_lrs(lambda o: L.ExponentialLR(o, gamma=gamma)))
    np.testing.assert_array_equal(ours, torch_closed_form(lambda o: L.ExponentialLR(o, gamma)))


@pytest.mark.parametrize("T_max", [1, 2, 37, 100, 300])
@pytest.mark.parametrize("eta_min", [0.0, 0.01, LR])
def test_cosine_annealing_matches_torch_including_past_T_max(T_max, eta_min):
    ours = S.values(S.cosine_annealing(LR, T_max=T_max, eta_min=eta_min), N)
    assert_matches_chainable(ours, torch_lrs(lambda o: L.CosineAnnealingLR(o, T_max=T_max, eta_min=eta_min)))
    np.testing.assert_array_equal(ours, torch_closed_form(lambda o: L.CosineAnnealingLR(o, T_max, eta_min)))


def test_cosine_annealing_climbs_back_after_T_max():
    # torch's cosine neither stops nor restarts at T_max: period 2 T_max, back at lr0 at 2 T_max
    lr_at = S.cosine_annealing(1.0, T_max=10)
    assert lr_at(10) == 0.0 and lr_at(20) == 1.0
    assert lr_at(15) == pytest.approx(0.5, abs=1e-15)
    assert lr_at(11) > lr_at(10)


@pytest.mark.parametrize("T_0", [1, 3, 10])
@pytest.mark.parametrize("T_mult", [1, 2, 3])
@pytest.mark.parametrize("eta_min", [0.0, 0.001])
def test_cosine_warm_restarts_matches_torch_exactly(T_0, T_mult, eta_min):
    expected = torch_lrs(lambda o: L.CosineAnnealingWarmRestarts(o, T_0=T_0, T_mult=T_mult, eta_min=eta_min))
    # torch evaluates this one in closed form from an integer T_cur: no rounding difference
    np.testing.assert_array_equal(S.values(S.cosine_warm_restarts(LR, T_0=T_0, T_mult=T_mult, eta_min=eta_min),
                                           N), expected)


@pytest.mark.parametrize("warmup_steps", [1, 5, 150, 399])
@pytest.mark.parametrize("start_factor", [0.01, 1.0 / 3, 0.5, 1.0])
def test_linear_warmup_matches_torch(warmup_steps, start_factor):
    ours = S.values(S.linear_warmup(LR, warmup_steps=warmup_steps, start_factor=start_factor), N)
    assert_matches_chainable(ours, torch_lrs(lambda o: L.LinearLR(o, start_factor, 1.0, warmup_steps)))
    np.testing.assert_array_equal(ours, torch_closed_form(lambda o: L.LinearLR(o, start_factor, 1.0, warmup_steps)))


def test_linear_warmup_default_start_factor_is_torchs():
    assert_matches_chainable(S.values(S.linear_warmup(LR, warmup_steps=20), N),
                             torch_lrs(lambda o: L.LinearLR(o, total_iters=20)))


def sequential_warmup_cosine(warmup_steps, total_steps, start_factor, eta_min):
    def make(opt):
        warm = L.LinearLR(opt, start_factor=start_factor, total_iters=warmup_steps)
        cos = L.CosineAnnealingLR(opt, T_max=total_steps - warmup_steps, eta_min=eta_min)
        return L.SequentialLR(opt, [warm, cos], milestones=[warmup_steps])
    return make


@pytest.mark.parametrize("warmup_steps,total_steps", [(1, 2), (10, 300), (50, 200), (100, 400), (299, 300)])
@pytest.mark.parametrize("start_factor,eta_min", [(0.01, 0.0), (0.25, 1e-3), (1.0, 0.0)])
def test_warmup_cosine_matches_sequential_lr(warmup_steps, total_steps, start_factor, eta_min):
    ours = S.values(S.warmup_cosine(LR, warmup_steps=warmup_steps, total_steps=total_steps,
                                    start_factor=start_factor, eta_min=eta_min), N)
    expected = torch_lrs(sequential_warmup_cosine(warmup_steps, total_steps, start_factor, eta_min))
    assert_matches_chainable(ours, expected)


ONE_CYCLE_OPTIONS = [
    dict(),
    dict(anneal_strategy="linear"),
    dict(three_phase=True),
    dict(three_phase=True, anneal_strategy="linear", pct_start=0.25),
    dict(pct_start=0.1, div_factor=10.0, final_div_factor=100.0),
    dict(pct_start=0.9, div_factor=1.0),
    dict(pct_start=0.45, three_phase=True, final_div_factor=1.0),
]


@pytest.mark.parametrize("options", ONE_CYCLE_OPTIONS)
@pytest.mark.parametrize("total_steps", [200, 333])
def test_one_cycle_matches_torch_exactly(options, total_steps):
    expected = torch_lrs(lambda o: L.OneCycleLR(o, max_lr=0.5, total_steps=total_steps, cycle_momentum=False,
                                                **options), n=total_steps + 1)  # steps 0..total_steps
    ours = S.values(S.one_cycle(0.5, total_steps=total_steps, **options), total_steps + 1)
    np.testing.assert_array_equal(ours, expected)


@pytest.mark.parametrize("options", ONE_CYCLE_OPTIONS[:4])
@pytest.mark.parametrize("kind", ["momentum", "adam"])
def test_one_cycle_momentum_matches_torch_exactly(options, kind):
    momentum = dict(base_momentum=0.8, max_momentum=0.97)
    opts = {k: v for k, v in options.items() if k not in ("div_factor", "final_div_factor")}
    expected = torch_lrs(lambda o: L.OneCycleLR(o, max_lr=0.5, total_steps=250, **opts, **momentum),
                         n=251, kind=kind, key="betas" if kind == "adam" else "momentum")
    ours = S.values(S.one_cycle_momentum(total_steps=250, **opts, **momentum), 251)
    np.testing.assert_array_equal(ours, expected)


def test_one_cycle_hand_values():
    # peak 1, start 1/25 = 0.04, end 0.04 / 1e4; linear, peak at step 0.5 * 10 - 1 = 4, end at step 9
    lr_at = S.one_cycle(1.0, total_steps=10, pct_start=0.5, anneal_strategy="linear")
    assert lr_at(0) == 0.04 and lr_at(4) == 1.0
    assert lr_at(9) == pytest.approx(4e-6, rel=1e-12)
    assert lr_at(2) == pytest.approx(0.52, rel=1e-15)


def test_usable_with_any_optimizer_through_param_groups():
    # Setting group["lr"] from lr_at before each step reproduces the scheduler's parameters exactly.
    def train(drive):
        torch.manual_seed(0)
        w = torch.randn(5, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([w], lr=0.1)
        sched = None if drive else L.CosineAnnealingWarmRestarts(opt, T_0=7, T_mult=2)
        lr_at = S.cosine_warm_restarts(0.1, T_0=7, T_mult=2)
        for step in range(200):
            if drive:
                opt.param_groups[0]["lr"] = lr_at(step)
            opt.zero_grad()
            ((w - 1.0) ** 4).sum().backward()
            opt.step()
            if sched is not None:
                sched.step()
        return w.detach().numpy()

    np.testing.assert_array_equal(train(True), train(False))


# --------------------------------------------------------------------------- ReduceLROnPlateau


def run_plateau(metrics, lr=1.0, **options):
    plateau = S.reduce_on_plateau(lr, **options)
    state = plateau.init()
    states = []
    for m in metrics:
        state = plateau.update(state, m)
        states.append(state)
    return states


def torch_plateau(metrics, lr=1.0, **options):
    opt = make_optimizer(lr)
    sched = L.ReduceLROnPlateau(opt, **options)
    out = []
    for m in metrics:
        sched.step(m)
        out.append((opt.param_groups[0]["lr"], sched.best, sched.num_bad_epochs, sched.cooldown_counter,
                    sched.last_epoch))
    return out


def assert_plateau_matches_torch(metrics, lr=1.0, **options):
    states = run_plateau(metrics, lr, **options)
    expected = torch_plateau(metrics, lr, **options)
    assert [tuple(s) for s in states] == expected  # every field, exactly
    return [s.lr for s in states]


def test_plateau_patience_hand_example():
    # patience 2: after the best (2.0), the 3rd non-improving epoch in a row triggers the cut.
    lrs = assert_plateau_matches_torch([3.0, 2.0, 2.0, 2.5, 2.0, 2.0, 2.0, 2.0], factor=0.5, patience=2)
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]


def test_plateau_patience_zero_cuts_on_every_bad_epoch():
    lrs = assert_plateau_matches_torch([1.0, 2.0, 0.5, 0.6, 0.7], factor=0.5, patience=0)
    assert lrs == [1.0, 0.5, 0.5, 0.25, 0.125]


def test_plateau_mode_max():
    # an accuracy: rises, then stalls at 0.9 for patience + 1 = 2 epochs
    lrs = assert_plateau_matches_torch([0.5, 0.8, 0.9, 0.9, 0.85, 0.95], mode="max", factor=0.1, patience=1)
    assert lrs[:3] == [1.0, 1.0, 1.0] and lrs[4] == pytest.approx(0.1, rel=1e-15) and lrs[5] == lrs[4]


def test_plateau_relative_threshold():
    # rel, threshold 0.1: from best 1.0 an improvement needs m < 0.9; 0.95 and 0.91 do not count
    lrs = assert_plateau_matches_torch([1.0, 0.95, 0.91, 0.85], factor=0.5, patience=1, threshold=0.1)
    assert lrs == [1.0, 1.0, 0.5, 0.5]


def test_plateau_absolute_threshold():
    # abs, threshold 0.05: from best 10.0 an improvement needs m < 9.95 (9.97 is not one)
    lrs = assert_plateau_matches_torch([10.0, 9.97, 9.9, 9.87, 9.86], factor=0.5, patience=1, threshold=0.05,
                                       threshold_mode="abs")
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5]


def test_plateau_max_mode_absolute_threshold():
    lrs = assert_plateau_matches_torch([0.1, 0.15, 0.2, 0.3, 0.31], mode="max", threshold=0.06,
                                       threshold_mode="abs", patience=0, factor=0.5)
    assert lrs == [1.0, 0.5, 0.5, 0.5, 0.25]


def test_plateau_cooldown_holds_bad_epochs_at_zero():
    # cut at epoch 2 (patience 0), then 2 cool-down epochs, then bad epochs count again
    lrs = assert_plateau_matches_torch([1.0] * 6, factor=0.5, patience=0, cooldown=2)
    assert lrs == [1.0, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_plateau_min_lr_is_a_floor():
    lrs = assert_plateau_matches_torch([1.0] * 8, factor=0.1, patience=0, min_lr=0.005)
    assert lrs[-1] == 0.005 and min(lrs) == 0.005


def test_plateau_eps_skips_tiny_changes():
    # lr 1e-8: halving changes it by 5e-9 < eps = 1e-8, so it is never applied
    lrs = assert_plateau_matches_torch([1.0] * 5, lr=1e-8, factor=0.5, patience=0)
    assert lrs == [1e-8] * 5
    assert assert_plateau_matches_torch([1.0] * 3, lr=1e-8, factor=0.5, patience=0, eps=0.0)[-1] == 2.5e-9


def test_plateau_nan_metric_is_never_better():
    lrs = assert_plateau_matches_torch([1.0, float("nan"), float("nan")], factor=0.5, patience=1)
    assert lrs == [1.0, 1.0, 0.5]


def test_plateau_state_is_a_documented_named_tuple():
    state = S.reduce_on_plateau(0.1).init()
    assert isinstance(state, S.PlateauState)
    assert state._fields == ("lr", "best", "num_bad_epochs", "cooldown_counter", "last_epoch")
    assert state == (0.1, math.inf, 0, 0, 0)
    assert S.reduce_on_plateau(0.1, mode="max").init().best == -math.inf


def test_plateau_accepts_numpy_and_torch_scalars():
    plateau = S.reduce_on_plateau(1.0)
    state = plateau.update(plateau.init(), np.float32(2.0))
    state = plateau.update(state, torch.tensor(1.0))
    assert state.best == 1.0


@given(metrics=st.lists(st.sampled_from([0.5, 0.9, 1.0, 1.0, 1.05, 2.0]), min_size=1, max_size=40),
       mode=st.sampled_from(["min", "max"]), threshold_mode=st.sampled_from(["rel", "abs"]),
       threshold=st.sampled_from([0.0, 1e-4, 0.05, 0.2]), patience=st.integers(0, 4),
       cooldown=st.integers(0, 3), factor=st.sampled_from([0.1, 0.5, 0.9]),
       min_lr=st.sampled_from([0.0, 0.01, 0.3]), eps=st.sampled_from([0.0, 1e-8, 0.05]))
def test_plateau_matches_torch_on_random_sequences(metrics, mode, threshold_mode, threshold, patience, cooldown,
                                                   factor, min_lr, eps):
    assert_plateau_matches_torch(metrics, mode=mode, threshold_mode=threshold_mode, threshold=threshold,
                                 patience=patience, cooldown=cooldown, factor=factor, min_lr=min_lr, eps=eps)


# --------------------------------------------------------------------------- properties


lrs0 = st.floats(1e-5, 10.0)
steps = st.integers(0, 2000)


def non_increasing(v):
    return bool(np.all(np.diff(v) <= 0))


@given(lr=lrs0, step_size=st.integers(1, 50), gamma=st.floats(0.01, 1.0), milestones=st.sets(
    st.integers(1, 300), min_size=1, max_size=6), exp_gamma=st.floats(0.5, 1.0))
def test_decays_are_non_increasing_and_within_lr(lr, step_size, gamma, milestones, exp_gamma):
    for lr_at in (S.step_decay(lr, step_size=step_size, gamma=gamma),
                  S.multi_step(lr, milestones=sorted(milestones), gamma=gamma),
                  S.exponential(lr, gamma=exp_gamma)):
        v = S.values(lr_at, 300)
        assert non_increasing(v) and v[0] == lr and np.all(v >= 0)  # may underflow to 0


@given(lr=lrs0, T_max=st.integers(1, 300), frac=st.floats(0.0, 1.0))
def test_cosine_is_non_increasing_to_T_max_and_within_eta_min_lr(lr, T_max, frac):
    eta_min = frac * lr
    lr_at = S.cosine_annealing(lr, T_max=T_max, eta_min=eta_min)
    v = S.values(lr_at, T_max + 1)
    # lr_at(0) is eta_min + (lr - eta_min), which may round 1 ulp away from lr (as torch's closed form does)
    assert non_increasing(v) and v[0] == pytest.approx(lr, rel=1e-15)
    assert v[-1] == pytest.approx(eta_min, rel=1e-12, abs=1e-15 * lr)
    w = S.values(lr_at, 3 * T_max + 1)  # past T_max too
    assert np.all((w >= eta_min * (1 - 1e-15)) & (w <= lr * (1 + 1e-15)))


@given(lr=lrs0, T_0=st.integers(1, 30), t=st.integers(0, 500), frac=st.floats(0.0, 1.0))
def test_warm_restarts_with_T_mult_1_are_periodic(lr, T_0, t, frac):
    lr_at = S.cosine_warm_restarts(lr, T_0=T_0, eta_min=frac * lr)
    assert lr_at(t + T_0) == lr_at(t)
    assert lr_at(t - t % T_0) == pytest.approx(lr, rel=1e-15)  # every multiple of T_0 is a restart
    assert frac * lr * (1 - 1e-15) <= lr_at(t) <= lr * (1 + 1e-15)


@given(lr=lrs0, T_0=st.integers(1, 20), T_mult=st.integers(2, 4), k=st.integers(0, 5))
def test_warm_restarts_restart_at_the_geometric_sum(lr, T_0, T_mult, k):
    restart = T_0 * (T_mult**k - 1) // (T_mult - 1)  # T_0 + T_0 T_mult + ... (k cycles)
    lr_at = S.cosine_warm_restarts(lr, T_0=T_0, T_mult=T_mult)
    assert lr_at(restart) == lr
    cycle = S.values(lambda t: lr_at(restart + t), T_0 * T_mult**k)  # the whole k-th cycle
    assert non_increasing(cycle) and cycle[-1] > 0 and lr_at(restart + T_0 * T_mult**k) == lr


@given(lr=lrs0, warmup_steps=st.integers(1, 100), start_factor=st.floats(1e-3, 1.0), extra=st.integers(1, 200))
def test_warmups_rise_to_lr(lr, warmup_steps, start_factor, extra):
    v = S.values(S.linear_warmup(lr, warmup_steps=warmup_steps, start_factor=start_factor), warmup_steps + 20)
    assert np.all(np.diff(v) >= 0) and v[0] == pytest.approx(start_factor * lr, rel=1e-15)
    # f0 + (1 - f0) W / W can round 1 ulp away from 1, in torch's closed form as here
    np.testing.assert_allclose(v[warmup_steps:], lr, rtol=1e-15, atol=0)
    assert np.all(v[warmup_steps:] == v[-1])  # and stays put
    wc = S.values(S.warmup_cosine(lr, warmup_steps=warmup_steps, total_steps=warmup_steps + extra,
                                  start_factor=start_factor), warmup_steps + extra + 1)
    assert wc[warmup_steps] == lr and wc.max() == pytest.approx(lr, rel=1e-15)
    assert np.all(np.diff(wc[:warmup_steps + 1]) >= 0) and non_increasing(wc[warmup_steps:])


@given(max_lr=lrs0, total_steps=st.integers(20, 500), pct_start=st.floats(0.1, 0.45),
       three_phase=st.booleans(), strategy=st.sampled_from(["cos", "linear"]))
def test_one_cycle_stays_between_its_end_points_and_peaks_once(max_lr, total_steps, pct_start, three_phase,
                                                               strategy):
    v = S.values(S.one_cycle(max_lr, total_steps=total_steps, pct_start=pct_start, three_phase=three_phase,
                             anneal_strategy=strategy), total_steps)
    lo, ulps = max_lr / 25.0 / 1e4, 4e-16 * max_lr  # interpolation rounds on the scale of max_lr
    assert np.all((v >= lo - ulps) & (v <= max_lr + ulps))
    peak = int(np.argmax(v))
    assert np.all(np.diff(v[: peak + 1]) >= -ulps)  # rises to the peak ...
    if not three_phase:
        assert np.all(np.diff(v[peak:]) <= ulps)  # ... then only falls
    assert v[-1] == pytest.approx(lo, abs=ulps)  # ... to max_lr / 25 / 1e4 at step T - 1


# --------------------------------------------------------------------------- errors


BAD_ARGUMENTS = [
    (S.constant, dict(lr=0.0), ValueError, "lr must be a finite number > 0; got 0.0."),
    (S.constant, dict(lr=float("nan")), ValueError, "lr must be a finite number > 0; got nan."),
    (S.step_decay, dict(lr=0.1, step_size=0), ValueError, "step_size must be an integer >= 1; got 0."),
    (S.step_decay, dict(lr=0.1, step_size=2.5), TypeError, "step_size must be an integer; got 2.5 of type float."),
    (S.step_decay, dict(lr=0.1, step_size=10, gamma=1.5), ValueError, r"gamma must be in (0, 1]; got 1.5."),
    (S.step_decay, dict(lr=0.1, step_size=10, gamma=0.0), ValueError, r"gamma must be in (0, 1]; got 0.0."),
    (S.multi_step, dict(lr=0.1, milestones=[30, 10]), ValueError,
     "milestones must be a non-empty, strictly increasing sequence of integers >= 1; got [30, 10]."),
    (S.multi_step, dict(lr=0.1, milestones=[]), ValueError,
     "milestones must be a non-empty, strictly increasing sequence of integers >= 1; got []."),
    (S.multi_step, dict(lr=0.1, milestones=[0, 5]), ValueError,
     "milestones must be a non-empty, strictly increasing sequence of integers >= 1; got [0, 5]."),
    (S.multi_step, dict(lr=0.1, milestones=[10, 20.5]), TypeError,
     "milestones must be a sequence of integers; got 20.5 in [10, 20.5]."),
    (S.multi_step, dict(lr=0.1, milestones=10), TypeError, "milestones must be a sequence of integers; got 10."),
    (S.exponential, dict(lr=0.1, gamma=-0.9), ValueError, "gamma must be a finite number > 0; got -0.9."),
    (S.cosine_annealing, dict(lr=0.1, T_max=0), ValueError, "T_max must be an integer >= 1; got 0."),
    (S.cosine_annealing, dict(lr=0.1, T_max=10, eta_min=0.2), ValueError, r"eta_min must be in [0, 0.1]; got 0.2."),
    (S.cosine_annealing, dict(lr=0.1, T_max=10, eta_min=-1e-3), ValueError,
     r"eta_min must be in [0, 0.1]; got -0.001."),
    (S.cosine_warm_restarts, dict(lr=0.1, T_0=0), ValueError, "T_0 must be an integer >= 1; got 0."),
    (S.cosine_warm_restarts, dict(lr=0.1, T_0=10, T_mult=0), ValueError, "T_mult must be an integer >= 1; got 0."),
    (S.cosine_warm_restarts, dict(lr=0.1, T_0=10, T_mult=1.5), TypeError,
     "T_mult must be an integer; got 1.5 of type float."),
    (S.linear_warmup, dict(lr=0.1, warmup_steps=0), ValueError, "warmup_steps must be an integer >= 1; got 0."),
    (S.linear_warmup, dict(lr=0.1, warmup_steps=5, start_factor=0.0), ValueError,
     r"start_factor must be in (0, 1]; got 0.0."),
    (S.warmup_cosine, dict(lr=0.1, warmup_steps=100, total_steps=100), ValueError,
     "total_steps must be an integer >= 101; got 100."),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start=1.0), ValueError,
     r"pct_start must be in (0, 1); got 1.0."),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, anneal_strategy="cosine"), ValueError,
     "anneal_strategy must be one of 'cos' or 'linear'; got 'cosine'."),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start=0.005), ValueError,
     "pct_start and total_steps must leave every phase at least one step (pct_start * total_steps > 1); "
     "got pct_start=0.005, total_steps=100."),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start=0.6, three_phase=True), ValueError,
     r"pct_start and total_steps must leave every phase at least one step "
     r"(1 < pct_start * total_steps < (total_steps + 1) / 2); got pct_start=0.6, total_steps=100."),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, three_phase="yes"), TypeError,
     "three_phase must be True or False; got 'yes' of type str."),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, div_factor=0), ValueError,
     "div_factor must be a finite number > 0; got 0."),
    (S.one_cycle_momentum, dict(total_steps=100, base_momentum=0.9, max_momentum=0.8), ValueError,
     r"max_momentum must be in [0.9, 1]; got 0.8."),
    (S.reduce_on_plateau, dict(lr=0.1, mode="minimum"), ValueError,
     "mode must be one of 'min' or 'max'; got 'minimum'."),
    (S.reduce_on_plateau, dict(lr=0.1, threshold_mode="relative"), ValueError,
     "threshold_mode must be one of 'rel' or 'abs'; got 'relative'."),
    (S.reduce_on_plateau, dict(lr=0.1, factor=1.0), ValueError, r"factor must be in (0, 1); got 1.0."),
    (S.reduce_on_plateau, dict(lr=0.1, patience=-1), ValueError, "patience must be an integer >= 0; got -1."),
    (S.reduce_on_plateau, dict(lr=0.1, cooldown=1.0), TypeError, "cooldown must be an integer; got 1.0 of type float."),
    (S.reduce_on_plateau, dict(lr=0.1, threshold=-1e-4), ValueError, r"threshold must be in [0, inf); got -0.0001."),
    (S.reduce_on_plateau, dict(lr=0.1, min_lr=1.0), ValueError, r"min_lr must be in [0, 0.1]; got 1.0."),
    (S.reduce_on_plateau, dict(lr=0.1, eps=-1.0), ValueError, r"eps must be in [0, inf); got -1.0."),
]


@pytest.mark.parametrize("factory,kwargs,error,message", BAD_ARGUMENTS,
                         ids=[f"{f.__name__}-{'-'.join(map(str, k))}" for f, k, _, _ in BAD_ARGUMENTS])
def test_bad_arguments_raise_clear_errors(factory, kwargs, error, message):
    with pytest.raises(error) as info:
        factory(**kwargs)
    assert str(info.value) == message


@pytest.mark.parametrize("lr_at", [S.constant(0.1), S.step_decay(0.1, step_size=3), S.cosine_annealing(0.1, T_max=5),
                                   S.one_cycle(0.1, total_steps=10), S.warmup_cosine(0.1, warmup_steps=2,
                                                                                     total_steps=5)])
def test_steps_must_be_non_negative_integers(lr_at):
    with pytest.raises(ValueError, match=r"^step must be an integer >= 0; got -1\.$"):
        lr_at(-1)
    with pytest.raises(TypeError, match=r"^step must be an integer; got 1\.5 of type float\.$"):
        lr_at(1.5)
    assert lr_at(np.int64(2)) == lr_at(2)  # NumPy integers are integers


def test_one_cycle_refuses_steps_past_the_cycle_like_torch():
    lr_at = S.one_cycle(0.1, total_steps=10)
    lr_at(10)  # the last step torch allows
    with pytest.raises(ValueError, match=r"step must be an integer in \[0, total_steps\] = \[0, 10\] "
                                         r"\(torch raises past the cycle too\); got 11\."):
        lr_at(11)
    opt = make_optimizer()
    sched = L.OneCycleLR(opt, max_lr=0.1, total_steps=10, cycle_momentum=False)
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        for _ in range(11):
            opt.step()
            sched.step()


def test_plateau_metric_must_be_a_number():
    plateau = S.reduce_on_plateau(0.1)
    with pytest.raises(TypeError, match=r"^metric must be a real number; got 'low' of type str\.$"):
        plateau.update(plateau.init(), "low")


def test_values():
    v = S.values(S.exponential(2.0, gamma=0.5), 4)
    assert v.dtype == np.float64 and v.tolist() == [2.0, 1.0, 0.5, 0.25]
    assert S.values(S.constant(1.0), 0).shape == (0,)
    with pytest.raises(TypeError, match=r"^lr_at must be a schedule, a function of the step; got 0\.1\.$"):
        S.values(0.1, 3)
    with pytest.raises(ValueError, match=r"^n must be an integer >= 0; got -2\.$"):
        S.values(S.constant(1.0), -2)
