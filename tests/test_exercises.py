"""Tests of lossbook.exercises: every self-check passes correct answers, and names the typical mistakes.

For each check: the book's answer and another correct formulation pass on many
seeds; each typical mistake (sign, reduction, missing clip or factor, shape,
overflow, a missing return) fails with its own hint on several seeds; a stub
that raises NotImplementedError is "not written yet"; no message contains a
line of the reference code. The machinery (comparison, reporting, grading,
registration) is tested on its own at the end.
"""
import inspect
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
import scipy.special
import torch
import torch.nn.functional as F
from torch import nn

from conftest import (SEEDS, assert_mistake_hinted, assert_no_reference_code, assert_not_written,
                      assert_passes_on_seeds, correct_and_wrong, flat, not_written, reference_lines)
from lossbook import backprop, classification, exercises, regression, training
from lossbook.exercises import _core, ch01, ch02, ch03, ch04, ch05

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = (ch01, ch02, ch03, ch04, ch05)


def softmax(z, axis=-1):
    return scipy.special.softmax(z, axis=axis)


def onehot(z, y):
    return np.eye(z.shape[1])[y]


# --------------------------------------------------------------------------- answers
# Written here from the exercise texts (independently of the references), in the
# ways students write them: right, and with the usual mistakes.


def gd_step(w, b, x, y, lr):
    g = 2 * (w * x + b - y) / len(x)
    return w - lr * np.sum(g * x), b - lr * np.sum(g)


def gd_step_means(w, b, x, y, lr):
    r = w * x + b - y
    return w - lr * 2 * np.mean(r * x), b - lr * 2 * np.mean(r)


def gd_step_variant(factor=2.0, n=True, sign=1.0, with_x=True, order=1, sequential=False):
    def step(w, b, x, y, lr):
        g = factor * (w * x + b - y) / (len(x) if n else 1)
        w_new = w - sign * lr * np.sum(g * x if with_x else g)
        if sequential:
            g = factor * (w_new * x + b - y) / len(x)
        return (w_new, b - sign * lr * np.sum(g))[::order]
    return step


def sse(a, t):
    return np.sum((a - t) ** 2)


def sse_grad(a, t):
    return 2 * (a - t)


def huber(r, delta):
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta))


def huber_min(r, delta):
    m = np.minimum(np.abs(r), delta)  # |r| inside, delta outside
    return m * (np.abs(r) - m / 2)


def huber_torch(r, delta):
    t = torch.tensor(r)
    return F.huber_loss(t, torch.zeros_like(t), delta=delta, reduction="none")


def log_softmax(z):
    s = z - z.max()
    return s - np.log(np.exp(s).sum())


def bce_logits(x, y):
    return np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))


class MyHuber(nn.Module):
    def __init__(self, delta=1.0, reduction="mean"):
        super().__init__()
        self.delta, self.reduction = delta, reduction

    def forward(self, input, target):
        r = (input - target).abs()
        losses = torch.where(r <= self.delta, 0.5 * r**2, self.delta * (r - 0.5 * self.delta))
        if self.reduction == "none":
            return losses
        return losses.mean() if self.reduction == "mean" else losses.sum()


class MyHuberMin(MyHuber):
    def forward(self, input, target):
        a = (input - target).abs()
        m = torch.clamp(a, max=self.delta)
        losses = m * (a - m / 2)
        return {"none": losses, "mean": losses.mean(), "sum": losses.sum()}[self.reduction]


def huber_module(abs_=True, offset=0.5, reduce=lambda red: red):
    class Wrong(MyHuber):
        def forward(self, input, target):
            r = (input - target).abs() if abs_ else input - target
            losses = torch.where(r.abs() <= self.delta, 0.5 * r**2, self.delta * (r - offset * self.delta))
            return {"none": losses, "mean": losses.mean(), "sum": losses.sum()}[reduce(self.reduction)]
    return Wrong


class CallsBuiltIn(MyHuber):
    def forward(self, input, target):
        return F.huber_loss(input, target, delta=self.delta, reduction=self.reduction)


class UsesHuberLossModule(MyHuber):
    def forward(self, input, target):
        return nn.HuberLoss(delta=self.delta, reduction=self.reduction)(input, target)


class NotAModule:
    def __init__(self, delta=1.0, reduction="mean"):
        self.delta, self.reduction = delta, reduction

    def __call__(self, input, target):
        return MyHuber(self.delta, self.reduction)(input, target)


class CutsTheGraph(MyHuber):
    def forward(self, input, target):
        return torch.tensor(MyHuber.forward(self, input, target).detach().numpy())


class PositionalOnly(nn.Module):
    def __init__(self, d, red):
        super().__init__()


def abs_grad_w1(x, y, w1, b1, w2, b2):
    h = 1 / (1 + np.exp(-(w1 * x + b1)))
    return np.sign(w2 * h + b2 - y) * w2 * h * (1 - h) * x


def abs_grad_w1_torch(x, y, w1, b1, w2, b2):
    w = torch.tensor(w1, dtype=torch.float64, requires_grad=True)
    loss = torch.abs(w2 * torch.sigmoid(w * x + b1) + b2 - y)
    (grad,) = torch.autograd.grad(loss, w)
    return grad


def abs_grad_variant(first=np.sign, local=lambda h: h * (1 - h), with_x=True, with_w2=True):
    def grad(x, y, w1, b1, w2, b2):
        h = 1 / (1 + np.exp(-(w1 * x + b1)))
        return first(w2 * h + b2 - y) * (w2 if with_w2 else 1) * local(h) * (x if with_x else 1)
    return grad


class SigmoidBug(backprop.Sigmoid):
    def backward(self, grad_out):
        s = self._cache
        return grad_out * s


def sigmoid_layer(backward):
    class Layer(backprop.Sigmoid):
        def backward(self, grad_out):
            return backward(grad_out, self._cache)
    return Layer


class ForwardBroken(SigmoidBug):
    def forward(self, x):
        self._cache = 1 / (1 + np.exp(-np.asarray(x)))
        return np.asarray(x)


def tanh_sq_grad(z):
    return 2 * np.tanh(z) * (1 - np.tanh(z) ** 2)


def tanh_sq_grad_cosh(z):
    return 2 * np.tanh(z) / np.cosh(z) ** 2  # cosh overflows at |z| = 1000: 1 / inf = 0, still right


def prints_instead(*args):
    print(end="")


def mean_instead(fn):
    return lambda *a: np.mean(fn(*a))


def in_place(r, delta):
    a = np.abs(r, out=r)  # overwrites the caller's residuals
    return np.where(a <= delta, 0.5 * a**2, delta * (a - 0.5 * delta))


# (check, correct answers, [(wrong answer(s), words its hint must contain), ...])
CASES = {
    "1.1": (exercises.check_ex_1_1, [(gd_step,), (gd_step_means,)], [
        ((gd_step_variant(factor=1.0),), "factor 2"),
        ((gd_step_variant(n=False),), "divided by n"),
        ((gd_step_variant(sign=-1.0),), "uphill"),
        ((gd_step_variant(with_x=False),), "sums g_i * x_i"),
        ((gd_step_variant(sequential=True),), "used the new w"),
        ((gd_step_variant(order=-1),), "order (w, b)"),
        ((prints_instead,), "forget `return`"),
        ((lambda w, b, x, y, lr: gd_step(w, b, x, y, lr)[0],), "Return all of them"),
    ]),
    "1.3": (exercises.check_ex_1_3, [(sse, sse_grad),
                                     (lambda a, t: regression.mse_loss(a, t, reduction="sum"),
                                      lambda a, t: regression.mse_loss_grad(a, t, reduction="sum"))], [
        ((lambda a, t: np.mean((a - t) ** 2), sse_grad), "not their mean"),
        ((sse, lambda a, t: 2 * (a - t) / len(a)), "not divided by n"),
        ((sse, lambda a, t: a - t), "factor 2 is missing"),
        ((sse, lambda a, t: 2 * (t - a)), "wrong sign"),
        ((lambda a, t: (a - t) ** 2, sse_grad), "single number"),
    ]),
    "2.1": (exercises.check_ex_2_1, [(huber,), (huber_min,), (huber_torch,)], [
        ((lambda r, d: 0.5 * r**2,), "grows linearly"),
        ((lambda r, d: np.where(np.abs(r) <= d, r**2, d * (np.abs(r) - d / 2)),), "factor 1/2 is missing"),
        ((lambda r, d: np.where(np.abs(r) <= d, r**2 / 2, d * np.abs(r)),), "do not meet"),
        ((lambda r, d: np.where(np.abs(r) <= d, r**2 / 2, d * (np.abs(r) - d)),), "delta / 2, not delta"),
        ((lambda r, d: np.where(np.abs(r) <= d, r**2 / 2, d * (r - d / 2)),), "Negative residuals"),
        ((lambda r, d: np.where(r <= d, r**2 / 2, d * (np.abs(r) - d / 2)),), "Compare |r| with delta"),
        ((mean_instead(huber),), "one value per element"),
        ((lambda r, d: -huber(r, d),), "opposite sign"),
        ((lambda r, d: huber(r, d)[..., None],), "extra or a missing axis"),
        ((in_place,), "in place"),
    ]),
    "2.2": (exercises.check_ex_2_2, [(lambda r, d: np.clip(r, -d, d),),
                                     (lambda r, d: np.where(np.abs(r) <= d, r, d * np.sign(r)),)], [
        ((lambda r, d: np.clip(-r, -d, d),), "opposite sign"),
        ((lambda r, d: d * np.sign(r),), "Inside the threshold"),
        ((lambda r, d: r,), "clip r to [-delta, delta]"),
        ((lambda r, d: np.clip(r, 0, d),), "not [0, delta]"),
        ((huber,), "the loss itself"),
        ((lambda r, d: np.sum(np.clip(r, -d, d)),), "one value per element"),
    ]),
    "3.2": (exercises.check_ex_3_2, [(log_softmax,), (lambda z: z - scipy.special.logsumexp(z),),
                                     (lambda z: torch.log_softmax(torch.tensor(z), 0),)], [
        ((lambda z: z - np.log(np.sum(np.exp(z))),), "subtract the largest logit"),
        ((lambda z: np.log(softmax(z)),), "whose log is -inf"),
        ((lambda z: softmax(z),), "softmax probabilities"),
        ((lambda z: z - np.log(np.sum(np.exp(z - z.max()))),), "from z as well"),
        ((lambda z: -log_softmax(z),), "opposite sign"),
    ]),
    "3.3": (exercises.check_ex_3_3, [(lambda z, y: (softmax(z) - onehot(z, y)) / len(y),),
                                     (lambda z, y: classification.cross_entropy_grad(z, y),)], [
        ((lambda z, y: softmax(z) - onehot(z, y),), "mean over the batch"),
        ((lambda z, y: (onehot(z, y) - softmax(z)) / len(y),), "not the other way round"),
        ((lambda z, y: (scipy.special.log_softmax(z, axis=1) - onehot(z, y)) / len(y),), "not the log-softmax"),
        ((lambda z, y: (softmax(z) - onehot(z, y)) / z.size,), "not by N * C"),
        ((lambda z, y: (softmax(z, axis=0) - onehot(z, y)) / len(y),), "axis=-1"),
        ((lambda z, y: softmax(z) / len(y),), "Subtract the one-hot"),
        ((lambda z, y: (np.exp(z) / np.exp(z).sum(1, keepdims=True) - onehot(z, y)) / len(y),), "stably"),
        ((lambda z, y: np.sum(softmax(z) - onehot(z, y), axis=1) / len(y),), "Compare the shapes"),
    ]),
    "3.4": (exercises.check_ex_3_4, [(bce_logits,), (lambda x, y: np.logaddexp(0, x) - x * y,),
                                     (lambda x, y: F.binary_cross_entropy_with_logits(
                                         torch.tensor(x), torch.tensor(y), reduction="none"),)], [
        ((lambda x, y: np.maximum(x, 0) + x * y + np.log1p(np.exp(-np.abs(x))),), "wrong sign"),
        ((lambda x, y: -x * y + np.log1p(np.exp(-np.abs(x))),), "max(x, 0) is missing"),
        ((lambda x, y: np.maximum(x, 0) - x * y + np.log1p(np.exp(-x)),), "exp(-|x|)"),
        ((lambda x, y: bce_logits(x, 1 - y),), "opposite label"),
        ((lambda x, y: -y * np.log(1 / (1 + np.exp(-x))) - (1 - y) * np.log(1 - 1 / (1 + np.exp(-x))),),
         "log(sigmoid(x)) is log 0"),
        ((mean_instead(bce_logits),), "one value per element"),
    ]),
    "4.4": (exercises.check_ex_4_4, [(MyHuber,), (MyHuberMin,)], [
        ((huber_module(reduce=lambda red: "mean"),), "ignores reduction"),
        ((huber_module(reduce=lambda red: "sum" if red == "none" else red),), "unreduced"),
        ((huber_module(reduce=lambda red: {"mean": "sum", "sum": "mean"}.get(red, red)),), "swapped"),
        ((huber_module(abs_=False),), "|input - target|"),
        ((huber_module(offset=0.0),), "offset delta / 2 is missing"),
        ((CallsBuiltIn,), "calls F.huber_loss"),
        ((UsesHuberLossModule,), "calls F.huber_loss"),
        ((NotAModule,), "not an nn.Module"),
        ((CutsTheGraph,), "No gradient flows"),
        ((PositionalOnly,), "keyword arguments delta"),
    ]),
    "5.1": (exercises.check_ex_5_1, [(abs_grad_w1,), (abs_grad_w1_torch,)], [
        ((abs_grad_variant(first=lambda r: 2 * r),), "squared error's first factor"),
        ((abs_grad_variant(first=lambda r: -np.sign(r)),), "opposite sign"),
        ((abs_grad_variant(local=lambda h: h),), "h (1 - h), not h"),
        ((abs_grad_variant(local=lambda h: 1.0),), "multiply by its derivative"),
        ((abs_grad_variant(with_x=False),), "dz/dw1 = x"),
        ((abs_grad_variant(with_w2=False),), "dy_hat/dh = w2"),
        ((lambda *a: np.array([abs_grad_w1(*a)]),), "single number"),
    ]),
    "5.2": (exercises.check_ex_5_2, [(SigmoidBug,), (sigmoid_layer(lambda g, s: s * g),)], [
        ((backprop.Sigmoid,), "the correct one"),
        ((sigmoid_layer(lambda g, s: g * (1 - s)),), "multiplies by 1 - s"),
        ((sigmoid_layer(lambda g, s: s),), "still multiply by grad_out"),
        ((backprop.ReLU,), "not a subclass"),
        ((ForwardBroken,), "Keep Sigmoid's forward"),
    ]),
    "5.4": (exercises.check_ex_5_4, [(tanh_sq_grad,), (tanh_sq_grad_cosh,)], [
        ((lambda z: np.tanh(z) * (1 - np.tanh(z) ** 2),), "factor 2 is missing"),
        ((lambda z: 1 - np.tanh(z) ** 2,), "outer derivative 2 tanh"),
        ((lambda z: 2 * np.tanh(z),), "inner one"),
        ((lambda z: np.tanh(z) ** 2,), "f's terms"),
        ((lambda z: 2 * np.tanh(z) * (1 - z**2),), "not 1 - z^2"),
        ((lambda z: -tanh_sq_grad(z),), "opposite sign"),
        ((mean_instead(tanh_sq_grad),), "one value per element"),
    ]),
}

CORRECT, WRONG = correct_and_wrong(CASES)


def test_every_registered_check_is_tested_here():
    from test_exercises_ch07_08 import CASES as CASES_07_08  # chapters 7 and 8 are tested there
    from test_exercises_ch09_10 import CASES as CASES_09_10  # chapters 9 and 10 are tested there
    assert set(CASES) | set(CASES_07_08) | set(CASES_09_10) == set(_core.EXERCISES)
    assert sorted(exercises.__all__) == sorted(
        ["CheckResult", "grade", "listing"] + [e.check.__name__ for e in _core.EXERCISES.values()])


@pytest.mark.parametrize("number,k", CORRECT, ids=[f"{n}-{k}" for n, k in CORRECT])
def test_correct_answers_pass_on_every_seed(number, k, capsys):
    check, answers, _ = CASES[number]
    assert_passes_on_seeds(check, answers[k], number, SEEDS, capsys)


@pytest.mark.parametrize("number,k", WRONG, ids=[f"{n}-{k}" for n, k in WRONG])
def test_each_typical_mistake_gets_its_own_hint(number, k):
    check, _, mistakes = CASES[number]
    answers, words = mistakes[k]
    assert_mistake_hinted(check, answers, number, words)


@pytest.mark.parametrize("number", CASES)
def test_a_stub_is_not_written_yet(number, capsys):
    check, answers, _ = CASES[number]
    stubs = [not_written] * len(answers[0])
    if number == "4.4":
        stubs = [type("MyHuber", (MyHuber,), {"forward": not_written})]
    if number == "5.2":
        stubs = [type("SigmoidBug", (backprop.Sigmoid,), {"backward": not_written})]
    assert_not_written(check(*stubs), capsys)


def _reference_lines():
    """The code lines of every reference: the chapter modules' private functions and the lossbook code."""
    return reference_lines(CHAPTERS, (
        training.fit_line, regression.huber_loss, regression.huber_loss_grad, regression.mse_loss,
        regression.mse_loss_grad, classification.log_softmax, classification.cross_entropy_grad,
        classification.binary_cross_entropy_with_logits, classification.softmax, classification.sigmoid))


def test_no_message_shows_reference_code():
    secret = _reference_lines()
    assert any("np.clip(input - target, -delta, delta)" in line for line in secret)  # the test can fail
    assert_no_reference_code(CASES, secret, CHAPTERS, ("regression", "classification", "training", "backprop"))


# --------------------------------------------------------------------------- reporting


def test_an_error_in_the_answer_is_reported_not_raised():
    def huber_typo(r, delta):
        a = np.abs(r)
        return np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delt))  # noqa: F821

    result = exercises.check_ex_2_1(huber_typo, quiet=True)
    assert result.status == "error" and not result
    assert result.message.startswith("✗ Exercise 2.1 (ex-huber-scratch): huber raised NameError.")
    assert "NameError: name 'delt' is not defined" in result.message
    assert "delta * (a - 0.5 * delt)" in flat(result.message)  # the student's own line, to find the typo
    assert "input:" in result.message and "run the cells above first" in flat(result.message)


def test_a_not_implemented_error_after_some_inputs_is_an_error():
    def huber_1d_only(r, delta):
        if r.ndim > 1:
            raise NotImplementedError
        return huber(r, delta)

    result = exercises.check_ex_2_1(huber_1d_only, quiet=True)
    assert result.status == "error" and result.cases == 4
    assert "huber_1d_only raised NotImplementedError, after working on 4 other input(s)" in flat(result.message)


@pytest.mark.parametrize("check,given,words", [
    (exercises.check_ex_2_1, (huber(np.ones(3), 1.0),), "needs your huber itself; got a ndarray"),
    (exercises.check_ex_2_1, (), "takes 1 answer(s); got 0"),
    (exercises.check_ex_2_1, (huber, huber), "takes 1 answer(s); got 2"),
    (exercises.check_ex_5_2, (SigmoidBug(),), "needs the class SigmoidBug itself; got a SigmoidBug object"),
])
def test_a_wrong_call_is_explained(check, given, words):
    result = check(*given, quiet=True)
    assert result.status == "error" and words in flat(result.message)
    assert f"Call it like this: {_core.EXERCISES[result.exercise].call[len('exercises.'):]}" in flat(result.message)


def test_passing_a_module_object_instead_of_the_class_is_explained():
    result = exercises.check_ex_4_4(MyHuber(), quiet=True)
    assert result.status == "failed"
    assert "You passed a MyHuber object; the check needs the class itself" in flat(result.message)


def test_odd_return_values_are_explained():
    text = exercises.check_ex_2_1(lambda r, d: "done", quiet=True).message
    assert "expected numbers, got a str" in text and "Return a NumPy array or a number" in text
    text = exercises.check_ex_1_1(lambda *a: 3.0, quiet=True).message
    assert "expected 2 values (w, b), got a float" in text


def test_numpy_warnings_are_quoted_not_raised():
    message = flat(exercises.check_ex_3_2(lambda z: z - np.log(np.sum(np.exp(z))), seed=0, quiet=True).message)
    assert "NumPy warned: overflow encountered in exp" in message
    assert "First difference at index 0 (z = 10000): got -inf where 0 is right." in message


def test_message_layout_names_input_expected_and_got():
    message = exercises.check_ex_2_2(lambda r, d: 2 * np.clip(r, -d, d), seed=3, quiet=True).message
    lines = message.splitlines()
    assert lines[0] == "✗ Exercise 2.2 (ex-huber-grad): huber_grad is not right yet."
    heads = [line.split(":")[0].strip() for line in lines[1:] if not line.startswith("   ")]
    assert heads[:3] == ["input", "expected", "got"] and heads[-1] == "hint", heads
    assert heads[3].startswith("First difference at index 0 (r = "), heads
    assert "2 times the expected" in message


def test_a_seed_makes_the_inputs_and_message_reproducible():
    wrong = CASES["3.3"][2][0][0]
    first = exercises.check_ex_3_3(*wrong, seed=7, quiet=True).message
    assert exercises.check_ex_3_3(*wrong, seed=7, quiet=True).message == first
    assert exercises.check_ex_3_3(*wrong, seed=8, quiet=True).message != first


def test_the_result_object():
    result = exercises.check_ex_2_1(huber, seed=0, quiet=True)
    assert isinstance(result, exercises.CheckResult) and bool(result) and result.passed
    assert (result.exercise, result.label, result.status, result.cases) == ("2.1", "ex-huber-scratch", "passed", 9)
    assert str(result) == result.message and "message" not in repr(result)
    assert result._ipython_display_() is None  # a notebook shows the printed message only, not the object too
    assert set(_core.STATUSES) >= {"passed", "failed", "error", "not written", "missing"}


def test_float32_answers_are_compared_at_float32_precision():
    # computed in float64 for a float32 input: right to float32 precision, so it passes
    assert exercises.check_ex_2_1(lambda r, d: huber(r.astype(np.float64), d), seed=0, quiet=True)
    # rounded to float32 for a float64 input: float64 precision is expected there
    off = exercises.check_ex_2_1(lambda r, d: huber(r, d).astype(np.float32), seed=0, quiet=True)
    assert off.status == "failed" and "First difference" in off.message


def test_inputs_are_copies_so_the_reference_is_unaffected():
    seen = []

    def spy(r, delta):
        seen.append(r)
        out = huber(r, delta)
        r[...] = 0
        return out

    result = exercises.check_ex_2_1(spy, seed=0, quiet=True)
    assert "changed its input r in place" in flat(result.message)
    shown = re.search(r"input: +r = \[([^\]]*)\]", result.message).group(1)
    assert not seen[0].any() and any(float(v) != 0 for v in shown.split(","))  # the original values


# --------------------------------------------------------------------------- comparing


@pytest.mark.parametrize("got,expected,kind", [
    (np.array([1.0, np.nan]), np.array([1.0, np.nan]), None),
    (np.array([np.inf]), np.array([np.inf]), None),
    (np.array([1.0, 2.0 + 1e-6]), np.array([1.0, 2.0]), "value"),
    (np.array([np.nan]), np.array([1.0]), "nonfinite"),
    (np.array([-np.inf]), np.array([np.inf]), "value"),
    (np.ones((2, 1)), np.ones(2), "shape"),
    (None, np.ones(2), "none"),
    ("abc", np.ones(2), "type"),
    ((1.0, 2.0), (1.0, 2.0), None),
    ([1.0, 2.0], (1.0, 2.0), None),
    ((1.0,), (1.0, 2.0), "length"),
    (torch.tensor([1.0, 2.0], dtype=torch.float64), np.array([1.0, 2.0]), None),
])
def test_compare(got, expected, kind):
    mismatch = _core.compare(got, expected, (1e-9, 1e-12), ("a", "b"))
    assert (mismatch.kind if mismatch else None) == kind


def test_compare_points_at_the_first_difference():
    m = _core.compare(np.array([[0.0, 1.0], [2.0, 9.0]]), np.array([[0.0, 1.0], [2.0, 3.0]]), (1e-9, 1e-12))
    assert m.index == (1, 1) and m.text == "expected 3, got 9."
    m = _core.compare((1.0, np.array([5.0])), (1.0, np.array([4.0])), (1e-9, 1e-12), ("w", "b"))
    assert m.output == 1 and m.kind == "value"


# --------------------------------------------------------------------------- grading and registry


def test_grade_runs_every_check_of_a_chapter_quietly(capsys):
    namespace = {"huber": huber, "huber_grad": lambda r, d: r, "unrelated": 1}
    results = exercises.grade(namespace, chapter=2, seed=0)
    assert {n: r.status for n, r in results.items()} == {"2.1": "passed", "2.2": "failed"}
    assert capsys.readouterr().out == ""
    everything = exercises.grade({"huber": huber}, seed=0)
    assert list(everything) == list(_core.EXERCISES) and everything["1.1"].status == "missing"
    assert "gd_step is not defined in the notebook" in flat(everything["1.1"].message)
    assert flat(exercises.grade({"sse": sse}, chapter=1)["1.3"].message).count("sse_grad is not defined") == 1


def test_listing_names_every_check_as_a_notebook_calls_it():
    rows = exercises.listing()
    assert rows[0] == ("1.1", "ex-gd-step", "exercises.check_ex_1_1(gd_step)")
    assert ("1.3", "ex-sum-vs-mean", "exercises.check_ex_1_3(sse, sse_grad)") in rows
    assert len({label for _, label, _ in rows}) == len(rows)


def test_a_check_has_the_signature_a_student_sees():
    assert str(inspect.signature(exercises.check_ex_1_3)) == "(sse, sse_grad, /, *, seed=None, quiet=False)"
    assert "Exercise 1.3" in exercises.check_ex_1_3.__doc__


def test_registration_refuses_a_wrong_name_or_a_second_check():
    def check_x(rng):
        return None
    with pytest.raises(ValueError, match="must be named check_ex_9_9; got check_x"):
        _core.self_check("9.9", "ex-x", answers="f")(check_x)
    def check_ex_2_1(rng):
        return None
    with pytest.raises(ValueError, match="exercise 2.1 has two self-checks: ex-huber-scratch and ex-other"):
        _core.self_check("2.1", "ex-other", answers="f")(check_ex_2_1)
    assert "9.9" not in _core.EXERCISES


def test_the_package_ships_the_exercises_subpackage():
    # A non-editable install (Colab's `pip install git+...`) only contains listed packages.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = config["tool"]["setuptools"]["packages"]
    assert "lossbook.exercises" in packages, packages


def test_the_instructor_page_lists_every_self_check_and_shows_real_messages():
    text = (ROOT / "instructor.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \{ref\}`Exercise ([\d.]+) <([\w-]+)>` \| .+ \| `(exercises\.check_ex_\w+\([^)]*\))` \|$",
                      text, re.M)
    assert rows == exercises.listing()
    table = re.findall(r"^(\d+\.\d+) +([\w-]+) +``", exercises.__doc__, re.M)  # the package docstring's table
    assert table == [(number, label) for number, label, _ in exercises.listing()]
    blocks = re.findall(r"```text\n(.*?)```", text, re.S)
    assert exercises.check_ex_2_1(huber, quiet=True).message + "\n" in blocks
    no_offset = lambda r, d: np.where(np.abs(r) <= d, 0.5 * r**2, d * np.abs(r))  # noqa: E731
    assert exercises.check_ex_2_1(no_offset, seed=1, quiet=True).message + "\n" in blocks
