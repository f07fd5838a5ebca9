# ACTORS_SANITIZE=address,undefined or thread applies to every target of this
# build; each sanitizer build lives in its own build directory.
if(ACTORS_SANITIZE)
  message(STATUS "actors: building with -fsanitize=${ACTORS_SANITIZE}")
  add_compile_options(-fsanitize=${ACTORS_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${ACTORS_SANITIZE})
  if(ACTORS_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
endif()
