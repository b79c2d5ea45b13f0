# Helpers of the `sipsentry check` tests (sourced after lib.sh).

# The password of every line, and of the test registrars.
password=s3cret

# expect_json NAME FILE JQ_FILTER: the filter holds (jq -e) on the file.
expect_json() {
  if jq -e "$3" "$2" >/dev/null 2>&1; then passes=$((passes + 1)); else
    echo "FAIL: $1: jq '$3' does not hold on:"; cat "$2"; failures=$((failures + 1)); fi
}

# run_check NAME CONFIG [ARGS…]: runs the check with the lines' password in
# the environment; stdout in $work/NAME.out, stderr in $work/NAME.err, exit
# status in $status.
run_check() {
  check_name=$1 check_config=$2; shift 2
  LINE_PASSWORD=$password "$sipsentry" check -c "$check_config" "$@" \
    >"$work/$check_name.out" 2>"$work/$check_name.err"
  status=$?
}

# line_yaml NAME USER PRIMARY_PORT BACKUP_PORT: one line of two UDP servers
# on loopback, `primary` and `backup`.
line_yaml() {
  cat <<YAML
  - name: $1
    user: "$2"
    password_env: LINE_PASSWORD
    servers:
      - {name: primary, address: 127.0.0.1, port: $3, expires: 60}
      - {name: backup, address: 127.0.0.1, port: $4, expires: 60}
YAML
}

# config_head: loopback only, T1 100 ms (a 1.5 s budget for the primary,
# 6.4 s for the backup).
config_head() {
  printf 'sip: {bind: "127.0.0.1:0"}\ndefaults:\n  timers: {t1: 100ms}\nlines:\n'
}
