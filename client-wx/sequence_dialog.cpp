#include "sequence_dialog.hpp"

#include <wx/button.h>
#include <wx/config.h>
#include <wx/font.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace client {

namespace {
constexpr const char* config_key = "Sequence/Script";
}

SequenceDialog::SequenceDialog(wxWindow* parent, const std::string& example,
                               std::function<std::string(const std::string&)> run,
                               std::function<void()> stop)
  : wxDialog(parent, wxID_ANY, "Run a sequence", wxDefaultPosition, wxDefaultSize,
             wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
    run_(std::move(run)),
    stop_(std::move(stop)) {
  auto remembered = wxConfig::Get()->Read(config_key, wxString{});
  text_ = new wxTextCtrl(this, wxID_ANY,
                         remembered.empty() ? wxString::FromUTF8(example) : remembered,
                         wxDefaultPosition, wxSize(600, 260), wxTE_MULTILINE | wxTE_DONTWRAP);
  text_->SetFont(wxFont(wxFontInfo().Family(wxFONTFAMILY_TELETYPE)));
  auto* help = new wxStaticText(
    this, wxID_ANY,
    "A scenario script (docs/scenarios.md) on the open connections, named c<id> as in\n"
    "the sidebar: send, wait, close, expect/await NAME frame TEXT|~ REGEX [as VAR],\n"
    "expect NAME frames N, expect NAME silent DURATION; repeat and include work too.");
  status_ = new wxStaticText(this, wxID_ANY, "not run yet");
  auto* run_button = new wxButton(this, wxID_ANY, "&Run");
  auto* stop_button = new wxButton(this, wxID_ANY, "&Stop");
  auto* close_button = new wxButton(this, wxID_CLOSE, "&Close");
  run_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Run(); });
  stop_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { stop_(); });
  close_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Hide(); });
  auto* buttons = new wxBoxSizer(wxHORIZONTAL);
  buttons->Add(run_button);
  buttons->Add(stop_button, 0, wxLEFT, 5);
  buttons->AddStretchSpacer();
  buttons->Add(close_button);
  auto* sizer = new wxBoxSizer(wxVERTICAL);
  sizer->Add(help, 0, wxALL, 10);
  sizer->Add(text_, 1, wxEXPAND | wxLEFT | wxRIGHT, 10);
  sizer->Add(status_, 0, wxEXPAND | wxALL, 10);
  sizer->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 10);
  SetSizerAndFit(sizer);
}

void SequenceDialog::SetStatus(const wxString& text) {
  status_->SetLabel(text);
  status_->Wrap(GetClientSize().x - 20);
}

std::string SequenceDialog::Script() const {
  return text_->GetValue().ToStdString(wxConvUTF8);
}

void SequenceDialog::SetScript(const std::string& text) {
  text_->SetValue(wxString::FromUTF8(text));
}

void SequenceDialog::Run() {
  wxConfig::Get()->Write(config_key, text_->GetValue());
  wxConfig::Get()->Flush();
  auto why = run_(Script());
  SetStatus(why.empty() ? wxString{"starting"} : "cannot run: " + wxString::FromUTF8(why));
}

} // namespace client
