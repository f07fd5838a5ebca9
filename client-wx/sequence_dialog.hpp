#pragma once

// View > Run a sequence: a scenario script to run against the open
// connections (sequence_runner.hpp), Run and Stop, and the step under way
// or the verdict. Not modal: the window goes on while a sequence runs. The
// script is remembered with wxConfig ("Sequence/Script").

#include <functional>
#include <string>

#include <wx/dialog.h>

class wxStaticText;
class wxTextCtrl;

namespace client {

class SequenceDialog : public wxDialog {
public:
  /// `run` gets the script and returns why it cannot run (empty: it runs);
  /// `stop` stops the sequence under way.
  SequenceDialog(wxWindow* parent, const std::string& example,
                 std::function<std::string(const std::string&)> run,
                 std::function<void()> stop);

  /// Shows the step under way or the verdict.
  void SetStatus(const wxString& text);

  /// The script in the editor.
  std::string Script() const;

  /// Sets the script in the editor.
  void SetScript(const std::string& text);

  /// Runs the script in the editor, as the Run button does.
  void Run();

private:
  wxTextCtrl* text_;
  wxStaticText* status_;
  std::function<std::string(const std::string&)> run_;
  std::function<void()> stop_;
};

} // namespace client
