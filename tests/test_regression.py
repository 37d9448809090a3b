"""Regression losses: parity with PyTorch (values and gradients, every reduction
and dtype), scikit-learn's metrics, hand-computed values, and properties."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from sklearn import metrics

from conftest import DTYPES, REDUCTIONS, assert_close, pairs
from lossbook import regression

# (our loss, our gradient twin, PyTorch's functional): a parity test is a lookup.
LOSSES = {
    "l1_loss": (regression.l1_loss, regression.l1_loss_grad, F.l1_loss),
    "mse_loss": (regression.mse_loss, regression.mse_loss_grad, F.mse_loss),
}


def torch_value_and_grad(fn, x, y, reduction):
    xt = torch.tensor(x, requires_grad=True)
    out = fn(xt, torch.tensor(y), reduction=reduction)
    out.backward(torch.ones_like(out))
    return out.detach().numpy(), xt.grad.numpy()


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=pairs(min_side=1))
def test_parity_with_torch(name, reduction, dtype, data):
    loss, grad, torch_loss = LOSSES[name]
    x, y = (a.astype(dtype) for a in data)
    expected, expected_grad = torch_value_and_grad(torch_loss, x, y, reduction)
    got = loss(x, y, reduction=reduction)
    assert got.dtype == dtype and got.shape == expected.shape
    assert_close(got, expected, dtype)
    assert_close(grad(x, y, reduction=reduction), expected_grad, dtype)


@pytest.mark.parametrize("name", LOSSES)
def test_default_reduction_is_mean_like_torch(name):
    loss, grad, torch_loss = LOSSES[name]
    x, y = np.array([0.5, -1.0, 4.0]), np.array([0.0, 1.0, 1.0])
    assert_close(loss(x, y), torch_loss(torch.tensor(x), torch.tensor(y)).numpy())
    assert_close(grad(x, y), grad(x, y, reduction="mean"))


@given(pairs(min_side=1))
def test_agrees_with_sklearn_metrics(data):
    x, y = data
    # scikit-learn takes (y_true, y_pred); pass by keyword so the order cannot slip.
    assert_close(regression.l1_loss(x, y), metrics.mean_absolute_error(y_true=y.ravel(), y_pred=x.ravel()))
    assert_close(regression.mse_loss(x, y), metrics.mean_squared_error(y_true=y.ravel(), y_pred=x.ravel()))


def test_hand_computed_values():
    x, y = [3.0, -1.0, 0.5], [1.0, 1.0, 0.5]  # residuals 2, -2, 0
    assert regression.l1_loss(x, y) == pytest.approx(4 / 3, rel=1e-15)
    assert regression.mse_loss(x, y) == pytest.approx(8 / 3, rel=1e-15)
    np.testing.assert_array_equal(regression.l1_loss_grad(x, y, reduction="sum"), [1.0, -1.0, 0.0])
    np.testing.assert_array_equal(regression.mse_loss_grad(x, y, reduction="sum"), [4.0, -4.0, 0.0])


@pytest.mark.parametrize("name", LOSSES)
@given(data=pairs())
def test_non_negative_and_zero_at_target(name, data):
    loss = LOSSES[name][0]
    x, y = data
    assert np.all(loss(x, y, reduction="none") >= 0)
    assert np.all(loss(x, x, reduction="none") == 0)


@pytest.mark.parametrize("name", LOSSES)
@given(data=pairs(min_side=1))
def test_gradient_matches_central_differences(name, data):
    """An oracle independent of torch: the loss is elementwise, so perturbing
    every element at once gives every partial derivative."""
    loss, grad, _ = LOSSES[name]
    x, y = data
    # keep away from the kink of |r| at r = 0, where no derivative exists
    x = np.where(np.abs(x - y) < 1e-3, y + 1.0, x)
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    numeric = (loss(x + h, y, reduction="none") - loss(x - h, y, reduction="none")) / (2 * h)
    np.testing.assert_allclose(grad(x, y, reduction="none"), numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", LOSSES)
def test_integer_input_becomes_float64(name):
    loss = LOSSES[name][0]
    assert loss([1, 2], [0, 0]).dtype == np.float64


@pytest.mark.parametrize("name", LOSSES)
def test_nan_propagates_like_torch(name):
    loss, _, torch_loss = LOSSES[name]
    assert np.isnan(loss([np.nan, 1.0], [0.0, 0.0]))
    assert torch.isnan(torch_loss(torch.tensor([np.nan, 1.0]), torch.zeros(2)))


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
