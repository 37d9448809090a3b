"""Execute chapter notebooks in place, so their stored outputs are fresh.

nbval compares the outputs stored in a notebook with a new run, so after
changing a chapter (or lossbook code it prints from), run
``make outputs`` (this script) and commit the notebook with its outputs.

Usage: python tools/execute.py [NOTEBOOK ...]   (default: chapters/*.ipynb)
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    for cell in nb.cells:  # drop old timestamps: a re-run changes only what changed
        cell.metadata.pop("execution", None)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv):
    paths = [Path(a) for a in argv] or sorted(Path("chapters").glob("*.ipynb"))
    for path in paths:
        print(f"{path}: executed in {execute(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
