#include "worker/child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

pid_t child_spawn(char *const argv[], const char *cwd, const char *log_path, const char *device, char *err, size_t errlen)
{
    int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0) { snprintf(err, errlen, "%s: %s", log_path, strerror(errno)); return -1; }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(log);
        return -1;
    }
    if (pid == 0) {
        /* Own process group: a stop signal reaches every process the child starts. */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127); /* the worker died before prctl took effect */
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, STDIN_FILENO);
        dup2(log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
        if (cwd && chdir(cwd)) _exit(127);
        if (device && *device) setenv("IRFA_DEVICE", device, 1);
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execv(argv[0], argv);
        dprintf(STDERR_FILENO, "irfa worker: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid); /* also from the parent, so kill(-pid) works at once */
    close(log);
    return pid;
}

int child_poll(pid_t pid, int *status)
{
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid) return 1;
    if (r == 0) return 0;
    return errno == EINTR ? 0 : -1;
}

void child_stop(pid_t pid, int grace_ms, int *status)
{
    int st = 0;
    kill(-pid, SIGTERM);
    kill(pid, SIGTERM);
    for (int waited = 0; waited < grace_ms; waited += 50) {
        if (child_poll(pid, &st)) { if (status) *status = st; return; }
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (status) *status = st;
}

void child_describe_status(int status, char *out, size_t outlen)
{
    if (WIFEXITED(status)) snprintf(out, outlen, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) snprintf(out, outlen, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else snprintf(out, outlen, "ended with wait status %d", status);
}
