#!/bin/sh
# Install the Debian 12 packages Vigil needs to build and to run its whole
# test suite.  Idempotent: does nothing (and touches no network) when all
# packages are already present.  Needs root (or sudo) and Debian's archive.
set -e

PKGS="
  gcc clang llvm libclang-rt-14-dev make meson ninja-build pkg-config
  libglib2.0-dev libjansson-dev nettle-dev libpcre2-dev lz4
  zlib1g-dev liblzo2-dev libsnappy-dev makedumpfile crash
  libc6-dev python3 socat valgrind gdb cppcheck clang-tidy clang-format
  qemu-system-x86 acpica-tools busybox-static cpio pciutils
  linux-image-cloud-amd64
  libvirt-daemon-driver-qemu libvirt-daemon libvirt-clients
"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
