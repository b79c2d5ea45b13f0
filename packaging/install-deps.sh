#!/bin/sh
# Installs every package sipsentry needs to build, test and run its demo,
# from Debian's archive. Idempotent: when everything is already installed it
# only checks and returns (no apt-get update). chromium drives the status
# page in its browser test; fonts-dejavu-core is named so that the page's
# screenshot (docs/status-page.png) is drawn in the same font everywhere
# (fontconfig would take any of several).
set -eu

PACKAGES="
  cmake g++ make pkg-config
  libsofia-sip-ua-dev libcli11-dev libyaml-cpp-dev libcivetweb-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev
  kamailio kamailio-tls-modules sip-tester prometheus openssl
  procps iproute2 curl python3 python3-yaml man-db groff-base dpkg-dev strace
  systemd lintian jq bc
  nftables
  clang-14 libclang-rt-14-dev
  libc-ares-dev dnsmasq-base
  chromium fonts-dejavu-core
  libssl-dev
"

missing=""
for package in $PACKAGES; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing="$missing $package"
done

if [ -z "$missing" ]; then
  echo "install-deps: all build and test dependencies are installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages:$missing" >&2
  echo "install-deps: run as root (sudo $0) to install them" >&2
  exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086  # the list is meant to split into words
apt-get install -y -q --no-install-recommends $missing
