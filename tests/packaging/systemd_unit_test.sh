#!/bin/sh
# packaging/sipsentry.service, and an instance of the template
# sipsentry@.service (one shard of the lines), pass `systemd-analyze verify`
# (no warning at all) and keep systemd's exposure score at 2.0 or less
# ("OK"), offline: no running systemd is needed. The units' /usr/bin/sipsentry
# is replaced by the binary just built, since verify checks that ExecStart
# exists. Skips (77) where systemd-analyze is not installed.
# Usage: systemd_unit_test.sh SIPSENTRY UNIT TEMPLATE SOURCE_DIR
set -u
. "$(dirname "$0")/../assertions.sh"
sipsentry=$1
unit=$2
template=$3
source_dir=$4
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed (Debian package systemd)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# verify_unit NAME: verify and exposure of $work/NAME (an instance of a
# template in $work too).
verify_unit() {
  systemd-analyze verify --man=no "$work/$1" >"$work/verify" 2>&1
  expect_exit "systemd-analyze verify $1" 0 $?
  if [ -s "$work/verify" ]; then
    echo "FAIL: systemd-analyze verify $1 said:"; cat "$work/verify"; failures=$((failures + 1))
  else
    passes=$((passes + 1))
  fi
  systemd-analyze security --offline=yes --threshold=20 "$work/$1" >"$work/security" 2>&1
  status=$?
  expect_exit "$1: exposure 2.0 or less" 0 $status
  [ "$status" -eq 0 ] || cat "$work/security"
}

sed "s|/usr/bin/sipsentry|$sipsentry|g" "$unit" >"$work/sipsentry.service"
verify_unit sipsentry.service
expect_output "runs the packaged configuration" "$unit" \
  '^ExecStart=/usr/bin/sipsentry run -c /etc/sipsentry/sipsentry.yaml$'
expect_output "reload is SIGHUP" "$unit" '^ExecReload=/bin/kill -HUP \$MAINPID$'
expect_output "reload first validates with the passwords required" "$unit" \
  '^ExecReload=/usr/bin/sipsentry validate --strict -c /etc/sipsentry/sipsentry.yaml$'
expect_output "passwords from an optional environment file" "$unit" \
  '^EnvironmentFile=-/etc/default/sipsentry$'
expect_output "no capabilities" "$unit" '^CapabilityBoundingSet=$'

# The template: shard 1 of 3 is the instance systemd-escape names for 1/3,
# and %I gives the shard back with its slash.
instance=$(systemd-escape --template sipsentry@.service 1/3)
expect_exit "systemd-escape names shard 1/3's instance sipsentry@1-3.service" 0 \
  "$([ "$instance" = "sipsentry@1-3.service" ]; echo $?)"
shard=$(systemd-escape --unescape --instance "$instance")
expect_exit "%I of $instance is 1/3" 0 "$([ "$shard" = "1/3" ]; echo $?)"
sed "s|/usr/bin/sipsentry|$sipsentry|g" "$template" >"$work/sipsentry@.service"
verify_unit "$instance"
expect_output "the template runs its shard with its own metrics address" "$template" \
  '^ExecStart=/usr/bin/sipsentry run -c /etc/sipsentry/sipsentry.yaml --shard %I --metrics-listen \$\{SIPSENTRY_METRICS_LISTEN\}$'
expect_output "each instance's own environment file, required" "$template" \
  '^EnvironmentFile=/etc/default/sipsentry@%i$'
expect_output "passwords from the shared environment file" "$template" \
  '^EnvironmentFile=-/etc/default/sipsentry$'
expect_output "template: reload is SIGHUP" "$template" '^ExecReload=/bin/kill -HUP \$MAINPID$'
expect_output "template: reload first validates its shard with the passwords required" \
  "$template" '^ExecReload=/usr/bin/sipsentry validate --strict -c /etc/sipsentry/sipsentry.yaml --shard %I$'
# The command line of the instance, as systemd expands it, is one sipsentry
# accepts: validate with the same --shard, and run's --metrics-listen.
RECEPTION_SIP_PASSWORD=x SALES_SIP_PASSWORD=x \
  "$sipsentry" validate --strict -c "$source_dir/config/sipsentry.yaml" --shard "$shard" >"$work/validate" 2>&1
expect_exit "sipsentry validate --strict --shard $shard" 0 $?
expect_output "validate lists shard $shard's lines" "$work/validate" '^shard 1/3: [0-9]+ of 2 lines$'
# The sandbox is the main unit's, line for line (from Restart= to the end).
sed -n '/^Restart=/,$p' "$unit" >"$work/unit.sandbox"
sed -n '/^Restart=/,$p' "$template" >"$work/template.sandbox"
if cmp -s "$work/unit.sandbox" "$work/template.sandbox"; then passes=$((passes + 1)); else
  echo "FAIL: the template's sandbox differs from sipsentry.service's:"
  diff "$work/unit.sandbox" "$work/template.sandbox"; failures=$((failures + 1))
fi
finish
