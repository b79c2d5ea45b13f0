#!/bin/sh
# packaging/sipsentry.service passes `systemd-analyze verify` (no warning at
# all) and keeps systemd's exposure score at 2.0 or less ("OK"), offline:
# no running systemd is needed. The unit's /usr/bin/sipsentry is replaced by
# the binary just built, since verify checks that ExecStart exists.
# Skips (77) where systemd-analyze is not installed.
# Usage: systemd_unit_test.sh SIPSENTRY UNIT
set -u
. "$(dirname "$0")/../assertions.sh"
sipsentry=$1
unit=$2
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed (Debian package systemd)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|/usr/bin/sipsentry|$sipsentry|g" "$unit" >"$work/sipsentry.service"

systemd-analyze verify --man=no "$work/sipsentry.service" >"$work/verify" 2>&1
expect_exit "systemd-analyze verify" 0 $?
if [ -s "$work/verify" ]; then
  echo "FAIL: systemd-analyze verify said:"; cat "$work/verify"; failures=$((failures + 1))
else
  passes=$((passes + 1))
fi

systemd-analyze security --offline=yes --threshold=20 "$work/sipsentry.service" >"$work/security" 2>&1
status=$?
expect_exit "exposure 2.0 or less" 0 $status
[ "$status" -eq 0 ] || cat "$work/security"

expect_output "runs the packaged configuration" "$unit" \
  '^ExecStart=/usr/bin/sipsentry run -c /etc/sipsentry/sipsentry.yaml$'
expect_output "reload is SIGHUP" "$unit" '^ExecReload=/bin/kill -HUP \$MAINPID$'
expect_output "passwords from an optional environment file" "$unit" \
  '^EnvironmentFile=-/etc/default/sipsentry$'
expect_output "no capabilities" "$unit" '^CapabilityBoundingSet=$'
finish
