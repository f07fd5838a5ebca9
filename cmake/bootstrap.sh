#!/usr/bin/env bash
# bootstrap.sh run|test|bench: install what is missing (Debian bookworm),
# build, then start the client, run every test, or run the benchmarks.
#
#   bash cmake/bootstrap.sh run    build and start the client (embedded demo)
#   bash cmake/bootstrap.sh test   clean build, every test (what CI runs)
#   bash cmake/bootstrap.sh bench  Release build, benchmarks, docs/performance.md
set -euo pipefail

mode=${1:-}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${ACTORS_JOBS:-2}

build_packages=(g++ cmake ninja-build pkg-config libcaf-dev libssl-dev libwxgtk3.2-dev libre2-dev catch2)
test_packages=(xvfb xauth socat ncat clang libclang-rt-14-dev lld doxygen graphviz libasio-dev python3 openssl curl prometheus)
run_packages=()
bench_packages=(python3-tk)

# Each step says how long the command has run, so a slow stage shows in
# CI's log.
say() { printf '\033[1m==> [%dm%02ds] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

install_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "all packages present"
    return
  fi
  say "installing: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 \
      || die "installing ${missing[*]} needs root: run as root or install sudo"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq \
    || die "apt-get update failed: no network or no Debian mirror reachable"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || die "apt-get install ${missing[*]} failed (see above)"
}

configure_and_build() {
  local dir=$1; shift
  cmake -S "$root" -B "$dir" -G Ninja "$@"
  cmake --build "$dir" -j "$jobs"
}

# has_target DIR NAME: whether the build in DIR defines target NAME.
has_target() {
  cmake --build "$1" --target help 2>/dev/null | grep -q "^$2: "
}

# Builds only what starts (the client and libactors), so the window opens
# without compiling tests, benchmarks and examples first. build/ keeps its
# options: `cmake --build build` still builds everything it configures.
run_client() {
  install_missing "${build_packages[@]}" "${run_packages[@]}"
  local dir="$root/build"
  cmake -S "$root" -B "$dir" -G Ninja
  if has_target "$dir" actors-client; then
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      die "no display: run this from a desktop session (DISPLAY is unset)"
    fi
    cmake --build "$dir" -j "$jobs" --target actors-client
    say "starting the client with its embedded echo and chat server"
    exec "$dir/client-wx/actors-client"
  fi
  # A build configured without the client (-DACTORS_BUILD_CLIENT=OFF):
  # start the echo example instead, so that `run` still runs something.
  has_target "$dir" echo_server \
    || die "build/ has neither the client nor the examples (ACTORS_BUILD_CLIENT and ACTORS_BUILD_EXAMPLES are OFF)"
  cmake --build "$dir" -j "$jobs" --target echo_server
  say "no client in this build: starting examples/echo_server on port 7000 (Ctrl-C stops it)"
  exec "$dir/examples/echo_server" --port 7000
}

# The test command's builds keep line tables only (-g1): backtraces and
# sanitizer reports still name file and line, and compiling takes about a
# quarter less time than with full debug information.
test_build_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")

run_tests() {
  install_missing "${build_packages[@]}" "${test_packages[@]}"
  local dir="$root/build-test"
  # build-fuzz: where earlier versions of this script built the fuzzers.
  rm -rf "$dir" "$root/build-fuzz"
  configure_and_build "$dir" "${test_build_flags[@]}"
  say "running the test suite"
  # -noreset: by default Xvfb resets whenever its last client disconnects,
  # and a GUI test connecting during that reset fails to open the display
  # (about 1 run in 150 of client_test did).
  (cd "$dir" && xvfb-run -a -s "-screen 0 1280x1024x24 -noreset" \
    ctest --output-on-failure --timeout 600 -j "$jobs")
  # The fuzzers' short runs are part of the ASan stage: it builds with
  # clang and libFuzzer's coverage, so the library is compiled once for both.
  run_sanitized address,undefined "$root/build-asan"
  # ThreadSanitizer slows everything 5-15x and inflates memory, so it runs the
  # tests where threads of our own meet actors, minus the floods and the
  # memory bounds (ASan runs those). Nor the tests that hand megabytes to a
  # connection: every hand-off through CAF (not built for TSan) is a report
  # that tsan.supp drops only after TSan searched the whole buffer for the
  # racy byte, and since a flush writes at once, the kernel takes ~10 MB
  # before write_high_water is reached (minutes per test under TSan).
  run_sanitized thread "$root/build-tsan" \
    --targets "connection_test ui_bridge_test scenario_test examples_test half_close_test udp_test" \
    --tests '^(connection_test|ui_bridge_test|scenario_test|examples_test|half_close_test|udp_test):' \
    --skip '200 concurrent|floods|memory|drop count|close_timeout|shutdown_grace|drain|write_high_water|100,000-line|28 MB|ncat, socat and Python|a flood|a slow UI gets coalesced'
  say "every stage passed"
}

# run_sanitized SANITIZERS DIR: the library, examples and tests built with
# -fsanitize=SANITIZERS in DIR, and the test suite run there. Any report
# fails the run; tests/sanitizers/*.supp hold the few reports inside CAF.
# Options: --targets "T..." builds only those; --tests REGEX and --skip REGEX
# select the ctest tests.
run_sanitized() {
  local sanitizers=$1 dir=$2 supp="$root/tests/sanitizers"
  shift 2
  # The install test rebuilds a downstream project, which needs no
  # sanitizer; the wx test needs an X server (the main stage runs it).
  # Nor the mutation check: it runs the scenario runner over and over,
  # which the scenario tests here cover once; nor the benchmarks' smoke run,
  # which measures; nor the docs checks (Doxygen, the tutorial's
  # snippets), which run no code of ours.
  local targets="" tests="." skip="^install:|^wx_batch_receiver_test:|^scenario mutations:|^bench:|^docs:"
  while [ $# -gt 0 ]; do
    case "$1" in
      --targets) targets=$2 ;;
      --tests) tests=$2 ;;
      --skip) skip="$skip|$2" ;;
    esac
    shift 2
  done
  rm -rf "$dir"
  # -O0: half the compile time of -O1 under ASan+UBSan (the build is most
  # of this stage), while the suite runs about as long (measured with GCC:
  # build 508 s to 235 s, suite 44 s, on 2 cores). ThreadSanitizer keeps -O1, as
  # its docs require for usable speed. No wx either: its tests need an X
  # server, and the main stage runs them.
  local level=-O1 compiler=c++ fuzzers=OFF
  if [[ $sanitizers == *address* ]]; then
    level=-O0
    # ASan+UBSan with clang, the fuzzers too: libFuzzer needs clang, and its
    # coverage (-fsanitize=fuzzer-no-link on every target) costs the suite
    # little, so the library, examples and tests are compiled once for the
    # fuzzers and the suite (measured on 2 cores: this build 200 s, against
    # 363 s for GCC's ASan build and 137 s for a fuzz build of its own).
    compiler=clang++
    fuzzers=ON
  fi
  say "building and testing with -fsanitize=$sanitizers$([ $fuzzers = OFF ] || echo ', with the fuzzers')"
  # Unity builds (a few sources per translation unit) compile the libraries
  # in about two thirds of the time: CAF's templates are instantiated once
  # per batch instead of once per file; and LLVM's linker links a sanitized
  # test in a quarter of the time of GNU ld (1.1 s against 4.3 s). Only
  # here: the main stage builds as a user's machine does, each file alone
  # and with GNU ld, so a missing include or a library order that only lld
  # forgives still fails there. The precompiled CAF header, off by default
  # (cmake/ActorsPch.cmake), is on here, so that the option keeps working.
  CXX=$compiler cmake -S "$root" -B "$dir" -G Ninja "${test_build_flags[@]}" \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=$level -g1 -DNDEBUG" \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld \
    -DCMAKE_UNITY_BUILD=ON -DACTORS_PCH=ON -DCMAKE_DISABLE_FIND_PACKAGE_wxWidgets=ON \
    -DACTORS_SANITIZE="$sanitizers" -DACTORS_BUILD_CLIENT=OFF \
    -DACTORS_BUILD_FUZZERS=$fuzzers
  # shellcheck disable=SC2086 # targets is a list
  cmake --build "$dir" -j "$jobs" ${targets:+--target $targets}
  # LeakSanitizer stays off for the suite: CAF 0.17.6 leaves broker/servant
  # reference cycles behind at actor-system shutdown (tests/sanitizers/
  # lsan.supp), which would bury real reports. The pure-code tests below run
  # with it on; runtime leaks are covered by the descriptor and memory tests.
  export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp"
  (cd "$dir" && ctest --output-on-failure --timeout 600 -j "$jobs" -R "$tests" -E "$skip")
  if [[ $sanitizers == *address* ]]; then
    ASAN_OPTIONS=detect_leaks=1 "$dir/tests/framing_test"
    ASAN_OPTIONS=detect_leaks=1 "$dir/tests/scenario_script_test"
    ASAN_OPTIONS=detect_leaks=1 "$dir/tests/tls_stage_test"
  fi
  unset ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS LSAN_OPTIONS
}

run_bench() {
  install_missing "${build_packages[@]}" "${test_packages[@]}" "${bench_packages[@]}"
  local dir="$root/build-bench"
  configure_and_build "$dir" -DCMAKE_BUILD_TYPE=Release
  cmake --build "$dir" --target bench
}

case "$mode" in
  run) run_client ;;
  test) run_tests ;;
  bench) run_bench ;;
  *) die "usage: bash cmake/bootstrap.sh run|test|bench" ;;
esac
