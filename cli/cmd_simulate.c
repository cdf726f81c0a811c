/* irfa simulate: a virtual macaque session with known ground truth (docs/simulator.md). */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "session/simulate.h"

static void simulate_usage(FILE *f)
{
    fprintf(f,
            "usage: irfa simulate --out DIR [options]\n"
            "  --out DIR                 session folder to create (must not exist)\n"
            "  --train N                 training images, shown once (default 1000)\n"
            "  --test N                  test images (default 50)\n"
            "  --reps N                  repetitions of each test image (default 10)\n"
            "  --size PX                 stimulus side in pixels (default 64)\n"
            "  --seed S                  random seed; same seed, same session (default 1)\n"
            "  --monkey N|F              TVSD area map of the 16 arrays (default N)\n"
            "  --electrodes-per-array N  (default 64)\n"
            "  --unusable-array A        array whose electrodes are unreliable, 0 = none (default 6)\n"
            "  --days N                  recording days, each with its own gain drift (default 4)\n"
            "  --images DIR              use these PNG or JPEG images (sorted by name) instead of dead leaves\n"
            "  --time-resolved           also write the 1 ms time course and 5 x 27 ms space-time windows\n"
            "  --no-zscore               skip the z-score per electrode per day\n"
            "  --no-filter               keep every electrode (no reliability / RF filter)\n"
            "  --reliability-threshold R (default 0.4)\n"
            "  --plot-rfs PNG            draw RF centres and sizes per array\n"
            "  --plot-tuning PNG         draw example tuning of V1, V4 and IT electrodes\n"
            "  --plot-stimuli PNG        draw the first 16 training stimuli\n");
}

int cmd_simulate(int argc, char **argv)
{
    sim_options o;
    sim_options_default(&o);
    char cmdline[2048];
    size_t n = 0;
    for (int i = 0; i < argc && n < sizeof cmdline; i++)
        n += (size_t)snprintf(cmdline + n, sizeof cmdline - n, "%s%s", i ? " " : "irfa ", argv[i]);
    o.command_line = cmdline;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        bool missing = false;
        long l;
        double x;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { simulate_usage(stdout); return 0; }
        if (!strcmp(argv[i], "--time-resolved")) { o.time_resolved = 1; continue; }
        if (!strcmp(argv[i], "--no-zscore")) { o.zscore = 0; continue; }
        if (!strcmp(argv[i], "--no-filter")) { o.filter = 0; continue; }
#define INT_OPT(name, field, lo, hi)                                                                  \
    if (opt_value(argc, argv, &i, name, &v, &missing)) {                                              \
        if (missing || !opt_parse_int(v, lo, hi, &l)) {                                               \
            fprintf(stderr, "irfa simulate: %s needs a whole number in %ld..%ld\n", name, (long)(lo), (long)(hi)); \
            return 2;                                                                                 \
        }                                                                                             \
        o.field = (int)l;                                                                             \
        continue;                                                                                     \
    }
        INT_OPT("--train", n_train, 10, 1000000)
        INT_OPT("--test", n_test, 3, 100000)
        INT_OPT("--reps", n_reps, 2, 100)
        INT_OPT("--size", image_size, 16, 512)
        INT_OPT("--electrodes-per-array", per_array, 1, 256)
        INT_OPT("--unusable-array", unusable_array, 0, 16)
        INT_OPT("--days", n_days, 1, 100)
#undef INT_OPT
        if (opt_value(argc, argv, &i, "--seed", &v, &missing)) {
            if (missing || !opt_parse_int(v, 0, 2147483647L, &l)) { fprintf(stderr, "irfa simulate: --seed needs a whole number >= 0\n"); return 2; }
            o.seed = (uint64_t)l;
            continue;
        }
        if (opt_value(argc, argv, &i, "--reliability-threshold", &v, &missing)) {
            if (missing || !opt_parse_float(v, &x) || x < -1 || x > 1) { fprintf(stderr, "irfa simulate: --reliability-threshold needs a number in -1..1\n"); return 2; }
            o.reliability_threshold = x;
            continue;
        }
        if (opt_value(argc, argv, &i, "--monkey", &v, &missing)) {
            if (missing || (strcmp(v, "N") && strcmp(v, "F"))) { fprintf(stderr, "irfa simulate: --monkey must be N or F\n"); return 2; }
            o.monkey = v[0];
            continue;
        }
        const char **str = NULL;
        if (opt_value(argc, argv, &i, "--out", &v, &missing)) str = &o.out;
        else if (opt_value(argc, argv, &i, "--images", &v, &missing)) str = &o.images_dir;
        else if (opt_value(argc, argv, &i, "--plot-rfs", &v, &missing)) str = &o.plot_rfs;
        else if (opt_value(argc, argv, &i, "--plot-tuning", &v, &missing)) str = &o.plot_tuning;
        else if (opt_value(argc, argv, &i, "--plot-stimuli", &v, &missing)) str = &o.plot_stimuli;
        if (str) {
            if (missing || !v[0]) { fprintf(stderr, "irfa simulate: %s needs a value\n", argv[i]); return 2; }
            *str = v;
            continue;
        }
        fprintf(stderr, "irfa simulate: unknown option '%s'\n", argv[i]);
        simulate_usage(stderr);
        return 2;
    }
    if (!o.out && !o.plot_rfs && !o.plot_tuning && !o.plot_stimuli) {
        fprintf(stderr, "irfa simulate: --out DIR is required\n");
        simulate_usage(stderr);
        return 2;
    }
    char err[2048];
    if (sim_run(&o, err, sizeof err)) {
        fprintf(stderr, "irfa simulate: %s\n", err);
        return 1;
    }
    if (o.out) printf("session written to %s\n", o.out);
    return 0;
}
