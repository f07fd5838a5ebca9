#pragma once

// What the scenario-script parser knows while it reads: the script so far,
// the peers and variables defined, the server. Internal to actors::testing.

#include <cstddef>
#include <map>
#include <set>
#include <string>

#include "actors/framing.hpp"
#include "actors/testing/scenario_script.hpp"

namespace actors::testing::detail {

struct parse_state {
  explicit parse_state(script& result) : out(result) {
    // nop
  }

  /// The script being built (its options).
  script& out;
  /// Peers connected so far.
  std::set<std::string> peers;
  /// The framing of each peer a `connect` made (not UDP peers, nor
  /// `script_parse_options::peers`, whose framing is not known here).
  std::map<std::string, framing_options> framings;
  /// Variables a step sets before the current line runs (`as VAR`,
  /// server_host, server_port).
  std::set<std::string> variables;
  /// The pattern of the next `server run` (from `port-from`).
  std::string port_pattern;
  /// The directory of the file being read: relative paths start there.
  std::string directory;
  /// Steps the script may still add.
  std::size_t steps_left = 0;
  /// True after a `server` step.
  bool has_server = false;
  /// True after `server run` or `server at`: the UI sees nothing of it.
  bool external_server = false;
  /// True after the first step that is not setup.
  bool ran_something = false;
  /// Refuse unknown `${VAR}`s.
  bool check_variables = true;
  /// Refuse a real `connect` before a `server` step.
  bool connect_needs_server = true;

  /// `path` relative to `directory`, unless absolute.
  std::string resolve(const std::string& path) const {
    if (path.empty() || path[0] == '/' || directory.empty())
      return path;
    return directory + "/" + path;
  }
};

} // namespace actors::testing::detail
