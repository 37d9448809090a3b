"""Synthetic datasets: reproducible from an rng, the documented shape, clear errors."""
import re

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


def test_digits_split_sizes_disjoint_and_complete():
    from sklearn.datasets import load_digits

    x_all, y_all = load_digits(return_X_y=True)
    d = data.digits(rng=np.random.default_rng(0), val_fraction=0.25, test_fraction=0.15)
    n = len(y_all)
    assert len(d.y_val) == round(0.25 * n) and len(d.y_test) == round(0.15 * n)
    assert len(d.y_train) + len(d.y_val) + len(d.y_test) == n
    # every label count is preserved: the split is a permutation of the data
    counts = np.bincount(np.concatenate([d.y_train, d.y_val, d.y_test]), minlength=10)
    np.testing.assert_array_equal(counts, np.bincount(y_all, minlength=10))
    assert d.y_train.dtype == np.int64 and d.x_train.shape[1] == 64


def test_digits_standardised_with_training_statistics_only():
    d = data.digits(rng=np.random.default_rng(1))
    std = d.x_train.std(axis=0)
    np.testing.assert_allclose(d.x_train.mean(axis=0), 0.0, atol=1e-12)
    assert np.all((np.abs(std - 1) < 1e-12) | (std == 0))  # constant pixels stay 0
    assert abs(d.x_val.mean()) > 1e-6  # held-out parts are not re-centred


def test_digits_reproducible_and_dtype():
    a = data.digits(rng=np.random.default_rng(3), dtype=np.float32)
    b = data.digits(rng=np.random.default_rng(3), dtype=np.float32)
    assert a.x_train.dtype == np.float32
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("kw, message", [
    (dict(val_fraction=0.6, test_fraction=0.4), "val_fraction + test_fraction must be below 1; got 0.6 + 0.4."),
    (dict(val_fraction=1.5), "val_fraction must be in [0, 1]; got 1.5."),
])
def test_digits_bad_fractions(kw, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        data.digits(rng=np.random.default_rng(0), **kw)


def test_label_noise_rate_and_uniform_other_classes():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 20_000)
    noisy, flipped = data.symmetric_label_noise(labels, 0.4, n_classes=10, rng=rng)
    assert flipped.mean() == pytest.approx(0.4, abs=0.005)
    np.testing.assert_array_equal(noisy != labels, flipped)  # a flip never lands on its own class
    # a flipped 3 becomes each of the 9 other classes about equally often
    others = np.bincount(noisy[flipped & (labels == 3)], minlength=10)
    assert others[3] == 0
    share = others[np.arange(10) != 3] / others.sum()
    np.testing.assert_allclose(share, 1 / 9, atol=0.01)


def test_label_noise_extremes_and_errors():
    rng = np.random.default_rng(0)
    labels = np.array([0, 1, 2])
    noisy, flipped = data.symmetric_label_noise(labels, 0.0, n_classes=3, rng=rng)
    np.testing.assert_array_equal(noisy, labels)
    assert not flipped.any()
    with pytest.raises(ValueError, match=re.escape("labels must lie in [0, 3); got values from 0 to 3.")):
        data.symmetric_label_noise(np.array([0, 3]), 0.1, n_classes=3, rng=rng)
    with pytest.raises(TypeError, match="labels must be an array of integer class indices; got dtype float64."):
        data.symmetric_label_noise(np.array([0.0]), 0.1, n_classes=3, rng=rng)
    with pytest.raises(ValueError, match=re.escape("rate must be in [0, 1]; got -0.1.")):
        data.symmetric_label_noise(labels, -0.1, n_classes=3, rng=rng)
