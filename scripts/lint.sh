#!/bin/bash
# Static checks over Vigil's own C code: clang-format (the committed
# .clang-format), cppcheck and clang-tidy (the committed .clang-tidy).
# Usage: scripts/lint.sh BUILD_DIR   (a meson build dir: compile_commands.json)
set -u
cd "$(dirname "$0")/.."
build=${1:-build}
rc=0

mapfile -t all_c < <(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
mapfile -t lib_c < <(printf '%s\n' "${all_c[@]}" | grep -E '^(hw|system|monitor|chardev|qobject|util|accel|dump)/.*\.c$')

echo "lint: clang-format (${#all_c[@]} files)"
for f in "${all_c[@]}"; do
    if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "  not clang-formatted: $f"
        rc=1
    fi
done

echo "lint: cppcheck"
out=$(cppcheck -q --library=gtk --library=scripts/cppcheck-vigil.cfg \
    --enable=warning,performance,portability --std=c11 -I include \
    --suppress=missingIncludeSystem --inline-suppr -j2 \
    hw system monitor chardev qobject util accel 2>&1)
if [ -n "$out" ]; then
    echo "$out"
    rc=1
fi

echo "lint: clang-tidy (${#lib_c[@]} files)"
if [ ! -f "$build/compile_commands.json" ]; then
    echo "  no $build/compile_commands.json"
    rc=1
fi
# The build may use gcc-only flags (-Wshadow=local) and -Werror: keep
# clang from turning them into errors, and fail on any error clang-tidy
# reports, so that a file it could not analyse never passes silently.
out=$(printf '%s\n' "${lib_c[@]}" |
    xargs -n4 -P2 clang-tidy -p "$build" --quiet \
        --extra-arg=-Wno-unknown-warning-option \
        --extra-arg=-Wno-error 2>&1 |
    grep -E -A3 'warning:|error:|Error while processing')
if [ -n "$out" ]; then
    echo "$out"
    rc=1
fi

[ $rc -eq 0 ] && echo "lint: clean"
exit $rc
