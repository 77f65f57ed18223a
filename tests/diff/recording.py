#
# Committed recordings of QEMU 7.2's transcripts (tests/diff/recordings/).
#
# One file per scenario: a header of "# key: value" lines saying which
# QEMU produced it, how it was run and when, then the normalised
# transcript (runner.py documents the notation), one line per line.
# difftest.py --record writes them from a real run of Debian's
# qemu-system-x86_64; every ordinary run replays the scenario against
# that QEMU too and fails if the live transcript no longer matches.
#

import datetime
import os
import subprocess

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'recordings')

HEADER_KEYS = ['scenario', 'qemu', 'binary', 'argv', 'env', 'cwd',
               'recorded', 'by']


class Recording:
    def __init__(self, name, headers, lines):
        self.name = name
        self.headers = headers
        self.lines = lines


def path(name):
    return os.path.join(DIR, name + '.txt')


def load(name):
    """The recording of scenario @name, or None if there is none."""
    try:
        with open(path(name), encoding='utf-8') as f:
            text = f.read()
    except FileNotFoundError:
        return None
    headers, lines = {}, []
    for line in text.split('\n')[:-1]:
        if not lines and line.startswith('# '):
            key, sep, val = line[2:].partition(': ')
            if sep and key in HEADER_KEYS:
                headers[key] = val
            continue
        lines.append(line)
    return Recording(name, headers, lines)


def qemu_version(binary):
    """The first line of `@binary --version`."""
    out = subprocess.run([binary, '--version'], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=30).stdout
    return out.split('\n')[0].strip()


def save(name, lines, version, binary, argv, env):
    """Writes the recording of scenario @name; False (and the file is left
    alone, date included) when the same QEMU, command line and environment
    gave the same transcript as the committed recording."""
    old = load(name)
    if old is not None and old.lines == lines and \
            (old.headers.get('qemu'), old.headers.get('binary'),
             old.headers.get('argv'), old.headers.get('env')) == \
            (version, binary, argv, env):
        return False
    now = datetime.datetime.now(datetime.timezone.utc)
    headers = {
        'scenario': '%s (tests/diff/scenarios.py)' % name,
        'qemu': version,
        'binary': binary,
        'argv': argv,
        'env': env,
        'cwd': '$TMP (a fresh private directory, also holding the sockets)',
        'recorded': now.strftime('%Y-%m-%dT%H:%M:%SZ'),
        'by': 'tests/diff/difftest.py --record (transcript after '
              'runner.normalise)',
    }
    for line in lines:
        if line.startswith('# '):
            raise ValueError('a transcript line looks like a header: %r'
                             % line)
    os.makedirs(DIR, exist_ok=True)
    with open(path(name), 'w', encoding='utf-8') as f:
        for key in HEADER_KEYS:
            f.write('# %s: %s\n' % (key, headers[key]))
        for line in lines:
            f.write(line + '\n')
    return True
