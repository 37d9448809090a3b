"""The shared input checks and their messages."""
import numpy as np
import pytest

from lossbook import _checks


@pytest.mark.parametrize("value, dtype", [([1, 2], np.float64), ([True, False], np.float64),
                                          (np.ones(2, np.float32), np.float32),
                                          (np.ones(2, np.float16), np.float16), (3.0, np.float64)])
def test_as_float_array_dtypes(value, dtype):
    assert _checks.as_float_array(value, "input").dtype == dtype


@pytest.mark.parametrize("value, kind", [(["a", "b"], "<U1"), ([1 + 2j], "complex128"), ([object()], "object")])
def test_as_float_array_rejects_non_real(value, kind):
    with pytest.raises(TypeError, match=rf"^input must be an array of real numbers; got dtype {kind}"):
        _checks.as_float_array(value, "input")


def test_as_float_array_rejects_ragged():
    with pytest.raises(ValueError, match=r"^target must be a rectangular array of numbers; got a ragged sequence\.$"):
        _checks.as_float_array([[1.0, 2.0], [3.0]], "target")


def test_same_shape_message_has_both_shapes_and_a_hint():
    with pytest.raises(ValueError, match=r"^input and target must have the same shape; got \(32, 1\) and \(32,\)\. "
                                         r"Use target\.reshape\(input\.shape\)"):
        _checks.check_same_shape(np.zeros((32, 1)), np.zeros(32))


@pytest.mark.parametrize("value", [0, -1.5, float("inf"), float("nan")])
def test_check_positive_rejects(value):
    with pytest.raises(ValueError, match=rf"^lr must be a finite number > 0; got {value!r}\.$"):
        _checks.check_positive(value, "lr")


@pytest.mark.parametrize("value", ["0.1", None, True, [0.1]])
def test_check_positive_rejects_non_numbers(value):
    with pytest.raises(TypeError, match=r"^lr must be a real number; got"):
        _checks.check_positive(value, "lr")


def test_check_positive_accepts_numpy_scalars():
    assert _checks.check_positive(np.float32(0.5), "lr") == 0.5


def test_check_int():
    assert _checks.check_int(np.int64(3), "steps", minimum=0) == 3
    with pytest.raises(ValueError, match=r"^steps must be an integer >= 0; got -1\.$"):
        _checks.check_int(-1, "steps", minimum=0)
    with pytest.raises(TypeError, match=r"^steps must be an integer; got 2\.5 of type float\.$"):
        _checks.check_int(2.5, "steps", minimum=0)


def test_check_fraction():
    assert _checks.check_fraction(1, "p") == 1.0
    with pytest.raises(ValueError, match=r"^p must be in \[0, 1\]; got 1\.5\.$"):
        _checks.check_fraction(1.5, "p")


def test_check_rng_names_the_fix():
    with pytest.raises(TypeError, match=r"^rng must be a numpy\.random\.Generator; got 0 of type int\. "
                                        r"Make one with rng = np\.random\.default_rng\(0\)\.$"):
        _checks.check_rng(0)
    with pytest.raises(TypeError, match=r"of type RandomState"):
        _checks.check_rng(np.random.RandomState(0))


def test_loss_arrays_casts_target_to_input_dtype():
    x, y = _checks.loss_arrays(np.zeros(3, np.float32), np.zeros(3, np.float64))
    assert x.dtype == y.dtype == np.float32


@pytest.mark.parametrize("value, kwargs, message", [
    (1.5, {}, r"^q must be in \[0, 1\]; got 1\.5\.$"),
    (0.0, {"low_open": True}, r"^q must be in \(0, 1\]; got 0\.0\.$"),
    (1.0, {"high_open": True}, r"^q must be in \[0, 1\); got 1\.0\.$"),
    (float("nan"), {}, r"^q must be in \[0, 1\]; got nan\.$"),
])
def test_check_scalar_in(value, kwargs, message):
    with pytest.raises(ValueError, match=message):
        _checks.check_scalar_in(value, "q", 0, 1, **kwargs)


def test_check_scalar_in_accepts_end_points_and_infinite_bounds():
    assert _checks.check_scalar_in(0, "q", 0, 1) == 0.0
    assert _checks.check_scalar_in(1e300, "beta", 0, float("inf")) == 1e300


def test_check_array_in_names_the_first_bad_value_and_index():
    arr = np.array([[0.2, 0.5], [1.5, -1.0]])
    with pytest.raises(ValueError, match=r"^input must contain probabilities in \[0, 1\]; got 1\.5 at index \(1, 0\)\.$"):
        _checks.check_array_in(arr, "input", 0, 1, what="probabilities")
    assert _checks.check_array_in(np.array([0.0, np.nan, 1.0]), "input", 0, 1) is not None


def test_as_index_array_refuses_floats():
    assert _checks.as_index_array([0, 2], "target").dtype == np.int64
    with pytest.raises(TypeError, match=r"^target must be an array of integer class indices; got dtype float64\.$"):
        _checks.as_index_array([0.0, 2.0], "target")
