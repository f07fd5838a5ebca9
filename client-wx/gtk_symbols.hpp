#pragma once

// GTK and GDK functions, found at run time: wx links them, but their
// headers (libgtk-3-dev) are not among our build dependencies.

#include <dlfcn.h>

namespace client {

/// The GTK or GDK function `name` of type `Function`, or null where the
/// running toolkit has none (another wx port, an older GTK).
template <class Function>
Function* gtk_function(const char* name) {
  return reinterpret_cast<Function*>(dlsym(RTLD_DEFAULT, name));
}

} // namespace client
