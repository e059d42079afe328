# gantry_add_test(NAME <name> SOURCES <files…> [LIBS <targets…>] [LABELS <labels…>] [TIMEOUT <s>] [KEYRING]
#                 [LOCKS <resources…>])
# One Qt Test executable per area, registered with CTest. Plain `ctest` is enough: every run
# goes through tests/support/run-isolated, which gives the test a fresh HOME of its own under
# build/test-state/<name> (wiped at each start) and, with KEYRING, a private D-Bus session with
# an unlocked gnome-keyring. Tests know the source tree, gantry-cli, llama-server and the tiny
# model from compile-time definitions (gantry_test_support), not from variables a user would
# never set. GUI tests run offscreen, as the developers' guide asks. LOCKS names what a test
# holds that another cannot share (e.g. port-8088, the port examples/local-tiny listens on), so
# that `ctest -j N` never runs two of them at once.
set(GANTRY_TEST_LAUNCHER ${PROJECT_SOURCE_DIR}/tests/support/run-isolated)
set(GANTRY_SANITIZE_TIMEOUT_FACTOR 3)

function(gantry_add_test)
  cmake_parse_arguments(T "KEYRING" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;LOCKS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE gantry_core gantry_test_support Qt6::Test gantry_flags ${T_LIBS})
  # Tests that run gantry-cli, or deploy in-process (the supervisor is gantry-cli beside them).
  add_dependencies(${T_NAME} gantry-cli)
  set(keyring)
  if(T_KEYRING)
    set(keyring --keyring)
  endif()
  add_test(NAME ${T_NAME}
           COMMAND ${GANTRY_TEST_LAUNCHER} ${CMAKE_BINARY_DIR}/test-state/${T_NAME} ${keyring} -- $<TARGET_FILE:${T_NAME}>)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  if(GANTRY_SANITIZE)
    # ASan+UBSan make our code (and every gantry-cli a suite starts) several times slower;
    # the limits above are for the plain build.
    math(EXPR T_TIMEOUT "${T_TIMEOUT} * ${GANTRY_SANITIZE_TIMEOUT_FACTOR}")
  endif()
  set_tests_properties(${T_NAME} PROPERTIES
    TIMEOUT ${T_TIMEOUT}
    LABELS "${T_LABELS}"
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
  if(T_LOCKS)
    set_tests_properties(${T_NAME} PROPERTIES RESOURCE_LOCK "${T_LOCKS}")
  endif()
endfunction()
