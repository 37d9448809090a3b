"""Classification losses: parity with PyTorch (values and gradients over every
option, reduction, dtype and shape), SciPy for the softmax family, the course's
hand-computed numbers, extreme inputs and properties.

Oracles are torch.nn.functional, scipy.special, scikit-learn's log_loss, torch
formulas written here from the papers (focal losses, Keras' clipped
cross-entropy) and numbers derived by hand; never lossbook's own output.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import special
from sklearn import metrics

from conftest import DTYPES, REDUCTIONS, assert_close, pairs
from lossbook import classification as cls

C = 4  # classes in the parity tables
#: (C,), (N, C), (N, C, d1), (N, C, d1, d2): PyTorch's class axis is 1 (0 when unbatched).
SHAPES = [(C,), (5, C), (3, C, 2), (2, C, 3, 2)]
#: name -> (ignore_index, whether some targets equal it)
IGNORE = {"none ignored": (-100, False), "some -100": (-100, True), "ignore class 1": (1, False)}


def torch_value_and_grad(fn, x, *args, **kwargs):
    """PyTorch's loss and its gradient with respect to ``x`` (of loss.sum() for reduction="none")."""
    xt = torch.tensor(x, requires_grad=True)
    out = fn(xt, *args, **kwargs)
    out.backward(torch.ones_like(out))
    return out.detach().numpy(), xt.grad.numpy()


def tensor(a):
    return None if a is None else torch.tensor(a)


def assert_parity(value, grad, expected, dtype):
    """Our value and gradient against torch's (value, grad): dtype, shape and numbers."""
    expected_value, expected_grad = expected
    assert value.dtype == dtype and value.shape == expected_value.shape
    assert grad.dtype == dtype and grad.shape == expected_grad.shape
    assert_close(value, expected_value, dtype)
    assert_close(grad, expected_grad, dtype)


def assert_matches(torch_fn, loss, x, target, dtype, our_options=None, **options):
    """``loss`` and its gradient twin against ``torch_fn`` and autograd, both called with ``options``
    (arrays become tensors) and ours also with ``our_options``. Returns our value and gradient."""
    expected = torch_value_and_grad(torch_fn, x, torch.tensor(target),
                                    **{k: tensor(v) if isinstance(v, np.ndarray) else v for k, v in options.items()})
    ours = dict(options, **(our_options or {}))
    value, grad = loss(x, target, **ours), getattr(cls, loss.__name__ + "_grad")(x, target, **ours)
    assert_parity(value, grad, expected, dtype)
    return value, grad


def class_axis(shape):
    return min(1, len(shape) - 1)


def index_shape(shape):
    axis = class_axis(shape)
    return shape[:axis] + shape[axis + 1:]


def class_case(rng, shape, dtype, ignore, probabilities):
    """Logits, a target (indices or probabilities) and ignore_index for one cell of a parity table."""
    x = (3 * rng.normal(size=shape)).astype(dtype)
    ignore_index, some_ignored = IGNORE[ignore]
    if probabilities:
        t = np.moveaxis(rng.dirichlet(np.ones(C), size=index_shape(shape)), -1, class_axis(shape)).astype(dtype)
        return x, t, ignore_index
    t = np.asarray(rng.integers(0, C, size=index_shape(shape)))
    if some_ignored:
        t.flat[0] = ignore_index
    return x, t, ignore_index


def unit_pairs(dtype=np.float64):
    """Two arrays of one random shape with elements in [0, 1]."""
    return pairs(dtype, min_side=1, elements=st.floats(0, 1, width=np.dtype(dtype).itemsize * 8))


# --- logsumexp, softmax, log_softmax ------------------------------------------


@st.composite
def logits_and_axis(draw, dtype):
    x = draw(hnp.arrays(dtype, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5),
                        elements=st.floats(-1e4, 1e4, width=np.dtype(dtype).itemsize * 8)))
    return x, draw(st.integers(-x.ndim, x.ndim - 1))


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_softmax_family_matches_scipy_and_torch(dtype, data):
    x, axis = data.draw(logits_and_axis(dtype))
    xt = torch.tensor(x)
    for ours, scipy_fn, torch_fn in [(cls.logsumexp, special.logsumexp, torch.logsumexp),
                                     (cls.softmax, special.softmax, torch.softmax),
                                     (cls.log_softmax, special.log_softmax, torch.log_softmax)]:
        got = ours(x, axis=axis)
        assert got.dtype == dtype and np.all(np.isfinite(got))
        assert_close(got, scipy_fn(x, axis=axis), dtype)
        assert_close(got, torch_fn(xt, axis).numpy(), dtype)
    assert_close(cls.logsumexp(x, axis=axis, keepdims=True), special.logsumexp(x, axis=axis, keepdims=True), dtype)


def test_softmax_family_at_extreme_logits():
    x = np.array([1e4, -1e4, 0.0])
    np.testing.assert_array_equal(cls.log_softmax(x), [0.0, -2e4, -1e4])  # hand: the max wins outright
    np.testing.assert_array_equal(cls.softmax(x), [1.0, 0.0, 0.0])
    assert cls.logsumexp(x) == 1e4
    assert cls.logsumexp([1e4, 1e4]) == pytest.approx(1e4 + np.log(2), rel=1e-15)


def test_log_softmax_keeps_the_digits_of_a_confident_class():
    # log p = -log(1 + e^-30): log1p of the non-maximal terms keeps all digits, where
    # log(1 + 9.4e-14) (torch, scipy) is off in the fourth digit
    exact = -np.log1p(np.exp(-30.0))
    np.testing.assert_allclose(cls.log_softmax([0.0, 30.0])[1], exact, rtol=1e-15)
    np.testing.assert_allclose(cls.cross_entropy([[0.0, 30.0]], [1]), -exact, rtol=1e-15)
    torch_value = torch.log_softmax(torch.tensor([0.0, 30.0], dtype=torch.float64), 0)[1].item()
    assert abs(torch_value / exact - 1) > 1e-4


def test_rows_with_infinities_follow_scipy_and_torch():
    x = np.array([[-np.inf, -np.inf, -np.inf], [-np.inf, 0.0, np.log(3.0)], [np.inf, 0.0, 1.0]])
    np.testing.assert_allclose(cls.logsumexp(x), [-np.inf, np.log(4.0), np.inf], rtol=1e-15)  # as scipy's
    # a masked (-inf) logit gets probability 0; an all -inf row is nan, as in torch
    xt = torch.tensor(x[:2])
    np.testing.assert_allclose(cls.softmax(x[:2]), torch.softmax(xt, -1).numpy(), rtol=1e-15)
    np.testing.assert_allclose(cls.log_softmax(x[:2]), torch.log_softmax(xt, -1).numpy(), rtol=1e-15)
    np.testing.assert_allclose(cls.softmax(x[1]), [0.0, 0.25, 0.75], rtol=1e-15)


def test_log_softmax_is_not_log_of_softmax():
    # softmax underflows to 0 at a logit gap of 1e4; log-softmax keeps the finite -1e4
    with np.errstate(divide="ignore"):
        assert np.log(cls.softmax([0.0, -1e4]))[1] == -np.inf
    assert cls.log_softmax([0.0, -1e4])[1] == -1e4


# --- cross_entropy and nll_loss -------------------------------------------------

CE_CASES = [(shape, ignore, probabilities) for shape in SHAPES for probabilities in (False, True)
            for ignore in (["none ignored"] if probabilities else IGNORE)]


@pytest.mark.parametrize("shape, ignore, probabilities", CE_CASES, ids=str)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_parity_with_torch(shape, ignore, probabilities, label_smoothing, weighted, reduction, dtype,
                                         rng):
    x, t, ignore_index = class_case(rng, shape, dtype, ignore, probabilities)
    weight = rng.uniform(0.5, 2.0, C).astype(dtype) if weighted else None
    assert_matches(F.cross_entropy, cls.cross_entropy, x, t, dtype, weight=weight, ignore_index=ignore_index,
                   label_smoothing=label_smoothing, reduction=reduction)


@pytest.mark.parametrize("shape, ignore", [(s, i) for s in SHAPES for i in IGNORE], ids=str)
@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_nll_loss_parity_with_torch(shape, ignore, weighted, reduction, dtype, rng):
    x, t, ignore_index = class_case(rng, shape, dtype, ignore, probabilities=False)
    log_p = torch.log_softmax(torch.tensor(x), class_axis(shape)).numpy()
    weight = rng.uniform(0.5, 2.0, C).astype(dtype) if weighted else None
    assert_matches(F.nll_loss, cls.nll_loss, log_p, t, dtype, weight=weight, ignore_index=ignore_index,
                   reduction=reduction)


@st.composite
def class_problems(draw, dtype=np.float64):
    """Random (N, C, *extra) logits with index targets and an optional class weight."""
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    extra = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    logits = draw(hnp.arrays(dtype, (n, c, *extra), elements=st.floats(-30, 30)))
    target = draw(hnp.arrays(np.int64, (n, *extra), elements=st.integers(0, c - 1)))
    weight = draw(st.none() | hnp.arrays(dtype, (c,), elements=st.floats(0.1, 3)))
    return logits, target, weight


@given(problem=class_problems(), label_smoothing=st.sampled_from([0.0, 0.3]))
def test_cross_entropy_and_nll_match_torch_on_random_shapes(problem, label_smoothing):
    x, t, weight = problem
    log_p = torch.log_softmax(torch.tensor(x), 1).numpy()
    for reduction in REDUCTIONS:
        assert_matches(F.cross_entropy, cls.cross_entropy, x, t, np.float64, weight=weight,
                       label_smoothing=label_smoothing, reduction=reduction)
        assert_matches(F.nll_loss, cls.nll_loss, log_p, t, np.float64, weight=weight, reduction=reduction)


@given(problem=class_problems())
def test_cross_entropy_properties(problem):
    x, t, _ = problem
    losses = cls.cross_entropy(x, t, reduction="none")
    assert np.all(losses >= 0)
    assert_close(cls.cross_entropy(x, t, reduction="sum"), cls.cross_entropy(x, t) * losses.size)
    # the gradient of each sample sums to 0 over the classes: softmax and target both sum to 1
    assert_close(cls.cross_entropy_grad(x, t, label_smoothing=0.2).sum(axis=1), 0)


def test_cross_entropy_course_numbers():
    # The course's [0.1, 0.3, 0.4, 0.2] with target class 1 (짱구): as probabilities the loss is
    # -ln 0.3 = 1.2040; fed to cross_entropy as logits it is ln(sum e^x) - 0.3 = 1.3425.
    p = np.array([[0.1, 0.3, 0.4, 0.2]])
    assert cls.cross_entropy(np.log(p), [1]) == pytest.approx(-np.log(0.3), rel=1e-14)
    assert cls.cross_entropy(p, [1]) == pytest.approx(np.log(np.exp(p).sum()) - 0.3, rel=1e-14)
    assert cls.cross_entropy(p, [1]) == pytest.approx(1.3425, abs=5e-5)
    assert cls.cross_entropy(np.log([[0.05, 0.78, 0.11, 0.06]]), [1]) == pytest.approx(0.2485, abs=5e-5)


def test_cross_entropy_hand_values_with_weight_and_smoothing():
    x = np.log([[0.25, 0.75], [0.5, 0.5]])
    # weighted mean: (w1 * -ln 0.75 + w0 * -ln 0.5) / (w1 + w0)
    expected = (3 * -np.log(0.75) + 1 * -np.log(0.5)) / 4
    assert cls.cross_entropy(x, [1, 0], weight=[1.0, 3.0]) == pytest.approx(expected, rel=1e-14)
    # label_smoothing = 1 is the uniform target: the mean of -log p over the classes, for every label
    uniform = (special.logsumexp(x, axis=1) - x.mean(axis=1)).mean()
    assert cls.cross_entropy(x, [1, 0], label_smoothing=1.0) == pytest.approx(uniform, rel=1e-14)


def test_cross_entropy_when_every_target_is_ignored_matches_torch():
    x, t = np.zeros((2, 3)), np.array([-100, -100])
    assert np.isnan(cls.cross_entropy(x, t))  # a mean over nothing
    assert torch.isnan(F.cross_entropy(torch.tensor(x), torch.tensor(t)))
    _, expected_grad = torch_value_and_grad(F.cross_entropy, x, torch.tensor(t), label_smoothing=0.1)
    np.testing.assert_array_equal(expected_grad, 0)  # torch's gradient is 0, not nan
    np.testing.assert_array_equal(cls.cross_entropy_grad(x, t, label_smoothing=0.1), 0)
    np.testing.assert_array_equal(cls.softmax_focal_loss_grad(x, t), 0)


def test_cross_entropy_with_masked_logits_is_finite_like_torch():
    x = np.array([[0.0, -np.inf, np.log(3.0)], [-np.inf, 1.0, 2.0]])
    t = np.array([2, 1])
    value, grad = assert_matches(F.cross_entropy, cls.cross_entropy, x, t, np.float64)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    # smoothing puts mass on the masked class: infinite loss, in torch too
    assert cls.cross_entropy(x, t, label_smoothing=0.1) == np.inf
    assert F.cross_entropy(torch.tensor(x), torch.tensor(t), label_smoothing=0.1) == np.inf


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_at_extreme_logits(dtype):
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], dtype=dtype)
    t = np.array([1, 1])  # one badly wrong, one certainly right
    for weight, label_smoothing in [(None, 0.0), (np.array([1.0, 2.0, 0.5], dtype), 0.1)]:
        value, grad = assert_matches(F.cross_entropy, cls.cross_entropy, x, t, dtype, weight=weight,
                                     label_smoothing=label_smoothing, reduction="none")
        assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))
    assert cls.cross_entropy(x, t, reduction="none")[0] == 2e4  # hand: the logit gap


def test_nll_of_log_softmax_is_cross_entropy():
    x, t = np.array([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]]), np.array([2, 0])
    assert_close(cls.nll_loss(special.log_softmax(x, axis=1), t), F.cross_entropy(torch.tensor(x), torch.tensor(t)))


def test_nll_loss_hand_values():
    x = np.array([[-1.0, -2.0], [-3.0, -4.0]])
    assert cls.nll_loss(x, [0, 1], weight=[1.0, 3.0]) == (1 * 1 + 3 * 4) / 4
    np.testing.assert_array_equal(cls.nll_loss(x, [0, -100], reduction="none"), [1.0, 0.0])
    np.testing.assert_array_equal(cls.nll_loss_grad(x, [0, 1], reduction="sum"), [[-1, 0], [0, -1]])


def test_unsigned_class_indices_are_accepted_like_torch():
    x, t = np.array([[0.0, 1.0], [2.0, 0.0]]), np.array([1, 0], dtype=np.uint8)
    assert_close(cls.cross_entropy(x, t), F.cross_entropy(torch.tensor(x), torch.tensor(t)))


# --- binary cross-entropy --------------------------------------------------------

BCE_WEIGHTS = {"none": None, "elementwise": (6, 3), "per column": (3,), "per row": (6, 1)}


@pytest.mark.parametrize("weight_shape", BCE_WEIGHTS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_cross_entropy_parity_with_torch(weight_shape, reduction, dtype, rng):
    x = rng.uniform(0, 1, (6, 3)).astype(dtype)
    y = rng.uniform(0, 1, (6, 3)).astype(dtype)
    x[0], y[0] = [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]  # the clamp at -100 and 0 log 0
    x[1], y[1] = [1.0, 1e-30, 1 - 1e-7], [1.0, 1.0, 0.0]
    shape = BCE_WEIGHTS[weight_shape]
    weight = None if shape is None else rng.uniform(0, 2, shape).astype(dtype)
    assert_matches(F.binary_cross_entropy, cls.binary_cross_entropy, x, y, dtype, weight=weight, reduction=reduction)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_binary_cross_entropy_matches_torch_on_random_shapes(dtype, data):
    x, y = data.draw(unit_pairs(dtype))
    for reduction in REDUCTIONS:
        assert_matches(F.binary_cross_entropy, cls.binary_cross_entropy, x, y, dtype, reduction=reduction)


@given(data=unit_pairs())
def test_binary_cross_entropy_agrees_with_sklearn_log_loss(data):
    a, b = data
    x, y = np.clip(a, 1e-6, 1 - 1e-6).ravel(), (b > 0.5).ravel().astype(np.float64)  # inside sklearn's clip
    # scikit-learn takes (y_true, y_proba); pass by keyword so the order cannot slip.
    assert_close(cls.binary_cross_entropy(x, y), metrics.log_loss(y_true=y, y_proba=x, labels=[0, 1]))


def test_binary_cross_entropy_course_numbers_and_clamp():
    # the notes' 0.105 and 2.303: -ln 0.9 and -ln 0.1
    np.testing.assert_allclose(cls.binary_cross_entropy([0.9, 0.9], [1.0, 0.0], reduction="none"),
                               [-np.log(0.9), -np.log(0.1)], rtol=1e-15)
    # p = 0 with y = 1 (and p = 1 with y = 0) cost 100, the clamp, not inf; 0 log 0 = 0
    np.testing.assert_array_equal(cls.binary_cross_entropy([0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.0, 1.0],
                                                           reduction="none"), [100.0, 100.0, 0.0, 0.0])


def test_binary_cross_entropy_grad_at_0_and_1_is_torchs():
    # torch's backward: (x - y) / max(x (1 - x), 1e-12 as a C++ float); the clamped loss itself is flat there
    x, y = np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    _, expected = torch_value_and_grad(F.binary_cross_entropy, x, torch.tensor(y), reduction="sum")
    floor = float(np.float32(1e-12))
    np.testing.assert_array_equal(expected, [-1 / floor, 1 / floor, 0.0, 0.0])
    np.testing.assert_array_equal(cls.binary_cross_entropy_grad(x, y, reduction="sum"), expected)


BCE_LOGIT_OPTIONS = {"plain": (None, None), "weight": ((6, 3), None), "pos_weight": (None, (3,)),
                     "both": ((6, 1), (3,)), "pos_weight per element": (None, (6, 3))}


@pytest.mark.parametrize("options", BCE_LOGIT_OPTIONS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_cross_entropy_with_logits_parity_with_torch(options, reduction, dtype, rng):
    x = (10 * rng.normal(size=(6, 3))).astype(dtype)
    y = rng.uniform(0, 1, (6, 3)).astype(dtype)
    x[0], y[0] = [1e4, -1e4, 40.0], [0.0, 1.0, 1.0]  # finite where exp(1e4) would overflow
    x[1], y[1] = [1e4, -1e4, -40.0], [1.0, 0.0, 0.0]
    weight_shape, pos_weight_shape = BCE_LOGIT_OPTIONS[options]
    weight = None if weight_shape is None else rng.uniform(0, 2, weight_shape).astype(dtype)
    pos_weight = None if pos_weight_shape is None else rng.uniform(0.2, 5, pos_weight_shape).astype(dtype)
    value, grad = assert_matches(F.binary_cross_entropy_with_logits, cls.binary_cross_entropy_with_logits, x, y,
                                 dtype, weight=weight, pos_weight=pos_weight, reduction=reduction)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))


@given(data=unit_pairs())
def test_binary_cross_entropy_with_logits_is_bce_of_sigmoid(data):
    a, y = data
    # logits in [-10, 10]: there 1 - sigmoid(x) >= 4.5e-5 loses at most ~1e-11 to rounding in the oracle
    x = 20 * (a - 0.5)
    expected = F.binary_cross_entropy(torch.sigmoid(torch.tensor(x)), torch.tensor(y), reduction="none").numpy()
    np.testing.assert_allclose(cls.binary_cross_entropy_with_logits(x, y, reduction="none"), expected,
                               rtol=1e-9, atol=1e-12)


def test_binary_cross_entropy_with_logits_hand_values():
    assert cls.binary_cross_entropy_with_logits([0.0], [1.0]) == pytest.approx(np.log(2), rel=1e-15)
    # pos_weight multiplies the positive term only: 3 ln 2 for y = 1, ln 2 for y = 0
    np.testing.assert_allclose(cls.binary_cross_entropy_with_logits([[0.0, 0.0]], [[1.0, 0.0]], pos_weight=[3.0, 3.0],
                                                                    reduction="none"),
                               [[3 * np.log(2), np.log(2)]], rtol=1e-15)
    np.testing.assert_array_equal(cls.binary_cross_entropy_with_logits([1e4, -1e4], [0.0, 1.0], reduction="none"),
                                  [1e4, 1e4])


# --- categorical and sparse categorical cross-entropy (Keras) --------------------


def keras_cce(p, t, *, eps, reduction):
    """Keras' categorical cross-entropy without its renormalisation, written in torch."""
    loss = -(t * torch.log(torch.clamp(p, eps, 1 - eps))).sum(-1)
    return {"none": loss, "sum": loss.sum(), "mean": loss.mean()}[reduction]


@pytest.mark.parametrize("shape", [(C,), (5, C), (3, 2, C)], ids=str)
@pytest.mark.parametrize("eps", [1e-7, 0.05])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_categorical_cross_entropy_parity_with_torch_formula(shape, eps, reduction, dtype, rng):
    p = rng.dirichlet(np.ones(C), size=shape[:-1]).astype(dtype)
    p.reshape(-1, C)[0] = [0.0, 1.0, 0.0, 0.0]  # outside the clip at both ends
    t = rng.dirichlet(np.ones(C), size=shape[:-1]).astype(dtype)  # soft targets
    assert_matches(keras_cce, cls.categorical_cross_entropy, p, t, dtype, eps=eps, reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_one_hot_categorical_and_sparse_match_torch_nll_of_log_p(reduction, dtype, rng):
    p = rng.dirichlet(np.ones(C), size=6).astype(dtype)
    y = rng.integers(0, C, 6)

    def nll_of_clipped_log(p, y, reduction):
        return F.nll_loss(torch.log(torch.clamp(p, 1e-7, 1 - 1e-7)), y.argmax(-1) if y.ndim == 2 else y,
                          reduction=reduction)

    assert_matches(nll_of_clipped_log, cls.sparse_categorical_cross_entropy, p, y, dtype, reduction=reduction)
    assert_matches(nll_of_clipped_log, cls.categorical_cross_entropy, p, np.eye(C, dtype=dtype)[y], dtype,
                   reduction=reduction)


@given(data=st.data())
def test_categorical_cross_entropy_is_torch_cross_entropy_on_log_p(data):
    # log_softmax(log p) = log p when p sums to 1, so torch's probability-target cross-entropy applies
    n, c = data.draw(st.integers(1, 6)), data.draw(st.integers(2, 6))
    raw = data.draw(hnp.arrays(np.float64, (2, n, c), elements=st.floats(0.01, 1)))
    p, t = raw / raw.sum(axis=-1, keepdims=True)
    expected = F.cross_entropy(torch.log(torch.tensor(p)), torch.tensor(t)).numpy()
    assert_close(cls.categorical_cross_entropy(p, t), expected)


def test_categorical_cross_entropy_course_numbers():
    p = [[0.1, 0.3, 0.4, 0.2], [0.05, 0.78, 0.11, 0.06]]
    np.testing.assert_allclose(cls.categorical_cross_entropy(p, [[0, 1, 0, 0]] * 2, reduction="none"),
                               [-np.log(0.3), -np.log(0.78)], rtol=1e-15)
    assert cls.categorical_cross_entropy([0.1, 0.8, 0.1], [0, 1, 0]) == pytest.approx(0.2231, abs=5e-5)
    np.testing.assert_allclose(cls.sparse_categorical_cross_entropy(p, [1, 2], reduction="none"),
                               [-np.log(0.3), -np.log(0.11)], rtol=1e-15)


def test_a_soft_target_changes_the_loss():
    # a loop that only reads the entry equal to 1 would see no label at all in a smoothed target
    p = [0.1, 0.8, 0.1]
    smoothed = [0.05, 0.9, 0.05]
    hard = cls.categorical_cross_entropy(p, [0.0, 1.0, 0.0])
    soft = cls.categorical_cross_entropy(p, smoothed)
    assert soft == pytest.approx(-(0.1 * np.log(0.1) + 0.9 * np.log(0.8)), rel=1e-15)
    assert soft > hard


def test_categorical_grad_at_the_clip_edges_is_torch_clamps():
    # torch.clamp passes the gradient at p = eps and p = 1 - eps exactly, and blocks it outside
    p, t = np.array([0.25, 0.75, 0.0, 1.0]), np.full(4, 0.25)
    _, grad = assert_matches(keras_cce, cls.categorical_cross_entropy, p, t, np.float64, eps=0.25, reduction="sum")
    np.testing.assert_allclose(grad, [-1.0, -1 / 3, 0.0, 0.0], rtol=1e-15)


def test_categorical_cross_entropy_clips_zero_probabilities():
    # -ln(1e-7) = 16.118..., finite, where the unclipped loss is inf
    assert cls.categorical_cross_entropy([0.0, 1.0], [1.0, 0.0]) == pytest.approx(-np.log(1e-7), rel=1e-15)
    assert cls.sparse_categorical_cross_entropy([[0.0, 1.0]], [0]) == pytest.approx(-np.log(1e-7), rel=1e-15)
    np.testing.assert_array_equal(cls.categorical_cross_entropy_grad([0.0, 1.0], [1.0, 0.0]), [0.0, 0.0])


# --- focal losses ----------------------------------------------------------------


def torchvision_sigmoid_focal_loss(x, y, *, alpha, gamma, reduction):
    """torchvision.ops.sigmoid_focal_loss, typed in from its formula (torchvision is not installed)."""
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    p_t = p * y + (1 - p) * (1 - y)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * y + (1 - alpha) * (1 - y)) * loss
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


@pytest.mark.parametrize("alpha", [0.25, 0.9, -1.0])
@pytest.mark.parametrize("gamma", [0.0, 1.0, 2.0, 3.5])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_focal_loss_parity_with_torch_formula(alpha, gamma, reduction, dtype, rng):
    x = (5 * rng.normal(size=(7, 3))).astype(dtype)
    y = (rng.uniform(size=(7, 3)) > 0.5).astype(dtype)
    x[0], y[0] = [1e4, -1e4, 40.0], [1.0, 0.0, 1.0]  # saturated and right: loss and gradient 0
    x[1], y[1] = [1e4, -1e4, 0.0], [0.0, 1.0, 1.0]  # saturated and wrong: finite
    value, grad = assert_matches(torchvision_sigmoid_focal_loss, cls.sigmoid_focal_loss, x, y, dtype, alpha=alpha,
                                 gamma=gamma, reduction=reduction)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))


@given(data=unit_pairs())
def test_sigmoid_focal_loss_without_focus_and_weight_is_bce_with_logits(data):
    a, y = data
    x = 200 * (a - 0.5)
    assert_matches(F.binary_cross_entropy_with_logits, cls.sigmoid_focal_loss, x, y, np.float64,
                   our_options=dict(alpha=-1, gamma=0), reduction="sum")
    # and focusing only lowers the loss: (1 - p_t)^gamma <= 1
    bce = cls.binary_cross_entropy_with_logits(x, y, reduction="none")
    assert np.all(cls.sigmoid_focal_loss(x, y, alpha=-1, gamma=2.0) <= bce)


def test_sigmoid_focal_loss_hand_values():
    # x = 0: p = p_t = 1/2, BCE = ln 2; alpha_t = 0.25 for y = 1 and 0.75 for y = 0
    np.testing.assert_allclose(cls.sigmoid_focal_loss([0.0, 0.0], [1.0, 0.0]),
                               [0.25 * 0.25 * np.log(2), 0.75 * 0.25 * np.log(2)], rtol=1e-15)
    assert cls.sigmoid_focal_loss([0.0, 0.0], [1.0, 0.0], reduction="sum") == pytest.approx(0.25 * np.log(2))


def test_sigmoid_focal_grad_below_gamma_one_where_torch_gives_nan():
    # gamma < 1 at a saturated right prediction: autograd forms inf * 0 = nan; the limit is 0
    x, y = np.array([1e4, -1e4, 1.0]), np.array([1.0, 0.0, 1.0])
    _, expected = torch_value_and_grad(torchvision_sigmoid_focal_loss, x, torch.tensor(y), alpha=0.25, gamma=0.5,
                                       reduction="none")
    assert np.all(np.isnan(expected[:2]))
    got = cls.sigmoid_focal_loss_grad(x, y, gamma=0.5)
    np.testing.assert_array_equal(got[:2], 0.0)
    assert_close(got[2], expected[2])


def softmax_focal_torch(x, y, *, gamma, weight, ignore_index, reduction):
    """-w_y (1 - p_y)^gamma log p_y (Lin et al. 2017, eq. 5 with softmax), written in torch."""
    axis = 1 if x.ndim > 1 else 0
    kept = y != ignore_index
    safe = torch.where(kept, y, 0)
    log_p_y = torch.log_softmax(x, axis).gather(axis, safe.unsqueeze(axis)).squeeze(axis)
    w_y = (torch.ones(x.shape[axis], dtype=x.dtype) if weight is None else weight)[safe] * kept
    loss = -w_y * (-torch.expm1(log_p_y)) ** gamma * log_p_y
    return {"none": loss, "mean": loss.sum() / w_y.sum(), "sum": loss.sum()}[reduction]


# An unbatched target set to -100 ignores everything; the formula's 0 / 0 then has a nan gradient where
# torch's cross_entropy has 0 (tested against torch in test_cross_entropy_when_every_target_is_ignored...).
FOCAL_CASES = [(s, i) for s in SHAPES for i in IGNORE if not (len(s) == 1 and i == "some -100")]


@pytest.mark.parametrize("shape, ignore", FOCAL_CASES, ids=str)
@pytest.mark.parametrize("gamma", [0.0, 1.0, 2.0])
@pytest.mark.parametrize("weighted", [False, True], ids=["no weight", "weight"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_focal_loss_parity_with_torch_formula(shape, ignore, gamma, weighted, reduction, dtype, rng):
    x, t, ignore_index = class_case(rng, shape, dtype, ignore, probabilities=False)
    weight = rng.uniform(0.5, 2.0, C).astype(dtype) if weighted else None
    assert_matches(softmax_focal_torch, cls.softmax_focal_loss, x, t, dtype, gamma=gamma, weight=weight,
                   ignore_index=ignore_index, reduction=reduction)


@given(problem=class_problems())
def test_softmax_focal_loss_at_gamma_zero_is_torch_cross_entropy(problem):
    x, t, weight = problem
    for reduction in REDUCTIONS:
        assert_matches(F.cross_entropy, cls.softmax_focal_loss, x, t, np.float64, our_options=dict(gamma=0.0),
                       weight=weight, reduction=reduction)
    assert np.all(cls.softmax_focal_loss(x, t, reduction="none") <= cls.cross_entropy(x, t, reduction="none"))


def test_softmax_focal_loss_hand_value_and_extremes():
    # logits (0, ln 3): p_y = 3/4, (1/4)^2 * -ln(3/4)
    assert cls.softmax_focal_loss([[0.0, np.log(3.0)]], [1]) == pytest.approx(np.log(4 / 3) / 16, rel=1e-14)
    # an easy example, p_y = 1 / (1 + e^-30): 1 - p_y = e^-30 / (1 + e^-30) keeps all its digits
    e = np.exp(-30.0)
    expected = (e / (1 + e)) ** 2 * np.log1p(e)
    np.testing.assert_allclose(cls.softmax_focal_loss([[0.0, 30.0]], [1]), expected, rtol=1e-13)
    x = np.array([[1e4, -1e4], [-1e4, 1e4]])
    np.testing.assert_array_equal(cls.softmax_focal_loss(x, [0, 0], reduction="none"), [0.0, 2e4])
    assert np.all(np.isfinite(cls.softmax_focal_loss_grad(x, [0, 0], gamma=0.5)))


# --- dtypes and errors -----------------------------------------------------------

LOSSES = {  # name -> (loss, grad, a valid (input, target))
    "cross_entropy": (cls.cross_entropy, cls.cross_entropy_grad, ([[0.5, 1.0]], [1])),
    "nll_loss": (cls.nll_loss, cls.nll_loss_grad, ([[-0.5, -1.0]], [1])),
    "binary_cross_entropy": (cls.binary_cross_entropy, cls.binary_cross_entropy_grad, ([0.5], [1.0])),
    "binary_cross_entropy_with_logits": (cls.binary_cross_entropy_with_logits,
                                         cls.binary_cross_entropy_with_logits_grad, ([0.5], [1.0])),
    "categorical_cross_entropy": (cls.categorical_cross_entropy, cls.categorical_cross_entropy_grad,
                                  ([[0.5, 0.5]], [[0.0, 1.0]])),
    "sparse_categorical_cross_entropy": (cls.sparse_categorical_cross_entropy,
                                         cls.sparse_categorical_cross_entropy_grad, ([[0.5, 0.5]], [1])),
    "sigmoid_focal_loss": (cls.sigmoid_focal_loss, cls.sigmoid_focal_loss_grad, ([0.5], [1.0])),
    "softmax_focal_loss": (cls.softmax_focal_loss, cls.softmax_focal_loss_grad, ([[0.5, 1.0]], [1])),
}


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("fn_index", [0, 1])
def test_reduction_is_checked_and_options_are_keyword_only(name, fn_index):
    fn, (x, y) = LOSSES[name][fn_index], LOSSES[name][2]
    with pytest.raises(ValueError, match=r"^reduction must be one of 'mean', 'sum' or 'none'; got 'avg'\.$"):
        fn(x, y, reduction="avg")
    with pytest.raises(TypeError, match=r"takes 2 positional arguments"):
        fn(x, y, None)


@pytest.mark.parametrize("name", LOSSES)
def test_float32_stays_float32(name):
    loss, grad, (x, y) = LOSSES[name]
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32) if np.asarray(y).dtype.kind == "f" else y
    assert loss(x, y).dtype == np.float32 and grad(x, y).dtype == np.float32


X, P = np.zeros((3, 4)), np.full((3, 4), 0.25)
ERRORS = [  # (function, args, kwargs, exception, message)
    (cls.cross_entropy, (X, [0, 1]), {}, ValueError,
     r"^target must have shape \(3,\), the input's shape without the class axis; got \(2,\)\.$"),
    (cls.cross_entropy, (X, [0, 1, 2]), {"weight": np.ones(3)}, ValueError,
     r"^weight must have shape \(4,\), one value per class; got \(3,\)\.$"),
    (cls.cross_entropy, (X, [0.0, 1.0, 2.0]), {}, TypeError,
     r"^target must be an array of integer class indices; got dtype float64\.$"),
    (cls.cross_entropy, (X, [0, 4, 1]), {}, ValueError,
     r"^target must contain class indices in \[0, 4\); got 4 at index \(1,\)\.$"),
    (cls.cross_entropy, (X, [0, 1, -1]), {}, ValueError,
     r"^target must contain class indices in \[0, 4\); got -1 at index \(2,\)\.$"),
    (cls.cross_entropy, (X, [0, -100, 1]), {"ignore_index": 1}, ValueError,
     r"^target must contain class indices in \[0, 4\); got -100 at index \(1,\)\.$"),
    (cls.cross_entropy, (X, [0, 1, 2]), {"label_smoothing": -0.1}, ValueError,
     r"^label_smoothing must be in \[0, 1\]; got -0\.1\.$"),
    (cls.cross_entropy, (X, [0, 1, 2]), {"label_smoothing": 1.5}, ValueError,
     r"^label_smoothing must be in \[0, 1\]; got 1\.5\.$"),
    (cls.cross_entropy, (X, P), {"ignore_index": 0}, ValueError,
     r"^ignore_index must be negative with class-probability targets; got 0\.$"),
    (cls.cross_entropy, (X, np.zeros((3, 4), int)), {}, TypeError,
     r"^target must hold floating class probabilities when it has the input's shape; got dtype int64\. "
     r"Class indices have shape \(3,\), the input's shape without the class axis\.$"),
    (cls.cross_entropy, (1.0, 0), {}, ValueError,
     r"^input must have a class axis, shape \(C,\), \(N, C\) or \(N, C, d1, \.\.\.\); got a scalar\.$"),
    (cls.nll_loss, (X, P), {}, TypeError, r"^target must be an array of integer class indices; got dtype float64\.$"),
    (cls.nll_loss, (X, [0, 1, 9]), {}, ValueError,
     r"^target must contain class indices in \[0, 4\); got 9 at index \(2,\)\.$"),
    (cls.binary_cross_entropy, ([0.5, 1.5], [1.0, 1.0]), {}, ValueError,
     r"^input must contain probabilities in \[0, 1\]; got 1\.5 at index \(1,\)\.$"),
    (cls.binary_cross_entropy, ([-0.25, 0.5], [1.0, 1.0]), {}, ValueError,
     r"^input must contain probabilities in \[0, 1\]; got -0\.25 at index \(0,\)\.$"),
    (cls.binary_cross_entropy, (np.zeros((4, 1)), np.zeros(4)), {}, ValueError,
     r"^input and target must have the same shape; got \(4, 1\) and \(4,\)\. "),
    (cls.binary_cross_entropy, (P, P), {"weight": np.ones(3)}, ValueError,
     r"^weight must be broadcastable to the input's shape \(3, 4\); got shape \(3,\)\.$"),
    (cls.binary_cross_entropy_with_logits, (X, P), {"pos_weight": np.ones(3)}, ValueError,
     r"^pos_weight must be broadcastable to the input's shape \(3, 4\); got shape \(3,\)\. "
     r"Give one value per class on the last axis, shape \(4,\)\.$"),
    (cls.binary_cross_entropy_with_logits, (X, P), {"weight": np.ones((2, 3, 4))}, ValueError,
     r"^weight must be broadcastable to the input's shape \(3, 4\); got shape \(2, 3, 4\)\.$"),
    (cls.categorical_cross_entropy, (P, P), {"eps": 0}, ValueError, r"^eps must be in \(0, 0\.5\); got 0\.$"),
    (cls.categorical_cross_entropy, (P + 0.9, P), {}, ValueError,
     r"^input must contain probabilities in \[0, 1\]; got 1\.15 at index \(0, 0\)\.$"),
    (cls.categorical_cross_entropy, (P, P[:, :3]), {}, ValueError,
     r"^input and target must have the same shape; got \(3, 4\) and \(3, 3\)\. "),
    (cls.categorical_cross_entropy, (0.5, 1.0), {}, ValueError,
     r"^input must have a class axis \(the last one\), shape \(C,\) or \(N, C\); got a scalar\.$"),
    (cls.sparse_categorical_cross_entropy, (P, [0, 1, 4]), {}, ValueError,
     r"^target must contain class indices in \[0, 4\); got 4 at index \(2,\)\.$"),
    (cls.sparse_categorical_cross_entropy, (P, [0, 1]), {}, ValueError,
     r"^target must have shape \(3,\), the input's shape without the class axis; got \(2,\)\.$"),
    (cls.sparse_categorical_cross_entropy, (P, [0.0, 1.0, 2.0]), {}, TypeError,
     r"^target must be an array of integer class indices; got dtype float64\.$"),
    (cls.sigmoid_focal_loss, (X, P), {"gamma": -1}, ValueError, r"^gamma must be in \[0, inf\); got -1\.$"),
    (cls.sigmoid_focal_loss, (X, P), {"alpha": 1.5}, ValueError,
     r"^alpha must be in \[0, 1\], or negative to turn the class weight off; got 1\.5\.$"),
    (cls.sigmoid_focal_loss, (X, P), {"alpha": "0.25"}, TypeError,
     r"^alpha must be a real number; got '0\.25' of type str\.$"),
    (cls.softmax_focal_loss, (X, [0, 1, 2]), {"gamma": -0.5}, ValueError,
     r"^gamma must be in \[0, inf\); got -0\.5\.$"),
    (cls.softmax_focal_loss, (X, [0, 1, 2]), {"weight": np.ones(5)}, ValueError,
     r"^weight must have shape \(4,\), one value per class; got \(5,\)\.$"),
    (cls.logsumexp, (["a", "b"],), {}, TypeError, r"^x must be an array of real numbers; got dtype <U1"),
]


@pytest.mark.parametrize("fn, args, kwargs, exception, message", ERRORS,
                         ids=[f"{e[0].__name__}-{i}" for i, e in enumerate(ERRORS)])
def test_bad_inputs_are_refused_with_a_message(fn, args, kwargs, exception, message):
    with pytest.raises(exception, match=message):
        fn(*args, **kwargs)
    grad = getattr(cls, fn.__name__ + "_grad", None)
    if grad is not None:  # the gradient twin checks the same things
        with pytest.raises(exception, match=message):
            grad(*args, **kwargs)


def test_sigmoid_is_stable_and_equals_torch():
    z = np.array([-1e4, -700.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1e4])  # -700: still a normal float
    np.testing.assert_allclose(cls.sigmoid(z), torch.sigmoid(torch.tensor(z)).numpy(), rtol=1e-15,
                               atol=0)
    assert cls.sigmoid(np.float32([2.0])).dtype == np.float32
