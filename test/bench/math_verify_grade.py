"""Grades JSONL pairs {"gold", "pred"} with HuggingFace math-verify, for the verifier benchmark.

Reads pairs from argv[1], writes one verdict per line (true/false) to argv[2], and prints one JSON
line with the pair count and the wall time spent grading (parse + verify, default configs, single
thread) so the caller can compute pairs/s on the same footing as its own run.
"""

import json
import logging
import sys
import time


def main(pairs_path: str, out_path: str) -> None:
    from math_verify import parse, verify

    logging.disable(logging.WARNING)  # math-verify logs every timeout; the verdict is what we compare
    with open(pairs_path, encoding="utf-8") as f:
        pairs = [json.loads(line) for line in f if line.strip()]
    verdicts = []
    start = time.perf_counter()
    for pair in pairs:
        verdicts.append(bool(verify(parse(pair["gold"]), parse(pair["pred"]))))
    seconds = time.perf_counter() - start
    with open(out_path, "w", encoding="utf-8") as out:
        out.writelines(json.dumps(v) + "\n" for v in verdicts)
    print(json.dumps({"pairs": len(pairs), "seconds": seconds}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
