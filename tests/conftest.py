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
