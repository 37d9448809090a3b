r"""The one place that interprets ``reduction``.

A loss first computes one value per element, :math:`\ell_i`; ``reduction``
then decides what is returned:

* ``"none"``: the array of :math:`\ell_i` (the *losses*);
* ``"sum"``: :math:`\sum_i \ell_i`;
* ``"mean"``: :math:`\frac{1}{n}\sum_i \ell_i` (the *cost*), the default.

Gradient twins use :func:`reduce_grad`, which applies the same choice to the
elementwise derivatives :math:`\partial \ell_i / \partial x_i`.
"""
import numpy as np

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction):
    r"""Return ``reduction`` after checking it is one of :data:`REDUCTIONS`."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of 'mean', 'sum' or 'none'; got {reduction!r}.")
    return reduction


def reduce(values, reduction, *, denominator=None):
    r"""Reduce elementwise losses ``values`` as ``reduction`` says.

    The result keeps the dtype of ``values``; a reduced result is a 0-d array,
    as PyTorch returns a 0-d tensor. The mean of no elements is NaN, as in
    PyTorch.

    ``denominator`` replaces the element count in ``"mean"``: a weighted loss
    such as ``cross_entropy(weight=w)`` divides by the summed weights of the
    targets it kept, not by their number.

    Examples:
        >>> reduce(np.array([1.0, 2.0, 6.0]), "mean")
        array(3.)
        >>> reduce(np.array([1.0, 2.0, 6.0]), "sum")
        array(9.)
    """
    check_reduction(reduction)
    if reduction == "none":
        return values
    if reduction == "sum":
        return np.asarray(values.sum(), dtype=values.dtype)
    if denominator is not None:
        with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 -> nan, as in PyTorch
            return np.asarray(values.sum() / denominator, dtype=values.dtype)
    if values.size == 0:  # np.mean would warn; PyTorch returns nan
        return np.asarray(np.nan, dtype=values.dtype)
    return np.asarray(values.mean(), dtype=values.dtype)


def reduce_grad(grad, reduction, *, denominator=None):
    r"""Turn elementwise derivatives into the gradient of the reduced loss.

    ``"sum"`` and ``"none"`` leave them as they are (for ``"none"`` this is the
    gradient of :math:`\sum_i \ell_i`, what autograd returns for
    ``loss.backward(torch.ones_like(loss))``); ``"mean"`` divides by the
    number of elements (or by ``denominator``, as in :func:`reduce`).

    Examples:
        >>> reduce_grad(np.array([2.0, 4.0]), "mean")
        array([1., 2.])
    """
    check_reduction(reduction)
    if reduction == "mean":
        return grad / (max(grad.size, 1) if denominator is None else denominator)
    return grad
