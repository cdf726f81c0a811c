/* Unit tests of the session layer: preprocessing numbers, resizing, reliability, the sandbox, and
 * a write -> load round trip with array membership. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/csv.h"
#include "formats/sandbox.h"
#include "session/fs_util.h"
#include "session/session_data.h"
#include "session/sim_images.h"
#include "session/sim_model.h"

static int failures;
#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            failures++;                                                         \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                \
            fprintf(stderr, __VA_ARGS__);                                       \
            fprintf(stderr, "\n");                                              \
        }                                                                       \
    } while (0)

static void test_resize(void)
{
    /* 4x4 -> 2x2 area averaging: each output is the mean of a 2x2 block */
    float src[3 * 16], dst[3 * 4];
    for (int i = 0; i < 48; i++) src[i] = (float)i;
    session_resize_image(src, 4, 4, dst, 2, 2, SESSION_RESIZE_AREA);
    CHECK(fabsf(dst[0] - 2.5f) < 1e-5, "area resize got %g want 2.5", dst[0]);
    CHECK(fabsf(dst[3] - 12.5f) < 1e-5, "area resize got %g want 12.5", dst[3]);
    CHECK(fabsf(dst[4] - 18.5f) < 1e-5, "area resize channel 1 got %g want 18.5", dst[4]);
    /* bilinear 2x2 -> 4x4 (align_corners=False): pixel 1 = 0.75*a + 0.25*b */
    float s2[12] = {0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0}, d2[48];
    session_resize_image(s2, 2, 2, d2, 4, 4, SESSION_RESIZE_BILINEAR);
    CHECK(fabsf(d2[1] - 1.0f) < 1e-5, "bilinear got %g want 1", d2[1]);
    CHECK(fabsf(d2[0] - 0.0f) < 1e-5, "bilinear corner got %g want 0", d2[0]);
}

/* A tiny session: 3 electrodes (arrays 2, 1, 2), 6 train, 4 test x 3 reps, 2 days. */
static void make_data(session_data *d)
{
    session_data_init(d, "unit");
    d->n_electrodes = 3;
    d->n_train = 6;
    d->n_test = 4;
    d->n_reps = 3;
    d->electrodes = calloc(3, sizeof *d->electrodes);
    int arrays[3] = {2, 1, 2};
    for (int e = 0; e < 3; e++) {
        d->electrodes[e] = (session_electrode){e, arrays[e], e == 1 ? AREA_V1 : AREA_V4, 0.5f, 0.5f, 0.1f, NAN, -1};
    }
    d->electrodes[2].rf_x = NAN; /* no RF mapped */
    d->train = malloc(sizeof(float) * 18);
    d->test_reps = malloc(sizeof(float) * 36);
    d->train_day = malloc(sizeof(int) * 6);
    d->test_rep_day = malloc(sizeof(int) * 12);
    for (int t = 0; t < 6; t++) {
        d->train_day[t] = t / 3;
        for (int e = 0; e < 3; e++) d->train[t * 3 + e] = (float)(t + 10 * e + (t / 3) * 100);
    }
    for (int i = 0; i < 4; i++)
        for (int r = 0; r < 3; r++) {
            d->test_rep_day[i * 3 + r] = r % 2;
            /* electrode 0: image signal + small rep noise; 1: pure rep-dependent noise; 2: signal */
            float noise = (float)((r * 7 + i * 3) % 5) - 2.0f;
            d->test_reps[(i * 3 + r) * 3 + 0] = (float)(i * 10) + 0.1f * noise;
            d->test_reps[(i * 3 + r) * 3 + 1] = noise * (r == 1 ? -1.0f : 1.0f);
            d->test_reps[(i * 3 + r) * 3 + 2] = (float)(i * i);
        }
    d->image_size = 8;
    d->stim_train = calloc(6 * 3 * 64, sizeof(float));
    d->stim_test = calloc(4 * 3 * 64, sizeof(float));
    for (int i = 0; i < 6 * 3 * 64; i++) d->stim_train[i] = (float)(i % 7) / 7.0f;
}

static void test_preprocessing(void)
{
    session_data d;
    char err[512];
    make_data(&d);
    CHECK(session_zscore_per_day(&d, err, sizeof err) == 0, "zscore: %s", err);
    /* electrode 0, day 0 = train trials 0..2 (values 0,1,2) and test reps on day 0 */
    double s = 0, sq = 0;
    int n = 0;
    for (int t = 0; t < 3; t++) { s += d.train[t * 3]; sq += d.train[t * 3] * d.train[t * 3]; n++; }
    for (int i = 0; i < 12; i++)
        if (d.test_rep_day[i] == 0) { float v = d.test_reps[i * 3]; s += v; sq += v * v; n++; }
    CHECK(fabs(s / n) < 1e-5, "day-0 mean after zscore is %g", s / n);
    CHECK(fabs(sq / n - 1) < 1e-4, "day-0 variance after zscore is %g", sq / n);
    session_data_free(&d);

    make_data(&d);
    CHECK(session_average_repetitions(&d, err, sizeof err) == 0, "average: %s", err);
    CHECK(fabsf(d.test[2 * 3 + 2] - 4.0f) < 1e-5, "average of constant reps got %g want 4", d.test[2 * 3 + 2]);
    CHECK(session_compute_reliability(&d, err, sizeof err) == 0, "reliability: %s", err);
    CHECK(d.electrodes[0].reliability > 0.99f, "signal electrode reliability %g", d.electrodes[0].reliability);
    CHECK(d.electrodes[1].reliability < 0.4f, "noise electrode reliability %g", d.electrodes[1].reliability);
    CHECK(fabsf(d.electrodes[2].reliability - 1.0f) < 1e-5, "identical reps reliability %g", d.electrodes[2].reliability);
    CHECK(session_filter_electrodes(&d, 0.4, 1, err, sizeof err) == 0, "filter: %s", err);
    /* electrode 1 unreliable, electrode 2 has no RF: only electrode 0 stays */
    CHECK(d.n_electrodes == 1 && d.electrodes[0].source_index == 0, "filter kept %d electrodes", d.n_electrodes);
    CHECK(d.train[1] == 1.0f && d.test_reps[3] == d.test_reps[3], "filtered columns moved wrongly (train[1]=%g)", d.train[1]);
    session_data_free(&d);
}

static void test_windows(void)
{
    session_data d;
    char err[512];
    make_data(&d);
    d.n_samples = 300;
    d.onset = 100;
    int T = session_data_n_trials(&d);
    d.timecourse = calloc((size_t)3 * T * 300, sizeof(float));
    /* sample value = sample index: window means are the window centres */
    for (int e = 0; e < 3; e++)
        for (int t = 0; t < T; t++)
            for (int s = 0; s < 300; s++) d.timecourse[((size_t)e * T + t) * 300 + s] = (float)s;
    CHECK(session_area_windows(&d, err, sizeof err) == 0, "windows: %s", err);
    CHECK(fabsf(d.train[1] - 166.5f) < 1e-3, "V1 window mean %g want 166.5 (samples 100..233)", d.train[1]);
    CHECK(fabsf(d.train[0] - 199.5f) < 1e-3, "V4 window mean %g want 199.5 (samples 133..266)", d.train[0]);
    CHECK(session_space_time_windows(&d, err, sizeof err) == 0, "st: %s", err);
    CHECK(fabsf(d.train_st[1 * 5 + 0] - 113.0f) < 1e-3, "V1 st window 0 mean %g want 113", d.train_st[5]);
    CHECK(fabsf(d.train_st[1 * 5 + 1] - 139.0f) < 1e-3, "V1 st window 1 mean %g want 139", d.train_st[6]);
    CHECK(fabsf(d.test_st[0 * 5 + 4] - (133 + 104 + 13.0f)) < 1e-3, "V4 st window 4 mean %g", d.test_st[4]);
    session_data_free(&d);
}

static void test_round_trip(void)
{
    session_data d;
    char err[1024], tmp[4096], out[256];
    make_data(&d);
    CHECK(session_average_repetitions(&d, err, sizeof err) == 0, "average: %s", err);
    snprintf(out, sizeof out, "/tmp/irfa_session_unit_%ld/s1", (long)getpid());
    CHECK(session_begin(out, tmp, sizeof tmp, err, sizeof err) == 0, "begin: %s", err);
    CHECK(session_write_files(&d, tmp, err, sizeof err) == 0, "write: %s", err);
    CHECK(!fs_exists(out), "session visible before commit");
    CHECK(session_commit(tmp, out, err, sizeof err) == 0, "commit: %s", err);
    CHECK(!fs_exists(tmp), "temporary folder left behind");
    CHECK(session_begin(out, tmp, sizeof tmp, err, sizeof err) != 0 && strstr(err, "already exists"), "existing session not refused");
    session s;
    session_load_options opt = {.image_size = 4, .load_repetitions = true};
    CHECK(session_load(out, &opt, &s, err, sizeof err) == 0, "load: %s", err);
    CHECK(s.n_arrays == 2 && s.array_ids[0] == 1 && s.array_ids[1] == 2, "arrays %d", s.n_arrays);
    CHECK(s.array_counts[0] == 1 && s.array_counts[1] == 2, "array counts %d %d", s.array_counts[0], s.array_counts[1]);
    CHECK(s.electrode_array[0] == 1 && s.electrode_array[1] == 0 && s.array_electrodes[0] == 1, "membership wrong");
    CHECK(s.image_size == 4 && s.test_reps && s.n_reps == 3, "size %d reps %d", s.image_size, s.n_reps);
    CHECK(s.train_responses[4] == d.train[4], "train responses differ");
    /* PNG stimuli are 8-bit: the resized stimuli match the area average of the written ones to 1/255 */
    float want[3 * 16];
    session_resize_image(d.stim_train, 8, 8, want, 4, 4, SESSION_RESIZE_AREA);
    CHECK(fabsf(s.train_stimuli[5] - want[5]) < 1e-5, "stimuli differ: %g vs %g", s.train_stimuli[5], want[5]);
    session_free(&s);
    /* corrupt a file: loading names it */
    char p[512];
    snprintf(p, sizeof p, "%s/responses_test.npy", out);
    FILE *f = fopen(p, "r+b");
    if (f) { fseek(f, 60, SEEK_SET); fputs("(9, 9)", f); fclose(f); }
    CHECK(session_load(out, NULL, &s, err, sizeof err) != 0 && strstr(err, "responses_test.npy"), "corrupt file not named: %s", err);
    snprintf(p, sizeof p, "/tmp/irfa_session_unit_%ld", (long)getpid());
    fs_remove_tree(p);
    session_data_free(&d);
}

/* A parser that dies of a signal, as a crashing HDF5 library would. SIGABRT rather than a provoked
 * SIGSEGV: the sanitizers turn a SIGSEGV into a plain exit, but leave SIGABRT alone. */
static int crash(void *ctx, char *err, size_t errlen)
{
    (void)ctx; (void)err; (void)errlen;
    abort();
}
static int fail_with_message(void *ctx, char *err, size_t errlen) { (void)ctx; snprintf(err, errlen, "bad.h5: missing dataset '/x'"); return -1; }
static int spin(void *ctx, char *err, size_t errlen)
{
    (void)ctx; (void)err; (void)errlen;
    volatile unsigned long x = 0;
    for (;;) x++;
    return 0;
}
#if !defined(__SANITIZE_ADDRESS__)   /* ASan reserves address space, so the limit cannot be tested there */
static int allocate(void *ctx, char *err, size_t errlen)
{
    (void)ctx;
    void *p = malloc((size_t)1 << 30);
    if (!p) { snprintf(err, errlen, "allocation refused"); return -1; }
    memset(p, 1, (size_t)1 << 30);
    free(p);
    return 0;
}
#endif
static int succeed(void *ctx, char *err, size_t errlen) { (void)ctx; (void)err; (void)errlen; return 0; }

static void test_sandbox(void)
{
    char err[1024];
    sandbox_limits lim = {(size_t)512 << 20, 1};
    CHECK(sandbox_run(succeed, NULL, &lim, err, sizeof err) == 0, "success reported as failure");
    CHECK(sandbox_run(fail_with_message, NULL, &lim, err, sizeof err) != 0 && strstr(err, "missing dataset"), "message lost: %s", err);
    CHECK(sandbox_run(crash, NULL, &lim, err, sizeof err) != 0 && strstr(err, "signal"), "crash not reported: %s", err);
    CHECK(sandbox_run(spin, NULL, &lim, err, sizeof err) != 0 && strstr(err, "CPU"), "CPU limit not reported: %s", err);
#if !defined(__SANITIZE_ADDRESS__)
    CHECK(sandbox_run(allocate, NULL, &lim, err, sizeof err) != 0, "address-space limit not applied");
#endif
}

static void test_simulator_pieces(void)
{
    /* dead leaves: deterministic, in range, not flat */
    float a[3 * 32 * 32], b[3 * 32 * 32];
    sim_dead_leaves(7, 3, 32, a);
    sim_dead_leaves(7, 3, 32, b);
    CHECK(!memcmp(a, b, sizeof a), "dead leaves not deterministic");
    double mn = 1, mx = 0;
    for (int i = 0; i < 3 * 32 * 32; i++) { mn = fmin(mn, a[i]); mx = fmax(mx, a[i]); }
    CHECK(mn >= 0 && mx <= 1 && mx - mn > 0.3, "dead leaves range %g..%g", mn, mx);
    sim_model m;
    CHECK(sim_model_build(&m, 1, 'N', 16, 6) == 0, "model build");
    double size[3] = {0};
    int cnt[3] = {0};
    for (int u = 0; u < m.n_units; u++) { size[m.units[u].area] += m.units[u].rf_size; cnt[m.units[u].area]++; }
    CHECK(cnt[0] == 128 && cnt[1] == 64 && cnt[2] == 64, "area counts %d %d %d", cnt[0], cnt[1], cnt[2]);
    CHECK(size[0] / cnt[0] < size[1] / cnt[1] && size[1] / cnt[1] < size[2] / cnt[2], "RF sizes not V1 < V4 < IT");
    sim_model_free(&m);
    CHECK(sim_array_area('F', 9) == AREA_IT && sim_array_area('F', 14) == AREA_V4 && sim_array_area('N', 9) == AREA_V4, "area maps");
}

static void test_csv(void)
{
    char path[256], err[512];
    snprintf(path, sizeof path, "/tmp/irfa_csv_%ld.csv", (long)getpid());
    FILE *f = fopen(path, "w");
    fputs("a,\"b, quoted\"\r\n1,\"x \"\"y\"\"\"\r\n\n2,z\n", f);
    fclose(f);
    csv_table t;
    CHECK(csv_read(path, &t, err, sizeof err) == 0, "csv: %s", err);
    CHECK(t.n_rows == 2 && t.n_cols == 2 && csv_column(&t, "B, QUOTED") == 1, "csv shape");
    CHECK(!strcmp(csv_cell(&t, 0, 1), "x \"y\""), "csv quote: %s", csv_cell(&t, 0, 1));
    csv_free(&t);
    f = fopen(path, "w");
    fputs("a,b\n1,2,3\n", f);
    fclose(f);
    CHECK(csv_read(path, &t, err, sizeof err) != 0 && strstr(err, path) && strstr(err, "line 2"), "ragged csv: %s", err);
    unlink(path);
}

int main(void)
{
    test_resize();
    test_preprocessing();
    test_windows();
    test_round_trip();
    test_sandbox();
    test_simulator_pieces();
    test_csv();
    if (failures) { fprintf(stderr, "%d failure(s)\n", failures); return 1; }
    printf("session unit tests passed\n");
    return 0;
}
