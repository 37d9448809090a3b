r"""Self-checks of chapter 3 (classification losses)."""
import numpy as np

from lossbook import classification as _classification

from ._core import Case, Mistake, Spec, self_check


def _logit_cases(rng):
    cases = [Case(dict(z=np.round(rng.normal(0, s, n), 4))) for s, n in ((1, 4), (3, 5), (1, 2), (100, 6))]
    cases += [
        Case(dict(z=np.array([3.0])), "one class"),
        Case(dict(z=np.array([5.0, 5.0, 5.0])), "all equal"),
        Case(dict(z=np.array([1e4, 0.0, -1e4])), "the exercise's extreme logits"),
        Case(dict(z=np.array([1000.0, 1000.5, 999.0])), "large positive logits"),
        Case(dict(z=np.array([-1000.0, -1000.5, -999.0])), "large negative logits"),
        Case(dict(z=rng.normal(0, 3, 5).astype(np.float32)), "float32"),
    ]
    # (z - m) - log-sum is exact up to rounding at the scale of the largest logit
    return [c._replace(scale=float(np.max(np.abs(c.args["z"])))) for c in cases]


def _ref_log_softmax(z):
    return _classification.log_softmax(z)


@self_check("3.2", "ex-stable-log-softmax", answers="log_softmax")
def check_ex_3_2(rng):
    r"""Self-check of Exercise 3.2 (``ex-stable-log-softmax``): ``log_softmax(z)``.

    Pass your function: ``exercises.check_ex_3_2(log_softmax)``. It must
    return the log-softmax of a 1-d array of logits, finite even for
    logits like ``[1e4, 0, -1e4]``.
    """
    return Spec(
        cases=_logit_cases(rng),
        reference=_ref_log_softmax,
        about="1 to 6 classes, equal logits, +-1e4, +-1000, float32",
        nonfinite_hint="exp of a large logit overflows (and of a very negative one underflows "
                       "to 0, whose log is -inf): subtract the largest logit m before "
                       "exponentiating, so that no exponent is positive.",
        mistakes=(
            Mistake("You returned the softmax probabilities; the exercise asks for their log "
                    "(computed directly, not as np.log of the softmax).",
                    lambda z: np.exp(_ref_log_softmax(z))),
            Mistake("After subtracting the maximum m inside the sum, subtract it from z as well: "
                    "(z - m) - log(sum(exp(z - m))).",
                    lambda z: z - np.log(np.sum(np.exp(z - z.max())))),
        ),
        hint="log softmax(z)_c = z_c - log(sum_k exp(z_k)); shifting every logit by the same m "
             "changes neither side, so shift by the largest logit before exponentiating.",
    )


def _batch_cases(rng):
    cases = []
    for n, c in ((3, 3), (5, 4), (1, 2), (4, 3), (6, 5)):
        cases.append(Case(dict(z=np.round(rng.normal(0, 2, (n, c)), 4), y=rng.integers(0, c, n))))
    cases += [
        Case(dict(z=np.zeros((2, 3)), y=np.array([0, 2])), "all logits zero"),
        Case(dict(z=np.round(rng.normal(0, 2, (4, 3)), 4), y=np.array([1, 1, 1, 1])), "one class only"),
        Case(dict(z=np.array([[1000.0, 0.0, -1000.0], [-1000.0, 999.0, 0.0]]), y=np.array([0, 2])),
             "logits of +-1000"),
    ]
    return cases


def _ref_ce_grad(z, y):
    return _classification.cross_entropy_grad(z, y)


def _onehot(z, y):
    return np.eye(z.shape[1])[y]


@self_check("3.3", "ex-ce-grad", answers="ce_grad")
def check_ex_3_3(rng):
    r"""Self-check of Exercise 3.3 (``ex-ce-grad``): ``ce_grad(z, y)``.

    Pass your function: ``exercises.check_ex_3_3(ce_grad)``. For logits ``z``
    of shape (N, C) and integer labels ``y`` of shape (N,), it must return
    the gradient of the *mean* cross-entropy over the batch with respect to
    ``z``, shape (N, C).
    """
    softmax = _classification.softmax
    return Spec(
        cases=_batch_cases(rng),
        reference=_ref_ce_grad,
        about="batches of 1 to 6, 2 to 5 classes, zero logits, one class only, logits of +-1000",
        nonfinite_hint="Compute the softmax stably: subtract each row's largest logit before "
                       "exponentiating (classification.softmax does).",
        mistakes=(
            Mistake("Remember the mean over the batch: divide by N, the number of rows.",
                    lambda z, y: softmax(z) - _onehot(z, y)),
            Mistake("The gradient is softmax(z) - one-hot(y), not the other way round.",
                    lambda z, y: (_onehot(z, y) - softmax(z)) / len(y)),
            Mistake("Use the softmax probabilities, not the log-softmax.",
                    lambda z, y: (_classification.log_softmax(z) - _onehot(z, y)) / len(y)),
            Mistake("Divide by N (the batch), not by N * C: the mean is over samples.",
                    lambda z, y: (softmax(z) - _onehot(z, y)) / z.size),
            Mistake("Take the softmax over the classes of each row (axis=-1), not down the batch.",
                    lambda z, y: (softmax(z, axis=0) - _onehot(z, y)) / len(y)),
            Mistake("Subtract the one-hot target: the gradient is softmax(z) - one-hot(y).",
                    lambda z, y: softmax(z) / len(y)),
        ),
        hint="Row n of the gradient is (softmax(z_n) - one-hot(y_n)) / N.",
    )


def _bce_cases(rng):
    cases = []
    for shape in ((6,), (5,), (2, 3)):
        cases.append(Case(dict(x=np.round(rng.normal(0, 5, shape), 4),
                               y=rng.integers(0, 2, shape).astype(np.float64))))
    xs = np.array([-1e4, -5.0, 0.0, 5.0, 1e4])
    cases += [
        Case(dict(x=xs, y=np.zeros(5)), "the exercise's logits, y = 0"),
        Case(dict(x=xs, y=np.ones(5)), "the exercise's logits, y = 1"),
        Case(dict(x=np.array([-800.0, 800.0, -800.0, 800.0]), y=np.array([0.0, 0.0, 1.0, 1.0])),
             "logits of +-800"),
        Case(dict(x=rng.normal(0, 5, 4).astype(np.float32), y=np.array([0, 1, 1, 0], np.float32)),
             "float32"),
    ]
    # max(x, 0) - x y cancels at large x: rounding is relative to |x|
    return [c._replace(scale=float(np.max(np.abs(c.args["x"])))) for c in cases]


def _ref_bce(x, y):
    return _classification.binary_cross_entropy_with_logits(x, y, reduction="none")


def _softplus_of_minus_abs(x):
    return np.log1p(np.exp(-np.abs(x)))


@self_check("3.4", "ex-bce-logits", answers="bce_logits")
def check_ex_3_4(rng):
    r"""Self-check of Exercise 3.4 (``ex-bce-logits``): ``bce_logits(x, y)``.

    Pass your function: ``exercises.check_ex_3_4(bce_logits)``. It must return
    the elementwise binary cross-entropy of logits ``x`` against labels
    ``y`` in {0, 1}, finite at ``x = +-1e4``.
    """
    return Spec(
        cases=_bce_cases(rng),
        reference=_ref_bce,
        about="random logits and labels, a 2-d array, x = +-1e4, +-800, float32",
        nonfinite_hint="log(sigmoid(x)) is log 0 at x = -1e4, and exp(-x) overflows there: "
                       "implement the stable form of the chapter's equation, whose exponent "
                       "is never positive.",
        mistakes=(
            Mistake("The middle term has the wrong sign: it is minus x times y.",
                    lambda x, y: np.maximum(x, 0) + x * y + _softplus_of_minus_abs(x)),
            Mistake("The term max(x, 0) is missing: it is what makes the formula right for "
                    "both signs of x.", lambda x, y: -x * y + _softplus_of_minus_abs(x)),
            Mistake("Use exp(-|x|), with the absolute value: for negative x, exp(-x) is "
                    "large (and overflows at x = -1e4).",
                    lambda x, y: np.maximum(x, 0) - x * y + np.log1p(np.exp(-x))),
            Mistake("Your loss is the one for the opposite label: with y = 1 the loss is small "
                    "for large positive x.", lambda x, y: _ref_bce(x, 1 - y)),
        ),
        hint="Derive it step by step: -log sigmoid(x) = log(1 + exp(-x)) and "
             "-log(1 - sigmoid(x)) = x + log(1 + exp(-x)); then rewrite for x < 0.",
    )


__all__ = ["check_ex_3_2", "check_ex_3_3", "check_ex_3_4"]
