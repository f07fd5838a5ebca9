#include "reply_rules_dialog.hpp"

#include <wx/config.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "actors/error_kind.hpp"

namespace client {

namespace {

std::string format_all(const std::vector<ReplyRule>& rules) {
  std::string text;
  for (auto& rule : rules)
    text += FormatReplyRule(rule) + "\n";
  return text;
}

} // namespace

std::vector<ReplyRule> RememberedReplyRules() {
  auto text = wxConfig::Get()->Read("ReplyRules", wxString{}).ToStdString(wxConvUTF8);
  auto rules = ParseReplyRules(text);
  return rules ? std::move(*rules) : std::vector<ReplyRule>{};
}

void RememberReplyRules(const std::vector<ReplyRule>& rules) {
  wxConfig::Get()->Write("ReplyRules", wxString::FromUTF8(format_all(rules)));
  wxConfig::Get()->Flush();
}

ReplyRulesDialog::ReplyRulesDialog(wxWindow* parent, const std::vector<ReplyRule>& current)
  : wxDialog(parent, wxID_ANY, "Reply rules", wxDefaultPosition, wxDefaultSize,
             wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER) {
  text_ = new wxTextCtrl(this, wxID_ANY, wxString::FromUTF8(format_all(current)),
                         wxDefaultPosition, wxSize(560, 200), wxTE_MULTILINE | wxTE_DONTWRAP);
  auto* help = new wxStaticText(
    this, wxID_ANY,
    "One rule per line, the first that matches a frame replies:\n"
    "  KIND:PATTERN=>REPLY   KIND is exact, contains or regex (RE2 syntax)\n"
    "  regex+200ms:^GET (\\S+)=>200 {{1}}   replies after 200 ms; {{1}} is a capture\n"
    "  -exact:ping=>pong   a leading - disables a rule; # starts a comment\n"
    "  contains@7000:ping=>pong   only on port 7000 (a listener's, or the server's)\n"
    "  exact@c3:hi=>hello   only on connection 3 (as numbered on the left)\n"
    "Replies are templates: {{counter}} {{time}} {{date}} {{random}} \\n \\xHH");
  // Why the rules do not parse, under them, so they stay in view to mend.
  error_ = new wxStaticText(this, wxID_ANY, wxString{});
  error_->SetForegroundColour(*wxRED);
  auto* sizer = new wxBoxSizer(wxVERTICAL);
  sizer->Add(help, 0, wxALL, 10);
  sizer->Add(text_, 1, wxEXPAND | wxLEFT | wxRIGHT, 10);
  sizer->Add(error_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, 10);
  sizer->Add(CreateButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 10);
  SetSizerAndFit(sizer);
}

bool ReplyRulesDialog::TransferDataFromWindow() {
  auto rules = ParseReplyRules(text_->GetValue().ToStdString(wxConvUTF8));
  if (!rules) {
    error_->SetLabel(wxString::FromUTF8(actors::message_of(rules.error())));
    error_->Wrap(text_->GetSize().GetWidth());
    Layout();
    wxBell();
    return false;
  }
  result_ = std::move(*rules);
  return true;
}

} // namespace client
