#!/bin/sh
# Memcheck on a whole build of the shipped data: no read of uninitialised
# or unaddressable memory anywhere (the program's or, through it, the
# libraries'). Leaks are the sanitizer build's business (tests/lsan.supp).
# Usage: valgrind.sh VALGRIND CRPV
set -eu
valgrind=$1
crpv=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$valgrind" --quiet --error-exitcode=99 --num-callers=30 "$crpv" build --out "$out" >/dev/null
