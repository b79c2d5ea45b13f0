#!/bin/sh
# The README's main-job command. Installs what sipsentry needs, builds it,
# checks the example configuration and prints what every line of it would do
# when its primary goes silent: the timeline computed by the engine itself.
# (The daemon against a demo pair of SIP servers on loopback replaces this
# once `sipsentry run` lands.)
set -eu

cd "$(dirname "$0")/.."
packaging/install-deps.sh

build_dir=${SIPSENTRY_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)" --target sipsentry

# The example names its passwords by environment variable; the demo's are fake.
export RECEPTION_SIP_PASSWORD=demo-only SALES_SIP_PASSWORD=demo-only

echo "== sipsentry validate -c config/sipsentry.yaml"
"$build_dir/src/sipsentry" validate -c config/sipsentry.yaml
echo
echo "== sipsentry plan -c config/sipsentry.yaml --scenario primary-silent"
"$build_dir/src/sipsentry" plan -c config/sipsentry.yaml --scenario primary-silent
