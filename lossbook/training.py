r"""The training loop of chapter 1, twice: by hand in NumPy and in PyTorch.

Both fit a straight line :math:`\hat y = w x + b` by gradient descent (경사하강법)
and record the whole history, so a notebook can draw the loss curve and the
line as it moves. The two are tested to agree step for step in float64.
"""
import functools
import importlib
from typing import NamedTuple

import numpy as np
import torch

from ._checks import as_float_array, check_int, check_positive, check_same_shape
from .regression import mse_loss, mse_loss_grad


class LineFit(NamedTuple):
    r"""The history of a line fit; index ``t`` is the state before update ``t``.

    Attributes:
        w, b: slope and intercept at every step, shape (steps + 1,).
        loss: the cost :math:`J(w_t, b_t)` at every step, shape (steps + 1,).
    """

    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray


def default_device():
    r"""``torch.device("cuda")`` when a GPU is available, else ``torch.device("cpu")``."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _line_data(x, y):
    x, y = as_float_array(x, "x"), as_float_array(y, "y")
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-d array; got shape {x.shape}.")
    y = y.astype(x.dtype)
    check_same_shape(x, y, names=("x", "y"))
    return x, y


def loss_pair(loss, **options):
    r"""A loss and its gradient twin with keyword options fixed, for :func:`fit_line`.

    The twin is found by name (``huber_loss`` -> ``huber_loss_grad``) in the
    loss's own module, so the pair can only disagree if the package does.

    Returns:
        ``{"loss": ..., "loss_grad": ...}``, to unpack into :func:`fit_line`.

    Raises:
        ValueError: if the loss has no gradient twin.

    Examples:
        Squared error summed, at residual 3: loss 3² = 9, gradient 2·3 = 6.

        >>> pair = loss_pair(mse_loss, reduction="sum")
        >>> float(pair["loss"]([3.0], [0.0])), float(pair["loss_grad"]([3.0], [0.0])[0])
        (9.0, 6.0)
    """
    name = getattr(loss, "__name__", repr(loss))
    grad = getattr(importlib.import_module(getattr(loss, "__module__", "")), f"{name}_grad", None)
    if grad is None:
        raise ValueError(f"loss must have a gradient twin {name}_grad in its module; got {name}.")
    return {"loss": functools.partial(loss, **options), "loss_grad": functools.partial(grad, **options)}


def fit_line(x, y, *, lr, steps, w0=0.0, b0=0.0, loss=mse_loss, loss_grad=mse_loss_grad):
    r"""Fit :math:`\hat y = w x + b` by gradient descent, every step written out.

    One step is the storyboard of training:

    1. forward pass: :math:`\hat y_i = w x_i + b`;
    2. loss: :math:`J = \mathrm{loss}(\hat y, y)`;
    3. gradient at the output: :math:`g_i = \partial J / \partial \hat y_i`;
    4. backpropagation by the chain rule:
       :math:`\partial J/\partial w = \sum_i g_i x_i`,
       :math:`\partial J/\partial b = \sum_i g_i`;
    5. optimizer step: :math:`w \leftarrow w - \eta\,\partial J/\partial w`,
       :math:`b \leftarrow b - \eta\,\partial J/\partial b`.

    Args:
        x, y: inputs and targets, 1-d arrays of the same length.
        lr: learning rate :math:`\eta > 0`.
        steps: number of updates, >= 0.
        w0, b0: starting slope and intercept.
        loss, loss_grad: a loss ``(input, target) -> cost`` and its gradient
            twin; mean squared error by default.

    Returns:
        :class:`LineFit` with ``steps + 1`` entries.

    Examples:
        Two points on the line y = 2x; with MSE, the first gradient in w is
        :math:`\frac{2}{2}\,[(0-2)\cdot 1 + (0-4)\cdot 2] = -10`:

        >>> fit = fit_line([1.0, 2.0], [2.0, 4.0], lr=0.1, steps=1)
        >>> float(fit.w[1]), float(fit.b[1]), float(fit.loss[0])
        (1.0, 0.6, 10.0)
    """
    x, y = _line_data(x, y)
    lr = check_positive(lr, "lr")
    steps = check_int(steps, "steps", minimum=0)
    w, b = float(w0), float(b0)
    history = np.empty((3, steps + 1))
    for t in range(steps + 1):
        y_hat = w * x + b                      # 1. forward pass
        history[:, t] = w, b, loss(y_hat, y)   # 2. loss (recorded)
        if t == steps:
            break
        g = loss_grad(y_hat, y)                # 3. dJ/dy_hat
        grad_w, grad_b = np.sum(g * x), np.sum(g)  # 4. chain rule
        w, b = w - lr * grad_w, b - lr * grad_b    # 5. gradient-descent step
    return LineFit(*history)


def fit_line_torch(x, y, *, lr, steps, w0=0.0, b0=0.0, device=None, dtype=torch.float64):
    r"""The same fit as :func:`fit_line` (with MSE), the PyTorch way.

    ``nn.Linear(1, 1)`` is the model, ``nn.MSELoss`` the loss,
    ``loss.backward()`` does steps 3 and 4, and ``torch.optim.SGD`` step 5.

    Args:
        x, y: inputs and targets, 1-d arrays of the same length.
        lr, steps, w0, b0: as in :func:`fit_line`.
        device: where to train; :func:`default_device` if None.
        dtype: floating dtype of the model and data (float64 by default, so
            that the result equals :func:`fit_line` to rounding error).

    Returns:
        :class:`LineFit` (NumPy arrays) with ``steps + 1`` entries.
    """
    x, y = _line_data(x, y)
    lr = check_positive(lr, "lr")
    steps = check_int(steps, "steps", minimum=0)
    device = default_device() if device is None else torch.device(device)
    X = torch.as_tensor(x, dtype=dtype, device=device).reshape(-1, 1)
    Y = torch.as_tensor(y, dtype=dtype, device=device).reshape(-1, 1)
    model = torch.nn.Linear(1, 1).to(device=device, dtype=dtype)
    with torch.no_grad():
        model.weight.fill_(w0)
        model.bias.fill_(b0)
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = np.empty((3, steps + 1))
    for t in range(steps + 1):
        loss = criterion(model(X), Y)          # forward pass and loss
        history[:, t] = model.weight.item(), model.bias.item(), loss.item()
        if t == steps:
            break
        optimizer.zero_grad()
        loss.backward()                        # backpropagation
        optimizer.step()                       # gradient-descent step
    return LineFit(*history)
