# Where scripts/build-llama-server caches llama-server and the tiny model, decided at configure
# time: tests run under a fresh HOME (tests/support/run-isolated), so they cannot look in ~.
# Tests and benchmarks use it.
file(STRINGS ${PROJECT_SOURCE_DIR}/scripts/build-llama-server llama_commit REGEX "^commit=")
string(REGEX REPLACE "^commit=\"([0-9a-f]+)\".*" "\\1" llama_commit "${llama_commit}")
string(SUBSTRING "${llama_commit}" 0 7 llama_commit)
if(DEFINED ENV{GANTRY_CACHE_DIR})
  set(llama_cache "$ENV{GANTRY_CACHE_DIR}")
elseif(DEFINED ENV{XDG_CACHE_HOME})
  set(llama_cache "$ENV{XDG_CACHE_HOME}/gantry")
else()
  set(llama_cache "$ENV{HOME}/.cache/gantry")
endif()
set(GANTRY_LLAMA_DIR "${llama_cache}/llama-server-${llama_commit}" CACHE PATH
    "The llama-server cache that tests use (made by scripts/build-llama-server)")
message(STATUS "Gantry: llama-server for tests and benchmarks from ${GANTRY_LLAMA_DIR}")
