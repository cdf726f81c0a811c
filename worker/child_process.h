/* A job's child process (`irfa <kind> ...`): started in its own process group with stdout and
 * stderr going to a log file, killed when the worker dies (PR_SET_PDEATHSIG), and stopped with
 * SIGTERM then SIGKILL. */
#ifndef IRFA_CHILD_PROCESS_H
#define IRFA_CHILD_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

/* Starts argv[0] with argv in the folder cwd. device: value for IRFA_DEVICE (NULL keeps the environment's).
 * Returns the pid, or -1 with err. */
pid_t child_spawn(char *const argv[], const char *cwd, const char *log_path, const char *device, char *err, size_t errlen);
/* Non-blocking: 1 when the child has exited (*status as from waitpid), 0 while it runs, -1 error. */
int child_poll(pid_t pid, int *status);
/* SIGTERM to the child's process group, SIGKILL after grace_ms, then reaps it. */
void child_stop(pid_t pid, int grace_ms, int *status);
/* "exit status 3" / "killed by signal 9" */
void child_describe_status(int status, char *out, size_t outlen);

#endif
