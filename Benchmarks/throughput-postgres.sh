#!/usr/bin/env bash
# Runs Benchmarks/throughput.py with a PostgreSQL column: starts a throwaway PostgreSQL (.ci/postgres.sh; installed
# from Debian's packages when missing) and passes its URL. Arguments go to throughput.py.
#
#   bash Benchmarks/throughput-postgres.sh --bin .build-release/release [--duration 5] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/postgres.sh
start_postgres
python3 Benchmarks/throughput.py --postgres "$ROSTER_TEST_POSTGRES_URL" "$@"
