"""The verifier's reward for GRPO: 1 when the completion's final answer equals the reference.

Answers are compared by Hugging Face's math-verify (`parse` + `verify`: LaTeX and plain
expressions, \\boxed{} extraction), the checker the open math-RL recipes use; the TypeScript
verifier in core/verify/ plays the same part on the orchestrator side.
"""

# The wording of core/prompts/solve.ts (the SwS / Qwen-math instruction), so RL trains on the
# prompt evaluation asks with.
SOLVE_INSTRUCTION = "Please reason step by step, and put your final answer within \\boxed{}."


def solve_prompt(problem: str) -> list:
    return [{"role": "user", "content": f"{problem.strip()}\n\n{SOLVE_INSTRUCTION}"}]


def completion_text(completion) -> str:
    # Conversational datasets give a list of messages per completion, plain ones a string.
    return completion[-1]["content"] if isinstance(completion, list) else completion


def score(completion: str, reference: str) -> float:
    from math_verify import parse, verify

    try:
        gold = parse(f"${reference}$")
        return 1.0 if verify(gold, parse(completion)) else 0.0
    except Exception:  # noqa: BLE001 - an unparsable answer is a wrong answer
        return 0.0
