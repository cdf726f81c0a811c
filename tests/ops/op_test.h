/* Test harness for compute/ops.h: named host arrays, upload/download, tolerant comparison with a
 * useful failure message, and finite-difference gradient checks.
 *
 * An op test case is a set of named host arrays (inputs such as x, w, dy) that a runner
 * (runners_*.c) uploads to a context, runs through the op and downloads as another set of named
 * arrays (y, dx, dw, ...). The same runner serves the PyTorch golden comparison, the CPU-vs-Vulkan
 * comparison and the finite-difference check. */
#ifndef IRFA_TESTS_OP_TEST_H
#define IRFA_TESTS_OP_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "compute/compute.h"
#include "compute/ops.h"
#include "compute/tensor.h"

/* ---- named host arrays --------------------------------------------------------------------------- */
typedef struct ot_array {
    char name[32];
    int ndim;
    int shape[TENSOR_MAX_DIMS];
    size_t numel;
    float *data;
} ot_array;

#define OT_MAX_ARRAYS 24
typedef struct ot_set {
    int n;
    ot_array a[OT_MAX_ARRAYS];
} ot_set;

/* Adds (or replaces) a zero-filled array. */
ot_array *ot_set_add(ot_set *s, const char *name, int ndim, const int *shape);
ot_array *ot_set_find(const ot_set *s, const char *name);          /* NULL when absent */
ot_array *ot_set_get(const ot_set *s, const char *name);           /* aborts the test when absent */
void ot_set_copy(ot_set *dst, const ot_set *src);
void ot_set_free(ot_set *s);
/* Loads every .npy named in `names` from folder dir. Returns 0, or -1 after reporting a failure. */
int ot_set_load_npy(ot_set *s, const char *dir, const cJSON *names);

const char *ot_shape_str(int ndim, const int *shape, char *buf, size_t len);

/* ---- tensors ------------------------------------------------------------------------------------- */
tensor *ot_upload(compute_ctx *ctx, const ot_array *a);
tensor *ot_upload_flags(compute_ctx *ctx, const ot_array *a, unsigned flags);
/* A fresh output tensor pre-filled with a sentinel, so an op that skips elements or accumulates
 * into its output instead of overwriting it is caught. */
tensor *ot_output(compute_ctx *ctx, int ndim, const int *shape);
tensor *ot_output_like(const tensor *t);
/* The gradient output for bit `bit` of `grads`, or NULL when that gradient is not requested. */
tensor *ot_grad_output(const tensor *like, unsigned grads, int bit);
/* Adds t's contents to out under name; does nothing for t == NULL (an unrequested gradient). */
void ot_download(const tensor *t, ot_set *out, const char *name);
void ot_free_tensors(tensor **ts, int n);

/* ---- comparison ---------------------------------------------------------------------------------- */
/* An element passes when |got - want| <= atol + rtol * |want|, with atol = atol_scale * max|want|:
 * the absolute part follows the array's magnitude, so elements that are sums of many cancelling
 * terms are judged against the array's scale, while small arrays are judged as strictly as large. */
typedef struct ot_tol { double atol_scale, rtol; } ot_tol;
extern const ot_tol OT_TOL_CPU_GOLDEN;
extern const ot_tol OT_TOL_VULKAN;

/* Compares shapes and values; prints what differed (count, worst element with its index, max abs
 * and rel error). Counts a failure and returns false on mismatch. */
bool ot_compare(const char *what, const ot_array *got, const ot_array *want, ot_tol tol);
/* Exact comparison of two float buffers (bitwise equal values). */
bool ot_compare_exact(const char *what, const float *got, const float *want, size_t n);

/* ---- results ------------------------------------------------------------------------------------- */
/* Records a failure with a printf-style message. */
void ot_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Records a check: prints and counts a failure when !cond. */
bool ot_check(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ot_failures(void);
/* Sets the failure count back to n (the self-test takes back failures it provoked on purpose). */
void ot_failures_reset(int n);
extern bool ot_verbose;

/* ---- JSON parameters (from the golden index.json) -------------------------------------------------- */
int ot_param_int(const cJSON *params, const char *key, int def);
double ot_param_double(const cJSON *params, const char *key, double def);
bool ot_param_bool(const cJSON *params, const char *key, bool def);
/* Reads an int array of exactly n entries; returns false (and fails the test) otherwise. */
bool ot_param_ints(const cJSON *params, const char *key, int *out, int n);

/* ---- random data --------------------------------------------------------------------------------- */
/* The harness's own generator (splitmix64), so test inputs do not depend on the code under test. */
typedef struct ot_rng { unsigned long long state; } ot_rng;
void ot_rng_seed(ot_rng *r, unsigned long long seed);
double ot_rand_uniform(ot_rng *r);     /* [0,1) */
double ot_rand_normal(ot_rng *r);      /* N(0,1) */
void ot_fill_normal(ot_array *a, ot_rng *r, float scale);
void ot_fill_uniform(ot_array *a, ot_rng *r, float lo, float hi);

#endif
