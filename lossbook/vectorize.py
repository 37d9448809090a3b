r"""From loops to vectors: one loss written three ways, and a timer for them.

The course's plain-Python losses loop over the examples one at a time. The
same arithmetic can be handed to NumPy, or to ``torch.nn.functional``, which
run the loop in compiled code. :func:`time_mse` measures the difference; the
script ``bench/loops_vs_vectors.py`` prints it as ratios.
"""
import timeit

import torch
import torch.nn.functional as F

from ._checks import check_int, check_rng
from .regression import mse_loss


def mse_loop(input, target):
    r"""Mean squared error with a plain Python loop, the seeds' style.

    Correct but slow: one interpreted multiplication per example.

    Examples:
        >>> mse_loop([1.0, -2.0], [0.0, 0.0])
        2.5
    """
    if len(input) != len(target):
        raise ValueError(f"input and target must have the same length; got {len(input)} and {len(target)}.")
    total = 0.0
    for prediction, truth in zip(input, target):
        total += (prediction - truth) ** 2
    return total / len(input)


def time_mse(sizes, *, rng, repeat=5):
    r"""Time :func:`mse_loop`, :func:`lossbook.mse_loss` and ``F.mse_loss``.

    Each is timed on the same random float64 data (the loop on Python lists,
    as a plain-Python program would hold them) and the best of ``repeat`` runs
    is kept, the usual way to time short code: slower runs are the machine
    doing something else.

    Args:
        sizes: numbers of elements, each >= 1.
        rng: a ``numpy.random.Generator``.
        repeat: runs per measurement, >= 1.

    Returns:
        A list of dicts, one per size, with keys ``n``, ``loop_s``,
        ``numpy_s`` and ``torch_s`` (seconds per call).
    """
    check_rng(rng)
    repeat = check_int(repeat, "repeat", minimum=1)
    rows = []
    for n in sizes:
        n = check_int(n, "sizes", minimum=1)
        a, b = rng.normal(size=n), rng.normal(size=n)
        a_list, b_list = a.tolist(), b.tolist()
        a_t, b_t = torch.from_numpy(a), torch.from_numpy(b)
        rows.append({
            "n": n,
            "loop_s": _best(lambda: mse_loop(a_list, b_list), repeat),
            "numpy_s": _best(lambda: mse_loss(a, b), repeat),
            "torch_s": _best(lambda: F.mse_loss(a_t, b_t), repeat),
        })
    return rows


def _best(fn, repeat):
    # Enough calls per run that each run lasts >= ~5 ms, then the best run.
    timer = timeit.Timer(fn)
    number = 1
    while timer.timeit(number) < 0.005 and number < 10**6:
        number *= 10
    return min(timer.repeat(repeat=repeat, number=number)) / number
