#include "formats/hdf5_read.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t h5r_open(const char *path, char *err, size_t errlen)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    htri_t is = H5Fis_hdf5(path);
    if (is <= 0) {
        FILE *f = fopen(path, "rb");
        if (!f) snprintf(err, errlen, "%s: cannot open", path);
        else { fclose(f); snprintf(err, errlen, "%s: not an HDF5 / MATLAB v7.3 file", path); }
        return -1;
    }
    hid_t fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (fid < 0) { snprintf(err, errlen, "%s: HDF5 open failed (corrupt file?)", path); return -1; }
    return fid;
}

void h5r_close(int64_t file) { if (file >= 0) H5Fclose((hid_t)file); }

int h5r_exists(int64_t file, const char *name)
{
    /* H5Lexists must be asked about every component of the path in turn. */
    char buf[1024];
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof buf) return 0;
    memcpy(buf, name, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            htri_t e = H5Lexists((hid_t)file, buf, H5P_DEFAULT);
            buf[i] = c;
            if (e <= 0) return 0;
        }
    }
    return H5Oexists_by_name((hid_t)file, name, H5P_DEFAULT) > 0;
}

int h5r_read_f32(int64_t file, const char *label, const char *name, size_t max_elems,
                 int allow_nonfinite, h5_f32 *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!h5r_exists(file, name)) { snprintf(err, errlen, "%s: missing dataset '%s'", label, name); return -1; }
    hid_t d = H5Dopen2((hid_t)file, name, H5P_DEFAULT);
    if (d < 0) { snprintf(err, errlen, "%s: '%s' is not a dataset", label, name); return -1; }
    int rc = -1;
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    H5T_class_t cls = H5Tget_class(t);
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
        snprintf(err, errlen, "%s: dataset '%s' is not numeric (HDF5 type class %d)", label, name, (int)cls);
        goto done;
    }
    int nd = H5Sget_simple_extent_ndims(s);
    if (nd < 0 || nd > H5R_MAX_DIMS) { snprintf(err, errlen, "%s: dataset '%s' has an unsupported rank", label, name); goto done; }
    hsize_t dims[H5R_MAX_DIMS];
    H5Sget_simple_extent_dims(s, dims, NULL);
    size_t numel = 1;
    for (int i = 0; i < nd; i++) {
        if (dims[i] && numel > max_elems / dims[i]) {
            snprintf(err, errlen, "%s: dataset '%s' has more than %zu elements", label, name, max_elems);
            goto done;
        }
        numel *= dims[i];
        out->dims[i] = (int64_t)dims[i];
    }
    out->ndim = nd;
    out->numel = numel;
    out->data = malloc(numel * sizeof(float) + 1);
    if (!out->data) { snprintf(err, errlen, "%s: out of memory reading '%s'", label, name); goto done; }
    if (numel && H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out->data) < 0) {
        snprintf(err, errlen, "%s: dataset '%s' could not be read (truncated or corrupt file?)", label, name);
        goto done;
    }
    if (!allow_nonfinite)
        for (size_t i = 0; i < numel; i++)
            if (!isfinite(out->data[i])) {
                snprintf(err, errlen, "%s: dataset '%s' element %zu is %s", label, name, i,
                         isnan(out->data[i]) ? "NaN" : "infinite");
                goto done;
            }
    rc = 0;
done:
    H5Sclose(s);
    H5Tclose(t);
    H5Dclose(d);
    if (rc) h5_f32_free(out);
    return rc;
}

int h5r_read_strings(int64_t file, const char *label, const char *name, char ***out, size_t *n,
                     char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    if (!h5r_exists(file, name)) { snprintf(err, errlen, "%s: missing dataset '%s'", label, name); return -1; }
    hid_t d = H5Dopen2((hid_t)file, name, H5P_DEFAULT);
    if (d < 0) { snprintf(err, errlen, "%s: '%s' is not a dataset", label, name); return -1; }
    int rc = -1;
    hid_t t = H5Dget_type(d), s = H5Dget_space(d), mt = -1;
    char **strs = NULL;
    if (H5Tget_class(t) != H5T_STRING) { snprintf(err, errlen, "%s: dataset '%s' is not a string array", label, name); goto done; }
    hssize_t cnt = H5Sget_simple_extent_npoints(s);
    if (cnt < 0 || cnt > (1 << 24)) { snprintf(err, errlen, "%s: dataset '%s' has a bad size", label, name); goto done; }
    strs = calloc((size_t)cnt + 1, sizeof *strs);
    if (!strs) goto done;
    if (H5Tis_variable_str(t) > 0) {
        mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(t));
        char **raw = calloc((size_t)cnt + 1, sizeof *raw);
        if (!raw || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0) {
            free(raw);
            snprintf(err, errlen, "%s: dataset '%s' could not be read", label, name);
            goto done;
        }
        for (hssize_t i = 0; i < cnt; i++) strs[i] = strdup(raw[i] ? raw[i] : "");
        H5Dvlen_reclaim(mt, s, H5P_DEFAULT, raw);
        free(raw);
    } else {
        size_t w = H5Tget_size(t);
        if (w == 0 || w > 4096) { snprintf(err, errlen, "%s: dataset '%s' has strings of %zu bytes", label, name, w); goto done; }
        mt = H5Tcopy(t);
        char *raw = calloc((size_t)cnt, w + 1);
        if (!raw || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0) {
            free(raw);
            snprintf(err, errlen, "%s: dataset '%s' could not be read", label, name);
            goto done;
        }
        for (hssize_t i = 0; i < cnt; i++) strs[i] = strndup(raw + (size_t)i * w, w);
        free(raw);
    }
    for (hssize_t i = 0; i < cnt; i++)
        if (!strs[i]) { snprintf(err, errlen, "out of memory"); goto done; }
    *out = strs;
    *n = (size_t)cnt;
    strs = NULL;
    rc = 0;
done:
    if (strs) h5r_free_strings(strs, (size_t)(cnt > 0 ? cnt : 0));
    if (mt >= 0) H5Tclose(mt);
    H5Sclose(s);
    H5Tclose(t);
    H5Dclose(d);
    return rc;
}

void h5r_free_strings(char **s, size_t n)
{
    if (!s) return;
    for (size_t i = 0; i < n; i++) free(s[i]);
    free(s);
}

int h5r_attr_f64(int64_t file, const char *object, const char *attr, double *out)
{
    if (!h5r_exists(file, object) || H5Aexists_by_name((hid_t)file, object, attr, H5P_DEFAULT) <= 0) return -1;
    hid_t a = H5Aopen_by_name((hid_t)file, object, attr, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    int rc = -1;
    H5T_class_t c = H5Tget_class(t);
    if ((c == H5T_FLOAT || c == H5T_INTEGER) && H5Sget_simple_extent_npoints(s) == 1)
        rc = H5Aread(a, H5T_NATIVE_DOUBLE, out) < 0 ? -1 : 0;
    H5Sclose(s);
    H5Tclose(t);
    H5Aclose(a);
    return rc;
}

typedef struct name_list { char **v; size_t n, cap; } name_list;

static herr_t collect_name(hid_t g, const char *name, const H5L_info_t *info, void *op)
{
    (void)g; (void)info;
    name_list *l = op;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **p = realloc(l->v, cap * sizeof *p);
        if (!p) return -1;
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n] = strdup(name);
    if (!l->v[l->n]) return -1;
    l->n++;
    return 0;
}

int h5r_group_members(int64_t file, const char *group, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!h5r_exists(file, group)) return -1;
    hid_t g = H5Gopen2((hid_t)file, group, H5P_DEFAULT);
    if (g < 0) return -1;
    name_list l = {0};
    herr_t rc = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_name, &l);
    H5Gclose(g);
    if (rc < 0) { h5r_free_strings(l.v, l.n); return -1; }
    *out = l.v;
    *n = l.n;
    return 0;
}

void h5_f32_free(h5_f32 *a)
{
    free(a->data);
    a->data = NULL;
}
