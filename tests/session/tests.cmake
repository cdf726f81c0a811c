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
