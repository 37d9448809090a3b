"""Similarity losses: cosine similarity against PyTorch (values and gradients,
every axis, reduction and dtype, zero and tiny vectors) and Dice against hand
values, an independent torch formula and central differences."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from conftest import DTYPES, REDUCTIONS, assert_close, pairs, torch_value_and_grad
from lossbook import similarity


def numeric_grad(f, x, h=1e-6):
    """Central differences one element at a time (these losses are not elementwise)."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        grad[index] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def torch_reduce(values, reduction):
    return values if reduction == "none" else getattr(values, reduction)()


# ---- cosine similarity ---------------------------------------------------------------------


@st.composite
def vectors(draw, min_norm=0.0):
    """Two arrays of one shape (at least 1-d) and an axis; with min_norm, every
    vector along the axis has its first entry pushed out to |x_0| >= min_norm."""
    x1, x2 = draw(pairs(min_dims=1, min_side=1))
    axis = draw(st.integers(-x1.ndim, x1.ndim - 1))
    if min_norm:
        for a in (x1, x2):
            first = np.moveaxis(a, axis, 0)  # a view: writes land in a
            first[0] = np.copysign(np.abs(first[0]) + min_norm, first[0])
    return x1, x2, axis


def clamped_norm(x, axis, eps):
    return np.maximum(np.linalg.norm(x.astype(np.float64), axis=axis, keepdims=True), eps)


@pytest.mark.parametrize("eps", [1e-8, 0.5])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=vectors())
def test_parity_with_torch(eps, reduction, dtype, data):
    x, y, axis = data
    x, y = x.astype(dtype), y.astype(dtype)
    xt = torch.tensor(x, requires_grad=True)
    cos = F.cosine_similarity(xt, torch.tensor(y), dim=axis, eps=eps)
    expected = torch_reduce(1 - cos, reduction)
    expected.backward(torch.ones_like(expected))
    got_cos = similarity.cosine_similarity(x, y, axis=axis, eps=eps)
    got = similarity.cosine_similarity_loss(x, y, axis=axis, eps=eps, reduction=reduction)
    assert got_cos.dtype == got.dtype == dtype and got.shape == expected.shape
    assert_close(got_cos, cos.detach().numpy(), dtype)
    # 1 - cos cancels when cos is near 1: each term is only as accurate as ulp(|cos|),
    # so a reduced value is judged against the summed |cos| it came from
    cos_size = np.abs(cos.detach().numpy())
    size = {"sum": cos_size.sum(), "mean": cos_size.mean(), "none": 0.0}[reduction]
    assert_close(got, expected.detach().numpy(), dtype, scale=size)
    # Gradients: PyTorch's differs from the derivative for 0 < |x| < eps (see
    # test_torch_gradient_below_eps), so compare elsewhere; both scaled by max(|x|, eps),
    # which brings both terms of the gradient to size <= 1 and the tolerance to the ulp.
    n = np.linalg.norm(x.astype(np.float64), axis=axis, keepdims=True)
    keep = np.broadcast_to((n == 0) | (n >= eps), x.shape)
    scale = clamped_norm(x, axis, eps)
    grad = similarity.cosine_similarity_loss_grad(x, y, axis=axis, eps=eps, reduction=reduction)
    assert grad.dtype == dtype
    assert_close((grad * scale)[keep], (xt.grad.numpy() * scale)[keep], dtype)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=pairs(min_dims=2, max_dims=2, min_side=1))
def test_loss_is_cosine_embedding_loss_with_target_one(reduction, data):
    x, y = data
    # rows of norm >= 10: torch adds 1e-12 to the squared norms, here a relative 1e-14
    x[:, 0], y[:, 0] = np.copysign(np.abs(x[:, 0]) + 10, x[:, 0]), np.copysign(np.abs(y[:, 0]) + 10, y[:, 0])
    expected, expected_grad = torch_value_and_grad(
        lambda a, b: F.cosine_embedding_loss(a, b, torch.ones(len(x)), reduction=reduction), x, y)
    assert_close(similarity.cosine_similarity_loss(x, y, reduction=reduction), expected)
    assert_close(similarity.cosine_similarity_loss_grad(x, y, reduction=reduction), expected_grad)


@given(data=vectors(min_norm=1.0))
def test_gradient_matches_central_differences(data):
    x, y, axis = data
    grad = similarity.cosine_similarity_loss_grad(x, y, axis=axis, reduction="sum")
    numeric = numeric_grad(lambda v: similarity.cosine_similarity_loss(v, y, axis=axis, reduction="sum"), x)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6)  # norms >= 1: terms of size <= 1


def test_eps_clamps_each_norm_like_torch():
    v = [3.0, 4.0]
    cases = [
        ([0.0, 0.0], v, 0.0),  # a zero vector: x / eps = 0
        ([0.0, 0.0], [0.0, 0.0], 0.0),  # so 1 - cos(0, 0) = 1, not 0
        ([3e-9, 4e-9], v, 0.5),  # |x| = 5e-9 < eps: 25e-9 / (1e-8 * 5), scaled down, not normalised
        ([3e-5, 4e-5], [3e-5, 4e-5], 1.0),  # each norm 5e-5 > eps (their product 2.5e-9 is not)
        ([1.0, 0.0], [1.0, 1.0], 2**-0.5),
    ]
    for x1, x2, expected in cases:
        assert similarity.cosine_similarity(x1, x2) == pytest.approx(expected, rel=1e-15)
        assert F.cosine_similarity(torch.tensor(x1, dtype=torch.float64), torch.tensor(x2, dtype=torch.float64),
                                   dim=0).item() == pytest.approx(expected, rel=1e-15)


def test_torch_gradient_below_eps():
    """For 0 < |x| < eps the value is x.y / (eps |y|), linear in x, with gradient
    y / (eps |y|). PyTorch clamps the norm under no_grad and keeps a second term;
    ours is the derivative (central differences agree), and at x = 0 both agree."""
    x, y = np.array([3e-9, 4e-9, 0.0]), np.array([1.0, 2.0, 2.0])
    expected = -y / (1e-8 * 3.0)  # the loss is 1 - cos
    np.testing.assert_allclose(similarity.cosine_similarity_loss_grad(x, y, reduction="sum"), expected, rtol=1e-14)
    numeric = numeric_grad(lambda v: similarity.cosine_similarity_loss(v, y, reduction="sum"), x, h=1e-10)
    np.testing.assert_allclose(numeric, expected, rtol=1e-6)
    xt = torch.tensor(x, requires_grad=True)
    (1 - F.cosine_similarity(xt, torch.tensor(y), dim=0)).backward()
    assert not np.allclose(xt.grad.numpy(), expected, rtol=1e-3)
    zero = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    (1 - F.cosine_similarity(zero, torch.tensor(y), dim=0)).backward()
    np.testing.assert_allclose(similarity.cosine_similarity_loss_grad(np.zeros(3), y, reduction="sum"),
                               zero.grad.numpy(), rtol=1e-14)


def test_huge_and_tiny_vectors():
    big, tiny = np.array([1e200, 1e200]), np.array([3e-200, 4e-200])
    assert similarity.cosine_similarity(big, big) == pytest.approx(1.0, rel=1e-15)
    # PyTorch squares: the norm overflows to inf and x / inf = 0 (pinned, as the docstring says so)
    assert F.cosine_similarity(torch.tensor(big), torch.tensor(big), dim=0).item() == 0.0
    assert similarity.cosine_similarity(tiny, [3.0, 4.0], eps=1e-300) == pytest.approx(1.0, rel=1e-15)
    assert similarity.cosine_similarity(np.float32([1e30, 1e30]), np.float32([1e30, 0])).dtype == np.float32


@given(data=vectors(), scale=st.floats(1e-3, 1e3))
def test_bounded_symmetric_and_scale_free(data, scale):
    x, y, axis = data
    cos = similarity.cosine_similarity(x, y, axis=axis)
    assert np.all(np.abs(cos) <= 1 + 1e-15)
    np.testing.assert_array_equal(cos, similarity.cosine_similarity(y, x, axis=axis))
    loss = similarity.cosine_similarity_loss(x, y, axis=axis, reduction="none")
    assert np.all((loss >= -1e-15) & (loss <= 2 + 1e-15))
    x, y, axis = data
    big = clamped_norm(x, axis, 1e-8).squeeze(axis) >= 1e-5  # scaling keeps them above eps
    assert_close(similarity.cosine_similarity(scale * x, y, axis=axis)[big], cos[big])


@given(data=vectors(min_norm=1e-3))
def test_zero_at_target_and_sum_is_mean_times_n(data):
    x, y, axis = data
    assert_close(similarity.cosine_similarity_loss(x, x, axis=axis, reduction="none"), 0.0)
    n = similarity.cosine_similarity(x, y, axis=axis).size
    assert_close(similarity.cosine_similarity_loss(x, y, axis=axis, reduction="sum"),
                 similarity.cosine_similarity_loss(x, y, axis=axis) * n)
    assert_close(similarity.cosine_similarity_loss_grad(x, y, axis=axis, reduction="sum"),
                 similarity.cosine_similarity_loss_grad(x, y, axis=axis) * n)


def test_keras_sign_convention_has_the_same_gradient():
    x, y = np.array([1.0, 2.0]), np.array([2.0, -1.0])
    xt = torch.tensor(x, requires_grad=True)
    (-F.cosine_similarity(xt, torch.tensor(y), dim=0)).backward()  # Keras's loss is -cos
    np.testing.assert_allclose(similarity.cosine_similarity_loss_grad(x, y, reduction="sum"), xt.grad.numpy(),
                               rtol=1e-14)


# ---- Dice ------------------------------------------------------------------------------


def torch_dice(p, t, *, smooth=1.0, reduction="mean"):
    # an independent formula: each sample flattened to one row
    p, t = p.reshape(len(p), -1), t.reshape(len(t), -1)
    dice = (2 * (p * t).sum(1) + smooth) / (p.sum(1) + t.sum(1) + smooth)
    return torch_reduce(1 - dice, reduction)


def probabilities(low=0.0):
    """Pairs mapped from [-1e3, 1e3] onto [low, 1 - low], with a batch axis."""
    return pairs(min_dims=1, min_side=1).map(lambda xy: tuple(low + np.abs(a) / 1e3 * (1 - 2 * low) for a in xy))


@pytest.mark.parametrize("smooth", [1.0, 1e-3, 0.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=probabilities())
def test_dice_agrees_with_torch_autograd(smooth, reduction, dtype, data):
    # The torch formula's gradient divides by the squared denominator, which
    # underflows for sums below ~1e-19 (float32) and returns -inf there; keep the
    # oracle out of that range (test_dice_gradient_is_exact_for_subnormal_masks
    # covers it by hand).
    p, t = (np.where(a < 1e-15, 0.0, a).astype(dtype) for a in data)
    expected, expected_grad = torch_value_and_grad(torch_dice, p, t, smooth=smooth, reduction=reduction)
    got = similarity.dice_loss(p, t, smooth=smooth, reduction=reduction)
    assert got.dtype == dtype and got.shape == expected.shape
    assert_close(got, expected, dtype)
    # scaled by the denominator sum(p) + sum(t) + s, which brings the gradient to size <= 2
    scale = np.expand_dims(p.reshape(len(p), -1).sum(1) + t.reshape(len(t), -1).sum(1) + smooth,
                           tuple(range(1, p.ndim)))
    grad = similarity.dice_loss_grad(p, t, smooth=smooth, reduction=reduction)
    assert grad.dtype == dtype
    assert_close(grad * scale, expected_grad * scale, dtype)


@given(data=probabilities(low=1e-3))
def test_dice_gradient_matches_central_differences(data):
    p, t = data  # inside (0, 1), so p +- h stays a probability
    grad = similarity.dice_loss_grad(p, t, reduction="sum")
    numeric = numeric_grad(lambda v: similarity.dice_loss(v, t, reduction="sum"), p)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_dice_gradient_is_exact_for_subnormal_masks():
    # d/dp [1 - 2pt/(p + t)] at p = 0 is -2t/t = -2, whatever the size of t > 0.
    t = np.array([[2.2250738585e-314]])
    np.testing.assert_array_equal(similarity.dice_loss_grad(np.zeros((1, 1)), t, smooth=0.0), [[-2.0]])


def test_dice_by_hand():
    mask = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    assert similarity.dice_loss(mask, mask, smooth=0.0) == 0.0  # perfect overlap
    assert similarity.dice_loss(mask, 1 - mask, smooth=0.0) == 1.0  # disjoint
    assert similarity.dice_loss(mask, 1 - mask) == pytest.approx(1 - 1 / 5, rel=1e-15)  # smooth 1: 1 - 1/(4 + 1)
    p, t = [[[0.5, 1.0], [0.0, 0.5]]], [[[1.0, 1.0], [0.0, 0.0]]]  # sum pt = 1.5, sum p = sum t = 2
    assert similarity.dice_loss(p, t) == pytest.approx(1 - 4 / 5, rel=1e-15)
    assert similarity.dice_loss(p, t, smooth=0.0) == pytest.approx(1 - 3 / 4, rel=1e-15)
    # the batch: one loss per sample, then the reduction over N = 2
    batch_p, batch_t = np.concatenate([mask, mask]), np.concatenate([mask, 1 - mask])
    np.testing.assert_array_equal(similarity.dice_loss(batch_p, batch_t, smooth=0.0, reduction="none"), [0.0, 1.0])
    assert similarity.dice_loss(batch_p, batch_t, smooth=0.0) == 0.5
    assert similarity.dice_loss(batch_p, batch_t, smooth=0.0, reduction="sum") == 1.0
    # soft targets: p = t = 0.5 is not a minimum; 1 - (2 * 0.5) / (1 + 1)
    assert similarity.dice_loss([[0.5, 0.5]], [[0.5, 0.5]], smooth=0.0) == 0.5
    np.testing.assert_array_equal(similarity.dice_loss_grad([[1.0, 0.0]], [[1.0, 0.0]], smooth=0.0, reduction="sum"),
                                  [[-0.5, 0.5]])  # (A/B - 2t) / B with A = B = 2


def test_dice_on_empty_masks():
    empty = np.zeros((1, 3))
    assert similarity.dice_loss(empty, empty) == 0.0  # smooth / smooth
    assert np.isnan(similarity.dice_loss(empty, empty, smooth=0.0))  # 0/0, documented
    assert np.all(np.isnan(similarity.dice_loss_grad(empty, empty, smooth=0.0)))


@given(data=probabilities())
def test_dice_is_between_zero_and_one_and_sum_is_mean_times_n(data):
    p, t = data
    loss = similarity.dice_loss(p, t, reduction="none")
    assert loss.shape == (len(p),) and np.all((loss >= -1e-15) & (loss <= 1))
    assert_close(similarity.dice_loss(p, t, reduction="sum"), similarity.dice_loss(p, t) * len(p))
    assert_close(similarity.dice_loss_grad(p, t, reduction="sum"), similarity.dice_loss_grad(p, t) * len(p))
    binary = np.round(t)
    assert_close(similarity.dice_loss(binary, binary, reduction="none"), 0.0)  # 0 at p = t for 0/1 masks


# ---- Bad input -----------------------------------------------------------------------------


def test_cosine_similarity_errors():
    with pytest.raises(ValueError, match=r"^x1 and x2 must have the same shape; got \(2, 3\) and \(3,\)\. "
                                         r"Use x2\.reshape\(x1\.shape\)"):
        similarity.cosine_similarity(np.ones((2, 3)), np.ones(3))  # no broadcasting
    with pytest.raises(TypeError, match=r"^x2 must be an array of real numbers; got dtype <U1"):
        similarity.cosine_similarity([1.0], ["a"])
    with pytest.raises(TypeError, match=r"takes 2 positional arguments"):
        similarity.cosine_similarity([1.0], [1.0], 0)  # axis is keyword-only


@pytest.mark.parametrize("fn, names", [(similarity.cosine_similarity, "x1 and x2"),
                                       (similarity.cosine_similarity_loss, "input and target"),
                                       (similarity.cosine_similarity_loss_grad, "input and target")])
def test_cosine_option_errors(fn, names):
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"^axis must be an integer in \[-2, 1\] for 2-d arrays; got 2\.$"):
        fn(x, x, axis=2)
    with pytest.raises(TypeError, match=r"^axis must be an integer; got 1\.0 of type float\.$"):
        fn(x, x, axis=1.0)
    with pytest.raises(ValueError, match=r"^eps must be a finite number > 0; got 0\.$"):
        fn(x, x, eps=0)
    with pytest.raises(ValueError, match=rf"^{names} must have at least one axis \(the vectors\); got shape \(\)\.$"):
        fn(1.0, 2.0)


@pytest.mark.parametrize("fn", [similarity.cosine_similarity_loss, similarity.cosine_similarity_loss_grad,
                                similarity.dice_loss, similarity.dice_loss_grad])
def test_loss_errors(fn):
    with pytest.raises(ValueError, match=r"^input and target must have the same shape; got \(2, 3\) and \(3, 2\)"):
        fn(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"^reduction must be one of 'mean', 'sum' or 'none'; got 'batchmean'\.$"):
        fn([[1.0]], [[1.0]], reduction="batchmean")
    with pytest.raises(TypeError, match=r"^input must be an array of real numbers; got dtype object"):
        fn([[None]], [[1.0]])
    with pytest.raises(TypeError, match=r"takes 2 positional arguments"):
        fn([[1.0]], [[1.0]], "sum")


@pytest.mark.parametrize("fn", [similarity.dice_loss, similarity.dice_loss_grad])
def test_dice_errors(fn):
    with pytest.raises(ValueError, match=r"^input must contain probabilities in \[0, 1\]; "
                                         r"got 1\.5 at index \(0, 2\)\.$"):
        fn([[0.0, 1.0, 1.5]], [[0.0, 1.0, 1.0]])
    with pytest.raises(ValueError, match=r"^target must contain probabilities in \[0, 1\]; "
                                         r"got -0\.1 at index \(1, 0\)\.$"):
        fn([[0.0], [1.0]], [[1.0], [-0.1]])
    with pytest.raises(ValueError, match=r"^smooth must be in \[0, inf\); got -1\.0\.$"):
        fn([[0.5]], [[1.0]], smooth=-1.0)
    with pytest.raises(ValueError, match=r"^input must have a batch axis, shape \(N, \*\); got shape \(\)\.$"):
        fn(0.5, 1.0)
