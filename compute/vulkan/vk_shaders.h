/* SPIR-V modules embedded at build time (generated from the shaders folder by cmake/embed_spirv.cmake). */
#ifndef IRFA_VK_SHADERS_H
#define IRFA_VK_SHADERS_H
#include <stddef.h>
#include <stdint.h>
typedef struct vk_shader_blob { const char *name; const uint32_t *code; size_t size; } vk_shader_blob;
extern const vk_shader_blob vk_shader_blobs[];   /* terminated by {NULL, NULL, 0} */
extern const size_t vk_shader_blob_count;
const vk_shader_blob *vk_shader_find(const char *name);
#endif
