"""Optimizers: every option against torch.optim over 200 steps, hand-derived steps, properties, errors.

Oracles: ``torch.optim.SGD``, ``RMSprop``, ``Adam`` and ``AdamW`` (the
single-tensor path, ``foreach=False``; the ``foreach`` and ``fused`` paths are
checked too; ``differentiable=True`` is the single-tensor path with
out-of-place operations and needs non-leaf parameters, so it is not run
here), torch autograd for the test problems' gradients, hand-derived
recurrences and closed forms, and ``np.linalg.eigvals`` for the momentum rate.

The parity runs are lock-step: at every step torch computes the gradient at
*its* parameters, and the same gradient is fed to both optimizers, which each
keep their own parameters and state; the two 200-step trajectories are then
compared. (torch's CPU kernels fuse multiply-adds, so single steps agree to a
few ulps, not bit for bit; fed their own gradients, two trajectories of an
adaptive optimizer hovering around a minimum would amplify those ulps, a
property of the dynamics rather than of either implementation.)

The three problems (Rosenbrock, a rotated ill-conditioned quadratic and a
one-hidden-layer tanh regression network with four parameter tensors) run as
one objective, the sum of the three: every optimizer here is elementwise, so
this is the same as three separate runs, at a third of the cost.
"""
import functools
import itertools
import re

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conftest import TOL, assert_close, assert_close_to_scale
from lossbook import optim

STEPS = 200


#: Tiny tensors: torch's intra-op threads only add synchronisation, and stall on a busy machine.
pytestmark = pytest.mark.usefixtures("one_torch_thread")

# --------------------------------------------------------------------------- the parity problem

_rng = np.random.default_rng(2024)
_H = optim._hessian(10.0, 0.5, np.float64)
_X = _rng.normal(size=(16, 3))
_Y = _rng.normal(size=(16, 1))
P0 = [
    np.array([-1.5, 2.0]),  # Rosenbrock
    np.array([2.0, -1.5]),  # quadratic, condition 10, rotated by 0.5 rad
    _rng.normal(size=(8, 3)),  # W1, b1, W2, b2 of the tanh network
    _rng.normal(size=8),
    _rng.normal(size=(1, 8)),
    _rng.normal(size=1),
]


_H_T, _X_T, _Y_T = torch.tensor(_H), torch.tensor(_X), torch.tensor(_Y)
LR = 0.01


def torch_objectives(p):
    """The objective of K parameter sets at once (each p[j] has a leading axis of K); shape (K,)."""
    r, q, W1, b1, W2, b2 = p
    rosen = (1 - r[:, 0]) ** 2 + 100 * (r[:, 1] - r[:, 0] ** 2) ** 2
    quad = 0.5 * torch.einsum("ki,ij,kj->k", q, _H_T, q)
    hidden = torch.tanh(torch.einsum("nd,khd->knh", _X_T, W1) + b1[:, None, :])
    mlp = ((torch.einsum("knh,koh->kno", hidden, W2) + b2[:, None, :] - _Y_T) ** 2).mean(dim=(1, 2))
    return 0.01 * rosen + quad + mlp  # 0.01: one learning rate suits all three


def flat(arrays):
    return np.concatenate([np.asarray(a).ravel() for a in arrays])


def lockstep(ours, torch_opts, *, signs=None, hook=None, steps=STEPS):
    """K pairs (ours[k], torch_opts[k]) run in lock-step from P0; returns two arrays (K, steps + 1, P).

    At each step torch's autograd differentiates ``signs[k] * objective`` (-1
    for ``maximize``: ascend -f) at torch's parameters, and that gradient goes
    to both optimizers of pair k. ``hook(t, torch_opt)``, if given, may change
    torch's param_groups and returns the ``lr`` for ours (None: its own).
    """
    tparams = [opt.param_groups[0]["params"] for opt in torch_opts]
    params = [[p.detach().numpy().copy() for p in tp] for tp in tparams]
    states = [o.init(p) for o, p in zip(ours, params)]
    sign = torch.tensor(signs or [1.0] * len(ours), dtype=torch.float64)
    mine, theirs = [[flat(p)] for p in params], [[flat(p)] for p in params]
    for t in range(steps):
        stacked = [torch.stack([tp[j].detach() for tp in tparams]).requires_grad_() for j in range(len(P0))]
        grads = torch.autograd.grad((sign * torch_objectives(stacked)).sum(), stacked)
        for k, (opt, torch_opt) in enumerate(zip(ours, torch_opts)):
            # contiguous, like the parameter: einsum's backward can hand out permuted strides, and
            # torch's fused kernels pair param and grad elements by memory order (the "gradient
            # layout contract" that autograd's AccumulateGrad normally enforces; pytorch#106951).
            g = [gj[k].clone(memory_format=torch.contiguous_format) for gj in grads]
            lr = hook(t, torch_opt) if hook else None
            params[k], states[k] = opt.update(params[k], [gi.numpy() for gi in g], states[k], lr=lr)
            for p, gi in zip(tparams[k], g):
                p.grad = gi
            torch_opt.step()
            mine[k].append(flat(params[k]))
            theirs[k].append(flat(p.detach().numpy() for p in tparams[k]))
    return np.array(mine), np.array(theirs)


def assert_same_trajectory(mine, theirs):
    assert np.all(np.isfinite(theirs))
    # 1e-12 relative to each parameter's own size along the run (a parameter
    # crossing zero keeps the absolute error of its typical magnitude).
    assert_close_to_scale(mine, theirs, scale=np.max(np.abs(theirs), axis=0))
    assert np.max(np.abs(mine[-1] - theirs[0])) > 1e-3  # the run went somewhere


def fresh_params():
    return [torch.tensor(p, requires_grad=True) for p in P0]


SGD_GRID = [
    dict(momentum=m, dampening=d, nesterov=n, weight_decay=wd, maximize=mx)
    for (m, d, n), wd, mx in itertools.product(
        [(0.0, 0.0, False), (0.0, 0.5, False), (0.9, 0.0, False), (0.9, 0.5, False), (0.9, 0.0, True)],
        [0.0, 0.1],
        [False, True],
    )
]
RMSPROP_GRID = [
    dict(alpha=a, eps=e, centered=c, momentum=m, weight_decay=wd, maximize=mx)
    for a, e, c, m, wd, mx in itertools.product(
        [0.99, 0.9], [1e-8, 1e-3], [False, True], [0.0, 0.9], [0.0, 0.1], [False]
    )
] + [dict(maximize=True), dict(maximize=True, centered=True, momentum=0.9, weight_decay=0.1)]
ADAM_GRID = [
    dict(amsgrad=a, weight_decay=wd, betas=b)
    for a, wd, b in itertools.product([False, True], [0.0, 0.1], [(0.9, 0.999), (0.5, 0.9), (0.0, 0.99)])
] + [dict(maximize=True), dict(maximize=True, amsgrad=True, weight_decay=0.1)]
GRIDS = {
    "sgd": (optim.sgd, torch.optim.SGD, SGD_GRID),
    "rmsprop": (optim.rmsprop, torch.optim.RMSprop, RMSPROP_GRID),
    "adam": (optim.adam, torch.optim.Adam, ADAM_GRID),
    "adamw": (optim.adamw, torch.optim.AdamW, ADAM_GRID + [{}]),  # {}: both default to weight_decay=1e-2
}


@functools.lru_cache(maxsize=None)
def grid_run(name):
    """Every option combination of one optimizer, run once and shared by the parametrized tests."""
    ours_factory, torch_cls, grid = GRIDS[name]
    ours = [ours_factory(LR, **o) for o in grid]
    torch_opts = [torch_cls(fresh_params(), lr=LR, foreach=False, **o) for o in grid]
    return lockstep(ours, torch_opts, signs=[-1.0 if o.get("maximize") else 1.0 for o in grid])


@pytest.mark.parametrize(
    "name, index", [(n, i) for n, (_, _, grid) in GRIDS.items() for i in range(len(grid))],
    ids=[f"{n}-{o}" for n, (_, _, grid) in GRIDS.items() for o in grid],
)
def test_matches_torch_over_200_steps(name, index):
    mine, theirs = grid_run(name)
    assert_same_trajectory(mine[index], theirs[index])


OTHER_PATHS = [
    (optim.sgd, torch.optim.SGD, dict(momentum=0.9, nesterov=True, weight_decay=0.1), {"foreach": True}),
    (optim.sgd, torch.optim.SGD, dict(momentum=0.9, dampening=0.5, weight_decay=0.1), {"fused": True}),
    (optim.rmsprop, torch.optim.RMSprop, dict(centered=True, momentum=0.9, weight_decay=0.1), {"foreach": True}),
    (optim.adam, torch.optim.Adam, dict(amsgrad=True, weight_decay=0.1), {"foreach": True}),
    (optim.adam, torch.optim.Adam, dict(amsgrad=True, weight_decay=0.1), {"fused": True}),
    (optim.adamw, torch.optim.AdamW, dict(amsgrad=True), {"foreach": True}),
    (optim.adamw, torch.optim.AdamW, dict(amsgrad=True), {"fused": True}),
]


def test_torchs_foreach_and_fused_paths_agree_too():
    ours = [factory(LR, **o) for factory, _, o, _ in OTHER_PATHS]
    torch_opts = [cls(fresh_params(), lr=LR, **o, **flags) for _, cls, o, flags in OTHER_PATHS]
    mine, theirs = lockstep(ours, torch_opts)
    for k in range(len(OTHER_PATHS)):
        assert_same_trajectory(mine[k], theirs[k])


def test_lr_override_follows_a_schedule_like_torch():
    def hook(t, torch_opt):
        torch_opt.param_groups[0]["lr"] = 0.02 * 0.98**t
        return 0.02 * 0.98**t

    mine, theirs = lockstep([optim.adam(LR)], [torch.optim.Adam(fresh_params(), lr=LR, foreach=False)], hook=hook)
    assert_same_trajectory(mine[0], theirs[0])


# --------------------------------------------------------------------------- Adam without bias correction


def hand_adam_without_correction(p, grads, *, lr, beta1, beta2, eps):
    """The recurrence of Kingma and Ba's Algorithm 1 with the two corrections left out, written anew."""
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    out = [p]
    for g in grads:
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        p = p - lr * m / (np.sqrt(v) + eps)
        out.append(p)
    return np.array(out)


def test_adam_without_bias_correction_matches_the_hand_written_recurrence(rng):
    grads = rng.normal(size=(STEPS, 5)) * np.array([1e-3, 1e-1, 1.0, 10.0, 1e3])
    p0 = rng.normal(size=5)
    opt = optim.adam(0.01, betas=(0.8, 0.99), eps=1e-6, bias_correction=False)
    p, state, path = p0, opt.init(p0), [p0]
    for g in grads:
        p, state = opt.update(p, g, state)
        path.append(p)
    expected = hand_adam_without_correction(p0, grads, lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6)
    assert_close_to_scale(np.array(path), expected, scale=np.max(np.abs(expected), axis=0))


def test_adam_without_bias_correction_is_torch_adam_with_rescaled_lr_and_eps():
    # Uncorrected Adam = corrected Adam with lr_t = lr (1 - b1^t) / sqrt(1 - b2^t), eps_t = eps / sqrt(1 - b2^t).
    b1, b2, eps = 0.9, 0.999, 1e-8

    def hook(t, torch_opt):
        group, bc2 = torch_opt.param_groups[0], 1 - b2 ** (t + 1)
        group["lr"], group["eps"] = LR * (1 - b1 ** (t + 1)) / bc2**0.5, eps / bc2**0.5
        return None  # ours keeps its constant lr

    ours = optim.adam(LR, betas=(b1, b2), eps=eps, bias_correction=False)
    mine, theirs = lockstep([ours], [torch.optim.Adam(fresh_params(), lr=LR, foreach=False)], hook=hook)
    assert_same_trajectory(mine[0], theirs[0])


def test_adam_first_steps_by_hand():
    # t = 1: m = (1 - b1) g, v = (1 - b2) g^2. Corrected: step lr g/|g| (eps = 0). Uncorrected:
    # lr (1 - b1)/sqrt(1 - b2) sign(g) = 0.1 * 0.1/sqrt(0.001) = 0.1 sqrt(10) for g = 2.
    p0, g = np.array([1.0]), np.array([2.0])
    corrected = optim.adam(0.1, eps=0.0)
    plain = optim.adam(0.1, eps=0.0, bias_correction=False)
    p1, s1 = corrected.update(p0, g, corrected.init(p0))
    q1, r1 = plain.update(p0, g, plain.init(p0))
    assert_close(p1, [0.9])
    assert_close(q1, [1.0 - 0.1 * np.sqrt(10.0)])
    assert_close(s1.exp_avg, [0.2])
    assert_close(s1.exp_avg_sq, [0.004])
    # t = 2, same gradient: corrected still lr; uncorrected lr (1 - 0.81)/sqrt(1 - 0.998001).
    p2, _ = corrected.update(p1, g, s1)
    q2, _ = plain.update(q1, g, r1)
    assert_close(p2, [0.8])
    assert_close(q2, q1 - 0.1 * 0.19 / np.sqrt(1 - 0.999**2))


# --------------------------------------------------------------------------- other hand-derived results


def test_momentum_on_a_constant_gradient_by_hand():
    # b_t = g (1 - mu^t)/(1 - mu), so theta_t = theta_0 - lr g sum_{s<=t} (1 - mu^s)/(1 - mu) -> steps of lr g/(1 - mu).
    mu, lr, g, t = 0.9, 0.01, np.array([3.0]), 100
    opt = optim.sgd(lr, momentum=mu)
    p, state = np.array([0.0]), opt.init(np.zeros(1))
    for _ in range(t):
        p_before = p
        p, state = opt.update(p, g, state)
    s = np.arange(1, t + 1)
    assert_close(p, -lr * g * np.sum((1 - mu**s) / (1 - mu)), scale=1.0)
    assert_close(p_before - p, lr * g * (1 - mu**t) / (1 - mu))  # the last step: nearly 10 lr g


def test_sgd_dampening_leaves_the_first_gradient_whole():
    opt = optim.sgd(1.0, momentum=0.5, dampening=0.5)
    p1, s1 = opt.update(np.zeros(1), np.array([4.0]), opt.init(np.zeros(1)))
    p2, _ = opt.update(p1, np.array([4.0]), s1)
    assert p1[0] == -4.0  # b_1 = g (not (1 - 0.5) g)
    assert p2[0] == -4.0 - (0.5 * 4.0 + 0.5 * 4.0)  # b_2 = 0.5 b_1 + 0.5 g


def test_nesterov_step_by_hand():
    # b_1 = g; step g + mu b_1 = (1 + mu) g.
    opt = optim.sgd(0.1, momentum=0.9, nesterov=True)
    p1, _ = opt.update(np.array([1.0]), np.array([1.0]), opt.init(np.zeros(1)))
    assert_close(p1, [1.0 - 0.1 * 1.9])


def test_rmsprop_first_step_by_hand():
    # v_1 = (1 - alpha) g^2: the step is lr/sqrt(1 - alpha) whatever g (eps = 0);
    # centred: v - gbar^2 = (1 - alpha) g^2 - (1 - alpha)^2 g^2 = alpha (1 - alpha) g^2.
    g = np.array([-7.0, 0.01])
    plain = optim.rmsprop(0.01, alpha=0.9, eps=0.0)
    centred = optim.rmsprop(0.01, alpha=0.9, eps=0.0, centered=True)
    assert_close(plain.update(np.zeros(2), g, plain.init(np.zeros(2)))[0], -0.01 * np.sign(g) / np.sqrt(0.1))
    assert_close(centred.update(np.zeros(2), g, centred.init(np.zeros(2)))[0], -0.01 * np.sign(g) / np.sqrt(0.09))


def test_adamw_decays_every_weight_by_the_same_factor():
    # Zero gradient: theta_t = (1 - lr lambda)^t theta_0 exactly as derived.
    opt = optim.adamw(0.1, weight_decay=0.5)
    p0 = np.array([2.0, -3.0, 1e-3])
    p, state = p0, opt.init(p0)
    for _ in range(10):
        p, state = opt.update(p, np.zeros(3), state)
    assert_close(p, p0 * 0.95**10)


def test_adam_l2_decay_depends_on_the_gradient_scale_and_adamw_does_not():
    # Two weights with equal value and gradients 1e-3 and 1: after one step Adam + L2 has
    # normalised g + lambda w, so the small-gradient weight's step is dominated by the decay.
    w, g = np.array([1.0, 1.0]), np.array([1e-3, 1.0])
    l2 = optim.adam(0.1, weight_decay=0.1, eps=0.0)
    decoupled = optim.adamw(0.1, weight_decay=0.1, eps=0.0)
    w_l2, _ = l2.update(w, g, l2.init(w))
    w_dec, _ = decoupled.update(w, g, decoupled.init(w))
    assert_close(w_l2, [0.9, 0.9])  # both steps are lr sign(g + lambda w): L2 and data are indistinguishable
    assert_close(w_dec, [0.99 - 0.1, 0.99 - 0.1])  # (1 - lr lambda) w - lr sign(g)


# --------------------------------------------------------------------------- minibatches


@given(n=st.integers(1, 50), batch_size=st.integers(1, 60), drop_last=st.booleans(), seed=st.integers(0, 100))
def test_minibatches_cover_each_index_once(n, batch_size, drop_last, seed):
    batches = optim.minibatches(n, batch_size, rng=np.random.default_rng(seed), drop_last=drop_last)
    sizes = [len(b) for b in batches]
    full, rest = divmod(n, batch_size)
    assert sizes == [batch_size] * full + ([rest] if rest and not drop_last else [])
    flat = np.concatenate(batches) if batches else np.array([], dtype=np.int64)
    assert len(set(flat.tolist())) == len(flat) and set(flat.tolist()) <= set(range(n))
    assert all(b.dtype == np.int64 for b in batches)


def test_minibatches_full_batch_and_sgd_extremes():
    rng = np.random.default_rng(0)
    assert [len(b) for b in optim.minibatches(7, 7, rng=rng)] == [7]
    assert [len(b) for b in optim.minibatches(3, 1, rng=rng)] == [1, 1, 1]
    assert optim.minibatches(3, 5, rng=rng, drop_last=True) == []
    # Shuffled: the same seed gives the same order, the order is a permutation and not always sorted.
    a = optim.minibatches(20, 20, rng=np.random.default_rng(5))[0]
    assert np.array_equal(a, np.random.default_rng(5).permutation(20)) and not np.array_equal(a, np.arange(20))


# --------------------------------------------------------------------------- test problems


def torch_value_grad(fn, xy):
    t = torch.tensor(xy, requires_grad=True)
    value = fn(t)
    (grad,) = torch.autograd.grad(value.sum(), t)
    return value.detach().numpy(), grad.numpy()


@given(xy=hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.just(2)), elements=st.floats(-3, 3)))
def test_rosenbrock_and_gradient_match_torch(xy):
    value, grad = torch_value_grad(lambda t: (1 - t[..., 0]) ** 2 + 100 * (t[..., 1] - t[..., 0] ** 2) ** 2, xy)
    assert_close(optim.rosenbrock(xy), value, scale=np.max(value))
    assert_close(optim.rosenbrock_grad(xy), grad, scale=np.max(np.abs(grad)))


@given(
    xy=hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.just(2)), elements=st.floats(-3, 3)),
    condition=st.floats(1, 1e3),
    angle=st.floats(-3, 3),
)
def test_quadratic_and_gradient_match_torch(xy, condition, angle):
    c, s = np.cos(angle), np.sin(angle)
    u = torch.tensor([[c, s], [-s, c]])  # coordinates along the rotated eigenvectors
    value, grad = torch_value_grad(lambda t: 0.5 * ((t @ u.T)[..., 0] ** 2 + condition * (t @ u.T)[..., 1] ** 2), xy)
    scale = condition * np.max(xy**2, initial=1.0)
    assert_close(optim.quadratic(xy, condition=condition, angle=angle), value, scale=scale)
    assert_close(optim.quadratic_grad(xy, condition=condition, angle=angle), grad, scale=scale)


def test_quadratic_hessian_has_eigenvalues_1_and_condition():
    # Hessian by differencing the (linear) gradient along the axes.
    H = np.stack([optim.quadratic_grad(e, condition=25.0, angle=0.3) for e in np.eye(2)])
    assert_close(np.linalg.eigvalsh(H), [1.0, 25.0], scale=25.0)
    assert_close(optim.quadratic_grad([0.0, 1.0], condition=25.0), [0.0, 25.0])  # angle 0: steep along y


@pytest.mark.parametrize("fn", [optim.rosenbrock, optim.rosenbrock_grad, optim.quadratic, optim.quadratic_grad])
def test_problems_keep_float32(fn):
    assert fn(np.ones((3, 2), np.float32)).dtype == np.float32


# --------------------------------------------------------------------------- trajectory


def test_trajectory_with_a_schedule_by_hand():
    # GD on x^T x / 2 multiplies x by (1 - lr_t) each step.
    lrs = [0.5, 0.25, 0.1]
    path = optim.trajectory(optim.sgd(1.0), lambda x: x, [8.0, -4.0], steps=3, lr_at=lambda t: lrs[t])
    factors = np.cumprod([1.0] + [1 - lr for lr in lrs])
    assert_close(path, factors[:, None] * np.array([8.0, -4.0]))


def test_trajectory_records_divergence_as_nan_without_warnings():
    # lr above 2/L = 0.2 on the condition-10 quadratic: |1 - lr L| = 2 doubles y each step until overflow.
    path = optim.trajectory(optim.sgd(0.3), optim.quadratic_grad, [0.0, 1.0], steps=2000)
    assert path.shape == (2001, 2)
    assert_close(path[1], [0.0, -2.0])
    first_nan = np.argmax(np.isnan(path[:, 1]))
    assert 1000 < first_nan < 1100 and np.all(np.isnan(path[first_nan:]))  # 2^1024 overflows float64


def test_trajectory_of_zero_steps_and_integer_start():
    path = optim.trajectory(optim.adam(), optim.rosenbrock_grad, [1, 2], steps=0)
    assert path.dtype == np.float64 and path.tolist() == [[1.0, 2.0]]


def test_trajectory_matches_torch_on_rosenbrock():
    x0 = np.array([-1.0, 1.5])
    path = optim.trajectory(optim.adam(0.05, amsgrad=True), optim.rosenbrock_grad, x0, steps=STEPS)
    t = torch.tensor(x0, requires_grad=True)
    torch_opt = torch.optim.Adam([t], lr=0.05, amsgrad=True, foreach=False)
    expected = [x0]
    for _ in range(STEPS):
        torch_opt.zero_grad()
        ((1 - t[0]) ** 2 + 100 * (t[1] - t[0] ** 2) ** 2).backward()
        torch_opt.step()
        expected.append(t.detach().numpy().copy())
    # Independent trajectories (each its own gradient): still equal, Adam with amsgrad settles smoothly here.
    assert_close(path, np.array(expected), scale=2.0)


# --------------------------------------------------------------------------- momentum theory


@given(lr=st.floats(0, 1), momentum=st.floats(0, 0.99), h=st.lists(st.floats(0, 10), min_size=1, max_size=4))
def test_momentum_rate_is_the_spectral_radius_of_the_iteration(lr, momentum, h):
    radii = [
        np.max(np.abs(np.linalg.eigvals(np.array([[1 + momentum - lr * e, -momentum], [1.0, 0.0]])))) for e in h
    ]
    assert optim.momentum_rate(lr, momentum, h) == pytest.approx(max(radii), rel=1e-6, abs=1e-7)


def test_momentum_rate_at_polyaks_tuning():
    L, mu = 100.0, 1.0
    kappa = L / mu
    lr, beta = 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2, ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    assert optim.momentum_rate(lr, beta, [mu, L]) == pytest.approx((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1))
    assert optim.momentum_rate(2 / (L + mu), 0.0, [mu, L]) == pytest.approx((kappa - 1) / (kappa + 1))


def test_momentum_rate_predicts_torchs_convergence():
    # torch.optim.SGD with momentum on the condition-50 quadratic: the error shrinks like rho^t.
    lr, beta, kappa = 0.01, 0.8, 50.0
    H = torch.tensor(np.diag([1.0, kappa]))
    x = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
    torch_opt = torch.optim.SGD([x], lr=lr, momentum=beta, foreach=False)
    norms = []
    for _ in range(600):
        torch_opt.zero_grad()
        (0.5 * x @ H @ x).backward()
        torch_opt.step()
        norms.append(x.detach().norm().item())
    measured = (norms[-1] / norms[299]) ** (1 / 300)
    assert measured == pytest.approx(optim.momentum_rate(lr, beta, [1.0, kappa]), rel=1e-3)


# --------------------------------------------------------------------------- properties

FACTORIES = {
    "sgd": lambda lr: optim.sgd(lr, momentum=0.9, nesterov=True, weight_decay=0.1),
    "rmsprop": lambda lr: optim.rmsprop(lr, centered=True, momentum=0.5, weight_decay=0.1),
    "adam": lambda lr: optim.adam(lr, amsgrad=True, weight_decay=0.1),
    "adamw": lambda lr: optim.adamw(lr, amsgrad=True),
}


@st.composite
def param_grad_lists(draw, dtype=np.float64):
    """One to three (param, grad) array pairs of independent random shapes, scalars and empties included."""
    n = draw(st.integers(1, 3))
    elements = st.floats(-100, 100, width=np.dtype(dtype).itemsize * 8)
    shapes = [draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)) for _ in range(n)]
    params = [draw(hnp.arrays(dtype, s, elements=elements)) for s in shapes]
    grads = [draw(hnp.arrays(dtype, s, elements=elements)) for s in shapes]
    return params, grads


def two_steps(opt, params, grads, lr=None):
    state = opt.init(params)
    params, state = opt.update(params, grads, state, lr=lr)
    return (*opt.update(params, grads, state, lr=lr),)


@pytest.mark.parametrize("name", FACTORIES)
@given(data=param_grad_lists(), as_tuple=st.booleans())
def test_structure_shapes_and_inputs_are_kept(name, data, as_tuple):
    params, grads = data
    if as_tuple:
        params, grads = tuple(params), tuple(grads)
    before = [p.copy() for p in params]
    new, state = two_steps(FACTORIES[name](0.01), params, grads)
    assert type(new) is type(params) and [p.shape for p in new] == [p.shape for p in params]
    assert all(np.array_equal(p, b) for p, b in zip(params, before))  # nothing modified in place
    assert state.step == 2


@pytest.mark.parametrize("name", FACTORIES)
@given(data=param_grad_lists())
def test_lr_zero_leaves_params_unchanged(name, data):
    params, grads = data
    new, _ = two_steps(FACTORIES[name](0.0), params, grads)
    assert all(np.array_equal(n, p) for n, p in zip(new, params))


@pytest.mark.parametrize("name", FACTORIES)
@given(data=param_grad_lists(), lr=st.floats(0, 1))
def test_lr_override_equals_a_factory_with_that_lr(name, data, lr):
    params, grads = data
    expected, _ = two_steps(FACTORIES[name](lr), params, grads)
    got, _ = two_steps(FACTORIES[name](123.0), params, grads, lr=lr)
    assert all(np.array_equal(g, e) for g, e in zip(got, expected))


@pytest.mark.parametrize("name", FACTORIES)
@given(data=param_grad_lists(np.float32))
def test_float32_stays_float32_and_matches_float64(name, data):
    params, grads = data
    new, state = two_steps(FACTORIES[name](0.01), params, grads)
    assert all(p.dtype == np.float32 for p in new)
    for field in state[1:]:
        assert field is None or all(f.dtype == np.float32 for f in field)
    wide, _ = two_steps(FACTORIES[name](0.01), [p.astype(np.float64) for p in params],
                        [g.astype(np.float64) for g in grads])
    rtol, atol = TOL[np.float32]
    for n, w in zip(new, wide):  # float32 rounding of 1/sqrt(v) can move a step by ~1e-7 lr relative
        np.testing.assert_allclose(n, w, rtol=rtol, atol=atol * 100)


@given(g=hnp.arrays(np.float64, st.integers(1, 5), elements=st.floats(-1e6, 1e6).filter(lambda v: abs(v) > 1e-3)))
def test_adam_first_step_is_lr_whatever_the_gradient(g):
    new, _ = two_steps(optim.adam(0.01, eps=0.0), np.zeros_like(g), g)  # second step, same g: still lr
    assert_close(np.abs(new), np.full_like(g, 0.02), scale=0.02)


def test_a_single_array_gives_a_single_array_and_its_state():
    opt = optim.adam()
    p, state = opt.update(np.ones(3), np.ones(3), opt.init(np.ones(3)))
    assert isinstance(p, np.ndarray) and isinstance(state.exp_avg, np.ndarray) and state.max_exp_avg_sq is None


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: optim.sgd(-0.1), ValueError, "lr must be a finite number >= 0; got -0.1."),
        (lambda: optim.sgd("0.1"), TypeError, "lr must be a real number; got '0.1' of type str."),
        (lambda: optim.sgd(0.1, momentum=-0.9), ValueError, "momentum must be a finite number >= 0; got -0.9."),
        (lambda: optim.sgd(0.1, dampening=1.5), ValueError, "dampening must be in [0, 1]; got 1.5."),
        (lambda: optim.sgd(0.1, nesterov=True), ValueError,
         "nesterov=True requires momentum > 0 and dampening = 0 (as torch.optim.SGD); got momentum=0.0, "
         "dampening=0.0."),
        (lambda: optim.sgd(0.1, momentum=0.9, dampening=0.1, nesterov=True), ValueError,
         "nesterov=True requires momentum > 0 and dampening = 0 (as torch.optim.SGD); got momentum=0.9, "
         "dampening=0.1."),
        (lambda: optim.sgd(0.1, nesterov="yes"), TypeError, "nesterov must be True or False; got 'yes' of type str."),
        (lambda: optim.sgd(0.1, weight_decay=-1), ValueError, "weight_decay must be a finite number >= 0; got -1."),
        (lambda: optim.sgd(float("nan")), ValueError, "lr must be a finite number >= 0; got nan."),
        (lambda: optim.rmsprop(alpha=1.01), ValueError, "alpha must be in [0, 1]; got 1.01."),
        (lambda: optim.rmsprop(eps=-1e-8), ValueError, "eps must be a finite number >= 0; got -1e-08."),
        (lambda: optim.rmsprop(centered=1), TypeError, "centered must be True or False; got 1 of type int."),
        (lambda: optim.adam(betas=0.9), ValueError, "betas must be a pair (beta1, beta2); got 0.9."),
        (lambda: optim.adam(betas=(0.9, 1.0)), ValueError, "betas[1] must be in [0, 1); got 1.0."),
        (lambda: optim.adam(betas=(-0.1, 0.9)), ValueError, "betas[0] must be in [0, 1); got -0.1."),
        (lambda: optim.adam(amsgrad=None), TypeError, "amsgrad must be True or False; got None of type NoneType."),
        (lambda: optim.adam(bias_correction="no"), TypeError, "bias_correction must be True or False; got 'no'"),
        (lambda: optim.adamw(weight_decay=-0.01), ValueError,
         "weight_decay must be a finite number >= 0; got -0.01."),
        (lambda: optim.sgd().init([1.0, 2.0]), TypeError,
         "params[0] must be a floating-point NumPy array; got float 1.0. Use np.asarray(x, dtype=float)."),
        (lambda: optim.sgd().init(np.arange(3)), TypeError,
         "params must be a floating-point NumPy array; got dtype int64. Use np.asarray(x, dtype=float)."),
        (lambda: optim.sgd().init(3.0), TypeError,
         "params must be a NumPy array or a list/tuple of arrays; got 3.0 of type float. Use np.asarray(...)"),
        (lambda: optim.minibatches(10, 0, rng=np.random.default_rng(0)), ValueError,
         "batch_size must be an integer >= 1; got 0."),
        (lambda: optim.minibatches(10, 2, rng=0), TypeError, "rng must be a numpy.random.Generator; got 0"),
        (lambda: optim.minibatches(0, 2, rng=np.random.default_rng(0)), ValueError,
         "n must be an integer >= 1; got 0."),
        (lambda: optim.minibatches(10, 2, rng=np.random.default_rng(0), drop_last="no"), TypeError,
         "drop_last must be True or False; got 'no' of type str."),
        (lambda: optim.quadratic_grad([1.0, 2.0], angle=float("nan")), ValueError,
         "angle must be in [-inf, inf]; got nan."),
        (lambda: optim.momentum_rate(0.1, -0.5, [1.0]), ValueError,
         "momentum must be a finite number >= 0; got -0.5."),
        (lambda: optim.rosenbrock([1.0, 2.0, 3.0]), ValueError,
         "xy must have shape (..., 2), points (x, y) along the last axis; got (3,)."),
        (lambda: optim.quadratic([1.0, 2.0], condition=0.5), ValueError, "condition must be in [1, inf]; got 0.5."),
        (lambda: optim.trajectory(optim.sgd, optim.rosenbrock_grad, [0.0, 0.0], steps=1), TypeError,
         "opt must be an Optimizer such as sgd(0.1); got <function sgd"),
        (lambda: optim.trajectory(optim.sgd(), None, [0.0, 0.0], steps=1), TypeError,
         "grad_fn must be callable; got None of type NoneType."),
        (lambda: optim.trajectory(optim.sgd(), optim.rosenbrock_grad, [0.0, 0.0], steps=1, lr_at=0.1), TypeError,
         "lr_at must be callable; got 0.1 of type float."),
        (lambda: optim.trajectory(optim.sgd(), optim.rosenbrock_grad, [[0.0, 0.0]], steps=1), ValueError,
         "x0 must be a 1-d array, one point; got shape (1, 2)."),
        (lambda: optim.trajectory(optim.sgd(), optim.rosenbrock_grad, [0.0, 0.0], steps=-1), ValueError,
         "steps must be an integer >= 0; got -1."),
        (lambda: optim.momentum_rate(0.1, 0.9, []), ValueError,
         "eigenvalues must hold at least one value; got an empty array."),
    ],
)
def test_bad_arguments_raise_clear_errors(make, error, message):
    with pytest.raises(error, match="^" + re.escape(message)):
        make()


def update_error(params, grads, state=None, opt=None, **kw):
    opt = opt or optim.adam()
    opt.update(params, grads, opt.init(params) if state is None else state, **kw)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: update_error(np.ones(3), np.ones(4)), ValueError,
         "grads must have the shape and dtype of params; got (4,) float64 for (3,) float64."),
        (lambda: update_error([np.ones(3), np.ones(2)], [np.ones(3), np.ones((2, 1))]), ValueError,
         "grads[1] must have the shape and dtype of params[1]; got (2, 1) float64 for (2,) float64."),
        (lambda: update_error(np.ones(3), np.ones(3, np.float32)), ValueError,
         "grads must have the shape and dtype of params; got (3,) float32 for (3,) float64."),
        (lambda: update_error([np.ones(3), np.ones(2)], [np.ones(3)]), ValueError,
         "grads must have the structure of params, one gradient per parameter array; got 1 arrays for 2 arrays."),
        (lambda: update_error(np.ones(3), [np.ones(3)]), ValueError,
         "grads must have the structure of params, one gradient per parameter array; got 1 arrays for one array."),
        (lambda: update_error(np.ones(3), np.ones(3), state=optim.sgd().init(np.ones(3))), TypeError,
         "state must be the AdamState returned by adam(...).init(params); got SGDState("),
        (lambda: update_error([np.ones(3)], [np.ones(3)], state=optim.adam().init([np.ones(3), np.ones(1)])),
         ValueError, "state must come from init(params) for these params (1 arrays); its exp_avg differs."),
        (lambda: update_error(np.ones(3), np.ones(3), opt=optim.rmsprop(momentum=0.9),
                              state=optim.rmsprop().init(np.ones(3))), ValueError,
         "state must come from init(params) of this very optimizer; its momentum_buffer is None, which the "
         "options rmsprop(...) was made with do not match."),
        (lambda: update_error(np.ones(3), np.ones(3), state=optim.adam(amsgrad=True).init(np.ones(3))), ValueError,
         "state must come from init(params) of this very optimizer; its max_exp_avg_sq is set,"),
        (lambda: update_error(np.ones(3), np.ones(3), lr=-1.0), ValueError,
         "lr must be a finite number >= 0; got -1.0."),
    ],
)
def test_bad_updates_raise_clear_errors(call, error, message):
    with pytest.raises(error, match="^" + re.escape(message)):
        call()
