#!/bin/bash
# Static checks over every C file of the tree: clang-format (the committed
# .clang-format), cppcheck and clang-tidy (the committed .clang-tidy).
#
# Usage: scripts/lint.sh BUILD_DIR    (a meson build dir: compile_commands.json)
#        scripts/lint.sh --self-test  (each check fails on a known defect)
#
# The files are every *.c/*.h git knows of, tracked or new (untracked but
# not ignored), so a new directory is checked without editing this script.
# A .c file clang-tidy cannot get compile flags for (not in
# compile_commands.json and not in TIDY_FLAGS below) is an error.
#
# A missing tool is an error when CI=true or VIGIL_STRICT=1 (set by
# scripts/run-tests.sh, which installs the tools).  Otherwise the other
# checks still run, and the test exits 77 (skip) after printing
# "SKIP-REASON: no-<tool>: ..." (see scripts/test-summary.py).
# Exit: 0 clean, 1 a finding or a missing tool under CI, 77 skipped.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)

CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
CPPCHECK=${CPPCHECK:-cppcheck}
CLANG_TIDY=${CLANG_TIDY:-clang-tidy}

# Compile flags for C files meson does not build (so they have no entry in
# compile_commands.json), by path prefix.  Keep them close to the command
# that really builds them.
declare -A TIDY_FLAGS=(
    # bench/run: cc -O2 -Wall -Wextra
    [bench/]="-std=gnu11 -D_GNU_SOURCE -Wall -Wextra"
    # tests/guest/kit.py: cc -static -O2 -std=gnu11 -Wall
    [tests/guest/]="-std=gnu11 -D_GNU_SOURCE -Wall"
    # tests/functional/acpi-guest/meson.build: a custom_target, -m32
    [tests/functional/acpi-guest/]="-m32 -ffreestanding -std=gnu11 -Wall -Wextra"
)

strict=0
if [ "${CI:-}" = true ] || [ "${VIGIL_STRICT:-0}" = 1 ]; then
    strict=1
fi
missing=()

# have TOOL KEY: is TOOL installed?  When it is not: an error under
# strict (return 2), else a skip reason (return 1).
have() {
    if command -v "$1" >/dev/null 2>&1; then
        return 0
    fi
    if [ $strict -eq 1 ]; then
        echo "lint: $1 is not installed (required under CI=true or" \
            "VIGIL_STRICT=1; scripts/install-deps.sh installs it)"
        return 2
    fi
    echo "SKIP-REASON: $2: $1 is not installed"
    missing+=("$1")
    return 1
}

# Every C source and header git knows of that exists in the worktree.
list_files() {
    local f
    if git rev-parse --git-dir >/dev/null 2>&1; then
        git ls-files --cached --others --exclude-standard -- '*.c' '*.h' |
            sort -u | while IFS= read -r f; do [ -f "$f" ] && echo "$f"; done
    else
        find . -name '*.[ch]' -not -path './build*' -not -path './.git/*' |
            sed 's|^\./||' | sort
    fi
}

# check_format FILE...: 1 if one is not clang-formatted.
check_format() {
    local f rc=0
    for f in "$@"; do
        if ! "$CLANG_FORMAT" --style=file:"$top/.clang-format" \
            --dry-run -Werror "$f" >/dev/null 2>&1; then
            echo "  not clang-formatted: $f"
            rc=1
        fi
    done
    return $rc
}

# check_cppcheck FILE...: 1 on any finding (or cppcheck failing).
check_cppcheck() {
    local out st
    out=$("$CPPCHECK" -q --library=gtk \
        --library="$top/scripts/cppcheck-vigil.cfg" \
        --enable=warning,performance,portability --std=c11 \
        -I "$top/include" --suppress=missingIncludeSystem --inline-suppr \
        --error-exitcode=1 -j2 "$@" 2>&1)
    st=$?
    if [ -n "$out" ] || [ $st -ne 0 ]; then
        echo "$out"
        return 1
    fi
    return 0
}

# The source files (relative to the top) that BUILD_DIR's
# compile_commands.json has a command for, one a line.
db_files() {
    python3 - "$1" "$top" <<'EOF'
import json, os, sys
with open(sys.argv[1], encoding="utf-8") as f:
    for e in json.load(f):
        path = os.path.realpath(os.path.join(e.get("directory", ""),
                                             e["file"]))
        rel = os.path.relpath(path, sys.argv[2])
        print(path if rel.startswith("..") else rel)
EOF
}

# tidy_flags FILE: the extra compile flags for FILE (from TIDY_FLAGS), or
# nothing when it is in IN_DB.  1 when neither has it.
declare -A IN_DB=()
tidy_flags() {
    local f=$1 prefix
    if [ -n "${IN_DB[$f]:-}" ]; then
        return 0
    fi
    for prefix in "${!TIDY_FLAGS[@]}"; do
        if [ "${f#"$prefix"}" != "$f" ]; then
            echo "${TIDY_FLAGS[$prefix]}"
            return 0
        fi
    done
    return 1
}

# check_tidy BUILD_DIR FILE...: 1 on any warning or error, or a file
# clang-tidy could not analyse.  BUILD_DIR may be empty (TIDY_FLAGS only).
check_tidy() {
    local build=$1 f flags rc=0 out
    shift
    IN_DB=()
    if [ -n "$build" ]; then
        while IFS= read -r f; do
            IN_DB[$f]=1
        done < <(db_files "$build/compile_commands.json")
    fi
    local in_db=() other=()
    for f in "$@"; do
        if ! flags=$(tidy_flags "$f"); then
            echo "  no compile command for $f (not built by meson: add" \
                "its flags to TIDY_FLAGS in scripts/lint.sh)"
            rc=1
        elif [ -z "$flags" ]; then
            in_db+=("$f")
        else
            other+=("$f")
        fi
    done
    # The build may use gcc-only flags (-Wshadow=local) and -Werror: keep
    # clang from turning them into errors, and fail on any error clang-tidy
    # reports, so that a file it could not analyse never passes silently.
    if [ ${#in_db[@]} -gt 0 ]; then
        out=$(printf '%s\n' "${in_db[@]}" |
            xargs -n4 -P2 "$CLANG_TIDY" -p "$build" --quiet \
                --config-file="$top/.clang-tidy" \
                --extra-arg=-Wno-unknown-warning-option \
                --extra-arg=-Wno-error 2>&1 |
            grep -E -A3 'warning:|error:|Error while processing')
        if [ -n "$out" ]; then
            echo "$out"
            rc=1
        fi
    fi
    for f in "${other[@]}"; do
        flags=$(tidy_flags "$f")
        # shellcheck disable=SC2086
        out=$("$CLANG_TIDY" --quiet --config-file="$top/.clang-tidy" "$f" \
            -- $flags -I"$top/include" 2>&1 |
            grep -E -A3 'warning:|error:|Error while processing')
        if [ -n "$out" ]; then
            echo "$out"
            rc=1
        fi
    done
    return $rc
}

# The self-test: each check must fail on a file with a known defect and
# pass on a clean one; a missing tool must fail under strict.
self_test() {
    local rc=0
    tmp=$(mktemp -d /tmp/vigil-lint-self-test.XXXXXX)
    trap 'rm -rf "$tmp"' EXIT
    cat >"$tmp/good.c" <<'EOF'
int good(int x);

int good(int x)
{
    return x + 1;
}
EOF
    printf 'int  bad( void ){return 0;}\n' >"$tmp/badformat.c"
    cat >"$tmp/badcppcheck.c" <<'EOF'
int bad(void);

int bad(void)
{
    int a[4] = {0};

    return a[4];
}
EOF
    cat >"$tmp/badtidy.c" <<'EOF'
int bad(int *p);

int bad(int *p)
{
    if (p) {
        return 0;
    }
    return *p;
}
EOF
    TIDY_FLAGS[$tmp/]="-std=gnu11"

    # expect WANT WHAT CMD...: run a check, compare its status with WANT.
    expect() {
        local want=$1 what=$2 st
        shift 2
        "$@" >"$tmp/out" 2>&1
        st=$?
        if [ "$st" -eq "$want" ]; then
            echo "ok: $what (status $st)"
        else
            echo "FAIL: $what: status $st, expected $want; output:"
            cat "$tmp/out"
            rc=1
        fi
    }
    expect 0 "clang-format passes a formatted file" check_format "$tmp/good.c"
    expect 1 "clang-format fails a misformatted file" \
        check_format "$tmp/badformat.c"
    expect 0 "cppcheck passes a clean file" check_cppcheck "$tmp/good.c"
    expect 1 "cppcheck fails an out-of-bounds read" \
        check_cppcheck "$tmp/badcppcheck.c"
    grep -q arrayIndexOutOfBounds "$tmp/out" ||
        { echo "FAIL: cppcheck did not name the defect"; rc=1; }
    expect 0 "clang-tidy passes a clean file" check_tidy "" "$tmp/good.c"
    expect 1 "clang-tidy fails a NULL dereference" \
        check_tidy "" "$tmp/badtidy.c"
    grep -q NullDereference "$tmp/out" ||
        { echo "FAIL: clang-tidy did not name the defect"; rc=1; }
    expect 1 "clang-tidy fails a file with no compile flags" \
        check_tidy "" nowhere/new.c
    # The same through a build's compile_commands.json.
    mkdir "$tmp/build"
    cat >"$tmp/build/compile_commands.json" <<EOF
[{"directory": "$tmp/build", "file": "../badtidy.c",
  "command": "cc -std=gnu11 -c ../badtidy.c"},
 {"directory": "$tmp/build", "file": "../good.c",
  "command": "cc -std=gnu11 -c ../good.c"}]
EOF
    unset 'TIDY_FLAGS[$tmp/]'
    expect 0 "clang-tidy passes a clean file (compile_commands.json)" \
        check_tidy "$tmp/build" "$tmp/good.c"
    expect 1 "clang-tidy fails a NULL dereference (compile_commands.json)" \
        check_tidy "$tmp/build" "$tmp/badtidy.c"
    grep -q NullDereference "$tmp/out" ||
        { echo "FAIL: clang-tidy did not name the defect"; rc=1; }
    strict=1 expect 2 "a missing tool fails under CI" have no-such-lint-tool k
    strict=0 expect 1 "a missing tool is a skip outside CI" \
        have no-such-lint-tool no-no-such-lint-tool
    grep -q '^SKIP-REASON: no-no-such-lint-tool: ' "$tmp/out" ||
        { echo "FAIL: no SKIP-REASON line for a missing tool"; rc=1; }
    # The real file list reaches every directory holding C code.
    local dirs
    dirs=$(list_files | grep '\.c$' | xargs -n1 dirname | sort -u)
    for d in dump bench tests/unit tests/qtest tests/fuzz; do
        echo "$dirs" | grep -qx "$d" ||
            { echo "FAIL: $d is not in the file list"; rc=1; }
    done
    [ $rc -eq 0 ] && echo "lint self-test: every check can fail"
    return $rc
}

if [ "${1:-}" = --self-test ]; then
    fail=0
    for t in "$CLANG_FORMAT" "$CPPCHECK" "$CLANG_TIDY"; do
        have "$t" "no-${t##*/}"
        case $? in 1) exit 77 ;; 2) fail=1 ;; esac
    done
    [ $fail -eq 1 ] && exit 1
    self_test
    exit $?
fi

build=${1:-build}
rc=0
mapfile -t all_files < <(list_files)
mapfile -t all_c < <(printf '%s\n' "${all_files[@]}" | grep '\.c$')
dirs=$(printf '%s\n' "${all_c[@]}" | xargs -n1 dirname | sort -u | xargs)
echo "lint: ${#all_files[@]} files, C code in: $dirs"

echo "lint: clang-format"
have "$CLANG_FORMAT" no-clang-format
case $? in
0) check_format "${all_files[@]}" || rc=1 ;;
2) rc=1 ;;
esac

echo "lint: cppcheck (${#all_c[@]} files)"
have "$CPPCHECK" no-cppcheck
case $? in
0) check_cppcheck "${all_c[@]}" || rc=1 ;;
2) rc=1 ;;
esac

echo "lint: clang-tidy (${#all_c[@]} files)"
have "$CLANG_TIDY" no-clang-tidy
case $? in
0)
    if [ ! -f "$build/compile_commands.json" ]; then
        echo "  no $build/compile_commands.json"
        rc=1
    else
        check_tidy "$build" "${all_c[@]}" || rc=1
    fi
    ;;
2) rc=1 ;;
esac

if [ $rc -ne 0 ]; then
    exit 1
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "lint: skipped (not installed: ${missing[*]})"
    exit 77
fi
echo "lint: clean"
exit 0
