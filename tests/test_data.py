"""Synthetic datasets: reproducible from an rng, the documented shape, clear errors."""
import numpy as np
import pytest

from lossbook import data


def test_same_seed_same_data_and_no_global_state():
    np.random.seed(1)  # global state must not matter
    a = data.phone_prices(30, rng=np.random.default_rng(7), outlier_fraction=0.1)
    np.random.seed(2)
    b = data.phone_prices(30, rng=np.random.default_rng(7), outlier_fraction=0.1)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)


def test_shapes_range_and_order(rng):
    d = data.phone_prices(50, rng=rng)
    assert d.x.shape == d.y.shape == d.is_outlier.shape == (50,)
    assert np.all(np.diff(d.x) >= 0) and d.x.min() >= 0.2 and d.x.max() <= 2.0
    assert (d.slope, d.intercept) == (80.0, 20.0)


def test_clean_data_scatter_around_the_true_line(rng):
    # With many points a least-squares fit (numpy's polyfit, an independent
    # routine) recovers the documented line, and the residual spread is `noise`.
    d = data.phone_prices(20_000, rng=rng, noise=8.0)
    slope, intercept = np.polyfit(d.x, d.y, 1)
    assert slope == pytest.approx(80.0, abs=0.5)
    assert intercept == pytest.approx(20.0, abs=0.6)
    assert np.std(d.y - (intercept + slope * d.x)) == pytest.approx(8.0, rel=0.03)


@pytest.mark.parametrize("n, fraction, count", [(10, 0.2, 2), (40, 0.1, 4), (7, 0.0, 0), (5, 1.0, 5)])
def test_outlier_count(n, fraction, count):
    d = data.phone_prices(n, rng=np.random.default_rng(0), outlier_fraction=fraction)
    assert d.is_outlier.sum() == count


def test_outliers_sit_above_the_line_by_the_shift():
    d = data.phone_prices(400, rng=np.random.default_rng(3), noise=1.0, outlier_fraction=0.25,
                          outlier_shift=(100.0, 200.0))
    residual = d.y - (d.intercept + d.slope * d.x)
    assert np.all(residual[d.is_outlier] > 100.0 - 5.0)
    assert np.all(residual[d.is_outlier] < 200.0 + 5.0)
    assert np.all(np.abs(residual[~d.is_outlier]) < 5.0)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"n": 1}, ValueError, r"^n must be an integer >= 2; got 1\.$"),
    ({"n": 3.0}, TypeError, r"^n must be an integer; got 3\.0"),
    ({"noise": 0.0}, ValueError, r"^noise must be a finite number > 0; got 0\.0\.$"),
    ({"outlier_fraction": 1.5}, ValueError, r"^outlier_fraction must be in \[0, 1\]; got 1\.5\.$"),
    ({"outlier_shift": (5, 1)}, ValueError, r"^outlier_shift must satisfy 0 <= low <= high; got \(5, 1\)\.$"),
    ({"outlier_shift": 3}, TypeError, r"^outlier_shift must be a pair \(low, high\) of numbers; got 3\.$"),
])
def test_bad_arguments(kwargs, error, message):
    kwargs = {"n": 10, **kwargs}
    with pytest.raises(error, match=message):
        data.phone_prices(rng=np.random.default_rng(0), **kwargs)


def test_rng_is_required_and_checked():
    with pytest.raises(TypeError, match=r"missing 1 required keyword-only argument: 'rng'"):
        data.phone_prices(10)
    with pytest.raises(TypeError, match=r"^rng must be a numpy\.random\.Generator; got 42"):
        data.phone_prices(10, rng=42)
