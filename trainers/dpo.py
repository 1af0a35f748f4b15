"""DPO + α·NLL on the checkpoint's own mistakes (WarriorMath step 8), over TRL's DPOTrainer.

    python3 trainers/dpo.py [--dry-run] spec.json

spec.kind is "dpo"; spec.inputs.train is JSONL of PreferencePair records ({"prompt", "chosen",
"rejected"}, each a list of chat messages). The loss is TRL's `loss_type=["sigmoid", "sft"]` with
`loss_weights=[1, α]` (TRL ≥ 1.0 has no `rpo_alpha`); the reference model is the base checkpoint.
"""

import time
from dataclasses import dataclass

from common.data import read_rows
from common.job import recipe_main
from common.spec import setting
from common.trl_args import TrlSettings, trl_args
from common.weights import resolve_base, save_and_publish


@dataclass
class DpoRecipe(TrlSettings):
    beta: float = setting(0.1, "WarriorMath §4.2 (stages.dpo.beta)")
    nll_weight: float = setting(1.0, "WarriorMath §4.2: α in L_DPO + α·L_NLL(chosen)")
    learning_rate: float = setting(1e-6, "TRL DPOConfig default")
    epochs: int = setting(1, "ours: one pass per DPO round")
    max_length: int = setting(2048, "ours: as SFT's max length")

    def check(self) -> str | None:
        if self.beta <= 0:
            return "spec.recipe.beta: must be positive"
        if self.nll_weight < 0:
            return "spec.recipe.nllWeight: must be ≥ 0"
        return None


def train(spec, recipe: DpoRecipe, store) -> None:
    rows = read_rows(store, spec, "train", ("prompt", "chosen", "rejected"))
    base = resolve_base(store, spec.base)

    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    started = time.time()
    args = DPOConfig(
        beta=recipe.beta,
        loss_type=["sigmoid", "sft"],
        loss_weights=[1.0, recipe.nll_weight],
        **trl_args(spec, recipe),
    )
    dataset = Dataset.from_list([{k: r[k] for k in ("prompt", "chosen", "rejected")} for r in rows])
    trainer = DPOTrainer(model=base, args=args, train_dataset=dataset)
    result = trainer.train()
    save_and_publish(store, spec, trainer, result, "dpo", len(rows), started)


if __name__ == "__main__":
    recipe_main(__doc__, ("dpo",), ("train",), DpoRecipe, train)
