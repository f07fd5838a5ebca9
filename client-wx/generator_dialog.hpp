#pragma once

// View > Generate traffic: a payload template, where to send it (the
// selected connection or all), how many frames, for how long, how fast;
// Start and Stop, and the run's progress. Not modal: the window goes on
// while traffic flows. The settings are remembered with wxConfig
// ("Generator/...").

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <wx/dialog.h>

class wxCheckBox;
class wxSpinCtrl;
class wxSpinCtrlDouble;
class wxStaticText;
class wxTextCtrl;

namespace client {

/// What the dialog asks for; the window adds the connections.
struct GeneratorSettings {
  std::string payload = "frame {{counter}}";
  bool to_all = false;
  std::uint64_t count = 1000;
  std::chrono::milliseconds duration{0};
  double rate = 0;
};

class GeneratorDialog : public wxDialog {
public:
  /// `start` gets the settings and returns why they cannot run (empty: the
  /// run started); `stop` stops the run under way.
  GeneratorDialog(wxWindow* parent,
                  std::function<std::string(const GeneratorSettings&)> start,
                  std::function<void()> stop);

  /// Shows the run's progress or end.
  void SetStatus(const wxString& text);

  /// The settings in the dialog.
  GeneratorSettings Settings() const;

  /// Fills the dialog in.
  void SetSettings(const GeneratorSettings& settings);

  /// Starts a run with the settings in the dialog, as the Start button does.
  void Start();

private:
  wxTextCtrl* payload_;
  wxCheckBox* to_all_;
  wxSpinCtrl* count_;
  wxSpinCtrlDouble* seconds_;
  wxSpinCtrlDouble* rate_;
  wxStaticText* status_;
  std::function<std::string(const GeneratorSettings&)> start_;
  std::function<void()> stop_;
};

} // namespace client
