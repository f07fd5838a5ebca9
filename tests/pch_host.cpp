// Builds the tests' precompiled header (tests/CMakeLists.txt); no code.
