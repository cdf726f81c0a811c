# Service tests: the job queue in C, then the API, crash and deployment checks against the real
# binary (python3 with the standard library only; /usr/bin/python3 preferred, it is Debian's).
add_executable(test_job_queue ${CMAKE_CURRENT_LIST_DIR}/test_job_queue.c)
target_link_libraries(test_job_queue PRIVATE irfa_db)
add_test(NAME server_job_queue COMMAND test_job_queue)

find_program(IRFA_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT IRFA_PYTHON3)
  find_program(IRFA_PYTHON3 python3)
endif()
if(IRFA_PYTHON3)
  add_test(NAME server_api COMMAND ${IRFA_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/api_test.py --irfa $<TARGET_FILE:irfa>
           --openapi ${CMAKE_SOURCE_DIR}/server/openapi.json)
  add_test(NAME server_crash COMMAND ${IRFA_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/crash_test.py --irfa $<TARGET_FILE:irfa>)
  add_test(NAME server_compose COMMAND ${IRFA_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/compose_check.py
           ${CMAKE_SOURCE_DIR}/docker/compose.yaml ${CMAKE_SOURCE_DIR}/docker/Dockerfile)
  set_tests_properties(server_api PROPERTIES TIMEOUT 900 LABELS service)
  set_tests_properties(server_crash PROPERTIES TIMEOUT 900 LABELS service)
endif()
