# actors_add_scenarios(NAME DIRECTORY [TIMEOUT seconds] [ENVIRONMENT VAR=VALUE...])
#
# Adds one ctest per DIRECTORY/*.scn, named "NAME: <file stem>", that runs
# the script through actors-scenario (the target actors_scenario in the
# actors build, the imported actors::scenario after find_package(actors)).
# A script named *_fails.scn must contain a line "# expect-failure: LINE"
# and passes only if it fails exactly at LINE (--expect-failure LINE): a
# check that shows a wrong expectation is caught. TIMEOUT and ENVIRONMENT
# become the tests' properties; ENVIRONMENT may hold generator expressions,
# e.g. SERVER=$<TARGET_FILE:my_server> for a script's `server run ${SERVER}`.
# A relative DIRECTORY is relative to the current source directory. New
# scripts are picked up when the build re-configures, which it does by itself
# when the folder's list of *.scn changes, or a *_fails.scn script is edited
# (its expect-failure line is read at configure time).
function(actors_add_scenarios name directory)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "TIMEOUT" "ENVIRONMENT")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "actors_add_scenarios: unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(TARGET actors_scenario)
    set(runner actors_scenario)
  elseif(TARGET actors::scenario)
    set(runner actors::scenario)
  else()
    message(FATAL_ERROR "actors_add_scenarios: no actors-scenario; call find_package(actors) first")
  endif()
  # Test names hold ": " and spaces, which ctest keeps whole only under
  # policy CMP0110 (CMake 3.19), taken from the calling project at generate
  # time: without it a test named "NAME:" would run the wrong command.
  cmake_policy(GET CMP0110 names_policy)
  if(NOT names_policy STREQUAL "NEW")
    message(FATAL_ERROR "actors_add_scenarios: the tests' names (\"${name}: <file stem>\") "
            "need policy CMP0110; ask for CMake 3.19 or later with "
            "cmake_minimum_required(VERSION 3.19) (or cmake_policy(SET CMP0110 NEW))")
  endif()
  get_filename_component(directory "${directory}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  file(GLOB scripts CONFIGURE_DEPENDS "${directory}/*.scn")
  if(NOT scripts)
    message(FATAL_ERROR "actors_add_scenarios: no *.scn in ${directory}")
  endif()
  foreach(script IN LISTS scripts)
    get_filename_component(stem "${script}" NAME_WLE)
    set(expect_failure)
    if(stem MATCHES "_fails$")
      file(STRINGS "${script}" marker REGEX "^# expect-failure: [0-9]+$" LIMIT_COUNT 1)
      if(NOT marker)
        message(FATAL_ERROR "${script} needs a '# expect-failure: LINE' comment")
      endif()
      # The line is read here: an edit of it must re-configure.
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${script}")
      string(REGEX REPLACE "^# expect-failure: " "" line "${marker}")
      set(expect_failure --expect-failure ${line})
    endif()
    set(test_name "${name}: ${stem}")
    add_test(NAME "${test_name}" COMMAND $<TARGET_FILE:${runner}> ${expect_failure} "${script}")
    if(arg_TIMEOUT)
      set_tests_properties("${test_name}" PROPERTIES TIMEOUT "${arg_TIMEOUT}")
    endif()
    if(arg_ENVIRONMENT)
      set_tests_properties("${test_name}" PROPERTIES ENVIRONMENT "${arg_ENVIRONMENT}")
    endif()
  endforeach()
endfunction()
