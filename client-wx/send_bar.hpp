#pragma once

// The send bar: text or hex input, a line ending, history, and a target
// (the selected connection, a datagram's sender, or all), named beside the
// Send button.

#include <functional>
#include <string>
#include <vector>

#include <wx/panel.h>

class wxTextCtrl;
class wxChoice;
class wxCheckBox;
class wxStaticText;

namespace client {

/// Input for frames to send. Calls `on_send(payload, to_all)` on Enter or
/// the Send button; Up/Down walk the history. Ctrl+Enter (the window's
/// shortcut to focus the bar) sends nothing.
class SendBar : public wxPanel {
public:
  using send_handler = std::function<void(const std::string& payload, bool to_all)>;

  SendBar(wxWindow* parent, send_handler on_send);

  /// Puts the keyboard focus on the input.
  void FocusInput();
  /// Sends the current input, as if Enter was pressed.
  void SendInput();
  /// Sets the input text (for tests and scripting).
  void SetInput(const wxString& text);
  /// Whether "to all" is ticked.
  bool ToAll() const;
  /// Ticks or clears "to all".
  void SetToAll(bool on);
  /// Names where a line goes without "to all" ("to c3 127.0.0.1:7000").
  void SetTarget(const wxString& target);
  /// What the bar names as the target now.
  wxString Target() const;

private:
  void OnKey(wxKeyEvent& event);
  void ShowHistory(int step);
  void ShowTarget();

  send_handler on_send_;
  wxTextCtrl* input_;
  wxChoice* mode_;
  wxChoice* ending_;
  wxCheckBox* to_all_;
  wxStaticText* target_label_;
  wxString target_;
  std::vector<wxString> history_;
  std::size_t history_pos_ = 0;
};

/// Parses hex input ("68 65 6c 6c 6f" or "68656c6c6f"); false if malformed.
bool ParseHex(const wxString& text, std::string& out);

} // namespace client
