"""GRPO with the SwS accuracy log (SwS stage A, and augmented RL), over TRL's GRPOTrainer.

    python3 trainers/grpo.py [--dry-run] spec.json

spec.kind is "rl"; spec.inputs.train is JSONL of Problem records ({"index", "problem", "answer"}).
The reward is the verifier's (common/reward.py). Every time a problem is sampled, the reward
function records its accuracy over that group of rollouts under the problem's `index`; the job
writes the SwS accuracy log `{"train": {index: [acc, …]}}` at each checkpoint and at the end.
"""

import tempfile
import time
from dataclasses import dataclass

from common.data import read_rows
from common.job import precision_args, recipe_main
from common.rl import RlSettings, accuracy_log
from common.spec import setting
from common.weights import resolve_base, save_and_publish


@dataclass
class GrpoRecipe(RlSettings):
    kl_beta: float = setting(0.0, "SwS §4.1: no KL term")
    problems_per_step: int = setting(8, "ours: prompts per optimizer step on one device")
    max_steps: int = setting(-1, "TRL default: -1 = run all epochs")


class AccuracyRecorder:
    """The reward function: grades each completion and records each problem's group accuracy."""

    def __init__(self):
        self.samples: list = []  # (global step, problem index, reward)
        self.__name__ = "verifier"

    def __call__(self, prompts, completions, answer, index, trainer_state=None, **_):
        from common.reward import completion_text, score

        rewards = [score(completion_text(c), a) for c, a in zip(completions, answer)]
        step = trainer_state.global_step if trainer_state is not None else 0
        self.samples.extend((step, int(i), r) for i, r in zip(index, rewards))
        return rewards

    def log(self, accelerator) -> dict:
        """The SwS accuracy log over every rank's samples (each rank grades only its slice)."""
        from accelerate.utils import gather_object

        return accuracy_log(gather_object(self.samples))


def train(spec, recipe: GrpoRecipe, store) -> None:
    rows = read_rows(store, spec, "train", ("index", "problem", "answer"))
    base = resolve_base(store, spec.base)

    from datasets import Dataset
    from transformers import TrainerCallback
    from trl import GRPOConfig, GRPOTrainer

    from common.reward import solve_prompt

    started = time.time()
    recorder = AccuracyRecorder()
    log_uri = spec.output_uri + "accuracy_log.json"

    class WriteAccuracyLog(TrainerCallback):
        def on_save(self, args, state, control, **kwargs):
            store.put_json(log_uri, recorder.log(trainer.accelerator))

    args = GRPOConfig(
        output_dir=tempfile.mkdtemp(prefix=f"drill-{spec.name}-"),
        num_generations=recipe.rollouts,
        per_device_train_batch_size=recipe.rollouts * recipe.problems_per_step,
        temperature=recipe.temperature,
        learning_rate=recipe.learning_rate,
        epsilon=recipe.clip_low,
        epsilon_high=recipe.clip_high,
        max_completion_length=recipe.max_response_tokens,
        beta=recipe.kl_beta,
        num_train_epochs=recipe.epochs,
        max_steps=recipe.max_steps,
        seed=spec.seed,
        save_strategy="no",
        report_to="none",
        logging_steps=1,
        **precision_args(recipe.bf16),
    )
    dataset = Dataset.from_list(
        [{"prompt": solve_prompt(r["problem"]), "answer": str(r["answer"]), "index": int(r["index"])} for r in rows]
    )
    trainer = GRPOTrainer(model=base, reward_funcs=[recorder], args=args, train_dataset=dataset, callbacks=[WriteAccuracyLog()])
    result = trainer.train()
    save_and_publish(store, spec, trainer, result, "rl", len(rows), started, recorder.log(trainer.accelerator))


if __name__ == "__main__":
    recipe_main(__doc__, ("rl",), ("train",), GrpoRecipe, train)
