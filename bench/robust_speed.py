"""The cost of Barron's rho in PyTorch, as a ratio to torch.nn.functional.huber_loss.

On 10^6 float32 residuals (and the same targets, zeros), forward only,
``reduction="none"`` for both:

* ``general_loss_torch(x, alpha, 1.0)`` with one Python-float alpha per
  shape (the fast path: only that shape's formula), target <= 12x Huber;
* the same with a per-element alpha tensor (the general kernel: every branch
  of the formula evaluated for every element, then selected);
* the NumPy reference ``general_loss`` (float64 inside, every branch), for scale.

Method: each call is warmed up first; then, ``--rounds`` times, one
``huber_loss`` call and one call of the function are timed back to back, and
the ratio of each pair is kept. Pairing puts both calls under the same machine
conditions (other processes, caches, clock), which on a shared machine change
from one second to the next; the median of the pair ratios ignores the odd
call that was preempted. The scalar column also prints the interquartile
range of its ratios, and the load average is printed before and after. The
last line times the two transcendental passes of a generic alpha alone (log1p
and expm1 over a fresh tensor): the floor of the scalar column for such alphas.

Usage: .venv/bin/python bench/robust_speed.py [--n 1000000] [--rounds 41] [--threads 1] [--alphas=A,B,...]
The numbers are wall-clock ratios on whatever else the machine is doing.
"""
import argparse
import os
import statistics
import time

import torch

from lossbook.robust import general_loss, general_loss_torch

ALPHAS = [2.0, 1.0, 0.0, -2.0, float("-inf"), 1.5, 0.5]


def seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def paired_ratios(fn, baseline, rounds, warmup=3):
    """``rounds`` ratios time(fn) / time(baseline), each from two calls made back to back."""
    for _ in range(warmup):  # allocations, lazy initialisation, caches
        baseline()
        fn()
    ratios = []
    for _ in range(rounds):
        base = seconds(baseline)
        ratios.append(seconds(fn) / base)
    return ratios


def load():
    return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**6)
    parser.add_argument("--rounds", "--repeat", type=int, default=41)
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (0: leave as is)")
    parser.add_argument("--alphas", type=lambda s: [float(a) for a in s.split(",")], default=ALPHAS,
                        help="comma-separated, e.g. --alphas=2,-inf,1.9 (default: the seven above)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(0)
    x = (torch.randn(args.n, generator=g) * 3).float()
    zeros = torch.zeros_like(x)

    def huber():
        return torch.nn.functional.huber_loss(x, zeros, reduction="none")

    huber_ms = statistics.median(seconds(huber) for _ in range(args.rounds)) * 1e3
    print(f"n = {args.n}, float32, torch threads = {torch.get_num_threads()}; "
          f"huber_loss alone: {huber_ms:.3f} ms (median); {load()}")
    print(f"{'alpha':>7} {'scalar':>7} {'(IQR)':>13} {'per-elem':>9} {'numpy':>7}   "
          "(median of time / huber_loss time, paired calls)")
    for alpha in args.alphas:
        per_element = torch.full_like(x, alpha)
        scalar = paired_ratios(lambda: general_loss_torch(x, alpha, 1.0), huber, args.rounds)
        tensor = paired_ratios(lambda: general_loss_torch(x, per_element, 1.0), huber, max(3, args.rounds // 4), 1)
        numpy = paired_ratios(lambda: general_loss(x.numpy(), alpha, 1.0), huber, 3, 1)
        q1, _, q3 = statistics.quantiles(scalar, n=4)
        print(f"{alpha:>7} {statistics.median(scalar):>7.1f} {f'({q1:.1f}-{q3:.1f})':>13} "
              f"{statistics.median(tensor):>9.1f} {statistics.median(numpy):>7.1f}")
    y = x.square()
    floor = paired_ratios(lambda: torch.log1p(y).expm1_(), huber, args.rounds)
    print(f"For reference, torch.log1p then expm1_ alone (the two transcendental passes that a generic "
          f"alpha needs): {statistics.median(floor):.1f}")
    print(load())


if __name__ == "__main__":
    main()
