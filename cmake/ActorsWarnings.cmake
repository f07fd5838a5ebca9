# actors_set_warnings(target): strict warnings for our own code only.
# CAF and wx headers come in as system headers, so their warnings stay out.
function(actors_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(ACTORS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
