#include "formats/jpeg_io.h"

/* jpeglib.h needs size_t and FILE declared before it is included. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "formats/atomic_file.h"

/* Stimulus files are small; anything bigger is refused before decoding. */
#define JPEG_IO_MAX_FILE_BYTES ((size_t)256 << 20)
/* libjpeg's own working memory (progressive images keep all coefficients): an 8192x8192 colour
 * progressive image needs about 400 MiB. */
#define JPEG_IO_MAX_WORK_BYTES (768L << 20)
/* A progressive file may hold thousands of tiny scans that each cost a full pass over the image
 * (a known decoder denial of service); real encoders write about ten. */
#define JPEG_IO_MAX_SCANS 500

/* libjpeg's default error manager prints and calls exit(); this one jumps back to the decoder's
 * caller with the message, and treats warnings (truncation, corrupt entropy data) as errors so a
 * damaged stimulus is never imported with grey blocks in it. */
typedef struct jpeg_guard {
    struct jpeg_error_mgr mgr;
    jmp_buf back;
    char message[JMSG_LENGTH_MAX + 64];
} jpeg_guard;

static void guard_describe(j_common_ptr cinfo)
{
    jpeg_guard *g = (jpeg_guard *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, text);
    int code = cinfo->err->msg_code;
    static const char corrupt[] = "Corrupt JPEG data: ";
    if (code == JWRN_JPEG_EOF || code == JERR_INPUT_EOF)
        snprintf(g->message, sizeof g->message, "truncated JPEG (%s)", text);
    else if (!strncmp(text, corrupt, sizeof corrupt - 1))
        snprintf(g->message, sizeof g->message, "corrupt JPEG data: %s", text + sizeof corrupt - 1);
    else
        snprintf(g->message, sizeof g->message, "corrupt JPEG: %s", text);
}

static void guard_error_exit(j_common_ptr cinfo)
{
    guard_describe(cinfo);
    longjmp(((jpeg_guard *)cinfo->err)->back, 1);
}

static void guard_emit_message(j_common_ptr cinfo, int msg_level)
{
    if (msg_level >= 0) return; /* trace messages */
    guard_describe(cinfo);
    longjmp(((jpeg_guard *)cinfo->err)->back, 1);
}

static void guard_progress(j_common_ptr cinfo)
{
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (d->input_scan_number > JPEG_IO_MAX_SCANS) {
        jpeg_guard *g = (jpeg_guard *)cinfo->err;
        snprintf(g->message, sizeof g->message, "corrupt JPEG: more than %d progressive scans", JPEG_IO_MAX_SCANS);
        longjmp(g->back, 1);
    }
}

int jpeg_has_signature(const unsigned char *head, size_t n)
{
    return n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;
}

/* CMYK as 8-bit RGB. Adobe (Photoshop) files store the inks inverted, plain ones do not. */
static void cmyk_to_rgb(const unsigned char *cmyk, unsigned char *rgb, size_t n, int inverted)
{
    for (size_t i = 0; i < n; i++) {
        unsigned k = inverted ? cmyk[4 * i + 3] : 255u - cmyk[4 * i + 3];
        for (int c = 0; c < 3; c++) {
            unsigned ink = inverted ? cmyk[4 * i + c] : 255u - cmyk[4 * i + c];
            rgb[3 * i + c] = (unsigned char)((ink * k + 127) / 255);
        }
    }
}

int jpeg_decode_rgb(const unsigned char *buf, size_t len, const char *name, rgb_image *out,
                    char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!jpeg_has_signature(buf, len)) {
        snprintf(err, errlen, "%s: not a JPEG image (no start-of-image marker)", name);
        return -1;
    }
    struct jpeg_decompress_struct cinfo;
    jpeg_guard guard;
    struct jpeg_progress_mgr progress;
    /* Written between setjmp and a longjmp, so volatile to survive the jump. */
    unsigned char *volatile px = NULL;
    unsigned char *volatile row = NULL;
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&guard.mgr);
    guard.mgr.error_exit = guard_error_exit;
    guard.mgr.emit_message = guard_emit_message;
    guard.message[0] = '\0';
    if (setjmp(guard.back)) {
        snprintf(err, errlen, "%s: %s", name, guard.message);
        jpeg_destroy_decompress(&cinfo);
        free(px);
        free(row);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    cinfo.mem->max_memory_to_use = JPEG_IO_MAX_WORK_BYTES;
    progress.progress_monitor = guard_progress;
    cinfo.progress = &progress;
    jpeg_mem_src(&cinfo, buf, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    unsigned w = cinfo.image_width, h = cinfo.image_height;
    if (w == 0 || h == 0 || w > PNG_IO_MAX_SIDE || h > PNG_IO_MAX_SIDE) {
        snprintf(err, errlen, "%s: image is %ux%u, outside 1..%d pixels per side", name, w, h, PNG_IO_MAX_SIDE);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    int cmyk = 0;
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: case JCS_YCbCr: case JCS_RGB:
        cinfo.out_color_space = JCS_RGB;
        break;
    case JCS_CMYK: case JCS_YCCK: /* libjpeg turns YCCK into CMYK; the inks are converted below */
        cinfo.out_color_space = JCS_CMYK;
        cmyk = 1;
        break;
    default:
        snprintf(err, errlen, "%s: unsupported JPEG colour space (%d components that are neither grey, "
                 "YCbCr, RGB, CMYK nor YCCK)", name, cinfo.num_components);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_start_decompress(&cinfo);
    size_t npx = (size_t)w * h;
    px = malloc(npx * 3);
    if (cmyk) row = malloc((size_t)w * 4);
    if (!px || (cmyk && !row)) {
        snprintf(err, errlen, "%s: out of memory", name);
        jpeg_destroy_decompress(&cinfo);
        free(px);
        free(row);
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        unsigned y = cinfo.output_scanline;
        JSAMPROW dst = cmyk ? row : px + (size_t)y * w * 3;
        if (jpeg_read_scanlines(&cinfo, &dst, 1) != 1) {
            /* The memory source never suspends, so no line means the data ran out. */
            snprintf(err, errlen, "%s: truncated JPEG (no data for row %u)", name, y);
            jpeg_destroy_decompress(&cinfo);
            free(px);
            free(row);
            return -1;
        }
        if (cmyk) cmyk_to_rgb(row, px + (size_t)y * w * 3, w, cinfo.saw_Adobe_marker);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(row);
    out->width = (int)w;
    out->height = (int)h;
    out->pixels = px;
    return 0;
}

int jpeg_read_rgb(const char *path, rgb_image *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    unsigned char *buf;
    size_t len;
    char e[512];
    if (read_whole_file(path, JPEG_IO_MAX_FILE_BYTES, &buf, &len, e, sizeof e)) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    int rc = jpeg_decode_rgb(buf, len, path, out, err, errlen);
    free(buf);
    return rc;
}
