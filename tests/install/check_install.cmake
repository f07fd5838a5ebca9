# cmake -P script: install, configure downstream, build it, then run its
# tests (with -DCTEST=path, for a project that has some) or the program
# (unless -DBUILD_ONLY=ON). -DEXTRA_SOURCE=file adds a file kept elsewhere.
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}" --component Unspecified)
if(EXTRA_SOURCE)
  # A project kept apart from its source (the tutorial's CMakeLists.txt and
  # its line_window.cpp): put them together, as a user would.
  file(COPY "${SOURCE_DIR}/" "${EXTRA_SOURCE}" DESTINATION "${WORK_DIR}/src")
  set(SOURCE_DIR "${WORK_DIR}/src")
endif()
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}")
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
if(CTEST)
  run(${CTEST} --test-dir "${WORK_DIR}/build" --output-on-failure)
elseif(BUILD_ONLY)
  # A program that needs a window and a server: building it is the check.
else()
  run("${WORK_DIR}/build/downstream")
endif()
