#!/bin/sh
# The built binary as an operator runs it: exit codes and output of
# validate, plan, --help, --version and a wrong command line (spec.md §9).
# Usage: cli_test.sh SIPSENTRY SOURCE_DIR
set -u
sipsentry=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../assertions.sh"

example="$source_dir/config/sipsentry.yaml"

# Without the password variables, as on a fresh clone or in a pipeline:
# validate and plan send no password, so they warn at each password_env and
# succeed; --strict, run and check refuse the file.
without_secrets() { env -u RECEPTION_SIP_PASSWORD -u SALES_SIP_PASSWORD "$sipsentry" "$@"; }
unset_reception="$example:51:19: warning: 'password_env': environment variable 'RECEPTION_SIP_PASSWORD' is not set"
unset_sales="$example:65:19: warning: 'password_env': environment variable 'SALES_SIP_PASSWORD' is not set"
without_secrets validate -c "$example" >"$work/out" 2>"$work/err"
expect_exit "validate without passwords" 0 $?
expect_text "validate warns at the first password_env" "$work/err" "$unset_reception"
expect_text "validate warns at the second password_env" "$work/err" "$unset_sales"
expect_exit "two warnings, nothing else on stderr" 2 "$(wc -l <"$work/err")"
expect_exit "validate still lists both lines" 2 "$(wc -l <"$work/out")"
without_secrets validate -c "$example" --strict >"$work/out" 2>"$work/err"
expect_exit "validate --strict without passwords" 3 $?
expect_text "--strict: the warning is an error" "$work/err" \
  "$example:51:19: error: 'password_env': environment variable 'RECEPTION_SIP_PASSWORD' is not set"
expect_absent "--strict: no warning left" "warning:" "$work/err"
without_secrets plan -c "$example" --scenario primary-silent >"$work/out" 2>"$work/err"
expect_exit "plan without passwords" 0 $?
expect_text "plan warns too" "$work/err" "$unset_reception"
expect_text "plan prints the failover" "$work/out" "FAILOVER pbx-a -> pbx-b"
without_secrets plan -c "$example" --scenario primary-silent --strict >"$work/out" 2>"$work/err"
expect_exit "plan --strict without passwords" 3 $?
without_secrets run -c "$example" >"$work/out" 2>"$work/err"
expect_exit "run without passwords" 3 $?
expect_text "run: the password is an error" "$work/err" \
  "$example:51:19: error: 'password_env': environment variable 'RECEPTION_SIP_PASSWORD' is not set"
without_secrets check -c "$example" >"$work/out" 2>"$work/err"
expect_exit "check without passwords" 3 $?
expect_text "check: the password is an error" "$work/err" \
  "$example:65:19: error: 'password_env': environment variable 'SALES_SIP_PASSWORD' is not set"

export RECEPTION_SIP_PASSWORD=not-a-real-password SALES_SIP_PASSWORD=not-a-real-password

"$sipsentry" validate -c "$example" >"$work/out" 2>"$work/err"
expect_exit "validate example" 0 $?
expect_exit "one line per SIP line" 2 "$(wc -l <"$work/out")"
expect_text "budgets shown" "$work/out" "reception: pbx-a udp 192.0.2.10:5060 (primary, budget 7.5s, sends 0s/500ms/1.5s/3.5s); pbx-b tcp 192.0.2.11:5060 (backup, budget 32s, sends 0s)"
expect_text "a name without a port is resolved by SRV" "$work/out" "sales: edge-1 tls sip1.example.com (resolved by DNS SRV/NAPTR, RFC 3263) (primary, budget 4s"
expect_absent "no password printed" "$RECEPTION_SIP_PASSWORD" "$work/out" "$work/err"
expect_absent "no warning when the passwords are set" "warning:" "$work/err"

misspelt="$source_dir/tests/config/testdata/invalid-unknown-key.yaml"
"$sipsentry" validate -c "$misspelt" >"$work/out" 2>"$work/err"
expect_exit "validate misspelt key" 3 $?
expect_text "file:line:column and suggestion" "$work/err" "$misspelt:2:3: error: unknown key 'keepalive_intervall' in 'defaults'; did you mean 'keepalive_interval'?"

# reception's servers are IP addresses: nothing to resolve, no DNS asked.
"$sipsentry" plan -c "$example" --line reception --resolve >"$work/out" 2>&1
expect_exit "plan --resolve without names" 0 $?
expect_text "plan --resolve says there is nothing to resolve" "$work/out" \
  "  no server is resolved by DNS SRV (each has a port or an IP address)"

"$sipsentry" plan -c "$example" --line reception --scenario primary-503 >"$work/out" 2>&1
expect_exit "plan one line" 0 $?
expect_text "plan failover" "$work/out" "0:00:00.000  FAILOVER pbx-a -> pbx-b (REGISTER, status_503, detected in 0s)"

"$sipsentry" plan -c "$example" --line nobody >"$work/out" 2>"$work/err"
expect_exit "plan unknown line" 3 $?
"$sipsentry" plan -c "$example" --scenario primary-on-fire >/dev/null 2>&1
expect_exit "plan unknown scenario" 3 $?
# --shard K/N: the two shards of the example list its two lines between
# them, each once, and say how many they took.
for shard in 1/2 2/2; do
  "$sipsentry" validate -c "$example" --shard "$shard" >"$work/shard-${shard%/*}" 2>&1
  expect_exit "validate --shard $shard" 0 $?
  expect_output "validate --shard $shard says what it took" "$work/shard-${shard%/*}" \
    "^shard $shard: [0-2] of 2 lines\$"
done
cat "$work/shard-1" "$work/shard-2" | sed -n 's/^\([a-z]*\): .*/\1/p' | sort >"$work/sharded"
expect_exit "the shards list reception and sales once each" 0 \
  "$(printf 'reception\nsales\n' | cmp -s - "$work/sharded"; echo $?)"
for bad in 0/2 3/2 1/0 2 x/2; do
  "$sipsentry" validate -c "$example" --shard "$bad" >"$work/out" 2>"$work/err"
  expect_exit "validate --shard $bad" 3 $?
  expect_output "--shard $bad: one line that says why" "$work/err" "^--shard: invalid shard '$bad': "
done
"$sipsentry" check -c "$example" --shard 4/2 >"$work/out" 2>&1
expect_exit "check --shard 4/2" 3 $?
# Both lines of the example hash to shard 2 of 2: shard 1 has nothing to
# check, which is unknown (3), never OK.
"$sipsentry" check -c "$example" --shard 1/2 >"$work/out" 2>&1
expect_exit "check of a shard without lines" 3 $?
expect_text "check says the shard is empty" "$work/out" \
  "UNKNOWN: shard 1/2: none of the 2 lines of $example is in this shard, nothing to check"
"$sipsentry" run -c "$example" --metrics-listen 9730 >"$work/out" 2>"$work/err"
expect_exit "run --metrics-listen without a host" 3 $?
expect_text "--metrics-listen says why" "$work/err" "--metrics-listen: expected HOST:PORT, got '9730'"

"$sipsentry" --help >"$work/out" 2>&1
expect_exit "--help" 0 $?
expect_text "--help lists validate" "$work/out" "validate"
"$sipsentry" --version >"$work/out" 2>&1
expect_exit "--version" 0 $?
expect_text "--version" "$work/out" "sipsentry "
"$sipsentry" validate >/dev/null 2>&1
expect_exit "missing -c" 3 $?
"$sipsentry" frobnicate >/dev/null 2>&1
expect_exit "unknown command" 3 $?

finish
