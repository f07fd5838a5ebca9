#include "junit_report.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "printable_text.hpp"

namespace actors::testing {

namespace {

std::string seconds(std::chrono::duration<double> d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", d.count());
  return text;
}

std::string timestamp_now() {
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &local);
  return text;
}

// "tests/scenarios/echo.scn" -> "tests.scenarios": the folder, dotted, as
// reporters group a classname's parts into packages.
std::string classname_of(const std::string& file) {
  std::string result;
  for (auto& part : std::filesystem::path{file}.lexically_normal().parent_path()) {
    auto name = part.string();
    if (name.empty() || name == "/" || name == "." || name == "..")
      continue;
    result += (result.empty() ? "" : ".") + name;
  }
  return result.empty() ? "scenarios" : result;
}

std::string testcase_name_of(const std::string& file) {
  auto stem = std::filesystem::path{file}.stem().string();
  return stem.empty() ? file : stem;
}

std::string failure_text(const file_run& run) {
  auto where = failure_location(run);
  std::string text;
  if (!run.step.empty())
    text += where + ": " + run.step + "\n";
  return text + where + ": error: " + run.message + "\n";
}

void write_testcase(std::ostream& out, const file_run& run) {
  out << "    <testcase classname=\"" << xml_escaped_attribute(classname_of(run.file))
      << "\" name=\"" << xml_escaped_attribute(testcase_name_of(run.file)) << "\" file=\""
      << xml_escaped_attribute(run.file)
      << "\" time=\"" << seconds(run.elapsed) << "\">\n";
  if (run.verdict != file_verdict::passed) {
    auto type = run.verdict == file_verdict::not_run ? "not run" : "step failed";
    out << "      <failure type=\"" << type << "\" message=\""
        << xml_escaped_attribute(failure_headline(run)) << "\">"
        << xml_escaped_text(failure_text(run))
        << "</failure>\n";
  }
  out << "      <system-out>" << xml_escaped_text(run.log) << "</system-out>\n";
  out << "    </testcase>\n";
}

} // namespace

std::string xml_escaped_text(std::string_view text) {
  std::string out;
  for (char c : printable(text, "\t\n\r")) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string xml_escaped_attribute(std::string_view text) {
  std::string out;
  for (char c : xml_escaped_text(text)) {
    switch (c) {
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      default: out += c;
    }
  }
  return out;
}

void write_junit(std::ostream& out, const std::vector<file_run>& runs,
                 std::chrono::duration<double> elapsed) {
  auto failures = std::count_if(runs.begin(), runs.end(), [](const file_run& run) {
    return run.verdict != file_verdict::passed;
  });
  auto counts = "tests=\"" + std::to_string(runs.size()) + "\" failures=\""
                + std::to_string(failures) + "\" errors=\"0\"";
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"actors-scenario\" " << counts << " time=\"" << seconds(elapsed)
      << "\">\n"
      << "  <testsuite name=\"actors-scenario\" " << counts << " skipped=\"0\" time=\""
      << seconds(elapsed) << "\" timestamp=\"" << timestamp_now() << "\">\n";
  for (auto& run : runs)
    write_testcase(out, run);
  out << "  </testsuite>\n</testsuites>\n";
}

} // namespace actors::testing
