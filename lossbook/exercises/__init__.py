r"""Self-checks (자가 점검) for the exercises that ask you to write code.

**Naming.** The check of the exercise the website numbers *Exercise 2.1* is
``check_ex_2_1``: chapter 2, first exercise of the chapter. Pass it your
answer itself (the function or class, not its result)::

    from lossbook import exercises

    def huber(r, delta):
        ...

    exercises.check_ex_2_1(huber)

It runs your answer on fresh random inputs and on edge cases (zeros,
extreme values, other shapes and dtypes), compares with the book's tested
reference, and prints one line of success or a message saying which input
failed, what was expected, what your answer gave, and a hint. It never
raises on a wrong answer, never shows the reference code, and reports an
unfinished stub (``raise NotImplementedError``) as "not written yet".

Each check returns a :class:`CheckResult` (``bool(result)`` is whether it
passed; ``result.status`` and ``result.message`` say more), and accepts
``seed=`` (an int makes the inputs reproducible) and ``quiet=True`` (no
printing). :func:`grade` runs every check of a chapter on a notebook's
namespace, for grading; :func:`listing` lists all checks.

=========  ========================  ==================================
check      exercise label            answer
=========  ========================  ==================================
1.1        ex-gd-step                ``gd_step(w, b, x, y, lr)``
1.3        ex-sum-vs-mean            ``sse(a, t)``, ``sse_grad(a, t)``
2.1        ex-huber-scratch          ``huber(r, delta)``
2.2        ex-huber-grad             ``huber_grad(r, delta)``
3.2        ex-stable-log-softmax     ``log_softmax(z)``
3.3        ex-ce-grad                ``ce_grad(z, y)``
3.4        ex-bce-logits             ``bce_logits(x, y)``
4.4        ex-huber-module           ``class MyHuber(nn.Module)``
5.1        ex-abs-backward           ``abs_grad_w1(x, y, w1, b1, w2, b2)``
5.2        ex-sigmoid-bug            ``class SigmoidBug(backprop.Sigmoid)``
5.4        ex-tanh-check             ``tanh_sq_grad(z)``
7.1        ex-momentum-step          ``my_momentum_step(param, grad, buf, *, lr, momentum, first)``
7.2        ex-adam-step              ``my_adam_step(param, grad, m, v, t, *, lr, beta1, beta2, eps)``
7.4        ex-max-lr                 ``largest_stable_lr(condition)``
8.1        ex-step-decay             ``my_step_decay(step, *, lr, step_size, gamma)``
8.2        ex-warmup-cosine          ``my_warmup_cosine(step, *, lr, warmup_steps, ...)``
8.3        ex-plateau-predict        ``my_plateau_lrs(metrics, *, lr, factor, patience, threshold)``
8.4        ex-restarts               ``my_restart_lr(step, *, lr, T_0, T_mult, eta_min)``
9.1        ex-robust-pseudo-huber    ``pseudo_huber(x, delta)``
9.2        ex-robust-weight          ``irls_weight(x, alpha, scale)``
9.3        ex-robust-log-z           ``my_log_partition(alpha)``
9.4        ex-robust-acceptance      ``acceptance_rate(alpha)``
9.5        ex-robust-welsch          ``welsch(x, scale)``
10.1       ex-amlfs-cosface          ``cosface_theta(margin, n_intervals)``
10.2       ex-amlfs-focal-weight     ``focal_gradient_weight(p, gamma)``
10.4       ex-amlfs-reinforce        ``my_reinforce_grad(thetas, rewards, mu, *, sigma)``
10.6       ex-amlfs-sigma            ``fraction_nonpositive(thetas)``
=========  ========================  ==================================

**Adding a check** (for authors; see also the instructor page):

1. In ``lossbook/exercises/chNN.py`` (create it for a new chapter), write a
   function of an ``rng`` that returns a :class:`Spec`, decorated with
   ``@self_check("N.M", "ex-label", answers="my_fn")``; its name must be
   ``check_ex_N_M``, where M is the exercise's position in the chapter.
   The Spec lists the :class:`Case` inputs (random ones first, then edge
   cases), the ``reference`` (from ``lossbook`` or torch, imported under a
   private name), a few :class:`Mistake` entries (a wrong variant and the
   hint that fixes it), a general ``hint`` and an ``about`` line.
2. Import the module below and add its checks to ``__all__``.
3. In the chapter: a code cell tagged ``student-stub`` and ``remove-cell``
   right after the ``{exercise}``, holding the stub (the signature, a
   docstring, ``raise NotImplementedError``) and the check call; the same
   call at the end of the solution's code cell; and a line
   "Self-check: ``exercises.check_ex_N_M(my_fn)``" in the exercise text.
   ``tests/test_book.py`` checks all of this, and ``tests/test_exercises.py``
   must get a test of a correct answer and of the typical mistakes.
"""
from ._core import CheckResult, grade, listing
from .ch01 import check_ex_1_1, check_ex_1_3
from .ch02 import check_ex_2_1, check_ex_2_2
from .ch03 import check_ex_3_2, check_ex_3_3, check_ex_3_4
from .ch04 import check_ex_4_4
from .ch05 import check_ex_5_1, check_ex_5_2, check_ex_5_4
from .ch07 import check_ex_7_1, check_ex_7_2, check_ex_7_4
from .ch08 import check_ex_8_1, check_ex_8_2, check_ex_8_3, check_ex_8_4
from .ch09 import check_ex_9_1, check_ex_9_2, check_ex_9_3, check_ex_9_4, check_ex_9_5
from .ch10 import check_ex_10_1, check_ex_10_2, check_ex_10_4, check_ex_10_6

__all__ = [
    "CheckResult",
    "check_ex_1_1",
    "check_ex_1_3",
    "check_ex_2_1",
    "check_ex_2_2",
    "check_ex_3_2",
    "check_ex_3_3",
    "check_ex_3_4",
    "check_ex_4_4",
    "check_ex_5_1",
    "check_ex_5_2",
    "check_ex_5_4",
    "check_ex_7_1",
    "check_ex_7_2",
    "check_ex_7_4",
    "check_ex_8_1",
    "check_ex_8_2",
    "check_ex_8_3",
    "check_ex_8_4",
    "check_ex_9_1",
    "check_ex_9_2",
    "check_ex_9_3",
    "check_ex_9_4",
    "check_ex_9_5",
    "check_ex_10_1",
    "check_ex_10_2",
    "check_ex_10_4",
    "check_ex_10_6",
    "grade",
    "listing",
]
