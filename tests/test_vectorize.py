"""The loop version of MSE agrees with torch; the timer returns well-formed rows
(speed itself is measured in bench/, never asserted in tests)."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given

from conftest import pairs
from lossbook import vectorize


@given(pairs(min_side=1, min_dims=1, max_dims=1))
def test_loop_equals_torch(data):
    a, b = data
    expected = F.mse_loss(torch.from_numpy(a), torch.from_numpy(b)).item()
    assert vectorize.mse_loop(a.tolist(), b.tolist()) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_loop_refuses_different_lengths():
    with pytest.raises(ValueError, match=r"^input and target must have the same length; got 2 and 3\.$"):
        vectorize.mse_loop([1.0, 2.0], [1.0, 2.0, 3.0])


def test_time_mse_rows():
    rows = vectorize.time_mse([10, 100], rng=np.random.default_rng(0), repeat=1)
    assert [r["n"] for r in rows] == [10, 100]
    for r in rows:
        assert set(r) == {"n", "loop_s", "numpy_s", "torch_s"}
        assert all(r[k] > 0 for k in ("loop_s", "numpy_s", "torch_s"))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"sizes": [0]}, ValueError, r"^sizes must be an integer >= 1; got 0\.$"),
    ({"sizes": [10], "repeat": 0}, ValueError, r"^repeat must be an integer >= 1; got 0\.$"),
    ({"sizes": [10], "rng": 3}, TypeError, r"^rng must be a numpy\.random\.Generator"),
])
def test_time_mse_bad_arguments(kwargs, error, message):
    kwargs = {"rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=message):
        vectorize.time_mse(**kwargs)
