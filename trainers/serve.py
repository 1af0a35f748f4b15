"""Serves one checkpoint behind an OpenAI-compatible endpoint until the job is cancelled.

    python3 trainers/serve.py [--dry-run] spec.json

spec.kind is "serve"; spec.base is the checkpoint to serve. The weights are fetched like a
trainer's base (store folder, local folder or hub id), then served by `vllm serve` when a GPU and
vLLM are present, else by `transformers serve` on the CPU (vLLM from PyPI is CUDA-only). Once
/v1/models answers, the job writes outputUri/endpoint.json ({"baseURL", "model"}) and stays up;
SIGTERM (the backend's cancel) stops the server and ends the job. transformers serve answers one
choice per request, so it sits behind common/fanout.py, which serves the OpenAI `n`.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from typing import Literal

from common import fanout
from common.errors import DrillError
from common.job import has_gpu, recipe_main
from common.spec import setting
from common.weights import resolve_base


@dataclass
class ServeRecipe:
    engine: Literal["auto", "vllm", "transformers"] = setting(
        "auto", "ours: vLLM where a GPU and vllm are present, else transformers serve"
    )
    host: str = setting("127.0.0.1", "ours: loopback for the local backend; a reachable name on clusters")
    port: int = setting(0, "ours: 0 = any free port")
    ready_seconds: int = setting(600, "ours: how long the server may take to answer /v1/models")


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def server_command(engine: str, weights: str, name: str, host: str, port: int) -> list:
    if engine == "vllm":
        return ["vllm", "serve", weights, "--served-model-name", name, "--host", host, "--port", str(port)]
    # transformers serve pins the positional model: preloaded, and requests must name it by the
    # id /v1/models lists.
    cli = os.path.join(os.path.dirname(sys.executable), "transformers")
    return [cli, "serve", weights, "--device", "cpu", "--host", host, "--port", str(port)]


def max_new_tokens(weights: str) -> int | None:
    try:
        with open(os.path.join(weights, "generation_config.json"), encoding="utf8") as f:
            return json.load(f).get("max_new_tokens")
    except OSError:
        return None


def wait_ready(proc, url: str, seconds: int) -> dict:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise DrillError("failed", f"the model server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as res:
                return json.load(res)
        except OSError:
            time.sleep(1)
    proc.terminate()
    raise DrillError("failed", f"the model server did not answer {url} within {seconds} s (recipe.readySeconds)")


def serve(spec, recipe: ServeRecipe, store) -> None:
    weights = resolve_base(store, spec.base)
    engine = recipe.engine
    if engine == "auto":
        engine = "vllm" if has_gpu() and shutil.which("vllm") else "transformers"
    port = recipe.port or free_port(recipe.host)
    # transformers serve ignores `n`: it listens on a private port behind the fan-out front.
    inner = port if engine == "vllm" else free_port("127.0.0.1")
    inner_host = recipe.host if engine == "vllm" else "127.0.0.1"
    proc = subprocess.Popen(server_command(engine, weights, spec.base["name"], inner_host, inner))
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    models = wait_ready(proc, f"http://{inner_host}:{inner}/v1/models", recipe.ready_seconds)
    if engine != "vllm":
        fanout.start(recipe.host, port, f"http://127.0.0.1:{inner}", max_new_tokens(weights))
    base_url = f"http://{recipe.host}:{port}/v1"
    # vLLM answers to --served-model-name; transformers serve to the id it lists (the weights path).
    model = models["data"][0]["id"]
    store.put_json(spec.output_uri + "endpoint.json", {"baseURL": base_url, "model": model, "engine": engine})
    print(f"[drill] serving {model} ({engine}) at {base_url}", flush=True)
    code = proc.wait()
    if code not in (0, -signal.SIGTERM):
        raise DrillError("failed", f"the model server exited with {code}")


if __name__ == "__main__":
    recipe_main(__doc__, ("serve",), (), ServeRecipe, serve)
