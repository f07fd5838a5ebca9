#pragma once

// Saved messages: named payloads (text with template fields, or hex) in a
// side panel, sent with a double-click or Ctrl+1..9. Kept with wxConfig;
// imported and exported as a plain text file.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>
#include <wx/dialog.h>
#include <wx/panel.h>

class wxCheckBox;
class wxListCtrl;
class wxListEvent;
class wxStaticText;
class wxTextCtrl;

namespace client {

/// One saved message.
struct SavedMessage {
  std::string name;
  /// Text with template fields (message_template.hpp), or hex digits.
  std::string payload;
  bool hex = false;
  /// Times sent since the client started: its {{counter}}.
  std::uint64_t sent = 0;
};

/// The bytes `message` sends now (the template expanded, or the hex
/// parsed); counts the send. Errors name what is wrong.
caf::expected<std::string> NextPayload(SavedMessage& message);

/// Asks for a message's name, payload and kind. OK closes it only for a
/// payload that can be sent; else the reason shows under it, in red, and
/// what was typed stays to be mended.
class SavedMessageDialog : public wxDialog {
public:
  SavedMessageDialog(wxWindow* parent, const SavedMessage& message);

  bool Validate() override;

  /// What is typed now.
  SavedMessage Result() const;

  /// Why OK did not close it; empty when it did.
  wxString Error() const;

private:
  wxTextCtrl* name_;
  wxTextCtrl* payload_;
  wxCheckBox* hex_;
  wxStaticText* error_;
};

/// The file format: one message per line, NAME, "text" or "hex", and the
/// payload, separated by tabs (a tab or newline in a text payload is
/// written as its escape, \t or \n, which the template expands again).
std::string FormatSavedMessages(const std::vector<SavedMessage>& messages);

/// Parses the file format; blank lines and lines starting with # are
/// skipped. Errors name the line.
caf::expected<std::vector<SavedMessage>> ParseSavedMessages(std::string_view text);

/// The side panel.
class SavedMessagesPanel : public wxPanel {
public:
  using send_handler = std::function<void(const std::string& payload)>;
  using error_handler = std::function<void(const wxString& error)>;

  SavedMessagesPanel(wxWindow* parent, send_handler send, error_handler error);

  /// Sends message `index` (0-based), if there is one.
  void SendMessage(std::size_t index);
  /// Replaces the messages (and remembers them).
  void SetMessages(std::vector<SavedMessage> messages);
  /// The messages.
  const std::vector<SavedMessage>& Messages() const { return messages_; }

private:
  void Refill();
  void Remember() const;
  void OnAdd();
  void OnEdit();
  void OnRemove();
  void OnImport();
  void OnExport();
  long Selected() const;

  send_handler send_;
  error_handler error_;
  std::vector<SavedMessage> messages_;
  wxListCtrl* list_;
};

} // namespace client
