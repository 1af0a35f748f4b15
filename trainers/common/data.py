"""A job's JSONL inputs, fetched by URI, checked by sha256 and by the columns the recipe needs."""

import json

from common.errors import DrillError
from common.store import Store


def read_rows(store: Store, spec, name: str, columns: tuple) -> list:
    ref = spec.inputs[name]
    where = f"spec.inputs.{name}"
    text = store.read_text(ref["uri"], ref["sha256"], where)
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise DrillError("invalid-input", f"{where} ({ref['uri']}) line {n}: not JSON ({err.msg})")
        missing = [c for c in columns if not isinstance(row, dict) or c not in row]
        if missing:
            have = ", ".join(row) if isinstance(row, dict) else type(row).__name__
            raise DrillError(
                "invalid-input",
                f"{where} ({ref['uri']}) line {n}: missing column {missing[0]!r} (needs {', '.join(columns)}; has {have})",
            )
        rows.append(row)
    if not rows:
        raise DrillError("invalid-input", f"{where} ({ref['uri']}): no rows")
    return rows
