// actors-client: the reference wx client. See docs/client.md.
//
// The command line is checked before wx starts, so --help and bad arguments
// work without a display.

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <string>

#include <wx/init.h>

#include "actors/command_line.hpp"
#include "actors/log_writer.hpp"
#include "client_app.hpp"
#include "reply_rules.hpp"

namespace {

constexpr const char* usage
  = "usage: actors-client [--connect [tls://|udp://]HOST:PORT]... [--ca FILE] [--insecure]\n"
    "                     [--listen [udp:]PORT]... [--tls-cert FILE --tls-key FILE]\n"
    "                     [--log FILE] [--record FILE] [--reply RULE]... [--keep-rows N]\n"
    "                     [--demo] [--screenshot FILE [--show PANEL]]\n"
    "A socket workbench that never freezes. With no arguments it starts an\n"
    "embedded echo and chat server on free local ports, already connected.\n"
    "  --connect HOST:PORT  open a line-framed connection (repeatable);\n"
    "                       tls://HOST:PORT speaks TLS; udp://HOST:PORT sends\n"
    "                       each line as a datagram to HOST:PORT\n"
    "  --ca FILE            tls:// connections trust these CA certificates (PEM)\n"
    "                       instead of the system's\n"
    "  --insecure           tls:// connections do not verify the server at all\n"
    "  --listen PORT        accept peers on 127.0.0.1:PORT (0: any free port);\n"
    "                       udp:PORT receives datagrams there (repeatable);\n"
    "                       prints \"listening on ADDR:PORT\" (\"UDP on ...\")\n"
    "  --tls-cert FILE      every TCP --listen speaks TLS with this certificate\n"
    "                       (PEM; Ctrl+L gives each listener its own)\n"
    "  --tls-key FILE       and this key\n"
    "  --log FILE           log every frame in and out to FILE (ROTATION)\n"
    "  --record FILE        record the session as a scenario script that\n"
    "                       actors-scenario replays (complete when the client exits)\n"
    "  --reply 'REGEX=>REPLY'  answer each frame matching REGEX (RE2) with REPLY,\n"
    "                       a template: {{1}} a capture, {{counter}}, {{time}},\n"
    "                       \\n ... (repeatable; View > Reply rules has the rest)\n"
    "  --keep-rows N        the traffic view keeps the newest N rows (default\n"
    "                       1000000, or as set in View > Preferences)\n"
    "  --demo               start the embedded servers (the default without options)\n"
    "  --screenshot FILE    save the window as PNG after startup, then quit\n"
    "  --show PANEL         open generator, sequence, rules or inspector first\n"
    "                       (for pictures)\n";

// A file an option names must be readable now, before a window opens,
// not found missing once a connection or listener tries it.
void exit_unless_readable(const std::string& path, const char* option) {
  if (path.empty())
    return;
  std::ifstream file{path};
  if (!file)
    actors::exit_on_bad_argument(
      {actors::error_kind::invalid_argument,
       std::string{option} + " '" + path + "': cannot read it (" + std::strerror(errno) + ")"});
}

// What the command line asks for; exits with status 2 on a bad argument.
client::ClientOptions options_from(const actors::command_line& args) {
  client::ClientOptions options;
  for (auto text : args.get_all("connect")) {
    // The scheme in any case ("UDP://"); "udp:HOST:PORT" is a slip (udp:PORT
    // is --listen's form) that would become a host named "udp".
    if (auto scheme = text.find("://"); scheme != std::string::npos)
      std::transform(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(scheme), text.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (auto slip : {"udp:", "tls:", "tcp:"})
      if (text.rfind(slip, 0) == 0 && text.rfind(std::string{slip} + "//", 0) != 0)
        actors::exit_on_bad_argument(
          {actors::error_kind::invalid_argument,
           "--connect '" + text + "': write " + slip + "//HOST:PORT"});
    bool tls = text.rfind("tls://", 0) == 0;
    bool udp = text.rfind("udp://", 0) == 0;
    if (tls || udp || text.rfind("tcp://", 0) == 0)
      text = text.substr(6);
    auto endpoint = actors::value_or_exit(actors::parse_host_port(text, "--connect"));
    options.connects.emplace_back(endpoint.host, endpoint.port, tls);
    options.connects.back().udp = udp;
  }
  options.ca_file = args.get("ca", "");
  options.insecure = args.has("insecure");
  if (options.insecure && !options.ca_file.empty())
    actors::exit_on_bad_argument({actors::error_kind::invalid_argument,
                                  "--ca and --insecure contradict each other: --insecure "
                                  "verifies nothing, --ca verifies against FILE"});
  exit_unless_readable(options.ca_file, "--ca");
  for (auto text : args.get_all("listen")) {
    // --connect's form, or a host given to an option that takes a port.
    bool udp_form = text.rfind("udp:", 0) == 0 && text.find(':', 4) == std::string::npos
                    && text.rfind("udp://", 0) != 0;
    if (text.find(':') != std::string::npos && !udp_form)
      actors::exit_on_bad_argument(
        {actors::error_kind::invalid_argument,
         "--listen '" + text + "': write PORT or udp:PORT (it listens on 127.0.0.1; "
                               "with --tls-cert, TCP listeners speak TLS)"});
    bool udp = text.rfind("udp:", 0) == 0;
    auto port = static_cast<std::uint16_t>(actors::value_or_exit(
      actors::parse_number(udp ? text.substr(4) : text, "--listen", 0, 65535)));
    (udp ? options.listen_udp : options.listen).push_back(port);
  }
  for (auto name : {"tls-cert", "tls-key", "ca"})
    if (args.get_all(name).size() > 1)
      actors::exit_on_bad_argument(
        {actors::error_kind::invalid_argument,
         std::string{"--"} + name + " given twice: "
           + (std::string{name} == "ca" ? "put the CA certificates in one file"
                                        : "every TCP --listen uses one certificate and key; "
                                          "Ctrl+L opens listeners with others")});
  options.tls_cert = args.get("tls-cert", "");
  options.tls_key = args.get("tls-key", "");
  if (options.tls_cert.empty() != options.tls_key.empty())
    actors::exit_on_bad_argument(
      {actors::error_kind::invalid_argument, "--tls-cert and --tls-key go together"});
  if (!options.tls_cert.empty() && options.listen.empty())
    actors::exit_on_bad_argument({actors::error_kind::invalid_argument,
                                  "--tls-cert and --tls-key are for a TCP --listen PORT"});
  exit_unless_readable(options.tls_cert, "--tls-cert");
  exit_unless_readable(options.tls_key, "--tls-key");
  if (!args.positionals().empty())
    actors::exit_on_bad_argument(
      {actors::error_kind::invalid_argument,
       "unexpected argument '" + args.positionals().front() + "' (see --help)"});
  options.log = args.get("log", "");
  options.record = args.get("record", "");
  for (auto& text : args.get_all("reply")) {
    if (auto rule = client::ParseReplyRule(text); !rule)
      actors::exit_on_bad_argument(caf::make_error(
        actors::error_kind::invalid_argument,
        "--reply '" + text + "': " + actors::message_of(rule.error())));
    options.replies.push_back(text);
  }
  if (args.has("keep-rows"))
    options.keep_rows = actors::value_or_exit(args.number("keep-rows", 0, 16'384, 100'000'000));
  options.screenshot = args.get("screenshot", "");
  options.show = args.get("show", "");
  if (!options.show.empty() && options.show != "generator" && options.show != "sequence"
      && options.show != "rules" && options.show != "inspector")
    actors::exit_on_bad_argument(caf::make_error(
      actors::error_kind::invalid_argument,
      "--show '" + options.show + "': generator, sequence, rules or inspector"));
  if (!options.show.empty() && options.screenshot.empty())
    actors::exit_on_bad_argument(
      {actors::error_kind::invalid_argument,
       "--show is for pictures: give --screenshot FILE too (the View menu opens the panels)"});
  options.demo = args.has("demo")
                 || (options.connects.empty() && options.listen.empty() && options.listen_udp.empty());
  return options;
}

// The usage, with the log's rotation as the log writer does it.
std::string usage_text() {
  std::string text = usage;
  auto rotation = actors::describe_rotation(actors::log_writer_options{}, "FILE");
  // "rotated at 64 MiB:" on the option's line, the rest on the next.
  auto colon = rotation.find(": ");
  if (colon != std::string::npos)
    rotation.replace(colon, 2, ":\n                       ");
  text.replace(text.find("ROTATION"), 8, rotation);
  return text;
}

} // namespace

int main(int argc, char** argv) {
  auto args = actors::parse_command_line_or_exit(
    argc, argv,
    {{"connect", "ca", "listen", "tls-cert", "tls-key", "log", "record", "reply", "keep-rows",
      "screenshot", "show"},
     {"demo", "insecure"}, usage_text()});
  client::SendWxErrorsToStderr(); // a missing display is reported while wx starts
  wxApp::SetInstance(new client::ClientApp(options_from(args)));
  // wx parses argv too; give it only the program name.
  int wx_argc = 1;
  return wxEntry(wx_argc, argv);
}
