#include "formats/sandbox.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_ASAN 1
#else
#define SANDBOX_ASAN 0
#endif

static void apply_limits(const sandbox_limits *l)
{
    if (l->address_space_bytes && !SANDBOX_ASAN) {
        struct rlimit r = {l->address_space_bytes, l->address_space_bytes};
        setrlimit(RLIMIT_AS, &r);
    }
    if (l->cpu_seconds > 0) {
        struct rlimit r = {(rlim_t)l->cpu_seconds, (rlim_t)l->cpu_seconds + 1};
        setrlimit(RLIMIT_CPU, &r);
    }
}

int sandbox_run(sandbox_fn fn, void *ctx, const sandbox_limits *limits, char *err, size_t errlen)
{
    int fds[2];
    if (pipe(fds) != 0) { snprintf(err, errlen, "pipe: %s", strerror(errno)); return -1; }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        apply_limits(limits);
        char msg[2048] = "";
        int rc = fn(ctx, msg, sizeof msg);
        if (rc != 0 && !msg[0]) snprintf(msg, sizeof msg, "parser failed without a message");
        if (rc != 0) {
            size_t n = strlen(msg), off = 0;
            while (off < n) {
                ssize_t w = write(fds[1], msg + off, n - off);
                if (w <= 0) break;
                off += (size_t)w;
            }
        }
        close(fds[1]);
        fflush(NULL);
        _exit(rc == 0 ? 0 : 1);
    }
    close(fds[1]);
    char msg[2048];
    size_t got = 0;
    for (;;) {
        ssize_t r = read(fds[0], msg + got, sizeof msg - 1 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
        if (got == sizeof msg - 1) break;
    }
    msg[got] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) { snprintf(err, errlen, "waitpid: %s", strerror(errno)); return -1; }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        snprintf(err, errlen, "%s%sparser process killed by signal %d (%s)%s", msg, msg[0] ? "; " : "", sig,
                 strsignal(sig),
                 sig == SIGXCPU ? ": CPU time limit exceeded"
                 : (sig == SIGSEGV || sig == SIGABRT || sig == SIGKILL) ? ": crash or memory limit exceeded" : "");
        return -1;
    }
    snprintf(err, errlen, "%s", msg[0] ? msg : "parser process failed");
    return -1;
}
