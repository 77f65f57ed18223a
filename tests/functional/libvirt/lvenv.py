"""A libvirtd of the test's own, driven with virsh only.

Debian 12's libvirt 9.0 (packages libvirt-daemon-driver-qemu,
libvirt-daemon, libvirt-clients, installed by scripts/install-deps.sh) runs
as the privileged daemon: its paths (/run/libvirt, /var/lib/libvirt,
/var/cache/libvirt, /etc/libvirt/qemu.conf) are compiled in, so the test
needs root and no other libvirtd may run.  There is no systemd here: the
daemon is started with --daemon and a pid file of ours, and exactly that
pid is stopped at the end.

What the environment changes on the machine, and puts back:
- /etc/libvirt/qemu.conf: ours while the daemon runs (root, no security
  driver, no cgroups/namespaces, stdio_handler="file", a private
  auto_dump_path); a file that was there before is restored afterwards.
- the libvirt-qemu user and group, which libvirtd 9.0 insists on even when
  qemu.conf says root; created once, left (as the package would).
Everything else (domain XML, serial files, dumps, the daemon's debug log)
lives in a temporary directory.

For development only, VIGIL_TEST_LIBVIRTD=CONF,PIDFILE,LOG reuses a
libvirtd that is already running with that --config and --pid-file (and
logs to LOG): nothing is installed or restored, dumps go to the
auto_dump_path of the qemu.conf in place.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'pylib'))
from vigiltest import TestFailure as Fail, check  # noqa: E402,F401

QEMU_CONF = '/etc/libvirt/qemu.conf'
MARKER = '# written by Vigil tests/functional/libvirt (lvenv.py)\n'
PIDFILE = '/run/vigil-test-libvirtd.pid'
URI = 'qemu:///system'
CAPS_DIR = '/var/cache/libvirt/qemu/capabilities'
PREFIX = 'vigil-lt-'       # every domain the suite defines


def missing_tools():
    return [t for t in ('libvirtd', 'virsh') if not shutil.which(t)]


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def _comm(pid):
    try:
        with open('/proc/%d/comm' % pid) as f:
            return f.read().strip()
    except OSError:
        return ''


class Libvirtd:
    """Start with .start(), always end with .stop() (restores qemu.conf)."""

    def __init__(self, keep_dir=False):
        self.dir = tempfile.mkdtemp(prefix='vigil-libvirt-')
        os.chmod(self.dir, 0o755)
        self.dump_dir = os.path.join(self.dir, 'dump')
        os.mkdir(self.dump_dir)
        self.log = os.path.join(self.dir, 'libvirtd.log')
        self.conf = os.path.join(self.dir, 'libvirtd.conf')
        self.saved_conf = None
        self.pid = 0
        self.keep_dir = keep_dir
        self.external = False
        self.pidfile = PIDFILE

    # -- machine set-up ---------------------------------------------------
    def _ensure_user(self):
        if subprocess.run(['getent', 'group', 'libvirt-qemu'],
                          stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(['groupadd', '--system', 'libvirt-qemu'],
                           check=True)
        if subprocess.run(['getent', 'passwd', 'libvirt-qemu'],
                          stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(['useradd', '--system', '-g', 'libvirt-qemu',
                            '-d', '/var/lib/libvirt', '-s',
                            '/usr/sbin/nologin', 'libvirt-qemu'], check=True)

    def _write_qemu_conf(self):
        os.makedirs(os.path.dirname(QEMU_CONF), exist_ok=True)
        if os.path.exists(QEMU_CONF):
            with open(QEMU_CONF) as f:
                old = f.read()
            if not old.startswith(MARKER):
                self.saved_conf = old
        with open(QEMU_CONF, 'w') as f:
            f.write(MARKER)
            f.write('user = "root"\ngroup = "root"\n'
                    'security_driver = "none"\ndynamic_ownership = 0\n'
                    'stdio_handler = "file"\ncgroup_controllers = [ ]\n'
                    'namespaces = [ ]\nauto_dump_path = "%s"\n'
                    % self.dump_dir)

    def _restore_qemu_conf(self):
        if self.saved_conf is not None:
            with open(QEMU_CONF, 'w') as f:
                f.write(self.saved_conf)
            self.saved_conf = None
        elif os.path.exists(QEMU_CONF):
            with open(QEMU_CONF) as f:
                ours = f.read().startswith(MARKER)
            if ours:
                os.unlink(QEMU_CONF)

    def _stop_stale(self):
        """A daemon of an earlier run that was killed before its stop()."""
        pid = _read_pid(PIDFILE)
        if pid and _pid_alive(pid) and _comm(pid) == 'libvirtd':
            self._kill(pid)
        for path in ('/run/libvirt/libvirt-sock',):
            if os.path.exists(path) and self._virsh_ok():
                raise Fail('another libvirtd is running (it answers on %s); '
                           'stop it first: this suite starts its own' % path)

    def _daemon_env(self):
        """libvirtd's environment: PATH without Debian's QEMU binaries.

        At every start libvirtd checks the cached capabilities of each
        qemu-system-* it finds on PATH, and on this kind of machine it finds
        them "outdated: host cpuid changed" about half the time (CPUID leaf
        1 names the CPU the check ran on), then probes QEMU for about 8 s.
        The suite names its emulator by path, so it hides them; the bench
        does the same and still runs QEMU by its path."""
        bindir = os.path.join(self.dir, 'bin')
        if not os.path.isdir(bindir):
            os.mkdir(bindir)
            for d in ('/usr/local/bin', '/usr/bin'):
                for name in os.listdir(d) if os.path.isdir(d) else []:
                    link = os.path.join(bindir, name)
                    if (re.match(r'qemu-(system-|kvm)', name) or
                            os.path.lexists(link)):
                        continue
                    os.symlink(os.path.join(d, name), link)
        env = dict(os.environ)
        env['PATH'] = '%s:/usr/local/sbin:/usr/sbin:/sbin' % bindir
        return env

    def _virsh_ok(self):
        # Not "virsh version": it wants a default emulator on PATH, and
        # the daemon's PATH has none (_daemon_env).
        return subprocess.run(['virsh', '-c', URI, 'list', '--all'],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL,
                              timeout=20).returncode == 0

    # -- the daemon -------------------------------------------------------
    def _reuse(self, spec):
        self.conf, pidfile, self.log = spec.split(',')
        self.pidfile = pidfile
        self.external = True
        self.pid = _read_pid(pidfile)
        check(self.pid and _pid_alive(self.pid), 'no libvirtd at ' + pidfile)
        with open(QEMU_CONF) as f:
            m = re.search(r'^auto_dump_path\s*=\s*"([^"]+)"', f.read(), re.M)
        check(m, QEMU_CONF + ' sets no auto_dump_path')
        self.dump_dir = m.group(1)

    def start(self):
        check(os.geteuid() == 0, 'the privileged libvirtd needs root')
        if os.environ.get('VIGIL_TEST_LIBVIRTD'):
            return self._reuse(os.environ['VIGIL_TEST_LIBVIRTD'])
        self._ensure_user()
        for d in ('/var/log/libvirt/qemu', '/var/lib/libvirt/qemu',
                  '/var/cache/libvirt/qemu', '/run/libvirt'):
            os.makedirs(d, exist_ok=True)
        self._stop_stale()
        self._write_qemu_conf()
        with open(self.conf, 'w') as f:
            f.write('log_filters="1:qemu.qemu_monitor 1:qemu.qemu_process '
                    '1:qemu.qemu_capabilities 1:util.command 3:*"\n'
                    'log_outputs="1:file:%s"\n' % self.log)
        subprocess.run(['libvirtd', '--daemon', '--config', self.conf,
                        '--pid-file', PIDFILE], check=True, timeout=30,
                       env=self._daemon_env())
        deadline = time.monotonic() + 30
        while True:
            self.pid = _read_pid(PIDFILE)
            if self.pid and self._virsh_ok():
                return
            if time.monotonic() > deadline:
                raise Fail('libvirtd did not answer within 30 s:\n'
                           + self.log_tail())
            time.sleep(0.1)

    def _kill(self, pid, timeout=20):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and _comm(pid) == 'libvirtd':
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                deadline += 5
            time.sleep(0.05)

    def restart(self):
        """libvirtd goes away and comes back; the domains keep running."""
        self._kill(self.pid)
        self.pid = 0
        subprocess.run(['libvirtd', '--daemon', '--config', self.conf,
                        '--pid-file', self.pidfile], check=True, timeout=30,
                       env=None if self.external else self._daemon_env())
        deadline = time.monotonic() + 30
        while not (_read_pid(self.pidfile) and self._virsh_ok()):
            check(time.monotonic() < deadline, 'libvirtd did not come back')
            time.sleep(0.1)
        self.pid = _read_pid(self.pidfile)

    def stop(self):
        try:
            if self.pid:
                for name in self.domains():
                    self.virsh('destroy', name, ok=None)
                    self.virsh('undefine', name, ok=None)
                if not self.external:
                    self._kill(self.pid)
                self.pid = 0
        finally:
            # A reused daemon's qemu.conf was never ours to restore.
            if not self.external:
                self._restore_qemu_conf()
            if self.external or not self.keep_dir:
                shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self, lines=40):
        try:
            with open(self.log, errors='replace') as f:
                return ''.join(f.readlines()[-lines:])
        except OSError:
            return '(no libvirtd log)'

    def log_text(self):
        try:
            with open(self.log, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    # -- virsh ------------------------------------------------------------
    def virsh(self, *args, ok=True, timeout=60):
        """Run virsh; ok=True: must succeed, False: must fail, None: any.
        Returns (status, stdout + stderr)."""
        r = subprocess.run(['virsh', '-c', URI] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=timeout)
        if ok is True and r.returncode != 0:
            raise Fail('virsh %s failed: %s' % (' '.join(args),
                                                r.stdout.strip()))
        if ok is False and r.returncode == 0:
            raise Fail('virsh %s succeeded: %s' % (' '.join(args),
                                                   r.stdout.strip()))
        return r.returncode, r.stdout

    def domains(self):
        _, out = self.virsh('list', '--all', '--name', ok=None)
        return [n for n in out.split() if n.startswith(PREFIX)]

    def domstate(self, name):
        return self.virsh('domstate', '--reason', name)[1].strip()

    def wait_state(self, name, want, timeout=20):
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            state = self.domstate(name)
            if (want.match(state) if hasattr(want, 'match')
                    else state == want):
                return state
            time.sleep(0.05)
        raise Fail('%s: domstate %r, expected %r' % (name, state, want))

    def qmp(self, name, cmd):
        """virsh qemu-monitor-command; returns the reply text."""
        return self.virsh('qemu-monitor-command', name, cmd)[1]

    def forget_caps(self, binary):
        """Make the next lookup probe @binary afresh: the cache file goes,
        and the binary's ctime moves (what libvirtd's in-memory cache
        checks), as after an upgrade."""
        if os.path.isdir(CAPS_DIR):
            # Only @binary's: the next libvirtd start would otherwise probe
            # every other emulator on PATH (Debian's QEMU: about 8 s).
            for name in os.listdir(CAPS_DIR):
                path = os.path.join(CAPS_DIR, name)
                with open(path, errors='replace') as f:
                    if '<emulator>%s</emulator>' % binary in f.read():
                        os.unlink(path)
        st = os.stat(binary)
        os.chmod(binary, st.st_mode & 0o7777)

    def probes(self, binary):
        """How many capability probe processes this daemon started for
        @binary (its debug log)."""
        return len(re.findall(r'qemuProcessQMPLaunch:\d+ : Try to probe '
                              r'capabilities of \'%s\'' % re.escape(binary),
                              self.log_text()))


class EventWatch:
    """`virsh event --all --loop` (or qemu-monitor-event) in the
    background; .lines holds what it printed."""

    def __init__(self, args):
        self.proc = subprocess.Popen(['virsh', '-c', URI] + args,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.lines = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        time.sleep(0.3)   # virsh registers the callback before we act

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.lines.append(line.rstrip('\n'))

    def text(self):
        with self.lock:
            return '\n'.join(self.lines)

    def wait_for(self, pattern, timeout=20):
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if rx.search(self.text()):
                return self.text()
            time.sleep(0.05)
        raise Fail('no event matching %r; got:\n%s' % (pattern, self.text()))

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.thread.join(2)
