#include "server/worker_supervisor.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void supervisor_init(worker_supervisor *s, const char *exe, const char *data_dir, int lease_ms,
                     char devices[][64], int n)
{
    memset(s, 0, sizeof *s);
    s->exe = exe;
    s->data_dir = data_dir;
    s->lease_ms = lease_ms;
    s->n = n > SUPERVISOR_MAX_WORKERS ? SUPERVISOR_MAX_WORKERS : n;
    for (int i = 0; i < s->n; i++) {
        snprintf(s->w[i].name, sizeof s->w[i].name, "w%d", i);
        snprintf(s->w[i].device, sizeof s->w[i].device, "%s", devices[i]);
        s->w[i].backoff_ms = 500;
    }
}

static pid_t spawn_worker(const worker_supervisor *s, const supervised_worker *w)
{
    char lease[32];
    snprintf(lease, sizeof lease, "%d", s->lease_ms);
    char *argv[] = {(char *)s->exe, "worker", "--data", (char *)s->data_dir, "--name", (char *)w->name,
                    "--lease-ms", lease, w->device[0] ? "--device" : NULL, (char *)w->device, NULL};
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;
    /* If `irfa serve` dies (even by SIGKILL) the worker is told to stop and releases its job. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv(s->exe, argv);
    fprintf(stderr, "irfa serve: cannot start worker %s: %s\n", s->exe, strerror(errno));
    _exit(127);
}

int supervisor_tick(worker_supervisor *s)
{
    long long now = now_ms();
    int alive = 0;
    for (int i = 0; i < s->n; i++) {
        supervised_worker *w = &s->w[i];
        if (w->pid > 0) {
            int st;
            pid_t r = waitpid(w->pid, &st, WNOHANG);
            if (r == w->pid) {
                /* A worker that ran a while before dying restarts quickly; a crash loop backs off. */
                if (now - w->started_ms > 60000) w->backoff_ms = 500;
                fprintf(stderr, "irfa serve: worker %s (pid %d) %s %d; restarting in %d ms\n", w->name, (int)w->pid,
                        WIFSIGNALED(st) ? "killed by signal" : "exited with status",
                        WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), w->backoff_ms);
                w->pid = 0;
                w->restart_at_ms = now + w->backoff_ms;
                w->backoff_ms = w->backoff_ms * 2 > 30000 ? 30000 : w->backoff_ms * 2;
                w->restarts++;
            }
        }
        if (w->pid <= 0 && now >= w->restart_at_ms) {
            pid_t pid = spawn_worker(s, w);
            if (pid > 0) { w->pid = pid; w->started_ms = now; }
            else w->restart_at_ms = now + w->backoff_ms;
        }
        if (w->pid > 0) alive++;
    }
    return alive;
}

void supervisor_stop(worker_supervisor *s, int grace_ms)
{
    for (int i = 0; i < s->n; i++)
        if (s->w[i].pid > 0) kill(s->w[i].pid, SIGTERM);
    long long deadline = now_ms() + grace_ms;
    for (;;) {
        int left = 0;
        for (int i = 0; i < s->n; i++) {
            if (s->w[i].pid <= 0) continue;
            int st;
            if (waitpid(s->w[i].pid, &st, WNOHANG) == s->w[i].pid) s->w[i].pid = 0;
            else left++;
        }
        if (!left) return;
        if (now_ms() >= deadline) break;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < s->n; i++)
        if (s->w[i].pid > 0) {
            kill(s->w[i].pid, SIGKILL);
            waitpid(s->w[i].pid, NULL, 0);
            s->w[i].pid = 0;
        }
}

int supervisor_discover_devices(const char *exe, char devices[][64], int max)
{
    int n = 0, fds[2];
    if (max < 1) return 0;
    if (pipe(fds) == 0) {
        pid_t pid = fork();
        if (pid == 0) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
            execl(exe, exe, "devices", "--device", "vulkan", (char *)NULL);
            _exit(127);
        }
        close(fds[1]);
        FILE *f = pid > 0 ? fdopen(fds[0], "r") : NULL;
        char line[600];
        while (f && fgets(line, sizeof line, f)) {
            /* "  vulkan:N  <name> <type> ...": a usable GPU has type discrete, integrated or virtual. */
            int idx;
            char *v = strstr(line, "vulkan:");
            if (!v || sscanf(v, "vulkan:%d", &idx) != 1 || strstr(line, "unusable")) continue;
            if (!strstr(line, " discrete ") && !strstr(line, " integrated ") && !strstr(line, " virtual ")) continue;
            if (n < max) snprintf(devices[n++], 64, "vulkan:%d", idx);
        }
        if (f) fclose(f);
        else close(fds[0]);
        if (pid > 0) waitpid(pid, NULL, 0);
    }
    if (n == 0) { devices[0][0] = 0; n = 1; }
    return n;
}
