"""Margin losses: the binary hinge against scikit-learn, autograd of an
independent torch formula (every reduction, margin and dtype), hand values
and properties."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from sklearn import metrics

from conftest import DTYPES, REDUCTIONS, assert_close, pairs, torch_value_and_grad
from lossbook import margin


def scores_and_labels(min_side=0):
    """Scores in [-1e3, 1e3] and labels -1/+1 (the sign of a second array)."""
    return pairs(min_side=min_side).map(lambda xy: (xy[0], np.where(xy[1] >= 0, 1.0, -1.0)))


def torch_hinge(x, y, *, margin=1.0, reduction="mean"):
    # relu, not clamp: relu's gradient at 0 is 0, the subgradient we chose at y f = m
    values = F.relu(margin - y * x)
    return values if reduction == "none" else getattr(values, reduction)()


@pytest.mark.parametrize("m", [1.0, 0.0, 2.5])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=scores_and_labels(min_side=1))
def test_parity_with_torch_autograd(m, reduction, dtype, data):
    x, y = (a.astype(dtype) for a in data)
    expected, expected_grad = torch_value_and_grad(torch_hinge, x, y, margin=m, reduction=reduction)
    got = margin.hinge_loss(x, y, margin=m, reduction=reduction)
    assert got.dtype == dtype and got.shape == expected.shape
    assert_close(got, expected, dtype)
    assert_close(margin.hinge_loss_grad(x, y, margin=m, reduction=reduction), expected_grad, dtype)


@given(data=scores_and_labels(min_side=1))
def test_agrees_with_sklearn(data):
    # scikit-learn fits its label binarizer on y_true alone, so a batch of only +1 labels
    # would be read as all -1 (even with labels=[-1, 1]); two fixed samples keep both classes
    x, y = (np.concatenate([a.ravel(), b]) for a, b in zip(data, ([0.3, 0.3], [1.0, -1.0])))
    expected = metrics.hinge_loss(y_true=y, pred_decision=x)
    assert_close(margin.hinge_loss(x, y), expected)


def test_hand_computed_values():
    # right by 2, right by only 0.5, wrong by 1
    np.testing.assert_array_equal(margin.hinge_loss([2.0, 0.5, -1.0], [1.0, 1.0, 1.0], reduction="none"),
                                  [0.0, 0.5, 2.0])
    assert margin.hinge_loss([2.0, 0.5, -1.0], [1.0, 1.0, 1.0]) == pytest.approx(2.5 / 3, rel=1e-15)
    np.testing.assert_array_equal(margin.hinge_loss([2.0, 0.5], [-1.0, -1.0], margin=0.5, reduction="none"),
                                  [2.5, 1.0])
    # the gradient: -y while the margin is not met, 0 from the kink y f = m on
    np.testing.assert_array_equal(margin.hinge_loss_grad([2.0, 0.5, -1.0, 1.0], [1.0, 1.0, -1.0, 1.0],
                                                         reduction="sum"), [0.0, -1.0, 0.0, 0.0])
    assert margin.hinge_loss_grad([0.5, 0.5], [1.0, -1.0]).tolist() == [-0.5, 0.5]  # mean over 2


@given(data=scores_and_labels())
def test_properties(data):
    x, y = data
    loss = margin.hinge_loss(x, y, reduction="none")
    assert np.all(loss >= 0)
    assert np.all(loss[y * x >= 1] == 0)  # classified right by the margin: no cost
    assert np.all(loss >= (y * x <= 0))  # an upper bound of the 0-1 loss
    # margin 0 is the perceptron criterion max(0, -y f)
    np.testing.assert_array_equal(margin.hinge_loss(x, y, margin=0.0, reduction="none"), np.maximum(0.0, -y * x))


@given(data=scores_and_labels(min_side=1))
def test_sum_is_mean_times_n(data):
    x, y = data
    assert_close(margin.hinge_loss(x, y, reduction="sum"), margin.hinge_loss(x, y) * x.size)
    assert_close(margin.hinge_loss_grad(x, y, reduction="sum"), margin.hinge_loss_grad(x, y) * x.size)


@given(data=scores_and_labels(min_side=1))
def test_gradient_matches_central_differences(data):
    x, y = data
    x = np.where(np.abs(1 - y * x) < 1e-2, x + 0.5, x)  # away from the kink at y f = 1
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    numeric = (margin.hinge_loss(x + h, y, reduction="none") - margin.hinge_loss(x - h, y, reduction="none")) / (2 * h)
    np.testing.assert_allclose(margin.hinge_loss_grad(x, y, reduction="none"), numeric, rtol=1e-6, atol=1e-6)


def test_extreme_scores_and_dtypes():
    np.testing.assert_array_equal(margin.hinge_loss([1e300, 1e300], [1.0, -1.0], reduction="none"), [0.0, 1e300])
    assert margin.hinge_loss(np.float32([0.5]), [1]).dtype == np.float32
    assert margin.hinge_loss([1, 2], [1, -1]).dtype == np.float64


def test_torch_hinge_embedding_loss_is_a_different_loss():
    """It takes a distance d: d for y = 1 (and max(0, m - d) for y = -1)."""
    x, y = torch.tensor([2.0]), torch.tensor([1.0])
    assert F.hinge_embedding_loss(x, y).item() == 2.0
    assert margin.hinge_loss([2.0], [1.0]) == 0.0


# ---- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [margin.hinge_loss, margin.hinge_loss_grad])
@pytest.mark.parametrize("target, message", [
    ([1.0, 0.5], r"got 0\.5 at index \(1,\)\. "),
    ([[0.0], [1.0]], r"got 0\.0 at index \(0, 0\)\. "),  # 0/1 labels: the hint says how to map them
    ([-1.0, np.nan], r"got nan at index \(1,\)\. "),
])
def test_labels_must_be_plus_or_minus_one(fn, target, message):
    with pytest.raises(ValueError, match=r"^target must contain labels -1 or \+1; " + message
                                         + r"Map 0/1 labels to -1/\+1 with 2 \* y - 1\.$"):
        fn(np.zeros(np.shape(target)), target)


@pytest.mark.parametrize("fn", [margin.hinge_loss, margin.hinge_loss_grad])
def test_errors_name_the_argument(fn):
    with pytest.raises(ValueError, match=r"^margin must be in \[0, inf\); got -1\.0\.$"):
        fn([1.0], [1.0], margin=-1.0)
    with pytest.raises(TypeError, match=r"^margin must be a real number; got '1' of type str\.$"):
        fn([1.0], [1.0], margin="1")
    with pytest.raises(ValueError, match=r"^input and target must have the same shape; got \(3,\) and \(3, 1\)"):
        fn(np.zeros(3), np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"^reduction must be one of 'mean', 'sum' or 'none'; got None\.$"):
        fn([1.0], [1.0], reduction=None)
    with pytest.raises(TypeError, match=r"^input must be an array of real numbers; got dtype <U3"):
        fn(["yes"], [1.0])
    with pytest.raises(TypeError, match=r"takes 2 positional arguments"):
        fn([1.0], [1.0], 2.0)  # margin is keyword-only
