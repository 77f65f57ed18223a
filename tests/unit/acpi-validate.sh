#!/bin/sh
# Validate the golden ACPI tables of one machine version
# (tests/data/acpi/<dir>/) with ACPICA, the same code Linux runs: iasl
# must disassemble every table without a complaint, and acpiexec must load
# each configuration and evaluate the pvpanic node (SCOPE.PEVT) to what
# the Linux driver and QEMU expect.  With PCI (SCOPE is not \_SB) it also
# evaluates the root bridge \_SB.PCI0 and fw_cfg's \_SB.PCI0.FWCF.
# test-acpi-tables proves the goldens are what Vigil builds today.
#
# Usage: acpi-validate.sh GOLDEN_DIR [SCOPE].  SCOPE is where the ISA
# devices live (default \_SB; \_SB.PCI0.S08 with PCI).  Every DSDT[.V]
# in GOLDEN_DIR is one configuration; V names the pvpanic port it must
# have ("...pvpanic-pci..." none, "...pvpanic-ioport-0x540..." 0x540,
# "...pvpanic..." 0x505, else none).  Needs iasl and acpiexec (Debian: acpica-tools); without them
# it fails rather than skips, so CI cannot pass by accident.
set -u
dir=${1:?usage: acpi-validate.sh GOLDEN_DIR [SCOPE]}
scope=${2:-\\_SB}
for t in iasl acpiexec; do
    command -v $t >/dev/null 2>&1 || {
        echo "acpi-validate: $t not found; install acpica-tools" >&2
        exit 1
    }
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

configs=
for f in "$dir"/DSDT "$dir"/DSDT.*; do
    [ -e "$f" ] || continue
    name=${f##*/DSDT}; name=${name#.}; [ -n "$name" ] || name=default
    case $name in
    *pvpanic-pci*) port=none ;; # no ACPI node, as in QEMU
    *pvpanic-ioport-0x540*) port=40_05 ;;
    *pvpanic*) port=05_05 ;;
    *) port=none ;;
    esac
    configs="$configs $name:$port"
done
[ -n "$configs" ] || { echo "acpi-validate: no DSDT in $dir"; exit 1; }
for v in $configs; do
    name=${v%%:*}; port=${v#*:}
    sfx=; [ "$name" = default ] || sfx=".$name"
    w="$tmp/$name"; mkdir -p "$w"
    for sig in DSDT FACP APIC XSDT FACS; do
        cp "$dir/$sig$sfx" "$w/$sig.dat" || { fail "$name: $sig missing"; continue; }
        out=$(cd "$w" && iasl -d "$sig.dat" 2>&1) || fail "$name: iasl -d $sig failed"
        # iasl annotates problems inside the .dsl (e.g. bad checksums).
        if echo "$out" | grep -qiE 'error|warning' ||
           grep -qiE 'incorrect|invalid|error|warning' "$w/$sig.dsl" 2>/dev/null; then
            fail "$name: iasl complains about $sig:"
            grep -iE 'incorrect|invalid|error|warning' "$w/$sig.dsl"
        fi
    done
    # acpiexec's own self-tests report AE_BAD_* for blocks this board
    # does not have (PM2, GPE); only the evaluations below matter.
    p="$scope.PEVT"
    cmds="evaluate $p._HID; evaluate $p._CRS; evaluate $p._STA; evaluate $p.RDPT; evaluate \\_S5_"
    if [ "$scope" != '\_SB' ]; then
        cmds="$cmds; evaluate \\_SB.PCI0._HID; evaluate \\_SB.PCI0._CRS; evaluate \\_SB.PCI0.FWCF._HID; evaluate \\_SB.PCI0.FWCF._CRS"
    fi
    res=$(cd "$w" && timeout 60 acpiexec -b "$cmds" DSDT.dat FACP.dat APIC.dat 2>&1)
    echo "$res" | grep -q 'tables successfully acquired and loaded' ||
        fail "$name: acpiexec did not load the tables"
    echo "$res" | grep -q '^ *\[Package\] Contains 4 Elements' ||
        fail "$name: \\_S5_ is not a 4-element package"
    if [ "$scope" != '\_SB' ]; then
        echo "$res" | grep -q '\[Integer\] = 00000000030AD041' ||
            fail "$name: \\_SB.PCI0._HID is not PNP0A03"
        echo "$res" | grep -qF 'Evaluation of \_SB.PCI0._CRS returned object' ||
            fail "$name: \\_SB.PCI0._CRS did not evaluate"
        echo "$res" | grep -q '\[String\] Length 08 = "QEMU0002"' ||
            fail "$name: \\_SB.PCI0.FWCF._HID is not \"QEMU0002\""
        echo "$res" | grep -qi "\[Buffer\] Length 0A = *0000: 47 01 10 05 10 05 01 0C 79 00" ||
            fail "$name: FWCF._CRS is not IO(Decode16, 0x510, 0x510, 1, 12)"
    fi
    if [ "$port" = none ]; then
        echo "$res" | grep -q 'QEMU0001' && fail "$name: PEVT present without pvpanic"
        [ $fails -eq 0 ] && echo "ok: $name"
        continue
    fi
    lo=${port%_*}; hi=${port#*_}
    echo "$res" | grep -q '\[String\] Length 08 = "QEMU0001"' ||
        fail "$name: _HID is not \"QEMU0001\""
    echo "$res" | grep -qi "\[Buffer\] Length 0A = *0000: 47 01 $lo $hi $lo $hi 01 01 79 00" ||
        fail "$name: _CRS is not IO(Decode16, 0x$hi$lo, 0x$hi$lo, 1, 1)"
    echo "$res" | grep -q '\[Integer\] = 000000000000000F' ||
        fail "$name: _STA is not 0x0F"
    echo "$res" | grep -qF "Evaluation of $p.RDPT returned object" ||
        fail "$name: RDPT did not evaluate"
    [ $fails -eq 0 ] && echo "ok: $name"
done
if [ $fails -ne 0 ]; then
    echo "acpi-validate: $fails failure(s)"
    exit 1
fi
echo "acpi-validate: all configurations valid"
