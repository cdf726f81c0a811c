# Browser tests of the web UI (web/): headless Debian chromium driven by playwright-core (npm,
# installed into tests/web/node_modules by the test) against a real `irfa serve`. Label: web.
add_test(NAME web_e2e COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/run_web_tests.sh)
set_tests_properties(web_e2e PROPERTIES
  LABELS web
  TIMEOUT 600
  SKIP_RETURN_CODE 77
  ENVIRONMENT "IRFA_BIN=$<TARGET_FILE:irfa>;IRFA_WEB_DIR=${CMAKE_SOURCE_DIR}/web;IRFA_WEB_ARTIFACTS=${CMAKE_BINARY_DIR}/web-artifacts")
