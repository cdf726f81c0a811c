# Compile shaders/*.comp with glslc and embed the SPIR-V words in a generated C table,
# so the binary reads no shader file at run time.
file(GLOB IRFA_SHADERS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/shaders/*.comp)
file(GLOB IRFA_SHADER_INCLUDES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/shaders/*.glsl)
set(IRFA_SPV_DIR ${CMAKE_BINARY_DIR}/spv)
file(MAKE_DIRECTORY ${IRFA_SPV_DIR} ${CMAKE_BINARY_DIR}/generated)
set(IRFA_SPV_FILES)
foreach(src ${IRFA_SHADERS})
  get_filename_component(name ${src} NAME_WE)
  set(spv ${IRFA_SPV_DIR}/${name}.spv)
  add_custom_command(OUTPUT ${spv}
    COMMAND ${GLSLC} --target-env=vulkan1.2 -O -I ${CMAKE_SOURCE_DIR}/shaders -o ${spv} ${src}
    DEPENDS ${src} ${IRFA_SHADER_INCLUDES}
    COMMENT "glslc ${name}.comp" VERBATIM)
  list(APPEND IRFA_SPV_FILES ${spv})
endforeach()
set(IRFA_SHADER_SOURCE ${CMAKE_BINARY_DIR}/generated/shaders_embedded.c)
add_custom_command(OUTPUT ${IRFA_SHADER_SOURCE}
  COMMAND ${CMAKE_COMMAND} -DOUT=${IRFA_SHADER_SOURCE} -DSPV_DIR=${IRFA_SPV_DIR}
          "-DSPV_FILES=${IRFA_SPV_FILES}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_spirv.cmake
  DEPENDS ${IRFA_SPV_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed_spirv.cmake
  COMMENT "embedding SPIR-V" VERBATIM)
