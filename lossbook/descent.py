r"""Training a classifier with any :mod:`lossbook.optim` optimizer (chapter 7's experiments).

:func:`fit_classifier` trains a :class:`lossbook.backprop.MLP` (NumPy, hand-
written backward pass) with the softmax cross-entropy by mini-batch descent:
one shuffled pass over the training set per epoch (:func:`~lossbook.optim.minibatches`),
one optimizer update per batch. The batch size decides what kind of descent
it is: all examples (gradient descent), one (stochastic gradient descent) or
anything between (mini-batch SGD). It records what a comparison of batch sizes
and optimizers needs: the loss per epoch, the number of updates and of
examples whose gradients were computed, and the wall-clock time.

:func:`train_torch` and :func:`evaluate_torch` are chapter 8's torch loop, in
which a schedule sets ``param_group["lr"]`` of any ``torch.optim`` optimizer
before every step.
"""
import math
import time
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from ._checks import check_int, check_rng
from .backprop import MLP, softmax_cross_entropy
from .optim import Optimizer, minibatches


class FitHistory(NamedTuple):
    r"""What :func:`fit_classifier` measured; index ``e`` is after epoch ``e`` (0: before training).

    The arrays are float64 (counts included), NaN after a run diverged.

    Attributes:
        train_loss: mean cross-entropy on the whole training set, shape (epochs + 1,).
        val_accuracy: accuracy on the validation set, shape (epochs + 1,).
        updates: optimizer steps taken so far, shape (epochs + 1,).
        examples: examples whose gradient was computed so far (gradient
            evaluations), shape (epochs + 1,).
        seconds: wall-clock time spent in training steps so far (evaluation
            excluded), shape (epochs + 1,); machine-dependent.
        test_accuracy: accuracy on the test set after the last epoch.
        params: the final parameters ``[W1, b1, W2, b2, ...]``.
    """

    train_loss: np.ndarray
    val_accuracy: np.ndarray
    updates: np.ndarray
    examples: np.ndarray
    seconds: np.ndarray
    test_accuracy: float
    params: list


def _loss_and_accuracy(net, x, y):
    logits = net.forward(x)
    loss, _ = softmax_cross_entropy(logits, y)
    return float(loss), float(np.mean(np.argmax(logits, axis=1) == y))


def _train_epoch(net, opt, state, x, y, batches, step, lr_at):
    r"""One pass over ``batches``: forward, backward, update. Returns ``(state, step)``."""
    for idx in batches:
        _, grad_logits = softmax_cross_entropy(net.forward(x[idx]), y[idx])
        net.backward(grad_logits)
        new, state = opt.update(net.params(), net.grads(), state, lr=None if lr_at is None else lr_at(step))
        for p, value in zip(net.params(), new):
            p[...] = value  # the MLP's layers hold these very arrays
        step += 1
    return state, step


def fit_classifier(opt, data, *, hidden=(32,), batch_size, epochs, rng, lr_at=None):
    r"""Train an MLP on ``data`` with ``opt`` by mini-batch descent (미니배치 학습); record each epoch.

    Each update uses the gradient of the mean cross-entropy over one batch,

    .. math::
        \theta \leftarrow \text{opt.update}\Big(\theta,\ \nabla_\theta
        \frac{1}{|B|}\sum_{n \in B} -\log \operatorname{softmax}(f_\theta(x_n))_{y_n}\Big),

    for the batches :math:`B` of :func:`~lossbook.optim.minibatches` (a new
    shuffle each epoch; the last batch may be shorter). With ``batch_size``
    :math:`\ge` the number of training examples this is gradient descent, one
    update per epoch.

    A run whose training loss stops being finite is stopped; every record
    from that epoch on is NaN (divergence is a result, not an error).

    Args:
        opt: an :class:`~lossbook.optim.Optimizer`.
        data: a :class:`lossbook.data.Digits` (or any named tuple with
            ``x_train, y_train, x_val, y_val, x_test, y_test``).
        hidden: widths of the hidden ReLU layers.
        batch_size: examples per update, >= 1.
        epochs: passes over the training set, >= 0.
        rng: a ``numpy.random.Generator``; it draws the initial weights (He
            initialisation), then every epoch's shuffle, so the same seed
            gives the same network and run.
        lr_at: optional ``lr_at(update) -> lr`` (a schedule over updates).

    Returns:
        :class:`FitHistory`.

    Raises:
        TypeError, ValueError: for a bad ``opt``, ``rng``, ``batch_size`` or
            ``epochs`` (and as :class:`~lossbook.backprop.MLP` for ``hidden``).

    Examples:
        >>> from lossbook import data, optim
        >>> d = data.digits(rng=np.random.default_rng(0))
        >>> h = fit_classifier(optim.sgd(0.1), d, batch_size=64, epochs=2, rng=np.random.default_rng(0))
        >>> h.updates.tolist(), h.examples.tolist()  # 1079 examples: 17 batches, the last of 55
        ([0.0, 17.0, 34.0], [0.0, 1079.0, 2158.0])
        >>> bool(h.train_loss[2] < h.train_loss[0])
        True
    """
    if not isinstance(opt, Optimizer):
        raise TypeError(f"opt must be an Optimizer such as optim.sgd(0.1); got {type(opt).__name__}.")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=0)
    check_rng(rng)
    x, y = data.x_train, data.y_train
    net = MLP([x.shape[1], *hidden, int(y.max()) + 1], rng=rng, dtype=x.dtype)
    state, step = opt.init(net.params()), 0
    n = len(y)
    rec = {k: np.full(epochs + 1, np.nan) for k in ("train_loss", "val_accuracy", "updates", "examples", "seconds")}
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is recorded as NaN
        rec["train_loss"][0] = _loss_and_accuracy(net, x, y)[0]
        rec["val_accuracy"][0] = _loss_and_accuracy(net, data.x_val, data.y_val)[1]
        rec["updates"][0] = rec["examples"][0] = rec["seconds"][0] = 0
        for e in range(1, epochs + 1):
            start = time.perf_counter()
            state, step = _train_epoch(net, opt, state, x, y, minibatches(n, batch_size, rng=rng), step, lr_at)
            rec["seconds"][e] = rec["seconds"][e - 1] + time.perf_counter() - start
            rec["train_loss"][e] = _loss_and_accuracy(net, x, y)[0]
            rec["val_accuracy"][e] = _loss_and_accuracy(net, data.x_val, data.y_val)[1]
            rec["updates"][e], rec["examples"][e] = step, e * n
            if not np.isfinite(rec["train_loss"][e]):
                rec["train_loss"][e] = rec["val_accuracy"][e] = np.nan
                break
        test_accuracy = _loss_and_accuracy(net, data.x_test, data.y_test)[1]
    return FitHistory(**rec, test_accuracy=test_accuracy, params=[p.copy() for p in net.params()])


def train_torch(model, opt, lr_at, steps, generator, *, x, y, batch_size=64):
    r"""Train a torch ``model`` for ``steps`` mini-batch steps, ``lr_at`` setting the learning rate.

    The loop of chapter 8: before every step the schedule drives the
    optimizer, ``param_group["lr"] = lr_at(step)`` for each parameter group,
    so any :mod:`lossbook.schedules` schedule (or any function of the step)
    works with any ``torch.optim`` optimizer. Each step draws ``batch_size``
    examples with replacement from ``generator`` and takes one step on their
    mean cross-entropy.

    A run whose loss stops being finite is stopped: the remaining entries
    stay NaN (a blow-up is a result, not an error).

    Args:
        model: a ``torch.nn.Module`` mapping ``x`` to logits.
        opt: a ``torch.optim.Optimizer`` over the model's parameters.
        lr_at: ``lr_at(step) -> float`` for step 0, 1, ...
        steps: number of steps, >= 0.
        generator: a ``torch.Generator`` (on the CPU) drawing the batches.
        x, y: training inputs and integer labels, tensors on the model's device.
        batch_size: examples per step, >= 1.

    Returns:
        The loss of every step, a float64 array of shape (steps,).

    Raises:
        TypeError, ValueError: for bad ``steps``, ``batch_size`` or ``generator``.

    Examples:
        >>> model = torch.nn.Linear(2, 2)
        >>> opt = torch.optim.SGD(model.parameters(), lr=1.0)
        >>> x, y = torch.eye(2), torch.tensor([0, 1])
        >>> losses = train_torch(model, opt, lambda step: 0.5 ** step, 3,
        ...                      torch.Generator().manual_seed(0), x=x, y=y, batch_size=2)
        >>> losses.shape, opt.param_groups[0]["lr"]  # the last step ran at 0.5 ** 2
        ((3,), 0.25)
    """
    steps = check_int(steps, "steps", minimum=0)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator; got {type(generator).__name__}.")
    losses = np.full(steps, np.nan)
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step)  # the schedule drives the optimizer
        idx = torch.randint(len(y), (batch_size,), generator=generator).to(y.device)
        loss = F.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses[step] = loss.item()
        if not math.isfinite(losses[step]):
            break
    return losses


@torch.no_grad()
def evaluate_torch(model, *, x, y):
    r"""Mean cross-entropy and accuracy of a torch classifier on ``(x, y)``, as two floats.

    Examples:
        >>> model = torch.nn.Linear(2, 2, bias=False)
        >>> _ = model.weight.data.copy_(torch.eye(2))
        >>> loss, acc = evaluate_torch(model, x=torch.eye(2), y=torch.tensor([0, 1]))
        >>> round(loss, 4), acc  # -log(e / (e + 1)) = 0.3133
        (0.3133, 1.0)
    """
    out = model(x)
    accuracy = (out.argmax(dim=1) == y).double().mean().item()
    return F.cross_entropy(out, y).item(), accuracy
