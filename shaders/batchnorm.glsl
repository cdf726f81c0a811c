// Channel addressing shared by the BatchNorm shaders: x is [N, C, S] with S = H*W (1 for
// BatchNorm1d); element r of channel c (r over N*S) sits at (n*C + c)*S + s with n = r / S, s = r % S.
#ifndef BATCHNORM_GLSL
#define BATCHNORM_GLSL

uint bn_index(uint c, uint r, uint channels, uint spatial)
{
    if (spatial == 1u) return r * channels + c;
    return ((r / spatial) * channels + c) * spatial + r % spatial;
}

#endif
