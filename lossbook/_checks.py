r"""Input checks shared by every public function (one template for messages).

Every message follows ``<argument> must be <expectation>; got <value>.``,
sometimes followed by a hint, so that a reader who passes the wrong thing is
told which argument, what was expected and what arrived.
"""
import numbers

import numpy as np


def as_float_array(x, name):
    r"""Return ``x`` as a floating-point NumPy array.

    Floating arrays keep their dtype; integers and booleans become float64
    (a loss of integer labels treated as numbers is still a real number).

    Raises:
        TypeError: if ``x`` is not numeric (strings, objects, complex numbers).
        ValueError: if ``x`` is ragged (rows of different lengths).

    Examples:
        >>> as_float_array([1, 2], "input").dtype
        dtype('float64')
        >>> as_float_array(np.ones(2, dtype=np.float32), "input").dtype
        dtype('float32')
    """
    try:
        arr = np.asarray(x)
    except ValueError:
        raise ValueError(f"{name} must be a rectangular array of numbers; got a ragged sequence.") from None
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype.kind in "iub":
        return arr.astype(np.float64)
    raise TypeError(f"{name} must be an array of real numbers; got dtype {arr.dtype} ({_short(x)}).")


def check_same_shape(input, target, names=("input", "target")):
    r"""Raise ``ValueError`` unless ``input`` and ``target`` have the same shape.

    Broadcasting between prediction and target is refused on purpose: a
    (32, 1) prediction against a (32,) target would silently broadcast to a
    (32, 32) matrix of all pairs, the classic wrong number.
    """
    if input.shape != target.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape; got {input.shape} and {target.shape}. "
            f"Use {names[1]}.reshape({names[0]}.shape) if they hold the same values."
        )


def check_positive(value, name):
    r"""Return ``value`` as a float after checking it is a finite number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}.")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}.")
    return float(value)


def check_int(value, name, *, minimum):
    r"""Return ``value`` after checking it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} of type {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}.")
    return int(value)


def check_flag(value, name):
    r"""Return ``value`` after checking it is a bool (a string ``"False"`` would be truthy)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r} of type {type(value).__name__}.")
    return bool(value)


def check_fraction(value, name):
    r"""Return ``value`` as a float after checking it lies in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}.")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1]; got {value!r}.")
    return float(value)


def check_rng(rng, name="rng"):
    r"""Return ``rng`` after checking it is a ``numpy.random.Generator``.

    The package never touches global random state: randomness comes in as a
    Generator made by the caller with ``np.random.default_rng(seed)``.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator; got {_short(rng)} of type {type(rng).__name__}. "
            "Make one with rng = np.random.default_rng(0)."
        )
    return rng


def _short(x, limit=40):
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def loss_arrays(input, target):
    r"""The shared preamble of every elementwise loss: arrays, dtypes, shapes.

    Returns ``input`` as a floating array and ``target`` cast to the same
    dtype (so the result keeps the input's dtype), after checking that the two
    have the same shape.
    """
    input = as_float_array(input, "input")
    target = as_float_array(target, "target").astype(input.dtype, copy=False)
    check_same_shape(input, target)
    return input, target


def check_scalar_in(value, name, low, high, *, low_open=False, high_open=False):
    r"""Return ``value`` as a float after checking ``low <= value <= high``.

    ``low_open``/``high_open`` exclude the end points; ``low`` or ``high`` may
    be ``-inf``/``inf``. The message writes the interval in the usual notation.

    Examples:
        >>> check_scalar_in(0.5, "quantile", 0, 1)
        0.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}.")
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high or np.isnan(value):
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be in {interval}; got {value!r}.")
    return float(value)


def check_choice(value, name, allowed):
    r"""Return ``value`` after checking it is one of the strings ``allowed``.

    Examples:
        >>> check_choice("min", "mode", ("min", "max"))
        'min'
    """
    if not isinstance(value, str) or value not in allowed:
        listed = ", ".join(repr(a) for a in allowed[:-1]) + " or " + repr(allowed[-1])
        raise ValueError(f"{name} must be one of {listed}; got {value!r}.")
    return value


def first_index(mask):
    r"""The index tuple of the first ``True`` element of ``mask`` (C order), for error messages.

    Examples:
        >>> first_index(np.array([[False, False], [False, True]]))
        (1, 1)
    """
    return tuple(int(i) for i in np.argwhere(mask)[0])


def check_array_in(arr, name, low, high, *, low_open=False, high_open=False, what="values"):
    r"""Raise ``ValueError`` unless every element of ``arr`` lies in the interval.

    NaN passes (it propagates, as in PyTorch). The message names the first
    offending value and its index, e.g.
    ``input must contain probabilities in [0, 1]; got 1.5 at index (2,).``
    """
    bad = (arr <= low if low_open else arr < low) | (arr >= high if high_open else arr > high)
    if np.any(bad):
        index = first_index(bad)
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must contain {what} in {interval}; got {arr[index].item()!r} at index {index}.")
    return arr


def as_index_array(x, name):
    r"""Return ``x`` as an int64 array of class indices.

    Integer arrays (and integral floats are refused: a float target means
    class probabilities in PyTorch, so silently rounding would hide a bug).

    Raises:
        TypeError: if ``x`` is not an integer array.
    """
    arr = np.asarray(x)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an array of integer class indices; got dtype {arr.dtype}.")
    return arr.astype(np.int64, copy=False)


def check_signs(target):
    r"""Return ``target`` after checking every label is -1 or +1 (the first offender is named)."""
    bad = (target != 1) & (target != -1)
    if np.any(bad):
        index = first_index(bad)
        raise ValueError(
            f"target must contain labels -1 or +1; got {target[index].item()!r} at index {index}. "
            "Map 0/1 labels to -1/+1 with 2 * y - 1."
        )
    return target


def float_arrays(**arrays):
    r"""The named arrays as floating arrays in the first one's dtype, all of one shape.

    The sibling of :func:`loss_arrays` for losses of more than two arrays; the
    messages name the arguments (``input1 and target must have the same shape; ...``).
    """
    (first_name, first), *rest = arrays.items()
    first = as_float_array(first, first_name)
    out = [first]
    for name, value in rest:
        out.append(as_float_array(value, name).astype(first.dtype, copy=False))
        check_same_shape(first, out[-1], names=(first_name, name))
    return out


def class_weight(weight, n_classes, dtype):
    r"""The per-class weights :math:`w_c` (all 1 for ``None``), in ``dtype``."""
    if weight is None:
        return np.ones(n_classes, dtype)
    weight = as_float_array(weight, "weight").astype(dtype, copy=False)
    if weight.shape != (n_classes,):
        raise ValueError(f"weight must have shape ({n_classes},), one value per class; got {weight.shape}.")
    return weight
