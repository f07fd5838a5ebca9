// actors-client: the reference wx client. See docs/client.md.
//
// The command line is checked before wx starts, so --help and bad arguments
// work without a display.

#include <iostream>
#include <string>
#include <vector>

#include <wx/init.h>

#include "client_app.hpp"


int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << client::Usage();
      return 0;
    }
  client::ClientOptions options;
  if (auto error = client::ParseCommandLine(args, options)) {
    std::cerr << "error: " << *error << "\n";
    return 2;
  }
  wxApp::SetInstance(new client::ClientApp(std::move(options)));
  // wx parses argv too; give it only the program name.
  int wx_argc = 1;
  return wxEntry(wx_argc, argv);
}
