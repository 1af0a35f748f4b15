#!/bin/bash
# drillmaster's Slurm batch script: sbatch [options] slurm-job.sh <trainer argv…> <spec.json>
# Runs from the job's folder (--chdir) and records the outcome next to the Slurm output, since
# scontrol forgets finished jobs and sacct needs accounting that many clusters do not grant.
# The command arrives as arguments, never as text for a shell to parse.
set -u
echo "$SLURM_JOB_ID" >job_id
rm -f exit_code finished_at
date -u +%FT%T.%3NZ >started_at
if ((${SLURM_JOB_NUM_NODES:-1} > 1)); then
  # Multi-node (e.g. the verl launcher): the command runs once, on the first node, and starts its
  # workers on the others itself (ray start over srun); it learns the head and the size here.
  DRILL_HEAD_NODE="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)"
  export DRILL_HEAD_NODE DRILL_NODES="$SLURM_JOB_NUM_NODES"
fi
if [[ -n "${DRILL_CONTAINER_IMAGE:-}" ]]; then
  # pyxis/enroot: the job folder is mounted at the same path inside the container.
  srun --ntasks=1 --container-image="$DRILL_CONTAINER_IMAGE" --container-mounts="$PWD:$PWD" \
    --container-workdir="$PWD" "$@"
else
  "$@"
fi
code=$?
date -u +%FT%T.%3NZ >finished_at
echo "$code" >exit_code.tmp && mv exit_code.tmp exit_code
exit "$code"
