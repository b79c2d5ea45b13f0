#!/bin/sh
# The built binary as an operator runs it: exit codes and output of
# validate, plan, --help, --version and a wrong command line (spec.md §9).
# Usage: cli_test.sh SIPSENTRY SOURCE_DIR
set -u
sipsentry=$1
source_dir=$2
failures=0
passes=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

check() {  # check NAME EXPECTED_EXIT ACTUAL_EXIT
  if [ "$2" -eq "$3" ]; then passes=$((passes + 1)); else
    echo "FAIL: $1: exit $3, expected $2"; failures=$((failures + 1)); fi
}
contains() {  # contains NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then passes=$((passes + 1)); else
    echo "FAIL: $1: '$3' not in:"; cat "$2"; failures=$((failures + 1)); fi
}

export RECEPTION_SIP_PASSWORD=not-a-real-password SALES_SIP_PASSWORD=not-a-real-password
example="$source_dir/config/sipsentry.yaml"

"$sipsentry" validate -c "$example" >"$work/out" 2>"$work/err"
check "validate example" 0 $?
check "one line per SIP line" 2 "$(wc -l <"$work/out")"
contains "budgets shown" "$work/out" "reception: pbx-a udp 192.0.2.10:5060 (primary, budget 7.5s, sends 0s/500ms/1.5s/3.5s); pbx-b tcp 192.0.2.11:5060 (backup, budget 32s, sends 0s)"
if grep -q "$RECEPTION_SIP_PASSWORD" "$work/out" "$work/err"; then
  echo "FAIL: a password was printed"; failures=$((failures + 1)); fi

misspelt="$source_dir/tests/config/testdata/invalid-unknown-key.yaml"
"$sipsentry" validate -c "$misspelt" >"$work/out" 2>"$work/err"
check "validate misspelt key" 3 $?
contains "file:line:column and suggestion" "$work/err" "$misspelt:2:3: error: unknown key 'keepalive_intervall' in 'defaults'; did you mean 'keepalive_interval'?"

"$sipsentry" plan -c "$example" --line reception --scenario primary-503 >"$work/out" 2>&1
check "plan one line" 0 $?
contains "plan failover" "$work/out" "0:00:00.000  FAILOVER pbx-a -> pbx-b (REGISTER, status_503, detected in 0s)"

"$sipsentry" plan -c "$example" --line nobody >"$work/out" 2>"$work/err"
check "plan unknown line" 3 $?
"$sipsentry" plan -c "$example" --scenario primary-on-fire >/dev/null 2>&1
check "plan unknown scenario" 3 $?
"$sipsentry" --help >"$work/out" 2>&1
check "--help" 0 $?
contains "--help lists validate" "$work/out" "validate"
"$sipsentry" --version >"$work/out" 2>&1
check "--version" 0 $?
contains "--version" "$work/out" "sipsentry "
"$sipsentry" validate >/dev/null 2>&1
check "missing -c" 3 $?
"$sipsentry" frobnicate >/dev/null 2>&1
check "unknown command" 3 $?

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
