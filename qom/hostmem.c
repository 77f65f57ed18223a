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
 * machine's dump-guest-core and mem-merge.  policy and host-nodes bind the
 * memory to host NUMA nodes with mbind(), as QEMU does; readonly=on maps
 * a file read-only.
 */
#include "qom/object.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "qobject/json-writer.h"

#define DEFAULT_ALIGN ((uint64_t)2 << 20)
#define MAX_NODES     128 /* QEMU's limit on host-nodes values */

typedef struct HostMemoryBackend {
    UserObject parent_obj;
    /* every backend */
    uint64_t size;
    bool share, dump, merge, prealloc, reserve;
    uint64_t prealloc_threads;
    int policy;
    char *host_nodes; /* the text of host_node_bits, e.g. "0,1" */
    char *prealloc_context;
    bool canonical_path;
    /* QEMU's MAX_NODES bits, and one more for mbind()'s maxnode. */
    unsigned long host_node_bits[(MAX_NODES + 1 + 63) / 64];
    /* memory-backend-file */
    char *mem_path;
    uint64_t align;
    bool discard_data;
    bool pmem, readonly;
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

/* QEMU's HostMemPolicy, in the order of Linux's MPOL_* modes. */
static const char *const policy_values[] = {"default", "preferred", "bind",
                                            "interleave", NULL};
enum { MPOL_DEFAULT_ = 0 };

#define BITS_PER_UL (8 * sizeof(unsigned long))

static bool node_bit(const HostMemoryBackend *b, unsigned n)
{
    return b->host_node_bits[n / BITS_PER_UL] >> (n % BITS_PER_UL) & 1;
}

/* One more than the highest node set: mbind()'s maxnode less one. */
static unsigned node_count(const HostMemoryBackend *b)
{
    unsigned last = 0;

    for (unsigned n = 0; n < MAX_NODES; n++) {
        if (node_bit(b, n)) {
            last = n + 1;
        }
    }
    return last;
}

static void nodes_to_text(HostMemoryBackend *b)
{
    GString *s = g_string_new(NULL);

    for (unsigned n = 0; n < MAX_NODES; n++) {
        if (node_bit(b, n)) {
            g_string_append_printf(s, "%s%u", s->len ? "," : "", n);
        }
    }
    g_free(b->host_nodes);
    b->host_nodes = g_string_free(s, s->len == 0);
}

/*
 * host-nodes: QEMU adds the nodes given to those already set (a second
 * qom-set does not clear the first's), after checking every value.
 */
static bool add_nodes(HostMemoryBackend *b, const uint64_t *nodes, size_t n,
                      GError **errp)
{
    for (size_t i = 0; i < n; i++) {
        if (nodes[i] >= MAX_NODES) {
            error_setg(errp, "Invalid host-nodes value: %" G_GUINT64_FORMAT,
                       nodes[i]);
            return false;
        }
    }
    for (size_t i = 0; i < n; i++) {
        b->host_node_bits[nodes[i] / BITS_PER_UL] |=
            1UL << (nodes[i] % BITS_PER_UL);
    }
    nodes_to_text(b);
    return true;
}

/* -object text: "N" or "N-M" (QEMU's option visitor); repeated keys add. */
static bool nodes_from_text(const char *text, GArray *nodes, GError **errp)
{
    uint64_t lo, hi;
    char *end;

    errno = 0;
    lo = g_ascii_strtoull(text, &end, 10);
    hi = lo;
    if (g_ascii_isdigit(*text) && *end == '-' && g_ascii_isdigit(end[1])) {
        hi = g_ascii_strtoull(end + 1, &end, 10);
    }
    if (!g_ascii_isdigit(*text) || *end || errno || hi < lo ||
        hi - lo >= 65536) {
        error_setg(errp, "Parameter 'host-nodes' expects a uint64 value or "
                         "range");
        return false;
    }
    if (hi > UINT16_MAX) {
        error_setg(errp, "Parameter 'null' expects uint16_t");
        return false;
    }
    for (uint64_t n = lo; n <= hi; n++) {
        g_array_append_val(nodes, n);
    }
    return true;
}

/* JSON: a list of uint16 (QEMU's visitor names a bad element 'null'). */
static bool nodes_from_json(json_t *json, GArray *nodes, GError **errp)
{
    size_t i;
    json_t *e;

    if (!json_is_array(json)) {
        error_setg(errp,
                   "Invalid parameter type for 'host-nodes', expected: array");
        return false;
    }
    json_array_foreach(json, i, e)
    {
        uint64_t n;

        if (!json_is_integer(e)) {
            error_setg(errp, "Parameter 'host-nodes[%zu]' expects uint64", i);
            return false;
        }
        if (json_integer_value(e) < 0 || json_integer_value(e) > UINT16_MAX) {
            error_setg(errp, "Parameter 'null' expects uint16_t");
            return false;
        }
        n = (uint64_t)json_integer_value(e);
        g_array_append_val(nodes, n);
    }
    return true;
}

static bool parse_host_nodes(UserObject *obj, const ObjectProp *p,
                             const char *text, json_t *json, GError **errp)
{
    g_autoptr(GArray) nodes = g_array_new(false, false, sizeof(uint64_t));

    if (text ? !nodes_from_text(text, nodes, errp)
             : !nodes_from_json(json, nodes, errp)) {
        return false;
    }
    return add_nodes(backend(obj), (const uint64_t *)(void *)nodes->data,
                     nodes->len, errp);
}

static json_t *get_host_nodes(const UserObject *obj, const ObjectProp *p)
{
    const HostMemoryBackend *b =
        container_of(obj, const HostMemoryBackend, parent_obj);
    json_t *list = json_array();

    for (unsigned n = 0; n < MAX_NODES; n++) {
        if (node_bit(b, n)) {
            json_array_append_new(list, json_integer(n));
        }
    }
    return list;
}

/*
 * prealloc-context: a link to a thread-context object, a type Vigil does
 * not have, so only "" (no link) is accepted, with QEMU's errors for an
 * object of another type and for a path that names nothing.
 */
static bool parse_prealloc_context(UserObject *obj, const ObjectProp *p,
                                   const char *text, json_t *json,
                                   GError **errp)
{
    HostMemoryBackend *b = backend(obj);
    const char *path = text;

    if (json) {
        if (!json_is_string(json)) {
            error_setg(errp,
                       "Invalid parameter type for '%s', expected: string",
                       p->name);
            return false;
        }
        path = json_string_value(json);
    }
    if (!*path) {
        g_clear_pointer(&b->prealloc_context, g_free);
        return true;
    }
    if (user_object_find(g_str_has_prefix(path, "/objects/") ? path + 9
                                                             : path)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   p->name, "thread-context");
        return false;
    }
    g_set_error(errp, VIGIL_ERROR, VIGIL_ERROR_DEVICE_NOT_FOUND,
                "Device '%s' not found", path);
    return false;
}

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
static bool map_aligned(uint64_t size, uint64_t align, int prot, int flags,
                        int fd, uint8_t **out, GError **errp)
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
    if (mmap(p, size, prot, flags | MAP_FIXED | (fd < 0 ? MAP_ANONYMOUS : 0),
             fd, 0) == MAP_FAILED) {
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
    bool readonly; /* a read-only mapping: fault pages in by reading */
    int err;
} PreallocJob;

/* Touch each page; reading then writing keeps file contents intact. */
static gpointer prealloc_thread(gpointer opaque)
{
    PreallocJob *j = opaque;
    long page = sysconf(_SC_PAGESIZE);

    if (j->readonly) {
        if (madvise(j->start, j->len, MADV_POPULATE_READ) == 0) {
            return NULL;
        }
        for (size_t off = 0; off < j->len; off += page) {
            (void)__atomic_load_n(j->start + off, __ATOMIC_RELAXED);
        }
        return NULL;
    }
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
        jobs[i].readonly = b->readonly;
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
        /* QEMU: readonly opens an existing file read-only, but creates a
         * missing one read-write. */
        fd = open(b->mem_path, (b->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
            fd = open(b->mem_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        }
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

/*
 * QEMU's NUMA check at allocation: the policy and host-nodes must agree,
 * then mbind() (strict, moving pages already there) with one more node
 * than the highest set, as QEMU passes it.
 */
static bool bind_nodes(HostMemoryBackend *b, GError **errp)
{
    unsigned maxnode = node_count(b);

    if (maxnode && b->policy == MPOL_DEFAULT_) {
        error_setg(errp, "host-nodes must be empty for policy default, or you "
                         "should explicitly specify a policy other than "
                         "default");
        return false;
    }
    if (!maxnode && b->policy != MPOL_DEFAULT_) {
        error_setg(errp, "host-nodes must be set for policy %s",
                   policy_values[b->policy]);
        return false;
    }
    if (maxnode &&
        syscall(SYS_mbind, b->host, b->size, b->policy, b->host_node_bits,
                maxnode + 1, 1 /* MPOL_MF_STRICT */ | 2 /* MPOL_MF_MOVE */)) {
        error_setg(errp, "cannot bind memory to host NUMA nodes: %s",
                   g_strerror(errno));
        return false;
    }
    return true;
}

static bool backend_complete(UserObject *obj, GError **errp)
{
    HostMemoryBackend *b = backend(obj);
    uint64_t align = b->align ? b->align : DEFAULT_ALIGN;
    int flags = (b->share ? MAP_SHARED : MAP_PRIVATE) |
                (b->reserve ? 0 : MAP_NORESERVE);
    int prot = b->readonly ? PROT_READ : PROT_READ | PROT_WRITE;
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
    ok = map_aligned(b->size, align, prot, flags, fd, &b->host, &err);
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
    return bind_nodes(b, errp) && (!b->prealloc || prealloc(b, errp));
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
    if (b->readonly) {
        /* Vigil writes guest RAM itself (firmware, boot data). */
        error_setg(errp,
                   "Vigil cannot use read-only memory backend '%s' as "
                   "guest RAM",
                   id);
        return false;
    }
    b->claimed = true;
    *host = b->host;
    *size = b->size;
    return true;
}

#define B(field) offsetof(HostMemoryBackend, field)

/* QEMU's properties, in its order (qom-list-properties). */
static const ObjectProp backend_props[] = {
    {"share", OBJ_PROP_BOOL, "bool",
     "Mark the memory as private to QEMU or shared", B(share),
     .runtime = OBJ_RUNTIME_FIXED},
    {"size", OBJ_PROP_SIZE, "int", "Size of the memory region (ex: 500M)",
     B(size), .required = true, .runtime = OBJ_RUNTIME_FIXED_SIZE},
    {"dump", OBJ_PROP_BOOL, "bool", "Set to 'off' to exclude from core dump",
     B(dump)},
    {"prealloc-threads", OBJ_PROP_UINT, "int",
     "Number of CPU threads to use for prealloc", B(prealloc_threads), .min = 1,
     .max = UINT32_MAX, .max_ctype = "uint32_t"},
    /* Only names RAM blocks for migration, which Vigil does not have. */
    {"x-use-canonical-path-for-ramblock-id", OBJ_PROP_BOOL, "bool", NULL,
     B(canonical_path)},
    {"policy", OBJ_PROP_ENUM, "HostMemPolicy", "Set the NUMA policy", B(policy),
     policy_values},
    {"prealloc-context", OBJ_PROP_STR, "link<thread-context>",
     "Context to use for creating CPU threads for preallocation",
     B(prealloc_context), .parse = parse_prealloc_context},
    {"prealloc", OBJ_PROP_BOOL, "bool", "Preallocate memory", B(prealloc)},
    {"reserve", OBJ_PROP_BOOL, "bool",
     "Reserve swap space (or huge pages) if applicable", B(reserve),
     .runtime = OBJ_RUNTIME_FIXED},
    {"host-nodes", OBJ_PROP_STR, "int",
     "Binds memory to the list of NUMA host nodes", B(host_nodes),
     .parse = parse_host_nodes, .get = get_host_nodes},
    {"merge", OBJ_PROP_BOOL, "bool", "Mark memory as mergeable", B(merge)},
    {NULL},
};

static const ObjectProp file_props[] = {
    {"readonly", OBJ_PROP_BOOL, "bool", NULL, B(readonly),
     .runtime = OBJ_RUNTIME_FIXED_DOT},
    {"align", OBJ_PROP_SIZE, "int", NULL, B(align),
     .runtime = OBJ_RUNTIME_FIXED_NAMED},
    /* Stored; Vigil maps the file as any other (no MAP_SYNC). */
    {"pmem", OBJ_PROP_BOOL, "bool", NULL, B(pmem),
     .runtime = OBJ_RUNTIME_FIXED_DOT},
    {"mem-path", OBJ_PROP_STR, "string", NULL, B(mem_path), .required = true,
     .runtime = OBJ_RUNTIME_FIXED_NAMED},
    {"discard-data", OBJ_PROP_BOOL, "bool", NULL, B(discard_data)},
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
 * the rest (prealloc-threads, policy, host-nodes, discard-data, seal,
 * hugetlb, ...) is only stored, as QEMU binds the memory only once.
 * Sizes, share, reserve, paths, pmem, readonly refuse (ObjectProp.runtime).
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
