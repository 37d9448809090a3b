r"""Vanishing and exploding gradients (기울기 소실과 폭발): the measurement tools.

The chapter measures how the size of a gradient changes on its way back
through a deep network or an unrolled RNN, and what keeps it in range:

* :func:`clip_grad_norm`, :func:`clip_grad_value`: gradient clipping in NumPy,
  with exactly the semantics of ``torch.nn.utils.clip_grad_norm_`` and
  ``clip_grad_value_`` (tested against them);
* :func:`deep_mlp`: a deep multilayer perceptron with a chosen activation,
  initialisation, batch normalisation and residual connections;
* :func:`layer_gradient_norms`, :func:`activation_stats`: one measurement of
  the gradient norm of every layer, and of the activations' mean and std;
* :func:`simple_rnn_gradient`: :math:`\|\partial L/\partial h_t\|` along an
  unrolled RNN, as a function of the recurrent weight's spectral radius;
* :func:`train_with_clipping`: a small run that diverges without clipping and
  converges with it.

Everything is seeded (an ``int`` or a ``torch.Generator``), runs on the CPU
and takes well under a second at the default sizes.
"""
import numbers
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from ._checks import as_float_array, check_choice, check_int, check_positive

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "linear": nn.Identity}
INITS = ("normal", "xavier", "he")
LOSSES = ("mse", "ce")


# --------------------------------------------------------------------------- checks


def _generator(seed):
    r"""A ``torch.Generator`` from an ``int`` seed (or the generator itself)."""
    if isinstance(seed, torch.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be an int or a torch.Generator; got {seed!r} of type {type(seed).__name__}. "
            "The package uses no global random state."
        )
    return torch.Generator().manual_seed(int(seed))


def _check_norm_type(norm_type):
    r"""A p-norm needs p >= 1 (below 1 the triangle inequality fails); inf is the max-norm."""
    if isinstance(norm_type, bool) or not isinstance(norm_type, numbers.Real) or not norm_type >= 1:
        raise ValueError(f"norm_type must be a real number >= 1 or float('inf'); got {norm_type!r}.")
    return float(norm_type)


def _check_dtype(dtype):
    if not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise TypeError(f"dtype must be a floating torch dtype such as torch.float32; got {dtype!r}.")
    return dtype


def _as_grad_list(grads):
    if isinstance(grads, np.ndarray):  # one array, as torch accepts one tensor
        grads = [grads]
    return [as_float_array(g, f"grads[{i}]") for i, g in enumerate(grads)]


# --------------------------------------------------------------------------- clipping


def _vector_norm(a, p):
    r"""The p-norm of all entries of ``a``, in ``a``'s dtype (0 for an empty array, as in torch)."""
    a = np.abs(a).ravel()
    if p == np.inf:
        return a.max()
    if a.size == 0:
        return a.dtype.type(0)
    return np.sum(a**p) ** (1 / p)


def clip_grad_norm(grads, max_norm, *, norm_type=2.0, eps=1e-6):
    r"""Rescale gradients so that their total norm is at most ``max_norm`` (기울기 노름 클리핑).

    All gradients are treated as one long vector :math:`g`; its norm is the
    norm of the per-array norms,

    .. math::
        \|g\|_p = \Big(\sum_i \|g_i\|_p^p\Big)^{1/p}, \qquad
        \|g\|_\infty = \max_i \|g_i\|_\infty,

    and every array is multiplied by the same coefficient

    .. math::
        c = \min\Big(\frac{\text{max\_norm}}{\|g\|_p + \varepsilon},\ 1\Big),

    so the direction of :math:`g` is kept and only its length is capped. This
    is ``torch.nn.utils.clip_grad_norm_`` (PyTorch 2.x) without the in-place
    update: the same :math:`\varepsilon = 10^{-6}`, the coefficient clamped at
    1 (never amplified), and non-finite norms propagated (an infinite norm
    gives :math:`c = 0` and turns infinite entries into NaN, as in torch).

    Args:
        grads: a list of gradient arrays (or one array).
        max_norm: the largest allowed total norm, > 0.
        norm_type: :math:`p \ge 1`, or ``float('inf')`` for the max-norm.
        eps: the :math:`\varepsilon` that keeps :math:`c` finite when the norm
            is 0; torch's fixed value by default.

    Returns:
        ``(clipped, total_norm)``: new arrays (the inputs are not modified) in
        the inputs' dtype, and the total norm *before* clipping, a NumPy scalar
        in that dtype (float32 zero for an empty list, as torch returns).

    Raises:
        ValueError: if ``max_norm`` or ``eps`` is not a finite number > 0,
            ``norm_type`` is not >= 1, or an array is empty with
            ``norm_type=inf`` (torch raises there too).

    See Also:
        :func:`clip_grad_value`, ``torch.nn.utils.clip_grad_norm_``.

    References:
        Pascanu, Mikolov and Bengio (2013), On the difficulty of training
        recurrent neural networks, ICML.

    Examples:
        The vector (3, 4) has norm 5; clipped to norm 1 it becomes (0.6, 0.8)
        (to within :math:`\varepsilon`):

        >>> clipped, total = clip_grad_norm([np.array([3.0]), np.array([4.0])], 1.0)
        >>> float(total), [round(float(g[0]), 5) for g in clipped]
        (5.0, [0.6, 0.8])
    """
    max_norm = check_positive(max_norm, "max_norm")
    p = _check_norm_type(norm_type)
    eps = check_positive(eps, "eps")
    grads = _as_grad_list(grads)
    if not grads:
        return [], np.float32(0.0)  # torch returns torch.tensor(0.0), a float32 zero
    if p == np.inf and any(g.size == 0 for g in grads):
        shapes = [g.shape for g in grads]
        raise ValueError(
            f"grads must all be non-empty for norm_type=inf (torch refuses the max of nothing); got shapes {shapes}."
        )
    # torch is silent about overflow and inf * 0 = nan; so are we (the values still propagate).
    with np.errstate(over="ignore", invalid="ignore"):
        total_norm = _vector_norm(np.stack([_vector_norm(g, p) for g in grads]), p)
        # Python floats do not change a NumPy scalar's dtype (NEP 50), so float32 stays float32.
        coef = np.minimum(max_norm / (total_norm + eps), 1.0)  # clamped: clipping never enlarges
        return [g * coef for g in grads], total_norm


def clip_grad_value(grads, clip_value):
    r"""Clip every gradient entry to :math:`[-\text{clip\_value}, \text{clip\_value}]` (값 클리핑).

    .. math::
        g_{ij} \leftarrow \min(\max(g_{ij}, -\text{clip\_value}), \text{clip\_value})

    Unlike :func:`clip_grad_norm`, this changes the gradient's direction. It
    is ``torch.nn.utils.clip_grad_value_`` without the in-place update; NaN
    entries stay NaN, as in torch.

    Args:
        grads: a list of gradient arrays (or one array).
        clip_value: the largest allowed absolute value, > 0.

    Returns:
        A list of new arrays in the inputs' dtypes.

    Raises:
        ValueError: if ``clip_value`` is not a finite number > 0.

    See Also:
        :func:`clip_grad_norm`, ``torch.nn.utils.clip_grad_value_``.

    Examples:
        >>> [g.tolist() for g in clip_grad_value([np.array([-3.0, 0.5, 2.0])], 1.0)]
        [[-1.0, 0.5, 1.0]]
    """
    clip_value = check_positive(clip_value, "clip_value")
    return [np.clip(g, -clip_value, clip_value) for g in _as_grad_list(grads)]


# --------------------------------------------------------------------------- deep MLP


class _Block(nn.Module):
    r"""One hidden layer, :math:`f(x) = \phi(\mathrm{BN}(W x + b))`, or :math:`x + f(x)` if residual."""

    def __init__(self, linear, norm, activation, residual):
        super().__init__()
        self.linear, self.norm, self.activation, self.residual = linear, norm, activation, residual

    def forward(self, x):
        out = self.activation(self.norm(self.linear(x)))
        return x + out if self.residual else out


def _init_linear(linear, init, std, generator):
    if init == "normal":
        nn.init.normal_(linear.weight, 0.0, std, generator=generator)
    elif init == "xavier":  # Var W = 2 / (fan_in + fan_out)
        nn.init.xavier_normal_(linear.weight, generator=generator)
    else:  # He: Var W = 2 / fan_in, which keeps E[x^2] constant through ReLU layers
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu", generator=generator)
    nn.init.zeros_(linear.bias)
    return linear


def deep_mlp(
    depth,
    *,
    width=64,
    activation="relu",
    init="he",
    std=None,
    batchnorm=False,
    residual=False,
    in_features=None,
    out_features=None,
    seed=0,
    dtype=torch.float32,
):
    r"""A deep multilayer perceptron for measuring gradient flow (깊은 다층 퍼셉트론).

    ``depth`` hidden blocks followed by a linear output layer:

    .. math::
        h_0 = x, \quad h_k = \phi(\mathrm{BN}(W_k h_{k-1} + b_k))
        \ \text{or, residual,}\ h_k = h_{k-1} + \phi(\mathrm{BN}(W_k h_{k-1} + b_k)),
        \quad \hat y = W_{\text{out}} h_{\text{depth}} + b_{\text{out}}.

    Weights are drawn from the chosen ``init`` (biases are 0):

    * ``"normal"``: :math:`W_{ij} \sim \mathcal N(0, \text{std}^2)`;
    * ``"xavier"``: :math:`\mathcal N(0, 2/(n_\text{in} + n_\text{out}))` (Glorot and Bengio, 2010);
    * ``"he"``: :math:`\mathcal N(0, 2/n_\text{in})` (He et al., 2015).

    Args:
        depth: number of hidden blocks, >= 1 (the model has ``depth + 1``
            ``nn.Linear`` layers).
        width: units per hidden layer.
        activation: ``"sigmoid"``, ``"tanh"``, ``"relu"`` or ``"linear"``.
        init: ``"normal"``, ``"xavier"`` or ``"he"``.
        std: the standard deviation of ``init="normal"`` (1.0 if None).
        batchnorm: put ``nn.BatchNorm1d`` between each hidden linear layer
            and its activation.
        residual: make each hidden block :math:`x + f(x)`; the first block is
            residual only when ``in_features == width``.
        in_features, out_features: input and output sizes (``width`` if None).
        seed: an ``int`` or a ``torch.Generator``; the same seed gives the
            same weights.
        dtype: floating dtype of the parameters.

    Returns:
        An ``nn.Sequential`` of the hidden blocks and the output layer, in
        training mode.

    Raises:
        ValueError: for ``depth < 1``, an unknown ``activation`` or ``init``,
            or ``std`` given with an init other than ``"normal"``.

    Shape:
        input :math:`(N, \text{in\_features})`, output :math:`(N, \text{out\_features})`.

    Examples:
        >>> model = deep_mlp(3, width=8, in_features=2, out_features=1)
        >>> sum(isinstance(m, nn.Linear) for m in model.modules())
        4
        >>> tuple(model(torch.zeros(5, 2)).shape)
        (5, 1)
    """
    depth = check_int(depth, "depth", minimum=1)
    width = check_int(width, "width", minimum=1)
    in_features = width if in_features is None else check_int(in_features, "in_features", minimum=1)
    out_features = width if out_features is None else check_int(out_features, "out_features", minimum=1)
    check_choice(activation, "activation", tuple(ACTIVATIONS))
    check_choice(init, "init", INITS)
    if init != "normal" and std is not None:
        raise ValueError(f"std must be None unless init='normal'; got std={std!r} with init={init!r}.")
    std = 1.0 if std is None else check_positive(std, "std")
    generator, dtype = _generator(seed), _check_dtype(dtype)

    def linear(n_in, n_out):
        # skip_init: nn.Linear's own reset_parameters would draw from the global generator.
        layer = nn.utils.skip_init(nn.Linear, n_in, n_out, dtype=dtype)
        return _init_linear(layer, init, std, generator)

    blocks = []
    for k in range(depth):
        n_in = in_features if k == 0 else width
        norm = nn.BatchNorm1d(width, dtype=dtype) if batchnorm else nn.Identity()
        blocks.append(_Block(linear(n_in, width), norm, ACTIVATIONS[activation](), residual and n_in == width))
    return nn.Sequential(*blocks, linear(width, out_features))


# --------------------------------------------------------------------------- measurements


def _as_input(x, model):
    dtype = next(model.parameters()).dtype
    return torch.as_tensor(x, dtype=dtype)


def layer_gradient_norms(model, x, y, *, loss="mse"):
    r"""The gradient norm :math:`\|\partial L/\partial W_k\|_F` of every linear layer (층별 기울기 노름).

    One forward and one backward pass on the batch ``(x, y)`` with the mean
    loss (``"mse"``: ``F.mse_loss``; ``"ce"``: ``F.cross_entropy`` of integer
    class labels). The gradients are returned, not stored: ``.grad`` of the
    parameters is left as it was (in training mode, BatchNorm's running
    statistics are updated by the forward pass, as in any training step).

    Args:
        model: an ``nn.Module`` containing ``nn.Linear`` layers (e.g. :func:`deep_mlp`).
        x: inputs, an array or tensor of shape :math:`(N, \text{in})`.
        y: targets: same shape as the output for ``"mse"``, integer labels
            of shape :math:`(N,)` for ``"ce"``.
        loss: ``"mse"`` or ``"ce"``.

    Returns:
        float64 array, one Frobenius norm per ``nn.Linear`` weight in module
        order (input side first).

    Raises:
        ValueError: for an unknown ``loss``, a model without ``nn.Linear``
            layers, or an MSE target whose shape differs from the output's.

    Examples:
        >>> model = deep_mlp(2, width=4, seed=0)
        >>> layer_gradient_norms(model, torch.ones(3, 4), torch.zeros(3, 4)).shape
        (3,)
    """
    check_choice(loss, "loss", LOSSES)
    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    if not weights:
        raise ValueError(f"model must contain nn.Linear layers; got {type(model).__name__} without any.")
    out = model(_as_input(x, model))
    if loss == "ce":
        value = nn.functional.cross_entropy(out, torch.as_tensor(y, dtype=torch.long))
    else:
        y = torch.as_tensor(y, dtype=out.dtype)
        if y.shape != out.shape:
            raise ValueError(
                f"y must have the model output's shape; got {tuple(y.shape)} and output {tuple(out.shape)}. "
                "Use y.reshape(-1, 1) for a single output."
            )
        value = nn.functional.mse_loss(out, y)
    grads = torch.autograd.grad(value, weights)
    return np.array([g.norm().item() for g in grads], dtype=np.float64)


class ActivationStats(NamedTuple):
    r"""Mean and standard deviation of each hidden layer's output, input side first."""

    mean: np.ndarray
    std: np.ndarray


def activation_stats(model, x):
    r"""Mean and standard deviation of the activations of every hidden layer (활성값 통계).

    For a :func:`deep_mlp` the statistics are those of each hidden block's
    output :math:`h_k` (after the activation and any residual sum); for other
    models, of each ``nn.Sigmoid``, ``nn.Tanh`` or ``nn.ReLU`` module's
    output. Both are taken over all entries of the batch (std with divisor
    :math:`n`, as ``np.std``).

    Args:
        model: an ``nn.Module``.
        x: a batch of inputs, an array or tensor.

    Returns:
        :class:`ActivationStats` of two float64 arrays of shape (layers,).

    Raises:
        ValueError: if the model has no hidden block or activation module.

    Examples:
        A zero input and zero biases give :math:`\sigma(0) = 0.5` everywhere:

        >>> stats = activation_stats(deep_mlp(1, width=4, activation="sigmoid", init="xavier"), torch.zeros(3, 4))
        >>> stats.mean.tolist(), stats.std.tolist()
        ([0.5], [0.0])
    """
    kinds = (_Block,) if any(isinstance(m, _Block) for m in model.modules()) else (nn.Sigmoid, nn.Tanh, nn.ReLU)
    layers = [m for m in model.modules() if isinstance(m, kinds)]
    if not layers:
        raise ValueError(f"model must contain hidden blocks or activation modules; got {type(model).__name__}.")
    outputs = []
    hooks = [m.register_forward_hook(lambda m, inp, out: outputs.append(out)) for m in layers]
    try:
        with torch.no_grad():
            model(_as_input(x, model))
    finally:
        for hook in hooks:
            hook.remove()
    mean = np.array([h.mean().item() for h in outputs])
    std = np.array([h.std(correction=0).item() for h in outputs])
    return ActivationStats(mean, std)


def simple_rnn_gradient(T, *, weight_scale, hidden=32, activation="linear", seed=0):
    r"""The norm :math:`\|\partial L/\partial h_t\|` at every step of an unrolled RNN (순환 신경망).

    The RNN :math:`h_t = \phi(W h_{t-1} + x_t)`, :math:`h_0 = 0`, runs for
    ``T`` steps on standard normal inputs, with
    :math:`W = \text{weight\_scale}\cdot Q` for a random orthogonal :math:`Q`:
    every eigenvalue and singular value of :math:`W` has modulus
    ``weight_scale``, so ``weight_scale`` is its spectral radius. The loss
    :math:`L = v^\top h_T` (a random unit vector :math:`v`) has
    :math:`\partial L/\partial h_T = v` of norm 1, and backpropagation gives

    .. math::
        \frac{\partial L}{\partial h_t} = \Big(\prod_{s=t+1}^{T} W^\top D_s\Big) v,
        \qquad D_s = \mathrm{diag}\,\phi'(W h_{s-1} + x_s).

    For ``activation="linear"`` (:math:`D_s = I`) the norm is exactly
    :math:`\text{weight\_scale}^{T-t}`: vanishing below 1, exploding above.
    For ``"tanh"`` (:math:`0 < \phi' \le 1`) it is at most that.

    Args:
        T: number of steps, >= 1.
        weight_scale: spectral radius of :math:`W`, > 0.
        hidden: size of the hidden state.
        activation: ``"linear"`` or ``"tanh"``.
        seed: an ``int`` or a ``torch.Generator``.

    Returns:
        float64 array of shape (T,); entry ``t - 1`` is
        :math:`\|\partial L/\partial h_t\|_2` for :math:`t = 1, \dots, T`.

    Raises:
        ValueError: for ``T < 1``, ``weight_scale <= 0`` or an unknown activation.

    Examples:
        >>> simple_rnn_gradient(3, weight_scale=2.0, hidden=4).round(6).tolist()
        [4.0, 2.0, 1.0]
    """
    T = check_int(T, "T", minimum=1)
    weight_scale = check_positive(weight_scale, "weight_scale")
    hidden = check_int(hidden, "hidden", minimum=1)
    phi = {"linear": lambda a: a, "tanh": torch.tanh}[check_choice(activation, "activation", ("linear", "tanh"))]
    g = _generator(seed)
    Q, _ = torch.linalg.qr(torch.randn(hidden, hidden, generator=g, dtype=torch.float64))
    W = weight_scale * Q
    x = torch.randn(T, hidden, generator=g, dtype=torch.float64)
    v = torch.randn(hidden, generator=g, dtype=torch.float64)
    v = v / v.norm()
    h = torch.zeros(hidden, dtype=torch.float64, requires_grad=True)  # puts every h_t in the graph
    states = []
    for t in range(T):
        h = phi(W @ h + x[t])
        states.append(h)
    grads = torch.autograd.grad(v @ states[-1], states)
    return np.array([gr.norm().item() for gr in grads])


def train_with_clipping(*, clip=None, depth=3, width=16, lr=0.5, steps=100, seed=0):
    r"""A deep linear regression by SGD, with or without gradient-norm clipping (기울기 클리핑 학습).

    The model is ``deep_mlp(depth, width=width, activation="linear",
    init="xavier")`` in float64; the data are :math:`X \in \mathbb R^{256
    \times \text{width}}` with standard normal entries and :math:`Y = X A^\top`
    for a teacher :math:`A_{ij} \sim \mathcal N(0, 9/\text{width})` (a map about
    three times larger than the network at initialisation, so the first
    gradients are large). Each step is full-batch gradient descent on the MSE,

    .. math::
        g \leftarrow \nabla_\theta J, \quad
        g \leftarrow \min\Big(\tfrac{\text{clip}}{\|g\| + 10^{-6}}, 1\Big)\, g \ \text{(if clip)}, \quad
        \theta \leftarrow \theta - \eta\, g.

    The loss of a deep linear network is a polynomial in the weights, so one
    step that is too long lands where the gradient is larger still: at the
    default ``lr=0.5`` the run without clipping overflows within a few dozen
    steps, while ``clip=1.0`` bounds every step by :math:`\eta\cdot\text{clip}`
    and the loss falls.

    Args:
        clip: ``max_norm`` for ``torch.nn.utils.clip_grad_norm_``, or None for no clipping.
        depth, width: of the network, see :func:`deep_mlp`.
        lr: learning rate :math:`\eta > 0`.
        steps: number of updates, >= 0.
        seed: an ``int`` or a ``torch.Generator`` (data and weights).

    Returns:
        float64 array of shape (steps + 1,): the loss before each update and
        after the last. Once the loss is no longer finite the run stops and the
        remaining entries are NaN.

    Raises:
        ValueError: if ``clip`` is given and not > 0, ``lr`` is not > 0, or
            ``steps`` < 0.
    """
    clip = None if clip is None else check_positive(clip, "clip")
    lr = check_positive(lr, "lr")
    steps = check_int(steps, "steps", minimum=0)
    g = _generator(seed)
    model = deep_mlp(depth, width=width, activation="linear", init="xavier", seed=g, dtype=torch.float64)
    X = torch.randn(256, width, generator=g, dtype=torch.float64)
    A = torch.randn(width, width, generator=g, dtype=torch.float64) * (3.0 / width**0.5)
    Y = X @ A.T
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = np.full(steps + 1, np.nan)
    for t in range(steps + 1):
        loss = nn.functional.mse_loss(model(X), Y)
        history[t] = loss.item()
        if t == steps or not np.isfinite(history[t]):
            break
        optimizer.zero_grad()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
    return history
