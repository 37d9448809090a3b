r"""Self-checks of chapter 10 (AM-LFS, loss-function search).

The references are :mod:`lossbook.amlfs`'s tested functions
(:func:`amlfs.theta_from_functions`, :func:`amlfs.reinforce_grad` with
:func:`amlfs.standardize`, :func:`amlfs.tau_transform`) and, for the focal
loss's gradient weight, PyTorch's autograd of the focal loss as a function
of the target probability.
"""
import numpy as np
import torch

from lossbook import amlfs as _amlfs

from ._core import AnswerProblem, Case, Mistake, Spec, _call_by_name, self_check

# --------------------------------------------------------------------------- 10.1 CosFace's theta


def _cosface_cases(rng):
    return [
        Case(dict(margin=0.2, n_intervals=3), "the exercise's theta"),
        Case(dict(margin=0.35, n_intervals=1), "one interval"),
        Case(dict(margin=float(np.round(rng.uniform(0.05, 0.5), 2)), n_intervals=int(rng.integers(2, 7)))),
        Case(dict(margin=float(np.round(rng.uniform(0.05, 0.5), 3)), n_intervals=int(rng.integers(2, 7)))),
        Case(dict(margin=0.5, n_intervals=8), "eight intervals"),
        Case(dict(margin=0.0, n_intervals=2), "margin 0: the identity"),
    ]


def _ref_cosface(margin, n_intervals):
    # A line on an interval of positive length has exactly one slope and one intercept, so the theta
    # of t(x) = x - m and tau(p) = p is unique: comparing its numbers compares t and tau.
    return _amlfs.theta_from_functions(lambda x: x - margin, lambda p: p, n_intervals).numpy()


def _blocks(margin, n, t=(1.0, None), tau=(1.0, 0.0), order=(0, 1, 2, 3)):
    r"""A theta of four constant blocks: t's slope and intercept (None: -margin), then tau's."""
    values = [t[0], -margin if t[1] is None else t[1], tau[0], tau[1]]
    return np.concatenate([np.full(n, values[k], dtype=np.float64) for k in order])


def _interleaved(margin, n):
    return np.concatenate([np.tile([1.0, -margin], n), np.tile([1.0, 0.0], n)])


def _call_cosface(answers, margin, n_intervals):
    theta = answers[0](margin, n_intervals)
    dtype = getattr(theta, "dtype", None)
    if dtype is not None and str(dtype) not in ("float64", "torch.float64"):
        raise AnswerProblem(f"For margin = {margin:g}, n_intervals = {n_intervals} it returned a "
                            f"{type(theta).__name__} of dtype {str(dtype).replace('torch.', '')}.",
                            "Make theta float64: torch.ones(n_intervals, dtype=torch.float64), or "
                            "theta.double().")
    shape = tuple(getattr(theta, "shape", ()))
    if len(shape) > 1 or (len(shape) == 1 and shape[0] != 4 * n_intervals):
        raise AnswerProblem(f"For n_intervals = {n_intervals} it returned shape {shape}; theta is "
                            f"1-d, of length 4 * n_intervals = {4 * n_intervals}.",
                            "theta is four blocks of n_intervals numbers each, one after the other "
                            "(torch.cat): slopes of t, intercepts of t, slopes of tau, intercepts "
                            "of tau.")
    return theta


@self_check("10.1", "ex-amlfs-cosface", answers="cosface_theta")
def check_ex_10_1(rng):
    r"""Self-check of Exercise 10.1 (``ex-amlfs-cosface``): ``cosface_theta(margin, n_intervals)``.

    Pass your function: ``exercises.check_ex_10_1(cosface_theta)``. It must
    return the float64 :math:`\theta` of length :math:`4M` (``M =
    n_intervals``) whose margin transform is :math:`t(x) = x - m` and whose
    probability transform is :math:`\tau(p) = p`, in the layout of
    :func:`amlfs.split_theta`: slopes of t, intercepts of t, slopes of
    :math:`\tau`, intercepts of :math:`\tau`, M numbers each.
    """
    return Spec(
        cases=_cosface_cases(rng),
        reference=_ref_cosface,
        call=_call_cosface,
        about="margins 0 to 0.5, one to eight intervals",
        mistakes=(
            Mistake("CosFace subtracts the margin, t(x) = x - m: t's intercepts are -margin.",
                    lambda m, n: _blocks(m, n, t=(1.0, m))),
            Mistake("Your theta leaves the margin out: t's intercepts are -margin (with 0 it is "
                    "plain cross-entropy).", lambda m, n: _blocks(m, n, t=(1.0, 0.0))),
            Mistake("t comes first, then tau: theta is (slopes of t, intercepts of t, slopes of "
                    "tau, intercepts of tau); yours has tau first.",
                    lambda m, n: _blocks(m, n, order=(2, 3, 0, 1))),
            Mistake("Slopes come before intercepts in each half: (slopes of t, intercepts of t, "
                    "slopes of tau, intercepts of tau).", lambda m, n: _blocks(m, n, order=(1, 0, 3, 2))),
            Mistake("theta is not stored piece by piece: all M slopes of t come first, then its M "
                    "intercepts (then the same for tau), as amlfs.split_theta reads it.", _interleaved),
            Mistake("The margin belongs to t only: tau is the identity, tau(p) = p, with "
                    "intercepts 0.", lambda m, n: _blocks(m, n, tau=(1.0, -m))),
        ),
        hint="Every piece of t is the line x - margin (slope 1, intercept -margin) and every piece "
             "of tau the line p (slope 1, intercept 0): four blocks of n_intervals numbers, "
             "concatenated in the order of amlfs.split_theta.",
    )


# --------------------------------------------------------------------------- 10.2 focal gradient weight


def _focal_cases(rng):
    def probabilities(shape):
        return np.round(rng.uniform(0.01, 0.99, shape), 4)

    cases = [Case(dict(p=probabilities(6), gamma=g)) for g in (2.0, 0.5, 1.0, 5.0)]
    cases += [
        Case(dict(p=probabilities((3, 4)), gamma=2.0), "a 2-d array"),
        Case(dict(p=probabilities(5), gamma=0.0), "gamma = 0: cross-entropy, w = 1"),
        Case(dict(p=np.array([1e-8, 1e-4, 0.5, 1 - 1e-4, 1 - 1e-8]), gamma=2.0), "p near 0 and near 1"),
        Case(dict(p=rng.uniform(0.01, 0.99, 5).astype(np.float32), gamma=2.0), "float32"),
    ]
    return cases


def _ref_focal(p, gamma):
    # w(p) = (d FL / dp) / (d CE / dp) with CE = -log p: -p times the derivative of the focal
    # loss -(1 - p)^gamma log p, by autograd.
    pt = torch.tensor(np.asarray(p, dtype=np.float64), requires_grad=True)
    (grad,) = torch.autograd.grad((-(1 - pt) ** gamma * torch.log(pt)).sum(), pt)
    return (-pt * grad).detach().numpy()


def _wrong_focal(p, g, *, log_term=True, sign=-1.0, shift=1.0, with_p=True):
    out = (1 - p) ** g
    if log_term:
        out = out + sign * g * (p if with_p else 1.0) * (1 - p) ** (g - shift) * np.log(p)
    return out


@self_check("10.2", "ex-amlfs-focal-weight", answers="focal_gradient_weight")
def check_ex_10_2(rng):
    r"""Self-check of Exercise 10.2 (``ex-amlfs-focal-weight``): ``focal_gradient_weight(p, gamma)``.

    Pass your function: ``exercises.check_ex_10_2(focal_gradient_weight)``.
    It must return, elementwise for target probabilities ``p`` in (0, 1),
    the focal loss's gradient divided by cross-entropy's,
    :math:`w(p) = (1-p)^\gamma - \gamma p (1-p)^{\gamma-1}\log p`.
    """
    return Spec(
        cases=_focal_cases(rng),
        reference=_ref_focal,
        about="gamma 0 to 5, a 2-d array, p from 1e-8 to 1 - 1e-8, float32",
        mistakes=(
            Mistake("The focal loss -(1 - p)^gamma log p is a product: differentiate both factors. "
                    "(1 - p)^gamma alone is the ratio of the losses, not of their gradients.",
                    lambda p, g: _wrong_focal(p, g, log_term=False)),
            Mistake("Check the sign of the second term: log p < 0, so w(p) = (1 - p)^gamma - "
                    "gamma p (1 - p)^(gamma - 1) log p is larger than (1 - p)^gamma.",
                    lambda p, g: _wrong_focal(p, g, sign=1.0)),
            Mistake("The derivative of (1 - p)^gamma is -gamma (1 - p)^(gamma - 1): the exponent "
                    "drops by one.", lambda p, g: _wrong_focal(p, g, shift=0.0)),
            Mistake("Dividing by cross-entropy's derivative -1/p multiplies by -p: the second "
                    "term has a factor p.", lambda p, g: _wrong_focal(p, g, with_p=False)),
            Mistake("That is the focal loss's derivative d/dp itself; w(p) is it divided by "
                    "cross-entropy's, -1/p.",
                    lambda p, g: g * (1 - p) ** (g - 1) * np.log(p) - (1 - p) ** g / p),
            Mistake("That is the focal loss itself; w(p) is the ratio of its derivative to "
                    "cross-entropy's.", lambda p, g: -(1 - p) ** g * np.log(p)),
        ),
        hint="Differentiate the focal loss -(1 - p)^gamma log p in p (product rule), then divide "
             "by cross-entropy's derivative, -1/p.",
    )


# --------------------------------------------------------------------------- 10.4 REINFORCE

_REINFORCE_USAGE = "my_reinforce_grad(thetas, rewards, mu, *, sigma)"


def _reinforce_cases(rng):
    def case(n_copies, dim, sigma, note="", rewards=None):
        mu = np.round(rng.normal(0, 1, dim), 4)
        thetas = np.round(mu + sigma * rng.standard_normal((n_copies, dim)), 4)
        if rewards is None:  # accuracies, all different (equal rewards carry no information)
            rewards = np.round(rng.uniform(0.5, 1.0, n_copies), 4) + 1e-5 * np.arange(n_copies)
        return Case(dict(thetas=thetas, rewards=rewards, mu=mu, sigma=sigma), note)

    return [
        case(6, 8, 0.3, "the exercise's sizes"),
        case(4, 8, 0.2),
        case(int(rng.integers(3, 10)), 12, float(np.round(rng.uniform(0.05, 0.5), 2))),
        case(2, 4, 0.1, "two copies: the advantages are +1 and -1", rewards=np.array([0.91, 0.87])),
        case(16, 4, 1.0, "sigma = 1"),
        case(5, 8, 0.5, "one reward far below the others", rewards=np.array([0.9, 0.91, 0.1, 0.89, 0.92])),
    ]


def _ref_reinforce(thetas, rewards, mu, sigma):
    return _amlfs.reinforce_grad(thetas, _amlfs.standardize(rewards), mu, sigma=sigma)


def _call_reinforce(answers, thetas, rewards, mu, sigma):
    return _call_by_name(answers[0], _REINFORCE_USAGE, (thetas, rewards, mu), dict(sigma=sigma))


def _wrong_reinforce(thetas, rewards, mu, sigma, *, center=True, scale=True, ddof=0, power=2, mean=True,
                     sign=1.0):
    adv = rewards - rewards.mean() if center else rewards
    adv = adv / rewards.std(ddof=ddof) if scale else adv
    return sign * adv @ (thetas - mu) / ((len(adv) if mean else 1) * sigma**power)


@self_check("10.4", "ex-amlfs-reinforce", answers="my_reinforce_grad")
def check_ex_10_4(rng):
    r"""Self-check of Exercise 10.4 (``ex-amlfs-reinforce``): ``my_reinforce_grad``.

    Pass your function: ``exercises.check_ex_10_4(my_reinforce_grad)``. Called
    as ``my_reinforce_grad(thetas, rewards, mu, sigma=...)`` with ``thetas``
    of shape (B, D), ``rewards`` of shape (B,) (not all equal) and ``mu`` of
    shape (D,), it must standardise the rewards (population standard
    deviation) and return :math:`\frac1B\sum_i A_i(\theta_i - \mu)/\sigma^2`,
    shape (D,).
    """
    return Spec(
        cases=_reinforce_cases(rng),
        reference=_ref_reinforce,
        call=_call_reinforce,
        about="2 to 16 copies, 4 to 12 parameters, sigma 0.05 to 1, an outlying reward",
        mistakes=(
            Mistake("Standardise with the population standard deviation, rewards.std() in NumPy "
                    "(ddof=0), as amlfs.standardize; torch.std divides by B - 1 unless "
                    "correction=0.", lambda *a: _wrong_reinforce(*a, ddof=1)),
            Mistake("Standardise the rewards first: A = (R - mean(R)) / std(R), not the raw "
                    "rewards.", lambda *a: _wrong_reinforce(*a, center=False, scale=False)),
            Mistake("Divide the centred rewards by their standard deviation too: A = (R - mean(R)) "
                    "/ std(R).", lambda *a: _wrong_reinforce(*a, scale=False)),
            Mistake("Subtract the mean reward before dividing by the standard deviation.",
                    lambda *a: _wrong_reinforce(*a, center=False)),
            Mistake("The gradient of log N(theta; mu, sigma^2) in mu is (theta - mu) / sigma^2: "
                    "divide by sigma squared, not sigma.", lambda *a: _wrong_reinforce(*a, power=1)),
            Mistake("Divide by sigma^2: the gradient of the Gaussian's log-density in mu is "
                    "(theta - mu) / sigma^2.", lambda *a: _wrong_reinforce(*a, power=0)),
            Mistake("Average over the B samples (divide by B), not sum.",
                    lambda *a: _wrong_reinforce(*a, mean=False)),
            Mistake("The gradient in mu is (theta - mu) / sigma^2, not (mu - theta) / sigma^2: "
                    "yours points away from the better samples.", lambda *a: _wrong_reinforce(*a, sign=-1.0)),
        ),
        hint="A = (R - mean(R)) / std(R); then the mean over i of A_i (theta_i - mu) / sigma^2, "
             "one number per parameter: A @ (thetas - mu) / (B sigma^2).",
    )


# --------------------------------------------------------------------------- 10.6 clamped tau

#: Hand-made rows of theta (M = 2: t's slopes, t's intercepts, tau's slopes, tau's intercepts),
#: 6 of 7 clamped. Each shortcut counts a different number of them (strict < 0: 5, the left ends
#: only: 2, tau at the edges only: 3, a grid of step 0.01: 4, tau > 0: 1).
_EDGE_ROWS = np.array([
    [1, 1, 0, 0, 1, 1, 0, 0],             # the identity: tau(0) = 0 counts (<= 0)
    [1, 1, 0, 0, -1, 1, 0.4999, 0],       # piece 1 dips below 0 only on (0.4999, 0.5)
    [1, 1, 0, 0, -0.5, 0.5, 0.2499, 0.1],  # piece 1 dips below 0 only on (0.4998, 0.5)
    [1, 1, 0, 0, -2, 1, 0.95, 0.2],       # piece 1 is below 0 on (0.475, 0.5)
    [1, 1, 0, 0, 1, -1, 0.1, 0.9],        # piece 2 reaches -0.1 at p = 1
    [1, 1, 0, 0, 2, 2, -1.5, -0.2],       # piece 1 is below 0 from p = 0 on; piece 2 positive
    [-1, -1, -2, -2, 1, 1, 0.2, 0.2],     # t is negative everywhere, tau positive: not clamped
], dtype=np.float64)


def _sigma_cases(rng):
    def around_identity(n_rows, n_intervals, sigma):
        return _amlfs.identity_theta(n_intervals).numpy() + sigma * rng.standard_normal((n_rows, 4 * n_intervals))

    return [
        Case(dict(thetas=around_identity(200, 2, 0.2)), "200 samples, M = 2, sigma = 0.2"),
        Case(dict(thetas=around_identity(200, 2, 0.5)), "200 samples, M = 2, sigma = 0.5"),
        Case(dict(thetas=around_identity(100, 1, 0.1)), "100 samples, M = 1, sigma = 0.1"),
        Case(dict(thetas=around_identity(100, 3, 0.3)), "100 samples, M = 3, sigma = 0.3"),
        Case(dict(thetas=_EDGE_ROWS.copy()), "hand-made rows: the identity, dips just before the "
                                             "edge 0.5, negative at p = 1"),
        Case(dict(thetas=np.array([[1.0, -0.2, 1.0, 0.05]])), "one row, positive"),
    ]


def _ref_sigma(thetas):
    # Each piece of tau is linear on [xi_i, xi_{i+1}), so its smallest value is at an end: tau at
    # the edges, and just left of each inner edge (where the piece on the left still applies).
    thetas = torch.as_tensor(thetas, dtype=torch.float64)
    edges = _amlfs.interval_edges(thetas.shape[1] // 4, low=0.0, high=1.0)
    points = torch.cat([edges, torch.nextafter(edges[1:-1], torch.zeros(()))])
    clamped = [bool((_amlfs.tau_transform(points, theta) <= 0).any()) for theta in thetas]
    return float(np.mean(clamped))


def _tau_ends(thetas):
    n = thetas.shape[1] // 4
    a, b = thetas[:, 2 * n:3 * n], thetas[:, 3 * n:]
    left = np.arange(n) / n
    return a * left + b, a * (left + 1 / n) + b


def _wrong_sigma(*, strict=False, right=True, rows=True, count=False, every=False, blocks=(2, 3),
                 positive=False):
    def fraction(thetas):
        n = thetas.shape[1] // 4
        moved = np.concatenate([thetas[:, blocks[0] * n:(blocks[0] + 1) * n],
                                thetas[:, blocks[1] * n:(blocks[1] + 1) * n]] * 2, axis=1)
        start, end = _tau_ends(moved)
        ends = np.concatenate([start, end], axis=1) if right else start
        bad = ends < 0 if strict else ends <= 0
        if not rows:
            return float(np.mean(bad))
        per_row = bad.all(axis=1) if every else bad.any(axis=1)
        if positive:
            per_row = ~per_row
        return float(per_row.sum() if count else per_row.mean())
    return fraction


def _at_edges(thetas):
    start, end = _tau_ends(thetas)  # the left end of every piece, and tau(1)
    return float(np.mean(np.any(np.concatenate([start, end[:, -1:]], axis=1) <= 0, axis=1)))


def _on_grid(thetas, points=101):
    grid = torch.linspace(0, 1, points, dtype=torch.float64)
    return float(np.mean([bool((_amlfs.tau_transform(grid, torch.as_tensor(th)) <= 0).any()) for th in thetas]))


@self_check("10.6", "ex-amlfs-sigma", answers="fraction_nonpositive")
def check_ex_10_6(rng):
    r"""Self-check of Exercise 10.6 (``ex-amlfs-sigma``): ``fraction_nonpositive(thetas)``.

    Pass your function: ``exercises.check_ex_10_6(fraction_nonpositive)``.
    For ``thetas`` of shape (N, 4M), one :math:`\theta` per row, it must
    return the fraction of rows whose :math:`\tau` is :math:`\le 0`
    somewhere on [0, 1] (where :func:`amlfs.amlfs_loss` clamps it).
    """
    return Spec(
        cases=_sigma_cases(rng),
        reference=_ref_sigma,
        about="samples around the identity for M = 1, 2, 3, hand-made rows, one row",
        mistakes=(
            Mistake("tau <= 0 counts, not only tau < 0: the identity has tau(0) = 0, and "
                    "amlfs_loss clamps it there.", _wrong_sigma(strict=True)),
            Mistake("Check the right end of every piece too: a piece can fall below 0 just before "
                    "the next edge, or at p = 1.", _wrong_sigma(right=False)),
            Mistake("Check both ends of every piece: tau at the edges alone misses a piece that "
                    "falls below 0 just before the next edge, where the next piece takes over.",
                    _at_edges),
            Mistake("Use tau's half of theta: its slopes are columns 2M to 3M and its intercepts "
                    "3M to 4M (amlfs.split_theta); the first half is t.",
                    _wrong_sigma(blocks=(0, 1))),
            Mistake("Count rows, not pieces: a row counts once if any of its pieces is <= 0 "
                    "somewhere (np.any(..., axis=1)).", _wrong_sigma(rows=False)),
            Mistake("Return a fraction: divide the number of rows by the number of rows in thetas "
                    "(np.mean of the per-row booleans).", _wrong_sigma(count=True)),
            Mistake("A row counts if tau is <= 0 somewhere, on any piece (np.any), not on every "
                    "piece.", _wrong_sigma(every=True)),
            Mistake("That is the fraction of rows whose tau stays positive; the exercise asks "
                    "for those that reach <= 0.", _wrong_sigma(positive=True)),
            Mistake("A grid can miss a short stretch below 0: a linear piece is smallest at one of "
                    "its two ends, so check both ends of every piece instead.", _on_grid),
        ),
        hint="For each row take tau's slopes a and intercepts b, evaluate a xi + b at both ends of "
             "every piece (xi_i and xi_{i+1}), and count the row if any of them is <= 0.",
    )


__all__ = ["check_ex_10_1", "check_ex_10_2", "check_ex_10_4", "check_ex_10_6"]
