#!/bin/bash
# The whole test suite, from a fresh Debian 12 machine (root):
#   1. install the packages (scripts/install-deps.sh, idempotent)
#   2. build with -Werror and run every tier: unit, qtest, diff (against
#      Debian's QEMU 7.2), functional (tiny guests on /dev/kvm) and nested
#      (a Debian kernel booted by Vigil under KVM; nested under TCG where
#      the host has no hardware virtualization)
#   3. an ASan+UBSan build runs the unit and qtest tiers again
#   4. the qtest tier once more with Vigil under valgrind (leaks fail)
# Ends with "N passed, N failed, N skipped" over all of the above.
# Options: --quick (skip steps 3 and 4), --suite NAME (repeatable).
#
# Gating (docs/devel/testing.rst): every build directory is reconfigured
# with -Dwerror=true and checked (scripts/build-werror.sh), however it was
# configured before; VIGIL_STRICT=1 makes a missing lint tool a failure
# (scripts/lint.sh) and a skip count as failed unless the test printed a
# "SKIP-REASON: <key>: ..." that is true on this machine
# (scripts/test-summary.py).
set -u
cd "$(dirname "$0")/.." || exit 1

quick=0
suites=()
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) quick=1 ;;
    --suite) shift; suites+=("--suite" "$1") ;;
    *) echo "run-tests: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
# No --suite: every test meson knows, so a test in a new suite (docs,
# layers, ...) cannot be left out of CI by forgetting to list it here.

logs=()
status=0
export VIGIL_STRICT=1

step() { printf '\n=== %s ===\n' "$*"; }

step "dependencies"
bash scripts/install-deps.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

build() { # build DIR CONFIGURE-ARGS...: always with warnings as errors
    bash scripts/build-werror.sh "$@"
}

step "build (build/, -Werror)"
if ! build build; then
    echo "build failed"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi

step "tests: ${suites[*]:-all}"
meson test -C build --no-rebuild --print-errorlogs --num-processes 2 \
    ${suites[@]+"${suites[@]}"} || status=1
cp build/meson-logs/testlog.json build/meson-logs/testlog-main.json 2>/dev/null
logs+=(build/meson-logs/testlog-main.json)

if [ $quick -eq 0 ]; then
    step "ASan+UBSan build (build-asan/): unit, qtest, fuzz replay, soak, functional"
    if build build-asan --enable-sanitizers; then
        VIGIL_TEST_NO_RSS_CHECKS=1 \
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        meson test -C build-asan --no-rebuild --print-errorlogs \
            --num-processes 2 --suite unit --suite qtest --suite fuzz \
            --suite soak --suite functional || status=1
        logs+=(build-asan/meson-logs/testlog.json)
    else
        echo "sanitizer build failed"; status=1
        logs+=(/nonexistent-asan-build-log.json)
    fi

    step "qtest tier with Vigil under valgrind (definite leaks fail)"
    QTEST_WRAPPER="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99" \
    meson test -C build --no-rebuild --print-errorlogs --num-processes 2 \
        --suite qtest --logbase testlog-valgrind --timeout-multiplier 4 || status=1
    logs+=(build/meson-logs/testlog-valgrind.json)
fi

step "summary"
python3 scripts/test-summary.py --strict "${logs[@]}"
rc=$?
[ $rc -ne 0 ] && status=1
exit $status
