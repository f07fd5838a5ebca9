// Builds the precompiled header that executables reuse (libactors/CMakeLists.txt);
// no code.
