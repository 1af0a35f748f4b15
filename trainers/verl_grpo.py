"""GRPO at cluster scale with SwS's published settings, launched on verl.

    python3 trainers/verl_grpo.py [--dry-run] spec.json

Runs `python -m verl.trainer.main_ppo` with hydra overrides built from the spec (printed by
--dry-run). spec.kind is "rl"; spec.inputs.parquet is the training set as verl Parquet (columns
data_source, prompt, ability, reward_model{style, ground_truth}, extra_info{split, index}). The
reward is verl_reward.py; verl dumps every step's rollouts with their problem index and accuracy
(trainer.rollout_data_dir), which this launcher turns into the SwS accuracy log — uploaded while
training runs and at the end. The final actor is merged into a Hugging Face folder
(`python -m verl.model_merger merge`) and published like every other checkpoint.

verl pins transformers < 5.11, so it runs in its own environment (`jobs.trainer.python`), never
in the TRL venv. When hydra and verl's package are importable (infra/python-env.sh verl-check),
--dry-run also composes verl's ppo_trainer config with the overrides, which refuses any key
verl's schema does not have.
"""

import glob
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from common.errors import DrillError
from common.job import gpu_hours, recipe_main
from common.rl import RlSettings, accuracy_log
from common.spec import setting
from common.weights import publish_checkpoint, resolve_base

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class VerlRecipe(RlSettings):
    train_batch_size: int = setting(1024, "SwS §4.1: 1024 prompts per step")
    mini_batch_size: int = setting(256, "SwS §4.1: PPO mini-batch 256")
    max_prompt_tokens: int = setting(1024, "SwS released config")
    rollout_engine: str = setting("vllm", "verl default rollout engine")
    save_every_steps: int = setting(50, "ours: verl saves the actor every N steps and at the last")


def overrides(spec, recipe: VerlRecipe, parquet: str, model: str, workdir: str) -> list:
    """The hydra overrides for verl.trainer.main_ppo: SwS's GRPO without KL or entropy terms."""
    return [
        "algorithm.adv_estimator=grpo",
        "algorithm.use_kl_in_reward=False",
        f"data.train_files={parquet}",
        f"data.val_files={parquet}",
        f"data.train_batch_size={recipe.train_batch_size}",
        f"data.max_prompt_length={recipe.max_prompt_tokens}",
        f"data.max_response_length={recipe.max_response_tokens}",
        f"actor_rollout_ref.model.path={model}",
        f"actor_rollout_ref.actor.optim.lr={recipe.learning_rate}",
        f"actor_rollout_ref.actor.ppo_mini_batch_size={recipe.mini_batch_size}",
        f"actor_rollout_ref.actor.clip_ratio_low={recipe.clip_low}",
        f"actor_rollout_ref.actor.clip_ratio_high={recipe.clip_high}",
        "actor_rollout_ref.actor.use_kl_loss=False",
        "actor_rollout_ref.actor.kl_loss_coef=0.0",
        "actor_rollout_ref.actor.entropy_coeff=0.0",
        f"actor_rollout_ref.rollout.name={recipe.rollout_engine}",
        f"actor_rollout_ref.rollout.n={recipe.rollouts}",
        f"actor_rollout_ref.rollout.temperature={recipe.temperature}",
        f"actor_rollout_ref.rollout.dtype={'bfloat16' if recipe.bf16 else 'float32'}",
        f"custom_reward_function.path={os.path.join(HERE, 'verl_reward.py')}",
        "custom_reward_function.name=compute_score",
        f"trainer.total_epochs={recipe.epochs}",
        f"trainer.nnodes={spec.resources['nodes']}",
        f"trainer.n_gpus_per_node={spec.resources['gpusPerNode']}",
        f"trainer.save_freq={recipe.save_every_steps}",
        "trainer.test_freq=-1",
        "trainer.val_before_train=False",
        "trainer.logger=[console]",
        "trainer.project_name=drillmaster",
        f"trainer.experiment_name={spec.name}",
        f"trainer.default_local_dir={os.path.join(workdir, 'checkpoints')}",
        f"trainer.rollout_data_dir={os.path.join(workdir, 'rollouts')}",
        f"data.seed={spec.seed}",
        f"actor_rollout_ref.rollout.seed={spec.seed}",
    ]


def check_against_verl_schema(args: list) -> str:
    """Composes verl's ppo_trainer.yaml with the overrides (hydra refuses keys it does not know)."""
    import importlib.util

    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    # find_spec locates the package without running verl/__init__.py (which imports torch).
    root = importlib.util.find_spec("verl").submodule_search_locations[0]
    with initialize_config_dir(config_dir=os.path.join(root, "trainer", "config"), version_base=None):
        cfg = compose(config_name="ppo_trainer", overrides=args)
    OmegaConf.resolve(cfg)
    return f"verl {root}: ppo_trainer composed with {len(args)} overrides (n={cfg.actor_rollout_ref.rollout.n})"


def read_rollout_log(rollouts: str) -> dict:
    """verl's per-step dumps (<step>.jsonl with step, index, acc) → the SwS accuracy log."""
    samples = []
    for path in glob.glob(os.path.join(rollouts, "*.jsonl")):
        with open(path, encoding="utf8") as f:
            samples.extend((r["step"], r["index"], r["acc"]) for r in map(json.loads, filter(str.strip, f)))
    return accuracy_log(samples)


def train(spec, recipe: VerlRecipe, store) -> None:
    workdir = tempfile.mkdtemp(prefix=f"drill-{spec.name}-")
    parquet = os.path.join(workdir, "train.parquet")
    ref = spec.inputs["parquet"]
    store.get_file(ref["uri"], parquet, ref["sha256"], "spec.inputs.parquet")
    model = resolve_base(store, spec.base)
    started = time.time()
    args = overrides(spec, recipe, parquet, model, workdir)
    proc = subprocess.Popen([sys.executable, "-m", "verl.trainer.main_ppo", *args])
    rollouts = os.path.join(workdir, "rollouts")
    while proc.poll() is None:
        time.sleep(60)
        store.put_json(spec.output_uri + "accuracy_log.json", read_rollout_log(rollouts))
    if proc.returncode != 0:
        raise DrillError("failed", f"verl.trainer.main_ppo exited with {proc.returncode}")
    checkpoints = os.path.join(workdir, "checkpoints")
    with open(os.path.join(checkpoints, "latest_checkpointed_iteration.txt")) as f:
        step = int(f.read().strip())
    final = os.path.join(workdir, "final")
    subprocess.run(
        [sys.executable, "-m", "verl.model_merger", "merge", "--backend", "fsdp",
         "--local_dir", os.path.join(checkpoints, f"global_step_{step}", "actor"), "--target_dir", final],
        check=True,
    )
    log = read_rollout_log(rollouts)
    metrics = {"gpuHours": gpu_hours(spec, time.time() - started), "steps": step, "examples": ref["count"]}
    publish_checkpoint(store, spec, final, "rl", metrics, log)


def dry_run_extra(spec, recipe: VerlRecipe) -> None:
    # Placeholders for what the job fetches at run time (the paths only matter to verl at run time).
    args = overrides(spec, recipe, "/job/train.parquet", "/job/base", "/job")
    print("verl.trainer.main_ppo overrides:\n  " + "\n  ".join(args))
    try:
        import hydra  # noqa: F401
    except ImportError:
        print("(hydra not installed here: verl's schema check skipped; run with the verl-check venv)")
        return
    try:
        print(check_against_verl_schema(args))
    except Exception as err:  # noqa: BLE001 - hydra's errors name the bad key
        raise DrillError("invalid-spec", f"verl refuses the generated overrides: {err}")


if __name__ == "__main__":
    recipe_main(__doc__, ("rl",), ("parquet",), VerlRecipe, train, dry_run_extra)
