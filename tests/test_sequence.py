"""CTC loss: parity with PyTorch (values and gradients over every reduction,
zero_infinity, target format, blank and dtype, on tables and on hypothesis'
random problems), a brute-force oracle that enumerates every alignment,
SciPy's numerical differentiation for what the gradient means, and bad inputs.

Oracles: torch.nn.functional.ctc_loss with autograd, itertools.product over
all T-frame paths, scipy.differentiate; never lossbook's own output.
"""
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import differentiate, special

from conftest import DTYPES, REDUCTIONS, TOL
from lossbook.sequence import ctc_loss, ctc_loss_grad


def torch_ctc(log_probs, targets, input_lengths, target_lengths, **options):
    """torch's loss and its gradient with respect to log_probs (of loss.sum() for reduction="none")."""
    lp = torch.tensor(log_probs, requires_grad=True)
    out = F.ctc_loss(lp, torch.as_tensor(np.asarray(targets)), torch.as_tensor(np.asarray(input_lengths)),
                     torch.as_tensor(np.asarray(target_lengths)), **options)
    out.backward(torch.ones_like(out))
    return out.detach().numpy(), lp.grad.numpy()


def assert_matches_torch(log_probs, targets, input_lengths, target_lengths, dtype, **options):
    """Value and gradient against torch's: dtype, shape, numbers (inf and nan where torch has them)."""
    value, grad = torch_ctc(log_probs, targets, input_lengths, target_lengths, **options)
    ours = ctc_loss(log_probs, targets, input_lengths, target_lengths, **options)
    ours_grad = ctc_loss_grad(log_probs, targets, input_lengths, target_lengths, **options)
    assert ours.dtype == dtype and ours.shape == value.shape
    assert ours_grad.dtype == dtype and ours_grad.shape == grad.shape
    rtol, atol = TOL[np.dtype(dtype).type]
    np.testing.assert_allclose(ours, value, rtol=rtol, atol=atol)  # equal_nan: infeasible gradients are nan
    np.testing.assert_allclose(ours_grad, grad, rtol=rtol, atol=atol)
    return ours, ours_grad


def concatenate(padded, target_lengths):
    """Padded (N, S) targets as PyTorch's concatenated 1-d form."""
    return np.concatenate([row[:u] for row, u in zip(np.asarray(padded), target_lengths)]).astype(np.int64)


def log_softmax_frames(rng, shape, dtype):
    return torch.log_softmax(torch.tensor(2 * rng.normal(size=shape)).to(torch.float64), -1).numpy().astype(dtype)


# --- parity tables ------------------------------------------------------------------

CASES = {  # name -> (T, C, blank, padded targets, input_lengths, target_lengths)
    "distinct labels": (6, 4, 0, [[1, 2, 3], [3, 1, 2]], [6, 6], [3, 3]),
    "repeats": (7, 4, 0, [[1, 1, 2], [2, 2, 2]], [7, 7], [3, 3]),
    "shorter inputs, padding": (7, 4, 0, [[1, 2, 0], [3, 0, 0]], [4, 2], [2, 1]),
    "empty target": (5, 3, 0, [[1, 2], [0, 0]], [5, 3], [2, 0]),
    "zero-length input": (4, 3, 0, [[1], [2]], [0, 4], [0, 1]),
    "infeasible": (3, 4, 0, [[1, 1, 1], [1, 2, 3]], [3, 3], [3, 3]),  # 1 1 1 needs 5 frames; 1 2 3 fits in 3
    "exactly tight": (5, 3, 0, [[1, 1, 1], [2, 1, 2]], [5, 3], [3, 3]),  # 1 - 1 - 1 in 5, 2 1 2 in 3
    "blank last": (6, 4, 3, [[0, 1, 2], [2, 2, 0]], [6, 5], [3, 2]),
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("concatenated", [False, True], ids=["padded", "concatenated"])
@pytest.mark.parametrize("zero_infinity", [False, True], ids=["", "zero_infinity"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_ctc_loss_parity_with_torch(name, concatenated, zero_infinity, reduction, dtype, rng):
    n_frames, n_classes, blank, padded, input_lengths, target_lengths = CASES[name]
    log_probs = log_softmax_frames(rng, (n_frames, len(padded), n_classes), dtype)
    targets = concatenate(padded, target_lengths) if concatenated else np.array(padded)
    value, _ = assert_matches_torch(log_probs, targets, np.array(input_lengths), np.array(target_lengths), dtype,
                                    blank=blank, reduction=reduction, zero_infinity=zero_infinity)
    if name == "infeasible":
        assert np.isinf(value).any() != zero_infinity


@pytest.mark.parametrize("form", ["concatenated (U,)", "padded (1, S)"])
@pytest.mark.parametrize("lengths", ["int", "0-d", "(1,)"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_unbatched_input_matches_torch(form, lengths, reduction, rng):
    log_probs = log_softmax_frames(rng, (6, 4), np.float64)
    targets = np.array([2, 2, 3]) if form.startswith("concatenated") else np.array([[2, 2, 3, 1]])
    wrap = {"int": int, "0-d": np.array, "(1,)": lambda v: np.array([v])}[lengths]
    value, grad = assert_matches_torch(log_probs, targets, wrap(6), wrap(3), np.float64, reduction=reduction)
    assert grad.shape == (6, 4) and (value.shape == () or reduction != "none")


@st.composite
def ctc_problems(draw, dtype=np.float64):
    """Random problems: any blank, repeats, padded or concatenated targets, some infeasible, unused frames."""
    n_frames, n, n_classes = draw(st.integers(1, 8)), draw(st.integers(1, 4)), draw(st.integers(2, 5))
    blank = draw(st.integers(0, n_classes - 1))
    labels = [c for c in range(n_classes) if c != blank]
    target_lengths = np.array(draw(st.lists(st.integers(0, n_frames + 1), min_size=n, max_size=n)))
    width = int(target_lengths.max()) + draw(st.integers(0, 2))
    padded = draw(hnp.arrays(np.int64, (n, width), elements=st.sampled_from(labels)))
    input_lengths = np.array(draw(st.lists(st.integers(0, n_frames), min_size=n, max_size=n)))
    logits = draw(hnp.arrays(np.float64, (n_frames, n, n_classes), elements=st.floats(-6, 6)))
    log_probs = torch.log_softmax(torch.tensor(logits), -1).numpy().astype(dtype)
    targets = concatenate(padded, target_lengths) if draw(st.booleans()) else padded
    return log_probs, targets, input_lengths, target_lengths, blank


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=80)
@given(data=st.data())
def test_ctc_loss_matches_torch_on_random_problems(dtype, data):
    log_probs, targets, input_lengths, target_lengths, blank = data.draw(ctc_problems(dtype))
    for reduction in REDUCTIONS:
        for zero_infinity in (False, True):
            assert_matches_torch(log_probs, targets, input_lengths, target_lengths, dtype, blank=blank,
                                 reduction=reduction, zero_infinity=zero_infinity)


# --- an independent oracle: every alignment, enumerated -------------------------------


def collapse(path, blank):
    """B(path): merge repeated classes, then drop blanks."""
    merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return tuple(c for c in merged if c != blank)


def brute_force(y, target, blank):
    """p(target | y) and the posterior gamma_t(c) by summing over all C^T paths of the (T, C) frames y."""
    n_frames, n_classes = y.shape
    p, gamma = 0.0, np.zeros_like(y)
    for path in itertools.product(range(n_classes), repeat=n_frames):
        if collapse(path, blank) == tuple(target):
            prob = np.prod(y[np.arange(n_frames), path])
            p += prob
            gamma[np.arange(n_frames), path] += prob
    return p, gamma / p if p > 0 else gamma


def all_targets(labels, max_length):
    return [t for u in range(max_length + 1) for t in itertools.product(labels, repeat=u)]


@pytest.mark.parametrize("blank", [0, 2])
def test_ctc_loss_is_minus_log_of_the_sum_over_all_alignments(blank, rng):
    y = special.softmax(rng.normal(size=(3, 3)), axis=1)  # T = 3 frames, C = 3 classes: 27 paths
    labels = [c for c in range(3) if c != blank]
    total = 0.0
    for target in all_targets(labels, 4):  # lengths 0 to 4; 4 labels never fit in 3 frames
        p, gamma = brute_force(y, target, blank)
        loss = ctc_loss(np.log(y), np.array(target, dtype=np.int64), 3, len(target), blank=blank, reduction="sum")
        if p == 0:
            assert loss == np.inf
            continue
        total += np.exp(-loss)
        np.testing.assert_allclose(loss, -np.log(p), rtol=1e-13)
        # the gradient PyTorch returns is softmax minus the posterior of each class at each frame
        grad = ctc_loss_grad(np.log(y), np.array(target, dtype=np.int64), 3, len(target), blank=blank,
                             reduction="sum")
        np.testing.assert_allclose(grad, y - gamma, rtol=1e-12, atol=1e-14)
    # every path collapses to exactly one labelling: their probabilities add up to 1
    np.testing.assert_allclose(total, 1.0, rtol=1e-13)


def test_a_batch_of_every_target_matches_the_brute_force(rng):
    # the same 3-frame problem for all 15 targets of length <= 3 at once: the vectorised batch path
    y = special.softmax(rng.normal(size=(3, 3)), axis=1)
    targets = all_targets([1, 2], 3)
    padded = np.array([list(t) + [0] * (3 - len(t)) for t in targets])
    lengths = np.array([len(t) for t in targets])
    log_probs = np.repeat(np.log(y)[:, None, :], len(targets), axis=1)
    with np.errstate(divide="ignore"):  # -log 0 = inf for the 6 targets with a repeat (1 1 2 needs 4 frames)
        expected = [-np.log(brute_force(y, t, 0)[0]) for t in targets]
    assert np.isinf(expected).sum() == 6
    np.testing.assert_allclose(ctc_loss(log_probs, padded, np.full(len(targets), 3), lengths, reduction="none"),
                               expected, rtol=1e-13)


def test_hand_values():
    half2, half3 = np.log(np.full((2, 2), 0.5)), np.log(np.full((3, 2), 0.5))
    # "1" from 2 frames: 1 1, 0 1, 1 0 -> 3/4; "1 1" needs 1 0 1: impossible in 2 frames, 1/8 in 3
    assert ctc_loss(half2, [1], 2, 1) == pytest.approx(-np.log(0.75), rel=1e-15)
    assert ctc_loss(half2, [1, 1], 2, 2) == np.inf
    assert ctc_loss(half3, [1, 1], 3, 2) == pytest.approx(np.log(8) / 2, rel=1e-15)  # "mean": / target length
    assert ctc_loss(half3, [1, 1], 3, 2, reduction="sum") == pytest.approx(np.log(8), rel=1e-15)
    # posterior of class 1 at each frame of "1" in 2 frames: 2 of the 3 alignments -> 1/2 - 2/3
    np.testing.assert_allclose(ctc_loss_grad(half2, [1], 2, 1), [[1 / 6, -1 / 6]] * 2, rtol=1e-14)
    # an empty target from an empty input: probability 1
    assert ctc_loss(half2, np.zeros(0, np.int64), 0, 0) == 0.0


def test_mean_divides_by_target_length_clamped_at_one(rng):
    log_probs = log_softmax_frames(rng, (5, 3, 3), np.float64)
    targets, lengths = np.array([[1, 2], [2, 0], [0, 0]]), np.array([2, 1, 0])
    losses = ctc_loss(log_probs, np.where(np.arange(2) < lengths[:, None], targets, 1), 5 * np.ones(3, int),
                      lengths, reduction="none")
    mean = ctc_loss(log_probs, np.where(np.arange(2) < lengths[:, None], targets, 1), 5 * np.ones(3, int),
                    lengths)
    np.testing.assert_allclose(mean, (losses[0] / 2 + losses[1] / 1 + losses[2] / 1) / 3, rtol=1e-14)


# --- what the gradient is ----------------------------------------------------------------

PROBLEM = dict(targets=np.array([[1, 2, 2], [3, 1, 0]]), input_lengths=np.array([6, 4]),
               target_lengths=np.array([3, 2]))


def numerical_gradient(f, x, initial_step, atol=1e-9):
    """The gradient of a scalar ``f`` at ``x`` by SciPy's adaptive high-order central differences."""
    def at_points(xi):  # scipy evaluates many points at once: xi is (x.size, *points)
        points = np.moveaxis(xi, 0, -1).reshape(-1, x.size)
        return np.array([f(p.reshape(x.shape)) for p in points]).reshape(xi.shape[1:])

    result = differentiate.jacobian(at_points, x.ravel(), initial_step=initial_step, tolerances=dict(atol=atol))
    assert np.all(result.success)
    return result.df.reshape(x.shape)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_the_gradient_is_with_respect_to_the_logits_behind_log_softmax(reduction, rng):
    z = rng.normal(size=(6, 2, 4))  # logits; log_probs = log_softmax(z)

    def loss_of_logits(z):
        return ctc_loss(special.log_softmax(z, axis=2), **PROBLEM, reduction=reduction).sum()

    numeric = numerical_gradient(loss_of_logits, z, initial_step=0.5)
    np.testing.assert_allclose(ctc_loss_grad(special.log_softmax(z, axis=2), **PROBLEM, reduction=reduction),
                               numeric, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_the_gradient_is_not_the_partial_derivative_with_respect_to_log_probs(reduction, rng):
    # moving one log-probability alone (steps <= 1e-5 keep each frame normalised within the check's 1e-4)
    log_probs = special.log_softmax(rng.normal(size=(6, 2, 4)), axis=2)

    def loss_of_log_probs(lp):
        return ctc_loss(lp, **PROBLEM, reduction=reduction).sum()

    numeric = numerical_gradient(loss_of_log_probs, log_probs, initial_step=1e-5, atol=1e-8)  # rounding / 1e-5
    grad = ctc_loss_grad(log_probs, **PROBLEM, reduction=reduction)
    # torch's (and our) gradient is the partial derivative plus w_n y_t(c) on the frames in use
    weight = np.array([1 / 3, 1 / 2]) / 2 if reduction == "mean" else np.ones(2)
    in_use = np.arange(6)[:, None] < PROBLEM["input_lengths"]
    extra = np.where(in_use[..., None], weight[:, None] * np.exp(log_probs), 0)
    np.testing.assert_allclose(grad - extra, numeric, rtol=1e-7, atol=1e-8)
    assert np.abs(grad - numeric).max() > 0.01
    # and torch's autograd returns the same quantity
    np.testing.assert_allclose(grad, torch_ctc(log_probs, **PROBLEM, reduction=reduction)[1], rtol=1e-12, atol=1e-14)


def test_infinite_losses_and_zero_infinity_like_torch(rng):
    log_probs = log_softmax_frames(rng, (3, 2, 3), np.float64)
    targets, lengths = np.array([[1, 1, 1], [1, 2, 1]]), np.array([3, 3])
    loss = ctc_loss(log_probs, targets, lengths, lengths, reduction="none")
    assert loss[0] == np.inf and np.isfinite(loss[1])  # 1 1 1 needs 5 frames
    grad = ctc_loss_grad(log_probs, targets, lengths, lengths)
    assert np.all(np.isnan(grad[:, 0])) and np.all(np.isfinite(grad[:, 1]))  # as torch: nan for the inf loss
    zeroed = ctc_loss(log_probs, targets, lengths, lengths, zero_infinity=True, reduction="none")
    assert zeroed[0] == 0 and zeroed[1] == loss[1]
    np.testing.assert_array_equal(ctc_loss_grad(log_probs, targets, lengths, lengths, zero_infinity=True)[:, 0], 0)


def test_frames_past_the_input_length_are_ignored(rng):
    log_probs = log_softmax_frames(rng, (6, 1, 3), np.float64)
    garbage = log_probs.copy()
    garbage[4:] = 7.0  # not even log-probabilities: never read
    garbage[5, 0, 1:] = [np.inf, np.nan]
    args = (np.array([[1, 2]]), np.array([4]), np.array([2]))
    assert ctc_loss(garbage, *args) == ctc_loss(log_probs, *args)
    np.testing.assert_array_equal(ctc_loss_grad(garbage, *args)[4:], 0)


def test_impossible_class_gets_zero_gradient_where_torch_gives_nan(rng):
    log_probs = log_softmax_frames(rng, (4, 1, 3), np.float64)
    log_probs[1, 0, 2] = -np.inf  # class 2 impossible at frame 1 (the rest renormalised below)
    log_probs[1, 0] = special.log_softmax(log_probs[1, 0])
    args = (np.array([[1, 2]]), np.array([4]), np.array([2]))
    _, expected = torch_ctc(log_probs, *args, reduction="sum")
    assert np.isnan(expected[1, 0, 2])
    grad = ctc_loss_grad(log_probs, *args, reduction="sum")
    assert grad[1, 0, 2] == 0
    mask = np.ones(grad.shape, bool)
    mask[1, 0, 2] = False
    np.testing.assert_allclose(grad[mask], expected[mask], rtol=1e-12, atol=1e-14)


def test_a_label_equal_to_blank_is_refused_where_torch_computes_something(rng):
    log_probs = log_softmax_frames(rng, (5, 1, 3), np.float64)
    targets, lengths = np.array([[1, 0]]), (np.array([5]), np.array([2]))
    assert np.isfinite(F.ctc_loss(torch.tensor(log_probs), torch.tensor(targets), *map(torch.tensor, lengths)).item())
    with pytest.raises(ValueError, match=r"^targets must not contain the blank label 0; got it at index \(0, 1\)\. "):
        ctc_loss(log_probs, targets, *lengths)


@pytest.mark.parametrize("dtype", DTYPES)
def test_long_inputs_stay_finite_in_log_space(dtype, rng):
    # 400 frames of probabilities ~0.1: their product, 1e-400, underflows in linear space even in float64
    log_probs = torch.log_softmax(torch.tensor(0.2 * rng.normal(size=(400, 2, 10))), -1).numpy()
    targets = rng.integers(1, 10, (2, 50))
    lengths = (np.array([400, 300]), np.array([50, 20]))
    value, grad = torch_ctc(log_probs, targets, *lengths, reduction="sum")  # float64: the oracle
    ours = ctc_loss(log_probs.astype(dtype), targets, *lengths, reduction="sum")
    ours_grad = ctc_loss_grad(log_probs.astype(dtype), targets, *lengths, reduction="sum")
    assert value > 400 * np.log(10) / 2 and ours.dtype == dtype and np.all(np.isfinite(ours_grad))
    # float64 agrees to the last digits; float32 rounding accumulates along the 400-step recursion, in
    # torch's float32 as in ours: both stay within ~T * 1e-6 of the float64 gradient (measured 2.4e-4, 3.0e-4)
    rtol, atol = (1e-12, 1e-12) if dtype == np.float64 else (1e-6, 400 * 1e-6)
    np.testing.assert_allclose(ours, value, rtol=rtol)
    np.testing.assert_allclose(ours_grad, grad, rtol=rtol, atol=atol)


# --- errors ---------------------------------------------------------------------------

LP = special.log_softmax(np.zeros((5, 2, 4)), axis=2)  # T = 5, N = 2, C = 4
TG, IL, TL = np.array([[1, 2], [3, 3]]), np.array([5, 5]), np.array([2, 2])
ERRORS = [  # (args, kwargs, exception, message, whether torch refuses too: True, False or None if not asked)
    ((LP[:, 0, 0], TG, IL, TL), {}, ValueError,
     r"^log_probs must have shape \(T, N, C\) or \(T, C\); got shape \(5,\)\.$", True),
    ((LP[:0], TG, IL, TL), {}, ValueError, r"^log_probs must not be empty; got shape \(0, 2, 4\)\.$", True),
    ((LP, TG, IL, TL), {"blank": 4}, ValueError, r"^blank must be a class index in \[0, 4\); got 4\.$", True),
    ((LP, TG, IL, TL), {"blank": -1}, ValueError, r"^blank must be an integer >= 0; got -1\.$", True),
    ((LP, TG, IL, TL), {"blank": 0.0}, TypeError, r"^blank must be an integer; got 0\.0 of type float\.$", True),
    ((LP, TG, IL, TL), {"zero_infinity": "no"}, TypeError,
     r"^zero_infinity must be True or False; got 'no' of type str\.$", None),
    ((LP, TG, IL, TL), {"reduction": "batchmean"}, ValueError,
     r"^reduction must be one of 'mean', 'sum' or 'none'; got 'batchmean'\.$", True),
    ((LP, TG, IL * 1.0, TL), {}, TypeError, r"^input_lengths must be an array of integer lengths; got dtype float64\.$",
     True),
    ((LP, TG, np.array([5, 5, 5]), TL), {}, ValueError,
     r"^input_lengths must have shape \(2,\), one per sequence; got \(3,\)\.$", True),
    ((LP[:, 0], TG[0], IL, 2), {}, ValueError,
     r"^input_lengths must have shape \(\) or \(1,\) for unbatched log_probs \(T, C\); got \(2,\)\.$", True),
    ((LP, TG, np.array([6, 5]), TL), {}, ValueError,
     r"^input_lengths must contain lengths in \[0, 5\]; got 6 at index \(0,\)\.$", True),
    ((LP, TG, IL, np.array([-1, 2])), {}, ValueError,
     r"^target_lengths must contain lengths in \[0, inf\]; got -1 at index \(0,\)\.$", True),
    ((LP, TG * 1.0, IL, TL), {}, TypeError, r"^targets must be an array of integer class indices; got dtype float64\.$",
     False),
    ((LP, np.array([1, 2, 3]), IL, TL), {}, ValueError,
     r"^targets must hold sum\(target_lengths\) = 4 labels when concatenated \(1-d\); got 3\.$", True),
    ((LP, TG, IL, np.array([3, 2])), {}, ValueError,
     r"^targets must have shape \(2, S\) with S >= max\(target_lengths\) = 3 when padded \(2-d\); got \(2, 2\)\.$",
     True),
    ((LP, TG[None], IL, TL), {}, ValueError,
     r"^targets must be padded \(N, S\) or concatenated \(sum\(target_lengths\),\); got shape \(1, 2, 2\)\.$", True),
    ((LP, np.array([[1, 7], [3, 3]]), IL, TL), {}, ValueError,
     r"^targets must contain class indices in \[0, 4\); got 7 at index \(0, 1\)\.$", None),
    ((LP, np.array([1, 2, 3, -1]), IL, TL), {}, ValueError,
     r"^targets must contain class indices in \[0, 4\); got -1 at index \(3,\)\.$", None),
    ((LP, np.array([[1, 2], [3, 0]]), IL, TL), {}, ValueError,
     r"^targets must not contain the blank label 0; got it at index \(1, 1\)\. CTC inserts blanks itself: "
     r"shift the labels or choose another blank\.$", False),
    ((LP + 1.0, TG, IL, TL), {}, ValueError,
     r"^log_probs must hold log-probabilities \(logsumexp over the classes 0 within 0\.0001\); got 1 at \(t, n\) = "
     r"\(0, 0\)\. Apply log_softmax over the classes first\.$", False),
    ((np.zeros((5, 2, 4), complex), TG, IL, TL), {}, TypeError, r"^log_probs must be an array of real numbers; ", None),
]


@pytest.mark.parametrize("args, kwargs, exception, message, torch_refuses", ERRORS,
                         ids=[f"error-{i}" for i in range(len(ERRORS))])
def test_bad_inputs_are_refused_with_a_message(args, kwargs, exception, message, torch_refuses):
    for fn in (ctc_loss, ctc_loss_grad):
        with pytest.raises(exception, match=message):
            fn(*args, **kwargs)
    if torch_refuses is None:  # torch would read out of bounds, or has no such argument type
        return
    tensors = [torch.tensor(np.asarray(a)) for a in args]
    if torch_refuses:
        with pytest.raises((RuntimeError, ValueError, TypeError)):
            F.ctc_loss(*tensors, **kwargs)
    else:  # torch silently returns a number: the docstring says so
        assert F.ctc_loss(*tensors, **kwargs).numel() == 1


def test_options_are_keyword_only():
    for fn in (ctc_loss, ctc_loss_grad):
        with pytest.raises(TypeError, match=r"positional argument"):
            fn(LP, TG, IL, TL, 0)
