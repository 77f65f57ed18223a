"""The libvirt cases of tests/functional/nested.py: Debian's libvirtd
drives the VMM under test (tests/guest/l1-libvirt.sh, virsh only) with the
domain LIBVIRT_DOMAIN, whose kernel and initrd are the L2 kit's; the checks
look at what libvirt reports: lifecycle events, `virsh domstate --reason`,
and the serial file."""

import os

import kit as guestkit
from nested_results import check_driver, expect

LIBVIRT_DOMAIN = os.path.join(guestkit.HERE, 'libvirt-domain.xml')


def virsh_out(r, *words):
    """Outputs of the case's `virsh WORDS...` runs (the domain name is
    the last word of the command and left out here)."""
    want = ' '.join(words)
    return [out for cmd, out, _ in r.virsh
            if cmd.rsplit(' ', 1)[0] == want]


PANIC_MESSAGE = 'Kernel panic - not syncing: sysrq triggered crash'


def libvirt_check(events, states, panicked=True):
    """A libvirt case's check: these lifecycle events in this order, these
    `virsh domstate --reason` answers; the driver bound at 0x505; when
    @panicked the guest's panic message on the serial file, else no
    "Crashed" event."""
    def check(r):
        p = []
        check_driver(p, r, '3')
        lines = [e.rsplit(': ', 1)[-1] for e in r.lv_events
                 if "event 'lifecycle'" in e]
        seen = iter(lines)
        expect(p, all(e in seen for e in events),
               'lifecycle events %s, expected in this order: %s'
               % (lines, events))
        got = [' / '.join(o) for o in virsh_out(r, 'domstate --reason')]
        expect(p, got == states,
               'domstate --reason said %s, expected %s' % (got, states))
        if panicked:
            expect(p, any(PANIC_MESSAGE in x for x in r.serial),
                   'no kernel panic message on the serial file')
        else:
            expect(p, not [x for x in lines if x.startswith('Crashed')],
                   'a Crashed event without a panic: %s' % lines)
        return p
    return check


# Case steps: l1-libvirt.sh's (virsh commands, waits for lifecycle events
# and console text); {name} is the domain's name.
CASES = {
    # libvirt drives the VMM: <panic model='isa'> and <on_crash>.  The
    # guest keeps its kernel messages (vigil.verbose=1) so that the panic
    # message reaches the serial file.
    'libvirt-panic-preserve': dict(
        libvirt=True, on_crash='preserve',
        guest='vigil.test=panic vigil.verbose=1',
        steps=['virsh start {name}', 'event Started',
               'event Crashed Panicked',
               'serial Kernel panic - not syncing',
               'virsh domstate --reason {name}', 'virsh destroy {name}',
               'event Stopped Destroyed',
               'virsh domstate --reason {name}', 'virsh undefine {name}'],
        check=libvirt_check(
            ['Started Booted', 'Crashed Panicked', 'Stopped Destroyed'],
            ['crashed (panicked)', 'shut off (destroyed)'])),
    'libvirt-panic-destroy': dict(
        libvirt=True, on_crash='destroy',
        guest='vigil.test=panic vigil.verbose=1',
        steps=['virsh start {name}', 'event Started',
               'event Crashed Panicked', 'event Stopped Crashed',
               'serial Kernel panic - not syncing',
               'virsh domstate --reason {name}', 'virsh undefine {name}'],
        check=libvirt_check(
            ['Started Booted', 'Crashed Panicked', 'Stopped Crashed'],
            ['shut off (crashed)'])),
    # The guest powers off (ACPI S5); <on_poweroff>destroy.
    'libvirt-guest-poweroff': dict(
        libvirt=True, on_crash='preserve', guest='vigil.test=poweroff',
        steps=['virsh start {name}', 'event Started',
               'event Stopped Shutdown',
               'virsh domstate --reason {name}', 'virsh undefine {name}'],
        check=libvirt_check(
            ['Started Booted', 'Shutdown Finished after guest request',
             'Stopped Shutdown'], ['shut off (shutdown)'], panicked=False)),
}


def case_text(env, name, case, which, files, l2_append):
    """The l1-libvirt.sh case list entry for @name (@env: nested.Env);
    its domain XML goes into @files ({path the runner sees: text})."""
    serial = '%s/%s.serial' % (env.work, name)
    xml_path = '%s/%s.xml' % ('/libvirt' if env.nested else env.work, name)
    emulator = env.vigil if which == 'vigil' else env.qemu[0]
    with open(LIBVIRT_DOMAIN) as f:
        template = f.read()
    files[xml_path] = template.format(
        type='kvm' if env.args.inner_accel == 'kvm' else 'qemu',
        name=name, kernel=env.kernel, initrd=env.initrd,
        cmdline='%s %s' % (l2_append, case['guest']),
        on_crash=case['on_crash'], emulator=emulator, serial=serial)
    lines = ['case ' + name, 'xml ' + xml_path, 'serial ' + serial,
             'timeout %d' % (case.get('timeout', 90) *
                             env.args.timeout_scale)]
    lines += ['step ' + st.replace('{name}', name)
              for st in case['steps']] + ['end', '']
    return '\n'.join(lines)


def direct_command(tmp, text, files):
    """Direct mode: write the case files into @tmp and return the
    runner's command line (as root, in a private mount namespace: the
    host's libvirt is left alone)."""
    if os.geteuid() != 0:
        raise guestkit.KitError('the libvirt cases start a libvirtd of '
                                'their own, which needs root')
    for path, data in files.items():
        with open(path, 'w') as f:
            f.write(data)
    cases = os.path.join(tmp, 'libvirt-cases.txt')
    with open(cases, 'w') as f:
        f.write(text)
    return ['sh', os.path.join(guestkit.HERE, 'l1-libvirt.sh'),
            '--private', cases, os.path.join(tmp, 'libvirt')]
