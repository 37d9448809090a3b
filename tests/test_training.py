"""The chapter-1 training loop: NumPy by hand == PyTorch, and both reach least squares."""
import numpy as np
import pytest
import torch

from lossbook import data, training
from lossbook.regression import l1_loss, l1_loss_grad


@pytest.fixture
def phones():
    return data.phone_prices(30, rng=np.random.default_rng(0))


def test_numpy_loop_equals_torch_loop_step_for_step(phones):
    ours = training.fit_line(phones.x, phones.y, lr=0.1, steps=200, w0=-3.0, b0=5.0)
    theirs = training.fit_line_torch(phones.x, phones.y, lr=0.1, steps=200, w0=-3.0, b0=5.0, device="cpu")
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_torch_loop_in_float32_is_close(phones):
    ours = training.fit_line(phones.x, phones.y, lr=0.1, steps=50)
    theirs = training.fit_line_torch(phones.x, phones.y, lr=0.1, steps=50, dtype=torch.float32, device="cpu")
    np.testing.assert_allclose(theirs.w, ours.w, rtol=1e-4)


def test_gradient_descent_reaches_the_least_squares_line(phones):
    # Oracle: the closed-form least-squares solution from numpy.linalg.lstsq.
    A = np.column_stack([phones.x, np.ones_like(phones.x)])
    (w_star, b_star), *_ = np.linalg.lstsq(A, phones.y, rcond=None)
    fit = training.fit_line(phones.x, phones.y, lr=0.2, steps=3000)
    assert fit.w[-1] == pytest.approx(w_star, rel=1e-9)
    assert fit.b[-1] == pytest.approx(b_star, rel=1e-9)


def test_cost_decreases_every_step_below_the_stability_limit(phones):
    # MSE of a line is a quadratic with Hessian H = 2/n [x 1]^T [x 1];
    # gradient descent decreases it monotonically for lr < 2 / lambda_max(H).
    A = np.column_stack([phones.x, np.ones_like(phones.x)])
    lam_max = np.linalg.eigvalsh(2 * A.T @ A / len(A)).max()
    fit = training.fit_line(phones.x, phones.y, lr=1.9 / lam_max, steps=100)
    assert np.all(np.diff(fit.loss) < 0)
    diverged = training.fit_line(phones.x, phones.y, lr=2.1 / lam_max, steps=100)
    assert diverged.loss[-1] > diverged.loss[0]


def test_history_shapes_and_first_entry(phones):
    fit = training.fit_line(phones.x, phones.y, lr=0.1, steps=7, w0=1.5, b0=-2.0)
    assert all(h.shape == (8,) for h in fit)
    assert (fit.w[0], fit.b[0]) == (1.5, -2.0)
    assert fit.loss[0] == pytest.approx(np.mean((1.5 * phones.x - 2.0 - phones.y) ** 2), rel=1e-14)


def test_zero_steps_records_only_the_start(phones):
    fit = training.fit_line(phones.x, phones.y, lr=0.1, steps=0)
    assert fit.w.tolist() == [0.0] and fit.b.tolist() == [0.0]


def test_another_loss_can_be_plugged_in(phones):
    # With L1 each step moves by lr * mean(sign(r) * x), at most lr * max|x| in w.
    fit = training.fit_line(phones.x, phones.y, lr=0.01, steps=5, loss=l1_loss, loss_grad=l1_loss_grad)
    assert np.all(np.abs(np.diff(fit.w)) <= 0.01 * phones.x.max() + 1e-15)
    assert fit.loss[0] == pytest.approx(np.mean(np.abs(phones.y)))


def test_default_device_matches_cuda_availability():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert training.default_device().type == expected


@pytest.mark.parametrize("fn", [training.fit_line, training.fit_line_torch])
def test_bad_arguments(fn):
    with pytest.raises(ValueError, match=r"^lr must be a finite number > 0; got -0\.1\.$"):
        fn([1.0, 2.0], [1.0, 2.0], lr=-0.1, steps=3)
    with pytest.raises(ValueError, match=r"^steps must be an integer >= 0; got -1\.$"):
        fn([1.0, 2.0], [1.0, 2.0], lr=0.1, steps=-1)
    with pytest.raises(ValueError, match=r"^x must be a 1-d array; got shape \(2, 1\)\.$"):
        fn([[1.0], [2.0]], [[1.0], [2.0]], lr=0.1, steps=3)
    with pytest.raises(ValueError, match=r"^x and y must have the same shape; got \(2,\) and \(3,\)\. Use y\.reshape\(x\.shape\)"):
        fn([1.0, 2.0], [1.0, 2.0, 3.0], lr=0.1, steps=3)


def test_loss_pair_fixes_options_for_both_twins(phones):
    from lossbook.regression import mse_loss
    pair = training.loss_pair(mse_loss, reduction="sum")
    r = np.array([1.0, -2.0])
    assert float(pair["loss"](r, 0 * r)) == 5.0            # 1 + 4, by hand
    np.testing.assert_array_equal(pair["loss_grad"](r, 0 * r), [2.0, -4.0])
    fit = training.fit_line(phones.x, phones.y, lr=0.1 / 30, steps=5, **pair)
    plain = training.fit_line(phones.x, phones.y, lr=0.1, steps=5)
    np.testing.assert_allclose(fit.w, plain.w, rtol=1e-12)  # sum with lr/n == mean with lr


def test_loss_pair_needs_a_twin():
    with pytest.raises(ValueError, match=r"^loss must have a gradient twin sum_grad in its module; got sum\.$"):
        training.loss_pair(sum)


def test_package_exports_resolve():
    import lossbook
    assert all(hasattr(lossbook, name) for name in lossbook.__all__)
    assert lossbook.cross_entropy is lossbook.classification.cross_entropy  # PyTorch's, not information's
