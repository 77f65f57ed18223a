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
} SerialState;

/* Set up the register region (cannot fail). */
void serial_init(SerialState *s, const char *name);
/* Connect @chr as the backend (may be NULL) and interrupt line @irq. */
bool serial_connect(SerialState *s, Chardev *chr, unsigned irq, GError **errp);
/* Power-on register state; drops FIFO contents. */
void serial_reset(SerialState *s);
void serial_finalize(SerialState *s);

#endif /* HW_CHAR_SERIAL_H */
