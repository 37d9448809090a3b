r"""Self-checks of chapter 4 (the loss catalog)."""
import contextlib

import numpy as np
import torch
import torch.nn.functional as _F
from torch import nn

from ._core import AnswerProblem, Case, Mistake, Spec, self_check

_BUILT_IN = ("huber_loss", "smooth_l1_loss")


@contextlib.contextmanager
def _without_built_in_huber():
    r"""While the student's module runs, F.huber_loss (and nn.HuberLoss) says it is off limits."""
    saved = {name: getattr(_F, name) for name in _BUILT_IN}

    def refuse(*args, **kwargs):
        raise AnswerProblem("MyHuber calls F.huber_loss (or F.smooth_l1_loss, nn.HuberLoss).",
                            "The exercise asks you to build the loss yourself, from torch.where "
                            "and arithmetic; F.huber_loss is what the check compares with.")

    try:
        for name in _BUILT_IN:
            setattr(_F, name, refuse)
        yield
    finally:
        for name, fn in saved.items():
            setattr(_F, name, fn)


def _value_and_grad(loss_fn, input, target):
    x = torch.tensor(input, requires_grad=True)
    out = loss_fn(x, torch.tensor(target))
    if not isinstance(out, torch.Tensor):
        raise AnswerProblem(f"MyHuber returned a {type(out).__name__}, not a torch tensor.",
                            "Compute the loss with torch operations and return the tensor.")
    if not out.requires_grad:
        raise AnswerProblem("No gradient flows from MyHuber's output back to its input.",
                            "Build the loss from torch operations only: .item(), .numpy(), "
                            ".detach() or Python floats cut the graph that autograd needs.")
    (grad,) = torch.autograd.grad(out.sum(), x, allow_unused=True)
    if grad is None:
        raise AnswerProblem("MyHuber's output does not depend on its input.",
                            "The loss is a function of input - target.")
    return out.detach().numpy(), grad.numpy()


def _call_module(answers, input, target, delta, reduction):
    if isinstance(answers[0], nn.Module):
        raise AnswerProblem("You passed a MyHuber object; the check needs the class itself.",
                            "Write exercises.check_ex_4_4(MyHuber), without parentheses after "
                            "MyHuber: the check builds one for every delta and reduction.")
    try:
        module = answers[0](delta=delta, reduction=reduction)
    except TypeError as exc:
        raise AnswerProblem(f"MyHuber(delta={delta}, reduction={reduction!r}) failed: {exc}",
                            "Give __init__ the keyword arguments delta=1.0 and "
                            "reduction=\"mean\", as nn.HuberLoss has.") from None
    if not isinstance(module, nn.Module):
        raise AnswerProblem("MyHuber(...) is not an nn.Module.",
                            "Subclass it, class MyHuber(nn.Module), and call "
                            "super().__init__() first in __init__.")
    with _without_built_in_huber():
        return _value_and_grad(module, input, target)


def _ref_module(input, target, delta, reduction):
    return _value_and_grad(lambda x, t: _F.huber_loss(x, t, delta=delta, reduction=reduction),
                           input, target)


def _wrong_module(input, target, delta, reduction, *, abs_=True, offset=0.5, reduce=None):
    def loss(x, t):
        r = (x - t).abs() if abs_ else x - t
        losses = torch.where(r.abs() <= delta, 0.5 * r**2, delta * (r - offset * delta))
        how = reduce(reduction) if reduce else reduction
        return {"none": losses, "mean": losses.mean(), "sum": losses.sum()}[how]

    return _value_and_grad(loss, input, target)


def _module_cases(rng):
    cases = []
    for reduction in ("mean", "sum", "none", "mean", "none"):
        delta = float(rng.choice([0.5, 1.0, 1.5]))
        cases.append(Case(dict(input=np.round(rng.normal(0, 2, 8), 4), target=np.round(rng.normal(0, 1, 8), 4),
                               delta=delta, reduction=reduction)))
    for reduction in ("mean", "sum", "none"):
        cases.append(Case(dict(input=np.round(rng.normal(0, 2, (2, 3)), 4),
                               target=np.round(rng.normal(0, 1, (2, 3)), 4), delta=1.0,
                               reduction=reduction), "a 2-d batch"))
    x = np.array([1.0, 2.0, -3.0])
    cases += [
        Case(dict(input=x, target=x.copy(), delta=1.0, reduction="sum"), "input == target"),
        Case(dict(input=np.array([1.5, -1.5, 0.5]), target=np.array([0.0, 0.0, 2.0]), delta=1.5,
                  reduction="none"), "|input - target| = delta exactly"),
        Case(dict(input=rng.normal(0, 2, 6).astype(np.float32), target=np.zeros(6, np.float32),
                  delta=1.0, reduction="mean"), "float32"),
    ]
    return cases


@self_check("4.4", "ex-huber-module", answers="MyHuber")
def check_ex_4_4(rng):
    r"""Self-check of Exercise 4.4 (``ex-huber-module``): the class ``MyHuber``.

    Pass the class itself: ``exercises.check_ex_4_4(MyHuber)``. The check
    builds ``MyHuber(delta=..., reduction=...)`` for every reduction
    (``"mean"``, ``"sum"``, ``"none"``), and compares its values and its
    gradients (by autograd) with ``F.huber_loss``, which MyHuber must not call.
    """
    return Spec(
        cases=_module_cases(rng),
        reference=_ref_module,
        call=_call_module,
        outputs=("loss", "gradient with respect to input"),
        about="reductions mean, sum and none, deltas 0.5 to 1.5, a 2-d batch, input == target, "
              "|r| = delta, float32; values and autograd gradients",
        mistakes=(
            Mistake("Your module ignores reduction: \"sum\" adds the losses and \"none\" returns "
                    "them one per element.", lambda *a: _wrong_module(*a, reduce=lambda r: "mean")),
            Mistake("With reduction=\"none\" return the elementwise losses themselves, unreduced.",
                    lambda *a: _wrong_module(*a, reduce=lambda r: "sum" if r == "none" else r)),
            Mistake("\"mean\" and \"sum\" are swapped.",
                    lambda *a: _wrong_module(*a, reduce=lambda r: {"mean": "sum", "sum": "mean"}.get(r, r))),
            Mistake("Use |input - target| in the linear piece: negative residuals are far out too.",
                    lambda *a: _wrong_module(*a, abs_=False)),
            Mistake("The linear piece is delta * (|r| - delta / 2): the offset delta / 2 is missing.",
                    lambda *a: _wrong_module(*a, offset=0.0)),
        ),
        hint="Per element: r = |input - target|; the loss is r^2 / 2 where r <= delta and "
             "delta * (r - delta / 2) elsewhere (torch.where); then reduce as self.reduction says.",
    )


__all__ = ["check_ex_4_4"]
