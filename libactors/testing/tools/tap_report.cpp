#include "tap_report.hpp"

#include <string>
#include <string_view>

#include "printable_text.hpp"

namespace actors::testing {

namespace {

// Each line as a "# " comment, so that nothing in a log (a payload starting
// with "ok", a carriage return) can pass for a TAP line.
void write_comment(std::ostream& out, std::string_view text) {
  auto safe = printable(text, "\t\n");
  std::string_view rest = safe;
  while (!rest.empty()) {
    auto end = rest.find('\n');
    auto line = rest.substr(0, end);
    out << '#' << (line.empty() ? "" : " ") << line << '\n';
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  }
}

// A YAML double-quoted scalar. printable() already turned every other
// control character into "\xNN" text, whose backslash is escaped here like
// any other.
std::string yaml_quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : printable(text, "\t\n")) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

void write_diagnostic(std::ostream& out, const file_run& run) {
  out << "  ---\n"
      << "  message: " << yaml_quoted(failure_location(run) + ": " + run.message) << "\n"
      << "  severity: " << (run.verdict == file_verdict::not_run ? "not run" : "fail") << "\n"
      << "  file: " << yaml_quoted(run.included_file.empty() ? run.file : run.included_file)
      << "\n"
      << "  line: " << run.line << "\n";
  if (!run.step.empty())
    out << "  step: " << yaml_quoted(run.step) << "\n";
  out << "  ...\n";
}

} // namespace

void write_tap_plan(std::ostream& out, std::size_t count) {
  out << "TAP version 13\n1.." << count << "\n";
}

void write_tap_result(std::ostream& out, std::size_t number, const file_run& run) {
  write_comment(out, run.log);
  bool passed = run.verdict == file_verdict::passed;
  // A '#' in the description would start a directive; TAP escapes it.
  std::string description;
  for (char c : printable(run.file, ""))
    description += c == '#' ? std::string{"\\#"} : std::string(1, c);
  out << (passed ? "ok " : "not ok ") << number << " - " << description << "\n";
  if (!passed)
    write_diagnostic(out, run);
  out.flush();
}

} // namespace actors::testing
