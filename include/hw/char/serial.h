/*
 * 16550A UART.
 *
 * The core (hw/char/serial.c) is the register file, FIFOs and interrupt
 * logic, independent of the bus; serial-isa.c is the ISA glue (type
 * "isa-serial": properties index, iobase, irq, chardev).  Output goes to
 * the chardev without ever blocking the vCPU: bytes written while more
 * than SERIAL_OUTQ_CAP bytes are still queued for a slow peer are
 * dropped (counted in `dropped`).  Input is flow-controlled: the chardev
 * is paused while the receive FIFO is full.
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "qemu/common.h"
#include "chardev/char.h"
#include "system/memory.h"

#define TYPE_ISA_SERIAL  "isa-serial"
#define SERIAL_FIFO_SIZE 16
#define SERIAL_OUTQ_CAP  (64 * 1024)

typedef struct SerialState {
    MemoryRegion io; /* 8 registers */
    Chardev *chr;    /* NULL: output discarded, no input */
    unsigned irq;    /* GSI */
    int irq_level;

    uint16_t divider;
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    bool thr_ipending; /* THR-empty interrupt not yet acknowledged */

    uint8_t rx_fifo[SERIAL_FIFO_SIZE];
    unsigned rx_head, rx_count;
    GByteArray *rx_pending; /* input the FIFO could not take yet */
    unsigned rx_pending_off;
    bool input_paused;

    uint64_t dropped; /* output bytes lost to a slow peer */

    /*
     * Console tail: the last tail_size bytes the guest transmitted
     * (whether or not a chardev took them), kept across resets for the
     * panic record (system/panic-record.h).  tail_total counts every
     * byte ever transmitted, so "tail_total & (tail_size - 1)" is the
     * next write position.
     */
    uint8_t *tail;
    size_t tail_size;
    uint64_t tail_total;
} SerialState;

/*
 * The console tail size of UARTs created from now on (a power of two, at
 * least 1 KiB; 0 turns the tap off).  Default SERIAL_TAIL_DEFAULT.
 */
#define SERIAL_TAIL_DEFAULT (16 * 1024)
extern size_t serial_tail_size;
/* Every UART in creation order (COM1 first on pc), for @fn. */
void serial_foreach(void (*fn)(SerialState *s, void *opaque), void *opaque);
/*
 * Copy the tail (oldest byte first) into a new buffer; *len gets its
 * length (at most tail_size).  NULL with *len 0 when the tap is off or
 * nothing was transmitted.
 */
uint8_t *serial_tail_copy(const SerialState *s, size_t *len);

/* Set up the register region (cannot fail). */
void serial_init(SerialState *s, const char *name);
/* Connect @chr as the backend (may be NULL) and interrupt line @irq. */
bool serial_connect(SerialState *s, Chardev *chr, unsigned irq, GError **errp);
/* Power-on register state; drops FIFO contents. */
void serial_reset(SerialState *s);
void serial_finalize(SerialState *s);

#endif /* HW_CHAR_SERIAL_H */
