#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz with clang 14 under
# AddressSanitizer and UndefinedBehaviorSanitizer, in a build directory of
# their own, and runs each for a bounded time. Any finding (crash, broken
# invariant, sanitizer report, leak, timeout) fails the run and names the
# input that caused it. The seed corpus in the tree is only read: the
# corpus the fuzzer grows lives in BUILD_DIR/fuzz-work/TARGET/corpus.
#
#   tests/fuzz/run.sh [--seconds-per-target N] [--build-dir DIR] [TARGET...]
#
# TARGET is config_loader, response_path or duration_uri (default: all).
set -eu

seconds=60
build_dir=build-fuzz
while [ $# -gt 0 ]; do
  case $1 in
    --seconds-per-target) seconds=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
targets=${*:-config_loader response_path duration_uri}

cd "$(dirname "$0")/../.."
source_dir=$PWD
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSIPSENTRY_FUZZ=ON -DSIPSENTRY_BUILD_TESTS=OFF >/dev/null
for target in $targets; do
  cmake --build "$build_dir" --parallel "$(nproc)" --target "fuzz_$target"
done

# A sanitizer report ends the process, and libFuzzer then saves the input.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=0
for target in $targets; do
  work=$build_dir/fuzz-work/$target
  # The corpus carries over from run to run; the findings are this run's.
  rm -rf "$work/findings"
  mkdir -p "$work/corpus" "$work/findings"
  cp "$source_dir/tests/fuzz/corpus/$target"/* "$work/corpus/"
  # The loader's seeds are also the example configurations and the test data.
  [ "$target" = config_loader ] &&
    cp "$source_dir"/config/*.yaml "$source_dir"/tests/config/testdata/*.yaml "$work/corpus/"
  dict=
  [ -f "$source_dir/tests/fuzz/$target.dict" ] && dict=-dict=$source_dir/tests/fuzz/$target.dict
  echo "fuzz: $target for ${seconds}s"
  if ! "$build_dir/tests/fuzz/fuzz_$target" $dict -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 -artifact_prefix="$work/findings/" \
    "$work/corpus" >"$work/log" 2>&1; then
    tail -n 60 "$work/log" >&2
    echo "fuzz: FINDING in $target; input(s): $(ls "$work/findings"/* 2>/dev/null)" >&2
    echo "fuzz: replay with $build_dir/tests/fuzz/fuzz_$target INPUT" >&2
    failed=1
    continue
  fi
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|DONE' "$work/log" | sed "s/^/fuzz: $target: /"
done
exit $failed
