r"""The one place that interprets ``reduction``.

A loss first computes one value per element, :math:`\ell_i`; ``reduction``
then decides what is returned:

* ``"none"``: the array of :math:`\ell_i` (the *losses*);
* ``"sum"``: :math:`\sum_i \ell_i`;
* ``"mean"``: :math:`\frac{1}{n}\sum_i \ell_i` (the *cost*), the default;
* ``"batchmean"`` (only where a loss allows it, as ``kl_div`` does): the sum
  divided by the batch size, the length of the first axis.

Gradient twins use :func:`reduce_grad`, which applies the same choice to the
elementwise derivatives :math:`\partial \ell_i / \partial x_i`.
"""
import numpy as np

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction, *, allowed=REDUCTIONS):
    r"""Return ``reduction`` after checking it is one of ``allowed``.

    Examples:
        >>> check_reduction("batchmean", allowed=REDUCTIONS + ("batchmean",))
        'batchmean'
    """
    if not isinstance(reduction, str) or reduction not in allowed:
        names = [repr(a) for a in allowed]
        listed = ", ".join(names[:-1]) + " or " + names[-1]
        raise ValueError(f"reduction must be one of {listed}; got {reduction!r}.")
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
    check_reduction(reduction, allowed=REDUCTIONS + ("batchmean",))
    if reduction == "none":
        return values
    if reduction == "batchmean":  # kl_div's true KL: sum / batch size (nan for an empty batch)
        with np.errstate(divide="ignore", invalid="ignore"):
            batch = values.shape[0] if values.ndim else 1
            return np.asarray(values.sum() / batch, dtype=values.dtype)
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
    check_reduction(reduction, allowed=REDUCTIONS + ("batchmean",))
    if reduction == "mean":
        return grad / (max(grad.size, 1) if denominator is None else denominator)
    if reduction == "batchmean":
        return grad / max(grad.shape[0] if grad.ndim else 1, 1)
    return grad
