"""The frame every recipe runs in: argv, spec and recipe checks, --dry-run, the CPU settings.

    python3 trainers/<recipe>.py [--dry-run] <spec.json>

`--dry-run` checks the spec and the recipe settings and prints them with their sources, importing
nothing beyond the standard library (so it runs on a bare python3, in CI, before any GPU is held).
"""

import argparse
import os
import shutil
import time
from typing import Callable

from common.errors import run
from common.spec import dry_run_summary, load_spec, parse_recipe
from common.store import Store
from common.weights import CHECKPOINT, published


def has_gpu() -> bool:
    # Answered without importing torch: the NVIDIA driver's tool is there or it is not.
    return shutil.which("nvidia-smi") is not None


def set_cpu_env() -> None:
    """Before torch is imported: one OpenMP thread (two threads on two busy cores ran ~10× slower,
    DEV-STACK.md), no network for the hub, no tokenizer thread pool."""
    if not has_gpu():
        os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def precision_args(bf16: bool) -> dict:
    """TRL configs default to bf16; without a GPU we train in fp32 on the CPU."""
    if has_gpu():
        return {"bf16": bf16, "use_cpu": False}
    if bf16:
        print("[drill] bf16 requested but no GPU here: training in fp32 on the CPU", flush=True)
    return {"bf16": False, "use_cpu": True}


def recipe_main(
    description: str, kinds: tuple, inputs: tuple, recipe_cls: type, train: Callable, dry_run_extra: Callable | None = None
) -> None:
    """Parses argv, checks the spec, and calls train(spec, recipe, store) unless --dry-run;
    dry_run_extra(spec, recipe) adds a recipe's own checks to --dry-run."""

    def main() -> None:
        parser = argparse.ArgumentParser(description=description)
        parser.add_argument("--dry-run", action="store_true", help="check the spec and print the settings; train nothing")
        parser.add_argument("spec", help="the job spec (JSON); the job backend appends its path")
        args = parser.parse_args()
        spec = load_spec(args.spec, kinds, inputs)
        recipe = parse_recipe(spec.recipe, recipe_cls)
        print(dry_run_summary(spec, recipe), flush=True)
        if args.dry_run:
            if dry_run_extra is not None:
                dry_run_extra(spec, recipe)
            return
        store = Store(spec.store)
        if published(store, spec):
            # A job that died after publishing (preempted while exiting) is not trained again on
            # its retry: what it uploaded stays as it is.
            print(f"[drill] {spec.kind} job {spec.name} already published {spec.output_uri}{CHECKPOINT}", flush=True)
            return
        set_cpu_env()
        started = time.time()
        train(spec, recipe, store)
        print(f"[drill] {spec.kind} job {spec.name} done in {time.time() - started:.1f} s", flush=True)

    run(main)


def gpu_hours(spec, seconds: float) -> float:
    gpus = spec.resources["nodes"] * spec.resources["gpusPerNode"] if has_gpu() else 0
    return round(gpus * seconds / 3600, 6)
