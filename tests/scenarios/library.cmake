# Runs the shipped scenario library: `metersim run <dir>/*.yaml --junit <file>`.
# A ctest driver (cmake -P), so that the glob is expanded when the test runs, not when CMake
# configures: a scenario file added to scenarios/ is picked up without reconfiguring.
#   cmake -DMETERSIM=<exe> -DDIR=<scenarios dir> -DJUNIT=<xml> -P library.cmake
foreach(v METERSIM DIR JUNIT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "library.cmake: -D${v}=... is required")
  endif()
endforeach()
file(GLOB files LIST_DIRECTORIES false "${DIR}/*.yaml")
list(SORT files)
list(LENGTH files n)
if(n EQUAL 0)
  message(FATAL_ERROR "library.cmake: no scenario in ${DIR}")
endif()
message(STATUS "metersim run: ${n} scenarios from ${DIR}, JUnit to ${JUNIT}")
execute_process(COMMAND "${METERSIM}" run ${files} --junit "${JUNIT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "metersim run exited with ${rc} (1: an expectation failed, 2: bad input)")
endif()
