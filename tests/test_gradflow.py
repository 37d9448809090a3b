"""Vanishing and exploding gradients: clipping == torch, deep_mlp, and the chapter's measured claims.

Oracles: torch.nn.utils.clip_grad_norm_/clip_grad_value_ for clipping; the
init formulas (He: 2/n_in, Glorot: 2/(n_in + n_out)) by hand; weight_scale^(T - t)
for a linear RNN with a scaled orthogonal matrix, derived by hand.
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch import nn

from conftest import DTYPES, TOL, assert_close
from lossbook import gradflow as gf

NORM_TYPES = [1.0, 2.0, 3.0, math.inf]


# --------------------------------------------------------------------------- clipping parity with torch


@st.composite
def grad_lists(draw, dtype):
    """One to four arrays of independent random shapes (empty arrays and scalars included)."""
    n = draw(st.integers(1, 4))
    elements = st.floats(-1e3, 1e3, width=np.dtype(dtype).itemsize * 8)
    shapes = [draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)) for _ in range(n)]
    return [draw(hnp.arrays(dtype, s, elements=elements)) for s in shapes]


def torch_clip_norm(grads, max_norm, norm_type):
    params = [torch.zeros(g.shape, dtype=torch.from_numpy(g).dtype, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g)
    total = nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    return [p.grad.numpy() for p in params], total.numpy()


def torch_clip_value(grads, clip_value):
    params = [torch.zeros(g.shape, dtype=torch.from_numpy(g).dtype, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g)
    nn.utils.clip_grad_value_(params, clip_value)
    return [p.grad.numpy() for p in params]


def assert_same_grads(got, expected, dtype):
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.dtype == dtype and g.shape == e.shape
        assert_close(g, e, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("norm_type", NORM_TYPES)
@given(data=st.data(), max_norm=st.floats(1e-3, 1e3))
def test_clip_grad_norm_matches_torch(dtype, norm_type, data, max_norm):
    grads = data.draw(grad_lists(dtype))
    if norm_type == math.inf and any(g.size == 0 for g in grads):
        with pytest.raises(ValueError, match=r"grads must all be non-empty for norm_type=inf"):
            gf.clip_grad_norm(grads, max_norm, norm_type=norm_type)
        with pytest.raises(RuntimeError, match="empty tensor"):
            torch_clip_norm(grads, max_norm, norm_type)
        return
    clipped, total = gf.clip_grad_norm(grads, max_norm, norm_type=norm_type)
    expected, expected_total = torch_clip_norm(grads, max_norm, norm_type)
    assert np.asarray(total).dtype == dtype
    rtol, _ = TOL[dtype]
    assert_close(total, expected_total, dtype, scale=float(expected_total))
    assert_same_grads(clipped, expected, dtype)
    # The result never exceeds max_norm (up to rounding of the norm itself).
    new_total = gf.clip_grad_norm(clipped, 1e30, norm_type=norm_type)[1]
    assert new_total <= max_norm * (1 + 10 * rtol)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data(), clip_value=st.floats(1e-3, 1e3))
def test_clip_grad_value_matches_torch(dtype, data, clip_value):
    grads = data.draw(grad_lists(dtype))
    assert_same_grads(gf.clip_grad_value(grads, clip_value), torch_clip_value(grads, clip_value), dtype)


@pytest.mark.parametrize("norm_type", NORM_TYPES)
def test_clip_grad_norm_is_a_no_op_below_max_norm(norm_type, rng):
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5)]
    clipped, total = gf.clip_grad_norm(grads, 1e6, norm_type=norm_type)
    for g, c in zip(grads, clipped):
        np.testing.assert_array_equal(c, g)  # the coefficient is exactly 1
        assert c is not g  # new arrays: the inputs are never modified
    expected = torch_clip_norm(grads, 1e6, norm_type)[1]
    assert_close(total, expected)


def test_clip_grad_norm_hand_example():
    # (3, 4) has norm 5 (L2), 7 (L1), 4 (max): each scaled by max_norm / (norm + 1e-6).
    grads = [np.array([3.0]), np.array([4.0])]
    for norm_type, norm in [(2.0, 5.0), (1.0, 7.0), (math.inf, 4.0)]:
        clipped, total = gf.clip_grad_norm(grads, 1.0, norm_type=norm_type)
        assert total == norm
        assert_close(np.concatenate(clipped), np.array([3.0, 4.0]) / (norm + 1e-6))


@pytest.mark.parametrize("dtype", DTYPES)
def test_clip_grad_norm_of_zero_gradients(dtype):
    grads = [np.zeros((2, 3), dtype), np.zeros(4, dtype)]
    clipped, total = gf.clip_grad_norm(grads, 0.5)
    expected, expected_total = torch_clip_norm(grads, 0.5, 2.0)
    assert total == 0 and expected_total == 0
    assert_same_grads(clipped, expected, dtype)


def test_clip_grad_norm_of_an_empty_list_is_torchs_float32_zero():
    clipped, total = gf.clip_grad_norm([], 1.0)
    expected = nn.utils.clip_grad_norm_([], 1.0)
    assert clipped == [] and total == expected.item() == 0 and total.dtype == expected.numpy().dtype


def test_clip_grad_norm_accepts_one_array_and_integers():
    clipped, total = gf.clip_grad_norm(np.array([3.0, 4.0]), 10.0)
    assert total == 5.0 and len(clipped) == 1
    assert gf.clip_grad_norm([[3, 4]], 10.0)[1] == 5.0  # integers become float64


def test_clip_grad_norm_propagates_non_finite_like_torch():
    grads = [np.array([np.inf, 1.0]), np.array([2.0])]
    clipped, total = gf.clip_grad_norm(grads, 1.0)
    expected, expected_total = torch_clip_norm(grads, 1.0, 2.0)
    assert total == expected_total == np.inf
    for c, e in zip(clipped, expected):
        np.testing.assert_array_equal(c, e)  # inf * 0 = nan, finite * 0 = 0


def test_clip_grad_value_keeps_nan_like_torch():
    grads = [np.array([np.nan, -5.0, 0.25])]
    np.testing.assert_array_equal(gf.clip_grad_value(grads, 1.0)[0], torch_clip_value(grads, 1.0)[0])


def test_clip_grad_norm_eps_is_the_denominator_term():
    clipped, _ = gf.clip_grad_norm([np.array([2.0])], 1.0, eps=1.0)
    assert clipped[0][0] == pytest.approx(2.0 / 3.0, rel=1e-15)


# --------------------------------------------------------------------------- deep_mlp


def linear_layers(model):
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def test_deep_mlp_is_deterministic_given_a_seed():
    a, b, c = gf.deep_mlp(5, seed=3), gf.deep_mlp(5, seed=3), gf.deep_mlp(5, seed=4)
    for (name, pa), pb, pc in zip(a.state_dict().items(), b.state_dict().values(), c.state_dict().values()):
        assert torch.equal(pa, pb), name
    assert not torch.equal(a[0].linear.weight, c[0].linear.weight)
    d = gf.deep_mlp(5, seed=torch.Generator().manual_seed(3))
    assert torch.equal(d[0].linear.weight, a[0].linear.weight)


def test_deep_mlp_does_not_touch_global_random_state():
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    gf.deep_mlp(3)
    assert torch.equal(torch.rand(1), expected)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("batchnorm", [False, True])
@pytest.mark.parametrize("residual", [False, True])
def test_deep_mlp_shapes(dtype, batchnorm, residual):
    model = gf.deep_mlp(4, width=8, in_features=3, out_features=2, batchnorm=batchnorm, residual=residual, dtype=dtype)
    layers = linear_layers(model)
    assert len(layers) == 5
    assert [tuple(m.weight.shape) for m in layers] == [(8, 3)] + [(8, 8)] * 3 + [(2, 8)]
    assert sum(isinstance(m, nn.BatchNorm1d) for m in model.modules()) == (4 if batchnorm else 0)
    # The first block cannot be residual (3 -> 8), the others are iff residual.
    assert [block.residual for block in model[:4]] == [False] + [residual] * 3
    out = model(torch.zeros(6, 3, dtype=dtype))
    assert out.shape == (6, 2) and out.dtype == dtype


def test_residual_block_is_x_plus_f_x():
    model = gf.deep_mlp(2, width=4, activation="tanh", init="xavier", residual=True, seed=1, dtype=torch.float64)
    x = torch.randn(5, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    block = model[1]
    expected = x + torch.tanh(x @ block.linear.weight.T + block.linear.bias)
    assert torch.allclose(block(x), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "init, options, expected_std",
    [("he", {}, math.sqrt(2 / 256)), ("xavier", {}, math.sqrt(2 / (256 + 256))), ("normal", {"std": 0.01}, 0.01)],
)
def test_deep_mlp_init_has_the_formula_std(init, options, expected_std):
    model = gf.deep_mlp(2, width=256, init=init, **options)
    for layer in linear_layers(model):
        # 65536 draws: the sample std is within 2% of sigma with overwhelming probability.
        assert layer.weight.std().item() == pytest.approx(expected_std, rel=0.02)
        assert torch.all(layer.bias == 0)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"depth": 0}, ValueError, r"depth must be an integer >= 1; got 0\."),
        ({"depth": 2.5}, TypeError, r"depth must be an integer; got 2\.5"),
        (
            {"depth": 3, "activation": "selu"},
            ValueError,
            r"activation must be one of 'sigmoid', 'tanh', 'relu' or 'linear'; got 'selu'\.",
        ),
        ({"depth": 3, "init": "kaiming"}, ValueError, r"init must be one of 'normal', 'xavier' or 'he'; got 'kaiming'\."),
        (
            {"depth": 3, "init": "he", "std": 0.1},
            ValueError,
            r"std must be None unless init='normal'; got std=0\.1 with init='he'\.",
        ),
        ({"depth": 3, "init": "normal", "std": 0.0}, ValueError, r"std must be a finite number > 0; got 0\.0\."),
        ({"depth": 3, "seed": "abc"}, TypeError, r"seed must be an int or a torch\.Generator; got 'abc'"),
        ({"depth": 3, "dtype": torch.int64}, TypeError, r"dtype must be a floating torch dtype"),
        ({"depth": 3, "width": 0}, ValueError, r"width must be an integer >= 1; got 0\."),
    ],
)
def test_deep_mlp_rejects_bad_arguments(kwargs, error, match):
    depth = kwargs.pop("depth")
    with pytest.raises(error, match=match):
        gf.deep_mlp(depth, **kwargs)


# --------------------------------------------------------------------------- clipping errors


@pytest.mark.parametrize("max_norm", [0.0, -1.0, math.nan, math.inf])
def test_clip_grad_norm_rejects_non_positive_max_norm(max_norm):
    with pytest.raises(ValueError, match=r"max_norm must be a finite number > 0; got"):
        gf.clip_grad_norm([np.ones(2)], max_norm)


@pytest.mark.parametrize("norm_type", [0.5, 0, -1.0, math.nan, -math.inf, "2", True])
def test_clip_grad_norm_rejects_invalid_norm_type(norm_type):
    with pytest.raises(ValueError, match=r"norm_type must be a real number >= 1 or float\('inf'\); got"):
        gf.clip_grad_norm([np.ones(2)], 1.0, norm_type=norm_type)


def test_clip_grad_norm_rejects_non_positive_eps():
    with pytest.raises(ValueError, match=r"eps must be a finite number > 0; got 0\.0\."):
        gf.clip_grad_norm([np.ones(2)], 1.0, eps=0.0)


@pytest.mark.parametrize("clip_value", [0.0, -0.5, math.nan])
def test_clip_grad_value_rejects_non_positive_clip_value(clip_value):
    with pytest.raises(ValueError, match=r"clip_value must be a finite number > 0; got"):
        gf.clip_grad_value([np.ones(2)], clip_value)


def test_clip_rejects_non_numeric_gradients():
    with pytest.raises(TypeError, match=r"grads\[1\] must be an array of real numbers; got dtype <U1"):
        gf.clip_grad_norm([np.ones(2), np.array(["a"])], 1.0)


# --------------------------------------------------------------------------- measurements


@pytest.fixture(scope="module")
def batch():
    g = torch.Generator().manual_seed(1)
    return torch.randn(256, 64, generator=g), torch.randn(256, 64, generator=g)


def first_over_last(batch, **options):
    norms = gf.layer_gradient_norms(gf.deep_mlp(30, **options), *batch)
    assert norms.shape == (31,) and np.all(np.isfinite(norms))
    return norms[0] / norms[-1]


def test_layer_gradient_norms_equal_backward_and_leave_grad_alone(batch):
    model = gf.deep_mlp(3, width=64, activation="tanh", init="xavier", dtype=torch.float64)
    norms = gf.layer_gradient_norms(model, *batch)
    assert all(p.grad is None for p in model.parameters())
    nn.functional.mse_loss(model(batch[0].double()), batch[1].double()).backward()
    expected = [model[k].linear.weight.grad.norm().item() for k in range(3)] + [model[3].weight.grad.norm().item()]
    np.testing.assert_allclose(norms, expected, rtol=1e-12)


def test_layer_gradient_norms_with_cross_entropy(batch):
    model = gf.deep_mlp(3, out_features=10, dtype=torch.float64)
    labels = torch.arange(256) % 10
    norms = gf.layer_gradient_norms(model, batch[0], labels, loss="ce")
    nn.functional.cross_entropy(model(batch[0].double()), labels).backward()
    np.testing.assert_allclose(norms[-1], model[3].weight.grad.norm().item(), rtol=1e-12)


def test_sigmoid_gradients_vanish_while_relu_he_flow(batch):
    # Measured (depth 30, width 64): sigmoid + xavier 4e-20, relu + he 0.68.
    sigmoid = first_over_last(batch, activation="sigmoid", init="xavier")
    relu = first_over_last(batch, activation="relu", init="he")
    assert sigmoid < 1e-10
    assert 0.1 < relu < 10
    assert relu > 1e8 * sigmoid


def test_batchnorm_and_residual_keep_the_first_layer_gradient(batch):
    # Measured: sigmoid + batchnorm 0.14; tanh + residual 0.68; sigmoid + residual 1.7e-3
    # (its output layer sees the growing sum h_30, so its gradient is large), against 4e-20 without.
    assert 1e-2 < first_over_last(batch, activation="sigmoid", init="xavier", batchnorm=True) < 1e2
    assert 0.1 < first_over_last(batch, activation="tanh", init="xavier", residual=True) < 10
    plain = first_over_last(batch, activation="sigmoid", init="xavier")
    assert first_over_last(batch, activation="sigmoid", init="xavier", residual=True) > 1e10 * plain


def test_he_init_keeps_relu_activation_scale_and_small_normal_collapses_it(batch):
    # Measured std at layer 30 / layer 1: he 0.72; normal(0, 0.01) 5e-37; normal(0, 1) 5e21.
    he = gf.activation_stats(gf.deep_mlp(30, init="he"), batch[0]).std
    small = gf.activation_stats(gf.deep_mlp(30, init="normal", std=0.01), batch[0]).std
    large = gf.activation_stats(gf.deep_mlp(30, init="normal", std=1.0), batch[0]).std
    assert he.shape == (30,)
    assert 0.25 < he[-1] / he[0] < 4 and np.all((he > 0.25 * he[0]) & (he < 4 * he[0]))
    assert small[-1] / small[0] < 1e-20
    assert large[-1] / large[0] > 1e10


def test_activation_stats_by_hand(batch):
    model = gf.deep_mlp(3, width=64, activation="tanh", init="xavier", dtype=torch.float64)
    h = batch[0].double().numpy()
    means, stds = [], []
    for k in range(3):
        w, b = (t.detach().numpy() for t in (model[k].linear.weight, model[k].linear.bias))
        h = np.tanh(h @ w.T + b)
        means.append(h.mean())
        stds.append(h.std())
    stats = gf.activation_stats(model, batch[0])
    np.testing.assert_allclose(stats.mean, means, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(stats.std, stds, rtol=1e-10)


def test_activation_stats_of_a_plain_sequential():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Sigmoid())
    with torch.no_grad():
        for m in model:
            if isinstance(m, nn.Linear):
                m.weight.zero_()
                m.bias.fill_(-1.0)
    stats = gf.activation_stats(model, torch.ones(4, 2))
    np.testing.assert_allclose(stats.mean, [0.0, 1 / (1 + math.e)])  # relu(-1) = 0, sigmoid(-1)
    np.testing.assert_allclose(stats.std, [0.0, 0.0], atol=1e-7)


def test_measurement_errors(batch):
    model = gf.deep_mlp(2)
    with pytest.raises(ValueError, match=r"loss must be one of 'mse' or 'ce'; got 'mae'\."):
        gf.layer_gradient_norms(model, *batch, loss="mae")
    message = r"y must have the model output's shape; got \(256,\) and output \(256, 64\)\."
    with pytest.raises(ValueError, match=message):
        gf.layer_gradient_norms(model, batch[0], batch[1][:, 0])
    with pytest.raises(ValueError, match=r"model must contain nn\.Linear layers; got Sequential without any\."):
        gf.layer_gradient_norms(nn.Sequential(nn.ReLU()), *batch)
    with pytest.raises(ValueError, match=r"model must contain hidden blocks or activation modules; got Linear\."):
        gf.activation_stats(nn.Linear(64, 1), batch[0])


# --------------------------------------------------------------------------- RNN


@pytest.mark.parametrize("weight_scale", [0.5, 1.0, 1.5])
def test_linear_rnn_gradient_is_a_power_of_the_spectral_radius(weight_scale):
    norms = gf.simple_rnn_gradient(50, weight_scale=weight_scale, seed=0)
    t = np.arange(1, 51)
    np.testing.assert_allclose(norms, weight_scale ** (50.0 - t), rtol=1e-10)


def test_rnn_gradient_vanishes_below_one_and_explodes_above():
    # Measured at t = 1 of T = 50: 0.5 -> 1.8e-15, 1.5 -> 4.3e8 (i.e. 0.5^49, 1.5^49).
    assert gf.simple_rnn_gradient(50, weight_scale=0.5)[0] < 1e-10
    assert gf.simple_rnn_gradient(50, weight_scale=1.5)[0] > 1e6


@pytest.mark.parametrize("weight_scale", [0.5, 1.0, 1.5])
def test_tanh_rnn_gradient_is_bounded_by_the_linear_one(weight_scale):
    # |tanh'| <= 1, so every factor W^T D_s shrinks at least as much as W^T alone.
    tanh = gf.simple_rnn_gradient(50, weight_scale=weight_scale, activation="tanh", seed=2)
    assert np.all(tanh <= weight_scale ** (50.0 - np.arange(1, 51)) * (1 + 1e-10))
    assert tanh[-1] == pytest.approx(1.0, rel=1e-12)


def test_rnn_gradient_is_seeded_and_errors():
    a = gf.simple_rnn_gradient(10, weight_scale=1.2, activation="tanh", seed=5)
    np.testing.assert_array_equal(a, gf.simple_rnn_gradient(10, weight_scale=1.2, activation="tanh", seed=5))
    with pytest.raises(ValueError, match=r"T must be an integer >= 1; got 0\."):
        gf.simple_rnn_gradient(0, weight_scale=1.0)
    with pytest.raises(ValueError, match=r"weight_scale must be a finite number > 0; got 0\.0\."):
        gf.simple_rnn_gradient(5, weight_scale=0.0)
    with pytest.raises(ValueError, match=r"activation must be one of 'linear' or 'tanh'; got 'relu'\."):
        gf.simple_rnn_gradient(5, weight_scale=1.0, activation="relu")


# --------------------------------------------------------------------------- training with clipping


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_training_diverges_without_clipping_and_converges_with_it(seed):
    # Measured: unclipped overflows after 11-37 steps; clip=1.0 goes from ~9 to ~0.27 in 100 steps.
    free = gf.train_with_clipping(seed=seed)
    clipped = gf.train_with_clipping(clip=1.0, seed=seed)
    assert free.shape == clipped.shape == (101,)
    assert not np.all(np.isfinite(free)) or np.max(free) > 1e6
    assert np.all(np.isfinite(clipped))
    assert clipped[0] == free[0]  # same data and weights
    assert clipped[-1] < 0.1 * clipped[0]


def test_training_is_deterministic_and_checks_arguments():
    np.testing.assert_array_equal(gf.train_with_clipping(clip=1.0, steps=5), gf.train_with_clipping(clip=1.0, steps=5))
    assert gf.train_with_clipping(steps=0).shape == (1,)
    with pytest.raises(ValueError, match=r"clip must be a finite number > 0; got 0\.0\."):
        gf.train_with_clipping(clip=0.0)
    with pytest.raises(ValueError, match=r"lr must be a finite number > 0; got -1\.0\."):
        gf.train_with_clipping(lr=-1.0)
