"""Shared test settings: tolerances by dtype and hypothesis strategies."""
import numpy as np
import pytest
import torch
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Deterministic property tests: the same examples on every run and machine.
settings.register_profile("lossbook", derandomize=True, deadline=None, max_examples=60)
settings.load_profile("lossbook")

#: (rtol, atol) per dtype: float64 tight, float32 at a few ulps of the values involved.
TOL = {np.float64: (1e-12, 1e-12), np.float32: (1e-5, 1e-6)}

DTYPES = [np.float64, np.float32]
REDUCTIONS = ["mean", "sum", "none"]


def assert_close(actual, expected, dtype=np.float64, *, scale=0.0):
    """allclose with the dtype's tolerances.

    ``scale`` is the size of the numbers a result was summed from (for a sum,
    sum |terms|): a sum of signed terms that cancel is only as accurate as
    rtol * scale, however small the result, so the tolerance allows that.
    """
    rtol, atol = TOL[np.dtype(dtype).type]
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=np.maximum(atol, rtol * scale))


@st.composite
def pairs(draw, dtype=np.float64, min_side=0, max_dims=3, elements=None, min_dims=0):
    """Two arrays of one random shape (scalars included) and dtype."""
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=6))
    if elements is None:
        elements = st.floats(-1e3, 1e3, width=np.dtype(dtype).itemsize * 8)
    a = draw(hnp.arrays(dtype, shape, elements=elements))
    b = draw(hnp.arrays(dtype, shape, elements=elements))
    return a, b


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def torch_value_and_grad(fn, x, y, **options):
    """Value and input gradient of a torch loss ``fn(input, target, **options)``.

    The gradient is that of ``out.sum()`` (``backward`` with ones), which is
    what a gradient twin returns for every reduction.
    """
    xt = torch.tensor(x, requires_grad=True)
    out = fn(xt, torch.tensor(y), **options)
    out.backward(torch.ones_like(out))
    return out.detach().numpy(), xt.grad.numpy()


def torch_values_and_grads(fn, *arrays):
    """A torch loss of several arrays: its value and the gradients of value.sum() w.r.t. each array."""
    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    out.backward(torch.ones_like(out))
    return out.detach().numpy(), tuple(t.grad.numpy() for t in tensors)


def assert_close_to_scale(actual, expected, dtype=np.float64, *, scale=0.0):
    """``assert_close`` with an elementwise ``scale`` (an array that broadcasts against the values)."""
    rtol, atol = TOL[np.dtype(dtype).type]
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    bound = np.maximum(atol, rtol * np.asarray(scale)) + rtol * np.abs(expected)
    ok = (np.abs(actual - expected) <= bound) | (np.isnan(actual) & np.isnan(expected)) | (actual == expected)
    assert np.all(ok), f"{np.sum(~ok)} of {ok.size} differ: got {actual[~ok][:4]}, expected {expected[~ok][:4]}"


def assert_parity(got, got_grads, expected, expected_grads, dtype, *, scale=0.0, grad_scale=0.0):
    """Values and gradients against torch's: dtype, shape and numbers (``scale`` as in assert_close)."""
    assert got.dtype == dtype and got.shape == expected.shape
    assert_close_to_scale(got, expected, dtype, scale=scale)
    for g, e in zip(got_grads, expected_grads, strict=True):
        assert g.dtype == dtype and g.shape == e.shape
        assert_close_to_scale(g, e, dtype, scale=grad_scale)


@st.composite
def same_shape(draw, n, dtype=np.float64, min_dims=0, min_side=0, low=-1e3, high=1e3):
    """``n`` arrays of one random shape with elements in [low, high]."""
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=min_side, max_side=6))
    elements = st.floats(low, high, width=np.dtype(dtype).itemsize * 8)
    return tuple(draw(hnp.arrays(dtype, shape, elements=elements)) for _ in range(n))


def signs(a):
    return np.where(a >= 0, 1.0, -1.0)
