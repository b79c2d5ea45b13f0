# Assertions for the shell tests (sourced, POSIX sh). Each counts a pass or
# prints what failed; `finish` prints the totals and sets the exit status.
passes=0
failures=0

expect_exit() {  # expect_exit NAME EXPECTED ACTUAL
  if [ "$2" -eq "$3" ]; then passes=$((passes + 1)); else
    echo "FAIL: $1: exit $3, expected $2"; failures=$((failures + 1)); fi
}

expect_output() {  # expect_output NAME FILE EXTENDED_REGEX
  if grep -qE -- "$3" "$2"; then passes=$((passes + 1)); else
    echo "FAIL: $1: /$3/ not in:"; cat "$2"; failures=$((failures + 1)); fi
}

expect_text() {  # expect_text NAME FILE TEXT (fixed string)
  if grep -qF -- "$3" "$2"; then passes=$((passes + 1)); else
    echo "FAIL: $1: '$3' not in:"; cat "$2"; failures=$((failures + 1)); fi
}

expect_absent() {  # expect_absent NAME TEXT FILE...
  name=$1 text=$2; shift 2
  if grep -qF -- "$text" "$@"; then
    echo "FAIL: $name"; failures=$((failures + 1)); else passes=$((passes + 1)); fi
}

finish() {
  echo "$passes passed, $failures failed"
  [ "$failures" -eq 0 ]
}
