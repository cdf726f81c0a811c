/* Subcommands of the `irfa` binary. Each takes argc/argv with argv[0] = the subcommand name and
 * returns the process exit status. Add a line here and one in the table of cli/main.c. */
#ifndef IRFA_COMMANDS_H
#define IRFA_COMMANDS_H

int cmd_devices(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_reconstruct(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_worker(int argc, char **argv);
int cmd_healthcheck(int argc, char **argv);

#endif
