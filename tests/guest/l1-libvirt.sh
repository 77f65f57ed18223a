#!/bin/sh
# l1-libvirt.sh: libvirt drives the VMM under test.  Starts a libvirtd of
# its own (Debian's libvirt 9.0, qemu driver), runs the cases of CASEFILE
# with virsh only, prints what it sees as line markers, stops libvirtd.
#
# Runs inside the nested L1 guest (l1-init.sh starts it when the image has
# /libvirt/cases.txt; tests/guest/kit.py copies libvirtd, virsh, the qemu
# connection driver and their libraries in) and, on hosts with hardware
# KVM, directly: `l1-libvirt.sh --private ...` as root re-runs itself in a
# private mount namespace with tmpfs over libvirt's config and state
# directories, so the host's libvirt is neither read nor touched.
#
# Usage: l1-libvirt.sh [--private] CASEFILE WORKDIR
#
# Case file (one directive a line):
#   case NAME            start a case; NAME is the domain's name
#   xml PATH             the domain XML
#   serial PATH          the file the domain's serial port writes to
#   timeout SECONDS      limit for the whole case (default 120)
#   step virsh ARGS      run `virsh ARGS` (words, no quoting); a non-zero
#                        exit status fails the case
#   step event TEXT      wait for a lifecycle event line containing TEXT
#   step serial TEXT     wait until the serial file contains TEXT
#   end                  run the case
# Each case first starts `virsh event --loop` (lifecycle events) and
# defines the domain; whatever the steps leave behind is destroyed and
# undefined at the end.
#
# Markers (t = seconds since the case started, or since this script
# started for LIBVIRTD lines):
#   LIBVIRTD START|READY|STOPPED t=T ...     LIBVIRTD FAIL reason
#   LIBVIRTD LOG| <libvirtd log line, when it did not start>
#   CASE name START
#   VIRSH name t=T $ virsh ARGS   VIRSH name| output   VIRSH name t=T rc=N
#   STEP name t=T <step> ok|FAIL
#   EVENT name| <lifecycle event line>
#   SERIAL name| <guest console line>
#   STDERR name| <domain log line: the emulator's command line and stderr>
#   LVLOG name| <libvirtd log line: errors and monitor traffic; failures only>
#   CASE name TIME seconds
#   CASE name RESULT PASS|FAIL reason

if [ "$1" = --private ]; then
    shift
    # shellcheck disable=SC2016 # expanded by the inner shell
    exec unshare -m --propagation private sh -c '
        for d in /etc/libvirt /run/libvirt /var/lib/libvirt \
                 /var/cache/libvirt /var/log/libvirt; do
            mkdir -p "$d" && mount -t tmpfs vigil-libvirt "$d" || exit 1
        done
        exec sh "$0" "$@"' "$0" "$@"
fi

CASES=$1
WORK=$2
export PATH="$PATH:/usr/sbin:/sbin"
URI=qemu:///system
LOG=$WORK/libvirtd.log
# The libvirtd log lines a failed case shows: errors, warnings, QMP traffic
# and how libvirt started and stopped the emulator.
LVLOG_LINES=' error : |warning : |QEMU_MONITOR_(IO_WRITE|RECV_(REPLY|EVENT))'
LVLOG_LINES="$LVLOG_LINES|qemuProcessLaunch|virCommandRun|Killing"
PIDFILE=$WORK/libvirtd.pid
set -f # virsh arguments are words, never patterns

now_s() { cut -d' ' -f1 /proc/uptime; }
T0=$(now_s)
since() { awk -v t0="$1" '{ printf "%.2f", $1 - t0 }' /proc/uptime; }

setup() {
    mkdir -p /etc/libvirt /run/libvirt /var/lib/libvirt/qemu/dump \
        /var/cache/libvirt/qemu /var/log/libvirt/qemu "$WORK" || return 1
    # What the test needs from libvirt, nothing more: no privilege
    # separation, no security driver, no cgroups or namespaces, and the
    # emulator's stdout/stderr straight to the domain log (no virtlogd).
    cat > /etc/libvirt/qemu.conf <<EOF
user = "root"
group = "root"
security_driver = "none"
dynamic_ownership = 0
stdio_handler = "file"
cgroup_controllers = [ ]
namespaces = [ ]
auto_dump_path = "/var/lib/libvirt/qemu/dump"
EOF
    LOG_CAPS=1:qemu.qemu_capabilities
    cat > /etc/libvirt/libvirtd.conf <<EOF
log_filters = "1:qemu.qemu_monitor 1:qemu.qemu_process $LOG_CAPS 3:*"
log_outputs = "1:file:$LOG"
EOF
}

start_libvirtd() {
    echo "LIBVIRTD START t=$(since "$T0") $(libvirtd --version 2>&1)"
    rm -f "$PIDFILE" "$LOG"
    libvirtd --daemon --config /etc/libvirt/libvirtd.conf \
        --pid-file="$PIDFILE" < /dev/null
    rc=$?
    if [ $rc != 0 ]; then
        echo "LIBVIRTD FAIL libvirtd --daemon exited $rc"
        return 1
    fi
    n=0
    until virsh -c "$URI" uri < /dev/null > /dev/null 2>&1; do
        n=$((n + 1))
        if [ $n -ge 150 ]; then
            echo "LIBVIRTD FAIL no connection to $URI after 30 s"
            return 1
        fi
        sleep 0.2
    done
    echo "LIBVIRTD READY t=$(since "$T0") pid=$(cat "$PIDFILE")"
}

stop_libvirtd() {
    pid=$(cat "$PIDFILE" 2> /dev/null)
    [ -n "$pid" ] || return
    kill -TERM "$pid"
    n=0
    while [ -d "/proc/$pid" ] && [ $n -lt 50 ]; do
        sleep 0.2
        n=$((n + 1))
    done
    if [ -d "/proc/$pid" ]; then
        kill -KILL "$pid"
        echo "LIBVIRTD STOPPED t=$(since "$T0") killed"
    else
        echo "LIBVIRTD STOPPED t=$(since "$T0")"
    fi
}

# ---- one case ---------------------------------------------------------------

left() { awk -v d="$deadline" '{ s = int(d - $1); print (s > 1 ? s : 1) }' \
    /proc/uptime; }
expired() { awk -v d="$deadline" '{ exit !($1 >= d) }' /proc/uptime; }

fail() { [ -n "$failed" ] || failed=$*; }

vsh() {
    echo "VIRSH $name t=$(since "$t0") \$ virsh $*"
    out=$(timeout "$(left)" virsh -c "$URI" "$@" 2>&1 < /dev/null)
    rc=$?
    printf '%s\n' "$out" | tr -d '\r' | while IFS= read -r l; do
        [ -n "$l" ] && echo "VIRSH $name| $l"
    done
    echo "VIRSH $name t=$(since "$t0") rc=$rc"
    return $rc
}

# wait_for FILE TEXT [SECONDS]: until FILE contains TEXT, the case's
# deadline or SECONDS have passed.
wait_for() {
    until_t=$(awk -v s="${3:-100000}" '{ print $1 + s }' /proc/uptime)
    while ! grep -qF -- "$2" "$1" 2> /dev/null; do
        expired && return 1
        awk -v u="$until_t" '{ exit !($1 >= u) }' /proc/uptime && return 1
        sleep 0.2
    done
}

run_step() {
    verb=${1%% *}
    arg=${1#* }
    case "$verb" in
    virsh)
        # shellcheck disable=SC2086 # words, by design
        vsh $arg || { fail "virsh $arg: exit status $rc"; return 1; } ;;
    event)
        wait_for "$events" "$arg" || { fail "no event '$arg'"; return 1; } ;;
    serial)
        wait_for "$serial" "$arg" ||
            { fail "'$arg' not on the serial port"; return 1; } ;;
    *)
        fail "unknown step '$1'"
        return 1 ;;
    esac
}

quiet() { "$@" < /dev/null > /dev/null 2>&1; }

print_file() { # TAG FILE
    [ -f "$2" ] || return
    tr -d '\r' < "$2" | cut -c1-2000 | while IFS= read -r l; do
        echo "$1 $name| $l"
    done
}

run_case() {
    t0=$(now_s)
    deadline=$(awk -v s="$timeout" '{ print $1 + s }' /proc/uptime)
    failed=
    events=$WORK/$name.events
    echo "CASE $name START"
    log0=$(wc -l < "$LOG" 2> /dev/null || echo 0)
    : > "$events"
    virsh -c "$URI" event --loop --event lifecycle --timestamp \
        > "$events" 2>&1 < /dev/null &
    evpid=$!
    # The "Defined" event shows that the event stream is connected; the
    # first define also probes the emulator, which gives it time.
    for try in 1 2 3; do
        vsh define "$xml" || { fail "virsh define: exit status $rc"; break; }
        wait_for "$events" Defined 10 && break
        vsh undefine "$name" > /dev/null
        [ $try = 3 ] && fail "no Defined event: no event stream"
    done
    if [ -z "$failed" ]; then
        while IFS= read -r s; do
            if run_step "$s"; then r=ok; else r=FAIL; fi
            echo "STEP $name t=$(since "$t0") $s $r"
            [ $r = ok ] || break
        done < "$WORK/$name.steps"
    fi
    # Leave nothing behind for the next case.
    deadline=$(awk '{ print $1 + 30 }' /proc/uptime)
    if quiet virsh -c "$URI" domstate "$name"; then
        quiet timeout 20 virsh -c "$URI" destroy "$name"
        quiet timeout 20 virsh -c "$URI" undefine "$name"
    fi
    sleep 0.3 # the last events
    kill "$evpid" 2> /dev/null
    wait "$evpid" 2> /dev/null
    print_file EVENT "$events"
    print_file SERIAL "$serial"
    print_file STDERR "/var/log/libvirt/qemu/$name.log"
    if [ -n "$failed" ]; then
        tail -n "+$((log0 + 1))" "$LOG" 2> /dev/null |
            grep -E "$LVLOG_LINES" |
            cut -c1-400 | tail -n 80 | while IFS= read -r l; do
            echo "LVLOG $name| $l"
        done
    fi
    echo "CASE $name TIME $(since "$t0")"
    if [ -n "$failed" ]; then
        echo "CASE $name RESULT FAIL $failed"
        return 1
    fi
    echo "CASE $name RESULT PASS"
}

# ---- main -------------------------------------------------------------------

setup || { echo "LIBVIRTD FAIL cannot create libvirt's directories"; exit 1; }
if ! start_libvirtd; then
    tail -n 40 "$LOG" 2> /dev/null | sed 's/^/LIBVIRTD LOG| /'
    stop_libvirtd
    exit 1
fi
status=0
name=
while IFS= read -r line; do
    key=${line%% *}
    val=${line#* }
    case "$key" in
    case)
        name=$val xml='' serial='' timeout=120
        : > "$WORK/$name.steps" ;;
    xml) xml=$val ;;
    serial) serial=$val ;;
    timeout) timeout=$val ;;
    step) echo "$val" >> "$WORK/$name.steps" ;;
    end) run_case || status=1 ;;
    esac
done < "$CASES"
stop_libvirtd
exit $status
