# Precompiled headers (ACTORS_PCH): libactors precompiles the CAF headers
# nearly all translation units of ours include, and the other targets with
# the same compiler flags reuse that one header
# (REUSE_FROM); the tests add Catch2's to a header of their own. Targets that
# use wxWidgets do not take part: wx adds definitions (_FILE_OFFSET_BITS)
# that change what the system headers inside a precompiled header mean.
# A precompiled header the compiler finds unusable is skipped, and the
# headers are read as text instead: never a wrong build, at worst a slow one.
#
# Off by default: with GCC 12 at -O2 the build is faster without it (measured
# on 2 cores, 2026-11-29: libactors and actors::testing 108 s against 118 s,
# the whole build 383 s against 400 s); the time goes to instantiating and
# compiling CAF's templates, not to reading its headers, and loading the
# large precompiled header costs each file more than it saves. Both
# sanitizer stages of cmake/bootstrap.sh turn it on, which keeps it working.
option(ACTORS_PCH "Precompile CAF's and Catch2's headers" OFF)

# Every translation unit compiles with -pthread (CAF's threads need it, and
# RE2's pkg-config flags add it to some targets only): a precompiled header
# is only reused where the thread macros (_REENTRANT) match.
add_compile_options(-pthread)

set(ACTORS_CAF_PCH_HEADERS
  <caf/actor.hpp>
  <caf/actor_system.hpp>
  <caf/actor_system_config.hpp>
  <caf/event_based_actor.hpp>
  <caf/stateful_actor.hpp>
  <caf/typed_event_based_actor.hpp>
  <caf/scoped_actor.hpp>
  <caf/send.hpp>)

# actors_precompile_caf(target): `target` precompiles the CAF headers.
function(actors_precompile_caf target)
  if(ACTORS_PCH)
    target_precompile_headers(${target} PRIVATE ${ACTORS_CAF_PCH_HEADERS})
  endif()
endfunction()

# actors_reuse_pch(target donor): `target` uses `donor`'s precompiled header.
function(actors_reuse_pch target donor)
  if(ACTORS_PCH AND TARGET ${donor})
    target_precompile_headers(${target} REUSE_FROM ${donor})
  endif()
endfunction()
