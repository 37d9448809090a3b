"""Backprop by hand: every gradient against torch.autograd, gradient checks, training, init, errors."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from conftest import torch_value_and_grad
from lossbook.backprop import (
    MLP,
    Linear,
    ReLU,
    Sigmoid,
    Tanh,
    check_gradient,
    mse,
    softmax_cross_entropy,
)

ACTIVATIONS = ["relu", "sigmoid", "tanh"]
HEADS = ["cross_entropy", "mse"]
TORCH_ACTIVATIONS = {ReLU: torch.relu, Sigmoid: torch.sigmoid, Tanh: torch.tanh}


def assert_rel(actual, expected, rtol=1e-10):
    """Agreement to ``rtol`` relative to the largest entry of ``expected``.

    Entries that are sums of signed terms (a bias gradient sums over the
    batch) are only as accurate as the terms, so the scale is the array's, not
    each entry's.
    """
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = np.max(np.abs(expected), initial=0.0)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale + 1e-300)


def random_net(sizes, activation, seed, *, dtype=np.float64):
    """An MLP with random biases too (zero biases put pre-activations exactly at the ReLU kink)."""
    rng = np.random.default_rng(seed)
    net = MLP(sizes, activation=activation, rng=rng, dtype=dtype)
    for p in net.params():
        p += (0.5 * rng.standard_normal(p.shape)).astype(dtype)
    return net, rng


def batch(rng, sizes, head, n=5, dtype=np.float64):
    x = rng.standard_normal((n, sizes[0])).astype(dtype)
    if head == "cross_entropy":
        return x, rng.integers(0, sizes[-1], n)
    return x, rng.standard_normal((n, sizes[-1])).astype(dtype)


def ours(net, x, y, head):
    """Loss, parameter gradients and input gradient of the hand-written backprop."""
    out = net.forward(x)
    loss, grad = softmax_cross_entropy(out, y) if head == "cross_entropy" else mse(out, y)
    grad_x = net.backward(grad)
    return loss, [g.copy() for g in net.grads()], grad_x


def torch_oracle(net, x, y, head):
    """The same network in torch (weights copied, layer by layer), differentiated by autograd."""
    params = [torch.tensor(p, requires_grad=True) for p in net.params()]
    h = xt = torch.tensor(x, requires_grad=True)
    weights = iter(params)
    for layer in net.layers:
        if isinstance(layer, Linear):
            h = F.linear(h, next(weights), next(weights))
        else:
            h = TORCH_ACTIVATIONS[type(layer)](h)
    loss = F.cross_entropy(h, torch.tensor(y)) if head == "cross_entropy" else F.mse_loss(h, torch.tensor(y))
    loss.backward()
    return loss.detach().numpy(), [p.grad.numpy() for p in params], xt.grad.numpy()


# --- every gradient against torch.autograd --------------------------------------


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@given(sizes=st.lists(st.integers(1, 8), min_size=2, max_size=5), n=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_every_gradient_matches_autograd(activation, head, sizes, n, seed):
    # depth 1-4 linear layers, widths 1-8, batch 1-6
    net, rng = random_net(sizes, activation, seed)
    x, y = batch(rng, sizes, head, n)
    loss, grads, grad_x = ours(net, x, y, head)
    t_loss, t_grads, t_grad_x = torch_oracle(net, x, y, head)
    assert_rel(loss, t_loss)
    assert len(grads) == len(t_grads) == 2 * (len(sizes) - 1)
    for g, t in zip(grads, t_grads, strict=True):
        assert g.dtype == np.float64
        assert_rel(g, t)
    assert_rel(grad_x, t_grad_x)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_float32_network_keeps_its_dtype_and_matches_torch(activation):
    net, rng = random_net([3, 5, 4], activation, 0, dtype=np.float32)
    x, y = batch(rng, [3, 5, 4], "mse", dtype=np.float32)
    loss, grads, grad_x = ours(net, x, y, "mse")
    t_loss, t_grads, _ = torch_oracle(net, x, y, "mse")
    assert loss.dtype == grad_x.dtype == np.float32 and all(g.dtype == np.float32 for g in grads)
    for g, t in zip(grads, t_grads, strict=True):
        assert_rel(g, t, rtol=1e-5)


def test_params_and_grads_come_in_the_order_w1_b1_w2_b2():
    net, rng = random_net([2, 3, 4], "tanh", 0)
    linears = [layer for layer in net.layers if isinstance(layer, Linear)]
    assert [type(layer) for layer in net.layers] == [Linear, Tanh, Linear]
    assert all(a is b for a, b in zip(net.params(), [linears[0].W, linears[0].b, linears[1].W, linears[1].b]))
    ours(net, *batch(rng, [2, 3, 4], "mse"), "mse")
    assert all(a is b for a, b in zip(net.grads(), [linears[0].grad_W, linears[0].grad_b,
                                                    linears[1].grad_W, linears[1].grad_b]))
    assert [p.shape for p in net.params()] == [g.shape for g in net.grads()] == [(3, 2), (3,), (4, 3), (4,)]


def test_backward_overwrites_rather_than_accumulates():
    net, rng = random_net([2, 3, 1], "relu", 1)
    x, y = batch(rng, [2, 3, 1], "mse")
    first = ours(net, x, y, "mse")[1]
    second = ours(net, x, y, "mse")[1]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


# --- the heads -------------------------------------------------------------------


def assert_head_matches_torch(head, torch_loss, input, target, dtype):
    """A head's (loss, grad) against torch's loss and autograd: a 0-d loss, the dtype kept."""
    loss, grad = head(input, target)
    expected, expected_grad = torch_value_and_grad(torch_loss, input, target)
    assert loss.shape == () and loss.dtype == grad.dtype == dtype
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    assert_rel(loss, expected, rtol)
    assert_rel(grad, expected_grad, rtol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_cross_entropy_matches_torch(dtype, rng):
    logits = (3 * rng.standard_normal((7, 4))).astype(dtype)
    labels = rng.integers(0, 4, 7)
    assert_head_matches_torch(softmax_cross_entropy, F.cross_entropy, logits, labels, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mse_matches_torch(dtype, rng):
    pred, target = rng.standard_normal((2, 6, 3)).astype(dtype)
    assert_head_matches_torch(mse, F.mse_loss, pred, target, dtype)


def test_heads_by_hand():
    # logits (0, ln 3): p = (1/4, 3/4); two rows with labels 1 and 0 average -ln(3/4) and -ln(1/4)
    loss, grad = softmax_cross_entropy([[0.0, np.log(3.0)], [0.0, np.log(3.0)]], [1, 0])
    assert loss == pytest.approx((np.log(4 / 3) + np.log(4)) / 2, rel=1e-15)
    np.testing.assert_allclose(grad, [[0.125, -0.125], [-0.375, 0.375]], rtol=1e-15)
    loss, grad = mse([[1.0, 2.0]], [[0.0, 4.0]])  # residuals (1, -2): (1 + 4) / 2, 2 * (1, -2) / 2
    assert loss == 2.5
    np.testing.assert_array_equal(grad, [[1.0, -2.0]])


def test_cross_entropy_is_finite_at_extreme_logits():
    loss, grad = softmax_cross_entropy([[1e4, -1e4]], [1])
    assert loss == pytest.approx(2e4) and np.all(np.isfinite(grad))
    np.testing.assert_array_equal(grad, [[1.0, -1.0]])


# --- check_gradient ------------------------------------------------------------------


@pytest.mark.parametrize("make", [lambda: Linear(4, 3, rng=np.random.default_rng(7)), ReLU, Sigmoid, Tanh],
                         ids=["linear", "relu", "sigmoid", "tanh"])
def test_each_layer_passes_the_gradient_check(make):
    # f = sum(R * layer(x)) has dL/dout = R; |R| in [0.5, 1.5] keeps every gradient entry well away from 0,
    # where a relative error means nothing, and h = 1e-5 balances truncation (h^2) and rounding (eps / h)
    for seed in range(20):
        rng = np.random.default_rng(seed)
        layer = make()
        x = rng.standard_normal((5, 4))
        n_out = 3 if isinstance(layer, Linear) else 4
        R = rng.choice([-1.0, 1.0], (5, n_out)) * rng.uniform(0.5, 1.5, (5, n_out))
        if isinstance(layer, Linear):
            layer.b = rng.standard_normal(3)
        layer.forward(x)
        grad_x = layer.backward(R)
        assert check_gradient(lambda v: np.sum(R * layer.forward(v)), x.copy(), grad_x, h=1e-5) < 1e-7
        for p, g in zip(layer.params(), [g.copy() for g in layer.grads()]):
            assert check_gradient(lambda _: np.sum(R * layer.forward(x)), p, g, h=1e-5) < 1e-7


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_passes_the_gradient_check(activation, head):
    # h = 1e-5 balances truncation (h^2) and rounding (eps / h) for losses of order 1
    for seed in range(5):
        net, rng = random_net([3, 4, 3], activation, seed)
        x, y = batch(rng, [3, 4, 3], head, n=3)
        head_fn = softmax_cross_entropy if head == "cross_entropy" else mse
        _, grads, _ = ours(net, x, y, head)
        for p, g in zip(net.params(), grads):
            assert check_gradient(lambda _: head_fn(net.forward(x), y)[0], p, g, h=1e-5) < 1e-7


class ReLUWithoutMask(ReLU):
    """A classic bug: the backward passes the gradient of the negative inputs too."""

    def backward(self, grad_out):
        return np.asarray(grad_out)


class SigmoidWithoutOneMinus(Sigmoid):
    """A classic bug: s instead of s (1 - s)."""

    def backward(self, grad_out):
        return np.asarray(grad_out) * self._cache


@pytest.mark.parametrize("activation, broken", [("relu", ReLUWithoutMask), ("sigmoid", SigmoidWithoutOneMinus)])
def test_gradient_check_catches_a_wrong_backward(activation, broken):
    net, rng = random_net([3, 6, 2], activation, 0)
    x, y = batch(rng, [3, 6, 2], "cross_entropy", n=8)
    net.layers[1] = broken()
    _, grads, _ = ours(net, x, y, "cross_entropy")
    W1 = net.params()[0]
    assert check_gradient(lambda _: softmax_cross_entropy(net.forward(x), y)[0], W1, grads[0]) > 1e-3
    # the layer after the bug is unaffected: its gradients only need the forward values
    assert check_gradient(lambda _: softmax_cross_entropy(net.forward(x), y)[0], net.params()[2], grads[2]) < 1e-6


def test_check_gradient_by_hand_and_restores_x():
    # f = x0^2 x1: gradient (2 x0 x1, x0^2) = (12, 4) at (2, 3); central differences of a cubic err by h^2
    x = np.array([2.0, 3.0])
    f = lambda v: v[0] ** 2 * v[1]  # noqa: E731
    assert check_gradient(f, x, [12.0, 4.0], h=1e-4) < 1e-8
    assert check_gradient(f, x, [12.0, 5.0]) == pytest.approx(0.2, rel=1e-6)  # |5 - 4| / 5
    np.testing.assert_array_equal(x, [2.0, 3.0])
    assert check_gradient(lambda v: 0.0, np.zeros(3), np.zeros(3)) == 0.0  # 0 / tiny counts as 0
    assert check_gradient(lambda v: 0.0, np.zeros(0), np.zeros(0)) == 0.0


# --- training --------------------------------------------------------------------


@pytest.mark.parametrize("head", HEADS)
def test_gradient_descent_lowers_the_loss_and_equals_torch_sgd(head):
    net, rng = random_net([2, 6, 3], "tanh", 3)
    x, y = batch(rng, [2, 6, 3], head, n=12)
    head_fn = softmax_cross_entropy if head == "cross_entropy" else mse
    params = [torch.tensor(p, requires_grad=True) for p in net.params()]
    optimizer = torch.optim.SGD(params, lr=0.3)
    losses = []
    for _ in range(60):
        out = net.forward(x)
        loss, grad = head_fn(out, y)
        losses.append(float(loss))
        net.backward(grad)
        for p, g in zip(net.params(), net.grads()):
            p -= 0.3 * g  # in place: the layers hold these very arrays
        optimizer.zero_grad()
        W1, b1, W2, b2 = params
        h = F.linear(torch.tanh(F.linear(torch.tensor(x), W1, b1)), W2, b2)
        t_loss = F.cross_entropy(h, torch.tensor(y)) if head == "cross_entropy" else F.mse_loss(h, torch.tensor(y))
        t_loss.backward()
        optimizer.step()
        assert losses[-1] == pytest.approx(t_loss.item(), rel=1e-10)
        for p, t in zip(net.params(), params):
            assert_rel(p, t.detach().numpy())
    assert losses[-1] < 0.5 * losses[0]


# --- initialisation ------------------------------------------------------------------


@pytest.mark.parametrize("init, variance", [("he", 2 / 800), ("xavier", 2 / (800 + 400)),
                                            ("normal", 0.01**2)])
def test_init_variance(init, variance):
    layer = Linear(800, 400, rng=np.random.default_rng(0), init=init)
    n = layer.W.size
    # the sample variance of n normal draws has standard error variance * sqrt(2 / (n - 1))
    assert abs(np.var(layer.W) - variance) < 5 * variance * np.sqrt(2 / (n - 1))
    assert abs(np.mean(layer.W)) < 5 * np.sqrt(variance / n)
    np.testing.assert_array_equal(layer.b, np.zeros(400))


def test_init_normal_scale_and_dtype_and_reproducibility():
    layer = Linear(500, 200, rng=np.random.default_rng(1), init="normal", scale=0.5, dtype=np.float32)
    assert layer.W.dtype == layer.b.dtype == np.float32
    assert abs(np.std(layer.W) - 0.5) < 5 * 0.5 / np.sqrt(2 * layer.W.size)
    a = MLP([3, 4, 2], rng=np.random.default_rng(5))
    b = MLP([3, 4, 2], rng=np.random.default_rng(5))
    assert all(np.array_equal(p, q) for p, q in zip(a.params(), b.params()))


def test_mlp_default_init_follows_the_activation():
    # He for ReLU, Xavier for tanh: the same draws, scaled by sqrt(2 / n_in) or sqrt(2 / (n_in + n_out))
    relu = MLP([6, 2], activation="relu", rng=np.random.default_rng(0))
    tanh = MLP([6, 2], activation="tanh", rng=np.random.default_rng(0))
    np.testing.assert_allclose(tanh.params()[0], relu.params()[0] * np.sqrt(6 / 8), rtol=1e-15)


# --- bad inputs: every message ---------------------------------------------------------


def test_bad_network_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"^sizes must be a list of at least 2 layer widths, \[n_in, \.\.\., n_out\]; "
                                         r"got \[3\]\.$"):
        MLP([3], rng=rng)
    with pytest.raises(ValueError, match=r"^sizes must be a list of at least 2 layer widths.*; got 3\.$"):
        MLP(3, rng=rng)
    with pytest.raises(ValueError, match=r"^sizes\[1\] must be an integer >= 1; got 0\.$"):
        MLP([3, 0, 2], rng=rng)
    with pytest.raises(TypeError, match=r"^sizes\[0\] must be an integer; got 2\.5 of type float\.$"):
        MLP([2.5, 2], rng=rng)
    with pytest.raises(ValueError, match=r"^activation must be one of 'relu', 'sigmoid' or 'tanh'; got 'gelu'\.$"):
        MLP([2, 2], activation="gelu", rng=rng)
    with pytest.raises(ValueError, match=r"^init must be one of 'he', 'xavier' or 'normal'; got 'kaiming'\.$"):
        Linear(2, 2, rng=rng, init="kaiming")
    with pytest.raises(ValueError, match=r"^scale must be None with init='he', whose standard deviation is fixed by "
                                         r"the sizes; got 0\.1\. Use init='normal' to choose it\.$"):
        Linear(2, 2, rng=rng, scale=0.1)
    with pytest.raises(ValueError, match=r"^scale must be a finite number > 0; got -1\.0\.$"):
        Linear(2, 2, rng=rng, init="normal", scale=-1.0)
    with pytest.raises(ValueError, match=r"^n_in must be an integer >= 1; got 0\.$"):
        Linear(0, 2, rng=rng)
    with pytest.raises(TypeError, match=r"^rng must be a numpy\.random\.Generator; got 0 of type int\. "):
        Linear(2, 2, rng=0)
    with pytest.raises(TypeError, match=r"^dtype must be a floating dtype such as np\.float64; got <class 'int'>\.$"):
        MLP([2, 2], rng=rng, dtype=int)


def test_bad_forward_and_backward_calls():
    layer = Linear(3, 2, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"^x must have shape \(N, 3\), one row per example; got \(4, 2\)\.$"):
        layer.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"^x must have shape \(N, 3\), one row per example; got \(3,\)\. "
                                         r"Use x\.reshape\(1, -1\) for a single example\.$"):
        layer.forward(np.ones(3))
    with pytest.raises(RuntimeError, match=r"^Linear\.backward must follow forward; got no cached input\. "
                                           r"Call forward\(x\) first\.$"):
        layer.backward(np.ones((4, 2)))
    with pytest.raises(RuntimeError, match=r"^Tanh\.backward must follow forward"):
        Tanh().backward([1.0])
    layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"^grad_out must have shape \(4, 2\), the shape of forward's output; "
                                         r"got \(4, 1\)\.$"):
        layer.backward(np.ones((4, 1)))
    relu = ReLU()
    relu.forward(np.ones(3))
    with pytest.raises(ValueError, match=r"^grad_out must have shape \(3,\), the shape of forward's output; "
                                         r"got \(2,\)\.$"):
        relu.backward(np.ones(2))
    with pytest.raises(TypeError, match=r"^x must be an array of real numbers; got dtype <U1"):
        Sigmoid().forward(["a"])


def test_bad_head_arguments():
    with pytest.raises(ValueError, match=r"^logits must have shape \(N, C\) with N, C >= 1; got \(3,\)\.$"):
        softmax_cross_entropy([1.0, 2.0, 3.0], [0])
    with pytest.raises(ValueError, match=r"^logits must have shape \(N, C\) with N, C >= 1; got \(0, 3\)\.$"):
        softmax_cross_entropy(np.ones((0, 3)), np.zeros(0, int))
    with pytest.raises(ValueError, match=r"^labels must have shape \(2,\), one class index per row of logits; "
                                         r"got \(2, 1\)\.$"):
        softmax_cross_entropy(np.ones((2, 3)), [[0], [1]])
    with pytest.raises(ValueError, match=r"^labels must contain class indices in \[0, 3\); got 3 at index \(1,\)\.$"):
        softmax_cross_entropy(np.ones((2, 3)), [0, 3])
    with pytest.raises(ValueError, match=r"^labels must contain class indices in \[0, 3\); got -1 at index \(0,\)\.$"):
        softmax_cross_entropy(np.ones((2, 3)), [-1, 0])
    with pytest.raises(TypeError, match=r"^labels must be an array of integer class indices; got dtype float64\.$"):
        softmax_cross_entropy(np.ones((2, 3)), [0.0, 1.0])
    with pytest.raises(ValueError, match=r"^pred and target must have the same shape; got \(3, 1\) and \(3,\)\. "
                                         r"Use target\.reshape\(pred\.shape\)"):
        mse(np.ones((3, 1)), np.ones(3))
    with pytest.raises(ValueError, match=r"^pred must have at least one element; got shape \(0,\)\.$"):
        mse(np.ones(0), np.ones(0))


def test_bad_check_gradient_arguments():
    x = np.ones(3)
    with pytest.raises(ValueError, match=r"^x and analytic must have the same shape; got \(3,\) and \(2,\)\."):
        check_gradient(np.sum, x, np.ones(2))
    with pytest.raises(ValueError, match=r"^h must be a finite number > 0; got 0\.0\.$"):
        check_gradient(np.sum, x, np.ones(3), h=0.0)
    with pytest.raises(ValueError, match=r"^f must return a scalar; got an array of shape \(3,\)\.$"):
        check_gradient(lambda v: v * 2, x, np.ones(3))
    np.testing.assert_array_equal(x, np.ones(3))
