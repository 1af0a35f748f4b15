"""SFT on the committee's gold solutions (WarriorMath step 7), over TRL's SFTTrainer.

    python3 trainers/sft.py [--dry-run] spec.json

spec.kind is "sft"; spec.inputs.train is JSONL of SftExample records ({"messages": [...]}).
Writes outputUri/weights/ (safetensors, config, tokenizer), metrics.json and checkpoint.json.
"""

import time
from dataclasses import dataclass
from typing import Literal

from common.data import read_rows
from common.job import recipe_main
from common.spec import setting
from common.trl_args import TrlSettings, trl_args
from common.weights import resolve_base, save_and_publish


@dataclass
class SftRecipe(TrlSettings):
    learning_rate: float = setting(1e-5, "WarriorMath §4.1 (stages.sft.learningRate)")
    scheduler: Literal["cosine", "linear", "constant"] = setting("cosine", "WarriorMath §4.1")
    warmup_ratio: float = setting(0.2, "WarriorMath §4.1")
    epochs: int = setting(3, "WarriorMath §4.1")
    max_length: int = setting(2048, "WarriorMath §4.1 (max sequence length)")

    def check(self) -> str | None:
        if self.learning_rate <= 0:
            return "spec.recipe.learningRate: must be positive"
        if not 0 <= self.warmup_ratio < 1:
            return "spec.recipe.warmupRatio: must be within [0, 1)"
        return None


def train(spec, recipe: SftRecipe, store) -> None:
    rows = read_rows(store, spec, "train", ("messages",))
    base = resolve_base(store, spec.base)

    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    started = time.time()
    args = SFTConfig(
        lr_scheduler_type=recipe.scheduler,
        warmup_steps=recipe.warmup_ratio,  # transformers 5: a float in [0, 1) is a ratio of total steps
        **trl_args(spec, recipe),
    )
    dataset = Dataset.from_list([{"messages": r["messages"]} for r in rows])
    trainer = SFTTrainer(model=base, args=args, train_dataset=dataset)
    result = trainer.train()
    save_and_publish(store, spec, trainer, result, "sft", len(rows), started)


if __name__ == "__main__":
    recipe_main(__doc__, ("sft",), ("train",), SftRecipe, train)
