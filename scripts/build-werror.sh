#!/bin/bash
# Configure a build directory with warnings as errors, whatever it was
# configured with before, check that meson really says werror=true, then
# build it.  scripts/run-tests.sh (and so CI) builds only through this.
#
# Usage: scripts/build-werror.sh [--no-build] DIR [./configure options]
#        scripts/build-werror.sh --self-test
#
# ./configure runs "meson setup --reconfigure" on an existing directory,
# so -Dwerror=true replaces an earlier -Dwerror=false (or a directory
# configured by hand without it).  Exit 1 when werror is not on afterwards.
set -u
cd "$(dirname "$0")/.." || exit 1

# werror_of DIR: the werror option meson has for DIR ("true"/"false").
werror_of() {
    meson introspect "$1" --buildoptions 2>/dev/null | python3 -c '
import json, sys
opts = {o["name"]: o["value"] for o in json.load(sys.stdin)}
print(str(opts.get("werror", "missing")).lower())'
}

# configure_werror DIR OPTS...: (re)configure, then insist on werror=true.
configure_werror() {
    local dir=$1 got
    shift
    ./configure --builddir="$dir" --enable-werror "$@" || return 1
    got=$(werror_of "$dir")
    if [ "$got" != true ]; then
        echo "build-werror: $dir has werror=$got after configuring with" \
            "--enable-werror" >&2
        return 1
    fi
    echo "build-werror: $dir: werror=true"
}

self_test() {
    local tmp rc=0
    tmp=$(mktemp -d /tmp/vigil-werror-self-test.XXXXXX)
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    meson setup "$tmp/b" -Dwerror=false >/dev/null || return 1
    echo "before: werror=$(werror_of "$tmp/b")"
    if [ "$(werror_of "$tmp/b")" != false ]; then
        echo "FAIL: could not make a -Dwerror=false build dir"
        return 1
    fi
    configure_werror "$tmp/b" >/dev/null || rc=1
    echo "after: werror=$(werror_of "$tmp/b")"
    [ "$(werror_of "$tmp/b")" = true ] || rc=1
    # The flag really reaches the compiler.
    grep -q -- '-Werror' "$tmp/b/compile_commands.json" ||
        { echo "FAIL: no -Werror in compile_commands.json"; rc=1; }
    [ $rc -eq 0 ] && echo "build-werror self-test: an existing" \
        "-Dwerror=false build dir is switched to werror=true"
    return $rc
}

if [ "${1:-}" = --self-test ]; then
    self_test
    exit $?
fi
build=1
if [ "${1:-}" = --no-build ]; then
    build=0
    shift
fi
[ $# -ge 1 ] || { sed -n '2,10p' "$0"; exit 2; }
dir=$1
shift
configure_werror "$dir" "$@" || exit 1
[ $build -eq 1 ] || exit 0
exec ninja -C "$dir"
