"""Tests of the self-checks of chapters 9 (robust loss) and 10 (AM-LFS).

As in test_exercises.py: the book's answer and independent ones (written
with torch, scipy or mpmath) pass on many seeds; each typical mistake fails
with its own hint on several seeds; a stub is "not written yet"; no message
shows a line of the reference code. Then the parts these checks add: the
quad tolerance of 9.3, the band of simulated rates of 9.4, float64 and the
layout of theta in 10.1, sigma passed by name in 10.4, and the references
against independent oracles.
"""
import inspect
import math
import re

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.integrate import quad

from conftest import (SEEDS, assert_mistake_hinted, assert_no_reference_code, assert_not_written,
                      assert_passes_on_seeds, correct_and_wrong, flat, reference_lines, stub_named)
from lossbook import amlfs, classification, exercises, robust
from lossbook.exercises import _core, ch09, ch10

#: 9.3 integrates with quad on every input: fewer seeds keep the file fast.
QUAD_SEEDS = range(6)
#: The chapters run torch on one thread; small tensors are fastest that way on a busy machine.
pytestmark = pytest.mark.usefixtures("one_torch_thread")


# --------------------------------------------------------------------------- 9.1 answers


def pseudo_huber(x, delta):
    return delta**2 * (np.sqrt(1 + (x / delta) ** 2) - 1)


def pseudo_huber_rationalised(x, delta):  # sqrt(1 + u) - 1 = u / (sqrt(1 + u) + 1): no cancellation
    u = (x / delta) ** 2
    return delta**2 * u / (np.sqrt(1 + u) + 1)


def pseudo_huber_torch(x, delta):
    t = torch.from_numpy(x)
    return (delta * (torch.sqrt(delta**2 + t**2) - delta)).numpy()


def pseudo_huber_variant(outer=2, inner=True, minus_one=True, root=True):
    def loss(x, delta):
        u = 1 + (x / delta if inner else x) ** 2
        return delta**outer * ((np.sqrt(u) if root else u) - (1 if minus_one else 0))
    return loss


def huber(x, delta):
    return np.where(np.abs(x) <= delta, x**2 / 2, delta * (np.abs(x) - delta / 2))


# --------------------------------------------------------------------------- 9.2 answers


def irls_weight(x, alpha, scale):
    b = abs(alpha - 2)
    return (((x / scale) ** 2 / b + 1) ** (alpha / 2 - 1)) / scale**2


def irls_weight_log1p(x, alpha, scale):
    z = (x / scale) ** 2
    return np.exp((alpha / 2 - 1) * np.log1p(z / abs(alpha - 2))) / scale**2


def weight_variant(power=2, exponent=lambda a: a / 2 - 1, scaled=True, times_x=False, b=lambda a: abs(a - 2)):
    def weight(x, alpha, scale):
        z = (x / scale) ** 2 if scaled else x**2
        w = (z / b(alpha) + 1) ** exponent(alpha) / scale**power
        return x * w if times_x else w
    return weight


# --------------------------------------------------------------------------- 9.3 answers


def my_log_partition(alpha):
    f = lambda t: math.exp(-float(robust.general_loss(t, alpha, 1.0)))  # noqa: E731
    half, _ = quad(f, 0, np.inf, epsabs=1e-14, epsrel=1e-13, limit=200)
    return math.log(2 * half)


def log_partition_default_quad(alpha):
    value, _ = quad(lambda t: math.exp(-float(robust.general_loss(t, alpha, 1.0))), -np.inf, np.inf)
    return math.log(value)


def log_partition_mpmath(alpha):
    # Barron's rho written out (limits at alpha = 0 and 2), integrated by mpmath at 20 digits.
    a = mpmath.mpf(alpha)
    b = abs(a - 2)

    def rho(t):
        if a == 0:
            return mpmath.log1p(t * t / 2)
        if a == 2:
            return t * t / 2
        return b / a * ((t * t / b + 1) ** (a / 2) - 1)

    with mpmath.workdps(20):
        return float(mpmath.log(2 * mpmath.quad(lambda t: mpmath.exp(-rho(t)), [0, 1, 10, mpmath.inf])))


def log_partition_printed_formula(alpha):
    b = abs(alpha - 2)
    f = lambda t: math.exp(-(b / alpha) * ((t * t / b + 1) ** (alpha / 2) - 1))  # noqa: E731
    return math.log(2 * quad(f, 0, np.inf)[0])


def log_partition_returns_pair(alpha):
    return quad(lambda t: math.exp(-float(robust.general_loss(t, alpha, 1.0))), -np.inf, np.inf)


def log_z_variant(transform):
    def answer(alpha):
        half, _ = quad(lambda t: math.exp(-float(robust.general_loss(t, alpha, 1.0))), 0, np.inf)
        return transform(half)
    return answer


# --------------------------------------------------------------------------- 9.4 answers


def acceptance_rate(alpha):
    return math.exp(robust.log_partition(alpha) - robust.log_partition(0.0))


def acceptance_by_quad(alpha):
    z = lambda a: quad(lambda t: math.exp(-float(robust.general_loss(t, a, 1.0))),  # noqa: E731
                       0, np.inf, epsabs=1e-14, epsrel=1e-13, limit=200)[0]
    return z(alpha) / z(0.0)


def acceptance_simulated(alpha):
    rng = np.random.default_rng(1)
    proposals = math.sqrt(2) * rng.standard_cauchy(50_000)
    accept = np.exp(robust.general_loss(proposals, 0.0, 1.0) - robust.general_loss(proposals, alpha, 1.0))
    return float(np.mean(rng.uniform(size=proposals.size) < accept))


def log_z(alpha):
    return float(robust.log_partition(alpha))


# --------------------------------------------------------------------------- 9.5 answers


def welsch(x, scale):
    return -np.expm1(-0.5 * (x / scale) ** 2)


def welsch_naive(x, scale):
    return 1 - np.exp(-(x**2) / (2 * scale**2))


def welsch_torch(x, scale):
    return (1 - torch.exp(-0.5 * (torch.from_numpy(x) / scale) ** 2)).numpy()


def welsch_variant(half=0.5, power=2, one=True, sign=1.0):
    def loss(x, scale):
        e = np.exp(-half * x**2 / scale**power)
        return sign * ((1 - e) if one else e)
    return loss


# --------------------------------------------------------------------------- 10.1 answers


def cosface_theta(margin, n_intervals):
    ones = torch.ones(n_intervals, dtype=torch.float64)
    return torch.cat([ones, -margin * ones, ones, 0 * ones])


def cosface_numpy(margin, n_intervals):
    return np.repeat([1.0, -margin, 1.0, 0.0], n_intervals)


def cosface_list(margin, n_intervals):
    return [1.0] * n_intervals + [-margin] * n_intervals + [1.0] * n_intervals + [0.0] * n_intervals


def cosface_blocks(t_slope=1.0, t_intercept=None, tau_slope=1.0, tau_intercept=0.0, order=(0, 1, 2, 3)):
    def theta(margin, n_intervals):
        values = [t_slope, -margin if t_intercept is None else t_intercept(margin), tau_slope,
                  tau_intercept(margin) if callable(tau_intercept) else tau_intercept]
        return torch.cat([torch.full((n_intervals,), float(values[k]), dtype=torch.float64) for k in order])
    return theta


def cosface_interleaved(margin, n_intervals):
    return torch.tensor([1.0, -margin] * n_intervals + [1.0, 0.0] * n_intervals, dtype=torch.float64)


# --------------------------------------------------------------------------- 10.2 answers


def focal_gradient_weight(p, gamma):
    return (1 - p) ** gamma - gamma * p * (1 - p) ** (gamma - 1) * np.log(p)


def focal_factored(p, gamma):
    return (1 - p) ** gamma * (1 - gamma * p * np.log(p) / (1 - p))


def focal_by_lossbook_gradients(p, gamma):
    # The exercise's way: the ratio of the two gradients, at the non-target logit of two classes.
    flat_p = np.asarray(p, dtype=np.float64).ravel()
    logits = np.stack([np.log(flat_p), np.log1p(-flat_p)], axis=1)
    target = np.zeros(flat_p.size, dtype=np.int64)
    focal = classification.softmax_focal_loss_grad(logits, target, gamma=gamma, reduction="sum")
    ce = classification.cross_entropy_grad(logits, target, reduction="sum")
    return (focal[:, 1] / ce[:, 1]).reshape(np.shape(p))


def focal_variant(log_term=True, sign=-1.0, shift=1.0, with_p=True):
    def weight(p, gamma):
        out = (1 - p) ** gamma
        if log_term:
            out = out + sign * gamma * (p if with_p else 1) * (1 - p) ** (gamma - shift) * np.log(p)
        return out
    return weight


# --------------------------------------------------------------------------- 10.4 answers


def my_reinforce_grad(thetas, rewards, mu, *, sigma):
    adv = (rewards - rewards.mean()) / rewards.std()
    return adv @ (thetas - mu) / (len(adv) * sigma**2)


def reinforce_autograd(thetas, rewards, mu, *, sigma):
    mu_t = torch.tensor(mu, requires_grad=True)
    r = torch.tensor(rewards)
    adv = (r - r.mean()) / r.std(correction=0)
    logp = torch.distributions.Normal(mu_t, sigma).log_prob(torch.tensor(thetas)).sum(1)
    (adv * logp).mean().backward()
    return mu_t.grad.numpy()


def reinforce_variant(center=True, scale=True, ddof=0, power=2, mean=True, sign=1.0):
    def grad(thetas, rewards, mu, *, sigma):
        adv = rewards - rewards.mean() if center else rewards
        adv = adv / rewards.std(ddof=ddof) if scale else adv
        return sign * adv @ (thetas - mu) / ((len(adv) if mean else 1) * sigma**power)
    return grad


def reinforce_torch_std(thetas, rewards, mu, *, sigma):
    r = torch.tensor(rewards)
    adv = ((r - r.mean()) / r.std()).numpy()  # torch.std: B - 1
    return adv @ (thetas - mu) / (len(adv) * sigma**2)


def reinforce_other_names(thetas, rewards, mu, *, std):
    return my_reinforce_grad(thetas, rewards, mu, sigma=std)


# --------------------------------------------------------------------------- 10.6 answers


def fraction_nonpositive(thetas):
    m = thetas.shape[1] // 4
    a, b = thetas[:, 2 * m:3 * m], thetas[:, 3 * m:]
    left = np.arange(m) / m
    ends = np.minimum(a * left + b, a * (left + 1 / m) + b)
    return np.mean(np.any(ends <= 0, axis=1))


def fraction_by_loops(thetas):
    clamped = 0
    for row in thetas:
        m = len(row) // 4
        slopes, intercepts = row[2 * m:3 * m], row[3 * m:]
        lows = [min(a * i / m + b, a * (i + 1) / m + b) for i, (a, b) in enumerate(zip(slopes, intercepts))]
        clamped += min(lows) <= 0
    return clamped / len(thetas)


def sigma_variant(strict=False, ends="both", blocks=(2, 3), per="row", reduce="mean"):
    def fraction(thetas):
        m = thetas.shape[1] // 4
        a, b = thetas[:, blocks[0] * m:(blocks[0] + 1) * m], thetas[:, blocks[1] * m:(blocks[1] + 1) * m]
        left = np.arange(m) / m
        lo, hi = a * left + b, a * (left + 1 / m) + b
        values = {"both": np.concatenate([lo, hi], 1), "left": lo,
                  "edges": np.concatenate([lo, hi[:, -1:]], 1)}[ends]
        bad = values < 0 if strict else values <= 0
        if per == "end":
            return bad.mean()
        rows = bad.all(1) if per == "all" else bad.any(1)
        rows = ~rows if per == "positive" else rows
        return rows.sum() if reduce == "sum" else rows.mean()
    return fraction


def sigma_on_grid(thetas):
    grid = np.linspace(0, 1, 101)
    m = thetas.shape[1] // 4
    piece = np.minimum((grid * m).astype(int), m - 1)
    tau = thetas[:, 2 * m + piece] * grid + thetas[:, 3 * m + piece]
    return np.mean(np.any(tau <= 0, axis=1))


# --------------------------------------------------------------------------- the table

# (check, correct answers, [(wrong answer, words its hint must contain), ...])
CASES = {
    "9.1": (exercises.check_ex_9_1, [pseudo_huber, pseudo_huber_rationalised, pseudo_huber_torch], [
        (pseudo_huber_variant(outer=0), "Multiply by delta^2"),
        (pseudo_huber_variant(outer=1), "is delta^2, not delta"),
        (pseudo_huber_variant(minus_one=False), "Subtract 1 inside the bracket"),
        (pseudo_huber_variant(inner=False), "Divide x by delta inside the square root"),
        (pseudo_huber_variant(root=False), "Take the square root"),
        (huber, "That is the Huber loss itself"),
        (lambda x, delta: None, "forget `return`"),
    ]),
    "9.2": (exercises.check_ex_9_2, [irls_weight, irls_weight_log1p], [
        (weight_variant(power=0), "Divide by scale^2"),
        (weight_variant(power=1), "c^2, not by c"),
        (weight_variant(exponent=lambda a: a / 2), "one less than in rho itself"),
        (weight_variant(exponent=lambda a: 1 - a / 2), "not 1 - alpha/2"),
        (weight_variant(times_x=True), "That is the gradient x w(x)"),
        (weight_variant(scaled=False), "divide x by the scale before squaring"),
        (weight_variant(b=lambda a: 2 - a), "check the absolute value in b"),
        (weight_variant(b=lambda a: a - 2), "check the absolute value in b"),
    ]),
    "9.3": (exercises.check_ex_9_3, [my_log_partition, log_partition_default_quad], [
        (log_z_variant(math.log), "Z is twice the integral over [0, inf)"),
        (log_z_variant(lambda half: 2 * half), "Return log Z, the logarithm of the integral"),
        (log_z_variant(lambda half: 2 * math.log(half)), "log(2 * integral), not 2 * log(integral)"),
        (log_z_variant(lambda half: math.log10(2 * half)), "not log10"),
        (log_z_variant(lambda half: -math.log(2 * half)), "integrate exp(-rho(t, alpha, 1))"),
        (log_partition_returns_pair, "quad returns a pair"),
    ]),
    "9.4": (exercises.check_ex_9_4, [acceptance_rate, acceptance_by_quad], [
        (lambda a: 1 / acceptance_rate(a), "That is Z(0) / Z(alpha), the inverse"),
        (lambda a: log_z(a) - log_z(0.0), "you returned the difference of the logs"),
        (lambda a: log_z(a) / log_z(0.0), "Divide the partition functions, not their logs"),
        (lambda a: math.exp(log_z(a)), "you returned Z(alpha) alone"),
        (acceptance_simulated, "a simulated rate has sampling noise"),
    ]),
    "9.5": (exercises.check_ex_9_5, [welsch, welsch_naive, welsch_torch], [
        (welsch_variant(half=1.0), "the factor 1/2 is missing"),
        (welsch_variant(one=False), "the loss is 1 minus it"),
        (welsch_variant(sign=-1.0), "yours has the opposite sign"),
        (welsch_variant(power=0), "Divide x by the scale before squaring"),
        (welsch_variant(power=1), "not x^2 / c"),
    ]),
    "10.1": (exercises.check_ex_10_1, [cosface_theta, cosface_numpy, cosface_list], [
        (cosface_blocks(t_intercept=lambda m: m), "t's intercepts are -margin."),
        (cosface_blocks(t_intercept=lambda m: 0.0), "leaves the margin out"),
        (cosface_blocks(order=(2, 3, 0, 1)), "yours has tau first"),
        (cosface_blocks(order=(1, 0, 3, 2)), "Slopes come before intercepts"),
        (cosface_interleaved, "not stored piece by piece"),
        (cosface_blocks(tau_intercept=lambda m: -m), "The margin belongs to t only"),
        (lambda m, n: torch.cat([torch.ones(n), -m * torch.ones(n), torch.ones(n), torch.zeros(n)]),
         "returned a Tensor of dtype float32"),
        (lambda m, n: torch.tensor([1.0, -m, 1.0, 0.0], dtype=torch.float64), "length 4 * n_intervals"),
        (lambda m, n: cosface_theta(m, n).reshape(4, n), "theta is 1-d"),
    ]),
    "10.2": (exercises.check_ex_10_2, [focal_gradient_weight, focal_factored, focal_by_lossbook_gradients], [
        (focal_variant(log_term=False), "differentiate both factors"),
        (focal_variant(sign=1.0), "Check the sign of the second term"),
        (focal_variant(shift=0.0), "the exponent drops by one"),
        (focal_variant(with_p=False), "the second term has a factor p"),
        (lambda p, g: g * (1 - p) ** (g - 1) * np.log(p) - (1 - p) ** g / p, "derivative d/dp itself"),
        (lambda p, g: -(1 - p) ** g * np.log(p), "That is the focal loss itself"),
    ]),
    "10.4": (exercises.check_ex_10_4, [my_reinforce_grad, reinforce_autograd], [
        (reinforce_variant(ddof=1), "population standard deviation"),
        (reinforce_torch_std, "torch.std divides by B - 1"),
        (reinforce_variant(center=False, scale=False), "not the raw rewards"),
        (reinforce_variant(scale=False), "Divide the centred rewards by their standard deviation"),
        (reinforce_variant(center=False), "Subtract the mean reward"),
        (reinforce_variant(power=1), "divide by sigma squared, not sigma"),
        (reinforce_variant(power=0), "Divide by sigma^2"),
        (reinforce_variant(mean=False), "Average over the B samples"),
        (reinforce_variant(sign=-1.0), "not (mu - theta) / sigma^2"),
        (reinforce_other_names, "cannot be called as the exercise says"),
    ]),
    "10.6": (exercises.check_ex_10_6, [fraction_nonpositive, fraction_by_loops], [
        (sigma_variant(strict=True), "tau <= 0 counts, not only tau < 0"),
        (sigma_variant(ends="left"), "Check the right end of every piece too"),
        (sigma_variant(ends="edges"), "tau at the edges alone misses"),
        (sigma_variant(blocks=(0, 1)), "Use tau's half of theta"),
        (sigma_variant(per="end"), "Count rows, not pieces"),
        (sigma_variant(reduce="sum"), "Return a fraction"),
        (sigma_variant(per="all"), "not on every piece"),
        (sigma_variant(per="positive"), "whose tau stays positive"),
        (sigma_on_grid, "A grid can miss a short stretch below 0"),
    ]),
}

CORRECT, WRONG = correct_and_wrong(CASES)


def test_the_table_covers_chapters_9_and_10():
    assert set(CASES) == {n for n, e in _core.EXERCISES.items() if e.chapter in (9, 10)}
    assert set(CASES) == {"9.1", "9.2", "9.3", "9.4", "9.5", "10.1", "10.2", "10.4", "10.6"}
    names = [e.check.__name__ for n, e in _core.EXERCISES.items() if n in CASES]
    assert set(names) <= set(exercises.__all__) and all(getattr(exercises, n) for n in names)


@pytest.mark.parametrize("number,k", CORRECT, ids=[f"{n}-{k}" for n, k in CORRECT])
def test_correct_answers_pass_on_every_seed(number, k, capsys):
    check, answers, _ = CASES[number]
    seeds = QUAD_SEEDS if number in ("9.3", "9.4") and k > 0 else SEEDS
    assert_passes_on_seeds(check, answers[k], number, seeds, capsys, wrapped=True)


@pytest.mark.parametrize("number,k", WRONG, ids=[f"{n}-{k}" for n, k in WRONG])
def test_each_typical_mistake_gets_its_own_hint(number, k):
    check, _, mistakes = CASES[number]
    answer, words = mistakes[k]
    assert_mistake_hinted(check, answer, number, words)


@pytest.mark.parametrize("number", CASES)
def test_a_stub_is_not_written_yet(number, capsys):
    check, _, _ = CASES[number]
    name = _core.EXERCISES[number].answers[0]
    assert_not_written(check(stub_named(name)), capsys, re.escape(name))


def _reference_lines():
    """The code lines of the chapter modules' private functions and of the lossbook code they call."""
    return reference_lines((ch09, ch10), (
        robust.general_loss, robust.general_loss_grad, robust.log_partition, amlfs.theta_from_functions,
        amlfs.theta_from_knots, amlfs._line_pieces, amlfs.reinforce_grad, amlfs.standardize,
        amlfs.tau_transform, amlfs.piecewise_linear, amlfs._evaluate_pieces))


def test_no_message_shows_reference_code():
    secret = _reference_lines()
    assert "return delta**2 * _robust.general_loss(x, 1.0, delta)" in secret  # the test can fail
    assert_no_reference_code(CASES, secret, (ch09, ch10), ("robust", "amlfs"))


# --------------------------------------------------------------------------- what these checks add


def test_quad_at_its_default_tolerance_passes_and_1e_7_does_not():
    assert exercises.check_ex_9_3(log_partition_default_quad, seed=0, quiet=True)
    off = lambda a: log_z(a) + 1e-7  # noqa: E731
    result = exercises.check_ex_9_3(off, seed=0, quiet=True)
    assert result.status == "failed" and "Your value is" not in result.message
    assert exercises.check_ex_9_3(lambda a: log_z(a) + 5e-9, seed=0, quiet=True)


def test_an_independent_integral_passes():
    assert exercises.check_ex_9_3(log_partition_mpmath, seed=3, quiet=True).status == "passed"


def test_the_printed_formula_fails_at_alpha_0_with_a_hint():
    message = flat(exercises.check_ex_9_3(log_partition_printed_formula, seed=0, quiet=True).message)
    assert "my_log_partition raised ZeroDivisionError." in message and "[alpha = 0: Cauchy" in message
    assert "the printed formula divides by 0 at alpha = 0 and alpha = 2" in message


def test_a_simulated_acceptance_rate_is_named_close_but_not_exact():
    message = flat(exercises.check_ex_9_4(acceptance_simulated, seed=0, quiet=True).message)
    simulated = acceptance_simulated(1.0)
    assert (f"For alpha = 1 it returned {simulated:.6g}, {abs(simulated / acceptance_rate(1.0) - 1):.2%} "
            f"from Z(alpha) / Z(0) = {acceptance_rate(1.0):.10g}.") in message


def test_sigma_is_passed_by_name():
    message = flat(exercises.check_ex_10_4(reinforce_other_names, seed=0, quiet=True).message)
    assert ("It cannot be called as the exercise says, my_reinforce_grad(thetas, rewards, mu, *, sigma): "
            "missing a required argument: 'std'.") in message
    assert exercises.check_ex_10_4(lambda thetas, rewards, mu, sigma: my_reinforce_grad(
        thetas, rewards, mu, sigma=sigma), seed=0, quiet=True)


def test_a_float32_theta_is_refused_even_when_its_values_round_right():
    result = exercises.check_ex_10_1(lambda m, n: torch.tensor(cosface_list(m, n), dtype=torch.float32),
                                     seed=0, quiet=True)
    assert "For margin = 0.2, n_intervals = 3 it returned a Tensor of dtype float32." in flat(result.message)
    assert "Make theta float64" in flat(result.message)


def test_the_cases_cover_what_the_about_lines_say():
    rng = np.random.default_rng(0)
    log_z_alphas = [c.args["alpha"] for c in ch09._log_z_cases(rng)]
    assert {0.0, 0.3, 1.0, 1.7, 2.0, 5.0} <= set(log_z_alphas) and max(log_z_alphas) == 20.0
    weight_alphas = [c.args["alpha"] for c in ch09._weight_cases(rng)]
    assert 2.0 not in weight_alphas and min(weight_alphas) == -10.0 and max(weight_alphas) == 10.0
    assert [c.args["n_intervals"] for c in ch10._cosface_cases(rng)][:2] == [3, 1]
    # the edge rows of 10.6: 6 of 7 clamped, and each shortcut counts differently
    shortcuts = [sigma_variant(strict=True), sigma_variant(ends="left"), sigma_variant(ends="edges"),
                 sigma_on_grid, sigma_variant(per="positive")]
    assert fraction_by_loops(ch10._EDGE_ROWS) == 6 / 7
    assert [round(f(ch10._EDGE_ROWS) * 7) for f in shortcuts] == [5, 2, 3, 4, 1]


# --------------------------------------------------------------------------- the references against oracles


def test_pseudo_huber_and_welsch_references_against_mpmath():
    x = np.array([-1e3, -3.0, -0.1, 0.0, 1e-5, 0.7, 25.0])
    with mpmath.workdps(50):
        for delta in (0.1, 1.0, 3.0):
            want = [float(delta**2 * (mpmath.sqrt(1 + (mpmath.mpf(v) / delta) ** 2) - 1)) for v in x]
            np.testing.assert_allclose(ch09._ref_pseudo_huber(x, delta), want, rtol=1e-13, atol=0)
            want = [float(-mpmath.expm1(-(mpmath.mpf(v) / delta) ** 2 / 2)) for v in x]
            np.testing.assert_allclose(ch09._ref_welsch(x, delta), want, rtol=1e-13, atol=0)


def test_the_weight_reference_is_autograd_over_x():
    x = np.array([-7.0, -1.3, 0.2, 0.0, 4.0, 150.0])
    for alpha, scale in ((0.0, 1.0), (1.0, 0.5), (-2.0, 2.0), (3.0, 1.3), (-10.0, 1.0), (10.0, 2.0)):
        xt = torch.tensor(x, requires_grad=True)
        b = abs(alpha - 2)
        rho = b / alpha * (((xt / scale) ** 2 / b + 1) ** (alpha / 2) - 1) if alpha else \
            torch.log1p((xt / scale) ** 2 / 2)
        (grad,) = torch.autograd.grad(rho.sum(), xt)
        want = np.where(x == 0, 1 / scale**2, grad.numpy() / np.where(x == 0, 1, x))
        np.testing.assert_allclose(ch09._ref_weight(x, alpha, scale), want, rtol=1e-12, atol=0)


def test_log_partition_and_acceptance_references_against_closed_forms_and_mpmath():
    assert math.isclose(ch09._ref_log_z(0.0), math.log(math.pi * math.sqrt(2)), rel_tol=1e-14)
    assert math.isclose(ch09._ref_log_z(2.0), 0.5 * math.log(2 * math.pi), rel_tol=1e-14)
    assert math.isclose(ch09._ref_acceptance(2.0), 1 / math.sqrt(math.pi), rel_tol=1e-13)
    assert ch09._ref_acceptance(0.0) == 1.0
    for alpha in (0.3, 1.7, 5.0):
        assert math.isclose(ch09._ref_log_z(alpha), log_partition_mpmath(alpha), rel_tol=0, abs_tol=1e-12)


def test_the_cosface_reference_reproduces_t_tau_and_the_cosface_loss():
    for margin, n in ((0.2, 3), (0.35, 1), (0.5, 8)):
        theta = torch.from_numpy(ch10._ref_cosface(margin, n))
        x = torch.linspace(-1, 1, 41, dtype=torch.float64)
        p = torch.linspace(0, 1, 41, dtype=torch.float64)
        torch.testing.assert_close(amlfs.t_transform(x, theta), x - margin, rtol=0, atol=1e-15)
        torch.testing.assert_close(amlfs.tau_transform(p, theta), p, rtol=0, atol=1e-15)
    gen = torch.Generator().manual_seed(0)
    cos = torch.rand(16, 5, dtype=torch.float64, generator=gen) * 2 - 1
    y = torch.randint(0, 5, (16,), generator=gen)
    got = amlfs.amlfs_loss(cos, y, torch.from_numpy(ch10._ref_cosface(0.2, 3)), scale=10.0)
    want = F.cross_entropy(10.0 * (cos - 0.2 * F.one_hot(y, 5).double()), y)
    torch.testing.assert_close(got, want, rtol=1e-12, atol=0)


def test_the_focal_reference_against_mpmath():
    for gamma in (0.0, 0.5, 2.0, 5.0):
        p = np.array([1e-8, 0.01, 0.3, 0.5, 0.99, 1 - 1e-8])
        want = [float((1 - mpmath.mpf(v)) ** gamma - gamma * mpmath.mpf(v) * (1 - mpmath.mpf(v)) ** (gamma - 1)
                      * mpmath.log(mpmath.mpf(v))) for v in p]
        np.testing.assert_allclose(ch10._ref_focal(p, gamma), want, rtol=1e-12, atol=0)


def test_the_reinforce_reference_is_autograd_of_the_log_density():
    rng = np.random.default_rng(5)
    thetas, rewards, mu = rng.normal(size=(6, 8)), rng.uniform(size=6), rng.normal(size=8)
    np.testing.assert_allclose(ch10._ref_reinforce(thetas, rewards, mu, 0.3),
                               reinforce_autograd(thetas, rewards, mu, sigma=0.3), rtol=1e-12, atol=1e-12)


def test_the_clamp_reference_against_a_fine_grid():
    # Around the identity, where no tau is near 0 at a piece's end by chance: a grid of step 1e-5
    # (which contains every edge) must agree with the two ends of every piece.
    rng = np.random.default_rng(2)
    thetas = amlfs.identity_theta(2).numpy() + 0.3 * rng.standard_normal((300, 8))
    grid = np.linspace(0, 1, 100_001)
    left = grid[(grid > 0.49) & (grid < 0.5)]  # still on the first piece
    m = 2
    piece = np.minimum((grid * m).astype(int), m - 1)
    tau = thetas[:, 2 * m + piece] * grid + thetas[:, 3 * m + piece]
    tau_left = thetas[:, [2]] * left + thetas[:, [4]]
    want = np.mean(np.any(tau <= 0, axis=1) | np.any(tau_left <= 0, axis=1))
    assert ch10._ref_sigma(thetas) == want and 0.3 < want < 0.9


def test_grading_a_notebook_of_chapter_10():
    namespace = {"cosface_theta": cosface_theta, "focal_gradient_weight": focal_variant(sign=1.0),
                 "fraction_nonpositive": fraction_nonpositive}
    results = exercises.grade(namespace, chapter=10, seed=0)
    assert {n: r.status for n, r in results.items()} == {"10.1": "passed", "10.2": "failed",
                                                         "10.4": "missing", "10.6": "passed"}


def test_the_checks_have_the_signatures_a_student_sees():
    assert str(inspect.signature(exercises.check_ex_10_4)) == "(my_reinforce_grad, /, *, seed=None, quiet=False)"
    assert re.search(r"Exercise 9\.3 \(``ex-robust-log-z``\)", exercises.check_ex_9_3.__doc__)
    rows = [row for row in exercises.listing() if row[0].split(".")[0] in ("9", "10")]
    assert rows == [
        ("9.1", "ex-robust-pseudo-huber", "exercises.check_ex_9_1(pseudo_huber)"),
        ("9.2", "ex-robust-weight", "exercises.check_ex_9_2(irls_weight)"),
        ("9.3", "ex-robust-log-z", "exercises.check_ex_9_3(my_log_partition)"),
        ("9.4", "ex-robust-acceptance", "exercises.check_ex_9_4(acceptance_rate)"),
        ("9.5", "ex-robust-welsch", "exercises.check_ex_9_5(welsch)"),
        ("10.1", "ex-amlfs-cosface", "exercises.check_ex_10_1(cosface_theta)"),
        ("10.2", "ex-amlfs-focal-weight", "exercises.check_ex_10_2(focal_gradient_weight)"),
        ("10.4", "ex-amlfs-reinforce", "exercises.check_ex_10_4(my_reinforce_grad)"),
        ("10.6", "ex-amlfs-sigma", "exercises.check_ex_10_6(fraction_nonpositive)"),
    ]
