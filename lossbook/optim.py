r"""Optimizers (최적화 알고리즘, 옵티마이저) in NumPy, equal to ``torch.optim`` step for step.

Each factory returns an :class:`Optimizer`, a pair of pure functions in the
style of optax:

* ``state = opt.init(params)`` makes the optimizer's state (an explicit
  ``NamedTuple``: :class:`SGDState`, :class:`RMSpropState`, :class:`AdamState`);
* ``params, state = opt.update(params, grads, state, lr=None)`` returns new
  parameters and a new state. Nothing is modified in place; ``lr=`` overrides
  the factory's learning rate for this step (a schedule's ``lr_at(step)``).

``params`` and ``grads`` are one floating ``ndarray`` or a list/tuple of them
(the result has the same structure). The factories follow ``torch.optim``'s
single-tensor code path (``foreach=False``), operation for operation:

* :func:`sgd`: gradient descent, momentum (with ``dampening``) and Nesterov;
* :func:`rmsprop`: RMSprop, optionally centred and with momentum;
* :func:`adam`: Adam, with L2 weight decay added to the gradient
  ("Adam + L2"), AMSGrad, and bias correction that can be switched off;
* :func:`adamw`: AdamW, Adam with decoupled weight decay.

Gradient descent, stochastic gradient descent and mini-batch SGD are the same
update fed different gradients; :func:`minibatches` makes the index batches of
one epoch. :func:`rosenbrock` and :func:`quadratic` (with gradients) are test
problems, and :func:`trajectory` runs an optimizer on one of them.
:func:`momentum_rate` is the theory of momentum on a quadratic.
"""
import numbers
from typing import Any, Callable, NamedTuple

import numpy as np

from ._checks import _short, as_float_array, check_flag, check_fraction, check_int, check_rng, check_scalar_in


class Optimizer(NamedTuple):
    r"""An optimizer as two pure functions (see the module docstring).

    Attributes:
        init: ``init(params) -> state``.
        update: ``update(params, grads, state, *, lr=None) -> (params, state)``.
    """

    init: Callable
    update: Callable


# --------------------------------------------------------------------------- checks


def _check_nonneg(value, name):
    r"""``value`` as a float after checking it is a finite real number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}.")
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")
    return float(value)


def _check_betas(betas):
    r"""``betas`` as a pair of floats in [0, 1) (1 would never forget the first gradient)."""
    if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2); got {betas!r}.")
    return tuple(check_scalar_in(b, f"betas[{i}]", 0, 1, high_open=True) for i, b in enumerate(betas))


def _leaves(tree, name):
    r"""``(list of arrays, rebuild)`` for one array or a list/tuple of arrays.

    ``rebuild(list)`` gives back the caller's structure, so an optimizer
    returns an array for an array and a tuple for a tuple.
    """
    # np.asarray: arithmetic on a 0-d array gives a NumPy scalar; give back an array.
    if isinstance(tree, np.ndarray):
        leaves, rebuild = [tree], lambda out: np.asarray(out[0])
        names = [name]
    elif isinstance(tree, (list, tuple)):
        leaves, kind = list(tree), type(tree)
        rebuild = lambda out: kind(np.asarray(o) for o in out)  # noqa: E731
        names = [f"{name}[{i}]" for i in range(len(leaves))]
    else:
        raise TypeError(
            f"{name} must be a NumPy array or a list/tuple of arrays; got {_short(tree)} of type "
            f"{type(tree).__name__}. Use np.asarray(...) for numbers."
        )
    for leaf, leaf_name in zip(leaves, names):
        if not isinstance(leaf, np.ndarray) or leaf.dtype.kind != "f":
            what = f"dtype {leaf.dtype}" if isinstance(leaf, np.ndarray) else f"{type(leaf).__name__} {_short(leaf)}"
            raise TypeError(
                f"{leaf_name} must be a floating-point NumPy array; got {what}. "
                "Use np.asarray(x, dtype=float)."
            )
    return leaves, rebuild


def _arrays(params, grads):
    r"""The leaves of ``params`` and ``grads`` after checking they match one for one."""
    p_leaves, rebuild = _leaves(params, "params")
    g_leaves, _ = _leaves(grads, "grads")
    if len(g_leaves) != len(p_leaves) or isinstance(grads, np.ndarray) != isinstance(params, np.ndarray):
        raise ValueError(
            f"grads must have the structure of params, one gradient per parameter array; got "
            f"{_structure(grads)} for {_structure(params)}."
        )
    for i, (p, g) in enumerate(zip(p_leaves, g_leaves)):
        where = "" if isinstance(params, np.ndarray) else f"[{i}]"
        if p.shape != g.shape or p.dtype != g.dtype:
            raise ValueError(
                f"grads{where} must have the shape and dtype of params{where}; got {g.shape} {g.dtype} "
                f"for {p.shape} {p.dtype}."
            )
    return p_leaves, g_leaves, rebuild


def _structure(tree):
    return "one array" if isinstance(tree, np.ndarray) else f"{len(tree)} arrays"


def _state_leaves(field, n):
    r"""A state field as a list of ``n`` entries (``None`` for a field the options switch off)."""
    if field is None:
        return [None] * n
    return [field] if isinstance(field, np.ndarray) else list(field)


def _check_state(state, cls, n, factory, present):
    r"""Raise unless ``state`` is a ``cls`` made by this optimizer's ``init`` for ``n`` arrays.

    ``present[i]`` says whether the options use field ``i + 1`` (e.g. a
    momentum buffer only with ``momentum > 0``).
    """
    if not isinstance(state, cls):
        raise TypeError(
            f"state must be the {cls.__name__} returned by {factory}(...).init(params); got "
            f"{_short(state)} of type {type(state).__name__}."
        )
    for name, field, wanted in zip(cls._fields[1:], state[1:], present):
        if (field is not None) != wanted:
            raise ValueError(
                f"state must come from init(params) of this very optimizer; its {name} is "
                f"{'None' if field is None else 'set'}, which the options {factory}(...) was made with do not match."
            )
        if field is not None and len(_state_leaves(field, n)) != n:
            raise ValueError(f"state must come from init(params) for these params ({n} arrays); its {name} differs.")


def _step_lr(lr, default):
    return default if lr is None else _check_nonneg(lr, "lr")


def _unzip(rows, n_fields):
    r"""A list of per-array tuples -> a tuple of per-field lists."""
    return tuple(list(col) for col in zip(*rows)) if rows else tuple([] for _ in range(n_fields))


def _lerp(start, end, weight):
    r"""``start + weight (end - start)``, computed as ``torch.lerp`` does.

    torch switches formula at ``weight = 0.5`` so that ``weight = 1`` returns
    ``end`` exactly; mirroring both branches keeps us equal to it to the last
    few bits.
    """
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


# --------------------------------------------------------------------------- SGD


class SGDState(NamedTuple):
    r"""State of :func:`sgd`.

    Attributes:
        step: number of updates made so far (0 after ``init``).
        momentum_buffer: :math:`b`, in the structure of ``params``; ``None``
            when ``momentum == 0`` (plain SGD keeps no state but the count).
    """

    step: int
    momentum_buffer: Any


def _sgd_step(param, grad, buf, step, *, lr, momentum, dampening, nesterov, weight_decay, maximize):
    r"""One SGD update of one array; returns ``(param, buf)``."""
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param  # the gradient of the L2 penalty (weight_decay / 2) |param|^2
    if momentum != 0:
        # The first buffer is the gradient itself, not (1 - dampening) times it (torch's choice).
        buf = g.copy() if step == 0 else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf if nesterov else buf
    return param - lr * g, buf


def sgd(lr=1e-3, *, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, maximize=False):
    r"""Stochastic gradient descent (확률적 경사 하강법) with momentum (모멘텀), as ``torch.optim.SGD``.

    With :math:`g_t` the gradient at step :math:`t = 1, 2, \dots`,
    :math:`\eta` = ``lr``, :math:`\mu` = ``momentum``, :math:`\tau` =
    ``dampening`` and :math:`\lambda` = ``weight_decay``:

    .. math::
        g_t &\leftarrow \pm g_t + \lambda\theta_{t-1}
            \quad (- \text{ if maximize}) \\
        b_t &= \begin{cases} g_t & t = 1 \\
              \mu b_{t-1} + (1 - \tau) g_t & t > 1 \end{cases} \\
        d_t &= \begin{cases} g_t + \mu b_t & \text{nesterov} \\
              b_t & \text{otherwise} \end{cases}
              \qquad (d_t = g_t \text{ if } \mu = 0) \\
        \theta_t &= \theta_{t-1} - \eta\, d_t

    With :math:`\mu = 0` this is gradient descent (경사 하강법); which data
    the gradient comes from (all, one example, a mini-batch) makes it batch,
    stochastic or mini-batch gradient descent. On a constant gradient the
    buffer tends to :math:`g/(1 - \mu)`: momentum multiplies the step by up
    to :math:`1/(1-\mu)` (10 for :math:`\mu = 0.9`) along a steady slope.

    Args:
        lr: learning rate (학습률) :math:`\eta \ge 0`.
        momentum: :math:`\mu \ge 0`.
        dampening: :math:`\tau \in [0, 1]`, the part of each new gradient
            left out of the buffer.
        nesterov: Nesterov momentum (needs ``momentum > 0`` and
            ``dampening == 0``, as in torch).
        weight_decay: :math:`\lambda \ge 0` (L2 penalty through the gradient).
        maximize: ascend instead of descend.

    Returns:
        :class:`Optimizer` with :class:`SGDState`.

    Raises:
        TypeError, ValueError: for an argument out of range, or
            ``nesterov=True`` without momentum or with dampening; ``update``
            raises for params and grads that do not match.

    References:
        Robbins and Monro (1951); Polyak (1964); Sutskever et al. (2013).

    Examples:
        One step of :math:`\eta = 0.1` on the gradient 2 moves 1.0 to 0.8;
        with momentum 0.9 the second step on the same gradient is
        :math:`0.1 (0.9 \cdot 2 + 2) = 0.38`:

        >>> opt = sgd(0.1, momentum=0.9)
        >>> x, state = np.array([1.0]), opt.init(np.array([1.0]))
        >>> x, state = opt.update(x, np.array([2.0]), state)
        >>> x
        array([0.8])
        >>> opt.update(x, np.array([2.0]), state)[0]
        array([0.42])
    """
    default_lr = _check_nonneg(lr, "lr")
    momentum = _check_nonneg(momentum, "momentum")
    options = dict(
        momentum=momentum,
        dampening=check_fraction(dampening, "dampening"),
        nesterov=check_flag(nesterov, "nesterov"),
        weight_decay=_check_nonneg(weight_decay, "weight_decay"),
        maximize=check_flag(maximize, "maximize"),
    )
    if options["nesterov"] and (momentum <= 0 or options["dampening"] != 0):
        raise ValueError(
            "nesterov=True requires momentum > 0 and dampening = 0 (as torch.optim.SGD); "
            f"got momentum={momentum!r}, dampening={options['dampening']!r}."
        )

    def init(params):
        leaves, rebuild = _leaves(params, "params")
        return SGDState(0, rebuild([np.zeros_like(p) for p in leaves]) if momentum != 0 else None)

    def update(params, grads, state, *, lr=None):
        p_leaves, g_leaves, rebuild = _arrays(params, grads)
        _check_state(state, SGDState, len(p_leaves), "sgd", (momentum != 0,))
        step_lr = _step_lr(lr, default_lr)
        bufs = _state_leaves(state.momentum_buffer, len(p_leaves))
        rows = [_sgd_step(p, g, b, state.step, lr=step_lr, **options) for p, g, b in zip(p_leaves, g_leaves, bufs)]
        new_p, new_b = _unzip(rows, 2)
        return rebuild(new_p), SGDState(state.step + 1, rebuild(new_b) if momentum != 0 else None)

    return Optimizer(init, update)


# --------------------------------------------------------------------------- RMSprop


class RMSpropState(NamedTuple):
    r"""State of :func:`rmsprop`, each field in the structure of ``params``.

    Attributes:
        step: number of updates made so far.
        square_avg: :math:`v`, the running mean of squared gradients.
        grad_avg: :math:`\bar g`, the running mean of gradients (``None``
            unless ``centered``).
        momentum_buffer: :math:`b` (``None`` unless ``momentum > 0``).
    """

    step: int
    square_avg: Any
    grad_avg: Any
    momentum_buffer: Any


def _rmsprop_step(param, grad, square_avg, grad_avg, buf, *, lr, alpha, eps, weight_decay, momentum, centered,
                  maximize):
    r"""One RMSprop update of one array; returns ``(param, square_avg, grad_avg, buf)``."""
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * param
    square_avg = alpha * square_avg + (1 - alpha) * g * g
    if centered:  # subtract the squared mean: divide by the gradient's standard deviation
        grad_avg = _lerp(grad_avg, g, 1 - alpha)
        avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
    else:
        avg = np.sqrt(square_avg) + eps
    if momentum > 0:
        buf = momentum * buf + g / avg
        return param - lr * buf, square_avg, grad_avg, buf
    return param - lr * g / avg, square_avg, grad_avg, buf


def rmsprop(lr=1e-2, *, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, maximize=False):
    r"""RMSprop (Tieleman and Hinton, 2012), as ``torch.optim.RMSprop``.

    Each parameter's step is divided by the root mean square of its recent
    gradients (적응적 학습률, a per-parameter step size). With
    :math:`\alpha` = ``alpha``, :math:`\varepsilon` = ``eps``:

    .. math::
        g_t &\leftarrow \pm g_t + \lambda\theta_{t-1} \\
        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2, \qquad v_0 = 0 \\
        \bar g_t &= \alpha \bar g_{t-1} + (1 - \alpha) g_t, \qquad \bar g_0 = 0
            \quad \text{(centered only)} \\
        s_t &= \sqrt{v_t} + \varepsilon
            \quad \text{or, centered,} \quad \sqrt{v_t - \bar g_t^2} + \varepsilon \\
        b_t &= \mu b_{t-1} + g_t / s_t, \quad \theta_t = \theta_{t-1} - \eta b_t
            \quad \text{if } \mu > 0, \ \text{else} \quad
            \theta_t = \theta_{t-1} - \eta\, g_t / s_t

    All operations are elementwise. Note that :math:`\varepsilon` is added
    *outside* the square root, and there is no bias correction.

    Args:
        lr: :math:`\eta \ge 0`.
        alpha: smoothing constant :math:`\alpha \in [0, 1]`.
        eps: :math:`\varepsilon \ge 0`.
        weight_decay: :math:`\lambda \ge 0` (L2 through the gradient).
        momentum: :math:`\mu \ge 0`.
        centered: normalise by an estimate of the variance instead of the
            second moment.
        maximize: ascend instead of descend.

    Returns:
        :class:`Optimizer` with :class:`RMSpropState`.

    Raises:
        TypeError, ValueError: for an argument out of range; ``update`` raises
            for params and grads that do not match.

    References:
        Tieleman and Hinton (2012), Lecture 6.5, rmsprop, COURSERA: Neural
        Networks for Machine Learning. Graves (2013), arXiv:1308.0850 (centred).

    Examples:
        The first step is :math:`\eta g / \sqrt{(1-\alpha) g^2} = \eta/\sqrt{1-\alpha}`
        for any gradient: with :math:`\alpha = 0.99`, 10 times the learning rate.

        >>> opt = rmsprop(0.01, eps=0.0)
        >>> opt.update(np.array([1.0]), np.array([123.0]), opt.init(np.array([1.0])))[0]
        array([0.9])
    """
    default_lr = _check_nonneg(lr, "lr")
    options = dict(
        alpha=check_fraction(alpha, "alpha"),
        eps=_check_nonneg(eps, "eps"),
        weight_decay=_check_nonneg(weight_decay, "weight_decay"),
        momentum=_check_nonneg(momentum, "momentum"),
        centered=check_flag(centered, "centered"),
        maximize=check_flag(maximize, "maximize"),
    )

    def init(params):
        leaves, rebuild = _leaves(params, "params")
        zeros = lambda on: rebuild([np.zeros_like(p) for p in leaves]) if on else None  # noqa: E731
        return RMSpropState(0, zeros(True), zeros(options["centered"]), zeros(options["momentum"] > 0))

    def update(params, grads, state, *, lr=None):
        p_leaves, g_leaves, rebuild = _arrays(params, grads)
        n = len(p_leaves)
        _check_state(state, RMSpropState, n, "rmsprop", (True, options["centered"], options["momentum"] > 0))
        step_lr = _step_lr(lr, default_lr)
        fields = [_state_leaves(f, n) for f in state[1:]]
        rows = [_rmsprop_step(p, g, *s, lr=step_lr, **options) for p, g, *s in zip(p_leaves, g_leaves, *fields)]
        new_p, *new_fields = _unzip(rows, 4)
        kept = [rebuild(f) if old is not None else None for f, old in zip(new_fields, state[1:])]
        return rebuild(new_p), RMSpropState(state.step + 1, *kept)

    return Optimizer(init, update)


# --------------------------------------------------------------------------- Adam and AdamW


class AdamState(NamedTuple):
    r"""State of :func:`adam` and :func:`adamw`, each array field in the structure of ``params``.

    Attributes:
        step: :math:`t`, the number of updates made so far.
        exp_avg: :math:`m_t`, the running mean of gradients (first moment).
        exp_avg_sq: :math:`v_t`, the running mean of squared gradients.
        max_exp_avg_sq: :math:`\hat v^{\max}_t`, the largest :math:`v` so far
            (``None`` unless ``amsgrad``).
    """

    step: int
    exp_avg: Any
    exp_avg_sq: Any
    max_exp_avg_sq: Any


def _adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, *, lr, beta1, beta2, eps,
               weight_decay, decoupled, amsgrad, bias_correction, maximize):
    r"""One Adam/AdamW update of one array at step ``step`` (1-based); returns the new four arrays."""
    g = -grad if maximize else grad
    if weight_decay != 0 and decoupled:
        param = param * (1 - lr * weight_decay)  # AdamW: shrink the weights themselves
    elif weight_decay != 0:
        g = g + weight_decay * param  # Adam + L2: the decay goes through the normaliser below
    exp_avg = _lerp(exp_avg, g, 1 - beta1)  # beta1 m + (1 - beta1) g
    exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g
    if amsgrad:
        max_exp_avg_sq = np.maximum(max_exp_avg_sq, exp_avg_sq)
    v = max_exp_avg_sq if amsgrad else exp_avg_sq
    # m and v start at 0, so after t steps they are (1 - beta^t) times too small on average.
    bc1, bc2 = (1 - beta1**step, 1 - beta2**step) if bias_correction else (1.0, 1.0)
    denom = np.sqrt(v) / bc2**0.5 + eps  # sqrt(v_hat) + eps, with v_hat = v / bc2
    return param + (-lr / bc1) * exp_avg / denom, exp_avg, exp_avg_sq, max_exp_avg_sq


def _adam_factory(name, lr, betas, eps, weight_decay, amsgrad, maximize, decoupled, bias_correction):
    default_lr = _check_nonneg(lr, "lr")
    beta1, beta2 = _check_betas(betas)
    options = dict(
        beta1=beta1,
        beta2=beta2,
        eps=_check_nonneg(eps, "eps"),
        weight_decay=_check_nonneg(weight_decay, "weight_decay"),
        amsgrad=check_flag(amsgrad, "amsgrad"),
        maximize=check_flag(maximize, "maximize"),
        bias_correction=check_flag(bias_correction, "bias_correction"),
        decoupled=decoupled,
    )

    def init(params):
        leaves, rebuild = _leaves(params, "params")
        zeros = lambda: rebuild([np.zeros_like(p) for p in leaves])  # noqa: E731
        return AdamState(0, zeros(), zeros(), zeros() if options["amsgrad"] else None)

    def update(params, grads, state, *, lr=None):
        p_leaves, g_leaves, rebuild = _arrays(params, grads)
        n = len(p_leaves)
        _check_state(state, AdamState, n, name, (True, True, options["amsgrad"]))
        step_lr, t = _step_lr(lr, default_lr), state.step + 1
        m, v, vmax = (_state_leaves(f, n) for f in state[1:])
        rows = [_adam_step(*a, t, lr=step_lr, **options) for a in zip(p_leaves, g_leaves, m, v, vmax)]
        new_p, new_m, new_v, new_vmax = _unzip(rows, 4)
        vmax_out = rebuild(new_vmax) if options["amsgrad"] else None
        return rebuild(new_p), AdamState(t, rebuild(new_m), rebuild(new_v), vmax_out)

    return Optimizer(init, update)


def adam(lr=1e-3, *, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, bias_correction=True,
         maximize=False):
    r"""Adam (Kingma and Ba, 2015), as ``torch.optim.Adam``; ``weight_decay`` is an L2 penalty.

    With :math:`\beta_1, \beta_2` = ``betas``, at step :math:`t = 1, 2, \dots`:

    .. math::
        g_t &\leftarrow \pm g_t + \lambda\theta_{t-1}
            \qquad \text{(L2: the decay joins the gradient)} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad m_0 = 0 \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \qquad v_0 = 0 \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}
            \qquad \text{(bias correction, 편향 보정)} \\
        \theta_t &= \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon}

    With ``amsgrad`` the denominator uses
    :math:`\hat v^{\max}_t = \max(\hat v^{\max}_{t-1}, v_t)` in place of
    :math:`v_t` (still divided by :math:`1 - \beta_2^t`). With
    ``bias_correction=False`` (our option, not torch's) the hats are dropped:
    :math:`\theta_t = \theta_{t-1} - \eta\, m_t / (\sqrt{v_t} + \varepsilon)`.

    Because the L2 term passes through :math:`\sqrt{\hat v_t}`, parameters
    with large gradients are decayed less than parameters with small ones;
    :func:`adamw` decouples the decay from the normaliser.

    Args:
        lr: :math:`\eta \ge 0`.
        betas: :math:`(\beta_1, \beta_2)`, each in [0, 1).
        eps: :math:`\varepsilon \ge 0`, added to :math:`\sqrt{\hat v_t}`.
        weight_decay: :math:`\lambda \ge 0`.
        amsgrad: use the running maximum of :math:`v_t` (Reddi et al., 2018).
        bias_correction: divide by :math:`1 - \beta^t` (True, as torch).
        maximize: ascend instead of descend.

    Returns:
        :class:`Optimizer` with :class:`AdamState`.

    Raises:
        TypeError, ValueError: for an argument out of range; ``update`` raises
            for params and grads that do not match.

    References:
        Kingma and Ba (2015), Adam: A Method for Stochastic Optimization, ICLR.

    Examples:
        The first step is :math:`\eta\, g/(|g| + \varepsilon)`, about
        :math:`\eta` whatever the size of the gradient:

        >>> opt = adam(0.1, eps=0.0)
        >>> opt.update(np.array([1.0, 1.0]), np.array([-50.0, 0.001]), opt.init(np.zeros(2)))[0]
        array([1.1, 0.9])
    """
    return _adam_factory("adam", lr, betas, eps, weight_decay, amsgrad, maximize, False, bias_correction)


def adamw(lr=1e-3, *, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, maximize=False):
    r"""AdamW (Loshchilov and Hutter, 2019), as ``torch.optim.AdamW``: decoupled weight decay.

    Adam (see :func:`adam`) with the decay applied to the weights directly
    instead of through the gradient:

    .. math::
        \theta_{t-1} &\leftarrow (1 - \eta\lambda)\,\theta_{t-1}
            \qquad \text{(decoupled weight decay, 가중치 감쇠)} \\
        m_t, v_t, \hat m_t, \hat v_t &\ \text{as in Adam, from } g_t \text{ alone} \\
        \theta_t &= \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon}

    Every parameter shrinks by the same factor :math:`1 - \eta\lambda` per
    step, whatever its gradient's size. Note the default
    :math:`\lambda = 10^{-2}`, unlike Adam's 0.

    Args:
        lr, betas, eps, amsgrad, maximize: as :func:`adam`.
        weight_decay: :math:`\lambda \ge 0`.

    Returns:
        :class:`Optimizer` with :class:`AdamState`.

    Raises:
        TypeError, ValueError: as :func:`adam`.

    References:
        Loshchilov and Hutter (2019), Decoupled Weight Decay Regularization, ICLR.

    Examples:
        With a zero gradient (and :math:`\varepsilon > 0`) only the decay acts:
        :math:`2 (1 - 0.1 \cdot 0.5) = 1.9`.

        >>> opt = adamw(0.1, weight_decay=0.5)
        >>> opt.update(np.array([2.0]), np.array([0.0]), opt.init(np.zeros(1)))[0]
        array([1.9])
    """
    return _adam_factory("adamw", lr, betas, eps, weight_decay, amsgrad, maximize, True, True)


# --------------------------------------------------------------------------- mini-batches


def minibatches(n, batch_size, *, rng, drop_last=False):
    r"""The index batches of one epoch (에폭) of mini-batch SGD (미니배치 경사 하강법).

    The indices :math:`0, \dots, n-1` are shuffled with ``rng`` and cut into
    consecutive batches of ``batch_size`` (the last one shorter, unless
    ``drop_last``), as a ``torch.utils.data.DataLoader`` with
    ``shuffle=True`` does. ``batch_size = n`` gives (full-)batch gradient
    descent, ``batch_size = 1`` stochastic gradient descent.

    Args:
        n: number of examples, >= 1.
        batch_size: examples per batch, >= 1 (more than ``n`` gives one batch).
        rng: a ``numpy.random.Generator``.
        drop_last: leave out a last batch shorter than ``batch_size``.

    Returns:
        A list of int64 index arrays, each used once per epoch.

    Raises:
        TypeError, ValueError: for a non-integer or < 1 ``n`` or
            ``batch_size``, or an ``rng`` that is not a Generator.

    Examples:
        >>> [len(b) for b in minibatches(10, 4, rng=np.random.default_rng(0))]
        [4, 4, 2]
        >>> sorted(np.concatenate(minibatches(5, 2, rng=np.random.default_rng(0))).tolist())
        [0, 1, 2, 3, 4]
    """
    n = check_int(n, "n", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    check_rng(rng)
    drop_last = check_flag(drop_last, "drop_last")
    order = rng.permutation(n)
    stop = n - n % batch_size if drop_last else n
    return [order[i : i + batch_size] for i in range(0, stop, batch_size)]


# --------------------------------------------------------------------------- test problems


def _points(xy):
    xy = as_float_array(xy, "xy")
    if xy.ndim == 0 or xy.shape[-1] != 2:
        raise ValueError(f"xy must have shape (..., 2), points (x, y) along the last axis; got {xy.shape}.")
    return xy


def rosenbrock(xy):
    r"""The Rosenbrock function (로젠브록 함수), a curved valley with its minimum at (1, 1).

    .. math::
        f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2

    Args:
        xy: points, shape (..., 2).

    Returns:
        :math:`f`, shape (...), in the dtype of ``xy``.

    Examples:
        >>> rosenbrock([1.0, 1.0]), rosenbrock([0.0, 0.0]), rosenbrock([-1.0, 1.0])
        (array(0.), array(1.), array(4.))
    """
    xy = _points(xy)
    x, y = xy[..., 0], xy[..., 1]
    return np.asarray((1 - x) ** 2 + 100 * (y - x**2) ** 2)  # a 0-d array, not a scalar, for one point


def rosenbrock_grad(xy):
    r"""The gradient of :func:`rosenbrock`.

    .. math::
        \frac{\partial f}{\partial x} = -2(1 - x) - 400\,x\,(y - x^2), \qquad
        \frac{\partial f}{\partial y} = 200\,(y - x^2)

    Examples:
        >>> rosenbrock_grad([0.0, 0.0]), rosenbrock_grad([1.0, 1.0])
        (array([-2.,  0.]), array([0., 0.]))
    """
    xy = _points(xy)
    x, y = xy[..., 0], xy[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)


def _hessian(condition, angle, dtype):
    r"""``R diag(1, condition) R^T``, R the rotation by ``angle``."""
    condition = check_scalar_in(condition, "condition", 1, np.inf)
    angle = check_scalar_in(angle, "angle", -np.inf, np.inf)
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    return (R @ np.diag([1.0, condition]) @ R.T).astype(dtype)


def quadratic(xy, *, condition=10.0, angle=0.0):
    r"""An ill-conditioned quadratic bowl (나쁜 조건수의 이차 함수), minimum 0 at the origin.

    .. math::
        f(\mathbf x) = \tfrac12 \mathbf x^\top H \mathbf x, \qquad
        H = R_\phi \begin{pmatrix} 1 & 0 \\ 0 & \kappa \end{pmatrix} R_\phi^\top

    :math:`H` has eigenvalues :math:`\mu = 1` and :math:`L = \kappa`
    (``condition``), with eigenvectors rotated by :math:`\phi` (``angle``,
    radians) from the axes. Gradient descent is stable for
    :math:`\eta < 2/L` and converges at best by the factor
    :math:`(\kappa - 1)/(\kappa + 1)` per step.

    Args:
        xy: points, shape (..., 2).
        condition: :math:`\kappa \ge 1`.
        angle: :math:`\phi`; at 0 the steep direction is the y-axis.

    Returns:
        :math:`f`, shape (...), in the dtype of ``xy``.

    Examples:
        >>> quadratic([1.0, 1.0], condition=10.0)  # (1 + 10) / 2
        array(5.5)
    """
    xy = _points(xy)
    H = _hessian(condition, angle, xy.dtype)
    return np.asarray(0.5 * np.einsum("...i,ij,...j->...", xy, H, xy))


def quadratic_grad(xy, *, condition=10.0, angle=0.0):
    r"""The gradient :math:`H\mathbf x` of :func:`quadratic`.

    Examples:
        >>> quadratic_grad([1.0, 1.0], condition=10.0)
        array([ 1., 10.])
    """
    xy = _points(xy)
    return xy @ _hessian(condition, angle, xy.dtype)  # H is symmetric: x H = (H x)^T


def trajectory(opt, grad_fn, x0, *, steps, lr_at=None):
    r"""The iterates :math:`x_0, x_1, \dots, x_{\text{steps}}` of an optimizer (최적화 경로).

    .. math::
        x_{t+1}, s_{t+1} = \text{opt.update}(x_t, \nabla f(x_t), s_t,\
        \text{lr} = \text{lr\_at}(t)), \qquad s_0 = \text{opt.init}(x_0)

    A run that diverges is an outcome, not an error: once an iterate is no
    longer finite the run stops and the remaining rows are NaN (overflow
    inside ``grad_fn`` on the way there is not reported).

    Args:
        opt: an :class:`Optimizer`.
        grad_fn: the gradient, a function of a point of shape (dim,).
        x0: the starting point, shape (dim,); integers become float64.
        steps: number of updates, >= 0.
        lr_at: optional ``lr_at(t) -> lr`` for update ``t = 0, 1, ...`` (a
            schedule); ``None`` keeps the optimizer's own learning rate.

    Returns:
        Array of shape (steps + 1, dim) in the dtype of ``x0``.

    Raises:
        TypeError: if ``opt`` is not an :class:`Optimizer` or ``grad_fn`` /
            ``lr_at`` is not callable.
        ValueError: if ``x0`` is not 1-d or ``steps < 0``.

    Examples:
        Gradient descent with :math:`\eta = 0.5` on :math:`\tfrac12 x^\top x`
        (condition 1) halves the point each step:

        >>> trajectory(sgd(0.5), lambda x: quadratic_grad(x, condition=1.0), [4.0, 2.0], steps=2)
        array([[4. , 2. ],
               [2. , 1. ],
               [1. , 0.5]])
    """
    if not isinstance(opt, Optimizer):
        raise TypeError(f"opt must be an Optimizer such as sgd(0.1); got {_short(opt)} of type {type(opt).__name__}.")
    for name, fn in (("grad_fn", grad_fn), ("lr_at", lr_at)):
        if not callable(fn) and not (name == "lr_at" and fn is None):
            raise TypeError(f"{name} must be callable; got {_short(fn)} of type {type(fn).__name__}.")
    x = as_float_array(x0, "x0")
    if x.ndim != 1:
        raise ValueError(f"x0 must be a 1-d array, one point; got shape {x.shape}.")
    steps = check_int(steps, "steps", minimum=0)
    path = np.full((steps + 1, x.size), np.nan, dtype=x.dtype)
    path[0], state = x, opt.init(x)
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is recorded as NaN rows
        for t in range(steps):
            g = np.asarray(grad_fn(x), dtype=x.dtype)
            x, state = opt.update(x, g, state, lr=None if lr_at is None else lr_at(t))
            if not np.all(np.isfinite(x)):
                break
            path[t + 1] = x
    return path


# --------------------------------------------------------------------------- theory


def momentum_rate(lr, momentum, eigenvalues):
    r"""The asymptotic convergence factor of heavy-ball momentum on a quadratic (수렴률).

    On :math:`f = \tfrac12 x^\top H x`, SGD with momentum (:func:`sgd`,
    :math:`\tau = 0`) is Polyak's heavy ball, and along an eigenvector of
    :math:`H` with eigenvalue :math:`h` the error obeys
    :math:`e_{t+1} = (1 + \mu - \eta h) e_t - \mu e_{t-1}`. Its two roots
    solve :math:`z^2 - (1 + \mu - \eta h) z + \mu = 0`, and the error shrinks
    like :math:`\rho^t` with

    .. math::
        \rho = \max_h \max |z_{1,2}(h)|.

    :math:`\rho < 1` means convergence. Gradient descent is :math:`\mu = 0`,
    :math:`\rho = \max_h |1 - \eta h|`; Polyak's tuning
    :math:`\eta = 4/(\sqrt L + \sqrt\mu_{\min})^2`,
    :math:`\mu = \big((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\big)^2` gives
    :math:`\rho = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)`.

    Args:
        lr: :math:`\eta \ge 0`.
        momentum: :math:`\mu \ge 0`.
        eigenvalues: the eigenvalues :math:`h` of :math:`H` (any shape).

    Returns:
        :math:`\rho` as a float.

    Raises:
        ValueError: for a negative ``lr`` or ``momentum``, or no eigenvalues.

    References:
        Polyak (1964), Some methods of speeding up the convergence of
        iteration methods, USSR Comp. Math. and Math. Physics.

    Examples:
        Gradient descent with :math:`\eta = 0.1` on eigenvalues 1 and 10:
        :math:`\max(|1 - 0.1|, |1 - 1|) = 0.9`:

        >>> momentum_rate(0.1, 0.0, [1.0, 10.0])
        0.9
    """
    lr, momentum = _check_nonneg(lr, "lr"), _check_nonneg(momentum, "momentum")
    h = as_float_array(eigenvalues, "eigenvalues").astype(np.float64).ravel()
    if h.size == 0:
        raise ValueError("eigenvalues must hold at least one value; got an empty array.")
    b = 1 + momentum - lr * h
    disc = (b * b - 4 * momentum).astype(complex)  # complex roots: the error oscillates (spirals)
    roots = np.abs(np.stack([(b + np.sqrt(disc)) / 2, (b - np.sqrt(disc)) / 2]))
    return float(roots.max())
