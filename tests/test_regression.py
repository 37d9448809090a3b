"""Regression losses: parity with PyTorch (values and gradients, every reduction,
option and dtype), scikit-learn's metrics, hand-computed values, and properties."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from sklearn import metrics

from conftest import DTYPES, REDUCTIONS, assert_close, pairs, torch_value_and_grad
from lossbook import regression


# Independent torch formulas for the losses torch.nn.functional lacks; autograd
# differentiates them, so they are the oracle for values and gradients alike.
def _torch_reduce(values, reduction):
    return values if reduction == "none" else getattr(values, reduction)()


def torch_msle(x, y, *, reduction="mean"):
    return _torch_reduce((torch.log1p(x) - torch.log1p(y)) ** 2, reduction)


def torch_mape(x, y, *, reduction="mean"):
    return _torch_reduce(torch.abs(x - y) / torch.abs(y), reduction)


def torch_mpe(x, y, *, reduction="mean"):
    return _torch_reduce(1 - x / y, reduction)  # (y - x) / y written another way


def torch_quantile(x, y, *, quantile=0.5, reduction="mean"):
    # q relu(r) + (1 - q) relu(-r): relu's gradient at 0 is 0, the subgradient we chose
    r = y - x
    return _torch_reduce(quantile * F.relu(r) + (1 - quantile) * F.relu(-r), reduction)


def torch_log_cosh(x, y, *, reduction="mean"):
    # the naive formula, in float64 (cosh overflows float32 at |r| ~ 89); |r| <= 300 in these tests
    return _torch_reduce(torch.log(torch.cosh((x - y).double())), reduction).to(x.dtype)


# (our loss, our gradient twin, PyTorch's functional or a torch formula): a parity test is a lookup.
LOSSES = {
    "l1_loss": (regression.l1_loss, regression.l1_loss_grad, F.l1_loss),
    "mse_loss": (regression.mse_loss, regression.mse_loss_grad, F.mse_loss),
    "huber_loss": (regression.huber_loss, regression.huber_loss_grad, F.huber_loss),
    "smooth_l1_loss": (regression.smooth_l1_loss, regression.smooth_l1_loss_grad, F.smooth_l1_loss),
    "msle_loss": (regression.msle_loss, regression.msle_loss_grad, torch_msle),
    "mape_loss": (regression.mape_loss, regression.mape_loss_grad, torch_mape),
    "mpe_loss": (regression.mpe_loss, regression.mpe_loss_grad, torch_mpe),
    "quantile_loss": (regression.quantile_loss, regression.quantile_loss_grad, torch_quantile),
    "log_cosh_loss": (regression.log_cosh_loss, regression.log_cosh_loss_grad, torch_log_cosh),
}

# The options each loss is tested with (the default first); beta=0 is PyTorch's exact-L1 case.
OPTIONS = {
    "huber_loss": [{}, {"delta": 0.3}, {"delta": 50.0}],
    "smooth_l1_loss": [{}, {"beta": 0.0}, {"beta": 0.3}, {"beta": 50.0}],
    "quantile_loss": [{}, {"quantile": 0.0}, {"quantile": 0.1}, {"quantile": 0.9}, {"quantile": 1.0}],
}
CASES = [pytest.param(name, options, id=f"{name}-{options}") for name in LOSSES for options in OPTIONS.get(name, [{}])]

# Where each loss is defined: a map of conftest's pairs in [-1e3, 1e3] onto it (conftest's
# `elements` argument cannot take a strategy: `elements or ...` asks a strategy for its truth value).
def nonzero(a):
    return np.copysign(np.abs(a) + 1e-2, a)  # relative errors need y != 0


DOMAIN = {
    "msle_loss": lambda a: (a + 1e3) / 2 - 0.99,  # log1p needs values > -1: [-0.99, 999.01]
    "mape_loss": nonzero,
    "mpe_loss": nonzero,
    "log_cosh_loss": lambda a: 0.15 * a,  # the torch oracle's cosh overflows near |r| = 710
}


def domain_pairs(name, min_side=0):
    to_domain = DOMAIN.get(name, lambda a: a)
    return pairs(min_side=min_side).map(lambda xy: tuple(to_domain(a) for a in xy))


@pytest.mark.parametrize("name, options", CASES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_parity_with_torch(name, options, reduction, dtype, data):
    loss, grad, torch_loss = LOSSES[name]
    x, y = (a.astype(dtype) for a in data.draw(domain_pairs(name, min_side=1)))
    expected, expected_grad = torch_value_and_grad(torch_loss, x, y, reduction=reduction, **options)
    got = loss(x, y, **options, reduction=reduction)
    assert got.dtype == dtype and got.shape == expected.shape
    # MPE's terms are signed and can cancel: judge a reduced value against the
    # size of the terms it was summed from
    terms = np.abs(torch_value_and_grad(torch_loss, x, y, reduction="none", **options)[0])
    scale = {"sum": terms.sum(), "mean": terms.mean(), "none": 0.0}[reduction]
    assert_close(got, expected, dtype, scale=scale)
    assert_close(grad(x, y, **options, reduction=reduction), expected_grad, dtype)


@pytest.mark.parametrize("name", LOSSES)
def test_default_reduction_is_mean_like_torch(name):
    loss, grad, torch_loss = LOSSES[name]
    x, y = np.array([0.5, -0.5, 4.0]), np.array([2.0, 1.0, 1.0])
    assert_close(loss(x, y), torch_loss(torch.tensor(x), torch.tensor(y)).numpy())
    assert_close(grad(x, y), grad(x, y, reduction="mean"))


# (our loss, scikit-learn's metric, the domain); scikit-learn takes (y_true, y_pred):
# pass them by keyword so the order cannot slip, on raveled arrays (it averages
# 2-d input column by column).
SKLEARN = {
    "l1_loss": metrics.mean_absolute_error,
    "mse_loss": metrics.mean_squared_error,
    "msle_loss": metrics.mean_squared_log_error,  # accepts values > -1 since scikit-learn 1.5
    "mape_loss": metrics.mean_absolute_percentage_error,
}


@pytest.mark.parametrize("name", SKLEARN)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_agrees_with_sklearn_metrics(name, dtype, data):
    x, y = (a.astype(dtype) for a in data.draw(domain_pairs(name, min_side=1)))
    expected = SKLEARN[name](y_true=y.ravel().astype(np.float64), y_pred=x.ravel().astype(np.float64))
    assert_close(LOSSES[name][0](x, y), expected, dtype)


@pytest.mark.parametrize("quantile", [0.0, 0.1, 0.5, 0.9, 1.0])
@given(data=pairs(min_side=1))
def test_quantile_agrees_with_sklearn_pinball(quantile, data):
    x, y = data
    expected = metrics.mean_pinball_loss(y_true=y.ravel(), y_pred=x.ravel(), alpha=quantile)
    assert_close(regression.quantile_loss(x, y, quantile=quantile), expected)


def test_hand_computed_values():
    x, y = [3.0, -1.0, 0.5], [1.0, 1.0, 0.5]  # residuals 2, -2, 0
    assert regression.l1_loss(x, y) == pytest.approx(4 / 3, rel=1e-15)
    assert regression.mse_loss(x, y) == pytest.approx(8 / 3, rel=1e-15)
    np.testing.assert_array_equal(regression.l1_loss_grad(x, y, reduction="sum"), [1.0, -1.0, 0.0])
    np.testing.assert_array_equal(regression.mse_loss_grad(x, y, reduction="sum"), [4.0, -4.0, 0.0])
    # Huber with delta 1: 0.5 * 0.5^2 and 1 * (2 - 0.5); smooth L1 with beta 2: 0.5^2 / 4 and 3 - 1
    np.testing.assert_array_equal(regression.huber_loss([0.5, -2.0], [0.0, 0.0], reduction="none"), [0.125, 1.5])
    np.testing.assert_array_equal(regression.smooth_l1_loss([0.5, 3.0], [0.0, 0.0], beta=2.0, reduction="none"),
                                  [0.0625, 2.0])
    np.testing.assert_array_equal(regression.huber_loss_grad([0.5, -2.0], [0.0, 0.0], reduction="sum"), [0.5, -1.0])


@pytest.mark.parametrize("name", LOSSES)
@given(data=st.data())
def test_zero_at_target(name, data):
    x, _ = data.draw(domain_pairs(name))
    assert np.all(LOSSES[name][0](x, x, reduction="none") == 0)
    if name != "mpe_loss":  # a minimum, so a zero (sub)gradient; MPE is linear, slope -1/y
        assert np.all(LOSSES[name][1](x, x, reduction="none") == 0)


@pytest.mark.parametrize("name", [name for name in LOSSES if name != "mpe_loss"])  # MPE is signed
@given(data=st.data())
def test_non_negative(name, data):
    x, y = data.draw(domain_pairs(name))
    assert np.all(LOSSES[name][0](x, y, reduction="none") >= 0)


@pytest.mark.parametrize("name, options", CASES)
@given(data=st.data())
def test_sum_is_mean_times_n(name, options, data):
    loss, grad, _ = LOSSES[name]
    x, y = data.draw(domain_pairs(name, min_side=1))
    assert_close(loss(x, y, **options, reduction="sum"), loss(x, y, **options) * x.size)
    assert_close(loss(x, y, **options, reduction="none").sum(), loss(x, y, **options, reduction="sum"))
    assert_close(grad(x, y, **options, reduction="sum"), grad(x, y, **options) * x.size)


@pytest.mark.parametrize("name, options", CASES)
@given(data=st.data())
def test_gradient_matches_central_differences(name, options, data):
    """An oracle independent of torch: the loss is elementwise, so perturbing
    every element at once gives every partial derivative."""
    loss, grad, _ = LOSSES[name]
    x, y = data.draw(domain_pairs(name, min_side=1))
    # keep away from the kink of |r| at r = 0 and from the seams at |r| = delta or beta,
    # where a central difference straddles two pieces
    breaks = [0.0, *options.values()]
    near = np.any([np.abs(np.abs(x - y) - b) < 1e-2 for b in breaks], axis=0)
    x = np.where(near, y + 2.5, x)
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    numeric = (loss(x + h, y, **options, reduction="none") - loss(x - h, y, **options, reduction="none")) / (2 * h)
    np.testing.assert_allclose(grad(x, y, **options, reduction="none"), numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", LOSSES)
def test_integer_input_becomes_float64(name):
    loss = LOSSES[name][0]
    assert loss([1, 2], [3, 4]).dtype == np.float64


@pytest.mark.parametrize("name", LOSSES)
def test_nan_propagates_like_torch(name):
    loss, _, torch_loss = LOSSES[name]
    assert np.isnan(loss([np.nan, 1.0], [2.0, 2.0]))
    assert torch.isnan(torch_loss(torch.tensor([np.nan, 1.0]), torch.full((2,), 2.0)))


# ---- Huber and smooth L1: one family, and its limits -----------------------------------


@given(data=pairs(), delta=st.floats(1e-3, 1e3))
def test_huber_is_delta_times_smooth_l1(data, delta):
    x, y = data
    assert_close(regression.huber_loss(x, y, delta=delta, reduction="none"),
                 delta * regression.smooth_l1_loss(x, y, beta=delta, reduction="none"))
    assert_close(regression.huber_loss_grad(x, y, delta=delta, reduction="none"),
                 delta * regression.smooth_l1_loss_grad(x, y, beta=delta, reduction="none"))


@given(pairs())
def test_huber_tends_to_half_mse_as_delta_grows(data):
    x, y = data  # |r| <= 2e3, far inside delta
    assert_close(regression.huber_loss(x, y, delta=1e8, reduction="none"), 0.5 * (x - y) ** 2)
    assert_close(regression.huber_loss_grad(x, y, delta=1e8, reduction="none"), x - y)


@given(pairs())
def test_huber_tends_to_zero_not_l1_as_delta_shrinks(data):
    x, y = data
    delta = 1e-12
    got = regression.huber_loss(x, y, delta=delta, reduction="none")
    # delta (|r| - delta/2) <= delta |r|: about 1e-12 at |r| = 1, where L1 is 1
    assert np.all(got <= delta * np.abs(x - y)) and np.all(got <= 2e3 * delta)


@given(pairs())
def test_smooth_l1_tends_to_l1_as_beta_shrinks(data):
    x, y = data
    assert_close(regression.smooth_l1_loss(x, y, beta=1e-12, reduction="none"), np.abs(x - y))
    # beta = 0 is L1 exactly, as in PyTorch, and so is its gradient (0 at r = 0)
    np.testing.assert_array_equal(regression.smooth_l1_loss(x, y, beta=0.0, reduction="none"), np.abs(x - y))
    np.testing.assert_array_equal(regression.smooth_l1_loss_grad(x, y, beta=0.0, reduction="none"), np.sign(x - y))


@given(beta=st.floats(0, 1e3), r=st.floats(1e-3, 1e3))
def test_smooth_l1_linear_piece_has_slope_one_for_any_beta(beta, r):
    r = beta + r  # on the linear piece, |r| >= beta, away from the kink of beta = 0
    for sign in (1.0, -1.0):
        assert regression.smooth_l1_loss_grad([sign * r], [0.0], beta=beta, reduction="sum")[0] == sign
        step = regression.smooth_l1_loss([sign * (r + 1.0)], [0.0], beta=beta) - regression.smooth_l1_loss(
            [sign * r], [0.0], beta=beta)
        assert step == pytest.approx(1.0, abs=1e-12)


def test_torch_refuses_the_same_options():
    """Our checks mirror PyTorch's: delta > 0, beta >= 0."""
    with pytest.raises(RuntimeError, match="non-positive values for delta"):
        F.huber_loss(torch.ones(1), torch.zeros(1), delta=0.0)
    with pytest.raises(RuntimeError, match="negative values for beta"):
        F.smooth_l1_loss(torch.ones(1), torch.zeros(1), beta=-1.0)


@pytest.mark.parametrize("name", ["huber_loss", "smooth_l1_loss", "log_cosh_loss"])
def test_robust_losses_at_extreme_residuals(name):
    loss, grad, _ = LOSSES[name]
    x, y = np.array([1e300, -1e300, 1e-300, 0.0]), np.zeros(4)
    # linear far out (|r| - 1/2 or |r| - log 2 round to |r|), quadratic r^2/2 underflows to 0 near 0
    np.testing.assert_array_equal(loss(x, y, reduction="none"), [1e300, 1e300, 0.0, 0.0])
    np.testing.assert_array_equal(grad(x, y, reduction="none"), [1.0, -1.0, 1e-300, 0.0])


# ---- RMSE: no reduction ----------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=pairs(min_side=1))
def test_rmse_agrees_with_sklearn_and_torch_autograd(dtype, data):
    x, y = (a.astype(dtype) for a in data)
    # sqrt has no derivative at 0 (torch gives nan there), and the naive torch
    # formula squares the residual, which underflows to 0 in float32 below ~1e-19
    # (torch then returns -inf): keep the oracle in its own accurate range; tiny
    # and huge residuals are checked by hand in test_rmse_by_hand_and_at_extremes.
    x = np.where(np.abs(x.astype(np.float64) - y) < 1e-6, y + 1, x)
    got = regression.rmse_loss(x, y)
    assert got.dtype == dtype and got.shape == ()
    expected = metrics.root_mean_squared_error(y_true=y.ravel().astype(np.float64), y_pred=x.ravel().astype(np.float64))
    assert_close(got, expected, dtype)
    xt = torch.tensor(x, requires_grad=True)
    torch.sqrt(torch.mean((xt - torch.tensor(y)) ** 2)).backward()  # an independent torch formula
    assert_close(regression.rmse_loss_grad(x, y), xt.grad.numpy(), dtype)


@given(pairs(min_side=1))
def test_rmse_is_sqrt_mse_and_at_least_mae(data):
    x, y = data
    rmse = regression.rmse_loss(x, y)
    assert_close(rmse**2, regression.mse_loss(x, y))
    assert rmse >= regression.l1_loss(x, y) * (1 - 1e-12)


def test_rmse_by_hand_and_at_extremes():
    assert regression.rmse_loss([1.0, 7.0], [0.0, 0.0]) == 5.0  # sqrt(50 / 2)
    np.testing.assert_allclose(regression.rmse_loss_grad([1.0, 7.0], [0.0, 0.0]), [0.1, 0.7], rtol=1e-15)
    # squaring would underflow to 0 (scikit-learn returns 0 here) or overflow to inf
    assert regression.rmse_loss([1e-300, -1e-300], [0.0, 0.0]) == 1e-300
    assert regression.rmse_loss([3e200, 4e200], [0.0, 0.0]) == pytest.approx(5e200 / math.sqrt(2), rel=1e-15)
    np.testing.assert_allclose(regression.rmse_loss_grad([3e-200, -4e-200], [0.0, 0.0]),
                               [3 / (2 * 5 / math.sqrt(2)), -4 / (2 * 5 / math.sqrt(2))], rtol=1e-15)


def test_rmse_at_zero_and_on_empty_arrays():
    np.testing.assert_array_equal(regression.rmse_loss_grad([1.0, 2.0], [1.0, 2.0]), [0.0, 0.0])  # subgradient 0
    assert regression.rmse_loss([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert np.isnan(regression.rmse_loss([], []))
    assert regression.rmse_loss(np.ones(2, np.float32), np.zeros(2)).dtype == np.float32


# ---- Relative errors: MSLE, MAPE, MPE -------------------------------------------------


def test_msle_by_hand():
    # (1 + x)/(1 + y) = 2 in both: (log 2)^2 each; under-predicting by the same amount costs more
    np.testing.assert_allclose(regression.msle_loss([3.0, 7.0], [1.0, 3.0], reduction="none"),
                               [math.log(2) ** 2] * 2, rtol=1e-15)
    assert regression.msle_loss([0.0], [1.0]) > regression.msle_loss([2.0], [1.0])
    # log1p keeps small values exact: log(1 + 1e-10) would give 1.00000008e-10
    assert regression.msle_loss([1e-10], [0.0]) == pytest.approx(1e-20, rel=1e-9)
    assert np.isfinite(regression.msle_loss([-1 + 1e-15], [1e300]))


def test_mape_and_mpe_by_hand():
    assert regression.mape_loss([110.0, 90.0], [100.0, 100.0]) == pytest.approx(0.1, rel=1e-15)  # 10 %
    # the asymmetry: predicting 100 for 50 costs 1, predicting 50 for 100 costs 0.5
    np.testing.assert_array_equal(regression.mape_loss([100.0, 50.0], [50.0, 100.0], reduction="none"), [1.0, 0.5])
    # MPE: over- and under-prediction cancel; under-prediction is positive
    assert regression.mpe_loss([1.5, 0.5], [1.0, 1.0]) == 0.0
    np.testing.assert_array_equal(regression.mpe_loss([1.5, 0.5], [1.0, 1.0], reduction="none"), [-0.5, 0.5])
    np.testing.assert_array_equal(regression.mpe_loss_grad([1.5, 0.5], [2.0, -4.0], reduction="sum"), [-0.5, 0.25])
    assert regression.mape_loss([0.0], [1e-300]) == 1.0 and regression.mape_loss([0.0], [-1e300]) == 1.0


@given(domain_pairs("mape_loss"))
def test_mape_bounds_the_size_of_mpe(data):
    x, y = data
    mape = regression.mape_loss(x, y, reduction="none")
    mpe = regression.mpe_loss(x, y, reduction="none")
    np.testing.assert_array_equal(mape, np.abs(mpe))


# ---- Quantile -----------------------------------------------------------------------------


@given(pairs())
def test_median_quantile_is_half_l1(data):
    x, y = data
    np.testing.assert_array_equal(regression.quantile_loss(x, y, reduction="none"),
                                  0.5 * regression.l1_loss(x, y, reduction="none"))


def test_quantile_minimiser_is_the_quantile():
    y = np.arange(1.0, 11.0)  # 1, ..., 10: the 0.25-quantile is 3 (2.5 observations lie below it)
    costs = [regression.quantile_loss(np.full(10, c), y, quantile=0.25) for c in y]
    assert y[np.argmin(costs)] == 3.0
    np.testing.assert_array_equal(regression.quantile_loss_grad([0.0, 2.0, 1.0], [1.0, 1.0, 1.0], quantile=0.9,
                                                                reduction="none"), [-0.9, 1 - 0.9, 0.0])


# ---- Log-cosh: stable at both ends ----------------------------------------------------


def test_log_cosh_at_extremes():
    r = np.array([1e4, -1e4, 1e300])
    np.testing.assert_allclose(regression.log_cosh_loss(r, np.zeros(3), reduction="none"),
                               np.abs(r) - math.log(2), rtol=1e-15)  # cosh(r) = e^|r| / 2 (1 + e^-2|r|)
    np.testing.assert_array_equal(regression.log_cosh_loss_grad(r, np.zeros(3), reduction="none"), [1.0, -1.0, 1.0])
    tiny = np.array([1e-10, -1e-5, 1e-150])
    # log cosh r = r^2/2 - r^4/12 + ...: np.log(np.cosh(1e-10)) would give 0
    np.testing.assert_allclose(regression.log_cosh_loss(tiny, np.zeros(3), reduction="none"),
                               tiny**2 / 2 - tiny**4 / 12, rtol=1e-15)
    assert regression.log_cosh_loss([1.0], [0.0]) == pytest.approx(math.log(math.cosh(1.0)), rel=1e-15)
    assert regression.log_cosh_loss(np.float32([1e4]), np.float32([0.0])) == pytest.approx(1e4 - math.log(2), rel=1e-7)


@given(pairs())
def test_log_cosh_lies_between_its_asymptotes(data):
    x, y = data
    r = np.abs(x - y)
    got = regression.log_cosh_loss(x, y, reduction="none")
    assert np.all(got <= 0.5 * r**2 * (1 + 1e-15)) and np.all(got >= r - math.log(2) - 1e-12)


# ---- Bad input: one message each ---------------------------------------------------------


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("fn_index", [0, 1])
def test_errors_name_the_argument(name, fn_index):
    fn = LOSSES[name][fn_index]
    with pytest.raises(ValueError, match=r"^input and target must have the same shape; got \(4, 1\) and \(4,\)"):
        fn(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(ValueError, match=r"^reduction must be one of 'mean', 'sum' or 'none'; got 'avg'\.$"):
        fn([1.0], [1.0], reduction="avg")
    with pytest.raises(TypeError, match=r"^target must be an array of real numbers; got dtype <U1"):
        fn([1.0], ["a"])
    with pytest.raises(TypeError, match=r"takes 2 positional arguments"):
        fn([1.0], [1.0], "sum")  # options are keyword-only


@pytest.mark.parametrize("fn", [regression.rmse_loss, regression.rmse_loss_grad])
def test_rmse_errors(fn):
    with pytest.raises(ValueError, match=r"^input and target must have the same shape; got \(2,\) and \(3,\)"):
        fn([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"^input must be an array of real numbers; got dtype <U1"):
        fn(["a"], [1.0])
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'reduction'"):
        fn([1.0], [1.0], reduction="none")  # RMSE is not a mean of elementwise losses


@pytest.mark.parametrize("fn_index", [0, 1])
@pytest.mark.parametrize("name, options, error, message", [
    ("huber_loss", {"delta": 0.0}, ValueError, r"^delta must be a finite number > 0; got 0\.0\.$"),
    ("huber_loss", {"delta": -1}, ValueError, r"^delta must be a finite number > 0; got -1\.$"),
    ("huber_loss", {"delta": "1"}, TypeError, r"^delta must be a real number; got '1' of type str\.$"),
    ("smooth_l1_loss", {"beta": -0.5}, ValueError, r"^beta must be in \[0, inf\); got -0\.5\.$"),
    ("smooth_l1_loss", {"beta": float("nan")}, ValueError, r"^beta must be in \[0, inf\); got nan\.$"),
    ("quantile_loss", {"quantile": 1.5}, ValueError, r"^quantile must be in \[0, 1\]; got 1\.5\.$"),
    ("quantile_loss", {"quantile": None}, TypeError, r"^quantile must be a real number; got None of type NoneType\.$"),
])
def test_bad_options(fn_index, name, options, error, message):
    with pytest.raises(error, match=message):
        LOSSES[name][fn_index]([1.0], [0.0], **options)


@pytest.mark.parametrize("name", ["msle_loss", "msle_loss_grad"])
def test_msle_refuses_values_at_or_below_minus_one(name):
    fn = getattr(regression, name)
    with pytest.raises(ValueError, match=r"^input must contain values in \(-1, inf\); got -1\.0 at index \(1,\)\.$"):
        fn([0.0, -1.0], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"^target must contain values in \(-1, inf\); got -2\.0 at index \(1, 0\)\.$"):
        fn(np.zeros((2, 1)), [[0.0], [-2.0]])


@pytest.mark.parametrize("name, acronym", [("mape_loss", "MAPE"), ("mape_loss_grad", "MAPE"),
                                           ("mpe_loss", "MPE"), ("mpe_loss_grad", "MPE")])
def test_relative_errors_refuse_zero_targets(name, acronym):
    fn = getattr(regression, name)
    with pytest.raises(ValueError, match=rf"^target must be nonzero for {acronym}; got 0\.0 at index \(3,\)\. "
                                         rf"{acronym} is undefined at y = 0; drop those rows or use an absolute "
                                         r"error such as l1_loss\.$"):
        fn([1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 0.0])
    with pytest.raises(ValueError, match=r"got -0\.0 at index \(0, 1\)\."):
        fn(np.ones((1, 2)), [[1.0, -0.0]])


# PyTorch 2.13 added an elementwise `weight` to l1_loss, mse_loss and huber_loss.
WEIGHTED = {"l1_loss": {}, "mse_loss": {}, "huber_loss": {"delta": 0.7}}


@pytest.mark.parametrize("name", WEIGHTED)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=pairs(min_side=1, min_dims=1))
def test_weight_parity_with_torch(name, reduction, dtype, data):
    loss, grad, torch_loss = LOSSES[name]
    x, y = (a.astype(dtype) for a in data)
    w = (np.abs(y) / 100 + 0.5).astype(dtype)  # positive weights of the input's shape
    options = {**WEIGHTED[name], "reduction": reduction}
    expected, expected_grad = torch_value_and_grad(torch_loss, x, y, weight=torch.tensor(w), **options)
    got = loss(x, y, weight=w, **options)
    assert got.dtype == dtype
    assert_close(got, expected, dtype)
    assert_close(grad(x, y, weight=w, **options), expected_grad, dtype)


def test_weighted_mean_denominators_differ_in_torch_and_here():
    # by hand: residuals 1, 2, 3 with weights 1, 1, 2 -> weighted sum of |r| = 9,
    # of r^2 = 23, of Huber(delta=10) = r^2 / 2 -> 11.5
    x, y, w = np.array([1.0, 2.0, 3.0]), np.zeros(3), np.array([1.0, 1.0, 2.0])
    assert float(regression.l1_loss(x, y, weight=w)) == 9 / 4      # / sum of weights
    assert float(regression.mse_loss(x, y, weight=w)) == 23 / 4    # / sum of weights
    assert float(regression.huber_loss(x, y, weight=w, delta=10.0)) == 11.5 / 3  # / number of elements


@pytest.mark.parametrize("name", WEIGHTED)
def test_weight_must_have_the_input_shape(name):
    with pytest.raises(ValueError, match=r"^weight must have the shape of input, \(2, 3\); got \(3,\)\.$"):
        LOSSES[name][0](np.zeros((2, 3)), np.zeros((2, 3)), weight=np.ones(3))
