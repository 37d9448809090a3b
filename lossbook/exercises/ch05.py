r"""Self-checks of chapter 5 (backpropagation)."""
import numpy as np
import torch

from lossbook import backprop as _backprop
from lossbook import classification as _classification

from ._core import AnswerProblem, Case, Mistake, Spec, self_check


def _tiny_net_cases(rng):
    cases = []
    for _ in range(6):
        x, y, w1, b1, w2, b2 = (float(v) for v in np.round(rng.normal(0, 1.5, 6), 3))
        cases.append(Case(dict(x=x, y=y, w1=w1, b1=b1, w2=w2, b2=b2)))
    cases += [
        Case(dict(x=1.5, y=2.0, w1=0.8, b1=-0.5, w2=2.0, b2=0.1), "the chapter's numbers"),
        Case(dict(x=1.5, y=-2.0, w1=0.8, b1=-0.5, w2=2.0, b2=0.1), "prediction above the target"),
        Case(dict(x=0.0, y=1.0, w1=0.7, b1=0.2, w2=-1.0, b2=0.3), "x = 0"),
        Case(dict(x=2.0, y=1.0, w1=20.0, b1=0.0, w2=1.5, b2=0.0), "a saturated sigmoid"),
    ]
    return cases


def _ref_abs_grad(x, y, w1, b1, w2, b2):
    w = torch.tensor(w1, dtype=torch.float64, requires_grad=True)
    (w2 * torch.sigmoid(w * x + b1) + b2 - y).abs().backward()
    return w.grad.item()


def _wrong_abs_grad(x, y, w1, b1, w2, b2, *, first=None, local=None, with_x=True, with_w2=True):
    h = 1 / (1 + np.exp(-(w1 * x + b1)))
    r = w2 * h + b2 - y
    dl = np.sign(r) if first is None else first(r)
    dh = h * (1 - h) if local is None else local(h)
    return dl * (w2 if with_w2 else 1.0) * dh * (x if with_x else 1.0)


@self_check("5.1", "ex-abs-backward", answers="abs_grad_w1")
def check_ex_5_1(rng):
    r"""Self-check of Exercise 5.1 (``ex-abs-backward``): ``abs_grad_w1(x, y, w1, b1, w2, b2)``.

    Pass your function: ``exercises.check_ex_5_1(abs_grad_w1)``. For the tiny
    network of the chapter with the absolute error :math:`L = |\hat y - y|`,
    it must return :math:`\partial L / \partial w_1`, a number.
    """
    return Spec(
        cases=_tiny_net_cases(rng),
        reference=_ref_abs_grad,
        about="random weights, the chapter's numbers, prediction above and below the target, "
              "x = 0, a saturated sigmoid",
        mistakes=(
            Mistake("That is the squared error's first factor, 2 (y_hat - y); for |y_hat - y| "
                    "it is sign(y_hat - y).", lambda *a: _wrong_abs_grad(*a, first=lambda r: 2 * r)),
            Mistake("The derivative of |u| is sign(u), with u = y_hat - y: yours has the "
                    "opposite sign.", lambda *a: _wrong_abs_grad(*a, first=lambda r: -np.sign(r))),
            Mistake("The sigmoid's local derivative is h (1 - h), not h.",
                    lambda *a: _wrong_abs_grad(*a, local=lambda h: h)),
            Mistake("The chain passes through the sigmoid: multiply by its derivative h (1 - h).",
                    lambda *a: _wrong_abs_grad(*a, local=lambda h: 1.0)),
            Mistake("The last factor is dz/dw1 = x.", lambda *a: _wrong_abs_grad(*a, with_x=False)),
            Mistake("The chain passes through y_hat = w2 h + b2: multiply by dy_hat/dh = w2.",
                    lambda *a: _wrong_abs_grad(*a, with_w2=False)),
        ),
        hint="dL/dw1 = dL/dy_hat * dy_hat/dh * dh/dz * dz/dw1: the same chain as for the squared "
             "error, with only the first factor changed.",
    )


def _layer_cases(rng):
    cases = []
    for shape in ((4,), (3,), (2, 3), (5,)):
        cases.append(Case(dict(z=np.round(rng.normal(0, 2, shape), 4), grad_out=np.round(rng.normal(0, 1, shape), 4))))
    cases.append(Case(dict(z=np.array([-30.0, 0.0, 30.0]), grad_out=np.ones(3)), "saturated inputs"))
    return cases


def _ref_sigmoid_bug(z, grad_out):
    s = _classification.sigmoid(z)
    return s, grad_out * s


def _wrong_layer(z, grad_out, backward):
    s = _classification.sigmoid(z)
    return s, backward(s)


def _call_layer(answers, z, grad_out):
    layer_class = answers[0]
    if isinstance(layer_class, _backprop.Sigmoid):
        raise AnswerProblem("You passed a SigmoidBug object; the check needs the class itself.",
                            "Write exercises.check_ex_5_2(SigmoidBug), without parentheses.")
    if not (isinstance(layer_class, type) and issubclass(layer_class, _backprop.Sigmoid)):
        raise AnswerProblem("SigmoidBug is not a subclass of backprop.Sigmoid.",
                            "Start from class SigmoidBug(backprop.Sigmoid): and override only "
                            "backward, so the forward pass stays the real sigmoid.")
    layer = layer_class()
    return layer.forward(z), layer.backward(grad_out)


@self_check("5.2", "ex-sigmoid-bug", answers="SigmoidBug")
def check_ex_5_2(rng):
    r"""Self-check of Exercise 5.2 (``ex-sigmoid-bug``): the class ``SigmoidBug``.

    Pass the class: ``exercises.check_ex_5_2(SigmoidBug)``. It must be a
    subclass of ``backprop.Sigmoid`` whose forward is the sigmoid and whose
    backward has the colleague's bug, ``grad_out * s``, so that
    ``backprop.check_gradient`` has a mistake to find.
    """
    return Spec(
        cases=_layer_cases(rng),
        reference=_ref_sigmoid_bug,
        call=_call_layer,
        outputs=("forward(z)", "backward(grad_out)"),
        about="1-d and 2-d inputs, saturated inputs; forward and the buggy backward",
        mistakes=(
            Mistake("Your backward is the correct one, grad_out * s * (1 - s). The exercise wants "
                    "the colleague's bug, grad_out * s, so that check_gradient has something to "
                    "catch.", lambda z, g: _wrong_layer(z, g, lambda s: g * s * (1 - s))),
            Mistake("The bug the exercise describes is grad_out * s, with s the layer's output; "
                    "yours multiplies by 1 - s.", lambda z, g: _wrong_layer(z, g, lambda s: g * (1 - s))),
            Mistake("backward must still multiply by grad_out, the gradient arriving from above.",
                    lambda z, g: _wrong_layer(z, g, lambda s: s)),
        ),
        hint="Keep Sigmoid's forward (do not override it); in backward, read s from "
             "self._cache and return grad_out * s.",
    )


def _z_cases(rng):
    cases = [Case(dict(z=np.round(rng.normal(0, 1, n), 4))) for n in (5, 6, 50)]
    cases += [
        Case(dict(z=np.round(rng.normal(0, 1, (3, 4)), 4)), "a 2-d array"),
        Case(dict(z=np.zeros(3)), "zeros"),
        Case(dict(z=np.array([-1000.0, -20.0, 20.0, 1000.0])), "large |z|"),
        Case(dict(z=rng.normal(0, 1, 5).astype(np.float32)), "float32"),
    ]
    return cases


def _ref_tanh_sq_grad(z):
    t = torch.tensor(z, requires_grad=True)
    (torch.tanh(t) ** 2).sum().backward()
    return t.grad.numpy()


@self_check("5.4", "ex-tanh-check", answers="tanh_sq_grad")
def check_ex_5_4(rng):
    r"""Self-check of Exercise 5.4 (``ex-tanh-check``): ``tanh_sq_grad(z)``.

    Pass your function: ``exercises.check_ex_5_4(tanh_sq_grad)``. It must
    return the gradient of :math:`f(z) = \sum_i \tanh(z_i)^2`, an array
    shaped like ``z``.
    """
    t = np.tanh
    return Spec(
        cases=_z_cases(rng),
        reference=_ref_tanh_sq_grad,
        about="1-d and 2-d arrays, zeros, |z| up to 1000, float32",
        mistakes=(
            Mistake("The outer derivative of u^2 is 2u: the factor 2 is missing.",
                    lambda z: t(z) * (1 - t(z) ** 2)),
            Mistake("Chain rule: multiply the derivative of tanh, 1 - tanh^2, by the outer "
                    "derivative 2 tanh(z).", lambda z: 1 - t(z) ** 2),
            Mistake("Chain rule: 2 tanh(z) is only the outer derivative; multiply by the inner "
                    "one, 1 - tanh(z)^2.", lambda z: 2 * t(z)),
            Mistake("That is f's terms tanh(z)^2 themselves; the exercise asks for their "
                    "derivative.", lambda z: t(z) ** 2),
            Mistake("The derivative of tanh(z) is 1 - tanh(z)^2, not 1 - z^2.",
                    lambda z: 2 * t(z) * (1 - z**2)),
        ),
        hint="d/dz tanh(z)^2 = 2 tanh(z) * (1 - tanh(z)^2), element by element.",
    )


__all__ = ["check_ex_5_1", "check_ex_5_2", "check_ex_5_4"]
