/*
 * POSIX process plumbing: signals, -daemonize, -pidfile,
 * -run-with exit-with-parent.
 */
#include "system-internal.h"
#include "qemu/fdset.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "system/runstate.h"

static int daemon_pipe = -1;
static int pidfile_fd = -1;
static char *pidfile_path;

static void termsig_handler(int sig, siginfo_t *info, void *ctx)
{
    qemu_system_killed(sig, info ? info->si_pid : 0);
}

void os_setup_signal_handling(void)
{
    static const int term_signals[] = {SIGTERM, SIGINT, SIGHUP};
    struct sigaction act;

    memset(&act, 0, sizeof(act));
    act.sa_sigaction = termsig_handler;
    act.sa_flags = SA_SIGINFO;
    sigemptyset(&act.sa_mask);
    for (size_t i = 0; i < G_N_ELEMENTS(term_signals); i++) {
        sigaction(term_signals[i], &act, NULL);
    }
    /* A peer that goes away must not kill us: writes report EPIPE. */
    signal(SIGPIPE, SIG_IGN);
}

bool os_set_exit_with_parent(GError **errp)
{
    pid_t parent = getppid();

    /* SIGTERM takes the orderly path: SHUTDOWN event, exit 0. */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0) {
        error_setg(errp, "exit-with-parent: %s", g_strerror(errno));
        return false;
    }
    /* The parent may have died before prctl() took effect. */
    if (getppid() != parent) {
        kill(getpid(), SIGTERM);
    }
    return true;
}

bool os_daemonize_start(GError **errp)
{
    int fds[2];
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) < 0) {
        error_setg(errp, "-daemonize: pipe: %s", g_strerror(errno));
        return false;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        error_setg(errp, "-daemonize: fork: %s", g_strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid > 0) {
        /* Parent: succeed only once the child says start-up is done. */
        char status = 1;
        ssize_t n;

        close(fds[1]);
        do {
            n = read(fds[0], &status, 1);
        } while (n < 0 && errno == EINTR);
        _exit(n == 1 && status == 0 ? 0 : 1);
    }
    close(fds[0]);
    daemon_pipe = fds[1];
    setsid();
    return true;
}

void os_daemonize_finish(void)
{
    char ok = 0;
    int null_fd;

    if (daemon_pipe < 0) {
        return;
    }
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd >= 0) {
        dup2(null_fd, STDIN_FILENO);
        dup2(null_fd, STDOUT_FILENO);
        dup2(null_fd, STDERR_FILENO);
        close(null_fd);
    }
    if (write(daemon_pipe, &ok, 1) < 0) {
        /* The parent is gone; nothing to tell. */
    }
    close(daemon_pipe);
    daemon_pipe = -1;
}

bool os_pidfile_create(const char *path, GError **errp)
{
    g_autoptr(GError) err = NULL;
    char buf[32];
    int fd, len;

    /* Write-only, as QEMU: an -add-fd set for it holds a write-only fd. */
    fd = qemu_open(path, O_WRONLY | O_CREAT, 0600, &err);
    if (fd < 0) {
        error_setg(errp, "cannot create PID file: %s", err->message);
        return false;
    }
    /* A second instance with the same pidfile fails here. */
    if (lockf(fd, F_TLOCK, 0) < 0) {
        error_setg(errp, "cannot create PID file: Cannot lock pid file: %s",
                   g_strerror(errno));
        qemu_close(fd);
        return false;
    }
    len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, buf, len) != len) {
        error_setg(errp, "cannot create PID file: %s", g_strerror(errno));
        qemu_close(fd);
        return false;
    }
    pidfile_fd = fd;
    pidfile_path = g_strdup(path);
    return true;
}

void os_pidfile_remove(void)
{
    if (pidfile_fd >= 0) {
        unlink(pidfile_path);
        qemu_close(pidfile_fd);
        pidfile_fd = -1;
    }
    g_clear_pointer(&pidfile_path, g_free);
}
