#pragma once

// The JUnit XML report (--junit FILE), as GitLab, Jenkins and GitHub's test
// reporters read it: one <testsuite>, one <testcase> per script.

#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "file_run.hpp"

namespace actors::testing {

/// `text` escaped for XML 1.0 character data: & < > " ' as entities, a
/// carriage return as "&#13;" (a parser would turn it into a newline), any
/// other byte XML cannot hold as "\xNN" (see `printable`).
std::string xml_escaped_text(std::string_view text);

/// Like `xml_escaped_text`, with tab and newline as character references
/// too, since a parser turns them into blanks in an attribute value.
std::string xml_escaped_attribute(std::string_view text);

/// Writes the report of `runs` to `out`. A script that failed, or did not
/// parse, has a <failure> whose message is its failure headline and whose
/// text names the failing step; every script's log is its <system-out>.
/// `elapsed` is the whole run's wall-clock time.
void write_junit(std::ostream& out, const std::vector<file_run>& runs,
                 std::chrono::duration<double> elapsed);

} // namespace actors::testing
