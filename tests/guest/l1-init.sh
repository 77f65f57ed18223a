#!/bin/sh
# /init of the nested L1 guest (booted by Debian's QEMU under TCG with SVM):
# loads kvm-amd, then runs the test cases in /cases.txt with qmp-case, which
# starts the VMM under test on /dev/kvm for each case and prints markers on
# this console (see tests/guest/qmp-case.c), and those in /libvirt/cases.txt
# with l1-libvirt.sh (libvirtd drives the VMM).  Powers off when done.
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t debugfs debugfs /sys/kernel/debug # KVM exit counters

echo "L1 BOOT uptime=$(cut -d' ' -f1 /proc/uptime)"
for m in irqbypass kvm kvm-amd; do
    insmod /lib/modules/$m.ko || echo "L1 INSMOD-FAILED $m"
done
if [ -c /dev/kvm ]; then
    echo "L1 KVM ok npt=$(cat /sys/module/kvm_amd/parameters/npt)"
else
    echo "L1 KVM missing"
fi
echo "L1 CASES uptime=$(cut -d' ' -f1 /proc/uptime)"
cd /tmp || exit
rc=0
if [ -s /cases.txt ]; then
    /bin/qmp-case /cases.txt || rc=1
fi
# A libvirt group (kit.py's libvirt layer): libvirtd drives the VMM.
if [ -f /libvirt/cases.txt ]; then
    mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm
    /bin/l1-libvirt /libvirt/cases.txt /tmp/libvirt || rc=1
fi
echo "L1 DONE rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
poweroff -f
