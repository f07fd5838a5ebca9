#include "actors/command_line.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <iostream>

#include "socket_address.hpp"

namespace actors {

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

caf::error invalid(std::string message) {
  return caf::make_error(error_kind::invalid_argument, std::move(message));
}

} // namespace

caf::expected<command_line> command_line::parse(const std::vector<std::string>& args,
                                           const command_line_spec& spec) {
  command_line result;
  for (auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      result.help_ = true;
      return result;
    }
  bool options_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto& arg = args[i];
    if (options_ended || arg.rfind("--", 0) != 0) {
      result.positionals_.push_back(arg);
      continue;
    }
    if (arg == "--") { // the usual end of options: "-5" after it is a value
      options_ended = true;
      continue;
    }
    // "--port=7000" as well as "--port 7000".
    auto equals = arg.find('=');
    auto name = arg.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
    if (contains(spec.flags, name)) {
      if (equals != std::string::npos)
        return invalid("--" + name + " takes no value (given '" + arg.substr(equals + 1)
                       + "')");
      result.options_.emplace_back(name, "");
    } else if (!contains(spec.valued, name)) {
      return invalid("unknown option --" + name);
    } else if (equals != std::string::npos) {
      result.options_.emplace_back(name, arg.substr(equals + 1));
    } else if (i + 1 == args.size()) {
      return invalid(arg + " needs a value");
    } else {
      result.options_.emplace_back(name, args[++i]);
    }
  }
  if (result.positionals_.size() > spec.max_positionals) {
    auto& extra = result.positionals_[spec.max_positionals];
    // "-u", "-x": an option misspelled, not an argument ("-5" is a number).
    bool looks_like_option = extra.size() > 1 && extra[0] == '-'
                             && !std::isdigit(static_cast<unsigned char>(extra[1]));
    return invalid(looks_like_option ? "unknown option " + extra
                                     : "unexpected argument '" + extra + "'");
  }
  return result;
}

bool command_line::has(const std::string& name) const {
  return std::any_of(options_.begin(), options_.end(),
                     [&](auto& option) { return option.first == name; });
}

std::string command_line::get(const std::string& name, const std::string& fallback) const {
  auto all = get_all(name);
  return all.empty() ? fallback : all.back();
}

std::vector<std::string> command_line::get_all(const std::string& name) const {
  std::vector<std::string> result;
  for (auto& [key, value] : options_)
    if (key == name)
      result.push_back(value);
  return result;
}

caf::expected<unsigned long> command_line::number(const std::string& name, unsigned long fallback,
                                             unsigned long min, unsigned long max) const {
  if (!has(name))
    return fallback;
  return parse_number(get(name, ""), "--" + name, min, max);
}

caf::expected<std::uint16_t> command_line::port(const std::string& name,
                                           std::uint16_t fallback) const {
  auto value = number(name, fallback, 0, 65535);
  if (!value)
    return value.error();
  return static_cast<std::uint16_t>(*value);
}

caf::expected<unsigned long> parse_number(const std::string& text, const std::string& label,
                                     unsigned long min, unsigned long max) {
  char* end = nullptr;
  errno = 0;
  auto value = std::strtoul(text.c_str(), &end, 10);
  // strtoul accepts leading blanks and a sign (wrapping "-5" around): both
  // are mistakes on a command line, so only digits pass.
  bool digits_only = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits_only || *end != '\0' || errno != 0 || value < min || value > max)
    return invalid(label + " needs a number from " + std::to_string(min) + " to "
                   + std::to_string(max) + ", got '" + text + "'");
  return value;
}

std::string why_not_a_host(const std::string& host) {
  if (host.empty())
    return "an empty host is not a host name or address";
  auto bare = detail::without_brackets(host);
  auto bad = std::find_if(bare.begin(), bare.end(), [](char c) {
    return !std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_'
           && c != ':' && c != '%';
  });
  if (bad == bare.end())
    return {};
  auto shown = *bad == ' ' ? std::string{"a space"} : "'" + std::string(1, *bad) + "'";
  return "'" + host + "' is not a host name or address: " + shown + " cannot be in one";
}

caf::expected<host_port> parse_host_port(const std::string& text, const std::string& label) {
  auto refused = invalid(label + " expects HOST:PORT with a port from 1 to 65535, got '"
                         + text + "'");
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return refused;
  auto port = parse_number(text.substr(colon + 1), label, 1, 65535);
  if (!port)
    return refused;
  auto host = text.substr(0, colon);
  if (auto why = why_not_a_host(host); !why.empty())
    return invalid(label + " " + why);
  return host_port{std::move(host), static_cast<std::uint16_t>(*port)};
}

std::string format_host_port(const std::string& host, std::uint16_t port) {
  return detail::host_port_name(host, port);
}

command_line parse_command_line_or_exit(int argc, const char* const* argv,
                                        const command_line_spec& spec) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto result = command_line::parse(args, spec);
  if (!result) {
    std::cerr << "error: " << message_of(result.error()) << "\n\n" << spec.usage;
    std::exit(2);
  }
  if (result->help_requested()) {
    std::cout << spec.usage;
    std::exit(0);
  }
  return std::move(*result);
}

void exit_on_bad_argument(const caf::error& err) {
  std::cerr << "error: " << message_of(err) << "\n";
  std::exit(2);
}

} // namespace actors
