/*
 * Just enough of an AML walker to find a device by _HID, the way an OS
 * namespace loader does: descend into Scope and Device, read Name
 * objects, skip everything else by its package length.
 */
#include <stdbool.h>
#include <stdint.h>

typedef struct Cursor {
    const uint8_t *p, *end;
} Cursor;

typedef struct DevInfo {
    bool hid_match;
    int port;
} DevInfo;

int aml_find_pvpanic_port(const uint8_t *aml, uint32_t len);

/* PkgLength: returns the end of the package, or NULL on error. */
static const uint8_t *pkg_end(Cursor *c)
{
    const uint8_t *start = c->p;
    uint32_t lead, len, extra;

    if (c->p >= c->end) {
        return 0;
    }
    lead = *c->p++;
    extra = lead >> 6;
    len = extra ? (lead & 0x0f) : (lead & 0x3f);
    for (uint32_t i = 0; i < extra; i++) {
        if (c->p >= c->end) {
            return 0;
        }
        len |= (uint32_t)*c->p++ << (4 + 8 * i);
    }
    return start + len <= c->end ? start + len : 0;
}

/* NameString: returns its last 4-character segment (or NULL). */
static const uint8_t *name_string(Cursor *c)
{
    const uint8_t *seg = 0;
    uint32_t n = 1;

    while (c->p < c->end && (*c->p == '\\' || *c->p == '^')) {
        c->p++;
    }
    if (c->p >= c->end) {
        return 0;
    }
    if (*c->p == 0x00) { /* NullName */
        c->p++;
        return 0;
    }
    if (*c->p == 0x2e) { /* DualNamePrefix */
        c->p++;
        n = 2;
    } else if (*c->p == 0x2f) { /* MultiNamePrefix */
        c->p++;
        n = c->p < c->end ? *c->p++ : 0;
    }
    for (uint32_t i = 0; i < n && c->p + 4 <= c->end; i++) {
        seg = c->p;
        c->p += 4;
    }
    return seg;
}

static bool name_is(const uint8_t *seg, const char *name)
{
    const uint8_t *s = (const uint8_t *)name;

    return seg && seg[0] == s[0] && seg[1] == s[1] && seg[2] == s[2] &&
           seg[3] == s[3];
}

/* First I/O port descriptor in a resource template buffer, or -1. */
static int crs_io_port(const uint8_t *p, const uint8_t *end)
{
    while (p < end) {
        if (*p & 0x80) { /* large item */
            if (p + 3 > end) {
                return -1;
            }
            p += 3 + (p[1] | p[2] << 8);
        } else if ((*p & 0x78) == 0x78) { /* end tag */
            return -1;
        } else if ((*p & 0x78) == 0x40 && p + 8 <= end) { /* IO */
            return p[2] | p[3] << 8;
        } else {
            p += 1 + (*p & 7);
        }
    }
    return -1;
}

/* A DataRefObject; fills @dev when it is the _HID or _CRS we want. */
static bool data_object(Cursor *c, const uint8_t *name, DevInfo *dev)
{
    const uint8_t *end, *s;
    static const uint8_t sizes[] = {
        [0x0a] = 1, [0x0b] = 2, [0x0c] = 4, [0x0e] = 8};
    uint8_t op;

    if (c->p >= c->end) {
        return false;
    }
    op = *c->p++;
    switch (op) {
    case 0x00:
    case 0x01:
    case 0xff: /* Zero, One, Ones */
        return true;
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0e:
        c->p += sizes[op];
        return c->p <= c->end;
    case 0x0d: /* String */
        s = c->p;
        while (c->p < c->end && *c->p) {
            c->p++;
        }
        if (c->p >= c->end) {
            return false;
        }
        if (name_is(name, "_HID") && c->p - s == 8) {
            const char *want = "QEMU0001";

            dev->hid_match = true;
            for (int i = 0; i < 8; i++) {
                dev->hid_match &= s[i] == (uint8_t)want[i];
            }
        }
        c->p++;
        return true;
    case 0x11: /* Buffer */
        end = pkg_end(c);
        if (!end) {
            return false;
        }
        if (name_is(name, "_CRS")) {
            /* BufferSize is an integer term; skip it, then the bytes. */
            Cursor size = {c->p, end};

            if (data_object(&size, 0, dev)) {
                dev->port = crs_io_port(size.p, end);
            }
        }
        c->p = end;
        return true;
    case 0x12:
    case 0x13: /* Package, VarPackage */
        end = pkg_end(c);
        c->p = end;
        return end != 0;
    default:
        return false;
    }
}

static int walk(Cursor *c, DevInfo *dev);

static int walk_block(Cursor *c, bool is_device)
{
    const uint8_t *end = pkg_end(c);
    Cursor inner;
    DevInfo d = {false, -1};
    int r;

    if (!end) {
        return -1;
    }
    inner.p = c->p;
    inner.end = end;
    name_string(&inner);
    r = walk(&inner, is_device ? &d : 0);
    c->p = end;
    if (r >= 0) {
        return r;
    }
    return is_device && d.hid_match ? d.port : -1;
}

/* Walk a TermList; returns the pvpanic port once found, else -1. */
static int walk(Cursor *c, DevInfo *dev)
{
    DevInfo ignore = {false, -1};

    while (c->p < c->end) {
        uint8_t op = *c->p++;
        const uint8_t *name, *end;
        int r;

        if (op == 0x10) { /* Scope */
            if ((r = walk_block(c, false)) >= 0) {
                return r;
            }
        } else if (op == 0x08) { /* Name */
            name = name_string(c);
            if (!data_object(c, name, dev ? dev : &ignore)) {
                return -1;
            }
        } else if (op == 0x14 || (op >= 0xa0 && op <= 0xa2)) {
            end = pkg_end(c); /* Method, If, Else, While */
            if (!end) {
                return -1;
            }
            c->p = end;
        } else if (op == 0x5b && c->p < c->end) {
            op = *c->p++;
            if (op == 0x82) { /* Device */
                if ((r = walk_block(c, true)) >= 0) {
                    return r;
                }
            } else if (op == 0x80) { /* OperationRegion */
                name_string(c);
                c->p++; /* RegionSpace */
                if (!data_object(c, 0, &ignore) ||
                    !data_object(c, 0, &ignore)) {
                    return -1;
                }
            } else if (op == 0x81 || (op >= 0x83 && op <= 0x87)) {
                end = pkg_end(c); /* Field & friends */
                if (!end) {
                    return -1;
                }
                c->p = end;
            } else {
                return -1;
            }
        } else {
            return -1; /* not in our small subset */
        }
    }
    return -1;
}

int aml_find_pvpanic_port(const uint8_t *aml, uint32_t len)
{
    Cursor c = {aml, aml + len};

    return walk(&c, 0);
}
