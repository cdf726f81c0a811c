# VGG19 perceptual loss (model/vgg19.h) against PyTorch on both backends, bad weight files, bad sizes.
# The reference (random weights, inputs, loss, gradient) is generated at test time with /usr/bin/python3
# into the build tree; nothing generated is committed.
set(IRFA_TORCH_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with torch and numpy, for the golden vectors")
set(IRFA_VGG_REF_DIR ${CMAKE_BINARY_DIR}/tests/vgg_reference)

add_executable(vgg19_test ${CMAKE_CURRENT_LIST_DIR}/vgg19_test.c)
target_link_libraries(vgg19_test PRIVATE irfa_model irfa_formats)

add_test(NAME vgg_reference_generate
         COMMAND ${IRFA_TORCH_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/vgg19_reference.py ${IRFA_VGG_REF_DIR})
set_tests_properties(vgg_reference_generate PROPERTIES FIXTURES_SETUP vgg_reference TIMEOUT 300)

set(IRFA_VGG_VK_ENV "${IRFA_VK_TEST_ENV}")

set(IRFA_VGG_TESTS "")
foreach(backend cpu vulkan)
  # r64: image 32 resized to 64; r32: no resize; r40: a side that pooling makes odd.
  foreach(case r64 r32 r40)
    add_test(NAME vgg_compare_${case}_${backend}
             COMMAND ${IRFA_TORCH_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/vgg19_compare.py $<TARGET_FILE:vgg19_test>
                     ${backend} ${IRFA_VGG_REF_DIR} ${case})
    list(APPEND IRFA_VGG_TESTS vgg_compare_${case}_${backend})
  endforeach()
  add_test(NAME vgg_refuse_missing_${backend}
           COMMAND vgg19_test refuse ${backend} ${IRFA_VGG_REF_DIR}/bad_missing.safetensors features.21.bias missing)
  add_test(NAME vgg_refuse_shape_${backend}
           COMMAND vgg19_test refuse ${backend} ${IRFA_VGG_REF_DIR}/bad_shape.safetensors features.10.weight
                   256x64x3x3 256x128x3x3)
  add_test(NAME vgg_refuse_dtype_${backend}
           COMMAND vgg19_test refuse ${backend} ${IRFA_VGG_REF_DIR}/bad_dtype.safetensors features.0.bias I64)
  add_test(NAME vgg_refuse_nan_${backend}
           COMMAND vgg19_test refuse ${backend} ${IRFA_VGG_REF_DIR}/bad_nan.safetensors features.34.weight non-finite)
  add_test(NAME vgg_refuse_text_${backend}
           COMMAND vgg19_test refuse ${backend} ${IRFA_VGG_REF_DIR}/bad_text.safetensors)
  add_test(NAME vgg_refuse_absent_${backend}
           COMMAND vgg19_test refuse ${backend} ${IRFA_VGG_REF_DIR}/no_such_file.safetensors)
  add_test(NAME vgg_bad_sizes_${backend} COMMAND vgg19_test bad_sizes ${backend} ${IRFA_VGG_REF_DIR}/weights.safetensors)
  list(APPEND IRFA_VGG_TESTS vgg_refuse_missing_${backend} vgg_refuse_shape_${backend} vgg_refuse_dtype_${backend}
       vgg_refuse_nan_${backend} vgg_refuse_text_${backend} vgg_refuse_absent_${backend} vgg_bad_sizes_${backend})
endforeach()
set_tests_properties(${IRFA_VGG_TESTS} PROPERTIES FIXTURES_REQUIRED vgg_reference TIMEOUT 600)
foreach(t ${IRFA_VGG_TESTS})
  if(t MATCHES "_vulkan$")
    set_tests_properties(${t} PROPERTIES ENVIRONMENT "${IRFA_VGG_VK_ENV}")
  endif()
endforeach()

# Timing of one call at the paper's resize (label slow; not part of the default run).
foreach(resize 112 224)
  add_test(NAME vgg_bench_cpu_${resize}
           COMMAND vgg19_test bench cpu ${IRFA_VGG_REF_DIR}/weights.safetensors 8 64 ${resize} 1)
  set_tests_properties(vgg_bench_cpu_${resize} PROPERTIES FIXTURES_REQUIRED vgg_reference LABELS slow TIMEOUT 1200)
endforeach()
