r"""Small datasets: generated on the spot, or bundled with scikit-learn (nothing is downloaded).

Every generator takes a ``numpy.random.Generator`` as ``rng`` (keyword-only),
so a notebook that seeds one ``rng = np.random.default_rng(0)`` reproduces
every number.
"""
from typing import NamedTuple

import numpy as np

from ._checks import as_index_array, check_fraction, check_int, check_positive, check_rng

#: The true line behind :func:`phone_prices`: price = 20 + 80 * performance.
PHONE_INTERCEPT = 20.0
PHONE_SLOPE = 80.0


class PhonePrices(NamedTuple):
    r"""The phone performance -> price data of the course's first example.

    Attributes:
        x: performance, a benchmark score in millions of points, shape (n,).
        y: price in 만원 (10,000 won), shape (n,).
        is_outlier: True where the price was replaced by an outlier, shape (n,).
        slope, intercept: the true line the clean prices scatter around.
    """

    x: np.ndarray
    y: np.ndarray
    is_outlier: np.ndarray
    slope: float
    intercept: float


def phone_prices(n=40, *, rng, noise=8.0, outlier_fraction=0.0, outlier_shift=(100.0, 200.0)):
    r"""Phone performance :math:`x` and price :math:`y` (성능 -> 가격), the seeds' regression example.

    .. math:: y_i = 20 + 80\,x_i + \varepsilon_i,\quad
              x_i \sim \mathcal U(0.2, 2.0),\quad \varepsilon_i \sim \mathcal N(0, \text{noise}^2)

    Then ``round(outlier_fraction * n)`` phones, chosen at random, get a price
    raised by a uniform amount in ``outlier_shift`` (collector's editions,
    scalped launch-day prices): one-sided outliers that pull a least-squares
    line upwards.

    Args:
        n: number of phones, >= 2.
        rng: a ``numpy.random.Generator``.
        noise: standard deviation of the clean prices around the line, > 0.
        outlier_fraction: fraction of phones made outliers, in [0, 1].
        outlier_shift: ``(low, high)`` range of the added price, 0 <= low <= high.

    Returns:
        :class:`PhonePrices`, sorted by ``x``.

    Examples:
        >>> data = phone_prices(5, rng=np.random.default_rng(0))
        >>> data.x.shape, data.y.shape, int(data.is_outlier.sum())
        ((5,), (5,), 0)
        >>> data = phone_prices(10, rng=np.random.default_rng(0), outlier_fraction=0.2)
        >>> int(data.is_outlier.sum())
        2
    """
    n = check_int(n, "n", minimum=2)
    check_rng(rng)
    noise = check_positive(noise, "noise")
    outlier_fraction = check_fraction(outlier_fraction, "outlier_fraction")
    low, high = _check_shift(outlier_shift)
    x = np.sort(rng.uniform(0.2, 2.0, size=n))
    y = PHONE_INTERCEPT + PHONE_SLOPE * x + rng.normal(0.0, noise, size=n)
    is_outlier = np.zeros(n, dtype=bool)
    is_outlier[rng.choice(n, size=round(outlier_fraction * n), replace=False)] = True
    y[is_outlier] += rng.uniform(low, high, size=int(is_outlier.sum()))
    return PhonePrices(x, y, is_outlier, PHONE_SLOPE, PHONE_INTERCEPT)


def _check_shift(shift):
    try:
        low, high = (float(v) for v in shift)
    except (TypeError, ValueError):
        raise TypeError(f"outlier_shift must be a pair (low, high) of numbers; got {shift!r}.") from None
    if not 0 <= low <= high:
        raise ValueError(f"outlier_shift must satisfy 0 <= low <= high; got {shift!r}.")
    return low, high


class Digits(NamedTuple):
    r"""scikit-learn's bundled 8x8 digits, split and standardised.

    Attributes:
        x_train, x_val, x_test: images as rows of 64 standardised pixels.
        y_train, y_val, y_test: labels 0-9 (``int64``).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def digits(*, rng, val_fraction=0.2, test_fraction=0.2, dtype=np.float64):
    r"""The 1,797 handwritten digits shipped with scikit-learn (손글씨 숫자), split three ways.

    The rows are shuffled with ``rng`` and cut into train, validation and test
    parts. Each pixel is standardised with the *training* part's mean and
    standard deviation (a pixel that is constant in training keeps scale 1),
    so no statistic of the validation or test images leaks into training.

    Args:
        rng: a ``numpy.random.Generator`` that shuffles the rows.
        val_fraction, test_fraction: fractions of the rows held out, each in
            [0, 1), together below 1.
        dtype: floating dtype of the images.

    Returns:
        :class:`Digits`.

    Examples:
        >>> d = digits(rng=np.random.default_rng(0))
        >>> d.x_train.shape, d.x_val.shape, d.x_test.shape
        ((1079, 64), (359, 64), (359, 64))
        >>> sorted(set(d.y_train.tolist())) == list(range(10))
        True
    """
    from sklearn.datasets import load_digits  # bundled with scikit-learn, no download

    check_rng(rng)
    val_fraction = check_fraction(val_fraction, "val_fraction")
    test_fraction = check_fraction(test_fraction, "test_fraction")
    if val_fraction + test_fraction >= 1:
        raise ValueError("val_fraction + test_fraction must be below 1; "
                         f"got {val_fraction} + {test_fraction}.")
    x, y = load_digits(return_X_y=True)
    order = rng.permutation(len(y))
    n_val, n_test = round(val_fraction * len(y)), round(test_fraction * len(y))
    parts = np.split(order, [len(y) - n_val - n_test, len(y) - n_test])
    mean, std = x[parts[0]].mean(axis=0), x[parts[0]].std(axis=0)
    std[std == 0] = 1.0  # border pixels that are always 0 in training
    out = []
    for idx in parts:
        out += [((x[idx] - mean) / std).astype(dtype), y[idx].astype(np.int64)]
    return Digits(*out)


def symmetric_label_noise(labels, rate, *, n_classes, rng):
    r"""Corrupt labels symmetrically (대칭 레이블 잡음): each flips with probability ``rate``.

    A flipped label is replaced by one of the *other* ``n_classes - 1``
    classes, chosen uniformly, so at rate r the expected fraction of wrong
    labels is exactly r.

    Args:
        labels: integer labels in [0, n_classes).
        rate: flip probability in [0, 1].
        n_classes: number of classes, >= 2.
        rng: a ``numpy.random.Generator``.

    Returns:
        ``(noisy, flipped)``: the new labels and a boolean mask of the flipped ones.

    Examples:
        >>> noisy, flipped = symmetric_label_noise(np.zeros(4, int), 1.0, n_classes=2,
        ...                                        rng=np.random.default_rng(0))
        >>> noisy.tolist(), flipped.tolist()
        ([1, 1, 1, 1], [True, True, True, True])
    """
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    labels = as_index_array(labels, "labels")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must lie in [0, {n_classes}); got values from "
                         f"{labels.min()} to {labels.max()}.")
    rate = check_fraction(rate, "rate")
    check_rng(rng)
    flipped = rng.random(labels.shape) < rate
    # adding 1..n_classes-1 modulo n_classes lands on every other class equally often
    shift = rng.integers(1, n_classes, size=labels.shape)
    noisy = np.where(flipped, (labels + shift) % n_classes, labels)
    return noisy, flipped
