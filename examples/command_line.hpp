#pragma once

// A small command-line reader shared by the examples: `--name value` and
// `--flag` options plus positional arguments, with a usage text for --help.

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace examples {

/// Parsed command line: options by name (without "--") and positionals.
struct command_line {
  std::map<std::string, std::string> options;
  std::vector<std::string> positionals;

  /// True if `--name` was given (with or without a value).
  bool has(const std::string& name) const { return options.count(name) > 0; }

  /// The value of `--name`, or `fallback`.
  std::string get(const std::string& name, std::string fallback) const {
    auto i = options.find(name);
    return i == options.end() ? fallback : i->second;
  }

  /// The value of `--name` as a number in [min, max]; exits with a message
  /// naming the option if it is not one.
  unsigned long number(const std::string& name, unsigned long fallback,
                       unsigned long min, unsigned long max) const {
    auto text = get(name, std::to_string(fallback));
    char* end = nullptr;
    errno = 0;
    auto value = std::strtoul(text.c_str(), &end, 10);
    if (text.empty() || text[0] == '-' || *end != '\0' || errno != 0
        || value < min || value > max) {
      // Positionals are named in capitals (PORT) and have no "--".
      auto label = std::isupper(static_cast<unsigned char>(name[0])) ? name
                                                                      : "--" + name;
      std::cerr << "error: " << label << " needs a number from " << min
                << " to " << max << ", got '" << text << "'\n";
      std::exit(2);
    }
    return value;
  }

  /// The value of `--name` as a port number (0-65535).
  std::uint16_t port(const std::string& name, std::uint16_t fallback) const {
    return static_cast<std::uint16_t>(number(name, fallback, 0, 65535));
  }
};

/// Parses argv. `flags` lists options that take no value. Prints `usage` and
/// exits on --help or -h; exits with an error on an unknown option.
inline command_line parse_command_line(int argc, char** argv,
                                       const std::vector<std::string>& valued,
                                       const std::vector<std::string>& flags,
                                       const std::string& usage) {
  auto known = [](const std::vector<std::string>& names, const std::string& x) {
    for (auto& name : names)
      if (name == x)
        return true;
    return false;
  };
  command_line result;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      std::exit(0);
    }
    if (arg.rfind("--", 0) != 0) {
      result.positionals.push_back(arg);
      continue;
    }
    auto name = arg.substr(2);
    if (known(flags, name)) {
      result.options[name] = "";
    } else if (known(valued, name) && i + 1 < argc) {
      result.options[name] = argv[++i];
    } else {
      std::cerr << "error: unknown option or missing value: " << arg
                << "\n\n" << usage;
      std::exit(2);
    }
  }
  return result;
}

} // namespace examples
