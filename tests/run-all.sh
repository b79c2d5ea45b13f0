#!/bin/sh
# The README's test command: installs every dependency, builds sipsentry with
# its tests, and runs every test through ctest; then builds the unit tests
# again under AddressSanitizer and UndefinedBehaviorSanitizer and runs them.
# Last, each libFuzzer target of tests/fuzz runs for SIPSENTRY_FUZZ_SECONDS
# (60 s by default; 0 skips it). Run it as root on Debian 12.
# SIPSENTRY_SANITIZE=0 skips the sanitizer pass.
set -eu

cd "$(dirname "$0")/.."
packaging/install-deps.sh

build_dir=${SIPSENTRY_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build_dir" --parallel "$(nproc)"
(cd "$build_dir" && ctest --output-on-failure --parallel "$(nproc)" "$@")

fuzz() {
  fuzz_seconds=${SIPSENTRY_FUZZ_SECONDS:-60}
  [ "$fuzz_seconds" = 0 ] && return 0
  tests/fuzz/run.sh --seconds-per-target "$fuzz_seconds" --build-dir "${build_dir}-fuzz"
}
[ "${SIPSENTRY_SANITIZE:-1}" = 0 ] && { fuzz; exit; }
# The unit tests only: they are deterministic, where the integration tests'
# timing tolerances are not meant for a binary slowed down by the sanitizers;
# and the hostile-server test (label sanitize), made for this build.
sanitize_dir=${build_dir}-sanitize
cmake -S . -B "$sanitize_dir" -DCMAKE_BUILD_TYPE=Debug -DSIPSENTRY_SANITIZE=ON
cmake --build "$sanitize_dir" --parallel "$(nproc)" --target \
  sipsentry engine_tests config_tests daemon_tests metrics_tests cli_tests sip_tests resolve_tests \
  status_tests
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd "$sanitize_dir" && ctest --output-on-failure --parallel "$(nproc)" -L '^(unit|sanitize)$' -E '^(man|alerts|packaging)\.')
fuzz
