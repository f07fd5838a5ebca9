#pragma once

// What chat_server and chat_cluster answer alike to the commands clients type.

#include <string>

namespace examples {

/// The answer to /nick or /join typed without a name, or "" for any other
/// line.
inline std::string missing_name(const std::string& line) {
  if (line == "/nick" || line == "/nick ")
    return "/nick needs a name: /nick NAME";
  if (line == "/join" || line == "/join ")
    return "/join needs a name: /join ROOM";
  return {};
}

} // namespace examples
