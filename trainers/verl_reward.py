"""verl's custom reward for verl_grpo.py (`custom_reward_function.path`): the verifier's score,
plus the problem's index and accuracy as extra keys, which verl writes into its per-step rollout
dumps (trainer.rollout_data_dir) for the SwS accuracy log."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common.reward import score  # noqa: E402


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    acc = score(solution_str, str(ground_truth))
    return {"score": acc, "acc": acc, "index": int((extra_info or {}).get("index", -1))}
