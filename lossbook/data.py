r"""Small synthetic datasets, generated on the spot (nothing is downloaded).

Every generator takes a ``numpy.random.Generator`` as ``rng`` (keyword-only),
so a notebook that seeds one ``rng = np.random.default_rng(0)`` reproduces
every number.
"""
from typing import NamedTuple

import numpy as np

from ._checks import check_fraction, check_int, check_positive, check_rng

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
