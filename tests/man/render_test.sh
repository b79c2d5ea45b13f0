#!/bin/sh
# Renders an installed-form manual page (gzipped) as man(1) does, with
# groff's warnings on: any warning on stderr, a placeholder the build did not
# fill in, or a page without its NAME section fails.
# Usage: render_test.sh PAGE.gz
set -u
. "$(dirname "$0")/../assertions.sh"
page=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l "$page" >"$work/out" 2>"$work/err"
expect_exit "man renders $page" 0 $?
if [ -s "$work/err" ]; then
  echo "FAIL: rendering warnings:"; cat "$work/err"; failures=$((failures + 1))
else
  passes=$((passes + 1))
fi
expect_output "NAME section" "$work/out" "^NAME$"
expect_output "the version is filled in" "$work/out" "sipsentry [0-9]+\.[0-9]+"
grep -o '@[A-Z_]*@' "$work/out" >"$work/placeholders"
expect_absent "no @PLACEHOLDER@ left" "@" "$work/placeholders"
finish
