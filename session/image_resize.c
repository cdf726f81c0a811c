/* Resizing stimuli to the model grid: area averaging (each output pixel is the mean of the input
 * area it covers; what the decoders' downsampling amounts to) or bilinear (align_corners=False). */
#include <math.h>

#include "session/session.h"

static void resize_area(const float *src, int h, int w, float *dst, int oh, int ow)
{
    double sy = (double)h / oh, sx = (double)w / ow;
    for (int c = 0; c < 3; c++)
        for (int y = 0; y < oh; y++) {
            double y0 = y * sy, y1 = (y + 1) * sy;
            for (int x = 0; x < ow; x++) {
                double x0 = x * sx, x1 = (x + 1) * sx, acc = 0, wsum = 0;
                for (int iy = (int)floor(y0); iy < h && iy < y1; iy++) {
                    double wy = fmin(iy + 1, y1) - fmax(iy, y0);
                    if (wy <= 0) continue;
                    for (int ix = (int)floor(x0); ix < w && ix < x1; ix++) {
                        double wx = fmin(ix + 1, x1) - fmax(ix, x0);
                        if (wx <= 0) continue;
                        acc += wy * wx * src[((size_t)c * h + iy) * w + ix];
                        wsum += wy * wx;
                    }
                }
                dst[((size_t)c * oh + y) * ow + x] = (float)(wsum > 0 ? acc / wsum : 0);
            }
        }
}

static void resize_bilinear(const float *src, int h, int w, float *dst, int oh, int ow)
{
    double sy = (double)h / oh, sx = (double)w / ow;
    for (int c = 0; c < 3; c++)
        for (int y = 0; y < oh; y++) {
            double fy = fmax((y + 0.5) * sy - 0.5, 0);
            int y0 = (int)fy, y1 = y0 + 1 < h ? y0 + 1 : h - 1;
            double ty = fy - y0;
            for (int x = 0; x < ow; x++) {
                double fx = fmax((x + 0.5) * sx - 0.5, 0);
                int x0 = (int)fx, x1 = x0 + 1 < w ? x0 + 1 : w - 1;
                double tx = fx - x0;
                const float *p = src + (size_t)c * h * w;
                double v = (1 - ty) * ((1 - tx) * p[(size_t)y0 * w + x0] + tx * p[(size_t)y0 * w + x1]) +
                           ty * ((1 - tx) * p[(size_t)y1 * w + x0] + tx * p[(size_t)y1 * w + x1]);
                dst[((size_t)c * oh + y) * ow + x] = (float)v;
            }
        }
}

void session_resize_image(const float *src, int h, int w, float *dst, int oh, int ow, session_resize_mode mode)
{
    if (mode == SESSION_RESIZE_BILINEAR) resize_bilinear(src, h, w, dst, oh, ow);
    else resize_area(src, h, w, dst, oh, ow);
}
