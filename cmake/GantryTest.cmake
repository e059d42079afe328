# gantry_add_test(NAME <name> SOURCES <files…> [LIBS <targets…>] [LABELS <labels…>] [TIMEOUT <s>] [GUI])
# One Qt Test executable per area, registered with CTest. Every test gets its own
# GANTRY_HOME (a fresh state dir under the build tree) and knows where the source tree,
# the llama-server binary and the tiny model are. GUI tests run offscreen.
function(gantry_add_test)
  cmake_parse_arguments(T "GUI" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE gantry_core gantry_test_support Qt6::Test gantry_flags ${T_LIBS})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set(env
    "GANTRY_HOME=${CMAKE_BINARY_DIR}/test-state/${T_NAME}"
    "GANTRY_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    "GANTRY_CLI=$<TARGET_FILE:gantry-cli>"
    "QT_QPA_PLATFORM=offscreen")
  set_tests_properties(${T_NAME} PROPERTIES
    TIMEOUT ${T_TIMEOUT}
    LABELS "${T_LABELS}"
    ENVIRONMENT "${env}")
endfunction()
