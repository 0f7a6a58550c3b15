#!/usr/bin/env bash
# The permission-flow model test, longer than `swift test` runs it: STEPS requests for each of SEEDS seeds.
# Usage: bash Tests/model-check.sh [STEPS] [SEEDS]   (defaults: 5000 steps, seeds 1 to 3)
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-5000}"
seeds="${2:-3}"
for seed in $(seq 1 "$seeds"); do
    echo "== seed $seed, $steps steps"
    ROSTER_MODEL_VERBOSE=1 ROSTER_MODEL_STEPS="$steps" ROSTER_MODEL_SEED="$seed" swift test --filter PermissionFlowModelTests
done
