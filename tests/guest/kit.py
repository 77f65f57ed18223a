#!/usr/bin/env python3
"""Build the guest kit for Vigil's real-kernel tests, from Debian packages.

* L2 kit: Debian's cloud kernel plus an uncompressed busybox initramfs whose
  /init (l2-init.sh) loads the pvpanic driver, reports what it sees and then
  panics, powers off or reboots as its command line asks.
* L1 image (nested testing on hosts without hardware KVM): the same kernel
  boots under QEMU TCG with SVM; its initramfs (l1-init.sh) carries kvm-amd,
  the VMM under test, the L2 kit and qmp-case (qmp-case.c), which runs the
  test cases.  The image is a concatenation of newc archives (the kernel
  unpacks them in order): base, optionally the vmlinux and libvirt
  (libvirtd, virsh and l1-libvirt.sh), Vigil, optionally QEMU, and the
  case list, so a new case list or Vigil binary does not rebuild the rest.

Everything is cached under BUILD/tests/guest/ and rebuilt only when an input
file changes.  Nothing needs root.  Debian packages: DEBIAN_PACKAGES.
If the kernel is not installed, the .deb is fetched with `apt-get download`
and unpacked with `dpkg-deb -x` into the cache.

Command line: kit.py BUILD-DIR [--vigil PATH] [--qemu] [--vmlinux]
[--libvirt] prints the paths.
"""

import argparse
import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# What the scripts need; scripts/install-deps.sh installs these.
DEBIAN_PACKAGES = ['linux-image-cloud-amd64', 'busybox-static',
                   'qemu-system-x86', 'gcc', 'libc6-dev', 'lz4',
                   'makedumpfile',
                   'libvirt-daemon-driver-qemu', 'libvirt-daemon',
                   'libvirt-clients']
KERNEL_META = 'linux-image-cloud-amd64'
L1_MODULES = ['virt/lib/irqbypass.ko', 'arch/x86/kvm/kvm.ko',
              'arch/x86/kvm/kvm-amd.ko']
L2_MODULES = ['drivers/misc/pvpanic/pvpanic.ko',
              'drivers/misc/pvpanic/pvpanic-mmio.ko',
              'drivers/misc/pvpanic/pvpanic-pci.ko',
              'drivers/firmware/qemu_fw_cfg.ko',
              'drivers/acpi/button.ko', 'drivers/input/evdev.ko']
QEMU_FIRMWARE = ['bios-256k.bin', 'linuxboot_dma.bin', 'linuxboot.bin',
                 'kvmvapic.bin', 'pvh.bin', 'multiboot_dma.bin']
FIRMWARE_DIRS = ['/usr/share/qemu', '/usr/share/seabios']
# libvirt's probe of QEMU also starts it with accel=tcg, a module in Debian.
QEMU_MODULES = ['/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so']

# libvirt in L1 (the libvirt layer): the daemon, the client, the qemu
# connection driver it loads, and the data and config defaults they read.
LIBVIRT_BINARIES = ['/usr/sbin/libvirtd', '/usr/bin/virsh']
LIBVIRT_MODULES = ['/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/'
                   'libvirt_driver_qemu.so']
LIBVIRT_DATA_DIRS = ['/usr/share/libvirt/cpu_map']
LIBVIRT_CONFIG = ['/etc/libvirt/libvirt.conf']
# libvirtd looks its built-in default user up before it reads qemu.conf.
L1_PASSWD = ('root:x:0:0:root:/root:/bin/sh\n'
             'libvirt-qemu:x:64055:64055:libvirt:/var/lib/libvirt:'
             '/bin/false\n')
L1_GROUP = 'root:x:0:\nkvm:x:104:\nlibvirt-qemu:x:64055:\n'
L1_NSSWITCH = 'passwd: files\ngroup: files\nhosts: files\n'

# In-L1 paths, also used by the case generator.
L1_VIGIL = '/usr/bin/vigil'
L1_QEMU = '/usr/bin/qemu-system-x86_64'
L1_MAKEDUMPFILE = '/usr/bin/makedumpfile'
L1_FW = '/fw'
L1_L2_KERNEL = '/l2/vmlinuz'
L1_L2_INITRD = '/l2/initrd.cpio'
L1_L2_VMLINUX = '/l2/vmlinux'
L1_LIBVIRT_RUNNER = '/bin/l1-libvirt'
L1_LIBVIRT_CASES = '/libvirt/cases.txt'

# bzImage setup header: setup_sects, payload_offset/length (from the start
# of the protected-mode kernel); the LZ4 "legacy" frame magic the kernel's
# CONFIG_KERNEL_LZ4 payload starts with.
HDR_SETUP_SECTS = 0x1f1
HDR_PAYLOAD = 0x248
LZ4_LEGACY_MAGIC = b'\x02\x21\x4c\x18'


class KitError(Exception):
    pass


def log(msg):
    print('kit: ' + msg, file=sys.stderr, flush=True)


class Cpio:
    """Minimal newc ("070701") archive writer."""

    def __init__(self, f):
        self.f = f
        self.ino = 300000
        self.dirs = set()

    def _entry(self, name, mode, size=0, nlink=1, rdev=(0, 0)):
        self.ino += 1
        name = name.lstrip('/') or '.'
        fields = [self.ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev[0],
                  rdev[1], len(name) + 1, 0]
        hdr = b'070701' + b''.join(b'%08X' % v for v in fields)
        hdr += name.encode() + b'\0'
        hdr += b'\0' * (-len(hdr) % 4)
        self.f.write(hdr)

    def _pad(self, size):
        self.f.write(b'\0' * (-size % 4))

    def parents(self, path):
        parts = path.strip('/').split('/')[:-1]
        for i in range(len(parts)):
            self.dir('/' + '/'.join(parts[:i + 1]))

    def dir(self, path, mode=0o755):
        if path in self.dirs:
            return
        self.parents(path)
        self.dirs.add(path)
        self._entry(path, 0o040000 | mode, nlink=2)

    def data(self, path, data, mode=0o644):
        self.parents(path)
        self._entry(path, 0o100000 | mode, len(data))
        self.f.write(data)
        self._pad(len(data))

    def file(self, path, src, mode=None):
        st = os.stat(src)
        self.parents(path)
        if mode is None:
            mode = 0o755 if st.st_mode & 0o111 else 0o644
        self._entry(path, 0o100000 | mode, st.st_size)
        with open(src, 'rb') as s:
            shutil.copyfileobj(s, self.f, 1 << 20)
        self._pad(st.st_size)

    def symlink(self, path, target):
        self.parents(path)
        t = target.encode()
        self._entry(path, 0o120777, len(t))
        self.f.write(t)
        self._pad(len(t))

    def chardev(self, path, major, minor, mode=0o600):
        self.parents(path)
        self._entry(path, 0o020000 | mode, rdev=(major, minor))

    def trailer(self):
        self._entry('TRAILER!!!', 0, nlink=1)
        self.f.write(b'\0' * (-self.f.tell() % 512))


def stat_key(*paths):
    """A cache key over file identities (path, size, mtime)."""
    h = hashlib.sha256()
    for p in paths:
        st = os.stat(p)
        h.update(('%s %d %d\n' % (p, st.st_size, st.st_mtime_ns)).encode())
    return h.hexdigest()


class Kit:
    def __init__(self, build_dir):
        self.cache = os.path.join(os.path.abspath(build_dir), 'tests', 'guest')
        os.makedirs(self.cache, exist_ok=True)
        self._lock = None
        self._depth = 0
        self._kernel = None

    @contextlib.contextmanager
    def locked(self):
        """Serialise cache updates between concurrent runs (reentrant)."""
        if not self._depth:
            self._lock = open(os.path.join(self.cache, '.lock'), 'w')
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth:
                self._lock.close()

    def path(self, name):
        return os.path.join(self.cache, name)

    # ---- inputs from Debian packages --------------------------------------

    def _installed_kernel(self):
        found = []
        for name in os.listdir('/boot') if os.path.isdir('/boot') else []:
            m = re.fullmatch(r'vmlinuz-(.+-cloud-amd64)', name)
            mods = '/lib/modules/%s/kernel' % (m.group(1) if m else '')
            if m and os.access('/boot/' + name, os.R_OK) and \
                    os.path.exists(os.path.join(mods, L1_MODULES[-1])):
                found.append((m.group(1), '/boot/' + name, mods))
        found.sort(key=lambda k: [int(x) if x.isdigit() else 0
                                  for x in re.split(r'[.-]', k[0])])
        return found[-1][1:] if found else None

    def _downloaded_kernel(self):
        root = self.path('debian-kernel')
        stamp = os.path.join(root, '.unpacked')
        if not os.path.exists(stamp):
            dep = subprocess.run(['apt-cache', 'depends', KERNEL_META],
                                 capture_output=True, text=True)
            m = re.search(r'Depends: (linux-image-\S+-cloud-amd64)',
                          dep.stdout)
            if not m:
                raise KitError('no Debian kernel: install %s (or run '
                               'scripts/install-deps.sh)' % KERNEL_META)
            debs = self.path('debs')
            os.makedirs(debs, exist_ok=True)
            log('apt-get download ' + m.group(1))
            subprocess.run(['apt-get', 'download', m.group(1)], cwd=debs,
                           check=True)
            deb = [d for d in os.listdir(debs) if d.startswith(m.group(1))]
            shutil.rmtree(root, ignore_errors=True)
            subprocess.run(['dpkg-deb', '-x', os.path.join(debs, deb[0]),
                            root], check=True)
            open(stamp, 'w').close()
        boot = os.path.join(root, 'boot')
        kernels = [n for n in os.listdir(boot) if n.startswith('vmlinuz-')]
        ver = kernels[0][len('vmlinuz-'):]
        return (os.path.join(boot, kernels[0]),
                os.path.join(root, 'lib', 'modules', ver, 'kernel'))

    def kernel(self):
        """(vmlinuz, module tree) of the Debian cloud kernel."""
        if not self._kernel:
            with self.locked():
                self._kernel = self._installed_kernel() or \
                    self._downloaded_kernel()
        return self._kernel

    def module(self, rel):
        return os.path.join(self.kernel()[1], rel)

    def busybox(self):
        for p in ['/bin/busybox', '/usr/bin/busybox']:
            if os.path.exists(p) and not self.shared_libs(p):
                return p
        raise KitError('no static busybox: install busybox-static')

    def applets(self):
        out = subprocess.run([self.busybox(), '--list'], check=True,
                             capture_output=True, text=True).stdout
        # "busybox" itself is in the list; linking it would loop.
        return [a for a in out.split() if a != 'busybox']

    # ---- built pieces -----------------------------------------------------

    def qmp_case(self):
        """The static QMP case runner (qmp-case.c)."""
        src = [os.path.join(HERE, f)
               for f in ('qmp-case.c', 'l1-probes.c', 'l1-probes.h')]
        out = self.path('qmp-case')
        key = stat_key(*src)
        with self.locked():
            self._build_runner(src, out, key)
        return out

    def _build_runner(self, src, out, key):
        if self._stale(out, key):
            cc = os.environ.get('CC', 'cc')
            log('compiling qmp-case')
            r = subprocess.run([cc, '-static', '-O2', '-std=gnu11', '-Wall',
                                '-o', out + '.tmp', src[0], src[1]])
            if r.returncode != 0:
                raise KitError('cannot build qmp-case statically (needs gcc '
                               'and libc6-dev)')
            os.replace(out + '.tmp', out)
            self._stamp(out, key)

    def _stale(self, out, key):
        try:
            with open(out + '.key') as f:
                return f.read() != key or not os.path.exists(out)
        except OSError:
            return True

    def _stamp(self, out, key):
        with open(out + '.key', 'w') as f:
            f.write(key)

    def _layer(self, name, key, fill):
        out = self.path(name)
        key = hashlib.sha256((key + stat_key(__file__)).encode()).hexdigest()
        with self.locked():
            self._build_layer(out, name, key, fill)
        return out

    def _build_layer(self, out, name, key, fill):
        if self._stale(out, key):
            log('building ' + name)
            with open(out + '.tmp', 'wb') as f:
                c = Cpio(f)
                fill(c)
                c.trailer()
            os.replace(out + '.tmp', out)
            self._stamp(out, key)

    def _busybox_into(self, c):
        c.file('/bin/busybox', self.busybox(), 0o755)
        for a in self.applets():
            c.symlink('/bin/' + a, 'busybox')
        for d in ['/proc', '/sys', '/dev', '/tmp']:
            c.dir(d)
        c.chardev('/dev/console', 5, 1)

    def lspci(self):
        """Debian's lspci (pciutils) with its libraries and pci.ids, for
        the guest's "lspci -vv" (vigil.pci=1); [] when not installed."""
        lspci = shutil.which('lspci')
        ids = '/usr/share/misc/pci.ids'
        if not lspci:
            return []
        files = [(lspci, '/usr/bin/lspci', 0o755)]
        files += [(os.path.realpath(lib), lib, 0o755)
                  for lib in self.shared_libs(lspci)]
        if os.path.exists(ids):
            files.append((os.path.realpath(ids), ids, 0o644))
        return files

    def l2_initrd(self):
        """The L2 kit's initramfs (uncompressed newc)."""
        init = os.path.join(HERE, 'l2-init.sh')
        mods = [self.module(m) for m in L2_MODULES]
        extra = self.lspci()
        key = stat_key(init, self.busybox(), *mods, *[f[0] for f in extra])

        def fill(c):
            self._busybox_into(c)
            c.file('/init', init, 0o755)
            for m in mods:
                c.file('/lib/modules/' + os.path.basename(m), m, 0o644)
            for src, dst, mode in extra:
                c.file(dst, src, mode)
        return self._layer('l2-initrd.cpio', key, fill)

    def l2_kernel(self):
        return self.kernel()[0]

    def l2_vmlinux(self):
        """The cloud kernel's uncompressed ELF vmlinux (PVH boot).

        Cut the payload out of the bzImage and decompress it with the lz4
        CLI.  The kernel's build appends the uncompressed size (4 bytes,
        little-endian) after the LZ4 legacy stream; the CLI does not
        expect it, so it is cut off and used as a check.
        """
        src = self.l2_kernel()
        out = self.path('l2-vmlinux')
        key = stat_key(src)
        with self.locked():
            if self._stale(out, key):
                log('unpacking vmlinux from ' + os.path.basename(src))
                self._unpack_vmlinux(src, out)
                self._stamp(out, key)
        return out

    @staticmethod
    def _unpack_vmlinux(src, out):
        with open(src, 'rb') as f:
            d = f.read()
        setup = ((d[HDR_SETUP_SECTS] or 4) + 1) * 512
        off = setup + int.from_bytes(d[HDR_PAYLOAD:HDR_PAYLOAD + 4], 'little')
        n = int.from_bytes(d[HDR_PAYLOAD + 4:HDR_PAYLOAD + 8], 'little')
        payload = d[off:off + n]
        if len(payload) != n or payload[:4] != LZ4_LEGACY_MAGIC:
            raise KitError('%s: payload is not LZ4 (legacy frame)' % src)
        if not shutil.which('lz4'):
            raise KitError('no lz4 command: install lz4')
        size = int.from_bytes(payload[-4:], 'little')
        with open(out + '.tmp', 'wb') as f:
            r = subprocess.run(['lz4', '-dc'], input=payload[:-4], stdout=f)
        if r.returncode != 0 or os.path.getsize(out + '.tmp') != size:
            raise KitError('%s: lz4 could not unpack the payload' % src)
        with open(out + '.tmp', 'rb') as f:
            if f.read(4) != b'\x7fELF':
                raise KitError('%s: the payload is not an ELF vmlinux' % src)
        os.replace(out + '.tmp', out)

    def l1_base(self):
        init = os.path.join(HERE, 'l1-init.sh')
        mods = [self.module(m) for m in L1_MODULES]
        runner = self.qmp_case()
        l2i = self.l2_initrd()
        key = stat_key(init, runner, l2i, self.l2_kernel(), *mods)

        def fill(c):
            self._busybox_into(c)
            c.dir('/usr/bin')
            c.file('/init', init, 0o755)
            c.file('/bin/qmp-case', runner, 0o755)
            for m in mods:
                c.file('/lib/modules/' + os.path.basename(m), m, 0o644)
            c.file(L1_L2_KERNEL, self.l2_kernel(), 0o644)
            c.file(L1_L2_INITRD, l2i, 0o644)
        return self._layer('l1-base.cpio', key, fill)

    @staticmethod
    def shared_libs(binary):
        """Absolute paths `ldd` lists for @binary (none if static)."""
        r = subprocess.run(['ldd', binary], capture_output=True, text=True)
        if r.returncode != 0:
            return []
        return sorted(set(re.findall(r'(/\S+) \(0x', r.stdout)))

    def _binary_layer(self, name, binary, dest, extra=()):
        libs = self.shared_libs(binary)
        key = stat_key(binary, *libs, *[src for src, _ in extra])

        def fill(c):
            c.file(dest, binary, 0o755)
            for lib in libs:
                c.file(lib, os.path.realpath(lib), 0o755)
            for src, dst in extra:
                c.file(dst, src, 0o644)
        return self._layer(name, key, fill)

    def l1_vigil(self, vigil):
        return self._binary_layer('l1-vigil.cpio', os.path.abspath(vigil),
                                  L1_VIGIL)

    def l1_qemu(self):
        qemu = shutil.which('qemu-system-x86_64')
        if not qemu:
            raise KitError('no qemu-system-x86_64: install qemu-system-x86')
        fw = []
        for f in QEMU_FIRMWARE:
            for d in FIRMWARE_DIRS:
                if os.path.exists(os.path.join(d, f)):
                    fw.append((os.path.realpath(os.path.join(d, f)),
                               L1_FW + '/' + f))
                    break
        fw += [(m, m) for m in QEMU_MODULES if os.path.exists(m)]
        return self._binary_layer('l1-qemu.cpio', qemu, L1_QEMU, fw)

    def l1_libvirt(self):
        """Layer with libvirtd, virsh, libvirt's qemu connection driver,
        every library they load (ldd lists the whole closure), libvirt's
        CPU map and config defaults, /etc/passwd and /etc/group with the
        libvirt-qemu user, and the case runner (l1-libvirt.sh).  Debian's
        QEMU finds its firmware through /usr/share/qemu -> /fw when the
        QEMU layer is there too."""
        bins = LIBVIRT_BINARIES + LIBVIRT_MODULES
        for b in bins:
            if not os.path.exists(b):
                raise KitError('no %s: install libvirt-daemon-driver-qemu '
                               'libvirt-daemon libvirt-clients' % b)
        libs = sorted(set(lib for b in bins for lib in self.shared_libs(b)))
        data = [os.path.join(d, f) for d in LIBVIRT_DATA_DIRS
                for f in sorted(os.listdir(d))]
        conf = [c for c in LIBVIRT_CONFIG if os.path.exists(c)]
        runner = os.path.join(HERE, 'l1-libvirt.sh')
        key = stat_key(runner, *bins, *libs, *data, *conf)

        def fill(c):
            for b in bins:
                c.file(b, b, 0o755)
            for lib in libs:
                c.file(lib, os.path.realpath(lib), 0o755)
            for f in data + conf:
                c.file(f, f, 0o644)
            c.file(L1_LIBVIRT_RUNNER, runner, 0o755)
            c.data('/etc/passwd', L1_PASSWD.encode())
            c.data('/etc/group', L1_GROUP.encode())
            c.data('/etc/nsswitch.conf', L1_NSSWITCH.encode())
            c.data('/etc/hosts', b'127.0.0.1 localhost\n')
            c.symlink('/usr/share/qemu', L1_FW)
            c.dir('/run')
            c.symlink('/var/run', '/run')
        return self._layer('l1-libvirt.cpio', key, fill)

    def l1_makedumpfile(self):
        """Layer with Debian's makedumpfile and its libraries, for cases
        that read their kdump-compressed dumps back in L1."""
        mdf = shutil.which('makedumpfile')
        if not mdf:
            raise KitError('no makedumpfile: install makedumpfile')
        return self._binary_layer('l1-makedumpfile.cpio',
                                  os.path.realpath(mdf), L1_MAKEDUMPFILE)

    def l1_vmlinux(self):
        """Layer with the unpacked vmlinux (53 MB: only when a case uses it)."""
        vml = self.l2_vmlinux()

        def fill(c):
            c.file(L1_L2_VMLINUX, vml, 0o644)
        return self._layer('l1-vmlinux.cpio', stat_key(vml), fill)

    def l1_image(self, out, cases_text, vigil=None, qemu=False,
                 vmlinux=False, libvirt=None, makedumpfile=False):
        """Write the L1 initramfs to @out: base + VMMs + /cases.txt.

        @libvirt: {in-L1 path: text} for a libvirt group, with the case
        list at L1_LIBVIRT_CASES (l1-libvirt.sh) and the domain XMLs; it
        adds the libvirt layer."""
        layers = [self.l1_base()]
        if vmlinux:
            layers.append(self.l1_vmlinux())
        if libvirt:
            layers.append(self.l1_libvirt())
        if vigil:
            layers.append(self.l1_vigil(vigil))
        if qemu:
            layers.append(self.l1_qemu())
        if makedumpfile:
            layers.append(self.l1_makedumpfile())
        with open(out, 'wb') as f:
            for layer in layers:
                with open(layer, 'rb') as s:
                    shutil.copyfileobj(s, f, 1 << 22)
            c = Cpio(f)
            c.data('/cases.txt', cases_text.encode())
            for path, text in sorted((libvirt or {}).items()):
                c.data(path, text.encode())
            c.trailer()
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('build_dir')
    ap.add_argument('--vigil', help='also build the L1 layer for this binary')
    ap.add_argument('--qemu', action='store_true',
                    help='also build the L1 layer with Debian QEMU')
    ap.add_argument('--vmlinux', action='store_true',
                    help='also unpack the ELF vmlinux (PVH boot)')
    ap.add_argument('--libvirt', action='store_true',
                    help='also build the L1 layer with libvirt')
    ap.add_argument('--packages', action='store_true',
                    help='print the Debian packages needed and exit')
    a = ap.parse_args()
    if a.packages:
        print(' '.join(DEBIAN_PACKAGES))
        return 0
    kit = Kit(a.build_dir)
    print('kernel', kit.l2_kernel())
    print('l2-initrd', kit.l2_initrd())
    print('l1-base', kit.l1_base())
    if a.vmlinux:
        print('l2-vmlinux', kit.l2_vmlinux())
    if a.vigil:
        print('l1-vigil', kit.l1_vigil(a.vigil))
    if a.qemu:
        print('l1-qemu', kit.l1_qemu())
    if a.libvirt:
        print('l1-libvirt', kit.l1_libvirt())
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KitError as e:
        print('kit: error: ' + str(e), file=sys.stderr)
        sys.exit(1)
