# Op test suite (compute/ops.h): PyTorch golden vectors, finite differences, CPU vs Vulkan, capture.
# The golden vectors are generated at test time by the ops_golden fixture (torch is needed then,
# not at build time) into the build tree; nothing generated is committed.
set(IRFA_TORCH_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with torch and numpy, for the golden vectors")
set(IRFA_OPS_GOLDEN_DIR ${CMAKE_BINARY_DIR}/tests/golden)

add_test(NAME ops_golden_generate
         COMMAND ${IRFA_TORCH_PYTHON} ${CMAKE_SOURCE_DIR}/tests/golden/make_golden.py ${IRFA_OPS_GOLDEN_DIR})
set_tests_properties(ops_golden_generate PROPERTIES FIXTURES_SETUP ops_golden TIMEOUT 120)

file(GLOB IRFA_OPS_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.c)
add_executable(ops_test ${IRFA_OPS_TEST_SOURCES})
target_link_libraries(ops_test PRIVATE irfa_compute irfa_formats)

# The harness must be able to fail: wrong values, shapes, NaN and a wrong backward are caught.
add_test(NAME ops_harness_selftest COMMAND ops_test selftest cpu ${IRFA_OPS_GOLDEN_DIR})
set_tests_properties(ops_harness_selftest PROPERTIES TIMEOUT 60)

# Vulkan tests get IRFA_VK_TEST_ENV (tests/CMakeLists.txt): the validation layer, and no leak
# detection in sanitizer builds because of the layer's own leak.

set(IRFA_OPS_FAMILIES linear conv2d conv_transpose2d batchnorm activation softmax elementwise reduce
    shape resize pool loss adam attention capture init)
foreach(family ${IRFA_OPS_FAMILIES})
  foreach(backend cpu vulkan)
    add_test(NAME ops_${family}_${backend} COMMAND ops_test ${family} ${backend} ${IRFA_OPS_GOLDEN_DIR})
    set_tests_properties(ops_${family}_${backend} PROPERTIES FIXTURES_REQUIRED ops_golden TIMEOUT 300)
    if(backend STREQUAL "vulkan")
      # Khronos validation with synchronization validation; the test asserts zero messages.
      set_tests_properties(ops_${family}_${backend} PROPERTIES ENVIRONMENT "${IRFA_VK_TEST_ENV}")
    endif()
  endforeach()
endforeach()
add_test(NAME ops_contracts_cpu COMMAND ops_test contracts cpu ${IRFA_OPS_GOLDEN_DIR})
set_tests_properties(ops_contracts_cpu PROPERTIES TIMEOUT 60)

# lavapipe picks small GEMM tiles; the GPU tiles (128x128, 64x128, 128x64 with 8x8 micro-tiles) are
# forced through the backend's IRFA_VK_GEMM_TILE hook so CI checks the shader paths GPUs will take.
foreach(tile 128,128,16,8,8 64,128,16,8,8 128,64,16,8,8)
  string(REGEX REPLACE "^([0-9]+),([0-9]+),.*" "\\1x\\2" tile_name ${tile})
  foreach(family linear conv2d conv_transpose2d)
    set(name ops_${family}_vulkan_tile${tile_name})
    add_test(NAME ${name} COMMAND ops_test ${family} vulkan ${IRFA_OPS_GOLDEN_DIR})
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED ops_golden TIMEOUT 300
                         ENVIRONMENT "${IRFA_VK_TEST_ENV};IRFA_VK_GEMM_TILE=${tile}")
  endforeach()
endforeach()
