/* irfa import npy|tvsd|nwb: a recording in the formats of the field -> a session folder
 * (docs/sessions.md). Parsing runs in a resource-limited child; nothing appears at --out unless
 * the whole session converted and validated. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "session/import.h"

static void import_usage(FILE *f)
{
    fprintf(f,
            "usage: irfa import FORMAT --out DIR [options]\n"
            "formats:\n"
            "  npy   --npz FILE.npz (train, test and/or test_reps, train_day, test_day)\n"
            "        or --train FILE.npy [--test FILE.npy] [--test-reps FILE.npy]\n"
            "        --electrodes FILE.csv|.json (array, area [, rf_x, rf_y, rf_size, reliability])\n"
            "        --images DIR --image-table FILE.csv (split,index,file)\n"
            "  tvsd  --normmua THINGS_normMUA.mat --monkey N|F --images THINGS_DIR --image-table FILE.csv\n"
            "        [--trials THINGS_MUA_trials.mat [--channel-map FILE.npy]] [--electrodes RF.csv]\n"
            "  nwb   --nwb FILE.nwb [--series NAME] [--images DIR]\n"
            "common:\n"
            "  --size PX                 stimulus grid stored in the session (default 128)\n"
            "  --zscore                  z-score each electrode per recording day\n"
            "  --filter                  keep electrodes with reliability > threshold (and a mapped RF if any is known)\n"
            "  --reliability-threshold R (default 0.4)\n"
            "  --no-space-time           skip the 5 x 27 ms windows when a time course exists\n");
}

int cmd_import(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        import_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *format = argv[1], *out = NULL;
    if (strcmp(format, "npy") && strcmp(format, "tvsd") && strcmp(format, "nwb")) {
        fprintf(stderr, "irfa import: unknown format '%s' (npy, tvsd or nwb)\n", format);
        return 2;
    }
    import_prep prep;
    import_prep_default(&prep);
    import_npy_options npy = {0};
    import_tvsd_options tvsd = {0};
    tvsd.monkey = 'N';
    import_nwb_options nwb = {0};
    const char *monkey = "N";
    struct { const char *name; const char **dst; } strs[] = {
        {"--out", &out}, {"--npz", &npy.npz}, {"--train", &npy.train}, {"--test", &npy.test},
        {"--test-reps", &npy.test_reps}, {"--normmua", &tvsd.normmua}, {"--trials", &tvsd.trials},
        {"--channel-map", &tvsd.channel_map}, {"--monkey", &monkey}, {"--nwb", &nwb.nwb}, {"--series", &nwb.series},
    };
    const char *images = NULL, *table = NULL, *electrodes = NULL;
    char cmdline[2048];
    size_t n = 0;
    for (int i = 0; i < argc && n < sizeof cmdline; i++)
        n += (size_t)snprintf(cmdline + n, sizeof cmdline - n, "%s%s", i ? " " : "irfa ", argv[i]);
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        bool missing = false, done = false;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { import_usage(stdout); return 0; }
        if (!strcmp(argv[i], "--zscore")) { prep.zscore = 1; continue; }
        if (!strcmp(argv[i], "--filter")) { prep.filter = 1; continue; }
        if (!strcmp(argv[i], "--no-space-time")) { prep.space_time = 0; continue; }
        if (opt_value(argc, argv, &i, "--size", &v, &missing)) {
            long l;
            if (missing || !opt_parse_int(v, 8, 1024, &l)) { fprintf(stderr, "irfa import: --size needs a whole number in 8..1024\n"); return 2; }
            prep.image_size = (int)l;
            continue;
        }
        if (opt_value(argc, argv, &i, "--reliability-threshold", &v, &missing)) {
            double x;
            if (missing || !opt_parse_float(v, &x) || x < -1 || x > 1) { fprintf(stderr, "irfa import: --reliability-threshold needs a number in -1..1\n"); return 2; }
            prep.reliability_threshold = x;
            continue;
        }
        const char **dst = NULL;
        if (opt_value(argc, argv, &i, "--images", &v, &missing)) dst = &images;
        else if (opt_value(argc, argv, &i, "--image-table", &v, &missing)) dst = &table;
        else if (opt_value(argc, argv, &i, "--electrodes", &v, &missing)) dst = &electrodes;
        for (size_t k = 0; !dst && k < sizeof strs / sizeof strs[0]; k++)
            if (opt_value(argc, argv, &i, strs[k].name, &v, &missing)) dst = strs[k].dst;
        if (dst) {
            if (missing || !v[0]) { fprintf(stderr, "irfa import: %s needs a value\n", argv[i]); return 2; }
            *dst = v;
            done = true;
        }
        if (!done) {
            fprintf(stderr, "irfa import: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!out) { fprintf(stderr, "irfa import: --out DIR is required\n"); return 2; }
    if (strcmp(monkey, "N") && strcmp(monkey, "F")) { fprintf(stderr, "irfa import: --monkey must be N or F\n"); return 2; }
    tvsd.monkey = monkey[0];
    npy.images = tvsd.images = nwb.images = images;
    npy.image_table = tvsd.image_table = table;
    npy.electrodes = tvsd.electrodes = electrodes;
    char err[2048];
    int rc;
    if (!strcmp(format, "npy")) rc = import_npy(&npy, &prep, out, cmdline, err, sizeof err);
    else if (!strcmp(format, "tvsd")) rc = import_tvsd(&tvsd, &prep, out, cmdline, err, sizeof err);
    else rc = import_nwb(&nwb, &prep, out, cmdline, err, sizeof err);
    if (rc) {
        fprintf(stderr, "irfa import %s: %s\n", format, err);
        return 1;
    }
    printf("session written to %s\n", out);
    return 0;
}
