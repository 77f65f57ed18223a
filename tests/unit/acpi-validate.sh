#!/bin/sh
# Validate the golden ACPI tables (tests/data/acpi/pc/) with ACPICA, the
# same code Linux runs: iasl must disassemble every table without a
# complaint, and acpiexec must load each configuration and evaluate the
# pvpanic node (\_SB.PEVT) to what the Linux driver and QEMU expect.
# test-acpi-tables proves the goldens are what Vigil builds today.
#
# Usage: acpi-validate.sh GOLDEN_DIR.  Needs iasl and acpiexec
# (Debian: acpica-tools); without them it fails rather than skips, so CI
# cannot pass by accident.
set -u
dir=${1:?usage: acpi-validate.sh GOLDEN_DIR}
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

# variant  expected pvpanic port (hex bytes lo hi, or "none")
for v in default:none pvpanic:05_05 pvpanic-ioport-0x540:40_05 \
         serial-pvpanic:05_05 smp2:none; do
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
    res=$(cd "$w" && timeout 60 acpiexec -b 'evaluate \_SB.PEVT._HID; evaluate \_SB.PEVT._CRS; evaluate \_SB.PEVT._STA; evaluate \_SB.PEVT.RDPT; evaluate \_S5_' DSDT.dat FACP.dat APIC.dat 2>&1)
    echo "$res" | grep -q 'tables successfully acquired and loaded' ||
        fail "$name: acpiexec did not load the tables"
    echo "$res" | grep -q '^ *\[Package\] Contains 4 Elements' ||
        fail "$name: \\_S5_ is not a 4-element package"
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
    echo "$res" | grep -q 'Evaluation of \\_SB.PEVT.RDPT returned object' ||
        fail "$name: RDPT did not evaluate"
    [ $fails -eq 0 ] && echo "ok: $name"
done
if [ $fails -ne 0 ]; then
    echo "acpi-validate: $fails failure(s)"
    exit 1
fi
echo "acpi-validate: all configurations valid"
