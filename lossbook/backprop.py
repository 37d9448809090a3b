r"""Backpropagation (역전파) by hand: layers whose backward sits right below their forward.

Each layer is a small class with one pattern, as in micrograd:

* ``forward(x)`` computes the output and caches what the derivative needs;
* ``backward(grad_out)`` takes :math:`\partial L / \partial\,\text{out}` and
  returns :math:`\partial L / \partial x`, storing the gradients of the
  layer's parameters (``grad_W``, ``grad_b``) on the way.

The chain rule is then one loop: :class:`MLP` calls ``forward`` on its layers
in order and ``backward`` in reverse. A *head* turns the network's outputs
into a loss and the first upstream gradient in one call, returning
``(loss, grad)``: :func:`softmax_cross_entropy` for classes, :func:`mse` for
real targets. :func:`check_gradient` compares any analytic gradient with
central differences; the tests compare every gradient with ``torch.autograd``.

Shapes follow ``torch.nn.Linear``: a batch ``x`` is (N, n_in), one row per
example, and ``W`` is (n_out, n_in), so a layer computes :math:`x W^\top + b`.
Gradients are overwritten by every ``backward`` (PyTorch accumulates them in
``.grad`` until ``zero_grad``). Arrays are float64 unless a ``dtype`` is
given; outputs keep the parameters' dtype.
"""
import numbers

import numpy as np

from ._checks import as_float_array, as_index_array, check_array_in, check_int, check_positive, check_rng
from ._checks import check_choice, check_same_shape
from .classification import log_softmax, sigmoid, softmax

__all__ = ["Linear", "ReLU", "Sigmoid", "Tanh", "MLP", "softmax_cross_entropy", "mse", "check_gradient"]

INITS = ("he", "xavier", "normal")
ACTIVATIONS = ("relu", "sigmoid", "tanh")

#: Standard deviation of ``init="normal"`` when no ``scale`` is given (the small random numbers of early nets).
NORMAL_SCALE = 0.01


def _float_dtype(dtype):
    r"""``dtype`` as a NumPy floating dtype (``np.float64``, ``np.float32``)."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.kind != "f":
        raise TypeError(f"dtype must be a floating dtype such as np.float64; got {dtype!r}.")
    return dt


def _cached(layer, cache):
    r"""The value ``forward`` cached, or a clear error if ``backward`` came first."""
    if cache is None:
        raise RuntimeError(f"{type(layer).__name__}.backward must follow forward; got no cached input. "
                           "Call forward(x) first.")
    return cache


def _check_grad_out(grad_out, shape, dtype):
    r"""``grad_out`` as an array of the last forward output's ``shape`` (upstream gradients never broadcast)."""
    grad_out = as_float_array(grad_out, "grad_out").astype(dtype, copy=False)
    if grad_out.shape != shape:
        raise ValueError(f"grad_out must have shape {shape}, the shape of forward's output; got {grad_out.shape}.")
    return grad_out


# --- layers: forward, and the backward right below it -------------------------


class Linear:
    r"""Fully connected layer (완전 연결층): :math:`y = x W^\top + b`.

    .. math::

        \frac{\partial L}{\partial x} = G W, \qquad
        \frac{\partial L}{\partial W} = G^\top x, \qquad
        \frac{\partial L}{\partial b} = \textstyle\sum_n G_n,
        \qquad G = \frac{\partial L}{\partial y}

    The weights are drawn from :math:`\mathcal N(0, \sigma^2)` and the bias
    starts at 0, with

    * ``"he"`` (Kaiming): :math:`\sigma^2 = 2 / n_\text{in}`, which keeps the
      variance of the activations constant through ReLU layers;
    * ``"xavier"`` (Glorot): :math:`\sigma^2 = 2 / (n_\text{in} + n_\text{out})`,
      a compromise between forward and backward variance for tanh/sigmoid;
    * ``"normal"``: :math:`\sigma` = ``scale`` (default 0.01).

    Args:
        n_in: input features, an integer >= 1.
        n_out: output features, an integer >= 1.
        rng: a ``numpy.random.Generator``; the only source of randomness.
        init: ``"he"`` (default), ``"xavier"`` or ``"normal"``.
        scale: the standard deviation of ``init="normal"``; must be ``None``
            for the other two, whose :math:`\sigma` is fixed by the sizes.
        dtype: floating dtype of the parameters (default float64).

    Attributes:
        W: weights, shape (n_out, n_in). b: bias, shape (n_out,).
        grad_W, grad_b: their gradients after ``backward`` (``None`` before).

    Raises:
        TypeError: if a size is not an integer, ``rng`` is not a Generator or
            ``dtype`` is not floating.
        ValueError: if a size is < 1, ``init`` is unknown, or ``scale`` is
            given with ``"he"``/``"xavier"`` or is not > 0.

    Shape:
        ``x``: (N, n_in); output: (N, n_out).

    References:
        He, Zhang, Ren and Sun (2015), Delving Deep into Rectifiers, ICCV,
        arXiv:1502.01852. Glorot and Bengio (2010), Understanding the
        Difficulty of Training Deep Feedforward Neural Networks, AISTATS.

    Examples:
        With :math:`W = (1, 2)` and :math:`b = 0.5`, the input (3, 4) gives
        :math:`3 + 8 + 0.5`; an upstream 1 gives :math:`\partial L/\partial x = W`,
        :math:`\partial L/\partial W = x` and :math:`\partial L/\partial b = 1`:

        >>> layer = Linear(2, 1, rng=np.random.default_rng(0))
        >>> layer.W, layer.b = np.array([[1.0, 2.0]]), np.array([0.5])
        >>> layer.forward([[3.0, 4.0]])
        array([[11.5]])
        >>> layer.backward([[1.0]])
        array([[1., 2.]])
        >>> layer.grad_W, layer.grad_b
        (array([[3., 4.]]), array([1.]))
    """

    def __init__(self, n_in, n_out, *, rng, init="he", scale=None, dtype=np.float64):
        n_in, n_out = check_int(n_in, "n_in", minimum=1), check_int(n_out, "n_out", minimum=1)
        rng, dtype = check_rng(rng), _float_dtype(dtype)
        std = _init_std(n_in, n_out, init, scale)
        self.W = (std * rng.standard_normal((n_out, n_in))).astype(dtype)
        self.b = np.zeros(n_out, dtype)
        self.grad_W = self.grad_b = None
        self._x = None

    def forward(self, x):
        x = as_float_array(x, "x").astype(self.W.dtype, copy=False)
        n_in = self.W.shape[1]
        if x.ndim != 2 or x.shape[1] != n_in:
            raise ValueError(f"x must have shape (N, {n_in}), one row per example; got {x.shape}."
                             + (" Use x.reshape(1, -1) for a single example." if x.shape == (n_in,) else ""))
        self._x = x
        return x @ self.W.T + self.b

    def backward(self, grad_out):
        x = _cached(self, self._x)
        g = _check_grad_out(grad_out, (len(x), len(self.b)), x.dtype)
        self.grad_W = g.T @ x  # sum over the batch of the outer products g_n x_n^T
        self.grad_b = g.sum(axis=0)
        return g @ self.W

    def params(self):
        r"""``[W, b]``, the arrays themselves: updating them in place updates the layer."""
        return [self.W, self.b]

    def grads(self):
        r"""``[grad_W, grad_b]`` from the last ``backward``, in the order of :meth:`params`."""
        return [self.grad_W, self.grad_b]

    def __repr__(self):
        n_out, n_in = self.W.shape
        return f"Linear({n_in}, {n_out})"


def _init_std(n_in, n_out, init, scale):
    r"""The standard deviation :math:`\sigma` of the initial weights (see :class:`Linear`)."""
    init = check_choice(init, "init", INITS)
    if init == "normal":
        return NORMAL_SCALE if scale is None else check_positive(scale, "scale")
    if scale is not None:
        raise ValueError(f"scale must be None with init={init!r}, whose standard deviation is fixed by the sizes; "
                         f"got {scale!r}. Use init='normal' to choose it.")
    return np.sqrt(2 / n_in) if init == "he" else np.sqrt(2 / (n_in + n_out))


class _Activation:
    r"""Shared plumbing of the elementwise activations: no parameters, any input shape."""

    def __init__(self):
        self._cache = None

    def params(self):
        r"""``[]``: an activation has nothing to learn."""
        return []

    def grads(self):
        r"""``[]``, matching :meth:`params`."""
        return []

    def __repr__(self):
        return f"{type(self).__name__}()"


class ReLU(_Activation):
    r"""Rectified linear unit (정류 선형 유닛): :math:`\max(x, 0)`, derivative :math:`[x > 0]`.

    The derivative at the kink :math:`x = 0` is taken as 0, as PyTorch does.

    Examples:
        >>> relu = ReLU()
        >>> relu.forward([-1.0, 2.0])
        array([0., 2.])
        >>> relu.backward([1.0, 1.0])  # the negative input passes no gradient
        array([0., 1.])
    """

    def forward(self, x):
        self._cache = as_float_array(x, "x")
        return np.maximum(self._cache, 0)

    def backward(self, grad_out):
        x = _cached(self, self._cache)
        return _check_grad_out(grad_out, x.shape, x.dtype) * (x > 0)


class Sigmoid(_Activation):
    r"""Logistic sigmoid (시그모이드): :math:`s = 1 / (1 + e^{-x})`, derivative :math:`s (1 - s)`.

    The output is cached, since the derivative needs only :math:`s`.

    Examples:
        >>> sig = Sigmoid()
        >>> sig.forward([0.0, np.log(3.0)])  # 1/2 and 1 / (1 + 1/3)
        array([0.5 , 0.75])
        >>> sig.backward([1.0, 1.0])  # 1/2 * 1/2 and 3/4 * 1/4
        array([0.25  , 0.1875])
    """

    def forward(self, x):
        self._cache = sigmoid(as_float_array(x, "x"))  # through e^{-|x|}, which never overflows
        return self._cache

    def backward(self, grad_out):
        s = _cached(self, self._cache)
        return _check_grad_out(grad_out, s.shape, s.dtype) * s * (1 - s)


class Tanh(_Activation):
    r"""Hyperbolic tangent (쌍곡탄젠트): :math:`t = \tanh x`, derivative :math:`1 - t^2`.

    Examples:
        >>> tanh = Tanh()
        >>> tanh.forward([0.0, np.log(2.0)])  # (2 - 1/2) / (2 + 1/2)
        array([0. , 0.6])
        >>> tanh.backward([1.0, 1.0])  # 1 - 0.36
        array([1.  , 0.64])
    """

    def forward(self, x):
        self._cache = np.tanh(as_float_array(x, "x"))
        return self._cache

    def backward(self, grad_out):
        t = _cached(self, self._cache)
        return _check_grad_out(grad_out, t.shape, t.dtype) * (1 - t**2)


_ACTIVATION_CLASSES = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}


# --- the network: forward in order, backward in reverse ------------------------


class MLP:
    r"""Multi-layer perceptron (다층 퍼셉트론): Linear, activation, ..., Linear.

    ``sizes = [n_0, n_1, ..., n_K]`` gives K linear layers,
    :math:`n_{k-1} \to n_k`, with the activation between them and none after
    the last, whose outputs are the logits (or predictions) for a head.

    .. math::

        h_0 = x, \quad h_k = \phi(h_{k-1} W_k^\top + b_k) \ (k < K), \quad
        \text{out} = h_{K-1} W_K^\top + b_K

    ``backward`` runs the layers' ``backward`` in reverse: each turns
    :math:`\partial L/\partial h_k` into :math:`\partial L/\partial h_{k-1}`.

    Args:
        sizes: layer widths :math:`[n_0, \dots, n_K]`, at least 2 integers >= 1.
        activation: ``"relu"`` (default), ``"sigmoid"`` or ``"tanh"``.
        rng: a ``numpy.random.Generator``, used in layer order.
        init: ``"he"``, ``"xavier"`` or ``"normal"`` for every Linear; ``None``
            (default) picks He for ReLU and Xavier for sigmoid and tanh.
        scale: the standard deviation of ``init="normal"`` (see :class:`Linear`).
        dtype: floating dtype of the parameters (default float64).

    Attributes:
        layers: the list ``[Linear, activation, ..., Linear]``, for inspection
            (a test may swap a layer for a deliberately wrong one).

    Raises:
        TypeError, ValueError: as :class:`Linear`, and if ``sizes`` is not a
            list of at least 2 integers >= 1 or ``activation`` is unknown.

    Shape:
        ``x``: (N, n_0); output: (N, n_K).

    Examples:
        >>> net = MLP([2, 3, 1], rng=np.random.default_rng(0))
        >>> net.layers
        [Linear(2, 3), ReLU(), Linear(3, 1)]
        >>> [p.shape for p in net.params()]  # W1, b1, W2, b2
        [(3, 2), (3,), (1, 3), (1,)]
    """

    def __init__(self, sizes, *, activation="relu", rng, init=None, scale=None, dtype=np.float64):
        sizes = _check_sizes(sizes)
        activation = check_choice(activation, "activation", ACTIVATIONS)
        init = ("he" if activation == "relu" else "xavier") if init is None else init
        self.layers = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            self.layers.append(Linear(n_in, n_out, rng=rng, init=init, scale=scale, dtype=dtype))
            self.layers.append(_ACTIVATION_CLASSES[activation]())
        self.layers.pop()  # no activation after the last layer: its outputs are logits

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_out):
        r"""Backpropagate :math:`\partial L/\partial\,\text{out}`; returns :math:`\partial L/\partial x`."""
        for layer in reversed(self.layers):
            grad_out = layer.backward(grad_out)
        return grad_out

    def params(self):
        r"""``[W1, b1, W2, b2, ...]``, the arrays themselves (update them in place to train)."""
        return [p for layer in self.layers for p in layer.params()]

    def grads(self):
        r"""The gradients from the last ``backward``, in the order of :meth:`params`."""
        return [g for layer in self.layers for g in layer.grads()]

    def __repr__(self):
        return f"MLP({self.layers})"


def _check_sizes(sizes):
    r"""``sizes`` as a list of at least 2 integers >= 1; each entry is named in the message."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
        raise ValueError(f"sizes must be a list of at least 2 layer widths, [n_in, ..., n_out]; got {sizes!r}.")
    return [check_int(n, f"sizes[{i}]", minimum=1) for i, n in enumerate(sizes)]


# --- heads: the loss and the first upstream gradient ---------------------------


def softmax_cross_entropy(logits, labels):
    r"""Mean softmax cross-entropy (소프트맥스 교차 엔트로피) and its gradient with respect to the logits.

    .. math::

        L = -\frac1N \sum_{n=1}^{N} \log \operatorname{softmax}(z_n)_{y_n}, \qquad
        \frac{\partial L}{\partial z} = \frac{p - Y}{N}

    with :math:`p = \operatorname{softmax}(z)` row by row and :math:`Y` the
    one-hot labels: the same numbers as ``F.cross_entropy(logits, labels)``
    and its autograd gradient. The log-probabilities come from
    :func:`~lossbook.classification.log_softmax`, stable for any logits.

    Args:
        logits: :math:`z`, shape (N, C) with N, C >= 1.
        labels: class indices :math:`y_n \in [0, C)`, integer dtype, shape (N,).

    Returns:
        ``(loss, grad)``: the loss as a 0-d array and the gradient, shape
        (N, C), both in the dtype of ``logits``.

    Raises:
        TypeError: if ``logits`` is not real or ``labels`` not integer.
        ValueError: if ``logits`` is not (N, C), ``labels`` is not (N,) or a
            label is outside [0, C).

    Examples:
        Logits :math:`(0, \ln 3)` give :math:`p = (1/4, 3/4)`; with label 1,
        :math:`L = -\ln(3/4)` and the gradient is :math:`p - (0, 1)`:

        >>> loss, grad = softmax_cross_entropy([[0.0, np.log(3.0)]], [1])
        >>> loss, grad
        (array(0.2877), array([[ 0.25, -0.25]]))
    """
    logits = as_float_array(logits, "logits")
    if logits.ndim != 2 or 0 in logits.shape:
        raise ValueError(f"logits must have shape (N, C) with N, C >= 1; got {logits.shape}.")
    labels = as_index_array(labels, "labels")
    n, n_classes = logits.shape
    if labels.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one class index per row of logits; got {labels.shape}.")
    check_array_in(labels, "labels", 0, n_classes, high_open=True, what="class indices")
    rows = np.arange(n)
    loss = -np.mean(log_softmax(logits)[rows, labels])
    grad = softmax(logits)
    grad[rows, labels] -= 1  # p - Y without building the one-hot matrix
    return np.asarray(loss, logits.dtype), grad / n


def mse(pred, target):
    r"""Mean squared error (평균제곱오차) and its gradient with respect to ``pred``.

    .. math::

        L = \frac1M \sum_i (\hat y_i - y_i)^2, \qquad
        \frac{\partial L}{\partial \hat y} = \frac{2 (\hat y - y)}{M}

    where :math:`M` is the number of elements (``pred.size``), as in
    ``F.mse_loss(pred, target)``.

    Args:
        pred: predictions :math:`\hat y`, any non-empty shape.
        target: :math:`y`, the same shape (no broadcasting).

    Returns:
        ``(loss, grad)``: the loss as a 0-d array and the gradient, shaped like
        ``pred``, both in the dtype of ``pred``.

    Raises:
        TypeError: if an array is not real-valued.
        ValueError: if the shapes differ or ``pred`` is empty.

    Examples:
        >>> mse([1.0, 2.0], [0.0, 0.0])  # (1 + 4) / 2 and 2 * (1, 2) / 2
        (array(2.5), array([1., 2.]))
    """
    pred = as_float_array(pred, "pred")
    target = as_float_array(target, "target").astype(pred.dtype, copy=False)
    check_same_shape(pred, target, names=("pred", "target"))
    if pred.size == 0:
        raise ValueError(f"pred must have at least one element; got shape {pred.shape}.")
    residual = pred - target
    return np.asarray(np.mean(residual**2), pred.dtype), 2 * residual / pred.size


# --- numerical check -----------------------------------------------------------


def check_gradient(f, x, analytic, *, h=1e-6):
    r"""Largest relative error between an analytic gradient and central differences (기울기 검사).

    .. math::

        n_i = \frac{f(x + h e_i) - f(x - h e_i)}{2h}, \qquad
        \text{error} = \max_i \frac{|a_i - n_i|}{\max(|a_i|, |n_i|, \text{tiny})}

    The central difference is accurate to :math:`O(h^2)`, and rounding adds
    about :math:`\epsilon |f| / h`; with :math:`h = 10^{-6}` in float64 both
    are near :math:`10^{-10}`. Usual readings: around :math:`10^{-7}` or less
    is fine; :math:`10^{-5}` to :math:`10^{-3}` is suspicious unless a kink
    (ReLU at 0) lies within :math:`h`; above :math:`10^{-3}` the gradient is
    wrong. "tiny" (the smallest normal float) only avoids :math:`0/0` where
    both are exactly 0, which counts as error 0. The ratio is unreliable for
    entries whose true gradient is near 0, so check in float64 with inputs
    of order 1.

    ``x`` is perturbed **in place**, one entry at a time, and restored, so
    ``f`` may ignore its argument and read ``x`` through a closure, e.g.
    a network's weight array ``net.params()[0]``.

    Args:
        f: a function of ``x`` returning a scalar.
        x: a floating NumPy array (a list is copied, then no closure sees it).
        analytic: the gradient to check, shape of ``x``.
        h: the step, a number > 0 (default 1e-6).

    Returns:
        The maximum relative error, a float (0.0 for an empty ``x``).

    Raises:
        TypeError: if ``x``/``analytic`` are not real or ``h`` is not a number.
        ValueError: if ``analytic`` has another shape, ``h`` is not > 0, or
            ``f`` does not return a scalar.

    References:
        Karpathy, CS231n notes, "Gradient checks"
        (https://cs231n.github.io/neural-networks-3/#gradcheck).

    Examples:
        For :math:`f(x) = \sum x^2` the gradient is :math:`2x`; the mistake
        :math:`x` is off by half:

        >>> x = np.array([1.0, -2.0])
        >>> check_gradient(lambda v: np.sum(v**2), x, 2 * x) < 1e-7
        True
        >>> round(check_gradient(lambda v: np.sum(v**2), x, x), 4)  # |x - 2x| / |2x|
        0.5
    """
    x = as_float_array(x, "x")
    analytic = as_float_array(analytic, "analytic")
    check_same_shape(x, analytic, names=("x", "analytic"))
    h = check_positive(h, "h")
    numeric = np.empty(x.shape, np.float64)
    for i in np.ndindex(x.shape):
        original = x[i]
        try:
            x[i] = original + h
            f_plus = _scalar(f(x))
            x[i] = original - h
            f_minus = _scalar(f(x))
        finally:
            x[i] = original  # restore, so the next entry and the caller see x unchanged, even after an error
        numeric[i] = (f_plus - f_minus) / (2 * h)
    a, n = np.abs(analytic), np.abs(numeric)
    error = np.abs(analytic - numeric) / np.maximum(np.maximum(a, n), np.finfo(np.float64).tiny)
    return float(np.max(error, initial=0.0))


def _scalar(value):
    r"""``value`` as a float, refusing arrays of more than one element."""
    if isinstance(value, numbers.Real):
        return float(value)
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"f must return a scalar; got an array of shape {arr.shape}.")
    return float(arr.reshape(()))
