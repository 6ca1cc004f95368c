#!/usr/bin/python3
"""Executes a notebook with nbclient, the engine behind `jupyter nbconvert --execute`.

Usage: run_notebook.py KERNEL_NAME IN.ipynb OUT.ipynb CELL_TIMEOUT_SECONDS

A cell running longer than CELL_TIMEOUT_SECONDS (or its metadata "aelab_timeout", e.g. a longer
one for a first cell that waits for the kernel's start-up) is interrupted (interrupt_on_timeout)
and the run goes on with the next cell; errors are kept as outputs (allow_errors). The executed notebook,
outputs included, is written to OUT.ipynb.
"""
import sys
import time

import nbformat
from nbclient import NotebookClient


def main():
    kernel_name, source, target, cell_timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    nb = nbformat.read(source, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel_name, interrupt_on_timeout=True, allow_errors=True,
                            startup_timeout=60,
                            timeout_func=lambda cell: cell.metadata.get("aelab_timeout", cell_timeout))
    started = time.time()
    client.execute()
    nb.metadata["aelab_test"] = {"wall_seconds": time.time() - started}
    nbformat.write(nb, target)


if __name__ == "__main__":
    main()
