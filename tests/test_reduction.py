"""The one place that interprets `reduction`."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lossbook._reduction import REDUCTIONS, check_reduction, reduce, reduce_grad


@pytest.mark.parametrize("bad", ["avg", "Mean", None, "batchmean", 1])
def test_unknown_reduction_is_refused_with_the_allowed_values(bad):
    with pytest.raises(ValueError, match=rf"^reduction must be one of 'mean', 'sum' or 'none'; got {bad!r}\.$"):
        check_reduction(bad)


def test_reductions_by_hand():
    v = np.array([[1.0, 2.0], [3.0, 6.0]])
    assert reduce(v, "none") is v
    assert reduce(v, "sum") == 12.0
    assert reduce(v, "mean") == 3.0


def test_mean_of_nothing_is_nan_like_torch():
    import torch
    assert np.isnan(reduce(np.zeros(0), "mean"))
    assert torch.isnan(torch.nn.functional.mse_loss(torch.zeros(0), torch.zeros(0)))
    assert reduce(np.zeros(0), "sum") == 0.0


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5),
                  elements=st.floats(-1e6, 1e6)))
def test_sum_is_mean_times_n(v):
    np.testing.assert_allclose(reduce(v, "sum"), reduce(v, "mean") * v.size, rtol=1e-12, atol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(reduction, dtype):
    v = np.arange(4, dtype=dtype)
    assert reduce(v, reduction).dtype == dtype
    assert reduce_grad(v, reduction).dtype == dtype


def test_reduce_grad_divides_only_for_mean():
    g = np.array([2.0, 4.0, 6.0, 8.0])
    np.testing.assert_array_equal(reduce_grad(g, "mean"), g / 4)
    np.testing.assert_array_equal(reduce_grad(g, "sum"), g)
    np.testing.assert_array_equal(reduce_grad(g, "none"), g)


def test_weighted_mean_divides_by_the_denominator():
    v = np.array([2.0, 6.0])
    assert reduce(v, "mean", denominator=4.0) == 2.0
    np.testing.assert_array_equal(reduce_grad(np.array([2.0, 6.0]), "mean", denominator=4.0), [0.5, 1.5])
    assert np.isnan(reduce(np.zeros(0), "mean", denominator=0.0))
    assert reduce(v, "sum", denominator=4.0) == 8.0


def test_batchmean_divides_the_sum_by_the_batch_size_like_torch_kl_div():
    import torch
    v = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert reduce(v, "batchmean") == 10.5  # 21 / 2
    logq, p = torch.log(torch.full((2, 3), 1 / 3)), torch.tensor([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    kl_terms = torch.nn.functional.kl_div(logq, p, reduction="none").numpy()
    expected = torch.nn.functional.kl_div(logq, p, reduction="batchmean").item()
    assert abs(float(reduce(kl_terms, "batchmean")) - expected) < 1e-6
    np.testing.assert_array_equal(reduce_grad(np.ones((4, 2)), "batchmean"), np.full((4, 2), 0.25))


def test_batchmean_only_where_allowed():
    with pytest.raises(ValueError, match=r"^reduction must be one of 'mean', 'sum' or 'none'; got 'batchmean'\.$"):
        check_reduction("batchmean")
    assert check_reduction("batchmean", allowed=REDUCTIONS + ("batchmean",)) == "batchmean"
