#version 450
// One PyTorch Adam step (L2 weight decay added to the gradient). Hyperparameters come from the hyper
// tensor [lr, beta1, beta2, eps, step, weight_decay] at run time, so a recorded command buffer
// replays with a new step count. Bias corrections 1 - beta^t are computed as -expm1(t * log(beta))
// to keep full float precision when beta^t is close to 1.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) buffer Param { float param[]; };
layout(std430, set = 0, binding = 1) readonly buffer Grad { float grad[]; };
layout(std430, set = 0, binding = 2) buffer M { float m1[]; };
layout(std430, set = 0, binding = 3) buffer V { float m2[]; };
layout(std430, set = 0, binding = 4) readonly buffer Hyper { float hyper[]; };
layout(push_constant) uniform Push { uint n; } p;

// exp(x) - 1 without cancellation for small |x| (Kahan's trick; GLSL has no expm1).
float expm1_accurate(float x)
{
    precise float u = exp(x);
    if (u == 1.0) return x;
    precise float um1 = u - 1.0;
    if (um1 == -1.0) return -1.0;
    return um1 * (x / log(u));
}

float bias_correction(float beta, float t)
{
    if (beta <= 0.0) return 1.0;
    return -expm1_accurate(t * log(beta));
}

void main()
{
    uint i = flat_invocation_id();
    if (i >= p.n) return;
    float lr = hyper[0], b1 = hyper[1], b2 = hyper[2], eps = hyper[3], t = hyper[4], wd = hyper[5];
    float w = param[i];
    float g = grad[i];
    if (wd != 0.0) g += wd * w;
    float m = b1 * m1[i] + (1.0 - b1) * g;
    float v = b2 * m2[i] + (1.0 - b2) * g * g;
    m1[i] = m;
    m2[i] = v;
    float bc1 = bias_correction(b1, t);
    float bc2 = bias_correction(b2, t);
    param[i] = w - lr * (m / bc1) / (sqrt(v / bc2) + eps);
}
