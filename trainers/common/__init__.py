"""Shared parts of the trainer recipes: the job spec, the artifact store, inputs, errors.

Everything here imports only the standard library at module level, so `--dry-run` runs on a bare
python3; boto3 and torch are imported inside the functions that need them.
"""
