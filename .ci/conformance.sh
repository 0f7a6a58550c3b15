#!/usr/bin/env bash
# Runs ../shared/tools/openai_admin_conformance.py against a fresh `roster serve` (the tool provisions its users
# over SCIM), for the RBAC family and then the gateway family (project keys and model access), and fails unless
# every operation of both conforms.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tool="$root/../shared/tools/openai_admin_conformance.py"
venv="$root/.venv-conformance"
cd "$root"

# The operations Roster serves; each must PASS and none may FAIL.
served=(
  list-groups create-group retrieve-group update-group delete-group
  list-group-users add-group-user retrieve-group-user remove-group-user
  list-group-role-assignments assign-group-role retrieve-group-role unassign-group-role
  list-roles create-role retrieve-role update-role delete-role
  list-users retrieve-user modify-user delete-user
  list-user-role-assignments assign-user-role retrieve-user-role unassign-user-role
  list-projects create-project retrieve-project modify-project archive-project
  list-project-users create-project-user retrieve-project-user modify-project-user delete-project-user
  list-project-groups add-project-group retrieve-project-group remove-project-group
  list-project-service-accounts create-project-service-account retrieve-project-service-account
  update-project-service-account delete-project-service-account
  list-project-roles create-project-role retrieve-project-role update-project-role delete-project-role
  list-project-user-role-assignments assign-project-user-role retrieve-project-user-role unassign-project-user-role
  list-project-group-role-assignments assign-project-group-role retrieve-project-group-role unassign-project-group-role
  list-invites inviteUser retrieve-invite delete-invite
  admin-api-keys-list admin-api-keys-create admin-api-keys-get admin-api-keys-delete
  list-audit-logs
)

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check openai openapi-schema-validator pyyaml
fi
source "$root/.ci/lib.sh"
build_roster
key="sk-admin-conformance-$RANDOM$RANDOM"
start_roster "$key"
port=$roster_port
log="$(mktemp)"

set +e
"$venv/bin/python" "$tool" --base-url "http://127.0.0.1:$port/v1" --admin-key "$key" --verbose \
  >"$log.out" 2>&1
set -e
grep -E '^(PASS|FAIL) ' "$log.out" | sed 's/: .*//' >"$log.results" || true

missing=0
for op in "${served[@]}"; do
  if grep -qx "FAIL $op" "$log.results" || ! grep -qx "PASS $op" "$log.results"; then
    echo "NOT CONFORMING: $op"
    grep -E "^FAIL $op" "$log.out" || true
    missing=$((missing + 1))
  fi
done
pending=$(grep '^FAIL ' "$log.results" | grep -cvxF -f <(printf 'FAIL %s\n' "${served[@]}") || true)
echo "conformance tool, all reference operations: $(tail -n 1 "$log.out")"
echo "operations of later issues not served yet: $pending"
echo "served operations conforming:"
echo "$(( ${#served[@]} - missing )) passed, $missing failed"

set +e
"$venv/bin/python" "$tool" --base-url "http://127.0.0.1:$port/v1" --admin-key "$key" --family gateway --verbose \
  >"$log.gateway" 2>&1
gateway=$?
set -e
echo "conformance tool, gateway family: $(tail -n 1 "$log.gateway")"
if [ "$gateway" -ne 0 ]; then
  grep -E '^FAIL ' "$log.gateway" || cat "$log.gateway"
fi
[ "$missing" -eq 0 ] && [ "$gateway" -eq 0 ]
