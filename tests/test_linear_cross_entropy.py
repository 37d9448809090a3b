"""linear_cross_entropy: parity with torch.nn.functional.linear_cross_entropy
(values and input gradients over every target format, option, reduction,
dtype and K-dimensional weight), PyTorch's documented reference
implementation cross_entropy(linear(x, W, b)), its ignore_index default,
hand values and bad inputs.

Oracles: F.linear_cross_entropy, F.cross_entropy of F.linear, autograd and
numbers derived by hand; never lossbook's own output.
"""
import inspect

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conftest import DTYPES, REDUCTIONS, assert_close
from lossbook.classification import linear_cross_entropy, linear_cross_entropy_grad

C, D = 4, 3  # classes, in_features
#: name -> (input shape, linear_weight shape): unbatched, batched, K-dimensional (K = 1, 2)
LAYOUTS = {"(D,)": ((D,), (C, D)), "(N, D)": ((5, D), (C, D)), "K=1": ((5, D), (C, 2, D)),
           "K=2": ((3, D), (C, 2, 2, D))}
#: name -> options (arrays made in the test): the defaults, then each option alone and together
OPTIONS = {"defaults": {}, "bias": {"linear_bias": True}, "weight": {"weight": True},
           "smoothing": {"label_smoothing": 0.2}, "all": {"linear_bias": True, "weight": True, "label_smoothing": 0.1}}


def logits_shape(input_shape, weight_shape):
    return input_shape[:-1] + weight_shape[:-1]


def make_target(rng, shape, probabilities, dtype):
    """Class indices (the class axis, 1 or 0 if unbatched, removed) or probabilities of the logits' shape."""
    axis = min(1, len(shape) - 1)
    if probabilities:
        p = rng.dirichlet(np.ones(C), size=shape[:axis] + shape[axis + 1:])
        return np.moveaxis(p, -1, axis).astype(dtype)
    return np.asarray(rng.integers(0, C, size=shape[:axis] + shape[axis + 1:]))


def case(rng, layout, option, probabilities, dtype):
    input_shape, weight_shape = LAYOUTS[layout]
    x = rng.normal(size=input_shape).astype(dtype)
    w = rng.normal(size=weight_shape).astype(dtype)
    options = dict(OPTIONS[option])
    if options.get("linear_bias"):
        options["linear_bias"] = rng.normal(size=weight_shape[:-1]).astype(dtype)
    if options.get("weight"):
        options["weight"] = rng.uniform(0.5, 2.0, C).astype(dtype)
    return x, w, make_target(rng, logits_shape(input_shape, weight_shape), probabilities, dtype), options


def torch_value_and_grad(x, w, target, **options):
    """torch's value and gradient with respect to input (of out.sum() for reduction="none")."""
    xt = torch.tensor(x, requires_grad=True)
    out = F.linear_cross_entropy(xt, torch.tensor(w), torch.tensor(target),
                                 **{k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in options.items()})
    out.backward(torch.ones_like(out))
    return out.detach().numpy(), xt.grad.numpy()


def assert_parity(x, w, target, dtype, **options):
    value, grad = torch_value_and_grad(x, w, target, **options)
    ours, ours_grad = linear_cross_entropy(x, w, target, **options), linear_cross_entropy_grad(x, w, target, **options)
    assert ours.dtype == dtype and ours.shape == value.shape
    assert ours_grad.dtype == dtype and ours_grad.shape == grad.shape == x.shape
    assert_close(ours, value, dtype)
    assert_close(ours_grad, grad, dtype)
    return ours


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("probabilities", [False, True], ids=["indices", "probabilities"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_linear_cross_entropy_parity_with_torch(layout, option, probabilities, reduction, dtype, rng):
    x, w, target, options = case(rng, layout, option, probabilities, dtype)
    assert_parity(x, w, target, dtype, reduction=reduction, **options)


@pytest.mark.parametrize("layout", ["(D,)", "(N, D)", "K=1"])
@pytest.mark.parametrize("ignore_index", [None, -100, 1, -1], ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ignore_index_with_index_targets_matches_torch(layout, ignore_index, reduction, rng):
    x, w, target, _ = case(rng, layout, "defaults", False, np.float64)
    if target.ndim:
        target.flat[0] = -100 if ignore_index is None else ignore_index  # None means -100
    assert_parity(x, w, target, np.float64, ignore_index=ignore_index, reduction=reduction, label_smoothing=0.1)


def test_the_default_ignore_index_is_none_and_means_minus_100(rng):
    x, w = rng.normal(size=(4, D)), rng.normal(size=(C, D))
    target = np.array([2, -100, 1, 3])
    reference = F.cross_entropy(F.linear(torch.tensor(x), torch.tensor(w)), torch.tensor(target))  # ignores -100
    assert_close(linear_cross_entropy(x, w, target), reference.numpy())
    assert_close(linear_cross_entropy(x, w, target), F.linear_cross_entropy(torch.tensor(x), torch.tensor(w),
                                                                            torch.tensor(target)).numpy())
    assert inspect.signature(linear_cross_entropy).parameters["ignore_index"].default is None
    assert inspect.signature(F.linear_cross_entropy).parameters["ignore_index"].default is None


@given(n=st.integers(1, 5), c=st.integers(1, 5), d=st.integers(1, 4), data=st.data())
def test_it_is_cross_entropy_of_a_linear_layer(n, c, d, data):
    # PyTorch's documented reference: cross_entropy(linear(input, linear_weight, linear_bias), target)
    x = data.draw(hnp.arrays(np.float64, (n, d), elements=st.floats(-5, 5)))
    w = data.draw(hnp.arrays(np.float64, (c, d), elements=st.floats(-5, 5)))
    b = data.draw(st.none() | hnp.arrays(np.float64, (c,), elements=st.floats(-5, 5)))
    target = data.draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    for reduction in REDUCTIONS:
        xt = torch.tensor(x, requires_grad=True)
        logits = F.linear(xt, torch.tensor(w), None if b is None else torch.tensor(b))
        out = F.cross_entropy(logits, torch.tensor(target), reduction=reduction)
        out.backward(torch.ones_like(out))
        assert_close(linear_cross_entropy(x, w, target, linear_bias=b, reduction=reduction), out.detach().numpy())
        assert_close(linear_cross_entropy_grad(x, w, target, linear_bias=b, reduction=reduction), xt.grad.numpy())


def test_hand_values():
    w = [[0.0, 0.0], [np.log(3.0), 0.0]]  # features (1, 0) -> logits (0, ln 3), probabilities (1/4, 3/4)
    assert linear_cross_entropy([[1.0, 0.0]], w, [1]) == pytest.approx(-np.log(0.75), rel=1e-15)
    assert linear_cross_entropy([[1.0, 0.0]], w, [1], linear_bias=[np.log(3.0), 0.0]) == pytest.approx(np.log(2))
    # gradient G W with G = softmax - one-hot = (1/4, -1/4)
    np.testing.assert_allclose(linear_cross_entropy_grad([[1.0, 0.0]], w, [1]), [[-np.log(3.0) / 4, 0.0]],
                               rtol=1e-15)
    # probabilities (1/2, 1/2) as the target: -(ln 1/4 + ln 3/4) / 2
    assert linear_cross_entropy([1.0, 0.0], w, [0.5, 0.5]) == pytest.approx(-(np.log(0.25) + np.log(0.75)) / 2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_float32_stays_float32_and_options_are_keyword_only(dtype):
    x, w = np.ones((2, D), dtype), np.ones((C, D), dtype)
    assert linear_cross_entropy(x, w, [0, 1]).dtype == dtype
    assert linear_cross_entropy_grad(x, w, [0, 1], linear_bias=np.zeros(C, dtype)).dtype == dtype
    for fn in (linear_cross_entropy, linear_cross_entropy_grad):
        with pytest.raises(TypeError, match=r"positional argument"):
            fn(x, w, [0, 1], None)


X, W = np.zeros((2, D)), np.zeros((C, D))
ERRORS = [  # (args, kwargs, exception, message); torch refuses each of these too
    ((np.zeros((2, 2, D)), W, [0, 1]), {}, ValueError,
     r"^input must have shape \(in_features,\) or \(N, in_features\); got shape \(2, 2, 3\)\.$"),
    ((np.zeros(()), W, 0), {}, ValueError,
     r"^input must have shape \(in_features,\) or \(N, in_features\); got shape \(\)\.$"),
    ((X, np.zeros(D), [0, 1]), {}, ValueError,
     r"^linear_weight must have shape \(C, in_features\) or \(C, d1, \.\.\., in_features\); got shape \(3,\)\.$"),
    ((X, np.zeros((C, D + 1)), [0, 1]), {}, ValueError,
     r"^input and linear_weight must have the same last dimension \(in_features\); got 3 and 4\.$"),
    ((X, W, [0, 1]), {"linear_bias": np.zeros(C + 1)}, ValueError,
     r"^linear_bias must have shape \(4,\), linear_weight's shape without in_features; got \(5,\)\.$"),
    ((np.zeros(D), np.zeros((C, 2, D)), [0, 1]), {}, ValueError,
     r"^input must be batched, shape \(N, 3\), when linear_weight has extra dimensions \(4, 2, 3\); "
     r"got shape \(3,\)\.$"),
    ((X, W, np.full((2, C), 0.25)), {"ignore_index": -100}, ValueError,
     r"^ignore_index must be None with class-probability targets; got -100\.$"),
    ((X, W, [0, 4]), {}, ValueError, r"^target must contain class indices in \[0, 4\); got 4 at index \(1,\)\.$"),
    ((X, W, [0, 1]), {"weight": np.ones(C - 1)}, ValueError,
     r"^weight must have shape \(4,\), one value per class; got \(3,\)\.$"),
    ((X, W, [0, 1]), {"reduction": "batchmean"}, ValueError,
     r"^reduction must be one of 'mean', 'sum' or 'none'; got 'batchmean'\.$"),
]


@pytest.mark.parametrize("args, kwargs, exception, message", ERRORS, ids=[f"error-{i}" for i in range(len(ERRORS))])
def test_bad_inputs_are_refused_with_a_message_like_torch(args, kwargs, exception, message):
    for fn in (linear_cross_entropy, linear_cross_entropy_grad):
        with pytest.raises(exception, match=message):
            fn(*args, **kwargs)
    tensors = [torch.tensor(np.asarray(a)) for a in args]
    with pytest.raises((RuntimeError, ValueError, IndexError)):
        F.linear_cross_entropy(*tensors, **{k: torch.tensor(v) if isinstance(v, np.ndarray) else v
                                            for k, v in kwargs.items()})
