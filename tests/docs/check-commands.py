#!/usr/bin/env python3
"""Every command a reader can paste from README.md and docs/ must work.

Extracts the command blocks of README.md and docs/**/*.md|rst and runs
them, one bash per block, in a sandbox against the binary meson built:

- Markdown: fenced blocks tagged sh, shell, bash or console.  rst:
  ``.. code-block::`` (or ``code``/``sourcecode``) sh|shell|bash|console.
  An untagged block (a fence without a language, an rst ``::`` literal
  block, a ``.nf``/``.fi`` block of the man page docs/vigil.1) counts too
  when its first line looks like a command ("$ ", a VAR=value, a path
  such as build/... or scripts/..., or a program that is installed): tag
  a block ``text`` or ``none`` when it is not one.
- sh blocks: every command must exit with status 0.  A command listed in
  RUN_UNTIL_STOPPED starts a VM that runs until something stops it: it
  runs in the background, must still run after a second, and must then
  exit with status 0 on SIGTERM.
- console blocks (and untagged blocks whose lines start with "$ "): a
  "$ " line is a command, "> " lines and lines after a trailing "\\"
  continue it, and the lines up to the next "$ " are its expected output
  (stdout and stderr together).  The output must match, after dropping
  "\\r" at line ends and replacing QMP timestamps.

The sandbox is a fresh directory whose entries are symlinks to the
source tree (so scripts/..., tests/... work as written), with build/vigil
and build/vigil-system-x86_64 pointing at the binary under test and a
bin/vigil on PATH for examples that say plain ``vigil``.  A literal
"/tmp/" in a command means the sandbox's own tmp/ (and maps back in the
output), so parallel runs do not collide.  Any process still running with
the sandbox in its command line after a block (a -daemonize'd Vigil) is
killed, by pid (its environment or command line names the sandbox).

Commands that cannot run here as written are listed in NOT_RUN below
with the reason, printed on every run; an entry that matches no command
is an error, so the list cannot go stale.

Usage: check-commands.py --vigil BUILD/vigil [--source-root DIR]
                         [--file README.md ...] [-v]
Exit status: 0 every command works, 1 otherwise.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# (file, command) -> why it is not run.  The command is its first line as
# written, without "$ ", a trailing "\" or a trailing "# comment".
NOT_RUN = {
    ('README.md', 'scripts/panic-demo.sh'):
        'needs root (installs Debian packages) and boots a Debian kernel, '
        'nested under TCG here (minutes); the nested suite runs the same '
        'boot',
    ('README.md', 'scripts/run-tests.sh'):
        'runs every suite, this one included (tens of minutes)',
    ('README.md', 'scripts/install-deps.sh'):
        'needs root (apt-get install)',
    ('README.md', './configure'):
        'would configure build/ in the source tree, which belongs to the '
        'developer; this test runs from a build directory meson already '
        'configured',
    ('README.md', 'make'):
        'builds build/ in the source tree (minutes); meson built the binary '
        'this test uses',
    ('README.md', 'meson test -C build --suite unit --suite qtest'):
        'runs two other suites of this same test run',
    ('docs/benchmarks.md', 'ninja -C build vigil'):
        'builds in build/ of the source tree; meson built the binary this '
        'test uses',
    ('docs/benchmarks.md', 'bench/run --vigil build/vigil'):
        'a benchmark (about 2 minutes), measured by hand',
    ('docs/benchmarks.md',
     'bench/run --vigil build/vigil --reps 9 --update-docs'):
        'a benchmark that rewrites docs/benchmarks.md',
    ('docs/benchmarks.md', 'bench/run --only rtt,latency --quick'):
        'a benchmark (tens of seconds), measured by hand',
    ('docs/benchmarks.md', 'bench/run --no-vigil'):
        'a benchmark of QEMU and the references (minutes)',
    ('docs/benchmarks.md', 'bench/boot --vigil build/vigil --runs 5'):
        'a benchmark: boots Debian kernels nested under TCG (minutes)',
    ('docs/benchmarks.md', 'bench/boot --vigil build/vigil --runs 5 '
     '--phases'):
        'a benchmark: boots Debian kernels nested under TCG (minutes)',
    ('docs/benchmarks.md', 'bench/boot --vigil build/vigil --runs 1 --dmesg '
     '--serial-dir /tmp/boot'):
        'boots a Debian kernel nested under TCG (minutes)',
    ('docs/benchmarks.md', 'bench/libvirt --vigil build/vigil --reps 5'):
        'a benchmark that needs root and a libvirtd of its own (minutes)',
    ('docs/benchmarks.md', 'bench/libvirt --vigil build/vigil --reps 5 '
     '--update-docs'):
        'a benchmark that rewrites docs/benchmarks.md',
    ('docs/benchmarks.md', 'B=build/bench-bin'):
        'profiling recipe: needs the helpers a bench/run built',
    ('docs/benchmarks.md', '$B/qtest-rtt --count 20000 -- valgrind '
     '--tool=callgrind'):
        'profiling recipe under callgrind (minutes)',
    ('docs/benchmarks.md', '$B/event-fanout --clients 16 --count 2000 -- '
     'valgrind --tool=callgrind'):
        'profiling recipe under callgrind (minutes)',
    ('docs/benchmarks.md', 'callgrind_annotate --inclusive=yes '
     '/tmp/cg.rtt.*'):
        'reads the profiles of the two recipes above',
    ('docs/devel/qemu-7.2-differences.rst', 'meson test -C build --suite '
     'diff -v'):
        'the diff suite is its own test of this same test run',
    ('docs/devel/qemu-7.2-differences.rst', 'tests/diff/difftest.py --vigil '
     'build/vigil-system-x86_64 --show'):
        'plays every scenario, which the diff suite does; the --only panic '
        'line above runs the same code',
    ('docs/devel/qemu-7.2-differences.rst', 'tests/diff/difftest.py '
     '--record'):
        'rewrites the committed recordings (tests/diff/recordings/)',
    ('docs/system/crash-dumps.rst', 'vigil -accel kvm -m 1G -smp 2 -kernel '
     'bzImage -initrd initrd.img'):
        'a template: bzImage and initrd.img stand for the reader\'s guest, '
        'and /run needs root; the nested case panic-dump-smp2 runs it',
    ('docs/system/crash-dumps.rst', "gdb -batch -c vm1.core -ex 'info "
     "threads' -ex 'x/8i $pc'"):
        'needs the core of the template above; the tiny-dump test runs gdb '
        'on a core this way',
    ('docs/system/crash-dumps.rst', 'crash /usr/lib/debug/boot/vmlinux-'
     '6.1.0-... vm1.core'):
        'a template: the kernel\'s debug image and a core from a real guest',
    ('docs/system/libvirt.rst', 'apt-get install -y --no-install-recommends'):
        'needs root; scripts/install-deps.sh installs the same packages',
    ('docs/system/libvirt.rst', 'meson install -C build'):
        'installs into /usr/local; the libvirt suite uses build/vigil',
    ('docs/system/libvirt.rst', 'groupadd --system libvirt-qemu'):
        'changes the machine\'s users; the libvirt suite (lvenv.py) does it',
    ('docs/system/libvirt.rst', 'useradd --system -g libvirt-qemu -d '
     '/var/lib/libvirt'):
        'changes the machine\'s users; the libvirt suite (lvenv.py) does it',
    ('docs/system/libvirt.rst', 'mkdir -p /var/log/libvirt/qemu '
     '/var/lib/libvirt/qemu/dump'):
        'system directories; the libvirt suite (lvenv.py) creates them',
    ('docs/system/libvirt.rst', 'libvirtd --daemon --pid-file=/run/libvirtd.pid'):
        'a system daemon; the libvirt suite starts and stops its own',
    ('docs/system/libvirt.rst', 'virsh define panicky.xml'):
        'needs that libvirtd and a kernel; the libvirt suite defines the same '
        'domain with the tiny guest',
    ('docs/system/libvirt.rst', 'virsh start panicky'):
        'as above: the libvirt suite\'s preserve case',
    ('docs/system/libvirt.rst', 'virsh domstate --reason panicky'):
        'as above: the libvirt suite\'s preserve case',
    ('docs/devel/testing.rst', 'meson test -C build --suite libvirt'):
        'the libvirt suite is its own test of this same test run (root, '
        'its own libvirtd)',
    ('docs/system/nested.rst', 'meson test -C build --suite nested'):
        'boots Debian kernels nested under TCG (many minutes)',
    ('docs/system/nested.rst', 'tests/functional/nested.py --vigil '
     'build/vigil --group panic -v'):
        'boots Debian kernels nested under TCG (minutes)',
    ('docs/system/nested.rst', 'tests/functional/nested.py --vigil '
     'build/vigil --group guest-reboot --log /tmp/l1.log'):
        'boots Debian kernels nested under TCG (minutes)',
    ('docs/system/nested.rst', 'tests/functional/nested.py --vmm qemu '
     '--group all'):
        'boots Debian kernels nested under TCG, all groups (many minutes)',
    ('docs/system/pc.rst', 'VIGIL_REBUILD_ACPI_GOLDEN=1 '
     'build/tests/unit/test-acpi-tables'):
        'rewrites the committed ACPI tables in tests/data/acpi',
    ('docs/vigil.1', 'vigil -m 512 -kernel bzImage -append console=ttyS0 '
     '-nographic'):
        'a template: bzImage stands for the reader\'s kernel, and /run '
        'needs root',
}

# (file, command) -> what it starts: commands that run until stopped.
RUN_UNTIL_STOPPED = {
    ('docs/vigil.1', 'vigil -accel qtest -qtest '
     'unix:/tmp/qt.sock,server=on,wait=off'):
        'a VM under the qtest accelerator waiting for its clients',
}

SH_LANGS = {'sh', 'shell', 'bash'}
CONSOLE_LANGS = {'console', 'shell-session'}
BLOCK_TIMEOUT = 30
# Programs a doc may start a command with, besides paths and $PATH.
COMMAND_WORDS = {'vigil', 'meson', 'ninja', 'make', 'gdb', 'crash', 'socat',
                 'qemu-system-x86_64', 'python3', 'sudo', 'apt-get', 'cd'}


class Block:
    def __init__(self, path, lineno, lang, lines):
        self.path = path        # relative to the source root
        self.lineno = lineno    # of the first content line
        self.lang = lang        # 'sh' or 'console'
        self.lines = lines


class Command:
    def __init__(self, lineno, text, expected=None):
        self.lineno = lineno
        self.text = text          # as bash gets it (continuations kept)
        self.expected = expected  # console: the output lines, else None
        self.output = []
        self.status = None
        self.until_stopped = False

    @property
    def key(self):
        first = self.text.split('\n')[0]
        first = re.sub(r'\s+#.*$', '', first)
        return re.sub(r'\s*\\$', '', first).strip()


# ---- finding the blocks -------------------------------------------------

def looks_like_command(line):
    line = line.strip()
    if line.startswith('$ '):
        return True
    word = line.split()[0] if line.split() else ''
    if re.match(r'^[A-Z_][A-Z0-9_]*=', word):
        return True
    if word in COMMAND_WORDS:
        return True
    if re.match(r'^\.?\.?/?[\w.-]+/[\w./-]+$', word):
        return True
    return bool(word) and re.match(r'^[a-z][\w.-]*$', word) is not None \
        and shutil.which(word) is not None


def classify(lang, lines):
    """'sh', 'console' or None (not a command block)."""
    body = [x for x in lines if x.strip()]
    if not body:
        return None
    if lang in SH_LANGS:
        return 'sh'
    if lang in CONSOLE_LANGS:
        return 'console'
    if lang:
        return None
    if not looks_like_command(body[0]):
        return None
    return 'console' if body[0].lstrip().startswith('$ ') else 'sh'


def dedent(lines):
    ind = min((len(x) - len(x.lstrip()) for x in lines if x.strip()),
              default=0)
    return [x[ind:] for x in lines]


def md_blocks(path, text):
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        m = re.match(r'^(\s*)(```+|~~~+)\s*([\w-]*)', lines[i])
        if not m:
            i += 1
            continue
        fence, lang = m.group(2), m.group(3).lower()
        start = i + 1
        j = start
        while j < len(lines) and not lines[j].strip().startswith(fence):
            j += 1
        body = dedent(lines[start:j])
        kind = classify(lang, body)
        if kind:
            yield Block(path, start + 1, kind, body)
        i = j + 1


def rst_blocks(path, text):
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r'^(\s*)\.\. (?:code-block|code|sourcecode)::\s*(\S*)',
                     line)
        if m:
            lang = m.group(2).lower() or 'none'
        elif line.rstrip().endswith('::') and \
                not re.match(r'^\s*\.\. ', line):
            lang = ''
        else:
            i += 1
            continue
        base = len(line) - len(line.lstrip())
        j = i + 1
        # directive options (":caption: x") and blank lines
        while j < len(lines) and (not lines[j].strip() or (
                m and lines[j].strip().startswith(':'))):
            j += 1
        start = j
        while j < len(lines) and (not lines[j].strip() or
                                  len(lines[j]) - len(lines[j].lstrip())
                                  > base):
            j += 1
        body = dedent(lines[start:j])
        while body and not body[-1].strip():
            body.pop()
        kind = classify(lang, body)
        if kind:
            yield Block(path, start + 1, kind, body)
        i = max(j, i + 1)


def man_blocks(path, text):
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        if lines[i].strip() != '.nf':
            i += 1
            continue
        j = i + 1
        body, start = [], None
        while j < len(lines) and lines[j].strip() != '.fi':
            if not lines[j].startswith('.'):
                if start is None:
                    start = j
                body.append(lines[j].replace('\\-', '-')
                            .replace('\\e', '\\'))
            j += 1
        body = dedent(body)
        kind = classify('', body)
        if kind:
            yield Block(path, (start or i) + 1, kind, body)
        i = j + 1


def doc_files(root):
    out = ['README.md']
    for d, _, files in os.walk(os.path.join(root, 'docs')):
        for f in files:
            if f.endswith(('.md', '.rst', '.1')):
                out.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(out)


def blocks_of(root, rel):
    with open(os.path.join(root, rel), encoding='utf-8') as f:
        text = f.read()
    if rel.endswith('.md'):
        return list(md_blocks(rel, text))
    if rel.endswith('.1'):
        return list(man_blocks(rel, text))
    return list(rst_blocks(rel, text))


# ---- commands of a block ------------------------------------------------

def sh_commands(block):
    cmds, cur = [], None
    for n, line in enumerate(block.lines):
        if cur is None:
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            cur = Command(block.lineno + n, line)
        else:
            cur.text += '\n' + line
        if not line.rstrip().endswith('\\'):
            cmds.append(cur)
            cur = None
    if cur is not None:
        cmds.append(cur)
    return cmds


def console_commands(block):
    cmds, cur, cont = [], None, False
    for n, line in enumerate(block.lines):
        if line.startswith('$ ') or line == '$':
            cur = Command(block.lineno + n, line[2:], [])
            cmds.append(cur)
        elif cur is None:
            if line.strip():
                cmds.append(Command(block.lineno + n, None, None))
            continue
        elif cont or (line.startswith('> ') and not cur.expected):
            cur.text += '\n' + (line[2:] if line.startswith('> ') and
                                not cont else line)
        else:
            cur.expected.append(line)
        cont = not cur.expected and line.rstrip().endswith('\\')
    for c in cmds:
        if c.expected is not None:
            while c.expected and not c.expected[-1].strip():
                c.expected.pop()
    return cmds


# ---- running ------------------------------------------------------------

class Sandbox:
    def __init__(self, root, vigil):
        self.dir = tempfile.mkdtemp(prefix='vigil-docs-')
        for name in os.listdir(root):
            if name.startswith('.') or name.startswith('build') or \
                    name in ('bin', 'tmp', 'home'):
                continue
            os.symlink(os.path.join(root, name),
                       os.path.join(self.dir, name))
        for d in ('build', 'bin', 'tmp', 'home'):
            os.mkdir(os.path.join(self.dir, d))
        for link in ('build/vigil', 'build/vigil-system-x86_64',
                     'bin/vigil'):
            os.symlink(vigil, os.path.join(self.dir, link))
        self.env = dict(os.environ)
        self.env.update({
            'PATH': os.path.join(self.dir, 'bin') + os.pathsep +
            os.environ.get('PATH', '/usr/bin:/bin'),
            'HOME': os.path.join(self.dir, 'home'),
            'TMPDIR': os.path.join(self.dir, 'tmp'),
            'PYTHONDONTWRITEBYTECODE': '1',
            'VIGIL_DOCS_SANDBOX': self.dir,
        })

    def tmp_path(self, text):
        return text.replace('/tmp/', os.path.join(self.dir, 'tmp') + '/')

    def untmp(self, text):
        return text.replace(os.path.join(self.dir, 'tmp') + '/', '/tmp/') \
            .replace(self.dir + '/', '')

    def leftovers(self):
        """Pids of processes a block left behind: their environment (which
        a daemon inherits) or command line names the sandbox."""
        me = os.getpid()
        mark = ('VIGIL_DOCS_SANDBOX=' + self.dir).encode()
        pids = []
        for p in os.listdir('/proc'):
            if not p.isdigit() or int(p) == me:
                continue
            try:
                with open('/proc/%s/cmdline' % p, 'rb') as f:
                    cmdline = f.read()
                with open('/proc/%s/environ' % p, 'rb') as f:
                    environ = f.read().split(b'\0')
            except OSError:   # gone, or not ours to read
                continue
            if mark in environ or self.dir.encode() in cmdline:
                pids.append(int(p))
        return pids

    def reap(self):
        for pid in self.leftovers():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def run(self, cmds):
        """Runs the commands (None text: not run) in one bash; fills in
        .status and .output.  False if the block timed out."""
        script = ['exec 2>&1', 'exec </dev/null']
        for i, c in enumerate(cmds):
            if c.text is None:
                continue
            script.append("printf '@@doc-cmd %d@@\\n'" % i)
            if c.until_stopped:
                # Started, still running a second later, exit 0 on SIGTERM
                # (125: it ended by itself).
                script.append(self.tmp_path(c.text) + ' &')
                script.append('__p=$!; sleep 1; if kill -0 $__p 2>/dev/null; '
                              'then kill -TERM $__p; wait $__p; __s=$?; else '
                              'wait $__p; __s=$?; [ $__s = 0 ] && __s=125; '
                              'fi')
                script.append("printf '\\n@@doc-status %d %%d@@\\n' $__s"
                              % i)
                continue
            script.append(self.tmp_path(c.text))
            script.append("printf '\\n@@doc-status %d %%d@@\\n' $?" % i)
        p = subprocess.Popen(['bash', '-c', '\n'.join(script)],
                             stdout=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, cwd=self.dir,
                             env=self.env, start_new_session=True)
        try:
            out, _ = p.communicate(timeout=BLOCK_TIMEOUT)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, _ = p.communicate()
            timed_out = True
        self.reap()
        text = self.untmp(out.decode('utf-8', 'replace'))
        cur = None
        for line in text.split('\n'):
            m = re.match(r'^@@doc-cmd (\d+)@@$', line)
            if m:
                cur = cmds[int(m.group(1))]
                continue
            m = re.match(r'^@@doc-status (\d+) (\d+)@@$', line)
            if m:
                c = cmds[int(m.group(1))]
                c.status = int(m.group(2))
                if c.output and c.output[-1] == '':
                    c.output.pop()   # the newline the marker added
                cur = None
                continue
            if cur is not None:
                cur.output.append(line)
        return not timed_out

    def close(self):
        self.reap()
        shutil.rmtree(self.dir, ignore_errors=True)


TS = re.compile(r'"seconds": \d+, "microseconds": \d+')


def norm(line):
    return TS.sub('"seconds": S, "microseconds": US', line.rstrip('\r')
                  .rstrip())


def check_block(sb, block, not_run, used, verbose, until_stopped=None):
    """Runs @block; returns a list of failure messages."""
    cmds = sh_commands(block) if block.lang == 'sh' else \
        console_commands(block)
    fails = []
    for c in cmds:
        if c.text is None:
            fails.append('%s:%d: output with no "$ " command before it'
                         % (block.path, c.lineno))
            continue
        reason = not_run.get((block.path, c.key))
        if reason is not None:
            used.add((block.path, c.key))
            print('not run %s:%d: %s\n    because: %s'
                  % (block.path, c.lineno, c.key, reason))
            c.text = None
            continue
        what = (until_stopped or {}).get((block.path, c.key))
        if what is not None:
            used.add((block.path, c.key))
            c.until_stopped = True
    todo = [c for c in cmds if c.text is not None]
    if not todo:
        print('not run %s:%d (%s): every command of the block is listed '
              'above' % (block.path, block.lineno, block.lang))
        return fails
    t0 = time.monotonic()
    finished = sb.run(cmds)
    took = time.monotonic() - t0
    if not finished:
        fails.append('%s:%d: block did not finish in %d s'
                     % (block.path, block.lineno, BLOCK_TIMEOUT))
    for c in todo:
        where = '%s:%d: %s' % (block.path, c.lineno, c.key)
        if c.status is None:
            fails.append(where + ': did not run to its end')
        elif c.expected is None and c.status != 0:
            fails.append('%s: exit status %d; output:\n%s' % (
                where, c.status, '\n'.join('      ' + x for x in c.output)))
        elif c.expected is not None:
            want = [norm(x) for x in c.expected]
            got = [norm(x) for x in c.output]
            if want != got:
                fails.append('%s: output differs (exit status %s):\n'
                             '    -- the doc says:\n%s\n    -- it prints:\n%s'
                             % (where, c.status,
                                '\n'.join('      ' + x for x in want),
                                '\n'.join('      ' + x for x in got)))
        if verbose:
            print('ran %s (status %s)' % (where, c.status))
    print('%s %s:%d (%s, %d command%s, %.1f s)' % (
        'FAIL' if fails else 'ok', block.path, block.lineno, block.lang,
        len(todo), '' if len(todo) == 1 else 's', took), flush=True)
    return fails


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--vigil', required=True, help='the binary to use')
    ap.add_argument('--source-root',
                    default=os.path.dirname(os.path.dirname(here)))
    ap.add_argument('--file', action='append', default=[],
                    help='check only this file (relative to the root)')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    root = os.path.abspath(args.source_root)
    vigil = os.path.abspath(args.vigil)
    if not os.access(vigil, os.X_OK):
        print('ERROR: %s is not executable' % vigil)
        return 1
    files = args.file or doc_files(root)
    used, fails, nblocks = set(), [], 0
    sb = Sandbox(root, vigil)
    t0 = time.monotonic()
    try:
        for rel in files:
            for block in blocks_of(root, rel):
                nblocks += 1
                fails += check_block(sb, block, NOT_RUN, used, args.verbose,
                                     RUN_UNTIL_STOPPED)
    finally:
        sb.close()
    for key in sorted(set(NOT_RUN) - used):
        if key[0] in files:
            fails.append('NOT_RUN entry matches no command: %s: %s' % key)
    for key in sorted(set(RUN_UNTIL_STOPPED) - used):
        if key[0] in files:
            fails.append('RUN_UNTIL_STOPPED entry matches no command: %s: %s'
                         % key)
    for f in fails:
        print('FAIL ' + f)
    print('%d command blocks in %d files, %d not-run commands listed, %d '
          'failures (%.1f s)' % (nblocks, len(files),
                                 len(used & set(NOT_RUN)), len(fails),
                                 time.monotonic() - t0))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
