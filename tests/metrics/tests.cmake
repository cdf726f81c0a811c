# Reconstruction metrics (model/metrics.h) against a numpy reference, and `irfa evaluate` end to end.
# The reference values and the test session are generated at test time with /usr/bin/python3
# (numpy; torch when present adds a second SSIM convention check); nothing generated is committed.
set(IRFA_TORCH_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with torch and numpy, for the golden vectors")
set(IRFA_METRICS_REF_DIR ${CMAKE_BINARY_DIR}/tests/metrics_reference)

add_executable(metrics_test ${CMAKE_CURRENT_LIST_DIR}/metrics_test.c)
target_link_libraries(metrics_test PRIVATE irfa_model irfa_formats)

add_test(NAME metrics_reference_generate
         COMMAND ${IRFA_TORCH_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/metrics_reference.py ${IRFA_METRICS_REF_DIR})
set_tests_properties(metrics_reference_generate PROPERTIES FIXTURES_SETUP metrics_reference TIMEOUT 120)
add_test(NAME metrics_known COMMAND metrics_test known)
add_test(NAME metrics_reference COMMAND metrics_test reference ${IRFA_METRICS_REF_DIR})
set_tests_properties(metrics_reference PROPERTIES FIXTURES_REQUIRED metrics_reference TIMEOUT 60)
add_test(NAME metrics_speed COMMAND metrics_test speed)
set_tests_properties(metrics_known metrics_speed PROPERTIES TIMEOUT 120)

# `irfa evaluate` end to end: each case writes its own tiny session under the build tree.
set(IRFA_EVALUATE_E2E_CASES ok resize missing_file wrong_shape wrong_dtype nan count_mismatch bad_session usage)
foreach(case ${IRFA_EVALUATE_E2E_CASES})
  add_test(NAME metrics_evaluate_${case}
           COMMAND ${IRFA_TORCH_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/evaluate_e2e.py $<TARGET_FILE:irfa>
                   ${CMAKE_BINARY_DIR}/tests/metrics_evaluate ${case})
  set_tests_properties(metrics_evaluate_${case} PROPERTIES TIMEOUT 120)
endforeach()

# `irfa evaluate --alexnet`: AlexNet layer correlations against PyTorch (alexnet_reference.py writes random
# torchvision-layout weights in mixed float dtypes, sessions, reconstructions and the expected r into the
# build tree), on the CPU (a 4-image case with passes of 3 + 1 and of 4 pairs; a 224 x 224 case, no resize)
# and on Vulkan (2 images; AlexNet at 224 is heavy on lavapipe), and the refusal of bad weight files.
set(IRFA_ALEXNET_REF_DIR ${CMAKE_BINARY_DIR}/tests/alexnet_reference)
set(IRFA_ALEXNET_E2E ${IRFA_TORCH_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/alexnet_e2e.py $<TARGET_FILE:irfa>
    ${IRFA_ALEXNET_REF_DIR})
add_test(NAME metrics_alexnet_generate
         COMMAND ${IRFA_TORCH_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/alexnet_reference.py ${IRFA_ALEXNET_REF_DIR})
set_tests_properties(metrics_alexnet_generate PROPERTIES FIXTURES_SETUP metrics_alexnet TIMEOUT 300)
add_test(NAME metrics_alexnet_cpu COMMAND ${IRFA_ALEXNET_E2E} cpu compare cpu32 3 4)
add_test(NAME metrics_alexnet_cpu_224 COMMAND ${IRFA_ALEXNET_E2E} cpu compare cpu224)
add_test(NAME metrics_alexnet_refuse_cpu COMMAND ${IRFA_ALEXNET_E2E} cpu refuse)
add_test(NAME metrics_alexnet_vulkan COMMAND ${IRFA_ALEXNET_E2E} vulkan compare vulkan24)
add_test(NAME metrics_alexnet_refuse_vulkan
         COMMAND ${IRFA_ALEXNET_E2E} vulkan refuse bad_shape_fc.safetensors bad_text.safetensors)
set(IRFA_ALEXNET_TESTS metrics_alexnet_cpu metrics_alexnet_cpu_224 metrics_alexnet_refuse_cpu metrics_alexnet_vulkan
    metrics_alexnet_refuse_vulkan)
set_tests_properties(${IRFA_ALEXNET_TESTS} PROPERTIES FIXTURES_REQUIRED metrics_alexnet TIMEOUT 900)
set_tests_properties(metrics_alexnet_vulkan metrics_alexnet_refuse_vulkan PROPERTIES ENVIRONMENT "${IRFA_VK_TEST_ENV}")
