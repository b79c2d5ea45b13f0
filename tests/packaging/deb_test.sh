#!/bin/sh
# The Debian package end to end, on this machine: cpack builds it, dpkg
# installs it (maintainer scripts without a running systemd), every file is
# where the unit expects it, a local edit of the configuration survives an
# upgrade to a newer version, `dpkg -r` removes the binary and keeps the
# configuration, `dpkg -P` removes that too. The system is left as found.
# Needs root and dpkg: skips (77) otherwise, and when a sipsentry package is
# already installed (it is not this test's to replace).
# Usage: deb_test.sh BUILD_DIR
set -u
build=$1
. "$(dirname "$0")/../assertions.sh"

skip() { echo "SKIP: $1"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "installing a package needs root"
for tool in dpkg dpkg-deb dpkg-query cpack man; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done
if dpkg-query -W -f '${db:Status-Status}' sipsentry 2>/dev/null | grep -qv '^not-installed$'; then
  skip "a sipsentry package is already on this machine; this test installs and purges its own"
fi

work=$(mktemp -d)
cleanup() {
  if dpkg-query -W sipsentry >/dev/null 2>&1; then dpkg -P sipsentry >/dev/null 2>&1; fi
  rm -rf "$work"
}
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive

# The package, and a copy of it one Debian revision newer: the upgrade.
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/cpack" >"$work/cpack.log" 2>&1
expect_exit "cpack -G DEB" 0 $?
deb=$(ls "$work"/cpack/sipsentry_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { cat "$work/cpack.log"; finish; exit 1; }
version=$(dpkg-deb -f "$deb" Version)
dpkg-deb -R "$deb" "$work/newer"
sed -i "s/^Version: .*/Version: $version+upgrade/" "$work/newer/DEBIAN/control"
dpkg-deb --root-owner-group -b "$work/newer" "$work/newer.deb" >/dev/null
expect_exit "the newer revision is built" 0 $?
# Every library the binary needs comes from a package it depends on.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in $(objdump -p "$build/src/sipsentry" | awk '/NEEDED/ {print $2}'); do
  path=$(ldconfig -p | awk -v lib="$lib" '$1 == lib {print $NF; exit}')
  package=$( (dpkg -S "$path" || dpkg -S "/usr$path") 2>/dev/null | head -n 1 | cut -d: -f1)
  case ", $depends" in
    *", $package "* | *", $package,"* | *", $package") passes=$((passes + 1)) ;;
    *) echo "FAIL: $lib comes from '$package', not in Depends: $depends"
       failures=$((failures + 1)) ;;
  esac
done

# Debian's own checks, where lintian is installed (it is not a dependency).
if command -v lintian >/dev/null; then
  lintian --fail-on error,warning "$deb" >"$work/lintian" 2>&1
  expect_exit "lintian finds no error or warning" 0 $?
  grep -E "^[EW]:" "$work/lintian"
else
  echo "note: lintian is not installed; not run"
fi

dpkg -i "$deb" </dev/null >"$work/install.log" 2>&1
expect_exit "dpkg -i without a running systemd" 0 $?
[ $failures -eq 0 ] || cat "$work/install.log"
expect_exit "installed" 0 "$(dpkg-query -W -f '${Status}' sipsentry | grep -qx 'install ok installed'; echo $?)"

# Every file the unit names is where it says.
unit=/lib/systemd/system/sipsentry.service
[ -f "$unit" ]
expect_exit "the unit is in /lib/systemd/system" 0 $?
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
binary=${exec_start%% *}
config=$(echo "$exec_start" | sed -n 's/.* -c \([^ ]*\).*/\1/p')
env_file=$(sed -n 's/^EnvironmentFile=-//p' "$unit")
expect_exit "ExecStart's $binary is installed" 0 "$([ -x "$binary" ]; echo $?)"
"$binary" --version >"$work/version" 2>&1
expect_exit "$binary --version" 0 $?
expect_output "the version is the package's" "$work/version" "^sipsentry ${version%%-*}"
expect_exit "the configuration $config is installed" 0 "$([ -f "$config" ]; echo $?)"
RECEPTION_SIP_PASSWORD=x SALES_SIP_PASSWORD=x "$binary" validate -c "$config" >"$work/validate" 2>&1
expect_exit "the installed configuration is valid" 0 $?
expect_exit "the environment file $env_file is installed" 0 "$([ -f "$env_file" ]; echo $?)"
stat -c '%a %U' "$env_file" >"$work/mode"
expect_text "only root reads the environment file" "$work/mode" "600 root"
expect_output "man sipsentry" "$(man -w sipsentry >"$work/man8" 2>&1; echo "$work/man8")" \
  "^/usr/share/man/man8/sipsentry\.8\.gz$"
expect_output "man sipsentry.yaml" "$(man -w 5 sipsentry.yaml >"$work/man5" 2>&1; echo "$work/man5")" \
  "^/usr/share/man/man5/sipsentry\.yaml\.5\.gz$"
for file in grafana/sipsentry-dashboard.json prometheus/sipsentry-alerts.yml; do
  expect_exit "/usr/share/sipsentry/$file" 0 "$([ -f "/usr/share/sipsentry/$file" ]; echo $?)"
done
dpkg-query -W -f '${Conffiles}\n' sipsentry >"$work/conffiles"
expect_output "the configuration is a conffile" "$work/conffiles" "^ /etc/sipsentry/sipsentry\.yaml "
expect_output "the environment file is a conffile" "$work/conffiles" "^ /etc/default/sipsentry "
template=/lib/systemd/system/sipsentry@.service
expect_exit "the shard template is in /lib/systemd/system" 0 "$([ -f "$template" ]; echo $?)"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" >"$work/verify" 2>&1
  expect_exit "systemd-analyze verify $unit" 0 $?
  expect_absent "systemd-analyze has nothing to say" "$unit" "$work/verify"
  systemd-analyze verify sipsentry@1-2.service >"$work/verify" 2>&1
  expect_exit "systemd-analyze verify sipsentry@1-2.service" 0 $?
  expect_absent "systemd-analyze has nothing to say of the template" "sipsentry@" "$work/verify"
fi

# The upgrade keeps the local edit (dpkg would ask on stdin if it did not
# know what to do: there is none).
echo "# edited by deb_test" >>"$config"
dpkg -i "$work/newer.deb" </dev/null >"$work/upgrade.log" 2>&1
expect_exit "dpkg -i of the newer revision" 0 $?
expect_text "upgraded" "$(dpkg-query -W -f '${Version}\n' sipsentry >"$work/v"; echo "$work/v")" \
  "$version+upgrade"
expect_text "the local edit survived the upgrade" "$config" "# edited by deb_test"

dpkg -r sipsentry </dev/null >"$work/remove.log" 2>&1
expect_exit "dpkg -r" 0 $?
expect_exit "the binary is gone" 1 "$([ -e "$binary" ]; echo $?)"
expect_exit "the unit is gone" 1 "$([ -e "$unit" ]; echo $?)"
expect_exit "the template is gone" 1 "$([ -e "$template" ]; echo $?)"
expect_exit "the manual page is gone" 1 "$([ -e /usr/share/man/man8/sipsentry.8.gz ]; echo $?)"
expect_text "the configuration stays after dpkg -r" "$config" "# edited by deb_test"

dpkg -P sipsentry </dev/null >"$work/purge.log" 2>&1
expect_exit "dpkg -P" 0 $?
expect_exit "the configuration is gone" 1 "$([ -e "$config" ]; echo $?)"
expect_exit "/etc/sipsentry is gone" 1 "$([ -e /etc/sipsentry ]; echo $?)"
expect_exit "the environment file is gone" 1 "$([ -e "$env_file" ]; echo $?)"
expect_exit "no mask left behind" 1 "$([ -e /etc/systemd/system/sipsentry.service ] ||
  [ -L /etc/systemd/system/sipsentry.service ]; echo $?)"
ls /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
  2>/dev/null | grep sipsentry >"$work/state"
expect_absent "no deb-systemd-helper state left behind" "sipsentry" "$work/state"
expect_exit "dpkg has forgotten the package" 1 "$(dpkg-query -W sipsentry >/dev/null 2>&1; echo $?)"
finish
