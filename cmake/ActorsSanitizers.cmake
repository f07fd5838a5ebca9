# ACTORS_SANITIZE=address,undefined or thread applies to every target of this
# build; each sanitizer build lives in its own build directory.
if(ACTORS_SANITIZE)
  message(STATUS "actors: building with -fsanitize=${ACTORS_SANITIZE}")
  add_compile_options(-fsanitize=${ACTORS_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${ACTORS_SANITIZE})
  # Sanitizer instrumentation makes GCC's -Wmaybe-uninitialized fire on
  # inlined CAF code (caf::optional) that is fine without it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  # Reports stay recoverable so that the suppression files in
  # tests/sanitizers/ work; UBSAN_OPTIONS=halt_on_error=1 makes every
  # unsuppressed report fatal (cmake/bootstrap.sh sets it).
endif()
