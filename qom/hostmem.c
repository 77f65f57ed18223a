/*
 * Memory backends: host memory that guest RAM can come from
 * (-object memory-backend-{ram,memfd,file} with -machine memory-backend=ID).
 *
 * As in QEMU: "ram" is anonymous memory (private, or shared with
 * share=on), "memfd" a sealed memfd mapped shared by default, "file" a
 * file or a fresh unlinked file in a directory (mem-path).  The memory is
 * mapped when the object is completed, 2 MiB aligned (or align=) so KVM
 * can back it with huge pages; dump=off excludes it from core dumps
 * (MADV_DONTDUMP), merge=on offers it to KSM (MADV_MERGEABLE), prealloc=on
 * faults every page in up front (with prealloc-threads threads),
 * reserve=off maps it MAP_NORESERVE.  dump and merge default to the
 * machine's dump-guest-core and mem-merge.
 */
#include "qom/object.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define DEFAULT_ALIGN ((uint64_t)2 << 20)

typedef struct HostMemoryBackend {
    UserObject parent_obj;
    /* every backend */
    uint64_t size;
    bool share, dump, merge, prealloc, reserve;
    uint64_t prealloc_threads;
    int policy;
    char *host_nodes, *prealloc_context, *canonical_path;
    /* memory-backend-file */
    char *mem_path;
    uint64_t align;
    bool discard_data;
    char *pmem, *readonly;
    /* memory-backend-memfd */
    bool hugetlb, seal;
    uint64_t hugetlbsize;
    /* after complete() */
    uint8_t *host;
    bool claimed;
} HostMemoryBackend;

static HostMemoryBackend *backend(UserObject *obj)
{
    return container_of(obj, HostMemoryBackend, parent_obj);
}

static const char *const policy_values[] = {"default", NULL};

static void backend_init(UserObject *obj)
{
    HostMemoryBackend *b = backend(obj);

    b->dump = b->merge = b->reserve = true;
    b->prealloc_threads = 1;
}

static void memfd_init(UserObject *obj)
{
    backend(obj)->share = true;
    backend(obj)->seal = true;
}

/*
 * Map @size bytes of @fd (-1: anonymous) at an @align-aligned address:
 * reserve a larger range, map over its aligned part, give back the rest.
 */
static bool map_aligned(uint64_t size, uint64_t align, int flags, int fd,
                        uint8_t **out, GError **errp)
{
    uint8_t *resv, *p;
    size_t head, tail;

    resv = mmap(NULL, size + align, PROT_NONE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (resv == MAP_FAILED) {
        error_setg(errp, "%s", g_strerror(errno));
        return false;
    }
    p = (uint8_t *)(((uintptr_t)resv + align - 1) & ~(uintptr_t)(align - 1));
    if (mmap(p, size, PROT_READ | PROT_WRITE,
             flags | MAP_FIXED | (fd < 0 ? MAP_ANONYMOUS : 0), fd,
             0) == MAP_FAILED) {
        error_setg(errp, "%s", g_strerror(errno));
        munmap(resv, size + align);
        return false;
    }
    head = p - resv;
    tail = align - head;
    if (head) {
        munmap(resv, head);
    }
    if (tail) {
        munmap(p + size, tail);
    }
    *out = p;
    return true;
}

typedef struct PreallocJob {
    uint8_t *start;
    size_t len;
    int err;
} PreallocJob;

/* Touch each page; reading then writing keeps file contents intact. */
static gpointer prealloc_thread(gpointer opaque)
{
    PreallocJob *j = opaque;
    long page = sysconf(_SC_PAGESIZE);

    if (madvise(j->start, j->len, MADV_POPULATE_WRITE) == 0) {
        return NULL;
    }
    if (errno != EINVAL) {
        j->err = errno;
        return NULL;
    }
    for (size_t off = 0; off < j->len; off += page) {
        /* Adding 0 writes the page without changing it. */
        __atomic_fetch_add(j->start + off, 0, __ATOMIC_RELAXED);
    }
    return NULL;
}

static bool prealloc(HostMemoryBackend *b, GError **errp)
{
    uint64_t n = b->prealloc_threads ? b->prealloc_threads : 1;
    uint64_t chunk = ((b->size / n) + DEFAULT_ALIGN - 1) & ~(DEFAULT_ALIGN - 1);
    PreallocJob *jobs = g_new0(PreallocJob, n);
    GThread **threads = g_new0(GThread *, n);
    int err = 0;

    for (uint64_t i = 0; i < n; i++) {
        uint64_t off = i * chunk;

        if (off >= b->size) {
            break;
        }
        jobs[i].start = b->host + off;
        jobs[i].len = MIN(chunk, b->size - off);
        threads[i] = g_thread_new("prealloc", prealloc_thread, &jobs[i]);
    }
    for (uint64_t i = 0; i < n; i++) {
        if (threads[i]) {
            g_thread_join(threads[i]);
            err = err ? err : jobs[i].err;
        }
    }
    g_free(threads);
    g_free(jobs);
    if (err) {
        error_setg(errp, "qemu_prealloc_mem: preallocating memory failed: %s",
                   g_strerror(err));
        return false;
    }
    return true;
}

/* memory-backend-memfd: a memfd of the right size, sealed if asked. */
static int memfd_open(HostMemoryBackend *b, GError **errp)
{
    unsigned flags = MFD_CLOEXEC | (b->seal ? MFD_ALLOW_SEALING : 0);
    int fd;

    if (b->hugetlb) {
        flags |= MFD_HUGETLB;
        if (b->hugetlbsize) {
            if (b->hugetlbsize & (b->hugetlbsize - 1)) {
                error_setg(errp, "Invalid hugetlbsize %" G_GUINT64_FORMAT,
                           b->hugetlbsize);
                return -1;
            }
            flags |= (unsigned)g_bit_nth_lsf(b->hugetlbsize, -1)
                     << MAP_HUGE_SHIFT; /* == MFD_HUGE_SHIFT */
        }
    } else if (b->hugetlbsize) {
        error_setg(errp, "hugetlbsize requires hugetlb=on");
        return -1;
    }
    fd = memfd_create(b->parent_obj.id, flags);
    if (fd < 0) {
        error_setg(errp, "failed to create memfd: %s", g_strerror(errno));
        return -1;
    }
    if (ftruncate(fd, b->size) < 0 ||
        (b->seal && fcntl(fd, F_ADD_SEALS,
                          F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0)) {
        error_setg(errp, "failed to create memfd: %s", g_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* memory-backend-file: the file, or a fresh unlinked one in a directory. */
static int file_open(HostMemoryBackend *b, GError **errp)
{
    struct stat st;
    int fd;

    if (stat(b->mem_path, &st) == 0 && S_ISDIR(st.st_mode)) {
        g_autofree char *tmpl = g_strdup_printf("%s/qemu_back_mem.%s.XXXXXX",
                                                b->mem_path, b->parent_obj.id);

        fd = g_mkstemp_full(tmpl, O_RDWR | O_CLOEXEC, 0600);
        if (fd >= 0) {
            unlink(tmpl);
        }
    } else {
        fd = open(b->mem_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    }
    if (fd < 0 || fstat(fd, &st) < 0) {
        error_setg(errp, "can't open backing store %s for guest RAM: %s",
                   b->mem_path, g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    if (st.st_size && (uint64_t)st.st_size < b->size) {
        error_setg(errp,
                   "backing store size 0x%" G_GINT64_MODIFIER "x does not "
                   "match 'size' option 0x%" G_GINT64_MODIFIER "x",
                   (guint64)st.st_size, b->size);
        close(fd);
        return -1;
    }
    if (!st.st_size && ftruncate(fd, b->size) < 0) {
        error_setg(errp, "can't open backing store %s for guest RAM: %s",
                   b->mem_path, g_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static bool backend_complete(UserObject *obj, GError **errp)
{
    HostMemoryBackend *b = backend(obj);
    uint64_t align = b->align ? b->align : DEFAULT_ALIGN;
    int flags = (b->share ? MAP_SHARED : MAP_PRIVATE) |
                (b->reserve ? 0 : MAP_NORESERVE);
    g_autoptr(GError) err = NULL;
    int fd = -1;
    bool ok;

    if (!b->size) {
        error_setg(errp, "can't create backend with size 0");
        return false;
    }
    if (b->size > SIZE_MAX - align) {
        error_setg(errp, "backend size 0x%" G_GINT64_MODIFIER "x is too large",
                   b->size);
        return false;
    }
    if (align & (align - 1)) {
        error_setg(errp,
                   "Memory alignment 0x%" G_GINT64_MODIFIER "x must be "
                   "a power of two",
                   align);
        return false;
    }
    if (obj->type == &memory_backend_memfd_type) {
        fd = memfd_open(b, errp);
    } else if (obj->type == &memory_backend_file_type) {
        fd = file_open(b, errp);
    }
    if (fd < 0 && obj->type != &memory_backend_ram_type) {
        return false;
    }
    ok = map_aligned(b->size, align, flags, fd, &b->host, &err);
    if (fd >= 0) {
        close(fd); /* the mapping keeps the file */
    }
    if (!ok) {
        error_setg(errp, "cannot set up guest memory '%s': %s", obj->id,
                   err->message);
        return false;
    }
    if (!b->dump) {
        madvise(b->host, b->size, MADV_DONTDUMP);
    }
    if (b->merge) {
        madvise(b->host, b->size, MADV_MERGEABLE);
    }
    if (fd < 0 && !b->share && b->size > DEFAULT_ALIGN) {
        /* As the machine's own RAM: small pages for the boot data. */
        madvise(b->host + DEFAULT_ALIGN, b->size - DEFAULT_ALIGN,
                MADV_HUGEPAGE);
    }
    return !b->prealloc || prealloc(b, errp);
}

static void backend_finalize(UserObject *obj)
{
    HostMemoryBackend *b = backend(obj);

    if (!b->host) {
        return;
    }
    if (b->discard_data) {
        /* Drop the file's pages instead of writing them back. */
        madvise(b->host, b->size, MADV_REMOVE);
    }
    munmap(b->host, b->size);
    b->host = NULL;
}

static HostMemoryBackend *find_backend(const char *id, GError **errp)
{
    UserObject *obj = user_object_find(id);

    if (!obj || !object_type_is_a(obj->type, "memory-backend")) {
        error_setg(errp, "Memory backend '%s' not found", id);
        return NULL;
    }
    return backend(obj);
}

bool memory_backend_size(const char *id, uint64_t *size, GError **errp)
{
    HostMemoryBackend *b = find_backend(id, errp);

    if (b) {
        *size = b->size;
    }
    return b != NULL;
}

bool memory_backend_claim(const char *id, void **host, uint64_t *size,
                          GError **errp)
{
    HostMemoryBackend *b = find_backend(id, errp);

    if (!b) {
        return false;
    }
    if (b->claimed) {
        error_setg(errp, "memory backend %s can't be used multiple times.", id);
        return false;
    }
    if (!b->host) {
        error_setg(errp, "Memory backend '%s' is not ready", id);
        return false;
    }
    b->claimed = true;
    *host = b->host;
    *size = b->size;
    return true;
}

#define B(field)         offsetof(HostMemoryBackend, field)
#define NUMA_UNSUPPORTED "Vigil has no NUMA support"

static const ObjectProp backend_props[] = {
    {"share", OBJ_PROP_BOOL, "bool",
     "Mark the memory as private to QEMU or shared", B(share),
     .runtime = OBJ_RUNTIME_FIXED},
    {"size", OBJ_PROP_SIZE, "int", "Size of the memory region (ex: 500M)",
     B(size), .required = true, .runtime = OBJ_RUNTIME_FIXED_SIZE},
    {"dump", OBJ_PROP_BOOL, "bool", "Set to 'off' to exclude from core dump",
     B(dump)},
    {"prealloc-threads", OBJ_PROP_UINT, "int",
     "Number of CPU threads to use for prealloc", B(prealloc_threads)},
    {"x-use-canonical-path-for-ramblock-id", OBJ_PROP_STR, "bool", NULL,
     B(canonical_path),
     .unsupported = "Vigil has no migration, so no RAM block ids"},
    {"policy", OBJ_PROP_ENUM, "HostMemPolicy", "Set the NUMA policy", B(policy),
     policy_values},
    {"prealloc-context", OBJ_PROP_STR, "link<thread-context>", NULL,
     B(prealloc_context), .unsupported = "Vigil has no thread-context objects"},
    {"prealloc", OBJ_PROP_BOOL, "bool", "Preallocate memory", B(prealloc)},
    {"reserve", OBJ_PROP_BOOL, "bool",
     "Reserve swap space (or huge pages) if applicable", B(reserve),
     .runtime = OBJ_RUNTIME_FIXED},
    {"host-nodes", OBJ_PROP_STR, "int", NULL, B(host_nodes),
     .unsupported = NUMA_UNSUPPORTED},
    {"merge", OBJ_PROP_BOOL, "bool", "Mark memory as mergeable", B(merge)},
    {NULL},
};

static const ObjectProp file_props[] = {
    {"align", OBJ_PROP_SIZE, "int", NULL, B(align),
     .runtime = OBJ_RUNTIME_FIXED_NAMED},
    {"mem-path", OBJ_PROP_STR, "string", NULL, B(mem_path), .required = true,
     .runtime = OBJ_RUNTIME_FIXED_NAMED},
    {"discard-data", OBJ_PROP_BOOL, "bool", NULL, B(discard_data)},
    {"pmem", OBJ_PROP_STR, "bool", NULL, B(pmem),
     .unsupported = "persistent memory is not implemented"},
    {"readonly", OBJ_PROP_STR, "bool", NULL, B(readonly),
     .unsupported = "read-only guest RAM is not implemented"},
    {NULL},
};

static const ObjectProp memfd_props[] = {
    {"hugetlb", OBJ_PROP_BOOL, "bool", "Use huge pages", B(hugetlb)},
    {"seal", OBJ_PROP_BOOL, "bool", "Seal growing & shrinking", B(seal)},
    {"hugetlbsize", OBJ_PROP_SIZE, "int", "Huge pages size (ex: 2M, 1G)",
     B(hugetlbsize), .runtime = OBJ_RUNTIME_FIXED},
    {NULL},
};

/*
 * qom-set after creation, as QEMU's setters: dump and merge change the
 * advice on the mapping, prealloc=on preallocates now (off does nothing);
 * the rest (prealloc-threads, policy, discard-data, seal, hugetlb) is
 * only stored.  Sizes, share, reserve, paths refuse (ObjectProp.runtime).
 */
static bool backend_changed(UserObject *obj, const ObjectProp *p, GError **errp)
{
    HostMemoryBackend *b = backend(obj);

    if (!b->host) {
        return true;
    }
    if (p->offset == B(dump)) {
        madvise(b->host, b->size, b->dump ? MADV_DODUMP : MADV_DONTDUMP);
    } else if (p->offset == B(merge)) {
        madvise(b->host, b->size, b->merge ? MADV_MERGEABLE : MADV_UNMERGEABLE);
    } else if (p->offset == B(prealloc) && b->prealloc) {
        if (!prealloc(b, errp)) {
            b->prealloc = false;
            return false;
        }
    }
    return true;
}

/* Guest RAM lives in it (memory_backend_claim()): never deleted. */
static bool backend_in_use(UserObject *obj)
{
    return backend(obj)->claimed;
}

const ObjectType memory_backend_type = {
    .name = "memory-backend",
    .parent = "object",
    .abstract = true,
    .instance_size = sizeof(HostMemoryBackend),
    .props = backend_props,
    .instance_init = backend_init,
};

const ObjectType memory_backend_ram_type = {
    .name = "memory-backend-ram",
    .parent = "memory-backend",
    .instance_size = sizeof(HostMemoryBackend),
    .complete = backend_complete,
    .finalize = backend_finalize,
    .in_use = backend_in_use,
    .changed = backend_changed,
};

const ObjectType memory_backend_memfd_type = {
    .name = "memory-backend-memfd",
    .parent = "memory-backend",
    .instance_size = sizeof(HostMemoryBackend),
    .props = memfd_props,
    .instance_init = memfd_init,
    .complete = backend_complete,
    .finalize = backend_finalize,
    .in_use = backend_in_use,
    .changed = backend_changed,
};

const ObjectType memory_backend_file_type = {
    .name = "memory-backend-file",
    .parent = "memory-backend",
    .instance_size = sizeof(HostMemoryBackend),
    .props = file_props,
    .complete = backend_complete,
    .finalize = backend_finalize,
    .in_use = backend_in_use,
    .changed = backend_changed,
};
