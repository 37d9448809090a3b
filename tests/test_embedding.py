"""Embedding losses: pairwise distance, cosine embedding and triplet losses against
torch.nn.functional and autograd (every p, swap, margin, reduction and dtype, values and
the gradients of every input), SciPy's Minkowski distance, hand values, PyTorch's exact
epsilon of cosine_embedding_loss, its choices at ties and kinks, and bad input.

Oracles: torch.nn.functional (with torch-written distances for the custom-distance
triplet loss), scipy.spatial.distance and numbers derived by hand; never lossbook's output.
"""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.spatial import distance as scipy_distance

from conftest import (
    DTYPES,
    REDUCTIONS,
    assert_close,
    assert_close_to_scale,
    assert_parity,
    same_shape,
    signs,
    torch_values_and_grads,
)
from lossbook import embedding, similarity

P_VALUES = [1.0, 2.0, 3.0, 1.5, 0.5, math.inf]


def torch_reduce(values, reduction):
    return values if reduction == "none" else getattr(values, reduction)()


@st.composite
def vector_batches(draw, n, dtype=np.float64, low=-1e3, high=1e3):
    """``n`` arrays of vectors, all (N, D) or all (D,), D >= 1."""
    shape = draw(st.sampled_from([(draw(st.integers(1, 5)),), (draw(st.integers(1, 5)), draw(st.integers(1, 5)))]))
    elements = st.floats(low, high, width=np.dtype(dtype).itemsize * 8)
    return tuple(draw(hnp.arrays(dtype, shape, elements=elements)) for _ in range(n))


# ---- pairwise distance ---------------------------------------------------------------------


@pytest.mark.parametrize("p", P_VALUES)
@pytest.mark.parametrize("eps", [1e-6, 0.0, 0.5])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=same_shape(2, min_dims=1, min_side=1))
def test_pairwise_distance_parity_with_torch(p, eps, keepdim, dtype, data):
    x1, x2 = (a.astype(dtype) for a in data)
    expected = F.pairwise_distance(torch.tensor(x1), torch.tensor(x2), p=p, eps=eps, keepdim=keepdim).numpy()
    got = embedding.pairwise_distance(x1, x2, p=p, eps=eps, keepdim=keepdim)
    assert got.dtype == dtype and got.shape == expected.shape
    assert_close(got, expected, dtype)


@pytest.mark.parametrize("p", P_VALUES)
@given(data=vector_batches(2))
def test_pairwise_distance_agrees_with_scipy(p, data):
    x1, x2 = (np.atleast_2d(a) for a in data)
    expected = [scipy_distance.chebyshev(u, v) if p == math.inf else scipy_distance.minkowski(u, v, p=p)
                for u, v in zip(x1, x2)]
    assert_close(embedding.pairwise_distance(x1, x2, eps=0.0, p=p), expected)


def test_pairwise_distance_hand_values():
    a, b = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[3.0, 4.0], [1.0, 1.0]])
    np.testing.assert_array_equal(embedding.pairwise_distance(a, b, eps=0.0), [5.0, 0.0])
    assert embedding.pairwise_distance([0.0, 0.0], [3.0, 4.0], p=1, eps=0.0) == 7.0
    assert embedding.pairwise_distance([0.0, 0.0], [3.0, 4.0], p=math.inf, eps=0.0) == 4.0
    assert embedding.pairwise_distance([0.0, 0.0], [1.0, 1.0], p=0.5, eps=0.0) == 4.0  # (1 + 1)^2
    # eps sits inside the norm: d(x, x) = eps * D^(1/p), and d(x, y) != d(y, x)
    assert embedding.pairwise_distance([0.0, 0.0, 0.0], [0.0, 0.0, 0.0], p=1) == pytest.approx(3e-6, rel=1e-15)
    assert embedding.pairwise_distance([0.0], [1.0]) == pytest.approx(1 - 1e-6, rel=1e-15)
    assert embedding.pairwise_distance([1.0], [0.0]) == pytest.approx(1 + 1e-6, rel=1e-15)
    assert embedding.pairwise_distance(a, b, keepdim=True).shape == (2, 1)
    assert embedding.pairwise_distance(np.float32([1.0]), [0.0]).dtype == np.float32


def test_pairwise_distance_does_not_overflow_where_torch_does():
    big = np.array([1e200, 1e200])
    for p in (2.0, 3.0, 0.5):
        expected = 2 ** (1 / p) * 1e200
        assert embedding.pairwise_distance(big, [0.0, 0.0], p=p) == pytest.approx(expected, rel=1e-14)
    assert math.isinf(F.pairwise_distance(torch.tensor(big), torch.zeros(2, dtype=torch.float64)).item())
    assert embedding.pairwise_distance([1e-200, 0.0], [0.0, 0.0], eps=0.0) == 1e-200  # no underflow either


@given(data=vector_batches(3, low=-10, high=10))
def test_p_distances_are_metrics_for_p_at_least_one(data):
    a, b, c = data
    for p in (1.0, 2.0, 3.0, math.inf):
        d = lambda x, y: embedding.pairwise_distance(x, y, p=p, eps=0.0)  # noqa: E731
        assert np.all(d(a, c) <= d(a, b) + d(b, c) + 1e-12)  # the triangle inequality
        np.testing.assert_array_equal(d(a, b), d(b, a))
        assert np.all(d(a, b) >= embedding.pairwise_distance(a, b, p=math.inf, eps=0.0) - 1e-12)  # max |.| below


# ---- cosine embedding ----------------------------------------------------------------------


@pytest.mark.parametrize("m", [0.0, 0.5, -0.5])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=vector_batches(3))
def test_cosine_embedding_parity_with_torch(m, reduction, dtype, data):
    x1, x2 = (a.astype(dtype) for a in data[:2])
    y = signs(data[2][..., 0]).astype(dtype)  # (N,) or ()
    expected, grads = torch_values_and_grads(
        lambda a, b: F.cosine_embedding_loss(a, b, torch.tensor(y), margin=m, reduction=reduction), x1, x2)
    options = dict(margin=m, reduction=reduction)
    # the gradient is of size (|x2| / n2 + |x1| / n1) / n1 with n >= 1e-6: judged against that
    n1, n2 = (np.sqrt(np.sum(np.square(a.astype(np.float64)), axis=-1, keepdims=True) + 1e-12) for a in (x1, x2))
    scale = (np.abs(x1) / n1 + np.abs(x2) / n2) * (1 / n1 + 1 / n2)
    if reduction == "mean":
        scale = scale / y.size
    assert_parity(embedding.cosine_embedding_loss(x1, x2, y, **options),
                  embedding.cosine_embedding_loss_grad(x1, x2, y, **options), expected, grads, dtype,
                  grad_scale=scale)


def test_cosine_embedding_eps_is_torchs_float_1e_12_added_to_the_squared_norms():
    eps = float(np.float32(1e-12))
    assert embedding.COSINE_EMBEDDING_EPS == eps == 9.999999960041972e-13
    for s in (1e-6, 1e-7, 3e-7):  # |x|^2 comparable to eps: cos = s^2 / (s^2 + eps)
        x = np.array([[s, 0.0]])
        expected = F.cosine_embedding_loss(torch.tensor(x), torch.tensor(x), torch.ones(1, dtype=torch.float64))
        assert expected.item() == pytest.approx(1 - s * s / (s * s + eps), rel=1e-14)  # the hand formula is torch's
        assert embedding.cosine_embedding_loss(x, x, [1]) == pytest.approx(expected.item(), rel=1e-14)
        assert 1 - s * s / (s * s + 1e-12) != pytest.approx(expected.item(), rel=1e-12)  # not the double 1e-12
    # cosine_similarity clamps each norm at 1e-8 instead: the same tiny vector is a unit vector to it
    assert similarity.cosine_similarity([1e-6, 0.0], [1e-6, 0.0]) == pytest.approx(1.0, rel=1e-15)
    assert embedding.cosine_embedding_loss([1e-6, 0.0], [1e-6, 0.0], 1) == pytest.approx(0.5, rel=1e-8)


def test_cosine_embedding_zero_vectors_match_torch():
    zero, x2 = np.zeros((1, 2)), np.array([[1.0, 0.0]])
    for y, expected_value in ((1.0, 1.0), (-1.0, 0.0)):  # cos(0, x) = 0
        expected, grads = torch_values_and_grads(
            lambda a, b: F.cosine_embedding_loss(a, b, torch.tensor([y], dtype=torch.float64), reduction="sum"),
            zero, x2)
        assert expected == expected_value
        got = embedding.cosine_embedding_loss_grad(zero, x2, [y], reduction="sum")
        for g, e in zip(got, grads, strict=True):
            np.testing.assert_allclose(g, e, rtol=1e-14)
    # y = 1: -x2 / (sqrt(eps) n2), about -1e6 along x2
    np.testing.assert_allclose(embedding.cosine_embedding_loss_grad(zero, x2, [1], reduction="sum")[0],
                               [[-1 / math.sqrt(float(np.float32(1e-12))) / math.sqrt(1 + 1e-12), 0.0]], rtol=1e-14)


def test_cosine_embedding_hand_values_unbatched_and_kink():
    got = embedding.cosine_embedding_loss([[1.0, 0.0], [1.0, 0.0]], [[1.0, 1.0], [1.0, 1.0]], [1, -1], margin=0.5,
                                          reduction="none")
    np.testing.assert_allclose(got, [1 - 2**-0.5, 2**-0.5 - 0.5], rtol=1e-11)  # eps moves them by ~1e-12
    one = embedding.cosine_embedding_loss([3.0, 4.0], [4.0, 3.0], -1, reduction="none")  # cos = 24 / 25
    assert one.shape == () and one == pytest.approx(0.96, rel=1e-12)
    # cos = margin exactly (orthogonal, margin 0): loss 0, gradient kept as torch's clamp_min does
    expected, grads = torch_values_and_grads(
        lambda a, b: F.cosine_embedding_loss(a, b, torch.tensor([-1.0], dtype=torch.float64), reduction="sum"),
        np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]))
    got = embedding.cosine_embedding_loss_grad([[1.0, 0.0]], [[0.0, 1.0]], [-1], reduction="sum")
    np.testing.assert_allclose(got[0], grads[0], rtol=1e-14)
    np.testing.assert_allclose(got[0], [[0.0, 1.0]], rtol=1e-11)


@given(data=vector_batches(2))
def test_cosine_embedding_with_similar_labels_is_cosine_similarity_loss(data):
    x1, x2 = (np.where(np.abs(a) < 10, np.copysign(10.0, a), a) for a in data)  # norms >= 10: eps is 1e-14 relative
    y = np.ones(x1.shape[:-1])
    assert_close(embedding.cosine_embedding_loss(x1, x2, y, reduction="none"),
                 similarity.cosine_similarity_loss(x1, x2, reduction="none"))
    loss = embedding.cosine_embedding_loss(x1, x2, -y, margin=-1.0, reduction="none")  # cos + 1 >= 0
    assert_close(loss, 1 + similarity.cosine_similarity(x1, x2))


def test_cosine_embedding_of_huge_vectors_is_finite_where_torch_gives_nan():
    big = np.array([[1e200, 1e200]])
    assert embedding.cosine_embedding_loss(big, big, [1]) == pytest.approx(0.0, abs=1e-15)
    assert math.isnan(F.cosine_embedding_loss(torch.tensor(big), torch.tensor(big), torch.ones(1)).item())


# ---- triplet margin ------------------------------------------------------------------------


def torch_distance_grad_size(x, y, p, eps):
    """|d d(x, y) / d x| elementwise, from torch: the size of one term of a triplet gradient."""
    xt = torch.tensor(x, requires_grad=True)
    F.pairwise_distance(xt, torch.tensor(y), p=p, eps=eps).sum().backward()
    return np.abs(xt.grad.numpy().astype(np.float64))


def clear_rows(a, pos, neg, m, p, eps, swap, dtype):
    """Rows whose gradient is decided the same way by any rounding: the triplet is not at
    the kink and, with swap, d(a, n) and d(p, n) are equal or clearly apart (torch, float64)."""
    d = [F.pairwise_distance(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64),
                             p=p, eps=eps).numpy() for x, y in ((a, pos), (a, neg), (pos, neg))]
    tol = 1e-4 if dtype == np.float32 else 1e-9
    size = d[0] + d[1] + d[2] + m
    tie = np.abs(d[1] - d[2])
    keep = (np.abs(m + d[0] - (np.minimum(d[1], d[2]) if swap else d[1])) > tol * size)
    if swap:
        equal = (a == pos).all(axis=-1)  # exact ties, from equal vectors: both sides split the gradient
        keep &= equal | (tie > tol * size)
    return np.broadcast_to(keep[..., None], a.shape)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, 0.5, math.inf])
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("m", [1.0, 0.2])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=vector_batches(3, low=-10, high=10))
def test_triplet_margin_parity_with_torch(p, swap, m, reduction, dtype, data):
    a, pos, neg = (x.astype(dtype) for x in data)
    options = dict(margin=m, p=p, swap=swap, reduction=reduction)
    expected, grads = torch_values_and_grads(lambda *t: F.triplet_margin_loss(*t, **options), a, pos, neg)
    got = embedding.triplet_margin_loss(a, pos, neg, **options)
    d = [F.pairwise_distance(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64), p=p).numpy()
         for x, y in ((a, pos), (a, neg), (pos, neg))]
    n = max(d[0].size, 1) if reduction == "mean" else 1
    # a difference of distances: judged against their size; each gradient against its terms' sizes
    scale = (m + d[0] + d[1] + d[2]) if reduction == "none" else np.sum(m + d[0] + d[1] + d[2]) / n
    assert got.dtype == dtype and got.shape == expected.shape
    assert_close_to_scale(got, expected, dtype, scale=scale)
    keep = clear_rows(a, pos, neg, m, p, 1e-6, swap, dtype)
    terms = sum(torch_distance_grad_size(x, y, p, 1e-6) for x, y in ((a, pos), (a, neg), (pos, neg)))
    for g, e in zip(embedding.triplet_margin_loss_grad(a, pos, neg, **options), grads, strict=True):
        assert g.dtype == dtype and g.shape == a.shape
        assert_close_to_scale(g[keep], e[keep], dtype, scale=terms[keep] / n)


def test_triplet_margin_hand_values_and_unsquared_distance():
    a, pos = [0.0, 0.0], [3.0, 0.0]
    assert embedding.triplet_margin_loss(a, pos, [0.0, 4.0], eps=0.0) == 0.0  # 3 - 4 + 1
    assert embedding.triplet_margin_loss(a, pos, [0.0, 5.0], margin=3.0, eps=0.0) == 1.0  # 3 - 5 + 3
    assert embedding.triplet_margin_loss(a, pos, [3.0, 1.0], eps=0.0, swap=True) == 3.0  # 3 - d(p, n) + 1
    assert embedding.triplet_margin_loss(a, pos, [3.0, 1.0], eps=0.0) == pytest.approx(4 - math.sqrt(10))
    # torch's distance is not squared: 2 - 2.5 + 1 = 0.5, where FaceNet's 4 - 6.25 + 1 < 0 gives 0
    a, pos, neg = np.zeros((1, 2)), np.array([[2.0, 0.0]]), np.array([[0.0, 2.5]])
    assert embedding.triplet_margin_loss(a, pos, neg, eps=0.0) == 0.5
    facenet = lambda x, y: np.sum((x - y) ** 2, axis=-1)  # noqa: E731
    assert embedding.triplet_margin_with_distance_loss(a, pos, neg, distance_function=facenet) == 0.0
    out = embedding.triplet_margin_loss([1.0, 2.0], [1.0, 2.0], [5.0, 5.0], reduction="none")
    assert out.shape == () and out == 0.0  # unbatched (D,): one triplet


def test_triplet_swap_tie_splits_the_gradient_like_torch_minimum():
    # anchor == positive: d(a, n) == d(p, n) exactly, each gets half the gradient
    a, pos, neg = np.zeros((1, 2)), np.zeros((1, 2)), np.array([[1.0, 0.0]])
    expected, grads = torch_values_and_grads(
        lambda *t: F.triplet_margin_loss(*t, swap=True, reduction="sum"), a, pos, neg)
    got = embedding.triplet_margin_loss_grad(a, pos, neg, swap=True, reduction="sum")
    for g, e in zip(got, grads, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-14, atol=1e-20)
    np.testing.assert_allclose(got[0], [[2**-0.5 + 0.5, 2**-0.5]], rtol=1e-5)  # g(a - p + eps) + g(a - n + eps) / 2


def test_triplet_kink_passes_the_gradient_like_torch():
    a, pos, neg = np.zeros((1, 2)), np.array([[1.0, 0.0]]), np.array([[2.0, 0.0]])  # 1 + 1 - 2 = 0
    expected, grads = torch_values_and_grads(
        lambda *t: F.triplet_margin_loss(*t, eps=0.0, reduction="sum"), a, pos, neg)
    got = embedding.triplet_margin_loss_grad(a, pos, neg, eps=0.0, reduction="sum")
    assert expected == 0.0 and embedding.triplet_margin_loss(a, pos, neg, eps=0.0) == 0.0
    for g, e, hand in zip(got, grads, ([[0.0, 0.0]], [[1.0, 0.0]], [[-1.0, 0.0]]), strict=True):
        np.testing.assert_array_equal(g, e)
        np.testing.assert_array_equal(g, hand)


def test_triplet_p_inf_shares_the_gradient_among_ties_and_p_below_one_skips_zeros():
    a, pos, neg = np.array([[1.0, 1.0, -1.0]]), np.zeros((1, 3)), np.array([[1.5, 1.0, -1.0]])
    for p in (math.inf, 0.5):
        pos_p = np.array([[0.0, 1.0, 0.0]]) if p == 0.5 else pos  # a - p has a zero coordinate (so has a - n)
        expected, grads = torch_values_and_grads(
            lambda *t: F.triplet_margin_loss(*t, p=p, eps=0.0, reduction="sum"), a, pos_p, neg)
        got = embedding.triplet_margin_loss_grad(a, pos_p, neg, p=p, eps=0.0, reduction="sum")
        assert expected > 0
        for g, e in zip(got, grads, strict=True):
            np.testing.assert_allclose(g, e, rtol=1e-14)
    got = embedding.triplet_margin_loss_grad(a, pos, neg, p=math.inf, eps=0.0, reduction="sum")
    # d(a, p) = max |a - p| = 1 is reached three times: a third each; d(a, n) = 0.5, once, at x
    np.testing.assert_allclose(got[0], [[1 / 3 + 1, 1 / 3, -1 / 3]], rtol=1e-15)


@given(data=vector_batches(3, low=-10, high=10))
def test_triplet_properties(data):
    a, pos, neg = data
    loss = embedding.triplet_margin_loss(a, pos, neg, reduction="none")
    assert np.all(loss >= 0)
    assert np.all(embedding.triplet_margin_loss(a, pos, neg, swap=True, reduction="none") >= loss)  # min is harder
    far = neg + 1e3  # every negative far away: no loss
    assert np.all(embedding.triplet_margin_loss(a, pos, far, reduction="none") == 0)
    n = max(loss.size, 1)
    assert_close(embedding.triplet_margin_loss(a, pos, neg, reduction="sum"),
                 embedding.triplet_margin_loss(a, pos, neg) * n, scale=np.sum(loss) + 1)
    for g_sum, g_mean in zip(embedding.triplet_margin_loss_grad(a, pos, neg, reduction="sum"),
                             embedding.triplet_margin_loss_grad(a, pos, neg), strict=True):
        assert_close(g_sum, g_mean * n)
    # translating all three points moves nothing but rounding
    assert_close(embedding.triplet_margin_loss(a + 5.0, pos + 5.0, neg + 5.0, reduction="none"), loss, scale=100.0)


@given(data=vector_batches(3, low=-10, high=10))
def test_triplet_gradients_sum_to_zero(data):
    """The loss depends on differences only, so moving all three points together changes nothing."""
    grads = embedding.triplet_margin_loss_grad(*data, swap=True, reduction="sum")
    assert_close(sum(grads), 0.0, scale=6.0)


# ---- triplet with a distance function ------------------------------------------------------


def squared_euclidean(x, y):
    return np.sum((x - y) ** 2, axis=-1)


def torch_squared_euclidean(x, y):
    return torch.sum((x - y) ** 2, dim=-1)


def cosine_distance(x, y):
    return 1 - similarity.cosine_similarity(x, y)


def torch_cosine_distance(x, y):
    return 1 - F.cosine_similarity(x, y, dim=-1)


@pytest.mark.parametrize("distances", [(None, None), (squared_euclidean, torch_squared_euclidean),
                                       (cosine_distance, torch_cosine_distance)], ids=["default", "facenet", "cosine"])
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("m", [1.0, 0.3])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=vector_batches(3, low=-10, high=10))
def test_triplet_with_distance_parity_with_torch(distances, swap, m, reduction, dtype, data):
    ours, theirs = distances
    a, pos, neg = (x.astype(dtype) for x in data)
    expected = F.triplet_margin_with_distance_loss(*(torch.tensor(x) for x in (a, pos, neg)), distance_function=theirs,
                                                   margin=m, swap=swap, reduction=reduction).numpy()
    got = embedding.triplet_margin_with_distance_loss(a, pos, neg, distance_function=ours, margin=m, swap=swap,
                                                      reduction=reduction)
    assert got.dtype == dtype and got.shape == expected.shape
    size = 3 * (np.sum((np.abs(a) + np.abs(pos) + np.abs(neg)) ** 2, axis=-1) + 1) + m  # bounds every distance used
    assert_close_to_scale(got, expected, dtype, scale=size if reduction == "none" else np.sum(size))


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=vector_batches(3, low=-10, high=10))
def test_triplet_with_default_distance_is_triplet_margin_loss_and_has_torchs_gradient(swap, reduction, data):
    options = dict(swap=swap, reduction=reduction)
    expected, grads = torch_values_and_grads(lambda *t: F.triplet_margin_with_distance_loss(*t, **options), *data)
    got = embedding.triplet_margin_with_distance_loss(*data, **options)
    assert_close(got, expected, scale=np.sum(np.abs(np.stack(data))) + 1)
    np.testing.assert_array_equal(got, embedding.triplet_margin_loss(*data, **options))
    keep = clear_rows(*data, 1.0, 2.0, 1e-6, swap, np.float64)
    for g, e in zip(embedding.triplet_margin_with_distance_loss_grad(*data, **options), grads, strict=True):
        assert_close(g[keep], e[keep], scale=3.0)


def test_triplet_with_distance_checks_what_the_callable_returns():
    a = np.zeros((3, 2))
    with pytest.raises(ValueError, match=r"^distance_function must return one distance per vector, shape \(3,\); "
                                         r"got shape \(3, 2\)\.$"):
        embedding.triplet_margin_with_distance_loss(a, a, a, distance_function=lambda x, y: x - y)
    with pytest.raises(TypeError, match=r"^the output of distance_function must be an array of real numbers; "
                                        r"got dtype <U1"):
        embedding.triplet_margin_with_distance_loss(a, a, a, distance_function=lambda x, y: np.array(["a"] * 3))
    float32 = embedding.triplet_margin_with_distance_loss(np.float32(a), a, a, distance_function=squared_euclidean)
    assert float32.dtype == np.float32  # the callable's float64 output is cast back


# ---- every embedding loss: reductions, options and bad input ------------------------------

V = np.zeros((3, 4))
LOSSES = {  # name -> (loss, grad, args)
    "cosine_embedding_loss": (embedding.cosine_embedding_loss, embedding.cosine_embedding_loss_grad,
                              (np.eye(3, 4), np.ones((3, 4)), [1, -1, 1])),
    "triplet_margin_loss": (embedding.triplet_margin_loss, embedding.triplet_margin_loss_grad,
                            (np.eye(3, 4), np.zeros((3, 4)), np.ones((3, 4)))),
    "triplet_margin_with_distance_loss": (embedding.triplet_margin_with_distance_loss,
                                          embedding.triplet_margin_with_distance_loss_grad,
                                          (np.eye(3, 4), np.zeros((3, 4)), np.ones((3, 4)))),
}


@pytest.mark.parametrize("name", LOSSES)
def test_reduction_keyword_only_options_and_dtypes(name):
    loss, grad, args = LOSSES[name]
    for fn in (loss, grad):
        with pytest.raises(ValueError, match=r"^reduction must be one of 'mean', 'sum' or 'none'; got 'avg'\.$"):
            fn(*args, reduction="avg")
        with pytest.raises(TypeError, match=r"positional argument"):
            fn(*args, 0.5)
    assert loss(*args, reduction="sum") == pytest.approx(3 * loss(*args), rel=1e-15)
    args32 = [np.float32(a) for a in args[:-1]] + [np.asarray(args[-1], np.float32)]
    assert loss(*args32).dtype == np.float32 and all(g.dtype == np.float32 for g in grad(*args32))
    grads = grad(*args)
    assert isinstance(grads, tuple) and len(grads) == len(args) - (name == "cosine_embedding_loss")


EMBEDDING_ERRORS = [  # (function, args, kwargs, exception, message)
    (embedding.pairwise_distance, (V, V), {"p": 0}, ValueError, r"^p must be in \(0, inf\]; got 0\.$"),
    (embedding.pairwise_distance, (V, V), {"p": -1.0}, ValueError, r"^p must be in \(0, inf\]; got -1\.0\.$"),
    (embedding.pairwise_distance, (V, V), {"p": math.nan}, ValueError, r"^p must be in \(0, inf\]; got nan\.$"),
    (embedding.pairwise_distance, (V, V), {"p": "2"}, TypeError, r"^p must be a real number; got '2' of type str\.$"),
    (embedding.pairwise_distance, (V, V), {"eps": -1e-6}, ValueError, r"^eps must be in \[0, inf\); got -1e-06\.$"),
    (embedding.pairwise_distance, (V, V), {"keepdim": 1}, TypeError,
     r"^keepdim must be True or False; got 1 of type int\.$"),
    (embedding.pairwise_distance, (V, V[:1]), {}, ValueError,
     r"^x1 and x2 must have the same shape; got \(3, 4\) and \(1, 4\)\. "),
    (embedding.pairwise_distance, (1.0, 2.0), {}, ValueError,
     r"^x1 and x2 must have a vector axis, shape \(N, D\) or \(D,\); got shape \(\)\.$"),
    (embedding.cosine_embedding_loss, (V, V, [1, 0, -1]), {}, ValueError,
     r"^target must contain labels -1 or \+1; got 0\.0 at index \(1,\)\. Map 0/1 labels to -1/\+1 with 2 \* y - 1\.$"),
    (embedding.cosine_embedding_loss, (V, V, [1, -1]), {}, ValueError,
     r"^input1 and input2 must have shape \(N, D\) with target \(N,\), or \(D,\) with target \(\); "
     r"got \(3, 4\) and target \(2,\)\.$"),
    (embedding.cosine_embedding_loss, (np.zeros((2, 3, 4)), np.zeros((2, 3, 4)), [1, 1]), {}, ValueError,
     r"^input1 and input2 must have shape \(N, D\) with target \(N,\), or \(D,\) with target \(\); "
     r"got \(2, 3, 4\) and target \(2,\)\.$"),
    (embedding.cosine_embedding_loss, (V, V[:, :3], [1, 1, 1]), {}, ValueError,
     r"^input1 and input2 must have the same shape; got \(3, 4\) and \(3, 3\)\. "),
    (embedding.cosine_embedding_loss, (V, V, [1, 1, 1]), {"margin": 1.5}, ValueError,
     r"^margin must be in \[-1, 1\]; got 1\.5\.$"),
    (embedding.cosine_embedding_loss, (V, V, ["a", "b", "c"]), {}, TypeError,
     r"^target must be an array of real numbers; got dtype <U1"),
    (embedding.triplet_margin_loss, (V, V, V), {"margin": 0.0}, ValueError,
     r"^margin must be in \(0, inf\); got 0\.0\.$"),
    (embedding.triplet_margin_loss, (V, V, V), {"margin": math.inf}, ValueError,
     r"^margin must be in \(0, inf\); got inf\.$"),
    (embedding.triplet_margin_loss, (V, V[0], V), {}, ValueError,
     r"^anchor and positive must have the same shape; got \(3, 4\) and \(4,\)\. "),
    (embedding.triplet_margin_loss, (V, V, V[:2]), {}, ValueError,
     r"^anchor and negative must have the same shape; got \(3, 4\) and \(2, 4\)\. "),
    (embedding.triplet_margin_loss, (0.0, 1.0, 2.0), {}, ValueError,
     r"^anchor, positive and negative must have a vector axis, shape \(N, D\) or \(D,\); got shape \(\)\.$"),
    (embedding.triplet_margin_loss, (V, V, V), {"swap": "yes"}, TypeError,
     r"^swap must be True or False; got 'yes' of type str\.$"),
    (embedding.triplet_margin_loss, (V, V, V), {"p": 0.0}, ValueError, r"^p must be in \(0, inf\]; got 0\.0\.$"),
    (embedding.triplet_margin_loss, (V, V, V), {"eps": -1.0}, ValueError, r"^eps must be in \[0, inf\); got -1\.0\.$"),
    (embedding.triplet_margin_with_distance_loss, (V, V, V), {"distance_function": "euclidean"}, TypeError,
     r"^distance_function must be None or a callable \(x1, x2\) -> distances; got 'euclidean' of type str\.$"),
    (embedding.triplet_margin_with_distance_loss, (V, V, V), {"margin": -1.0}, ValueError,
     r"^margin must be in \(0, inf\); got -1\.0\.$"),
]


@pytest.mark.parametrize("fn, args, kwargs, exception, message", EMBEDDING_ERRORS,
                         ids=[f"{e[0].__name__}-{i}" for i, e in enumerate(EMBEDDING_ERRORS)])
def test_bad_inputs_are_refused_with_a_message(fn, args, kwargs, exception, message):
    grad = getattr(embedding, fn.__name__ + "_grad", None)
    twin = grad is not None and "distance_function" not in kwargs  # the twin refuses any distance function
    for f in (fn, grad) if twin else (fn,):  # the gradient twin checks the same things
        with pytest.raises(exception, match=message):
            f(*args, **kwargs)


def test_the_custom_distance_has_no_gradient_twin():
    with pytest.raises(ValueError, match=r"^distance_function must be None for the gradient twin; got <function "
                                         r".*>\. For a custom distance write it in torch and use autograd\.$"):
        embedding.triplet_margin_with_distance_loss_grad(V, V, V, distance_function=squared_euclidean)
