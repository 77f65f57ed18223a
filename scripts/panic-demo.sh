#!/bin/sh
# The README's main command: install what is needed, build Vigil, boot
# Debian's own kernel under Vigil on KVM, panic it, and print the QMP
# GUEST_PANICKED event exactly as a QMP client receives it.
#
# Where the host has hardware virtualization (vmx/svm) Vigil runs the guest
# directly.  Otherwise (this project's CI machines) Debian's QEMU boots the
# same kernel as an L1 guest under TCG with nested SVM, and Vigil runs inside
# L1 on a real /dev/kvm (docs/system/nested.rst).  Everything is cached in
# the build directory; a second run only boots.
#
#   scripts/panic-demo.sh    BUILD_DIR=DIR (default build) picks the build
#                            directory; SKIP_DEPS=1 skips install-deps.sh
set -e
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}

if [ "${SKIP_DEPS:-0}" != 1 ]; then
    sh scripts/install-deps.sh >&2
fi
if [ ! -f "$build/build.ninja" ]; then
    ./configure --builddir="$build" >&2
fi
ninja -C "$build" vigil >&2
exec python3 tests/functional/nested.py --vigil "$build/vigil" \
    --build-dir "$build" --demo --log "$build/panic-demo.log"
