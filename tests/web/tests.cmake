# Browser tests of the web UI (web/) against a real `irfa serve`, label web: headless Debian chromium
# driven by playwright-core, and Debian firefox-esr driven by puppeteer-core over WebDriver BiDi (both
# from npm, installed into tests/web/node_modules by the test). They share node_modules, so they run
# one at a time (RESOURCE_LOCK). Screenshots go to BUILD/web-artifacts/<test>/.
set(IRFA_WEB_TEST_ENV "IRFA_BIN=$<TARGET_FILE:irfa>;IRFA_WEB_DIR=${CMAKE_SOURCE_DIR}/web;IRFA_WEB_ARTIFACTS=${CMAKE_BINARY_DIR}/web-artifacts"
    "IRFA_MAKE_JPEG=$<TARGET_FILE:make_jpeg>")
foreach(t IN ITEMS "web_e2e explorer_e2e.mjs chromium" "web_imports imports_e2e.mjs chromium" "web_firefox firefox_smoke.mjs firefox")
  separate_arguments(t)
  list(GET t 0 name)
  list(GET t 1 script)
  list(GET t 2 browser)
  add_test(NAME ${name} COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/run_web_tests.sh ${script} ${browser})
  set_tests_properties(${name} PROPERTIES
    LABELS web
    TIMEOUT 600
    SKIP_RETURN_CODE 77
    RESOURCE_LOCK irfa_web_node_modules
    ENVIRONMENT "${IRFA_WEB_TEST_ENV}")
endforeach()
