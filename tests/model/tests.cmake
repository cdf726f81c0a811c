# IRFA model: interoperability with PyTorch (both directions), training-step equivalence with PyTorch
# on both backends, checkpoint validation, determinism and --resume on the CPU backend, and learning on
# a simulated session.
add_executable(test_train_step ${CMAKE_CURRENT_LIST_DIR}/test_train_step.c)
target_link_libraries(test_train_step PRIVATE irfa_model)

set(IRFA_MODEL_TEST_ENV "IRFA_BIN=$<TARGET_FILE:irfa>;IRFA_TRAIN_STEP=$<TARGET_FILE:test_train_step>;PYTHON=/usr/bin/python3")
foreach(case torch_to_irfa irfa_to_torch train_step_cpu train_step_vulkan train_step_vgg_cpu train_step_vgg_vulkan
             bad_checkpoints deterministic_resume learns)
  set(env "${IRFA_MODEL_TEST_ENV}")
  if(case MATCHES "vulkan|torch_to_irfa")   # these run on Vulkan
    string(APPEND env ";${IRFA_VK_TEST_ENV}")
  endif()
  add_test(NAME model_${case} COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_model_test.sh ${case})
  set_tests_properties(model_${case} PROPERTIES ENVIRONMENT "${env}" TIMEOUT 1800)
endforeach()
set_tests_properties(model_learns PROPERTIES LABELS slow)
