"""Likelihood losses: parity with PyTorch (values and gradients over every option,
reduction, dtype and accepted shape), SciPy's distributions for the full
log-likelihoods, hand-computed numbers, the places where we deliberately
differ from PyTorch, and bad inputs.

Oracles: torch.nn.functional with autograd, scipy.stats.poisson.logpmf,
scipy.stats.norm.logpdf, scipy.stats.entropy, numbers derived by hand;
never lossbook's own output.
"""
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import special, stats

from conftest import DTYPES, REDUCTIONS, assert_close, pairs, torch_value_and_grad
from lossbook import likelihood as lk

SHAPES = [(), (7,), (3, 4)]


def reduce_like(a, reduction):
    """The sizes of the terms ``a`` reduced as ``reduction`` says: assert_close's (scalar) scale.

    For ``"none"`` the largest, a bound for every element.
    """
    a = np.asarray(a, dtype=np.float64)
    if reduction == "batchmean":
        return a.sum() / (a.shape[0] if a.ndim else 1)
    return {"none": a.max(initial=0.0), "sum": a.sum(), "mean": a.mean() if a.size else 0.0}[reduction]


def assert_parity(value, grad, expected, dtype, value_scale=0.0, grad_scale=0.0):
    """Our value and gradient against torch's (value, grad): dtype, shape and numbers."""
    expected_value, expected_grad = expected
    assert value.dtype == dtype and value.shape == expected_value.shape
    assert grad.dtype == dtype and grad.shape == expected_grad.shape
    assert_close(value, expected_value, dtype, scale=value_scale)
    assert_close(grad, expected_grad, dtype, scale=grad_scale)


# --- poisson_nll_loss -------------------------------------------------------------


def poisson_case(rng, shape, dtype, log_input):
    """Inputs (log-rates, or rates with some zeros) and counts with 0, 1, 2 and a non-integer."""
    x = rng.normal(0, 1.5, shape) if log_input else rng.uniform(0, 5, shape)
    y = rng.poisson(3.0, shape).astype(np.float64)
    if y.ndim:
        y.flat[:4] = [0.0, 1.0, 2.0, 2.5][: y.size]  # the Stirling mask's edges and a non-integer count
        x.flat[0] = 0.0  # a zero rate (log_input=False): only eps keeps log finite, 0 log 0 = 0 for y = 0
        x.flat[-1] = 0.0 if log_input else x.flat[-1]
    return x.astype(dtype), y.astype(dtype)


def poisson_scales(x, y, log_input, full, eps, reduction):
    """Sizes of the terms of the loss and the gradient (they may cancel)."""
    rate = np.exp(x) if log_input else x
    with np.errstate(divide="ignore"):
        log_rate = x if log_input else np.log(x + eps)
    safe = np.maximum(y, 1)
    stirling = safe * np.log(safe) + safe + np.abs(np.log(2 * np.pi * safe)) if full else 0
    terms = np.abs(rate) + np.where(y == 0, 0, np.abs(y * log_rate)) + stirling
    return reduce_like(terms, reduction), reduce_like(np.abs(rate) + np.abs(y), reduction)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("log_input", [True, False], ids=["log_input", "rate"])
@pytest.mark.parametrize("full", [False, True], ids=["", "full"])
@pytest.mark.parametrize("eps", [1e-8, 0.5])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_poisson_nll_loss_parity_with_torch(shape, log_input, full, eps, reduction, dtype, rng):
    x, y = poisson_case(rng, shape, dtype, log_input)
    options = dict(log_input=log_input, full=full, eps=eps, reduction=reduction)
    expected = torch_value_and_grad(F.poisson_nll_loss, x, y, **options)
    value_scale, grad_scale = poisson_scales(x.astype(np.float64), y, log_input, full, eps, reduction)
    assert_parity(lk.poisson_nll_loss(x, y, **options), lk.poisson_nll_loss_grad(x, y, **options), expected, dtype,
                  value_scale, grad_scale / (y.size if reduction == "mean" else 1))


@given(data=pairs(elements=st.floats(-20, 20)), log_input=st.booleans(), full=st.booleans())
def test_poisson_nll_loss_matches_torch_on_random_shapes(data, log_input, full):
    x, y = data
    y = np.round(np.abs(y))  # counts
    x = x if log_input else np.abs(x)
    for reduction in REDUCTIONS:
        options = dict(log_input=log_input, full=full, reduction=reduction)
        expected = torch_value_and_grad(F.poisson_nll_loss, x, y, **options)
        scales = poisson_scales(x, y, log_input, full, 1e-8, reduction)
        assert_parity(lk.poisson_nll_loss(x, y, **options), lk.poisson_nll_loss_grad(x, y, **options), expected,
                      np.float64, scales[0], scales[1])


def test_poisson_full_is_scipy_logpmf_up_to_stirlings_error():
    # full=True adds Stirling's log y! only where y > 1. Robbins (1955): 1/(12y + 1) < log y! - Stirling < 1/(12y).
    k = np.arange(0, 1001, dtype=np.float64)
    x = np.log(np.full_like(k, 7.5))  # rate 7.5
    minus_logpmf = -stats.poisson.logpmf(k, 7.5)
    error = minus_logpmf - lk.poisson_nll_loss(x, k, full=True, reduction="none")
    np.testing.assert_allclose(error[:2], 0, atol=1e-13)  # y = 0, 1: log y! = 0, no approximation
    big = k[2:]
    assert np.all(error[2:] > 1 / (12 * big + 1) - 1e-11) and np.all(error[2:] < 1 / (12 * big) + 1e-11)
    # the docstring's measured errors
    assert error[2] == pytest.approx(0.0413, abs=5e-5)
    assert error[10] == pytest.approx(0.0083, abs=5e-5)
    assert error[100] == pytest.approx(0.00083, abs=5e-6)
    # without full, the loss misses exactly log y!
    partial = lk.poisson_nll_loss(x, k, reduction="none")
    np.testing.assert_allclose(minus_logpmf - partial, special.gammaln(k + 1), rtol=1e-10, atol=1e-10)


def test_poisson_hand_values():
    # rate 1, count 1: 1 - 0; rate 2, count 2: 2 - 2 ln 2; full at rate 1, count 2: 1 + 2 ln 2 - 2 + ln(4 pi) / 2
    np.testing.assert_allclose(lk.poisson_nll_loss([0.0, np.log(2.0)], [1.0, 2.0], reduction="none"),
                               [1.0, 2 - 2 * np.log(2)], rtol=1e-15)
    assert lk.poisson_nll_loss([2.0], [2.0], log_input=False, eps=0.0) == pytest.approx(2 - 2 * np.log(2), rel=1e-15)
    assert lk.poisson_nll_loss([0.0], [2.0], full=True) == pytest.approx(1 + 2 * np.log(2) - 2 + np.log(4 * np.pi) / 2,
                                                                         rel=1e-15)
    # the gradient on log-rates is the residual: rate - count
    np.testing.assert_allclose(lk.poisson_nll_loss_grad([0.0, np.log(5.0)], [3.0, 2.0], reduction="sum"), [-2.0, 3.0],
                               rtol=1e-15)


@given(y=hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(0.01, 1e3)))
def test_poisson_minimum_is_at_rate_equal_count(y):
    # d/dx (e^x - y x) = e^x - y vanishes at x = log y, where the loss is y - y log y
    x = np.log(y)
    assert_close(lk.poisson_nll_loss_grad(x, y, reduction="none"), 0, scale=np.max(y))
    assert_close(lk.poisson_nll_loss(x, y, reduction="none"), y - y * np.log(y), scale=np.max(np.abs(y * np.log(y))))
    assert np.all(lk.poisson_nll_loss(x + 0.1, y, reduction="none") > y - y * np.log(y))


def test_poisson_zero_count_at_zero_rate_is_zero_where_torch_gives_nan():
    # eps=0, rate 0, count 0: P(0 | 0) = 1, so -log P = 0; torch computes 0 * log 0 = nan
    assert torch.isnan(F.poisson_nll_loss(torch.tensor([0.0]), torch.tensor([0.0]), log_input=False, eps=0.0))
    assert lk.poisson_nll_loss([0.0], [0.0], log_input=False, eps=0.0) == 0.0
    assert lk.poisson_nll_loss_grad([0.0], [0.0], log_input=False, eps=0.0) == 1.0
    assert lk.poisson_nll_loss([0.0], [1.0], log_input=False, eps=0.0) == np.inf  # count 1 at rate 0: impossible


# --- gaussian_nll_loss --------------------------------------------------------------

#: name -> (input shape, var shape or "float"): every shape PyTorch 2.13 accepts.
VAR_SHAPES = {
    "same": ((4, 3), (4, 3)),
    "last axis 1": ((4, 3), (4, 1)),
    "first axis 1": ((4, 3), (1, 3)),
    "middle axis 1": ((2, 3, 4), (2, 1, 4)),
    "last axis dropped": ((4, 3), (4,)),
    "0-d var, 1-d input": ((3,), ()),
    "scalar input": ((), ()),
    "float": ((4, 3), "float"),
}


def torch_gaussian(x, y, var, **options):
    """torch's value and gradients with respect to input and var (a float var: through a full tensor of it)."""
    xt = torch.tensor(x, requires_grad=True)
    vt = torch.tensor(np.full(x.shape, var, x.dtype) if isinstance(var, float) else var, requires_grad=True)
    out = F.gaussian_nll_loss(xt, torch.tensor(y), vt, **options)
    out.backward(torch.ones_like(out))
    d_var = vt.grad.numpy()
    return out.detach().numpy(), xt.grad.numpy(), (np.asarray(d_var.sum()) if isinstance(var, float) else d_var)


def broadcast_var(var, shape):
    """var as torch broadcasts it: a missing last axis is unsqueezed first (float64, for the scales)."""
    var = np.asarray(var, dtype=np.float64)
    if var.shape != shape and var.shape == shape[:-1]:
        var = var[..., None]
    return np.broadcast_to(var, shape)


def gaussian_case(rng, name, dtype):
    shape, var_shape = VAR_SHAPES[name]
    x, y = rng.normal(size=shape).astype(dtype), rng.normal(size=shape).astype(dtype)
    if var_shape == "float":
        return x, y, 0.7
    var = rng.uniform(0.1, 3.0, var_shape).astype(dtype)
    if var.size >= 2:
        var.flat[:2] = [1e-8, 0.0]  # below eps: clamped, and the gradient flows as if at eps
    return x, y, var


@pytest.mark.parametrize("name", VAR_SHAPES)
@pytest.mark.parametrize("full", [False, True], ids=["", "full"])
@pytest.mark.parametrize("eps", [1e-6, 0.5])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_gaussian_nll_loss_parity_with_torch(name, full, eps, reduction, dtype, rng):
    x, y, var = gaussian_case(rng, name, dtype)
    options = dict(full=full, eps=eps, reduction=reduction)
    value, d_input, d_var = torch_gaussian(x, y, var, **options)
    v = np.maximum(broadcast_var(var, x.shape), eps)
    r2 = np.square(x - y).astype(np.float64)
    got = lk.gaussian_nll_loss(x, y, var, **options)
    assert got.dtype == dtype and got.shape == value.shape
    assert_close(got, value, dtype, scale=reduce_like(0.5 * (np.abs(np.log(v)) + r2 / v) + 1, reduction))
    grad = lk.gaussian_nll_loss_grad(x, y, var, **options)
    assert isinstance(grad, lk.GaussianNLLGrad)
    for ours, theirs in zip(grad, (d_input, d_var)):
        assert ours.dtype == dtype and ours.shape == theirs.shape
    assert_close(grad.input, d_input, dtype)
    var_scale = np.sum(np.broadcast_to(0.5 * (1 / v + r2 / v**2), x.shape)) / (x.size if reduction == "mean" else 1)
    assert_close(grad.var, d_var, dtype, scale=var_scale)


#: (input shape, var shape): what PyTorch 2.13 accepts or refuses, probed in the test itself.
SHAPE_PROBES = [((2, 3), (2, 3)), ((2, 3), (2, 1)), ((2, 3), (2,)), ((2, 3), (1, 3)), ((2, 3), (1, 1)),
                ((2, 3), ()), ((3,), ()), ((3,), (1,)), ((4, 3, 5), (4, 1, 5)), ((4, 3, 5), (4, 1, 1)),
                ((4, 3, 5), (4, 3)), ((4, 3, 5), (3, 5)), ((2, 3), (3,)), ((2, 3), (2, 3, 1)), ((2, 1), (2,)),
                ((2, 3), (3, 3)), ((0, 3), (1, 3)), ((), ()), ((), (1,))]


@pytest.mark.parametrize("input_shape, var_shape", SHAPE_PROBES, ids=str)
def test_gaussian_var_shapes_accepted_and_refused_exactly_as_torch(input_shape, var_shape, rng):
    x, y = rng.normal(size=input_shape), rng.normal(size=input_shape)
    var = rng.uniform(0.5, 2.0, var_shape)
    try:
        expected = F.gaussian_nll_loss(torch.tensor(x), torch.tensor(y), torch.tensor(var), reduction="none")
    except ValueError as error:
        assert str(error) == "var is of incorrect size"
        with pytest.raises(ValueError, match=r"^var must have the input's shape "):
            lk.gaussian_nll_loss(x, y, var)
    else:
        assert_close(lk.gaussian_nll_loss(x, y, var, reduction="none"), expected.numpy())


def test_gaussian_var_as_python_int_is_refused_like_torch():
    x = np.zeros((2, 3))
    with pytest.raises(TypeError):  # torch's isinstance(var, float) misses an int, then torch.any(bool) fails
        F.gaussian_nll_loss(torch.tensor(x), torch.tensor(x), 1)
    with pytest.raises(TypeError, match=r"^var must be a float or an array of variances; got 1 of type int\. "):
        lk.gaussian_nll_loss(x, x, 1)


def test_gaussian_negative_var_is_refused_like_torch():
    x, var = np.zeros((2, 3)), np.ones((2, 3))
    var[0, 1] = -1.0
    with pytest.raises(ValueError, match="var has negative entry"):
        F.gaussian_nll_loss(torch.tensor(x), torch.tensor(x), torch.tensor(var))
    with pytest.raises(ValueError, match=r"^var must contain variances in \[0, inf\]; got -1\.0 at index \(0, 1\)\.$"):
        lk.gaussian_nll_loss(x, x, var)


def test_gaussian_clamp_gradient_is_torchs_straight_through():
    # torch clamps var in place under no_grad: below eps the gradient is the one AT eps, not 0
    x, y, var = np.array([0.5, 2.0, 1.0]), np.array([0.0, 0.0, 1.0]), np.array([1e-8, 1e-8, 0.0])
    _, _, d_var = torch_gaussian(x, y, var, reduction="sum")
    at_eps = 0.5 * (1 / 1e-6 - (x - y) ** 2 / 1e-12)  # hand: d/dv of (log v + r^2 / v) / 2 at v = eps
    np.testing.assert_allclose(d_var, at_eps, rtol=1e-12)
    np.testing.assert_allclose(lk.gaussian_nll_loss_grad(x, y, var, reduction="sum").var, at_eps, rtol=1e-12)
    np.testing.assert_allclose(lk.gaussian_nll_loss_grad(x, y, var, reduction="sum").input, (x - y) / 1e-6,
                               rtol=1e-15)


@given(data=pairs(min_side=1, elements=st.floats(-100, 100)), log_var=st.floats(-10, 5))
def test_gaussian_full_is_scipy_norm_logpdf(data, log_var):
    x, y = data
    v = float(np.exp(log_var))
    expected = -stats.norm.logpdf(y, loc=x, scale=np.sqrt(v))
    got = lk.gaussian_nll_loss(x, y, v, full=True, reduction="none")
    assert_close(got, expected, scale=np.max(np.abs(expected)) + 1)
    # full only adds the constant log(2 pi) / 2; sum = mean * n
    assert_close(got - lk.gaussian_nll_loss(x, y, v, reduction="none"), 0.5 * math.log(2 * math.pi),
                 scale=np.max(np.abs(got)))
    assert_close(lk.gaussian_nll_loss(x, y, v, reduction="sum"), lk.gaussian_nll_loss(x, y, v) * x.size,
                 scale=np.sum(np.abs(expected)) + x.size)


def test_gaussian_hand_values():
    assert lk.gaussian_nll_loss([1.0], [0.0], [1.0]) == 0.5
    np.testing.assert_allclose(lk.gaussian_nll_loss([2.0, 0.0], [0.0, 0.0], 4.0, reduction="none"),
                               [(np.log(4) + 1) / 2, np.log(4) / 2], rtol=1e-15)
    assert lk.gaussian_nll_loss([0.0], [0.0], [0.0]) == pytest.approx(np.log(1e-6) / 2, rel=1e-15)  # clamped
    grad = lk.gaussian_nll_loss_grad([2.0, 0.0], [0.0, 0.0], 4.0, reduction="sum")
    assert grad.var == pytest.approx(0.125, rel=1e-15)  # (4 - 4) / 32 + (4 - 0) / 32
    np.testing.assert_allclose(grad.input, [0.5, 0.0], rtol=1e-15)
    assert grad.var.shape == ()


# --- kl_div -----------------------------------------------------------------------------


def torch_kl_div(input, target, **options):
    with warnings.catch_warnings():  # torch warns that "mean" is not the KL divergence; the docstring says so
        warnings.simplefilter("ignore", UserWarning)
        return F.kl_div(input, target, **options)


KL_REDUCTIONS = REDUCTIONS + ["batchmean"]


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("log_target", [False, True], ids=["p", "log p"])
@pytest.mark.parametrize("reduction", KL_REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_kl_div_parity_with_torch(shape, log_target, reduction, dtype, rng):
    log_q = special.log_softmax(rng.normal(size=shape), axis=-1)
    p = special.softmax(2 * rng.normal(size=shape), axis=-1)
    if not log_target:
        p.flat[0] = 0.0  # 0 log 0 = 0 (log q finite here: torch agrees)
    target = (np.log(p) if log_target else p).astype(dtype)
    x = log_q.astype(dtype)
    options = dict(log_target=log_target, reduction=reduction)
    expected = torch_value_and_grad(torch_kl_div, x, target, **options)
    scale = reduce_like(np.abs(p * np.log(np.where(p > 0, p, 1))) + np.abs(p * log_q), reduction)
    assert_parity(lk.kl_div(x, target, **options), lk.kl_div_grad(x, target, **options), expected, dtype, scale)


@given(data=st.data())
def test_kl_div_batchmean_is_scipy_entropy_averaged_over_rows(data):
    n, c = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 6))
    raw = data.draw(hnp.arrays(np.float64, (2, n, c), elements=st.floats(0, 1)))
    raw[:, :, 0] += 0.1  # every row has some mass
    p, q = raw / raw.sum(axis=-1, keepdims=True)
    q = np.maximum(q, 1e-3)  # q > 0 wherever p > 0: a finite divergence
    q /= q.sum(axis=-1, keepdims=True)
    expected = stats.entropy(p, q, axis=1).mean()  # scipy: sum p log(p / q) per row
    got = lk.kl_div(np.log(q), p, reduction="batchmean")
    assert_close(got, expected, scale=np.mean(np.sum(np.abs(special.xlogy(p, p)) + np.abs(p * np.log(q)), axis=1)))
    assert got >= -1e-12  # Gibbs' inequality
    # "mean" divides by all n * c elements, "batchmean" by n
    assert_close(lk.kl_div(np.log(q), p) * c, got, scale=abs(got) + 1)
    with np.errstate(divide="ignore"):  # log 0 = -inf where p = 0: those terms count 0
        log_p = np.log(p)
    assert_close(lk.kl_div(log_p, p, reduction="batchmean"), 0.0)  # D(p || p) = 0, zeros included


def test_kl_div_hand_values():
    log_q, p = np.log([[0.5, 0.5], [0.5, 0.5]]), np.array([[1.0, 0.0], [0.5, 0.5]])
    np.testing.assert_allclose(lk.kl_div(log_q, p, reduction="none"), [[np.log(2), 0], [0, 0]], atol=1e-16)
    assert lk.kl_div(log_q, p, reduction="batchmean") == pytest.approx(np.log(2) / 2, rel=1e-15)
    assert lk.kl_div(log_q, p) == pytest.approx(np.log(2) / 4, rel=1e-15)  # 'mean': not a KL divergence
    assert lk.kl_div(log_q, p, reduction="sum") == pytest.approx(np.log(2), rel=1e-15)
    np.testing.assert_array_equal(lk.kl_div_grad(log_q, p, reduction="batchmean"), -p / 2)
    assert lk.kl_div(-1.0, 0.5, reduction="batchmean") == pytest.approx(0.5 * (np.log(0.5) + 1), rel=1e-15)  # 0-d: / 1


def test_kl_div_zero_probability_terms_are_zero_where_torch_gives_nan():
    # p = 0 at q = 0 (log q = -inf) and, with log_target, log p = -inf: the term is 0 (0 log 0); torch: nan
    x, t = torch.tensor([-np.inf, -1.0]), torch.tensor([0.0, 0.0])
    assert torch.all(torch.isnan(torch_kl_div(x, t, reduction="none")[:1]))
    assert torch.isnan(torch_kl_div(torch.tensor([-1.0]), torch.tensor([-np.inf]), log_target=True, reduction="sum"))
    np.testing.assert_array_equal(lk.kl_div(x.numpy(), t.numpy(), reduction="none"), [0.0, 0.0])
    assert lk.kl_div([-1.0], [-np.inf], log_target=True, reduction="sum") == 0.0
    assert lk.kl_div([-np.inf], [0.5], reduction="sum") == np.inf  # p > 0 where q = 0: infinite, as in torch


def test_kl_div_of_an_empty_batch_is_nan_like_torch():
    assert np.isnan(lk.kl_div(np.zeros((0, 3)), np.zeros((0, 3)), reduction="batchmean"))
    assert torch.isnan(torch_kl_div(torch.zeros(0, 3), torch.zeros(0, 3), reduction="batchmean"))


# --- options, dtypes and errors -------------------------------------------------------

LOSSES = {  # name -> (loss, grad, valid data arguments)
    "poisson_nll_loss": (lk.poisson_nll_loss, lk.poisson_nll_loss_grad, ([0.5, 1.0], [1.0, 2.0])),
    "gaussian_nll_loss": (lk.gaussian_nll_loss, lk.gaussian_nll_loss_grad, ([0.5, 1.0], [1.0, 2.0], [1.0, 2.0])),
    "kl_div": (lk.kl_div, lk.kl_div_grad, ([-0.5, -1.0], [0.5, 0.5])),
}


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("fn_index", [0, 1])
def test_options_are_keyword_only_and_float32_stays_float32(name, fn_index):
    fn, args = LOSSES[name][fn_index], LOSSES[name][2]
    with pytest.raises(TypeError, match=r"positional argument"):
        fn(*args, True)
    out = fn(*(np.asarray(a, dtype=np.float32) for a in args))
    assert all(o.dtype == np.float32 for o in (out if isinstance(out, tuple) else (out,)))


X, Y = np.zeros((2, 3)), np.ones((2, 3))
ERRORS = [  # (function, args, kwargs, exception, message)
    (lk.poisson_nll_loss, (np.zeros((3, 1)), np.zeros(3)), {}, ValueError,
     r"^input and target must have the same shape; got \(3, 1\) and \(3,\)\. "),
    (lk.poisson_nll_loss, ([0.0, 0.0], [1.0, -1.0]), {}, ValueError,
     r"^target must contain counts in \[0, inf\]; got -1\.0 at index \(1,\)\.$"),
    (lk.poisson_nll_loss, ([-0.5, 1.0], [1.0, 1.0]), {"log_input": False}, ValueError,
     r"^input must contain rates \(log_input=False\) in \[0, inf\]; got -0\.5 at index \(0,\)\.$"),
    (lk.poisson_nll_loss, (X, Y), {"eps": -1.0}, ValueError, r"^eps must be in \[0, inf\); got -1\.0\.$"),
    (lk.poisson_nll_loss, (X, Y), {"log_input": "yes"}, TypeError,
     r"^log_input must be True or False; got 'yes' of type str\.$"),
    (lk.poisson_nll_loss, (X, Y), {"full": 1}, TypeError, r"^full must be True or False; got 1 of type int\.$"),
    (lk.poisson_nll_loss, (X, Y), {"reduction": "batchmean"}, ValueError,
     r"^reduction must be one of 'mean', 'sum' or 'none'; got 'batchmean'\.$"),
    (lk.gaussian_nll_loss, (X, Y, np.ones((1, 1))), {}, ValueError,
     r"^var must have the input's shape \(2, 3\), that shape with one axis of size 1, or \(2,\) "
     r"\(the last axis dropped\); got \(1, 1\)\.$"),
    (lk.gaussian_nll_loss, (X, Y, 1), {}, TypeError,
     r"^var must be a float or an array of variances; got 1 of type int\. "
     r"Write 1\.0, as PyTorch refuses an int too\.$"),
    (lk.gaussian_nll_loss, (X, Y, -2.0), {}, ValueError,
     r"^var must contain variances in \[0, inf\]; got -2\.0 at index \(0, 0\)\.$"),
    (lk.gaussian_nll_loss, (X, Y, 1.0), {"eps": 0.0}, ValueError, r"^eps must be a finite number > 0; got 0\.0\.$"),
    (lk.gaussian_nll_loss, (X, np.ones(3), 1.0), {}, ValueError,
     r"^input and target must have the same shape; got \(2, 3\) and \(3,\)\. "),
    (lk.gaussian_nll_loss, (X, Y, ["a"]), {}, TypeError, r"^var must be an array of real numbers; got dtype <U1"),
    (lk.gaussian_nll_loss, (X, Y, 1.0), {"full": None}, TypeError,
     r"^full must be True or False; got None of type NoneType\.$"),
    (lk.kl_div, ([0.5, -1.0], [0.5, 0.5]), {}, ValueError,
     r"^input must contain log-probabilities in \[-inf, 0\]; got 0\.5 at index \(0,\)\.$"),
    (lk.kl_div, ([-0.5, -1.0], [0.5, 1.5]), {}, ValueError,
     r"^target must contain probabilities in \[0, 1\]; got 1\.5 at index \(1,\)\.$"),
    (lk.kl_div, ([-0.5, -1.0], [-0.5, 0.25]), {"log_target": True}, ValueError,
     r"^target must contain log-probabilities \(log_target=True\) in \[-inf, 0\]; got 0\.25 at index \(1,\)\.$"),
    (lk.kl_div, (X, Y), {"reduction": "avg"}, ValueError,
     r"^reduction must be one of 'mean', 'sum', 'none' or 'batchmean'; got 'avg'\.$"),
    (lk.kl_div, (X, Y), {"log_target": 0}, TypeError, r"^log_target must be True or False; got 0 of type int\.$"),
]


@pytest.mark.parametrize("fn, args, kwargs, exception, message", ERRORS,
                         ids=[f"{e[0].__name__}-{i}" for i, e in enumerate(ERRORS)])
def test_bad_inputs_are_refused_with_a_message(fn, args, kwargs, exception, message):
    with pytest.raises(exception, match=message):
        fn(*args, **kwargs)
    with pytest.raises(exception, match=message):  # the gradient twin checks the same things
        getattr(lk, fn.__name__ + "_grad")(*args, **kwargs)
