"""The job spec every recipe reads (the JobSpec of schemas/job.ts, written as JSON).

Parsing is strict: an unknown or missing key is refused with a message naming the field, before
anything heavy is imported. A recipe's settings are a dataclass whose fields carry their default's
source in `metadata["source"]` (a paper, TRL's default, or "ours"); the spec spells them in
camelCase like the run config (`learningRate` → `learning_rate`).
"""

import dataclasses
import json
import re
import typing
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from common.errors import DrillError

SPEC_KEYS = ("name", "kind", "base", "inputs", "outputUri", "store", "recipe", "resources", "seed")
BASE_KEYS = ("name", "weightsUri", "parent", "stage", "simulated")
REF_KEYS = ("uri", "sha256", "count", "schema")
RESOURCE_KEYS = ("nodes", "gpusPerNode")


def setting(default: Any, source: str, help: str = "") -> Any:
    """A recipe field: its default and where that default comes from."""
    if isinstance(default, (list, dict)):
        return dataclasses.field(default_factory=lambda: json.loads(json.dumps(default)), metadata={"source": source, "help": help})
    return dataclasses.field(default=default, metadata={"source": source, "help": help})


@dataclass(frozen=True)
class Spec:
    name: str
    kind: str
    base: dict
    inputs: dict
    output_uri: str
    store: dict
    recipe: dict
    resources: dict
    seed: int
    path: str


def _invalid(message: str) -> DrillError:
    return DrillError("invalid-spec", message)


def _check_keys(obj: Any, where: str, required: tuple, optional: tuple = ()) -> dict:
    if not isinstance(obj, dict):
        raise _invalid(f"{where} must be an object, got {json.dumps(obj)[:80]}")
    unknown = sorted(set(obj) - set(required) - set(optional))
    if unknown:
        raise _invalid(f"{where}.{unknown[0]}: unknown key (known: {', '.join(required + optional)})")
    missing = [k for k in required if k not in obj]
    if missing:
        raise _invalid(f"{where}.{missing[0]}: missing")
    return obj


def load_spec(path: str, kinds: tuple, inputs: tuple) -> Spec:
    """Reads and checks the spec's shape; `kinds` the job kinds this recipe runs, `inputs` the input names it needs."""
    try:
        with open(path, encoding="utf8") as f:
            raw = json.load(f)
    except OSError as err:
        raise _invalid(f"cannot read spec {path}: {err.strerror}")
    except json.JSONDecodeError as err:
        raise _invalid(f"spec {path} is not JSON: line {err.lineno}: {err.msg}")
    _check_keys(raw, "spec", SPEC_KEYS)
    if not isinstance(raw["name"], str) or not re.fullmatch(r"[A-Za-z0-9._-]+", raw["name"]):
        raise _invalid("spec.name: must be file-safe (letters, digits, . _ -)")
    if raw["kind"] not in kinds:
        raise _invalid(f"spec.kind: this recipe runs {' or '.join(kinds)}, got {json.dumps(raw['kind'])}")
    base = _check_keys(raw["base"], "spec.base", ("name", "weightsUri"), ("parent", "stage", "simulated"))
    if base.get("simulated"):
        raise DrillError(
            "invalid-input",
            f"spec.base: checkpoint {base['name']} is simulated (no weights a real trainer can load)",
        )
    _check_keys(raw["inputs"], "spec.inputs", inputs, tuple(k for k in raw["inputs"] if k not in inputs))
    for name, ref in raw["inputs"].items():
        _check_keys(ref, f"spec.inputs.{name}", REF_KEYS)
        if not re.match(r"^(file|s3)://", str(ref["uri"])):
            raise _invalid(f"spec.inputs.{name}.uri: must be a file:// or s3:// URI")
    out = raw["outputUri"]
    if not isinstance(out, str) or not re.match(r"^(file|s3)://.+/$", out):
        raise _invalid("spec.outputUri: must be a file:// or s3:// folder URI ending in '/'")
    store = raw["store"]
    if not isinstance(store, dict) or store.get("kind") not in ("file", "s3"):
        raise _invalid("spec.store.kind: must be file or s3")
    if not isinstance(raw["recipe"], dict):
        raise _invalid("spec.recipe: must be an object")
    _check_keys(raw["resources"], "spec.resources", RESOURCE_KEYS)
    if not isinstance(raw["seed"], int) or isinstance(raw["seed"], bool):
        raise _invalid("spec.seed: must be an integer")
    return Spec(
        name=raw["name"],
        kind=raw["kind"],
        base=base,
        inputs=raw["inputs"],
        output_uri=out,
        store=store,
        recipe=raw["recipe"],
        resources=raw["resources"],
        seed=raw["seed"],
        path=path,
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _check_type(value: Any, hint: Any, where: str) -> Any:
    origin = get_origin(hint)
    if origin is Union:
        options = get_args(hint)
        if value is None and type(None) in options:
            return None
        return _check_type(value, next(o for o in options if o is not type(None)), where)
    if origin is Literal:
        if value not in get_args(hint):
            raise _invalid(f"{where}: must be one of {', '.join(map(json.dumps, get_args(hint)))}, got {json.dumps(value)}")
        return value
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise _invalid(f"{where}: must be a list, got {json.dumps(value)}")
        args = get_args(hint)
        if origin is tuple and len(args) != len(value):
            raise _invalid(f"{where}: must have {len(args)} items, got {len(value)}")
        items = [_check_type(v, args[i] if origin is tuple else args[0], f"{where}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif hint is str:
        ok = isinstance(value, str)
    else:
        ok = True
    if not ok:
        raise _invalid(f"{where}: must be {hint.__name__}, got {json.dumps(value)}")
    return value


def parse_recipe(raw: dict, cls: type) -> Any:
    """spec.recipe → a `cls` instance; unknown keys, missing required keys and wrong types are refused."""
    fields = {_camel(f.name): f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        raise _invalid(f"spec.recipe.{unknown[0]}: unknown key for {cls.__name__} (known: {', '.join(sorted(fields))})")
    values = {}
    for key, f in fields.items():
        if key in raw:
            values[f.name] = _check_type(raw[key], hints[f.name], f"spec.recipe.{key}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise _invalid(f"spec.recipe.{key}: missing ({f.metadata.get('help', 'required')})")
    recipe = cls(**values)
    check = getattr(recipe, "check", None)
    if check is not None:
        problem = check()
        if problem:
            raise _invalid(problem)
    return recipe


def dry_run_summary(spec: Spec, recipe: Any) -> str:
    """What --dry-run prints: the settings the job would run with and their sources."""
    lines = [f"spec {spec.path}: {spec.kind} job {spec.name} from {spec.base['weightsUri']} → {spec.output_uri}"]
    for f in dataclasses.fields(recipe):
        lines.append(f"  {_camel(f.name)} = {json.dumps(getattr(recipe, f.name))}  [{f.metadata.get('source', '')}]")
    return "\n".join(lines)


