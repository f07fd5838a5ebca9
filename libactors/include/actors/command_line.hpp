#pragma once

// The command line of every example and of the client: `--name value`
// options, `--flag` options and positional arguments, with errors that name
// the option. Parsing and reading return values or errors and print nothing;
// `parse_command_line_or_exit` and `value_or_exit` are where a program's
// `main` prints and exits: status 0 after --help, 2 on a bad argument.

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "actors/error_kind.hpp"

namespace actors {

/// What a program accepts on its command line.
struct command_line_spec {
  /// Options that take a value (`--port 7000`), named without "--".
  std::vector<std::string> valued;
  /// Options that take none (`--demo`), named without "--".
  std::vector<std::string> flags;
  /// The text --help prints, starting with "usage: ".
  std::string usage;
  /// The most positional arguments the program takes; one more is an error
  /// naming it ("unexpected argument '7005'", "unknown option -u"), not an
  /// argument silently ignored.
  std::size_t max_positionals = std::numeric_limits<std::size_t>::max();
};

/// A parsed command line: options in the order given, and positionals.
class command_line {
public:
  /// Parses `args` (argv without the program name). --help or -h anywhere
  /// wins over everything else. Any other argument starting with "--" must
  /// be in `spec`, its value given as `--port 7000` or `--port=7000`; the
  /// rest are positionals, and so is everything after a bare "--". Errors
  /// (invalid_argument): an unknown option, an option without its value, a
  /// flag given a value, more positionals than `spec.max_positionals`; the
  /// message names it.
  static caf::expected<command_line> parse(const std::vector<std::string>& args,
                                      const command_line_spec& spec);

  /// True if --help or -h was given.
  bool help_requested() const noexcept { return help_; }

  /// True if `--name` was given (with or without a value).
  bool has(const std::string& name) const;

  /// The value `--name` was last given, or `fallback`.
  std::string get(const std::string& name, const std::string& fallback) const;

  /// Every value of a repeatable `--name`, in the order given.
  std::vector<std::string> get_all(const std::string& name) const;

  /// `--name` as a whole number in [min, max], or `fallback` when absent.
  /// Errors (invalid_argument) name the option and the range.
  caf::expected<unsigned long> number(const std::string& name, unsigned long fallback,
                                 unsigned long min, unsigned long max) const;

  /// `--name` as a port (0-65535), or `fallback` when absent.
  caf::expected<std::uint16_t> port(const std::string& name, std::uint16_t fallback) const;

  /// The arguments that are not options, in order.
  const std::vector<std::string>& positionals() const noexcept { return positionals_; }

private:
  std::vector<std::pair<std::string, std::string>> options_;
  std::vector<std::string> positionals_;
  bool help_ = false;
};

/// `text` as a whole number in [min, max]. The error names `label` (an
/// option such as "--port" or a positional such as "PORT") and the range.
caf::expected<unsigned long> parse_number(const std::string& text, const std::string& label,
                                     unsigned long min, unsigned long max);

/// A host and a port, as in "HOST:PORT".
struct host_port {
  /// The host name or address (may not be empty).
  std::string host;
  /// The port, from 1 to 65535.
  std::uint16_t port = 0;
};

/// Empty if `host` can be a host name or address: letters, digits, '-',
/// '.', '_', and for an IPv6 address ':' and '%' (in brackets or not).
/// Else why not, naming the first character that cannot be in one
/// ("'ftp://x' is not a host name or address: '/' cannot be in one").
std::string why_not_a_host(const std::string& host);

/// `text` as HOST:PORT with a port from 1 to 65535; the error names `label`.
/// An IPv6 address keeps its brackets ("[::1]:7000" -> "[::1]" and 7000),
/// which `connect` and `listen` take as they are.
caf::expected<host_port> parse_host_port(const std::string& text, const std::string& label);

/// "HOST:PORT" as people write it: "[::1]:7000" for an IPv6 address, with
/// or without brackets in `host`; what `parse_host_port` reads back.
std::string format_host_port(const std::string& host, std::uint16_t port);

/// For `main`: parses argv. After --help prints `spec.usage` to stdout and
/// exits with status 0; on an error prints "error: ..." and the usage to
/// stderr and exits with status 2.
command_line parse_command_line_or_exit(int argc, const char* const* argv,
                                        const command_line_spec& spec);

/// For `main`: prints "error: MESSAGE" to stderr and exits with status 2.
[[noreturn]] void exit_on_bad_argument(const caf::error& err);

/// For `main`: the value, or `exit_on_bad_argument` with its error.
template <class T>
T value_or_exit(caf::expected<T> result) {
  if (!result)
    exit_on_bad_argument(result.error());
  return std::move(*result);
}

} // namespace actors
