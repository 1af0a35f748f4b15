"""Failure classification for the job backend.

A recipe that fails prints one line `DRILL_ERROR kind=<kind> <message>` on stderr and exits
non-zero; the activity reads that line to decide whether a retry can help (docs/methods.md, "Failed
jobs: one rule"): `invalid-*` cannot (the same spec fails the same way); `oom` may (the node's
memory, not the spec, is often at fault), up to the run's `jobs.maxAttempts`. The exit code only
separates invalid specs (2) from other failures (1).
"""

import sys
import traceback
from typing import Callable

INVALID_EXIT = 2
FAILED_EXIT = 1


class DrillError(Exception):
    """A failure with a kind the activity understands: invalid-spec, invalid-input, oom, failed."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def _oom(err: BaseException) -> bool:
    # torch.OutOfMemoryError (CUDA) and MemoryError (host) without importing torch here.
    return isinstance(err, MemoryError) or type(err).__name__ == "OutOfMemoryError"


def report(kind: str, message: str) -> None:
    one_line = " ".join(message.split())
    print(f"DRILL_ERROR kind={kind} {one_line}", file=sys.stderr, flush=True)


def run(main: Callable[[], None]) -> None:
    """Runs a recipe's main and turns failures into a DRILL_ERROR line and an exit code."""
    try:
        main()
    except DrillError as err:
        report(err.kind, err.message)
        sys.exit(INVALID_EXIT if err.kind.startswith("invalid") else FAILED_EXIT)
    except Exception as err:  # noqa: BLE001 - every failure must leave a classification line
        traceback.print_exc()
        if _oom(err):
            report("oom", f"out of memory: {err}")
            sys.exit(FAILED_EXIT)
        report("failed", f"{type(err).__name__}: {err}")
        sys.exit(FAILED_EXIT)
