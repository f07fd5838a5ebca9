#pragma once

// View > Reply rules: the auto-reply rules as text, one per line, checked
// before they apply. Remembered with wxConfig ("ReplyRules").

#include <string>
#include <vector>

#include <wx/dialog.h>

#include "reply_rules.hpp"

class wxStaticText;
class wxTextCtrl;

namespace client {

/// The rules remembered with wxConfig (none if they no longer parse).
std::vector<ReplyRule> RememberedReplyRules();

/// Remembers `rules` with wxConfig.
void RememberReplyRules(const std::vector<ReplyRule>& rules);

/// Edits the rules as text; OK only once every line parses.
class ReplyRulesDialog : public wxDialog {
public:
  ReplyRulesDialog(wxWindow* parent, const std::vector<ReplyRule>& current);
  /// The rules; call after ShowModal() returned wxID_OK.
  const std::vector<ReplyRule>& Result() const { return result_; }
  bool TransferDataFromWindow() override;

private:
  wxTextCtrl* text_;
  wxStaticText* error_;
  std::vector<ReplyRule> result_;
};

} // namespace client
