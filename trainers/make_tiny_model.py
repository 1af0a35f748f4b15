"""Builds the tiny real student: a randomly initialised Qwen2 (~100K parameters) and a byte-level
BPE tokenizer trained in place on the training set. Nothing is downloaded.

    python trainers/make_tiny_model.py --train train.jsonl --out DIR [--vocab 400] [--seed 0]

`train.jsonl` holds Problem records (problem, answer[, solution]); DIR receives config.json,
model.safetensors and the tokenizer files with a ChatML chat template, loadable by
from_pretrained, TRL and `transformers serve`. The same inputs and seed give the same weights.
"""

import argparse
import json
import os

from common.job import set_cpu_env

CHATML = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def texts(path: str):
    with open(path, encoding="utf8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                row = json.loads(line)
                if "problem" not in row:
                    raise SystemExit(f"{path} line {n}: missing column 'problem'")
                yield from (str(row.get(k, "")) for k in ("problem", "answer", "solution"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", required=True, help="JSONL of Problem records")
    parser.add_argument("--out", required=True, help="folder to write the model into")
    parser.add_argument("--vocab", type=int, default=400, help="BPE vocabulary size (256 byte symbols + merges + specials)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    set_cpu_env()

    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(
        texts(args.train),
        trainers.BpeTrainer(
            vocab_size=args.vocab, special_tokens=SPECIALS, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        ),
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>", bos_token=None, unk_token=None
    )
    tokenizer.chat_template = CHATML

    torch.manual_seed(args.seed)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
    )
    model = Qwen2ForCausalLM(config)
    gen = model.generation_config
    gen.eos_token_id = tokenizer.eos_token_id
    gen.pad_token_id = tokenizer.pad_token_id
    # Servers read these as the defaults of a request: sample (greedy decoding of random weights
    # repeats one token), and keep answers short so evaluation on a CPU takes seconds (ours).
    gen.do_sample = True
    gen.temperature = 1.0
    gen.max_new_tokens = 48
    os.makedirs(args.out, exist_ok=True)
    model.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"out": os.path.abspath(args.out), "parameters": params, "vocab": len(tokenizer)}))


if __name__ == "__main__":
    main()
