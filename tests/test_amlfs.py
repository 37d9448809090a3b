"""AM-LFS: the search space, the controller, the stage loop and the experiment's results file.

Oracles: torch.nn.functional.cross_entropy for the identity theta and for
CosFace margins; numpy.interp for continuous piecewise-linear functions;
hand-computed values at interval edges; torch.distributions.Normal's
log-density (autograd) and hand numbers for the REINFORCE gradient;
torch.optim.Adam(maximize=True) for the controller's update; scipy's softmax
for GCE; torch.nn.functional.cosine_similarity for the head.
"""
import json
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import softmax

from conftest import assert_close
from lossbook import amlfs as A
from lossbook import data as lbdata

F64 = torch.float64


def cosines(rng, n, c, dtype=F64):
    return torch.tensor(rng.uniform(-1, 1, size=(n, c)), dtype=dtype)


def labels(rng, n, c):
    return torch.tensor(rng.integers(0, c, size=n))


#: Tiny models run fastest on one thread; on a busy machine two threads spin-wait for many seconds.
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def split():
    return A.noisy_digits(0.4, rng=np.random.default_rng(0))[0]


# --------------------------------------------------------------------------- identity theta is cross-entropy


@given(n=st.integers(1, 7), c=st.integers(2, 6), m=st.integers(1, 5), scale=st.floats(0.5, 40),
       seed=st.integers(0, 2**16), reduction=st.sampled_from(["mean", "sum", "none"]))
def test_identity_theta_is_cross_entropy_values_and_gradients(n, c, m, scale, seed, reduction):
    rng = np.random.default_rng(seed)
    cos, y = cosines(rng, n, c), labels(rng, n, c)
    ours_in, ref_in = cos.clone().requires_grad_(), cos.clone().requires_grad_()
    ours = A.amlfs_loss(ours_in, y, A.identity_theta(m), scale=scale, reduction=reduction)
    ref = F.cross_entropy(scale * ref_in, y, reduction=reduction)
    ours.sum().backward()
    ref.sum().backward()
    # exp then log of p_y loses at most a few ulps of |log p| (<= 2 s + log C)
    assert_close(ours.detach().numpy(), ref.detach().numpy(), scale=2 * scale + np.log(c))
    assert_close(ours_in.grad.numpy(), ref_in.grad.numpy(), scale=scale)


def test_identity_theta_is_cross_entropy_float32_to_1e6(rng):
    cos, y = cosines(rng, 64, 10, torch.float32), labels(rng, 64, 10)
    ours = A.amlfs_loss(cos, y, A.identity_theta(4), scale=16.0, reduction="none")
    ref = F.cross_entropy(16.0 * cos, y, reduction="none")
    assert ours.dtype == torch.float32
    np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-6, atol=1e-6)


def test_cosface_margin_is_a_point_of_the_space(rng):
    m, s = 0.35, 30.0
    cos, y = cosines(rng, 9, 5), labels(rng, 9, 5)
    theta = A.theta_from_functions(lambda x: x - m, lambda p: p, 3)
    ref = F.cross_entropy(s * (cos - m * F.one_hot(y, 5).double()), y)
    assert_close(A.amlfs_loss(cos, y, theta, scale=s).item(), ref.item(), scale=2 * s)


def test_amlfs_loss_by_hand_for_one_sample():
    # M = 1: t(x) = 0.5 x + 0.1, tau(p) = 2 p + 0.5; cosines (0.2, -0.4), scale 3, target 0
    theta = torch.tensor([0.5, 0.1, 2.0, 0.5], dtype=F64)
    z_target, z_other = 3 * (0.5 * 0.2 + 0.1), 3 * -0.4
    p = np.exp(z_target) / (np.exp(z_target) + np.exp(z_other))
    loss = A.amlfs_loss(torch.tensor([[0.2, -0.4]], dtype=F64), torch.tensor([0]), theta, scale=3.0)
    assert_close(loss.item(), -np.log(2 * p + 0.5))


# --------------------------------------------------------------------------- why t and tau matter (the chapter's claims)


@given(seed=st.integers(0, 2**16), slope=st.floats(0.1, 3.0), intercept=st.floats(-0.5, 0.5))
def test_slope_of_t_is_the_ratio_of_pull_to_push(seed, slope, intercept):
    # |dL/dcos_y| / sum_j |dL/dcos_j| = t'(cos_y) whatever tau (both scale by the same factor)
    rng = np.random.default_rng(seed)
    cos = cosines(rng, 1, 6).requires_grad_()
    theta = torch.tensor([slope, intercept, 1.0, 0.2], dtype=F64)
    A.amlfs_loss(cos, torch.tensor([2]), theta, scale=5.0).backward()
    g = cos.grad[0].abs()
    assert_close((g[2] / (g.sum() - g[2])).item(), slope)


@given(seed=st.integers(0, 2**16), a=st.floats(0.2, 3.0), b=st.floats(0.0, 2.0))
def test_tau_scales_the_cross_entropy_gradient_by_the_gradient_weight(seed, a, b):
    rng = np.random.default_rng(seed)
    cos, y = cosines(rng, 1, 4), torch.tensor([1])
    theta = torch.tensor([1.0, 0.0, a, b], dtype=F64)
    ours, ref = cos.clone().requires_grad_(), cos.clone().requires_grad_()
    A.amlfs_loss(ours, y, theta, scale=4.0).backward()
    F.cross_entropy(4.0 * ref, y).backward()
    p = softmax(4.0 * cos.numpy()[0])[1]
    assert_close(ours.grad.numpy(), A.gradient_weight(p, a, b) * ref.grad.numpy())


@given(seed=st.integers(0, 2**16), m=st.integers(1, 4))
def test_tau_gradient_weight_is_the_ratio_to_the_cross_entropy_gradient(seed, m):
    rng = np.random.default_rng(seed)
    theta = torch.cat([torch.ones(m), torch.zeros(m), torch.tensor(rng.uniform(0.5, 2, m)),
                       torch.tensor(rng.uniform(-0.3, 0.5, m))]).double()
    cos, y = cosines(rng, 1, 3), torch.tensor([0])
    ours, ref = cos.clone().requires_grad_(), cos.clone().requires_grad_()
    A.amlfs_loss(ours, y, theta, scale=3.0).backward()
    F.cross_entropy(3.0 * ref, y).backward()
    p = softmax(3.0 * cos.numpy()[0])[0]
    assert_close(ours.grad.numpy(), A.tau_gradient_weight(p, theta) * ref.grad.numpy())


def test_gradient_weight_by_hand():
    assert A.gradient_weight(0.25, 1.0, 0.25) == 0.5
    assert A.gradient_weight(0.5, 2.0, 0.0) == 1.0


def test_nonpositive_tau_is_clamped_finite_and_without_gradient():
    theta = torch.tensor([1.0, 0.0, 1.0, -0.9], dtype=F64)  # tau(p) = p - 0.9 <= 0 below p = 0.9
    cos = torch.tensor([[0.0, 0.0]], dtype=F64, requires_grad=True)  # p = 1/2
    loss = A.amlfs_loss(cos, torch.tensor([0]), theta, scale=1.0)
    loss.backward()
    assert loss.item() == -np.log(np.finfo(np.float64).tiny)
    assert torch.all(cos.grad == 0)


# --------------------------------------------------------------------------- piecewise-linear functions


def test_piecewise_linear_at_the_edges_is_exactly_as_defined():
    # M = 4 on [-1, 1]: edges -1, -0.5, 0, 0.5, 1 (exact in binary); at an inner edge the right piece
    a = torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=F64)
    b = torch.tensor([0.0, 10.0, 20.0, 30.0], dtype=F64)
    x = torch.tensor([-1.0, -0.5, 0.0, 0.5, 1.0], dtype=F64)
    expected = [-1.0, 2 * -0.5 + 10, 20.0, 4 * 0.5 + 30, 4 * 1.0 + 30]
    assert A.piecewise_linear(x, a, b, low=-1.0, high=1.0).tolist() == expected
    left = torch.nextafter(x[1:4], torch.tensor(-2.0, dtype=F64))  # just left: the left piece
    got = A.piecewise_linear(left, a, b, low=-1.0, high=1.0).numpy()
    assert_close(got, [-0.5 + 0, 2 * 0.0 + 10, 3 * 0.5 + 20], scale=40)


def test_piecewise_linear_outside_the_range_uses_the_end_pieces():
    a, b = torch.tensor([1.0, 2.0], dtype=F64), torch.tensor([0.5, -0.5], dtype=F64)
    got = A.piecewise_linear(torch.tensor([-0.1, 1.1], dtype=F64), a, b, low=0.0, high=1.0)
    assert_close(got.numpy(), [-0.1 + 0.5, 2.2 - 0.5])


@given(m=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_theta_from_knots_is_continuous_and_equals_numpy_interp(m, seed):
    rng = np.random.default_rng(seed)
    t_knots, tau_knots = rng.normal(size=m + 1), rng.uniform(0.1, 2, size=m + 1)
    theta = A.theta_from_knots(t_knots, tau_knots)
    x, p = rng.uniform(-1, 1, 50), rng.uniform(0, 1, 50)
    edges_t, edges_p = np.linspace(-1, 1, m + 1), np.linspace(0, 1, m + 1)
    x, p = np.concatenate([x, edges_t]), np.concatenate([p, edges_p])  # the edges themselves too
    got_t = A.t_transform(torch.tensor(x), theta).numpy()
    got_tau = A.tau_transform(torch.tensor(p), theta).numpy()
    assert_close(got_t, np.interp(x, edges_t, t_knots), scale=10 * np.abs(t_knots).max())
    assert_close(got_tau, np.interp(p, edges_p, tau_knots), scale=10 * tau_knots.max())


def test_identity_theta_and_split_by_hand():
    a_t, b_t, a_tau, b_tau = A.split_theta(A.identity_theta(3))
    assert a_t.tolist() == a_tau.tolist() == [1.0] * 3 and b_t.tolist() == b_tau.tolist() == [0.0] * 3
    assert A.interval_edges(2, low=0.0, high=1.0).tolist() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize("theta", [torch.zeros(6), torch.zeros(0), torch.zeros(2, 4)])
def test_theta_of_the_wrong_shape_is_refused(theta):
    with pytest.raises(ValueError, match=r"theta must be a 1-d tensor of length 4 \* M with M >= 1"):
        A.split_theta(theta)


def test_theta_from_knots_checks_its_inputs():
    with pytest.raises(ValueError, match="t_values and tau_values must be 1-d of the same length M"):
        A.theta_from_knots([0.0, 1.0], [0.0, 0.5, 1.0])


@pytest.mark.parametrize("fn", [lambda: A.interval_edges(0, low=0.0, high=1.0), lambda: A.identity_theta(0),
                                lambda: A.theta_from_functions(abs, abs, 0)])
def test_at_least_one_interval(fn):
    with pytest.raises(ValueError, match="n_intervals must be an integer >= 1; got 0."):
        fn()


# --------------------------------------------------------------------------- loss argument checks


@pytest.mark.parametrize("cos, y, message", [
    (torch.zeros(3), torch.zeros(3, dtype=torch.int64), r"cosine must be a 2-d floating tensor .* got \(3,\)"),
    (torch.zeros(3, 2, dtype=torch.int64), torch.zeros(3, dtype=torch.int64), "cosine must be a 2-d floating"),
    (torch.zeros(3, 2), torch.zeros(2, dtype=torch.int64), r"target must be an int64 tensor of shape \(3,\)"),
    (torch.zeros(3, 2), torch.zeros(3), r"target must be an int64 tensor of shape \(3,\)"),
    (torch.zeros(3, 2), torch.tensor([0, 2, 1]), r"target must contain class indices in \[0, 2\); got values"),
])
def test_amlfs_loss_checks_shapes_and_targets(cos, y, message):
    with pytest.raises(ValueError, match=message):
        A.amlfs_loss(cos, y, A.identity_theta(1))


def test_amlfs_loss_checks_scale_and_reduction():
    cos, y = torch.zeros(2, 3), torch.zeros(2, dtype=torch.int64)
    with pytest.raises(ValueError, match="scale must be a finite number > 0; got 0.0."):
        A.amlfs_loss(cos, y, A.identity_theta(1), scale=0.0)
    with pytest.raises(ValueError, match="reduction must be one of 'mean', 'sum' or 'none'; got 'max'."):
        A.amlfs_loss(cos, y, A.identity_theta(1), reduction="max")


# --------------------------------------------------------------------------- GCE


@given(seed=st.integers(0, 2**16), q=st.floats(0.05, 1.0))
def test_gce_equals_its_formula(seed, q):
    rng = np.random.default_rng(seed)
    logits, y = cosines(rng, 5, 4) * 5, labels(rng, 5, 4)
    p = softmax(logits.numpy(), axis=1)[np.arange(5), y.numpy()]
    got = A.generalized_cross_entropy(logits, y, q=q, reduction="none").numpy()
    assert_close(got, (1 - p**q) / q)


def test_gce_limits_cross_entropy_and_mae(rng):
    logits, y = cosines(rng, 6, 3) * 4, labels(rng, 6, 3)
    small_q = A.generalized_cross_entropy(logits, y, q=1e-9).item()
    np.testing.assert_allclose(small_q, F.cross_entropy(logits, y).item(), rtol=1e-7)
    p = torch.softmax(logits, 1)[torch.arange(6), y]
    assert_close(A.generalized_cross_entropy(logits, y, q=1.0).item(), (1 - p).mean().item())


@pytest.mark.parametrize("q, message", [(1.5, r"q must be in \(0, 1\]; got 1.5."),
                                        (0.0, "q must be a finite number > 0; got 0.0.")])
def test_gce_checks_q(q, message):
    with pytest.raises(ValueError, match=message):
        A.generalized_cross_entropy(torch.zeros(1, 2), torch.tensor([0]), q=q)


# --------------------------------------------------------------------------- cosine head


def test_cosine_classifier_equals_torch_cosine_similarity():
    head = A.CosineClassifier(5, 3, generator=torch.Generator().manual_seed(0)).double()
    x = torch.randn(4, 5, dtype=F64, generator=torch.Generator().manual_seed(1))
    ref = F.cosine_similarity(x[:, None, :], head.weight[None, :, :], dim=2)
    assert_close(head(x).detach().numpy(), ref.detach().numpy())


def test_cosine_mlp_is_seeded():
    a, b = A.cosine_mlp(64, 10, hidden=8, seed=3), A.cosine_mlp(64, 10, hidden=8, seed=3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


# --------------------------------------------------------------------------- the controller


def test_standardize_by_hand():
    assert A.standardize([0.9, 0.8]).tolist() == pytest.approx([1.0, -1.0], rel=1e-12)
    assert A.standardize([0.5, 0.5, 0.5]).tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match=r"rewards must be a 1-d array of B >= 2 values; got shape \(1,\)."):
        A.standardize([0.5])


def test_reinforce_gradient_by_hand():
    # mu = 0, sigma = 0.1, theta_1 = (0.1, 0), theta_2 = (-0.1, 0.2), rewards (1, 0) -> A = (1, -1)
    # g = 1/2 [1 (0.1, 0) - (-0.1, 0.2)] / 0.01 = (10, -10)
    thetas, mu = np.array([[0.1, 0.0], [-0.1, 0.2]]), np.zeros(2)
    grad = A.reinforce_grad(thetas, A.standardize([1.0, 0.0]), mu, sigma=0.1)
    np.testing.assert_allclose(grad, [10.0, -10.0], rtol=1e-12)


@given(seed=st.integers(0, 2**16), b=st.integers(2, 6), d=st.integers(1, 8), sigma=st.floats(0.01, 2.0))
def test_reinforce_gradient_is_the_score_function_of_a_gaussian(seed, b, d, sigma):
    rng = np.random.default_rng(seed)
    mu, thetas, adv = rng.normal(size=d), rng.normal(size=(b, d)), rng.normal(size=b)
    mu_t = torch.tensor(mu, requires_grad=True)
    log_prob = torch.distributions.Normal(mu_t, sigma).log_prob(torch.tensor(thetas)).sum(1)
    (torch.tensor(adv) * log_prob).mean().backward()
    assert_close(A.reinforce_grad(thetas, adv, mu, sigma=sigma), mu_t.grad.numpy(),
                 scale=np.abs(thetas - mu).max() / sigma**2)


def test_controller_update_is_adam_ascent_as_in_torch(rng):
    mu0 = rng.normal(size=8)
    state = A.controller_init(torch.tensor(mu0))
    mu_t = torch.tensor(mu0, requires_grad=True)
    adam = torch.optim.Adam([mu_t], lr=0.05, maximize=True)
    for _ in range(5):
        thetas, rewards = state.mu + 0.2 * rng.normal(size=(4, 8)), rng.uniform(size=4)
        mu_t.grad = torch.tensor(A.reinforce_grad(thetas, A.standardize(rewards), state.mu, sigma=0.2))
        adam.step()
        state = A.controller_update(state, thetas, rewards, sigma=0.2, lr=0.05)
    assert state.count == 5
    assert_close(state.mu, mu_t.detach().numpy(), scale=1.0)


def test_controller_samples_have_mean_mu_and_std_sigma():
    state = A.controller_init(A.identity_theta(1))
    draws = A.controller_sample(state, 20_000, sigma=0.3, rng=np.random.default_rng(0))
    assert draws.shape == (20_000, 4)
    assert np.all(np.abs(draws.mean(0) - state.mu) < 5 * 0.3 / np.sqrt(20_000))
    assert np.all(np.abs(draws.std(0) - 0.3) < 0.01)


@pytest.mark.parametrize("sigma", [0.0, -0.1])
def test_sigma_must_be_positive(sigma):
    with pytest.raises(ValueError, match=rf"sigma must be a finite number > 0; got {sigma}. .*variant='sigma0'"):
        A.reinforce_grad(np.zeros((2, 4)), np.zeros(2), np.zeros(4), sigma=sigma)


def test_reinforce_gradient_checks_shapes():
    with pytest.raises(ValueError, match=r"thetas, advantages and mu must have shapes \(B, D\), \(B,\) and \(D,\)"):
        A.reinforce_grad(np.zeros((2, 4)), np.zeros(3), np.zeros(4), sigma=0.1)


# --------------------------------------------------------------------------- broadcasting copies


def test_broadcast_copies_weights_and_optimizer_state(split):
    config = A.TrainConfig(hidden=8)
    learners = [A.new_learner(64, 10, config=config, seed=s) for s in range(3)]
    for k, learner in enumerate(learners):  # diverge: different data orders and losses
        A.train_epochs(learner, A.gce_loss_fn(10.0, 0.3 + 0.2 * k), split.x_train[:96], split.y_train[:96],
                       epochs=1, batch_size=32, generator=torch.Generator().manual_seed(k))
    best = learners[1]
    A.broadcast(learners, 1)
    for learner in learners:
        for p, q in zip(learner.model.parameters(), best.model.parameters()):
            assert torch.equal(p, q)
        for p, q in zip(learner.model.parameters(), best.model.parameters()):
            mine, theirs = learner.optimizer.state[p], best.optimizer.state[q]
            assert set(mine) == {"step", "exp_avg", "exp_avg_sq"}
            assert all(torch.equal(mine[k], theirs[k]) for k in mine)
    # the copies are independent: training copy 0 leaves copy 2's weights and moments alone
    before = [t.clone() for t in learners[2].optimizer.state[next(learners[2].model.parameters())].values()]
    A.train_epochs(learners[0], A.ce_loss_fn(10.0), split.x_train[:32], split.y_train[:32], epochs=1,
                   batch_size=32, generator=torch.Generator().manual_seed(9))
    after = learners[2].optimizer.state[next(learners[2].model.parameters())].values()
    assert all(torch.equal(u, v) for u, v in zip(before, after))
    assert not torch.equal(next(learners[0].model.parameters()), next(learners[2].model.parameters()))


def test_broadcast_checks_the_index():
    learners = [A.new_learner(4, 2, config=A.TrainConfig(hidden=2), seed=0) for _ in range(2)]
    with pytest.raises(ValueError, match="best must be an index into the 2 learners; got 2."):
        A.broadcast(learners, 2)


# --------------------------------------------------------------------------- the stage loop


def test_smoke_search_two_stages_two_copies_finishes_in_seconds(split):
    start = time.perf_counter()
    result = A.amlfs_search(split, n_stages=2, n_copies=2, seed=0)
    assert time.perf_counter() - start < 20  # about 0.3 s on a 2-core laptop
    assert result.mu.shape == (3, 8) and result.thetas.shape == (2, 2, 8)
    assert result.rewards.shape == (2, 2) and result.test_acc.shape == (2,)
    assert not np.array_equal(result.mu[0], result.mu[-1])  # REINFORCE moved mu
    assert result.best.tolist() == [int(np.argmax(r)) for r in result.rewards]
    # the returned model is the broadcast best copy: its validation accuracy is the stage's best reward
    assert A.accuracy(result.model, split.x_val, split.y_val) == result.rewards[-1].max()
    assert A.accuracy(result.model, split.x_test, split.y_test) == result.test_acc[-1]


def test_search_variants(split):
    frozen = A.amlfs_search(split, n_stages=2, n_copies=2, seed=1, variant="no_reinforce")
    assert np.all(frozen.mu == A.identity_theta(2).numpy())
    assert not np.allclose(frozen.thetas[0, 0], frozen.thetas[0, 1])
    still = A.amlfs_search(split, n_stages=2, n_copies=2, seed=1, variant="sigma0")
    assert np.all(still.thetas == A.identity_theta(2).numpy())


@pytest.mark.parametrize("kw, error, message", [
    (dict(n_copies=1), ValueError, "n_copies must be an integer >= 2; got 1."),
    (dict(sigma=0.0), ValueError, "sigma must be a finite number > 0; got 0.0."),
    (dict(n_intervals=0), ValueError, "n_intervals must be an integer >= 1; got 0."),
    (dict(n_stages=0), ValueError, "n_stages must be an integer >= 1; got 0."),
    (dict(variant="greedy"), ValueError, "variant must be one of 'amlfs', 'no_reinforce' or 'sigma0'; got 'greedy'."),
])
def test_search_checks_its_arguments(split, kw, error, message):
    with pytest.raises(error, match=message):
        A.amlfs_search(split, **{"n_stages": 1, **kw})


def test_search_checks_the_data(split):
    with pytest.raises(TypeError, match="data must be an amlfs.Split; got Digits."):
        A.amlfs_search(lbdata.digits(rng=np.random.default_rng(0)), n_stages=1)
    bad = split._replace(y_val=split.y_val[:-1])
    with pytest.raises(ValueError, match=r"x_val and y_val must have shapes \(n, features\) and \(n,\)"):
        A.amlfs_search(bad, n_stages=1)


def test_noisy_digits_keeps_validation_and_test_clean():
    noisy, flipped = A.noisy_digits(0.4, rng=np.random.default_rng(5))
    clean = lbdata.digits(rng=np.random.default_rng(5))
    assert np.array_equal(noisy.y_val.numpy(), clean.y_val) and np.array_equal(noisy.y_test.numpy(), clean.y_test)
    assert np.array_equal(noisy.y_train.numpy() != clean.y_train, flipped)
    assert 0.35 < flipped.mean() < 0.45


def test_early_stopped_by_hand():
    assert A.early_stopped([0.5, 0.9, 0.8], [0.4, 0.85, 0.9]) == 0.85
    assert A.early_stopped([[0.5, 0.7], [0.9, 0.9]], [[0.1, 0.2], [0.3, 0.4]]) == 0.3  # first best
    with pytest.raises(ValueError, match=r"val_acc and test_acc must have the same non-empty shape"):
        A.early_stopped([0.5], [0.5, 0.6])


def test_compare_methods_checks_gce_q(split):
    with pytest.raises(ValueError, match="gce_q must hold one q per run, n_copies = 2 values; got 3."):
        A.compare_methods(split, n_stages=1, n_copies=2, sigma=0.2, n_intervals=1, mu_lr=0.05,
                          gce_q=[0.3, 0.5, 0.7], seed=0)


# --------------------------------------------------------------------------- the experiment script and its results


def test_script_smoke_run_writes_results_for_its_configuration(tmp_path, capsys):
    out = tmp_path / "smoke.json"
    A.main(["--smoke", "--out", str(out)])
    assert "run time" in capsys.readouterr().out
    results = A.load_results(out, config=A.SMOKE)
    assert results["config_hash"] == A.config_hash(A.SMOKE)
    assert set(results["scores"]["0.4"]) == set(A.METHODS)
    assert all(len(v) == 1 and 0 <= v[0] <= 1 for v in results["scores"]["0.4"].values())
    assert np.shape(results["mu"]["0.4"][0]) == (A.SMOKE["n_stages"] + 1, 4 * A.SMOKE["n_intervals"])
    with pytest.raises(ValueError, match=r"results must come from the current configuration .* Re-run"):
        A.load_results(out)  # made with SMOKE, not EXPERIMENT


def test_shipped_results_were_made_by_the_current_configuration():
    results = A.load_results()  # raises if the file is stale
    config = A.EXPERIMENT
    assert len(config["seeds"]) >= 3 and results["config"] == config
    for rate in config["noise_rates"]:
        scores = results["scores"][f"{rate:g}"]
        assert set(scores) == set(A.METHODS)
        assert all(len(v) == len(config["seeds"]) for v in scores.values())
        assert np.shape(results["mu"][f"{rate:g}"]) == (len(config["seeds"]), config["n_stages"] + 1,
                                                        4 * config["n_intervals"])
        for curve in ("val", "test"):
            assert np.shape(results["curves"][f"{rate:g}"][curve]) == (len(config["seeds"]), config["n_stages"])
        # AM-LFS early-stopped is the test accuracy at the best validation stage of its curves
        best = [A.early_stopped(v, t) for v, t in zip(*results["curves"][f"{rate:g}"].values())]
        assert best == scores["amlfs"]


def test_a_tampered_results_file_is_refused(tmp_path):
    results = A.load_results()
    results["config"] = {**results["config"], "n_stages": 1}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(results))
    with pytest.raises(ValueError, match="results must come from the current configuration"):
        A.load_results(path)


def test_margins_and_summary_by_hand():
    results = {"scores": {"0.4": {m: [0.5, 0.6] for m in A.METHODS}}}
    results["scores"]["0.4"]["amlfs"] = [0.7, 0.5]
    np.testing.assert_allclose(A.margins(results, 0.4, "ce_early"), [0.2, -0.1])
    lines = A.summary_table(results)
    assert lines[-1].split() == ["amlfs", "0.600", "±", "0.100"]


def test_remaining_argument_checks(split):
    state = A.controller_init(A.identity_theta(1))
    cases = [
        (lambda: A.cosine_mlp(4, 2, hidden=0), ValueError, "hidden must be an integer >= 1; got 0."),
        (lambda: A.cosine_mlp(4, 2, seed=-1), ValueError, "seed must be an integer >= 0; got -1."),
        (lambda: A.controller_sample(state, 0, sigma=0.1, rng=np.random.default_rng(0)), ValueError,
         "n_samples must be an integer >= 1; got 0."),
        (lambda: A.controller_sample(state, 2, sigma=0.1, rng=0), TypeError,
         "rng must be a numpy.random.Generator; got 0"),
        (lambda: A.noisy_digits(0.2, rng=0), TypeError, "rng must be a numpy.random.Generator; got 0"),
        (lambda: A.amlfs_search(split, n_stages=1, mu_lr=0.0), ValueError, "mu_lr must be a finite number > 0; got 0.0."),
        (lambda: A.amlfs_search(split, n_stages=1, n_copies=2.5), TypeError,
         "n_copies must be an integer; got 2.5 of type float."),
        (lambda: A.train_fixed(split, A.ce_loss_fn(10.0), n_epochs=0), ValueError,
         "n_epochs must be an integer >= 1; got 0."),
        (lambda: A.broadcast([], -1), ValueError, "best must be an integer >= 0; got -1."),
        (lambda: A.target_probability(torch.zeros(2, 3), torch.tensor([0, 3]), A.identity_theta(1)), ValueError,
         r"target must contain class indices in \[0, 3\); got values from 0 to 3."),
    ]
    for fn, error, message in cases:
        with pytest.raises(error, match=message):
            fn()
