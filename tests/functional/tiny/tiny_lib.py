"""Shared plumbing of the tiny-guest cases (tiny-test.py, tiny_panic.py):
the QMP client, one Vigil process on /dev/kvm, and small checks."""
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True   # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'pylib'))
import vigiltest as vt  # noqa: E402


SKIP = 77


# The shared QMP client (tests/pylib/vigiltest.py); its failures are Fail.
Fail = vt.TestFailure


class QMP(vt.QmpConn):
    """The shared QMP client with this test's calling convention: events
    are kept in order as they arrive, cmd() returns the "return" value
    (an error reply raises Fail), event(NAME) waits for the next NAME."""

    def __init__(self, path, timeout=10):
        super().__init__(vt.unix_connect(path, timeout))
        self.negotiate(timeout)

    def cmd(self, name, timeout=10, **args):
        return self.execute(name, args or None, timeout)

    def event(self, name, timeout=15):
        """Next event called @name (earlier ones are consumed)."""
        return self.wait_event(name, timeout)


class Vigil:
    def __init__(self, ctx, args):
        self.dir = tempfile.mkdtemp(prefix='vigil-tiny-')
        self.qmp_path = os.path.join(self.dir, 'qmp.sock')
        self.serial = os.path.join(self.dir, 'serial.log')
        # -S: the guest panics within milliseconds, and QMP drops events
        # until capabilities are negotiated; start it once we listen.
        cmd = [ctx.vigil, '-S', '-accel', 'kvm', '-M', 'pc', '-m', '64',
               '-display', 'none', '-nodefaults',
               '-device', 'pvpanic', '-serial', 'file:' + self.serial,
               '-qmp', 'unix:%s,server=on,wait=off' % self.qmp_path] + args
        self.stderr = open(os.path.join(self.dir, 'stderr'), 'w+')
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.stderr, stderr=self.stderr)
        try:
            self.qmp = QMP(self.qmp_path)
            self.qmp.cmd('cont')
        except Fail as e:
            self.kill()
            raise Fail('vigil did not start (%s): %s' % (e, self.log()))

    def log(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def serial_text(self):
        return vt.file_text(self.serial)

    def wait_serial(self, pred, what, timeout=10):
        vt.wait_file(self.serial, pred, 'serial: ' + what, timeout)

    def wait_exit(self, timeout=10):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Fail('vigil did not exit')

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def quit(self):
        try:
            self.qmp.cmd('quit')
        except Fail:
            pass
        status = self.wait_exit()
        if status != 0:
            raise Fail('exit status %d after quit' % status)


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def panicked(vm, action):
    ev = vm.qmp.event('GUEST_PANICKED')
    expect(ev['data'] == {'action': action}, 'GUEST_PANICKED data %r' % ev)
