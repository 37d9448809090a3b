"""Entropy, cross-entropy and KL divergence against scipy.stats.entropy, torch's
kl_div and hand-computed values; zeros inside logs; the argument checks."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

from conftest import DTYPES, assert_close
from lossbook import information

BASES = [None, 2, 10, np.e]


@st.composite
def distributions(draw, dtype=np.float64, count=2):
    """``count`` arrays of one random shape, each a distribution along a random axis, zeros included."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    elements = st.sampled_from([0.0]) | st.floats(1e-3, 1.0)
    arrays = []
    for _ in range(count):
        raw = draw(hnp.arrays(np.float64, shape, elements=elements))
        raw = np.where(raw.sum(axis=axis, keepdims=True) == 0, 1.0, raw)  # an all-zero slice becomes uniform
        arrays.append((raw / raw.sum(axis=axis, keepdims=True)).astype(dtype))
    return (*arrays, axis)


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_entropy_matches_scipy(base, dtype, data):
    p, axis = data.draw(distributions(dtype, count=1))
    got = information.entropy(p, base=base, axis=axis)
    assert got.dtype == dtype and got.shape == np.sum(p, axis=axis).shape
    assert_close(got, stats.entropy(p.astype(np.float64), base=base, axis=axis), dtype)
    assert np.all(got >= 0)


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_kl_divergence_and_cross_entropy_match_scipy(base, dtype, data):
    p, q, axis = data.draw(distributions(dtype))
    p64, q64 = p.astype(np.float64), q.astype(np.float64)
    with np.errstate(divide="ignore"):  # scipy's own log 0 where q has a zero
        kl = stats.entropy(p64, q64, base=base, axis=axis)
    got = information.kl_divergence(p, q, base=base, axis=axis)
    assert got.dtype == dtype
    assert_close(got, kl, dtype)
    # H(p, q) = H(p) + KL(p || q), both sides from scipy
    assert_close(information.cross_entropy(p, q, base=base, axis=axis),
                 stats.entropy(p64, base=base, axis=axis) + kl, dtype)


@given(data=distributions())
def test_kl_divergence_properties(data):
    p, q, axis = data
    assert np.all(information.kl_divergence(p, q, axis=axis) >= -1e-15)  # Gibbs' inequality
    np.testing.assert_array_equal(information.kl_divergence(p, p, axis=axis), 0)
    assert_close(information.cross_entropy(p, p, axis=axis), information.entropy(p, axis=axis))


def test_kl_divergence_is_torch_kl_div_with_log_q_first_and_batchmean():
    rng = np.random.default_rng(0)
    p, q = rng.dirichlet(np.ones(5), size=4), rng.dirichlet(np.ones(5), size=4)
    # torch's argument order is the reverse of the notation: kl_div(input=log q, target=p)
    expected = F.kl_div(torch.log(torch.tensor(q)), torch.tensor(p), reduction="batchmean")
    assert_close(information.kl_divergence(p, q).mean(), expected.numpy())


def test_hand_values():
    assert information.entropy([0.5, 0.5], base=2) == 1.0  # a fair coin is one bit
    assert information.entropy([0.25] * 4, base=2) == 2.0
    assert information.entropy([1.0, 0.0, 0.0]) == 0.0  # 0 log 0 = 0: a sure outcome
    # the slides' base-10 numbers and PyTorch's natural-log ones (seeds README)
    one_hot = [0, 1, 0, 0]
    assert information.cross_entropy(one_hot, [0.1, 0.3, 0.4, 0.2], base=10) == pytest.approx(0.5229, abs=5e-5)
    assert information.cross_entropy(one_hot, [0.05, 0.78, 0.11, 0.06], base=10) == pytest.approx(0.1079, abs=5e-5)
    assert information.cross_entropy(one_hot, [0.1, 0.3, 0.4, 0.2]) == pytest.approx(-np.log(0.3), rel=1e-15)
    assert information.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(np.log(2), rel=1e-15)


def test_zeros_inside_the_logs():
    # p = 0 terms vanish even where q = 0; p > 0 = q is infinitely surprising
    assert information.cross_entropy([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]) == pytest.approx(np.log(2), rel=1e-15)
    assert information.cross_entropy([0.5, 0.5], [1.0, 0.0]) == np.inf
    assert information.kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf
    assert information.kl_divergence([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert np.isfinite(information.entropy(np.eye(3))).all()


def test_the_base_only_rescales():
    p, q = [0.2, 0.8], [0.6, 0.4]
    nats = information.kl_divergence(p, q)
    assert information.kl_divergence(p, q, base=2) == pytest.approx(nats / np.log(2), rel=1e-15)
    assert information.entropy(p, base=10) == pytest.approx(information.entropy(p) / np.log(10), rel=1e-15)


def test_axis_selects_the_distribution():
    p = np.array([[0.5, 1.0], [0.5, 0.0]])  # columns are distributions, rows are not
    np.testing.assert_allclose(information.entropy(p, axis=0), [np.log(2), 0.0], rtol=1e-15)
    assert information.entropy(np.ones((2, 3, 1)), axis=-1).shape == (2, 3)


@pytest.mark.parametrize("fn", [information.cross_entropy, information.kl_divergence])
def test_float32_p_keeps_float32(fn):
    p = np.array([0.25, 0.75], np.float32)
    assert fn(p, [0.5, 0.5]).dtype == np.float32
    assert information.entropy(p).dtype == np.float32


TWO = [0.5, 0.5]
ERRORS = [  # (function, args, kwargs, exception, message)
    (information.entropy, ([0.5, 1.5],), {}, ValueError,
     r"^p must contain probabilities in \[0, 1\]; got 1\.5 at index \(1,\)\.$"),
    (information.entropy, ([[0.5, 0.5], [0.5, 0.4]],), {}, ValueError,
     r"^p must sum to 1 along axis -1 \(within 1e-06\); got a sum of 0\.9 at index \(1,\)\. "
     r"Normalise with p / p\.sum\(axis=-1, keepdims=True\), or apply softmax to logits\.$"),
    (information.entropy, ([0.5, 0.6],), {}, ValueError,
     r"^p must sum to 1 along axis -1 \(within 1e-06\); got a sum of 1\.1\. "),
    (information.kl_divergence, (TWO, [0.2, 0.2]), {}, ValueError,
     r"^q must sum to 1 along axis -1 \(within 1e-06\); got a sum of 0\.4\. Normalise with q / q\.sum"),
    (information.kl_divergence, (TWO, [-0.5, 1.5]), {}, ValueError,
     r"^q must contain probabilities in \[0, 1\]; got -0\.5 at index \(0,\)\.$"),
    (information.cross_entropy, (TWO, [0.2, 0.3, 0.5]), {}, ValueError,
     r"^p and q must have the same shape; got \(2,\) and \(3,\)\. "),
    (information.entropy, (TWO,), {"base": 1}, ValueError,
     r"^base must be a finite number > 0 other than 1, or None for the natural log; got 1\.$"),
    (information.kl_divergence, (TWO, TWO), {"base": 0}, ValueError,
     r"^base must be a finite number > 0 other than 1, or None for the natural log; got 0\.$"),
    (information.cross_entropy, (TWO, TWO), {"base": -2.0}, ValueError,
     r"^base must be a finite number > 0 other than 1, or None for the natural log; got -2\.0\.$"),
    (information.entropy, (TWO,), {"base": "2"}, TypeError,
     r"^base must be a real number or None; got '2' of type str\.$"),
    (information.entropy, (TWO,), {"axis": 1}, ValueError,
     r"^axis must be an axis of p, whose shape is \(2,\); got 1\.$"),
    (information.entropy, (1.0,), {}, ValueError, r"^axis must be an axis of p, whose shape is \(\); got -1\.$"),
    (information.entropy, (["a", "b"],), {}, TypeError, r"^p must be an array of real numbers; got dtype <U1"),
]


@pytest.mark.parametrize("fn, args, kwargs, exception, message", ERRORS,
                         ids=[f"{e[0].__name__}-{i}" for i, e in enumerate(ERRORS)])
def test_bad_inputs_are_refused_with_a_message(fn, args, kwargs, exception, message):
    with pytest.raises(exception, match=message):
        fn(*args, **kwargs)
