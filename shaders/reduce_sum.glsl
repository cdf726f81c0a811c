// Shared pieces of reduce_sum.comp: the per-element term and the index arithmetic.
#ifndef REDUCE_SUM_GLSL
#define REDUCE_SUM_GLSL

// log(1 + e) accurate also for tiny e (GLSL has no log1p).
float log1p_accurate(float e)
{
    precise float u = 1.0 + e;
    if (u == 1.0) return e;
    precise float d = u - 1.0;
    return log(u) * (e / d);
}

// Numerically stable binary cross-entropy on a logit: max(x,0) - x*t + log(1 + exp(-|x|)).
float bce_with_logits(float x, float t)
{
    return max(x, 0.0) - x * t + log1p_accurate(exp(-abs(x)));
}

#endif
