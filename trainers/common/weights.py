"""Where a job's model comes from and where its checkpoint goes.

A base is named by `spec.base.weightsUri`: a store folder (s3:// or file://, written by
`Store.put_folder`), a local folder, or a Hugging Face hub id (read from the local hub cache only:
HF_HUB_OFFLINE=1). Store folders are downloaded once per manifest into the user cache, so the
same base weights are never copied twice on one machine: jobs starting together wait for one
download, and one interrupted midway keeps the files it already has.
"""

import fcntl
import hashlib
import json
import os

from common.errors import DrillError
from common.store import MANIFEST, Store

CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "drillmaster", "weights")


def _folder_uri(uri: str) -> str:
    return uri if uri.endswith("/") else uri + "/"


def resolve_base(store: Store, base: dict) -> str:
    """A local folder (or hub id) from_pretrained can load for spec.base."""
    uri = base["weightsUri"]
    where = f"spec.base.weightsUri ({base['name']})"
    if uri.startswith("s3://") or uri.startswith("file://"):
        folder = _folder_uri(uri)
        manifest = store.read_text(folder + MANIFEST, what=where)
        local = os.path.join(CACHE, hashlib.sha256(manifest.encode()).hexdigest()[:32])
        os.makedirs(CACHE, exist_ok=True)
        with open(local + ".lock", "w") as lock:
            # Jobs starting together on one machine (a serve job and a training job from the same
            # checkpoint) wait for one download instead of each making its own.
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not os.path.exists(os.path.join(local, ".complete")):
                store.get_folder(folder, local, where, manifest)
                open(os.path.join(local, ".complete"), "w").close()
        return local
    if uri.startswith("/"):
        if not os.path.isfile(os.path.join(uri, "config.json")):
            raise DrillError("invalid-input", f"{where}: {uri} is not a checkpoint folder (no config.json)")
        return uri
    from huggingface_hub import try_to_load_from_cache

    if not isinstance(try_to_load_from_cache(uri, "config.json"), str):
        raise DrillError("invalid-input", f"{where}: hub id {uri} is not in the local Hugging Face cache (jobs never download)")
    return uri


CHECKPOINT = "checkpoint.json"


def published(store: Store, spec) -> bool:
    """Whether this job (its outputUri is unique to its inputs and settings) already published
    its checkpoint: checkpoint.json is written last, after the weights and the other outputs."""
    return spec.kind != "serve" and store.exists(spec.output_uri + CHECKPOINT)


def publish_checkpoint(store: Store, spec, local: str, stage: str, metrics: dict, accuracy_log: dict | None = None) -> dict:
    """Uploads the trained folder to outputUri/weights/, then the job's JSON outputs; checkpoint.json last."""
    weights_uri = spec.output_uri + "weights/"
    manifest = store.put_folder(local, weights_uri)
    size = sum(f["bytes"] for f in manifest["files"].values())
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()
    checkpoint = {
        "name": f"{spec.name}-{digest[:8]}",
        "weightsUri": weights_uri,
        "parent": spec.base["name"],
        "stage": stage,
        "simulated": False,
    }
    if accuracy_log is not None:
        store.put_json(spec.output_uri + "accuracy_log.json", accuracy_log)
    store.put_json(spec.output_uri + "metrics.json", {**metrics, "weightsBytes": size, "simulated": False})
    store.put_json(spec.output_uri + CHECKPOINT, checkpoint)
    print(f"[drill] checkpoint {checkpoint['name']}: {size} bytes in {len(manifest['files'])} files at {weights_uri}", flush=True)
    return checkpoint


def save_and_publish(store: Store, spec, trainer, result, stage: str, examples: int, started: float, accuracy_log=None) -> dict:
    """Saves a finished TRL trainer's model and tokenizer, publishes them as the job's checkpoint,
    and removes the trainer's scratch folder (a full copy of the weights: GBs per job on a node's
    disk otherwise); a retry trains again, so nothing there is needed once the job ends."""
    import shutil
    import time

    from common.job import gpu_hours

    weights = os.path.join(trainer.args.output_dir, "final")
    try:
        trainer.save_model(weights)
        trainer.processing_class.save_pretrained(weights)
        seconds = time.time() - started
        metrics = {
            "gpuHours": gpu_hours(spec, seconds),
            "steps": trainer.state.global_step,
            "examples": examples,
            "finalLoss": result.training_loss,
            "wallSeconds": round(seconds, 1),
        }
        return publish_checkpoint(store, spec, weights, stage, metrics, accuracy_log)
    finally:
        shutil.rmtree(trainer.args.output_dir, ignore_errors=True)
