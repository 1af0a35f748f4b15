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


# torch reports a failed host allocation as a plain RuntimeError from its CPU allocator (checked
# with the pinned torch 2.15: "[enforce fail at alloc_cpu.cpp:127] ... DefaultCPUAllocator: can't
# allocate memory: you tried to allocate N bytes"), and torch before 2.5 raised CUDA OOM the same way.
OOM_MESSAGES = ("DefaultCPUAllocator: can't allocate memory", "CUDA out of memory")


def _oom(err: BaseException | None) -> bool:
    """torch.OutOfMemoryError (CUDA), MemoryError (Python, numpy) or torch's host-allocator
    RuntimeError, here or in what caused it (a library may re-raise), without importing torch."""
    while err is not None:
        if isinstance(err, MemoryError) or type(err).__name__ == "OutOfMemoryError":
            return True
        if isinstance(err, RuntimeError) and any(m in str(err) for m in OOM_MESSAGES):
            return True
        err = err.__cause__ or err.__context__
    return False


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
