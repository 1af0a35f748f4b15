"""The RL settings both GRPO recipes share (TRL for one machine, verl for clusters) and the
accuracy log they write."""

from dataclasses import dataclass

from common.spec import setting


@dataclass
class RlSettings:
    rollouts: int = setting(8, "SwS §4.1: n = 8 rollouts per problem")
    temperature: float = setting(1.0, "SwS §4.1")
    learning_rate: float = setting(1e-6, "SwS §4.1")
    clip_low: float = setting(0.2, "SwS §4.1 (DAPO clip-higher)")
    clip_high: float = setting(0.28, "SwS §4.1 (DAPO clip-higher)")
    max_response_tokens: int = setting(7168, "SwS released config (stages.rl.maxResponseTokens)")
    epochs: int = setting(30, "SwS §4.1")
    group_filter: tuple[float, float] = setting(
        [0.125, 0.875], "SwS §4.1 accuracy filter for augmented RL; [0, 1] for the initial run"
    )
    bf16: bool = setting(True, "SwS trains in bf16; fp32 where there is no GPU (ours)")

    def check(self) -> str | None:
        lo, hi = self.group_filter
        if not 0 <= lo <= hi <= 1:
            return "spec.recipe.groupFilter: must be [lo, hi] with 0 ≤ lo ≤ hi ≤ 1"
        if self.rollouts < 2:
            return "spec.recipe.rollouts: GRPO needs at least 2 rollouts per problem"
        # Groups all right or all wrong carry zero advantage in GRPO (no KL, no entropy bonus), so a
        # band that drops only those is what the trainer does anyway. Neither TRL's GRPOTrainer nor
        # verl's main_ppo can drop groups of other accuracies: such a band is refused, not ignored.
        if lo > 1 / self.rollouts or hi < (self.rollouts - 1) / self.rollouts:
            return (
                f"spec.recipe.groupFilter: the trainer can only drop groups that are all right or all "
                f"wrong; with rollouts={self.rollouts} the band must include {1 / self.rollouts:g} and "
                f"{(self.rollouts - 1) / self.rollouts:g}, got [{lo:g}, {hi:g}]"
            )
        return None


def accuracy_log(samples) -> dict:
    """(step, problem index, reward) triples → the SwS log {"train": {index: [acc per sampling]}},
    one accuracy per (step, index) group, in step order."""
    groups: dict = {}
    for step, index, reward in samples:
        groups.setdefault((int(step), int(index)), []).append(float(reward))
    train: dict = {}
    for (_, index), rewards in sorted(groups.items()):
        train.setdefault(str(index), []).append(sum(rewards) / len(rewards))
    return {"train": train}
