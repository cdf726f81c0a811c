/* Comparison with the PyTorch golden vectors written by tests/golden/make_golden.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/atomic_file.h"
#include "tests/ops/op_suites.h"

cJSON *ot_load_index(const char *golden_dir)
{
    char path[4096], err[512];
    unsigned char *buf = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/index.json", golden_dir);
    if (read_whole_file(path, 16u << 20, &buf, &len, err, sizeof err) != 0) {
        ot_fail("cannot read the golden index (run make_golden.py, the ops_golden fixture): %s", err);
        return NULL;
    }
    cJSON *index = cJSON_ParseWithLength((const char *)buf, len);
    free(buf);
    if (!index || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(index, "cases"))) {
        ot_fail("%s: not a golden index (no \"cases\" array)", path);
        cJSON_Delete(index);
        return NULL;
    }
    return index;
}

int ot_load_case(const char *golden_dir, const cJSON *entry, ot_set *golden)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(entry, "name");
    const cJSON *arrays = cJSON_GetObjectItemCaseSensitive(entry, "arrays");
    if (!cJSON_IsString(name) || !cJSON_IsArray(arrays)) {
        ot_fail("golden index entry without name or arrays");
        return -1;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", golden_dir, name->valuestring);
    memset(golden, 0, sizeof *golden);
    return ot_set_load_npy(golden, dir, arrays);
}

static void compare_outputs(const char *case_name, const char *label, const ot_set *out,
                            const ot_set *golden, ot_tol tol)
{
    char what[160];
    for (int i = 0; i < out->n; i++) {
        const ot_array *got = &out->a[i];
        snprintf(what, sizeof what, "%s %s: %s", case_name, label, got->name);
        const ot_array *want = ot_set_find(golden, got->name);
        if (!want) {
            ot_fail("%s: no golden array of that name", what);
            continue;
        }
        ot_compare(what, got, want, tol);
    }
}

void ot_golden_case(compute_ctx *ctx, const ot_op *op, const char *case_name, const cJSON *params,
                    const ot_set *golden, ot_tol tol)
{
    ot_set out = { 0 };
    op->run(ctx, params, golden, &out, op->fd_output ? OT_ALL_GRADS : 0);
    compare_outputs(case_name, "all grads", &out, golden, tol);
    /* Every gradient the case has an input for must have been produced. */
    for (int g = 0; g < OT_MAX_GRADS && op->grads[g].input; g++) {
        if (ot_set_find(golden, op->grads[g].input))
            ot_check(ot_set_find(&out, op->grads[g].grad) != NULL, "%s: the runner produced no %s",
                     case_name, op->grads[g].grad);
    }
    ot_set_free(&out);

    /* Each gradient alone, the others NULL: a backward must not need or touch the missing ones. */
    int ngrads = 0;
    for (int g = 0; g < OT_MAX_GRADS && op->grads[g].input; g++)
        if (ot_set_find(golden, op->grads[g].input)) ngrads++;
    if (ngrads < 2) return;
    int present = 0;
    for (int g = 0; g < OT_MAX_GRADS && op->grads[g].input; g++) {
        if (!ot_set_find(golden, op->grads[g].input)) continue;
        present++;
        if (op->alone_only_at_ends && present != 1 && present != ngrads) continue;
        char label[64];
        snprintf(label, sizeof label, "only %s", op->grads[g].grad);
        op->run(ctx, params, golden, &out, 1u << g);
        for (int h = 0; h < OT_MAX_GRADS && op->grads[h].input; h++)
            if (h != g)
                ot_check(ot_set_find(&out, op->grads[h].grad) == NULL, "%s %s: %s was produced",
                         case_name, label, op->grads[h].grad);
        compare_outputs(case_name, label, &out, golden, tol);
        ot_set_free(&out);
    }
}
