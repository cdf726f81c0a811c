#!/usr/bin/env bash
# The CPU backend's OpenBLAS kernels: on a CPU with AVX2/AVX-512 that this OpenBLAS does not know,
# irfa must not stay on the generic kernels; an OPENBLAS_CORETYPE set by the user must be kept.
# Usage: blas_kernels.sh IRFA_BIN
set -euo pipefail
irfa=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
core_of() { sed -n 's/.*OpenBLAS (\([A-Za-z0-9]*\) kernels).*/\1/p' | tr 'A-Z' 'a-z'; }

flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
has() { [[ " $flags " == *" $1 "* ]]; }
auto=$(env -u OPENBLAS_CORETYPE "$irfa" devices | core_of)
[[ -n "$auto" ]] || fail "irfa devices names no OpenBLAS kernels"
echo "kernels chosen with OPENBLAS_CORETYPE unset: $auto"
if has avx512f && has avx512bw && has avx512vl && has avx512dq && has avx512cd; then
  case "$auto" in skylakex|cooperlake|sapphirerapids) ;; *) fail "an AVX-512 CPU runs '$auto' kernels" ;; esac
elif has avx2 && has fma; then
  case "$auto" in haswell|zen|skylakex|cooperlake|sapphirerapids) ;; *) fail "an AVX2 CPU runs '$auto' kernels" ;; esac
fi

kept=$(OPENBLAS_CORETYPE=Prescott "$irfa" devices | core_of)
[[ "$kept" == prescott ]] || fail "OPENBLAS_CORETYPE=Prescott was not kept (got '$kept')"
# A command's own exit status and output survive the re-execution.
set +e
env -u OPENBLAS_CORETYPE "$irfa" bench --no-such-option 2>/tmp/irfa_blas_$$.err
rc=$?
set -e
grep -q "unknown option '--no-such-option'" /tmp/irfa_blas_$$.err || { rm -f /tmp/irfa_blas_$$.err; fail "the re-executed command lost its arguments"; }
rm -f /tmp/irfa_blas_$$.err
[[ $rc -eq 2 ]] || fail "exit status $rc after re-execution, expected 2"
