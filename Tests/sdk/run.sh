#!/usr/bin/env bash
# Runs the Python SDK suite: the official `openai` package against a real `roster serve`.
#
#   bash Tests/sdk/run.sh [pytest args...]     (from any directory)
#
# Creates <repo>/.venv-sdk on first use, installs openai and pytest into it, builds the `roster` product, then
# runs pytest on Tests/sdk and exits with pytest's status. PYTHON picks the interpreter for the venv (python3).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$repo/.venv-sdk"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "run.sh: creating $venv" >&2
    if ! "$python" -m venv "$venv"; then
        rm -rf "$venv"
        echo "run.sh: '$python -m venv' failed; on Debian/Ubuntu install the python3-venv package" >&2
        exit 1
    fi
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check openai pytest

echo "run.sh: swift build --product roster" >&2
(cd "$repo" && swift build --product roster)

cd "$repo"
set +e
ROSTER_BIN="$repo/.build/debug/roster" "$venv/bin/python" -m pytest -q Tests/sdk "$@"
status=$?
set -e
exit "$status"
