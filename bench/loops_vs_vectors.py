"""Plain-Python loop vs NumPy vs torch.nn.functional for the MSE, 10^2 to 10^6 elements.

Prints seconds per call and the ratios loop/NumPy and NumPy/torch.
Usage: .venv/bin/python bench/loops_vs_vectors.py [--repeat 5]
"""
import argparse

import numpy as np
import torch

from lossbook.vectorize import time_mse


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)  # compare single-threaded code: the loop cannot use more
    rows = time_mse([10**k for k in range(2, 7)], rng=np.random.default_rng(0), repeat=args.repeat)
    print(f"{'n':>9} {'loop s':>10} {'numpy s':>10} {'torch s':>10} {'loop/numpy':>11} {'numpy/torch':>12}")
    for r in rows:
        print(f"{r['n']:>9} {r['loop_s']:>10.2e} {r['numpy_s']:>10.2e} {r['torch_s']:>10.2e} "
              f"{r['loop_s'] / r['numpy_s']:>11.1f} {r['numpy_s'] / r['torch_s']:>12.2f}")


if __name__ == "__main__":
    main()
