"""Margin losses: the binary hinge against scikit-learn, autograd of an
independent torch formula (every reduction, margin and dtype), hand values
and properties; the ranking, hinge-embedding, soft-margin and multi-class
margin losses against torch.nn.functional and autograd (every option,
reduction and dtype), scikit-learn's log_loss, hand values and properties."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn import metrics

from conftest import (
    DTYPES,
    REDUCTIONS,
    assert_close,
    assert_parity,
    pairs,
    same_shape,
    signs,
    torch_value_and_grad,
    torch_values_and_grads,
)
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


# =============================================================================================
# Ranking, hinge embedding, soft margin and the multi-class margins: parity with
# torch.nn.functional and autograd over every option, reduction and dtype; hand values,
# scikit-learn's log_loss, properties and bad input.
# =============================================================================================

# ---- margin ranking and hinge embedding ----------------------------------------------------


@pytest.mark.parametrize("m", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=same_shape(3, min_side=1))
def test_margin_ranking_parity_with_torch(m, reduction, dtype, data):
    x1, x2, y = data[0].astype(dtype), data[1].astype(dtype), signs(data[2]).astype(dtype)
    expected, grads = torch_values_and_grads(
        lambda a, b: F.margin_ranking_loss(a, b, torch.tensor(y), margin=m, reduction=reduction), x1, x2)
    options = dict(margin=m, reduction=reduction)
    got = margin.margin_ranking_loss(x1, x2, y, **options)
    assert_parity(got, margin.margin_ranking_loss_grad(x1, x2, y, **options), expected, grads, dtype)


@pytest.mark.parametrize("m", [1.0, 0.0, 2.5])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=same_shape(2, min_side=1))
def test_hinge_embedding_parity_with_torch(m, reduction, dtype, data):
    d, y = data[0].astype(dtype), signs(data[1]).astype(dtype)
    expected, grad = torch_value_and_grad(F.hinge_embedding_loss, d, y, margin=m, reduction=reduction)
    options = dict(margin=m, reduction=reduction)
    assert_parity(margin.hinge_embedding_loss(d, y, **options), [margin.hinge_embedding_loss_grad(d, y, **options)],
                  expected, [grad], dtype)


def test_margin_ranking_hand_values_and_kink():
    got = margin.margin_ranking_loss([3.0, 1.0, 2.0], [1.0, 2.0, 2.0], [1, 1, -1], margin=0.5, reduction="none")
    np.testing.assert_array_equal(got, [0.0, 1.5, 0.5])
    # a pair exactly at the margin: loss 0, but the gradient is passed, as torch's clamp_min does
    g1, g2 = margin.margin_ranking_loss_grad([1.0, 2.0], [1.0, 1.0], [1, -1], reduction="sum")
    np.testing.assert_array_equal(g1, [-1.0, 1.0])
    np.testing.assert_array_equal(g2, [1.0, -1.0])


@given(data=same_shape(3))
def test_margin_ranking_is_the_hinge_of_the_difference(data):
    x1, x2, y = data[0], data[1], signs(data[2])
    for m in (0.0, 1.0):
        got = margin.margin_ranking_loss(x1, x2, y, margin=m, reduction="none")
        assert_close(got, margin.hinge_loss(x1 - x2, y, margin=m, reduction="none"))
        # swapping the two inputs and the labels changes nothing
        np.testing.assert_array_equal(got, margin.margin_ranking_loss(x2, x1, -y, margin=m, reduction="none"))


def test_hinge_embedding_hand_values():
    np.testing.assert_array_equal(margin.hinge_embedding_loss([0.5, 0.25, 2.0], [1, -1, -1], reduction="none"),
                                  [0.5, 0.75, 0.0])
    # y = 1 costs the distance itself, however small: no margin on that side (unlike hinge_loss)
    assert margin.hinge_embedding_loss([0.01], [1]) == 0.01 and margin.hinge_loss([0.01], [1]) == 0.99
    # the kink d = m: torch's clamp_min keeps the slope -1 there
    np.testing.assert_array_equal(margin.hinge_embedding_loss_grad([1.0, 3.0], [-1, -1], reduction="sum"), [-1.0, 0.0])


# ---- soft margin -----------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=same_shape(2, min_side=1, low=-50, high=50))  # torch's log1p(exp(-yx)) overflows from 88 in float32
def test_soft_margin_parity_with_torch(reduction, dtype, data):
    x, y = data[0].astype(dtype), signs(data[1]).astype(dtype)
    expected, grad = torch_value_and_grad(F.soft_margin_loss, x, y, reduction=reduction)
    assert_parity(margin.soft_margin_loss(x, y, reduction=reduction),
                  [margin.soft_margin_loss_grad(x, y, reduction=reduction)], expected, [grad], dtype)


@given(data=same_shape(2, min_side=1, low=-15, high=15))
def test_soft_margin_agrees_with_sklearn_log_loss(data):
    x, y = data[0].ravel(), signs(data[1]).ravel()
    p = 1 / (1 + np.exp(-x))  # |x| <= 15: sklearn's 1 - p keeps enough digits
    expected = metrics.log_loss(y_true=(1 + y) / 2, y_proba=p, labels=[0, 1])
    # sklearn takes log p of a p rounded near 1: absolute error ~1e-16 where the loss is ~1e-8
    np.testing.assert_allclose(margin.soft_margin_loss(x, y), expected, rtol=1e-9, atol=1e-14)


def test_soft_margin_is_finite_where_torch_overflows():
    x, y = np.array([-1e4, 1e4, -800.0, 0.0]), np.array([1.0, -1.0, 1.0, 1.0])
    np.testing.assert_array_equal(margin.soft_margin_loss(x[:3], y[:3], reduction="none"), [1e4, 1e4, 800.0])
    np.testing.assert_array_equal(margin.soft_margin_loss_grad(x[:3], y[:3], reduction="none"), [-1.0, 1.0, -1.0])
    assert margin.soft_margin_loss(x[3:], y[3:]) == pytest.approx(math.log(2), rel=1e-15)
    assert margin.soft_margin_loss(np.float32([-1e4]), [1]).item() == 1e4
    # torch computes log1p(exp(-y x)) as written: inf, and nan for the gradient
    xt = torch.tensor([-800.0], dtype=torch.float64, requires_grad=True)
    out = F.soft_margin_loss(xt, torch.ones(1, dtype=torch.float64))
    out.backward()
    assert math.isinf(out.item()) and math.isnan(xt.grad.item())


@given(data=same_shape(2, min_side=1, low=-10, high=10))
def test_soft_margin_tends_to_the_perceptron_hinge(data):
    x, y = data[0], signs(data[1])
    for k in (1e3, 1e6):  # log(1 + e^{k z}) / k -> max(0, z), off by at most log(2) / k
        got = margin.soft_margin_loss(k * x, y, reduction="none") / k
        np.testing.assert_allclose(got, margin.hinge_loss(x, y, margin=0.0, reduction="none"), atol=math.log(2) / k)


# ---- multi-label soft margin ---------------------------------------------------------------


@st.composite
def class_scores(draw, dtype=np.float64, low=-1e3, high=1e3, min_rows=0):
    """Scores of shape (C,) or (N, C), C >= 1, and a second array of the same shape."""
    n_classes, n_rows = draw(st.integers(1, 5)), draw(st.integers(min_rows, 5))
    shape = draw(st.sampled_from([(n_classes,), (n_rows, n_classes)]))
    elements = st.floats(low, high, width=np.dtype(dtype).itemsize * 8)
    return draw(hnp.arrays(dtype, shape, elements=elements)), draw(hnp.arrays(dtype, shape, elements=elements))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("soft", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=class_scores())
def test_multilabel_soft_margin_parity_with_torch(weighted, soft, reduction, dtype, data):
    x, t = data[0].astype(dtype), data[1]
    y = (np.abs(t) / 1e3 if soft else (t >= 0)).astype(dtype)
    w = np.linspace(0.5, 2.0, x.shape[-1]).astype(dtype) if weighted else None
    expected, grad = torch_value_and_grad(F.multilabel_soft_margin_loss, x, y, reduction=reduction,
                                          weight=None if w is None else torch.tensor(w))
    options = dict(weight=w, reduction=reduction)
    # per-class terms reach 1e3 and are summed: judged against their size in float32
    assert_parity(margin.multilabel_soft_margin_loss(x, y, **options),
                  [margin.multilabel_soft_margin_loss_grad(x, y, **options)], expected, [grad], dtype,
                  scale=2 * np.abs(x.astype(np.float64)).sum() + 1)


@given(data=class_scores(low=-15, high=15, min_rows=1))
def test_multilabel_soft_margin_is_the_mean_of_per_class_log_losses(data):
    x, t = data
    y = (t >= 0).astype(float)
    p = 1 / (1 + np.exp(-x.reshape(-1, x.shape[-1])))
    y2 = y.reshape(p.shape)
    expected = np.mean([metrics.log_loss(y_true=y2[:, c], y_proba=p[:, c], labels=[0, 1]) for c in range(p.shape[1])])
    np.testing.assert_allclose(margin.multilabel_soft_margin_loss(x, y), expected, rtol=1e-9, atol=1e-14)


def test_multilabel_soft_margin_hand_values_and_extremes():
    got = margin.multilabel_soft_margin_loss([[0.0, 0.0], [1e4, -1e4]], [[1, 0], [0, 1]], reduction="none")
    np.testing.assert_allclose(got, [math.log(2), 1e4], rtol=1e-15)  # classes averaged: (1e4 + 1e4) / 2
    got = margin.multilabel_soft_margin_loss([[0.0, 0.0]], [[1, 0]], weight=[3.0, 1.0])
    assert got == pytest.approx(2 * math.log(2), rel=1e-15)  # (3 ln 2 + ln 2) / 2
    np.testing.assert_array_equal(margin.multilabel_soft_margin_loss_grad([[0.0, 0.0]], [[1, 0]]), [[-0.25, 0.25]])
    assert margin.multilabel_soft_margin_loss([0.0, 0.0, 0.0], [1, 1, 0]).shape == ()  # unbatched


# ---- multi margin ------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("m", [1.0, 0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=class_scores(low=-3, high=3, min_rows=1), seed=st.integers(0, 2**32 - 1))  # see test_empty_batches
def test_multi_margin_parity_with_torch(p, m, weighted, reduction, dtype, data, seed):
    x = data[0].astype(dtype)
    n_classes = x.shape[-1]
    y = np.random.default_rng(seed).integers(0, n_classes, size=x.shape[:-1])
    w = np.linspace(2.0, 0.5, n_classes).astype(dtype) if weighted else None
    expected, grad = torch_value_and_grad(F.multi_margin_loss, x, y, p=p, margin=m, reduction=reduction,
                                          weight=None if w is None else torch.tensor(w))
    options = dict(p=p, margin=m, weight=w, reduction=reduction)
    assert_parity(margin.multi_margin_loss(x, y, **options), [margin.multi_margin_loss_grad(x, y, **options)],
                  expected, [grad], dtype)


def test_multi_margin_weight_scales_rows_by_the_true_class_and_mean_divides_by_n():
    x = np.array([[0.1, 0.2, 0.4, 0.8], [0.5, 0.1, 0.3, 0.2]])
    y, w = np.array([3, 0]), np.array([1.0, 2.0, 3.0, 4.0])
    # hand: row 0 sums (0.3 + 0.4 + 0.6) / 4 = 0.325, row 1 (0.6 + 0.8 + 0.7) / 4 = 0.525
    np.testing.assert_allclose(margin.multi_margin_loss(x, y, reduction="none"), [0.325, 0.525], rtol=1e-15)
    # weighted: times w[y] = 4 and 1; the mean is over N = 2 rows, not over w[3] + w[0] = 5
    np.testing.assert_allclose(margin.multi_margin_loss(x, y, weight=w, reduction="none"), [1.3, 0.525], rtol=1e-15)
    assert margin.multi_margin_loss(x, y, weight=w) == pytest.approx((1.3 + 0.525) / 2, rel=1e-15)
    assert F.multi_margin_loss(torch.tensor(x), torch.tensor(y), weight=torch.tensor(w)).item() == pytest.approx(
        (1.3 + 0.525) / 2, rel=1e-15)
    # p = 2 squares each shortfall: (0.09 + 0.16 + 0.36) / 4
    assert margin.multi_margin_loss(x[:1], y[:1], p=2) == pytest.approx(0.1525, rel=1e-14)


def test_multi_margin_unbatched_and_kink_match_torch():
    x, y = np.array([0.1, 0.2, 0.4, 0.8]), np.array(3)
    got = margin.multi_margin_loss(x, y, reduction="none")
    assert got.shape == () and got == pytest.approx(0.325, rel=1e-15)
    # z = 0 exactly (margin 1, scores 0 and 1): no loss and, as in torch, no gradient
    np.testing.assert_array_equal(margin.multi_margin_loss_grad([[0.0, 1.0]], [1]), [[0.0, 0.0]])
    _, grad = torch_value_and_grad(F.multi_margin_loss, np.array([[0.0, 1.0]]), np.array([1]))
    np.testing.assert_array_equal(grad, [[0.0, 0.0]])


# ---- multi-label margin ------------------------------------------------------------------------


@st.composite
def label_lists(draw, shape):
    """Targets for MultiLabelMarginLoss: per row, distinct labels, then -1 and anything in [-1, C)."""
    rows = []
    n_classes = shape[-1]
    for _ in range(math.prod(shape[:-1])):
        labels = draw(st.permutations(range(n_classes)))[:draw(st.integers(0, n_classes))]
        junk = draw(st.lists(st.integers(-1, n_classes - 1), min_size=n_classes, max_size=n_classes))
        rows.append((labels + [-1] + junk)[:n_classes])
    return np.array(rows, dtype=np.int64).reshape(shape)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_multilabel_margin_parity_with_torch(reduction, dtype, data):
    x = data.draw(class_scores(low=-3, high=3, min_rows=1))[0].astype(dtype)  # see test_empty_batches
    y = data.draw(label_lists(x.shape))
    expected, grad = torch_value_and_grad(F.multilabel_margin_loss, x, y, reduction=reduction)
    assert_parity(margin.multilabel_margin_loss(x, y, reduction=reduction),
                  [margin.multilabel_margin_loss_grad(x, y, reduction=reduction)], expected, [grad], dtype)


def test_multilabel_margin_target_ends_at_the_first_minus_one():
    x = np.array([[0.1, 0.2, 0.4, 0.8]])
    # torch's example, by hand: labels {3, 0} over non-labels {1, 2}: (1.1 + 1.3 + 0.4 + 0.6) / 4
    assert margin.multilabel_margin_loss(x, [[3, 0, -1, 1]]) == pytest.approx(0.85, rel=1e-15)
    for same in ([[0, 3, -1, -1]], [[0, 3, -1, 2]], [[3, 0, -1, 0]]):  # order and what follows -1 do not matter
        assert margin.multilabel_margin_loss(x, same) == pytest.approx(0.85, rel=1e-15)
    assert margin.multilabel_margin_loss(x, [[-1, 0, 1, 2]]) == 0.0  # no labels: no pairs
    assert margin.multilabel_margin_loss(x, [[2, 0, 1, 3]]) == 0.0  # every class a label: no pairs
    assert margin.multilabel_margin_loss(x[0], [3, 0, -1, 1]).shape == ()  # unbatched
    np.testing.assert_allclose(margin.multilabel_margin_loss_grad(x, [[3, 0, -1, 1]], reduction="sum"),
                               [[-0.5, 0.5, 0.5, -0.5]], rtol=1e-15)


def test_torch_counts_a_repeated_label_twice_which_we_refuse():
    x = torch.tensor([[0.1, 0.2, 0.4, 0.8]], dtype=torch.float64)
    assert F.multilabel_margin_loss(x, torch.tensor([[3, 3, -1, 1]])).item() == pytest.approx(2 * 0.325)
    with pytest.raises(ValueError, match=r"^target must list each class at most once before the first -1; "
                                         r"got class 3 listed 2 times in row 0\. PyTorch would count it 2 times\.$"):
        margin.multilabel_margin_loss(x.numpy(), [[3, 3, -1, 1]])


def test_empty_batches_give_nan_mean_and_zero_sum():
    """PyTorch's MultiMarginLoss and MultiLabelMarginLoss return uninitialised memory for an
    empty batch (not compared); ours, like every other loss, a NaN mean and a zero sum."""
    x, y = np.zeros((0, 3)), np.zeros(0, dtype=int)
    for loss, target in ((margin.multi_margin_loss, y), (margin.multilabel_margin_loss, np.zeros((0, 3), int)),
                         (margin.multilabel_soft_margin_loss, x)):
        assert np.isnan(loss(x, target)) and loss(x, target, reduction="sum") == 0.0
        assert loss(x, target, reduction="none").shape == (0,)


# ---- all the new margin losses: reductions, dtypes, properties ------------------------------

NEW_LOSSES = {  # name -> (loss, grad, args)
    "margin_ranking_loss": (margin.margin_ranking_loss, margin.margin_ranking_loss_grad,
                            ([1.0, 2.0, 0.5], [2.0, 0.0, 0.5], [1.0, 1.0, -1.0])),
    "hinge_embedding_loss": (margin.hinge_embedding_loss, margin.hinge_embedding_loss_grad,
                             ([0.5, 2.0, 0.3], [1.0, -1.0, -1.0])),
    "soft_margin_loss": (margin.soft_margin_loss, margin.soft_margin_loss_grad, ([0.5, -2.0, 3.0], [1.0, 1.0, -1.0])),
    "multilabel_soft_margin_loss": (margin.multilabel_soft_margin_loss, margin.multilabel_soft_margin_loss_grad,
                                    ([[0.5, -1.0], [2.0, 0.0], [1.0, 1.0]], [[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]])),
    "multi_margin_loss": (margin.multi_margin_loss, margin.multi_margin_loss_grad,
                          ([[0.5, -1.0], [2.0, 0.0], [1.0, 1.0]], [0, 1, 1])),
    "multilabel_margin_loss": (margin.multilabel_margin_loss, margin.multilabel_margin_loss_grad,
                               ([[0.5, -1.0], [2.0, 0.0], [1.0, 1.0]], [[0, -1], [1, -1], [1, 0]])),
}


def first_grad(grad):
    return grad[0] if isinstance(grad, tuple) else grad


@pytest.mark.parametrize("name", NEW_LOSSES)
def test_sum_is_mean_times_n_and_float32_stays_float32(name):
    loss, grad, args = NEW_LOSSES[name]
    n = 3  # every example has three elements or three rows
    assert loss(*args, reduction="sum") == pytest.approx(loss(*args) * n, rel=1e-15)
    np.testing.assert_allclose(first_grad(grad(*args, reduction="sum")), first_grad(grad(*args)) * n, rtol=1e-15)
    assert np.all(loss(*args, reduction="none") >= 0)
    args32 = [np.asarray(a, np.float32) if np.asarray(a).dtype.kind == "f" else a for a in args]
    assert loss(*args32).dtype == np.float32 and first_grad(grad(*args32)).dtype == np.float32


@pytest.mark.parametrize("name", NEW_LOSSES)
@pytest.mark.parametrize("fn_index", [0, 1])
def test_new_losses_check_reduction_and_keyword_only_options(name, fn_index):
    fn, args = NEW_LOSSES[name][fn_index], NEW_LOSSES[name][2]
    with pytest.raises(ValueError, match=r"^reduction must be one of 'mean', 'sum' or 'none'; got 'avg'\.$"):
        fn(*args, reduction="avg")
    with pytest.raises(TypeError, match=r"positional argument"):
        fn(*args, None)


X3 = np.zeros((3, 4))
MARGIN_ERRORS = [  # (function, args, kwargs, exception, message)
    (margin.margin_ranking_loss, ([1.0, 2.0], [0.0, 0.0], [1.0, 0.5]), {}, ValueError,
     r"^target must contain labels -1 or \+1; got 0\.5 at index \(1,\)\. Map 0/1 labels to -1/\+1 with 2 \* y - 1\.$"),
    (margin.margin_ranking_loss, ([1.0, 2.0], [0.0], [1.0, 1.0]), {}, ValueError,
     r"^input1 and input2 must have the same shape; got \(2,\) and \(1,\)\. "
     r"Use input2\.reshape\(input1\.shape\) if they hold the same values\.$"),
    (margin.margin_ranking_loss, ([1.0, 2.0], [0.0, 0.0], [[1.0], [1.0]]), {}, ValueError,
     r"^input1 and target must have the same shape; got \(2,\) and \(2, 1\)\. "),
    (margin.margin_ranking_loss, ([1.0], [0.0], [1.0]), {"margin": -0.5}, ValueError,
     r"^margin must be in \[0, inf\); got -0\.5\.$"),
    (margin.margin_ranking_loss, (["a"], [0.0], [1.0]), {}, TypeError,
     r"^input1 must be an array of real numbers; got dtype <U1"),
    (margin.hinge_embedding_loss, ([1.0, 2.0], [1.0, 0.0]), {}, ValueError,
     r"^target must contain labels -1 or \+1; got 0\.0 at index \(1,\)\. "),
    (margin.hinge_embedding_loss, ([1.0], [1.0]), {"margin": -1.0}, ValueError,
     r"^margin must be in \[0, inf\); got -1\.0\.$"),
    (margin.hinge_embedding_loss, (np.zeros(3), np.ones((3, 1))), {}, ValueError,
     r"^input and target must have the same shape; got \(3,\) and \(3, 1\)\. "),
    (margin.soft_margin_loss, ([1.0, 2.0], [0.0, 1.0]), {}, ValueError,
     r"^target must contain labels -1 or \+1; got 0\.0 at index \(0,\)\. Map 0/1 labels to -1/\+1 with 2 \* y - 1\.$"),
    (margin.multilabel_soft_margin_loss, (X3, -np.ones((3, 4))), {}, ValueError,
     r"^target must contain labels in \[0, 1\]; got -1\.0 at index \(0, 0\)\.$"),
    (margin.multilabel_soft_margin_loss, (X3, np.ones((3, 4))), {"weight": np.ones(3)}, ValueError,
     r"^weight must have shape \(4,\), one value per class; got \(3,\)\.$"),
    (margin.multilabel_soft_margin_loss, (1.0, 1.0), {}, ValueError,
     r"^input must have shape \(C,\) or \(N, C\) with C >= 1 classes; got \(\)\. "
     r"Use input\.reshape\(-1, C\) for more axes\.$"),
    (margin.multilabel_soft_margin_loss, (np.zeros((2, 3, 4)), np.ones((2, 3, 4))), {}, ValueError,
     r"^input must have shape \(C,\) or \(N, C\) with C >= 1 classes; got \(2, 3, 4\)\. "),
    (margin.multi_margin_loss, (X3, [0, 1, 2]), {"p": 3}, ValueError, r"^p must be 1 or 2; got 3\.$"),
    (margin.multi_margin_loss, (X3, [0, 1, 2]), {"p": True}, ValueError, r"^p must be 1 or 2; got True\.$"),
    (margin.multi_margin_loss, (X3, [0, 4, 2]), {}, ValueError,
     r"^target must contain class indices in \[0, 4\); got 4 at index \(1,\)\.$"),
    (margin.multi_margin_loss, (X3, [0, 1, -1]), {}, ValueError,
     r"^target must contain class indices in \[0, 4\); got -1 at index \(2,\)\.$"),
    (margin.multi_margin_loss, (X3, [0.0, 1.0, 2.0]), {}, TypeError,
     r"^target must be an array of integer class indices; got dtype float64\.$"),
    (margin.multi_margin_loss, (X3, [[0], [1], [2]]), {}, ValueError,
     r"^target must have shape \(3,\), one class index per row of input; got \(3, 1\)\.$"),
    (margin.multi_margin_loss, (X3, [0, 1, 2]), {"weight": np.ones((1, 4))}, ValueError,
     r"^weight must have shape \(4,\), one value per class; got \(1, 4\)\.$"),
    (margin.multi_margin_loss, (X3, [0, 1, 2]), {"margin": -1.0}, ValueError,
     r"^margin must be in \[0, inf\); got -1\.0\.$"),
    (margin.multi_margin_loss, (np.zeros((3, 0)), [0, 1, 2]), {}, ValueError,
     r"^input must have shape \(C,\) or \(N, C\) with C >= 1 classes; got \(3, 0\)\. "),
    (margin.multilabel_margin_loss, (X3, [[0, -1, 0, 0], [4, -1, 0, 0], [0, 1, 2, 3]]), {}, ValueError,
     r"^target must contain class indices or -1 in \[-1, 4\); got 4 at index \(1, 0\)\.$"),
    (margin.multilabel_margin_loss, (X3, [[0, -1, 0, -2], [1, -1, 0, 0], [0, 1, 2, 3]]), {}, ValueError,
     r"^target must contain class indices or -1 in \[-1, 4\); got -2 at index \(0, 3\)\.$"),  # after -1: torch too
    (margin.multilabel_margin_loss, (X3, [[0, 2, 2, -1], [1, -1, 0, 0], [0, 1, 2, 3]]), {}, ValueError,
     r"^target must list each class at most once before the first -1; got class 2 listed 2 times in row 0\. "),
    (margin.multilabel_margin_loss, (X3[0], [1, 1, -1, 0]), {}, ValueError,
     r"^target must list each class at most once before the first -1; got class 1 listed 2 times\. "),
    (margin.multilabel_margin_loss, (X3, [0, 1, 2]), {}, ValueError,
     r"^target must have shape \(3, 4\), one list of class indices per row, ended by -1; got \(3,\)\.$"),
    (margin.multilabel_margin_loss, (X3, np.zeros((3, 4))), {}, TypeError,
     r"^target must be an array of integer class indices; got dtype float64\.$"),
]


@pytest.mark.parametrize("fn, args, kwargs, exception, message", MARGIN_ERRORS,
                         ids=[f"{e[0].__name__}-{i}" for i, e in enumerate(MARGIN_ERRORS)])
def test_bad_inputs_to_the_new_losses_are_refused_with_a_message(fn, args, kwargs, exception, message):
    for f in (fn, getattr(margin, fn.__name__ + "_grad")):  # the gradient twin checks the same things
        with pytest.raises(exception, match=message):
            f(*args, **kwargs)
