"""numpy reference for `npm run bench:kcenter`: KCenterGreedy in numpy's matrix-vector form.

Reads the float32 matrix the TypeScript side wrote (n x d, row-major), runs k picks from the same
first index, and prints {"seconds": ..., "picked": [...]} as one JSON line. Timed: the row norms
and the greedy loop, the same work the TypeScript timing covers (not the file read).

Usage: kcenter_numpy.py matrix.f32 n d k first
"""
import json
import sys
import time

import numpy as np


def kcenter(x: np.ndarray, k: int, first: int) -> list[int]:
    norms = np.einsum("ij,ij->i", x, x)
    min_dist = np.full(x.shape[0], np.inf, dtype=x.dtype)
    picked = []
    nxt = first
    while len(picked) < k:
        picked.append(nxt)
        d = norms - 2.0 * (x @ x[nxt]) + norms[nxt]
        np.minimum(min_dist, d, out=min_dist)
        min_dist[picked] = -1.0
        nxt = int(np.argmax(min_dist))
    return picked


def main() -> None:
    path, n, d, k, first = sys.argv[1], *map(int, sys.argv[2:6])
    x = np.fromfile(path, dtype=np.float32).reshape(n, d)
    start = time.perf_counter()
    picked = kcenter(x, k, first)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "picked": picked}))


if __name__ == "__main__":
    main()
