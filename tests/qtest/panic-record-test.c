/*
 * Panic records over qtest (no vCPU: no registers, the device region the
 * client wrote as the source) and their files: after SIGKILL at any
 * moment, every panic-<seq>.json there is complete, valid JSON.
 */
#include "libqtest.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define REC_QUERY "__org.vigil-vmm_query-panics"

static void test_qtest_source(void)
{
    QTestState *s =
        qtest_init("-action panic=none -device pvpanic,ioport=0x540,id=pp");
    json_t *r, *rec;

    qtest_outb(s, 0x540, 1);
    json_decref(qtest_qmp_eventwait(s, "GUEST_PANICKED"));
    r = qtest_qmp_return(s, "{'execute': '" REC_QUERY "'}");
    g_assert_cmpint(json_integer_value(json_object_get(r, "count")), ==, 1);
    rec = json_array_get(json_object_get(r, "records"), 0);
    /* The device's id is its region's owner. */
    g_assert_cmpstr(json_string_value(json_object_get(
                        json_object_get(rec, "source"), "owner")),
                    ==, "pp");
    g_assert_cmpint(json_integer_value(json_object_get(
                        json_object_get(rec, "source"), "address")),
                    ==, 0x540);
    g_assert_true(json_is_null(json_object_get(rec, "vcpu")));
    g_assert_cmpuint(json_array_size(json_object_get(rec, "consoles")), ==, 0);
    json_decref(r);
    qtest_quit_ok(s);
}

/* Every record file in @dir parses and names its own seq; returns how
 * many there are. */
static unsigned check_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    unsigned n = 0;

    g_assert_nonnull(d);
    while ((e = readdir(d))) {
        unsigned seq;
        char tail[8];
        g_autofree char *path = NULL;
        json_t *j;
        json_error_t err;

        if (e->d_name[0] == '.') {
            continue; /* ".", "..", and temporaries a kill left behind */
        }
        g_assert_cmpint(sscanf(e->d_name, "panic-%u.%5s", &seq, tail), ==, 2);
        g_assert_cmpstr(tail, ==, "json");
        path = g_build_filename(dir, e->d_name, NULL);
        j = json_load_file(path, 0, &err);
        if (!j) {
            g_error("%s: %s", path, err.text);
        }
        g_assert_cmpint(json_integer_value(json_object_get(j, "seq")), ==, seq);
        json_decref(j);
        n++;
    }
    closedir(d);
    return n;
}

static void test_kill_during_writes(void)
{
    unsigned files = 0;

    for (int round = 0; round < 12; round++) {
        g_autofree char *dir = g_dir_make_tmp("vigil-rec-XXXXXX", NULL);
        g_autofree char *args = g_strdup_printf(
            "-device pvpanic -action panic=none -panic-record path=%s", dir);
        QTestState *s = qtest_init(args);
        pid_t pid = qtest_pid(s);
        int status;

        /* One panic on disk first (a slow wrapper such as valgrind must
         * not make the check below empty), then a burst of panics in
         * flight and SIGKILL somewhere in it. */
        qtest_outb(s, 0x505, 1);
        for (int wait = 0; wait < 1000 && !check_dir(dir); wait++) {
            g_usleep(10000);
        }
        for (int i = 0; i < 40; i++) {
            qtest_sendf(s, "outb 0x505 0x1\n");
        }
        g_usleep(g_random_int_range(0, 20000));
        kill(pid, SIGKILL);
        status = qtest_wait_exit(s);
        g_assert_true(WIFSIGNALED(status));
        files += check_dir(dir);
        /* Remove what the round left (temporaries included). */
        {
            g_autoptr(GDir) gd = g_dir_open(dir, 0, NULL);
            const char *name;

            while ((name = g_dir_read_name(gd))) {
                g_autofree char *p = g_build_filename(dir, name, NULL);

                unlink(p);
            }
        }
        rmdir(dir);
    }
    /* Kills land at different points, but some files must exist. */
    g_assert_cmpuint(files, >, 0);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"qtest-source", test_qtest_source},
        {"kill-during-writes", test_kill_during_writes},
    };

    return qtest_run_cases(&argc, &argv, "panic-record", cases,
                           G_N_ELEMENTS(cases));
}
