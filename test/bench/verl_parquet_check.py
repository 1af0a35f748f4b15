"""Reads a verl training Parquet with pyarrow and checks the columns verl's RLHFDataset uses.

Usage: .venv/bin/python test/bench/verl_parquet_check.py <train.parquet>   (prints one JSON line)
"""
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq


def main(path: str) -> None:
    table = pq.read_table(path)
    schema = table.schema
    assert schema.names == ["data_source", "prompt", "ability", "reward_model", "extra_info"], schema.names
    assert pa.types.is_list(schema.field("prompt").type), schema.field("prompt").type
    message = schema.field("prompt").type.value_type
    assert [message.field(i).name for i in range(message.num_fields)] == ["role", "content"], message
    assert schema.field("extra_info").type.field("index").type == pa.int64()
    rows = table.to_pylist()
    indices = [r["extra_info"]["index"] for r in rows]
    assert len(set(indices)) == len(rows), "extra_info.index is not unique"
    assert all(r["reward_model"]["style"] == "rule" and r["reward_model"]["ground_truth"] for r in rows)
    assert all(r["prompt"][0]["role"] == "user" for r in rows)
    sources = {}
    for r in rows:
        sources[r["data_source"]] = sources.get(r["data_source"], 0) + 1
    print(json.dumps({"rows": len(rows), "data_source": sources, "schema": str(schema).splitlines()}))


if __name__ == "__main__":
    main(sys.argv[1])
