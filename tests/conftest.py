"""Shared test settings: tolerances by dtype, hypothesis strategies, fixtures, self-check scaffolding."""
import inspect
import re

import numpy as np
import pytest
import torch
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Deterministic property tests: the same examples on every run and machine.
settings.register_profile("lossbook", derandomize=True, deadline=None, max_examples=60)
settings.load_profile("lossbook")

#: (rtol, atol) per dtype: float64 tight, float32 at a few ulps of the values involved.
TOL = {np.float64: (1e-12, 1e-12), np.float32: (1e-5, 1e-6)}

DTYPES = [np.float64, np.float32]
REDUCTIONS = ["mean", "sum", "none"]


def assert_close(actual, expected, dtype=np.float64, *, scale=0.0):
    """allclose with the dtype's tolerances.

    ``scale`` is the size of the numbers a result was summed from (for a sum,
    sum |terms|): a sum of signed terms that cancel is only as accurate as
    rtol * scale, however small the result, so the tolerance allows that.
    """
    rtol, atol = TOL[np.dtype(dtype).type]
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=np.maximum(atol, rtol * scale))


@st.composite
def pairs(draw, dtype=np.float64, min_side=0, max_dims=3, elements=None, min_dims=0):
    """Two arrays of one random shape (scalars included) and dtype."""
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=6))
    if elements is None:
        elements = st.floats(-1e3, 1e3, width=np.dtype(dtype).itemsize * 8)
    a = draw(hnp.arrays(dtype, shape, elements=elements))
    b = draw(hnp.arrays(dtype, shape, elements=elements))
    return a, b


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def torch_value_and_grad(fn, x, y, **options):
    """Value and input gradient of a torch loss ``fn(input, target, **options)``.

    The gradient is that of ``out.sum()`` (``backward`` with ones), which is
    what a gradient twin returns for every reduction.
    """
    xt = torch.tensor(x, requires_grad=True)
    out = fn(xt, torch.tensor(y), **options)
    out.backward(torch.ones_like(out))
    return out.detach().numpy(), xt.grad.numpy()


def torch_values_and_grads(fn, *arrays):
    """A torch loss of several arrays: its value and the gradients of value.sum() w.r.t. each array."""
    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    out.backward(torch.ones_like(out))
    return out.detach().numpy(), tuple(t.grad.numpy() for t in tensors)


def assert_close_to_scale(actual, expected, dtype=np.float64, *, scale=0.0):
    """``assert_close`` with an elementwise ``scale`` (an array that broadcasts against the values)."""
    rtol, atol = TOL[np.dtype(dtype).type]
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    bound = np.maximum(atol, rtol * np.asarray(scale)) + rtol * np.abs(expected)
    ok = (np.abs(actual - expected) <= bound) | (np.isnan(actual) & np.isnan(expected)) | (actual == expected)
    assert np.all(ok), f"{np.sum(~ok)} of {ok.size} differ: got {actual[~ok][:4]}, expected {expected[~ok][:4]}"


def assert_parity(got, got_grads, expected, expected_grads, dtype, *, scale=0.0, grad_scale=0.0):
    """Values and gradients against torch's: dtype, shape and numbers (``scale`` as in assert_close)."""
    assert got.dtype == dtype and got.shape == expected.shape
    assert_close_to_scale(got, expected, dtype, scale=scale)
    for g, e in zip(got_grads, expected_grads, strict=True):
        assert g.dtype == dtype and g.shape == e.shape
        assert_close_to_scale(g, e, dtype, scale=grad_scale)


@st.composite
def same_shape(draw, n, dtype=np.float64, min_dims=0, min_side=0, low=-1e3, high=1e3):
    """``n`` arrays of one random shape with elements in [low, high]."""
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=min_side, max_side=6))
    elements = st.floats(low, high, width=np.dtype(dtype).itemsize * 8)
    return tuple(draw(hnp.arrays(dtype, shape, elements=elements)) for _ in range(n))


def signs(a):
    return np.where(a >= 0, 1.0, -1.0)


@pytest.fixture(scope="module")
def one_torch_thread():
    """Torch on one thread for a module (``pytestmark = pytest.mark.usefixtures("one_torch_thread")``).

    Tiny tensors and models run fastest that way: on a busy machine torch's
    intra-op threads only add synchronisation, and spin-wait for seconds.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# --------------------------------------------------------------------------- self-check scaffolding
# Shared by test_exercises.py, test_exercises_ch07_08.py and test_exercises_ch09_10.py. Each holds a
# table CASES = {number: (check, correct answers, [(wrong answer, words its hint must contain), ...])};
# an answer is one function (chapters 7-10) or a tuple of them (an exercise with several answers).

SEEDS = range(25)      # correct answers must pass on every one of them
FEW_SEEDS = range(4)   # each mistake must be recognised on every one of them


def flat(message):
    """The message with its line breaks (wrapping) undone, to search for phrases."""
    return " ".join(message.split())


def _given(answer):
    return answer if isinstance(answer, tuple) else (answer,)


def correct_and_wrong(cases):
    """The ``(number, k)`` pairs of every correct answer and of every typical mistake in ``cases``."""
    correct = [(n, k) for n, (_, answers, _) in cases.items() for k in range(len(answers))]
    wrong = [(n, k) for n, (_, _, mistakes) in cases.items() for k in range(len(mistakes))]
    return correct, wrong


def assert_passes_on_seeds(check, answer, number, seeds, capsys, *, wrapped=False):
    """``answer`` passes on every seed, each run printing exercise ``number``'s success line.

    ``wrapped``: the success line may break inside "Well done!" (a long ``about``), so the
    phrases are looked for in the unwrapped output.
    """
    for seed in seeds:
        result = check(*_given(answer), seed=seed)
        assert result.status == "passed" and result, result.message
    printed = capsys.readouterr().out
    assert printed.count(f"✓ Exercise {number} (") == len(seeds)
    text = flat(printed) if wrapped else printed
    assert "passed all" in text and "Well done!" in text


def assert_mistake_hinted(check, answer, number, words, seeds=FEW_SEEDS):
    """``answer`` fails on every seed, with a hint that contains ``words``."""
    from lossbook.exercises import _core

    for seed in seeds:
        result = check(*_given(answer), seed=seed, quiet=True)
        assert result.status == "failed" and not result, result.message
        assert result.message.startswith(f"✗ Exercise {number} ({_core.EXERCISES[number].label}):")
        assert words in flat(result.message), result.message
        assert "hint:" in result.message


def not_written(*args, **options):
    raise NotImplementedError


def stub_named(name):
    """A stub called ``name`` (as the notebook's is) that raises NotImplementedError."""
    return type(not_written)(not_written.__code__.replace(co_name=name, co_qualname=name), globals(), name)


def assert_not_written(result, capsys, name=r"[\w.]+"):
    """``result`` (of a check called on a stub) is "not written yet", printed, with no traceback.

    ``name`` is the answer the message must name (a regular expression).
    """
    assert result.status == "not written" and not result and result.cases == 0
    assert re.search(fr": {name} is not written yet \(it raises NotImplementedError\)\.", flat(result.message))
    assert "Replace `raise NotImplementedError` with your code" in flat(result.message)
    assert "Traceback" not in result.message
    assert capsys.readouterr().out.strip() == result.message


def reference_lines(modules, functions):
    """The code lines of the chapter modules' private functions and of the lossbook ``functions``."""
    sources = [inspect.getsource(fn) for module in modules
               for name, fn in vars(module).items() if inspect.isfunction(fn) and name.startswith("_")]
    sources += [inspect.getsource(fn) for fn in functions]
    lines = {line.strip() for src in sources for line in src.splitlines()}
    return {line for line in lines if len(line) >= 12 and not line.startswith(("#", "r\"\"\"", "\"", "'", ">>>"))}


def assert_no_reference_code(cases, secret, modules, public):
    """No mistake's message in ``cases`` shows a line of ``secret``; ``modules`` hide ``public`` names."""
    for number, (check, _, mistakes) in cases.items():
        for answer, _ in mistakes:
            message = check(*_given(answer), seed=0, quiet=True).message
            leaked = [line for line in secret if line in message]
            assert not leaked, (number, leaked)
    for module in modules:  # references are imported under private names only
        assert not [n for n in vars(module) if n in public]
