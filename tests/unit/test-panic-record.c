/*
 * The kernel message in a console tail (system/panic-message.c): Debian
 * 12's console after "echo c > /proc/sysrq-trigger", a tail that starts
 * mid-line, output without timestamps, a user-space RIP in the trace,
 * and garbage that must find nothing.
 */
#include <string.h>

#include "system/panic-record.h"

static const char sysrq_crash[] =
    "[    3.120104] sysrq: Trigger a crash\r\n"
    "[    3.120417] Kernel panic - not syncing: sysrq triggered crash\r\n"
    "[    3.120830] CPU: 0 PID: 74 Comm: sh Not tainted 6.1.0-28-amd64 #1  "
    "Debian 6.1.119-1\r\n"
    "[    3.121342] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)\r\n"
    "[    3.121880] Call Trace:\r\n"
    "[    3.122037]  <TASK>\r\n"
    "[    3.122172]  dump_stack_lvl+0x44/0x5c\r\n"
    "[    3.122433]  panic+0x118/0x2ed\r\n"
    "[    3.122640]  sysrq_handle_crash+0x16/0x20\r\n"
    "[    3.122903]  __handle_sysrq.cold+0x43/0x11b\r\n"
    "[    3.123183]  write_sysrq_trigger+0x24/0x40\r\n"
    "[    3.123460]  proc_reg_write+0x56/0xa0\r\n"
    "[    3.123705]  vfs_write+0xc7/0x3c0\r\n"
    "[    3.123927]  ksys_write+0x5f/0xe0\r\n"
    "[    3.124141]  do_syscall_64+0x55/0xb0\r\n"
    "[    3.124381]  entry_SYSCALL_64_after_hwframe+0x6e/0xd8\r\n"
    "[    3.124702] RIP: 0033:0x7f0a1b4c7e43\r\n"
    "[    3.124933]  </TASK>\r\n"
    "[    3.125000] Kernel Offset: 0x2a00000 from 0xffffffff81000000\r\n"
    "[    3.125100] ---[ end Kernel panic - not syncing: sysrq triggered "
    "crash ]---\r\n";

/* An oops first (kernel RIP), then the panic it leads to. */
static const char oops[] =
    "[   12.000001] BUG: kernel NULL pointer dereference, address: 0\r\n"
    "[   12.000002] RIP: 0010:sysrq_handle_crash+0x16/0x20\r\n"
    "[   12.000003] Code: 85 ff 74 ...\r\n"
    "[   12.000004] Call Trace:\r\n"
    "[   12.000005]  <TASK>\r\n"
    "[   12.000006]  __handle_sysrq.cold+0x43/0x11b\r\n"
    "[   12.000007]  </TASK>\r\n"
    "[   12.000008] RIP: 0033:0x7f0a1b4c7e43\r\n"
    "[   12.000009] ---[ end trace 0000000000000000 ]---\r\n"
    "[   12.000010] Kernel panic - not syncing: Fatal exception\r\n"
    "[   12.000011] Kernel Offset: 0x1a000000 from 0xffffffff81000000\r\n";

static void test_sysrq(void)
{
    PanicMessage m;

    g_assert_true(panic_message_extract(sysrq_crash, strlen(sysrq_crash), &m));
    g_assert_cmpstr(m.panic, ==,
                    "Kernel panic - not syncing: sysrq triggered crash");
    /* No oops before the panic: no RIP line before it either (the
     * user-space one in the trace is not the kernel's). */
    g_assert_null(m.rip);
    /* panic()'s own stack, printed after its line, up to </TASK>. */
    g_assert_cmpuint(m.call_trace->len, ==, 13);
    g_assert_cmpstr(g_ptr_array_index(m.call_trace, 11), ==,
                    "RIP: 0033:0x7f0a1b4c7e43");
    g_assert_cmpstr(g_ptr_array_index(m.call_trace, 3), ==,
                    "sysrq_handle_crash+0x16/0x20");
    g_assert_cmpstr(g_ptr_array_index(m.call_trace, 12), ==, "</TASK>");
    panic_message_clear(&m);
}

static void test_oops(void)
{
    PanicMessage m;

    g_assert_true(panic_message_extract(oops, strlen(oops), &m));
    g_assert_cmpstr(m.panic, ==, "Kernel panic - not syncing: Fatal exception");
    /* The kernel's RIP, not the user-space one of the trace. */
    g_assert_cmpstr(m.rip, ==, "RIP: 0010:sysrq_handle_crash+0x16/0x20");
    g_assert_cmpuint(m.call_trace->len, ==, 3); /* up to </TASK> */
    g_assert_cmpstr(g_ptr_array_index(m.call_trace, 0), ==, "<TASK>");
    g_assert_cmpstr(g_ptr_array_index(m.call_trace, 1), ==,
                    "__handle_sysrq.cold+0x43/0x11b");
    panic_message_clear(&m);
}

static void test_no_timestamps_and_cut(void)
{
    /* A tail that starts mid-line and has no printk times. */
    static const char t[] = "ot syncing: old\nRIP: 0010:f+0x1/0x2\n"
                            "Kernel panic - not syncing: new one";
    PanicMessage m;

    g_assert_true(panic_message_extract(t, strlen(t), &m));
    g_assert_cmpstr(m.panic, ==, "Kernel panic - not syncing: new one");
    g_assert_cmpstr(m.rip, ==, "RIP: 0010:f+0x1/0x2");
    panic_message_clear(&m);
}

static void test_nothing(void)
{
    static const char junk[] = "[ 1.0] hello\n[\n]]]\0\xff\xfe RI";
    static char big[1 << 16];
    PanicMessage m;

    g_assert_false(panic_message_extract(junk, sizeof(junk) - 1, &m));
    g_assert_null(m.panic);
    panic_message_clear(&m);
    memset(big, '[', sizeof(big));
    g_assert_false(panic_message_extract(big, sizeof(big), &m));
    panic_message_clear(&m);
    g_assert_false(panic_message_extract("", 0, &m));
    panic_message_clear(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/panic-record/message/sysrq", test_sysrq);
    g_test_add_func("/panic-record/message/oops", test_oops);
    g_test_add_func("/panic-record/message/no-timestamps",
                    test_no_timestamps_and_cut);
    g_test_add_func("/panic-record/message/nothing", test_nothing);
    return g_test_run();
}
