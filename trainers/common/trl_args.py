"""What every TRL recipe sets the same way: batch sizes, step cap, precision, seed, output."""

import tempfile
from dataclasses import dataclass

from common.job import precision_args
from common.spec import setting


@dataclass
class TrlSettings:
    """Settings every TRL recipe takes; each recipe adds its method's own (lr, epochs, …)."""

    bf16: bool = setting(True, "the papers train in bf16; fp32 where there is no GPU (ours)")
    per_device_batch_size: int = setting(8, "TRL config default")
    gradient_accumulation_steps: int = setting(1, "TRL config default")
    max_steps: int = setting(-1, "TRL default: -1 = run all epochs")


def trl_args(spec, recipe) -> dict:
    """Keyword arguments for SFTConfig / DPOConfig: the shared settings, the job's seed, a scratch
    output folder (the checkpoint goes to the store), no intermediate saves, no trackers."""
    return {
        "output_dir": tempfile.mkdtemp(prefix=f"drill-{spec.name}-"),
        "learning_rate": recipe.learning_rate,
        "num_train_epochs": recipe.epochs,
        "max_length": recipe.max_length,
        "per_device_train_batch_size": recipe.per_device_batch_size,
        "gradient_accumulation_steps": recipe.gradient_accumulation_steps,
        "max_steps": recipe.max_steps,
        "seed": spec.seed,
        "save_strategy": "no",
        "report_to": "none",
        "logging_steps": 1,
        **precision_args(recipe.bf16),
    }
