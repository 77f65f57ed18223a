/*
 * 16550A UART core: what Linux's 8250 driver needs to detect a 16550A
 * (scratch, IER read-back, loopback MSR, FIFO bits in IIR) and to run
 * it with interrupts.
 *
 * Transmission is instantaneous: a byte written to THR goes straight to
 * the chardev, so THR and the shift register are always empty and every
 * write re-arms the THR-empty interrupt.  Receive uses a 16-byte FIFO;
 * with FIFOs on, data below the trigger level is reported at once as a
 * character timeout (there is no line timing to wait for).
 */
#include <string.h>

#include "hw/char/serial.h"
#include "hw/irq.h"
#include "qemu/log.h"

enum {
    REG_RBR_THR = 0, /* DLAB: DLL */
    REG_IER = 1,     /* DLAB: DLM */
    REG_IIR_FCR = 2,
    REG_LCR = 3,
    REG_MCR = 4,
    REG_LSR = 5,
    REG_MSR = 6,
    REG_SCR = 7,
};

#define IER_RDI  0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI  0x08

#define IIR_NO_INT  0x01
#define IIR_MSI     0x00
#define IIR_THRI    0x02
#define IIR_RDI     0x04
#define IIR_RLSI    0x06
#define IIR_TIMEOUT 0x0c
#define IIR_FIFO_ON 0xc0

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define LCR_DLAB 0x80

#define MCR_DTR  0x01
#define MCR_RTS  0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR     0x01
#define LSR_ERRORS 0x1e /* OE, PE, FE, BI */
#define LSR_THRE   0x20
#define LSR_TEMT   0x40

#define MSR_DELTAS 0x0f
#define MSR_CTS    0x10
#define MSR_DSR    0x20
#define MSR_RI     0x40
#define MSR_DCD    0x80

static const uint8_t rx_trigger_levels[4] = {1, 4, 8, 14};

static unsigned rx_capacity(const SerialState *s)
{
    return (s->fcr & FCR_ENABLE) ? SERIAL_FIFO_SIZE : 1;
}

static uint8_t serial_iir(const SerialState *s)
{
    if ((s->ier & IER_RLSI) && (s->lsr & LSR_ERRORS)) {
        return IIR_RLSI;
    }
    if ((s->ier & IER_RDI) && s->rx_count) {
        if (!(s->fcr & FCR_ENABLE) ||
            s->rx_count >= rx_trigger_levels[s->fcr >> 6]) {
            return IIR_RDI;
        }
        return IIR_TIMEOUT;
    }
    if ((s->ier & IER_THRI) && s->thr_ipending) {
        return IIR_THRI;
    }
    if ((s->ier & IER_MSI) && (s->msr & MSR_DELTAS)) {
        return IIR_MSI;
    }
    return IIR_NO_INT;
}

static void serial_update_irq(SerialState *s)
{
    int level = !(serial_iir(s) & IIR_NO_INT);

    if (level != s->irq_level) {
        s->irq_level = level;
        qemu_set_irq(s->irq, level);
    }
}

static void rx_clear(SerialState *s)
{
    s->rx_head = 0;
    s->rx_count = 0;
    s->lsr &= ~LSR_DR;
}

/* Push one byte; false if the FIFO is full (overrun on real hardware). */
static bool rx_push(SerialState *s, uint8_t byte)
{
    if (s->rx_count >= rx_capacity(s)) {
        return false;
    }
    s->rx_fifo[(s->rx_head + s->rx_count) % SERIAL_FIFO_SIZE] = byte;
    s->rx_count++;
    s->lsr |= LSR_DR;
    return true;
}

static uint8_t rx_pop(SerialState *s)
{
    uint8_t byte;

    if (!s->rx_count) {
        return 0;
    }
    byte = s->rx_fifo[s->rx_head];
    s->rx_head = (s->rx_head + 1) % SERIAL_FIFO_SIZE;
    if (!--s->rx_count) {
        s->lsr &= ~LSR_DR;
    }
    return byte;
}

/* Move held-back input into the FIFO; resume the chardev once empty. */
static void rx_refill(SerialState *s)
{
    GByteArray *p = s->rx_pending;

    while (s->rx_pending_off < p->len &&
           rx_push(s, p->data[s->rx_pending_off])) {
        s->rx_pending_off++;
    }
    if (s->rx_pending_off == p->len) {
        g_byte_array_set_size(p, 0);
        s->rx_pending_off = 0;
        if (s->input_paused && s->chr) {
            s->input_paused = false;
            qemu_chr_fe_accept_input(s->chr, true);
        }
    }
}

static void serial_chr_read(void *opaque, const uint8_t *buf, size_t len)
{
    SerialState *s = opaque;

    /* Loopback disconnects the receiver from the line. */
    if (s->mcr & MCR_LOOP) {
        return;
    }
    g_byte_array_append(s->rx_pending, buf, len);
    rx_refill(s);
    if (s->rx_pending->len && !s->input_paused) {
        s->input_paused = true;
        qemu_chr_fe_accept_input(s->chr, false);
    }
    serial_update_irq(s);
}

static void serial_chr_event(void *opaque, ChardevEvent event)
{
}

static const ChardevHandlers serial_chr_handlers = {
    .read = serial_chr_read,
    .event = serial_chr_event,
};

size_t serial_tail_size = SERIAL_TAIL_DEFAULT;
static GPtrArray *serial_all; /* SerialState *, in creation order */

void serial_foreach(void (*fn)(SerialState *s, void *opaque), void *opaque)
{
    for (guint i = 0; serial_all && i < serial_all->len; i++) {
        fn(g_ptr_array_index(serial_all, i), opaque);
    }
}

uint8_t *serial_tail_copy(const SerialState *s, size_t *len)
{
    size_t n = s->tail ? MIN(s->tail_total, s->tail_size) : 0;
    size_t start = (s->tail_total - n) & (s->tail_size - 1);
    size_t first;
    uint8_t *buf;

    *len = n;
    if (!n) {
        return NULL;
    }
    buf = g_malloc(n);
    first = MIN(n, s->tail_size - start);
    memcpy(buf, s->tail + start, first);
    memcpy(buf + first, s->tail, n - first);
    return buf;
}

static void serial_transmit(SerialState *s, uint8_t byte)
{
    /* The tap: one store per byte, whatever the chardev does with it. */
    if (s->tail) {
        s->tail[s->tail_total++ & (s->tail_size - 1)] = byte;
    }
    if (s->mcr & MCR_LOOP) {
        rx_push(s, byte);
    } else if (s->chr) {
        /* Never block or queue without bound for a slow peer. */
        if (qemu_chr_outq_len(s->chr) < SERIAL_OUTQ_CAP) {
            qemu_chr_write(s->chr, &byte, 1);
        } else {
            s->dropped++;
        }
    }
    s->thr_ipending = true;
}

/* MSR as the guest sees it: in loopback, the outputs fed back. */
static uint8_t serial_msr(const SerialState *s)
{
    uint8_t m = s->msr & MSR_DELTAS;

    if (s->mcr & MCR_LOOP) {
        m |= (s->mcr & MCR_RTS) ? MSR_CTS : 0;
        m |= (s->mcr & MCR_DTR) ? MSR_DSR : 0;
        m |= (s->mcr & MCR_OUT1) ? MSR_RI : 0;
        m |= (s->mcr & MCR_OUT2) ? MSR_DCD : 0;
        return m;
    }
    return m | (s->msr & ~MSR_DELTAS);
}

static uint64_t serial_read(void *opaque, uint64_t addr, unsigned size)
{
    SerialState *s = opaque;
    uint8_t v = 0;

    switch (addr & 7) {
    case REG_RBR_THR:
        if (s->lcr & LCR_DLAB) {
            return s->divider & 0xff;
        }
        v = rx_pop(s);
        rx_refill(s);
        break;
    case REG_IER:
        if (s->lcr & LCR_DLAB) {
            return s->divider >> 8;
        }
        return s->ier;
    case REG_IIR_FCR:
        v = serial_iir(s);
        if (v == IIR_THRI) {
            s->thr_ipending = false; /* reading IIR acknowledges it */
        }
        v |= (s->fcr & FCR_ENABLE) ? IIR_FIFO_ON : 0;
        break;
    case REG_LCR:
        return s->lcr;
    case REG_MCR:
        return s->mcr;
    case REG_LSR:
        v = s->lsr;
        s->lsr &= ~LSR_ERRORS;
        break;
    case REG_MSR:
        v = serial_msr(s);
        s->msr &= ~MSR_DELTAS;
        break;
    case REG_SCR:
        return s->scr;
    }
    serial_update_irq(s);
    return v;
}

static void serial_write_fcr(SerialState *s, uint8_t val)
{
    if ((val ^ s->fcr) & FCR_ENABLE) {
        rx_clear(s); /* switching FIFO mode empties both FIFOs */
    }
    if (val & FCR_CLEAR_RX) {
        rx_clear(s);
    }
    s->fcr = val & 0xc9; /* trigger level, DMA mode, enable */
    if (!(s->fcr & FCR_ENABLE)) {
        s->fcr = 0;
    }
    rx_refill(s);
}

static void serial_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    SerialState *s = opaque;
    uint8_t v = val;

    switch (addr & 7) {
    case REG_RBR_THR:
        if (s->lcr & LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | v;
            return;
        }
        serial_transmit(s, v);
        break;
    case REG_IER:
        if (s->lcr & LCR_DLAB) {
            s->divider = (s->divider & 0x00ff) | (v << 8);
            return;
        }
        /* Enabling the THR interrupt while THR is empty raises it. */
        if ((v & IER_THRI) && !(s->ier & IER_THRI)) {
            s->thr_ipending = true;
        }
        s->ier = v & 0x0f;
        break;
    case REG_IIR_FCR:
        serial_write_fcr(s, v);
        break;
    case REG_LCR:
        s->lcr = v;
        break;
    case REG_MCR:
        s->mcr = v & 0x1f;
        break;
    case REG_LSR:
    case REG_MSR:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "serial: write 0x%02x to read-only register %u\n", v,
                      (unsigned)(addr & 7));
        return;
    case REG_SCR:
        s->scr = v;
        return;
    }
    serial_update_irq(s);
}

static const MemoryRegionOps serial_ops = {
    .read = serial_read,
    .write = serial_write,
    .impl_min = 1,
    .impl_max = 1,
};

void serial_init(SerialState *s, const char *name)
{
    memory_region_init_io(&s->io, &serial_ops, s, name, 8);
    s->rx_pending = g_byte_array_new();
    if (serial_tail_size) {
        s->tail_size = serial_tail_size;
        s->tail = g_malloc0(s->tail_size);
    }
    if (!serial_all) {
        serial_all = g_ptr_array_new();
    }
    g_ptr_array_add(serial_all, s);
    serial_reset(s);
}

bool serial_connect(SerialState *s, Chardev *chr, unsigned irq, GError **errp)
{
    s->irq = irq;
    if (chr && !qemu_chr_fe_init(chr, &serial_chr_handlers, s, errp)) {
        return false;
    }
    s->chr = chr;
    return true;
}

void serial_reset(SerialState *s)
{
    s->divider = 0x0c; /* 9600 baud */
    s->ier = 0;
    s->lcr = 0;
    s->mcr = MCR_OUT2;
    s->lsr = LSR_TEMT | LSR_THRE;
    s->msr = MSR_DCD | MSR_DSR | MSR_CTS;
    s->scr = 0;
    s->fcr = 0;
    s->thr_ipending = false;
    rx_clear(s);
    if (s->rx_pending) {
        g_byte_array_set_size(s->rx_pending, 0);
    }
    s->rx_pending_off = 0;
    if (s->input_paused && s->chr) {
        s->input_paused = false;
        qemu_chr_fe_accept_input(s->chr, true);
    }
    if (s->irq_level) {
        s->irq_level = 0;
        qemu_set_irq(s->irq, 0);
    }
}

void serial_finalize(SerialState *s)
{
    if (s->rx_pending) {
        g_byte_array_unref(s->rx_pending);
        s->rx_pending = NULL;
    }
    g_clear_pointer(&s->tail, g_free);
    if (serial_all) {
        g_ptr_array_remove(serial_all, s);
    }
}
