# Recording sessions: format, preprocessing, importers and the virtual macaque (issue 4).
set(SESSION_TEST_DIR ${CMAKE_CURRENT_LIST_DIR})

# The simulate/import commands exactly as `irfa` runs them, in a binary that links only what
# they use.
add_executable(irfa_session_cli ${SESSION_TEST_DIR}/session_cli_main.c ${CMAKE_SOURCE_DIR}/cli/cmd_simulate.c
               ${CMAKE_SOURCE_DIR}/cli/cmd_import.c ${CMAKE_SOURCE_DIR}/cli/options.c)
target_link_libraries(irfa_session_cli PRIVATE irfa_session irfa_formats)

add_executable(test_session_unit ${SESSION_TEST_DIR}/test_session_unit.c)
target_link_libraries(test_session_unit PRIVATE irfa_session irfa_formats m)
add_test(NAME session_unit COMMAND test_session_unit)

foreach(t simulate import_npy import_tvsd import_nwb malformed)
  add_test(NAME session_${t}
           COMMAND /bin/sh ${SESSION_TEST_DIR}/run_${t}.sh $<TARGET_FILE:irfa_session_cli> ${SESSION_TEST_DIR})
endforeach()

# JPEG stimuli and compressed NPZ (issue 4): the JPEG decoder against libjpeg's own encoder, and the
# importers on JPEG folders and np.savez_compressed archives.
add_library(jpeg_test_encoder STATIC ${SESSION_TEST_DIR}/jpeg_test_encoder.c)
target_link_libraries(jpeg_test_encoder PUBLIC irfa_formats)
add_executable(test_jpeg_io ${SESSION_TEST_DIR}/test_jpeg_io.c)
target_link_libraries(test_jpeg_io PRIVATE jpeg_test_encoder irfa_formats)
add_test(NAME session_jpeg_io COMMAND test_jpeg_io)
add_executable(make_jpeg ${SESSION_TEST_DIR}/make_jpeg.c)
target_link_libraries(make_jpeg PRIVATE jpeg_test_encoder irfa_formats)
add_test(NAME session_import_jpeg
         COMMAND /bin/sh ${SESSION_TEST_DIR}/run_import_jpeg.sh $<TARGET_FILE:irfa_session_cli> ${SESSION_TEST_DIR}
                 $<TARGET_FILE:make_jpeg>)
