#!/bin/sh
# /init of the L2 test guest: a Debian kernel plus busybox, booted by the VMM
# under test.  It loads the pvpanic driver, reports what the driver sees on
# the serial console as "VL2 ..." lines, then does what the kernel command
# line asks:
#   vigil.test=panic        echo c > /proc/sysrq-trigger (the default)
#   vigil.test=poweroff     poweroff -f (ACPI S5)
#   vigil.test=reboot       reboot -f
#   vigil.test=powerbutton  wait for the ACPI power button, then poweroff -f
#   vigil.test=idle         report and wait forever
#   vigil.events=N          first write N to the driver's sysfs "events"
#   vigil.verbose=1         keep kernel messages (panic backtrace) on the console
#   vigil.dmesg=1           print the kernel log (dmesg) before the action
#   vigil.dmesg=REGEX       only its lines that match (grep -E)
#   vigil.kallsyms=1        print the kernel's text symbols ("VL2 KSYM addr
#                           name"), to name the guest addresses L1 traced
#                           (boot with nokaslr; slow: minutes nested)
#   vigil.pci=1             print the PCI bus as the kernel sees it ("VL2 PCI
#                           bdf vendor:device class rev driver BARs"), the
#                           pvpanic-pci and fw_cfg bindings, and the release
# Every console byte is a port exit through two levels of virtualisation,
# so the output is kept to a few short lines.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

cmdline=$(cat /proc/cmdline)
arg() {
    for w in $cmdline; do
        case "$w" in "vigil.$1="*) echo "${w#*=}"; return ;; esac
    done
}
test=$(arg test)
events=$(arg events)

echo "VL2 BOOT"
echo "VL2 CPUS $(grep -c ^processor /proc/cpuinfo)"
qemu0001=no
for h in /sys/bus/acpi/devices/*/hid; do
    [ "$(cat "$h" 2>/dev/null)" = QEMU0001 ] && qemu0001=yes
done
echo "VL2 QEMU0001 $qemu0001"

insmod /lib/modules/pvpanic.ko
insmod /lib/modules/pvpanic-mmio.ko
# The PCI transport binds by ID; qemu_fw_cfg binds to ACPI QEMU0002 and
# hands the VMM the address of the kernel's VMCOREINFO (etc/vmcoreinfo).
insmod /lib/modules/pvpanic-pci.ko
insmod /lib/modules/qemu_fw_cfg.ko
dev=/sys/bus/platform/devices/QEMU0001:00
if [ -e $dev/driver ]; then
    echo "VL2 BOUND yes"
    echo "VL2 CAPABILITY $(cat $dev/capability)"
    echo "VL2 EVENTS $(cat $dev/events)"
    echo "VL2 IOPORT $(grep QEMU0001 /proc/ioports | sed 's/^ *//;s/ .*//')"
else
    echo "VL2 BOUND no"
fi
if [ -n "$events" ]; then
    echo "$events" > $dev/events && echo "VL2 EVENTS-WRITTEN $(cat $dev/events)" ||
        echo "VL2 EVENTS-WRITE-FAILED $events"
fi

# One line per PCI function: its IDs, class, revision, driver and every
# resource that is set, as "index:start:end:flags" (sysfs "resource").
pci_report() {
    echo "VL2 RELEASE $(uname -r)"
    for d in /sys/bus/pci/devices/*; do
        [ -e "$d/vendor" ] || continue
        drv=-
        [ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
        bars='' i=0
        while read -r s e f; do
            [ "$((s))" = 0 ] ||
                bars="$bars $i:$(printf 0x%x:0x%x:0x%x $((s)) $((e)) $((f)))"
            i=$((i + 1))
        done <"$d/resource"
        echo "VL2 PCI ${d##*/} $(cat "$d/vendor"):$(cat "$d/device")" \
            "$(cat "$d/class") $(cat "$d/revision") $drv$bars"
    done
    bound=
    for b in /sys/bus/pci/drivers/pvpanic-pci/0000:*; do
        [ -e "$b" ] || continue
        bound="$bound${bound:+ }${b##*/}"
        [ -e "$b/capability" ] &&
            echo "VL2 PCI-CAPABILITY $(cat "$b/capability")"
    done
    echo "VL2 PVPANIC-PCI ${bound:-no}"
    # Debian's lspci when the kit has it (pciutils on the host).
    if [ -x /usr/bin/lspci ]; then
        /usr/bin/lspci -vv -nn 2>&1 | while IFS= read -r l; do
            echo "VL2 LSPCI $l"
        done
    fi
    fw=no
    [ -e /sys/bus/platform/drivers/fw_cfg/QEMU0002:00 ] && fw=QEMU0002:00
    echo "VL2 FW-CFG $fw rev=$(cat /sys/firmware/qemu_fw_cfg/rev 2>/dev/null)"
    [ -e /sys/firmware/qemu_fw_cfg/by_name/etc/vmcoreinfo ] &&
        echo "VL2 FW-CFG-VMCOREINFO yes"
}
[ "$(arg pci)" = 1 ] && pci_report

dm=$(arg dmesg)
case "$dm" in
"") ;;
1) dmesg ;;
*) dmesg | grep -E "$dm" ;;
esac
[ "$(arg kallsyms)" = 1 ] &&
    sed -n 's/^\([0-9a-f]*\) [tT] \([^ 	]*\)$/VL2 KSYM \1 \2/p' /proc/kallsyms
[ "$(arg verbose)" = 1 ] || echo 0 > /proc/sys/kernel/printk
echo "VL2 ACTION ${test:=panic}"
case "$test" in
panic)
    echo c > /proc/sysrq-trigger ;;
poweroff)
    poweroff -f ;;
reboot)
    reboot -f ;;
powerbutton)
    insmod /lib/modules/button.ko
    insmod /lib/modules/evdev.ko
    n=0
    for d in /sys/class/input/event*; do
        [ "$(cat "$d/device/name" 2>/dev/null)" = "Power Button" ] || continue
        # Open the device here, before saying we wait: evdev drops events
        # for clients that have not opened it yet, and the host presses
        # the button as soon as it reads the line below.
        fd=$((3 + n))
        eval "exec $fd<\"/dev/input/${d##*/}\"" || continue
        (eval "dd of=/dev/null bs=24 count=1 <&$fd" 2>/dev/null &&
            echo "VL2 POWER-BUTTON" && poweroff -f) &
        n=$((n + 1))
    done
    echo "VL2 WAITING-POWER-BUTTON $n" ;;
esac
# init must never exit: that would panic the guest.
while :; do sleep 3600; done
