// actors-scenario, the program: exit statuses, the JUnit report (read back
// with Python's xml.etree), TAP (read by prove), --jobs, --list and bad
// options; and the text it makes safe for both reports.

#include "printable_text.hpp"

#include "junit_report.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "support/child_process.hpp"

using namespace std::chrono_literals;
using actors::testing::printable;
using testing_support::child_process;

namespace {

// What a finished program printed, and how it exited.
struct finished_program {
  int status = -1;
  std::vector<std::string> out;
  std::string err;
  std::chrono::duration<double> elapsed{0};

  std::string out_text() const {
    std::string text;
    for (auto& line : out)
      text += line + "\n";
    return text;
  }

  bool prints(const std::string& line) const {
    return std::find(out.begin(), out.end(), line) != out.end();
  }
};

finished_program run(const std::vector<std::string>& argv) {
  auto start = std::chrono::steady_clock::now();
  child_process child{argv, testing_support::stderr_to::pipe};
  finished_program result;
  while (auto line = child.read_line(90s))
    result.out.push_back(*line);
  result.err = child.read_stderr(10s);
  auto status = child.wait_exit(10s);
  REQUIRE(status);
  result.status = *status;
  result.elapsed = std::chrono::steady_clock::now() - start;
  return result;
}

finished_program runner(std::vector<std::string> args) {
  args.insert(args.begin(), ACTORS_SCENARIO_PATH);
  return run(args);
}

// tests/scenario_runner/NAME.
std::string script(const std::string& name) {
  return std::string{ACTORS_RUNNER_SCRIPTS} + "/" + name;
}

// A scratch directory of this process, removed at the end.
struct scratch_dir {
  std::filesystem::path path = std::filesystem::temp_directory_path()
                               / ("scenario_runner_test-" + std::to_string(::getpid()));
  scratch_dir() { std::filesystem::create_directories(path); }
  ~scratch_dir() { std::filesystem::remove_all(path); }

  std::string file(const std::string& name, const std::string& content = {}) const {
    auto result = (path / name).string();
    if (!content.empty())
      std::ofstream{result, std::ios::binary} << content;
    return result;
  }
};

bool have(const char* program) {
  if (*program != '\0')
    return true;
  WARN("not found at configure time; this check is skipped");
  return false;
}

} // namespace

TEST_CASE("the exit status is 0 when all pass and 1 when a step fails and 2 when a script "
          "does not parse") {
  CHECK(runner({script("passes.scn")}).status == 0);
  auto failed = runner({script("fails_at_6.scn")});
  CHECK(failed.status == 1);
  CHECK(failed.prints(script("fails_at_6.scn") + ": FAILED"));
  auto unparsable = runner({script("does_not_parse.scn")});
  CHECK(unparsable.status == 2);
  CHECK(unparsable.out_text().find(script("does_not_parse.scn") + ":4: error:")
        != std::string::npos);
  CHECK(runner({script("fails_at_6.scn"), script("does_not_parse.scn")}).status == 2);
  auto unreadable = runner({script("no_such_file.scn")});
  CHECK(unreadable.status == 2);
  CHECK(unreadable.prints(script("no_such_file.scn") + ": NOT RUN: it cannot be read"));
  // A folder named instead of its scripts read as an empty script, which
  // passed.
  auto folder = runner({std::string{ACTORS_RUNNER_SCRIPTS}});
  CHECK(folder.status == 2);
  CHECK(folder.out_text().find("(a directory: name its .scn files, such as ")
        != std::string::npos);
}

TEST_CASE("an expected failure passes a script only if it fails exactly at that line "
          "even with a parse error") {
  CHECK(runner({"--expect-failure", "6", script("fails_at_6.scn")}).status == 0);
  auto elsewhere = runner({"--expect-failure", "5", script("fails_at_6.scn")});
  CHECK(elsewhere.status == 1);
  CHECK(elsewhere.prints(script("fails_at_6.scn") + ":5: error: expected this line to fail, but "
                         + script("fails_at_6.scn") + ":6 failed"));
  CHECK(elsewhere.prints(script("fails_at_6.scn") + ": FAILED")); // the verdict, as always
  CHECK(runner({"--expect-failure", "3", script("passes.scn")}).status == 1);
  CHECK(runner({"--expect-failure", "4", script("does_not_parse.scn")}).status == 0);
  CHECK(runner({"--expect-failure", "3", script("does_not_parse.scn")}).status == 2);
}

TEST_CASE("several files end with a summary line and one file without") {
  auto several = runner({script("passes.scn"), script("fails_at_6.scn"),
                         script("passes_too.scn"), script("does_not_parse.scn")});
  REQUIRE(!several.out.empty());
  CHECK(several.out.back() == "2 passed, 1 failed, 1 not run");
  auto one = runner({script("passes.scn")});
  REQUIRE(!one.out.empty());
  CHECK(one.out.back() == script("passes.scn") + ": passed");
}

TEST_CASE("the JUnit report has one testcase per script and a failure names its line and "
          "step and what arrived instead") {
  if (!have(ACTORS_PYTHON3))
    return;
  scratch_dir dir;
  auto report = dir.file("report.xml");
  auto result = runner({"--junit", report, script("passes.scn"), script("fails_at_6.scn"),
                        script("does_not_parse.scn")});
  CHECK(result.status == 2);
  auto shape = run({ACTORS_PYTHON3, ACTORS_JUNIT_SUMMARY, report});
  INFO(shape.out_text() << shape.err);
  REQUIRE(shape.status == 0);
  auto classname = "." + std::filesystem::path{ACTORS_RUNNER_SCRIPTS}.filename().string();
  CHECK(shape.prints("root testsuites"));
  CHECK(shape.prints("testsuite tests=3 failures=2 errors=0 testcases=3"));
  auto testcase = [&](const std::string& name) {
    auto prefix = "testcase ";
    for (auto& line : shape.out)
      if (line.rfind(prefix, 0) == 0 && line.find(classname + " " + name + ":") != std::string::npos)
        return line.substr(line.find(": ") + 2);
    return std::string{"(no testcase " + name + ")"};
  };
  CHECK(testcase("passes") == "passed");
  CHECK(testcase("fails_at_6")
        == "failed: " + script("fails_at_6.scn")
             + ":6: the UI's next `message` event is \"hello\", expected \"goodbye\"");
  CHECK(testcase("does_not_parse").rfind("failed: " + script("does_not_parse.scn") + ":4: ", 0)
        == 0);
  CHECK(shape.prints("  failure text: " + script("fails_at_6.scn")
                     + ":6: expect ui event message goodbye within 100ms"));
  CHECK(shape.prints("  out: " + script("fails_at_6.scn") + ":4: post hello"));
  CHECK(shape.prints("  out: " + script("passes.scn") + ": passed"));
}

TEST_CASE("the JUnit report stays well-formed whatever bytes a payload holds") {
  if (!have(ACTORS_PYTHON3))
    return;
  scratch_dir dir;
  // Markup, a control character, valid UTF-8 (é), a lone byte (\xff), a
  // surrogate's encoding, a CDATA end and DEL, all in one posted message.
  auto payload = std::string{"A\x01<&>\\\"'\xc3\xa9\xff\xed\xa0\x80]]>\x7fZ"};
  auto bytes = dir.file("bytes.scn", "mode deterministic\npost \"" + payload
                                       + "\"\nexpect ui event message other within 10ms\n");
  auto report = dir.file("report.xml");
  CHECK(runner({"--junit", report, bytes}).status == 1);
  auto shape = run({ACTORS_PYTHON3, ACTORS_JUNIT_SUMMARY, report});
  INFO(shape.out_text() << shape.err);
  REQUIRE(shape.status == 0);
  auto shown = std::string{"\"A\\x01<&>\"'\xc3\xa9\\xff\\xed\\xa0\\x80]]>\\x7fZ\""};
  CHECK(shape.out_text().find("is " + shown + ", expected \"other\"") != std::string::npos);
}

TEST_CASE("a failure of several lines keeps both reports readable") {
  if (!have(ACTORS_PYTHON3) || !have(ACTORS_PROVE))
    return;
  scratch_dir dir;
  auto report = dir.file("report.xml");
  auto tap = runner({"--tap", "--junit", report, script("server_dies.scn")});
  CHECK(tap.status == 1);
  CHECK(tap.prints("# it <broke> & left"));
  CHECK(tap.prints("# a second line"));
  auto proved = run({ACTORS_PROVE, "--exec", "cat", dir.file("dies.tap", tap.out_text())});
  INFO(proved.out_text());
  CHECK(proved.out_text().find("Failed test:  1") != std::string::npos);
  CHECK(proved.out_text().find("Parse errors") == std::string::npos);
  auto shape = run({ACTORS_PYTHON3, ACTORS_JUNIT_SUMMARY, report});
  INFO(shape.out_text() << shape.err);
  REQUIRE(shape.status == 0);
  // The message is the first line; the failure's text holds them all.
  auto headline = std::find_if(shape.out.begin(), shape.out.end(), [](auto& line) {
    return line.find("server_dies: failed: ") != std::string::npos;
  });
  REQUIRE(headline != shape.out.end());
  CHECK(headline->find(script("server_dies.scn") + ":5: ") != std::string::npos);
  CHECK(headline->find("it <broke>") == std::string::npos);
  CHECK(shape.prints("  failure text: it <broke> & left"));
  CHECK(shape.prints("  failure text: a second line"));
}

TEST_CASE("printable text keeps valid UTF-8 and writes every other byte as a hex escape") {
  CHECK(printable("tab\tnew\nline\r", "\t\n\r") == "tab\tnew\nline\r");
  CHECK(printable("tab\tnew\nline\r", "\t") == "tab\tnew\\x0aline\\x0d");
  CHECK(printable(std::string{"nul\0!", 5}, "") == "nul\\x00!");
  CHECK(printable("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "") == "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  CHECK(printable("\xc3", "") == "\\xc3");                   // cut short
  CHECK(printable("\xc0\xaf", "") == "\\xc0\\xaf");          // overlong '/'
  CHECK(printable("\xed\xa0\x80", "") == "\\xed\\xa0\\x80"); // a surrogate
  CHECK(printable("\xef\xbf\xbe", "") == "\\xef\\xbf\\xbe"); // U+FFFE
  CHECK(printable("\xf4\x90\x80\x80", "") == "\\xf4\\x90\\x80\\x80"); // past U+10FFFF
  CHECK(printable("back\\slash", "") == "back\\slash");
}

TEST_CASE("XML escaping covers markup and quotes and the blanks an attribute would lose") {
  CHECK(actors::testing::xml_escaped_text("a<b>&\"c'\r\n\t") == "a&lt;b&gt;&amp;&quot;c&apos;&#13;\n\t");
  CHECK(actors::testing::xml_escaped_attribute("x\n\ty") == "x&#10;&#9;y");
}

TEST_CASE("the TAP output is version 13 that prove accepts and shows a failure as not ok") {
  if (!have(ACTORS_PROVE))
    return;
  scratch_dir dir;
  auto passing = runner({"--tap", script("passes.scn"), script("passes_too.scn")});
  CHECK(passing.status == 0);
  REQUIRE(passing.out.size() > 3);
  CHECK(passing.out[0] == "TAP version 13");
  CHECK(passing.out[1] == "1..2");
  CHECK(passing.prints("ok 2 - " + script("passes_too.scn")));
  CHECK(passing.prints("# " + script("passes.scn") + ":3: post hello"));
  auto proved = run({ACTORS_PROVE, "--exec", "cat", dir.file("passing.tap", passing.out_text())});
  INFO(proved.out_text());
  CHECK(proved.status == 0);
  CHECK(proved.out.back() == "Result: PASS");

  auto failing = runner({"--tap", script("passes.scn"), script("fails_at_6.scn")});
  CHECK(failing.status == 1);
  CHECK(failing.prints("not ok 2 - " + script("fails_at_6.scn")));
  CHECK(failing.prints("  line: 6"));
  CHECK(failing.prints("  step: \"expect ui event message goodbye within 100ms\""));
  auto refused = run({ACTORS_PROVE, "--exec", "cat", dir.file("failing.tap", failing.out_text())});
  INFO(refused.out_text());
  CHECK(refused.status != 0);
  CHECK(refused.out_text().find("Failed test:  2") != std::string::npos);
  CHECK(refused.out_text().find("Parse errors") == std::string::npos);
}

TEST_CASE("prove can run scripts itself through the runner's TAP output") {
  if (!have(ACTORS_PROVE))
    return;
  auto proved = run({ACTORS_PROVE, "--exec", std::string{ACTORS_SCENARIO_PATH} + " --tap",
                     script("passes.scn"), script("passes_too.scn")});
  INFO(proved.out_text());
  CHECK(proved.status == 0);
  CHECK(proved.out.back() == "Result: PASS");
}

TEST_CASE("parallel jobs give the results and logs of a serial run in less time") {
  std::vector<std::string> files{script("passes.scn"), script("fails_at_6.scn"),
                                 script("does_not_parse.scn"), script("passes_too.scn"),
                                 script("fails_at_6.scn"), script("passes.scn")};
  auto serial = runner(files);
  files.insert(files.begin(), {"--jobs", "3"});
  auto parallel = runner(files);
  CHECK(parallel.status == serial.status);
  CHECK(parallel.out == serial.out);
  // Both sleep 1.5 s: one after the other that takes 3 s.
  auto waiting = runner({"--jobs", "2", script("waits_1500ms.scn"), script("waits_1500ms.scn")});
  CHECK(waiting.status == 0);
  CHECK(waiting.elapsed < 2700ms);
  CHECK(waiting.out.back() == "2 passed, 0 failed");
}

TEST_CASE("listing prints every step and runs nothing") {
  auto listed = runner({"--list", script("would_wait_60s.scn"), script("fails_at_6.scn"),
                        script("server_missing.scn")});
  CHECK(listed.status == 0);
  CHECK(listed.elapsed < 20s);
  auto wait = script("would_wait_60s.scn");
  auto fails = script("fails_at_6.scn");
  auto missing = script("server_missing.scn");
  CHECK(listed.out
        == std::vector<std::string>{wait + ":3: mode real", wait + ":4: wait 60s",
                                    wait + ":5: expect ui event message never within 100ms",
                                    fails + ":3: mode deterministic", fails + ":4: post hello",
                                    fails + ":5: expect ui messages 1",
                                    fails + ":6: expect ui event message goodbye within 100ms",
                                    fails + ":7: expect ui messages 1",
                                    missing + ":3: mode real",
                                    missing + ":4: server run "
                                              "/nonexistent/actors-scenario-test-server --port 0",
                                    missing + ":5: connect c1"});
  CHECK(runner({script("server_missing.scn")}).status == 1);
  auto unparsable = runner({"--list", script("does_not_parse.scn")});
  CHECK(unparsable.status == 2);
  CHECK(unparsable.out_text().find(script("does_not_parse.scn") + ":4: error:")
        != std::string::npos);
}

TEST_CASE("a server that dies under a step is named with its exit status and last words") {
  // It says why on stdout, as many apps do; the failure showed neither.
  scratch_dir dir;
  auto file = dir.file(
    "dies.scn",
    "server run python3 -u -c \"import socket; s = socket.create_server(('127.0.0.1', 0)); "
    "print('listening on 127.0.0.1:%d' % s.getsockname()[1]); c, _ = s.accept(); "
    "c.recv(100); print('ERROR: cannot handle request'); raise SystemExit(9)\"\n"
    "connect c\nsend c hello\nexpect c frame hello\n");
  auto died = runner({file});
  CHECK(died.status == 1);
  auto text = died.out_text();
  CHECK_THAT(text, Catch::Contains(":4: error: c received the end of the stream"));
  CHECK_THAT(text, Catch::Contains("the server python3 exited with status 9; its stdout ends "
                                   "with:\nlistening on 127.0.0.1:"));
  CHECK_THAT(text, Catch::Contains("\nERROR: cannot handle request\n"));
}

TEST_CASE("a failure in a repeat pass or an included file is followed by notes naming them") {
  scratch_dir dir;
  dir.file("body.scn", "post hello\nexpect ui messages 1\n");
  auto main = dir.file("main.scn", "mode deterministic\nrepeat 2\n  include body.scn\nend\n");
  auto body = (dir.path / "body.scn").string();
  auto failed = runner({main});
  CHECK(failed.status == 1);
  auto text = failed.out_text();
  CHECK_THAT(text, Catch::Contains(body + ":2: error: "));
  CHECK_THAT(text, Catch::Contains("\n" + main + ":3: note: included from here\n" + main
                                   + ":2: note: in pass 2 of 2 of this repeat\n"));
  // A parse error in an included file names the include line too.
  dir.file("broken.scn", "\nfrobnicate\n");
  auto outer = dir.file("outer.scn", "mode deterministic\npost x\ninclude broken.scn\n");
  auto broken = runner({outer});
  CHECK(broken.status == 2);
  CHECK_THAT(broken.out_text(), Catch::Contains((dir.path / "broken.scn").string()
                                                + ":2: error: "));
  CHECK(broken.prints(outer + ":3: note: included from here"));
}

TEST_CASE("the steps of an unordered block are echoed as they run") {
  scratch_dir dir;
  auto file = dir.file("unordered.scn", "server echo\nconnect a\nsend a p\nsend a q\n"
                                        "unordered within 2s\n  expect a frame q\n"
                                        "  expect a frame p\nend\n");
  auto ran = runner({file});
  CHECK(ran.status == 0);
  CHECK(ran.prints(file + ":5: unordered within 2s"));
  CHECK(ran.prints(file + ":6: expect a frame q"));
  CHECK(ran.prints(file + ":7: expect a frame p"));
}

TEST_CASE("a bad option prints the usage line and the reason and exits 2") {
  struct refusal {
    std::vector<std::string> args;
    std::string reason;
  };
  auto file = script("passes.scn");
  std::vector<refusal> refusals{
    {{"--bogus", file}, "unknown option --bogus"},
    {{"-x", file}, "unknown option -x"},
    {{file, "--jobs"}, "--jobs needs a value"},
    {{"--jobs", "x", file}, "--jobs needs a number from 1 to 1024, got 'x'"},
    {{"--jobs", "0", file}, "--jobs needs a number from 1 to 1024, got '0'"},
    {{"--expect-failure", "abc", file}, "--expect-failure needs a number"},
    {{"--expect-failure", "-5", file}, "--expect-failure needs a number"},
    {{}, "no script given"},
    {{"--list", "--tap", file}, "--list runs nothing"},
    {{"--junit", "/nonexistent/dir/report.xml", file}, "cannot write the JUnit report"},
    // A report name forgotten: the first script would have been overwritten.
    {{"--junit", file, script("fails_at_6.scn")}, "would write the report over a script"},
    {{"--junit", "other.scn", file}, "would write the report over a script"},
  };
  for (auto& [args, reason] : refusals) {
    auto refused = runner(args);
    INFO(refused.err);
    CHECK(refused.status == 2);
    CHECK(refused.err.find(reason) != std::string::npos);
    CHECK(refused.err.find("usage: actors-scenario") != std::string::npos);
    CHECK(refused.out.empty());
  }
  auto help = runner({"--help"});
  CHECK(help.status == 0);
  REQUIRE(!help.out.empty());
  CHECK(help.out[0].rfind("usage: actors-scenario", 0) == 0);
}
