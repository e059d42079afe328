# gantry_add_module(NAME FOR TARGET SOURCES … LIBS …): one of Gantry's own modules,
# lib/gantry/libgantry_NAME.so, loaded the first time it is used (core/common/GantryModule.h), so
# that its libraries are not loaded at every start (issue 14). It is built beside the programs'
# bin/ as it is installed (bin/../lib/gantry), and before TARGET, whose code loads it.
function(gantry_add_module name)
  cmake_parse_arguments(M "" "FOR" "SOURCES;LIBS" ${ARGN})
  add_library(gantry_${name} MODULE ${M_SOURCES})
  target_include_directories(gantry_${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(gantry_${name} PRIVATE ${M_LIBS} gantry_flags)
  set_target_properties(gantry_${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib/gantry)
  add_dependencies(${M_FOR} gantry_${name})
  install(TARGETS gantry_${name} LIBRARY DESTINATION lib/gantry)
endfunction()
