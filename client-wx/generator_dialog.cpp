#include "generator_dialog.hpp"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/config.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace client {

namespace {

GeneratorSettings remembered() {
  auto* config = wxConfig::Get();
  GeneratorSettings result;
  result.payload = config->Read("Generator/Payload", wxString::FromUTF8(result.payload))
                     .ToStdString(wxConvUTF8);
  result.to_all = config->ReadBool("Generator/ToAll", false);
  result.count = static_cast<std::uint64_t>(config->ReadLong("Generator/Count", 1000));
  result.duration = std::chrono::milliseconds{config->ReadLong("Generator/DurationMs", 0)};
  result.rate = config->ReadDouble("Generator/Rate", 0);
  return result;
}

void remember(const GeneratorSettings& settings) {
  auto* config = wxConfig::Get();
  config->Write("Generator/Payload", wxString::FromUTF8(settings.payload));
  config->Write("Generator/ToAll", settings.to_all);
  config->Write("Generator/Count", static_cast<long>(settings.count));
  config->Write("Generator/DurationMs", static_cast<long>(settings.duration.count()));
  config->Write("Generator/Rate", settings.rate);
  config->Flush();
}

void add_row(wxFlexGridSizer* grid, wxWindow* parent, const wxString& label,
             wxWindow* control, const wxString& hint) {
  grid->Add(new wxStaticText(parent, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(control, 1, wxEXPAND);
  grid->Add(new wxStaticText(parent, wxID_ANY, hint), 0, wxALIGN_CENTER_VERTICAL);
}

} // namespace

GeneratorDialog::GeneratorDialog(wxWindow* parent,
                                 std::function<std::string(const GeneratorSettings&)> start,
                                 std::function<void()> stop)
  : wxDialog(parent, wxID_ANY, "Generate traffic", wxDefaultPosition, wxDefaultSize,
             wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
    start_(std::move(start)),
    stop_(std::move(stop)) {
  payload_ = new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxSize(320, -1));
  payload_->SetToolTip("Fields: {{counter}} (frames sent on that connection before) "
                       "{{time}} {{date}} {{random}}; escapes \\n \\t \\xHH");
  to_all_ = new wxCheckBox(this, wxID_ANY, "on every open connection (else the selected one)");
  count_ = new wxSpinCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize,
                          wxSP_ARROW_KEYS, 0, 2'000'000'000, 1000);
  seconds_ = new wxSpinCtrlDouble(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize,
                                  wxSP_ARROW_KEYS, 0, 86'400, 0, 0.5);
  seconds_->SetDigits(1);
  rate_ = new wxSpinCtrlDouble(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize,
                               wxSP_ARROW_KEYS, 0, 10'000'000, 0, 100);
  rate_->SetDigits(1);
  auto* grid = new wxFlexGridSizer(3, 6, 8);
  grid->AddGrowableCol(1);
  add_row(grid, this, "Payload", payload_, "a template, like saved messages");
  add_row(grid, this, "Frames", count_, "per connection; 0: no limit");
  add_row(grid, this, "Seconds", seconds_, "then stop; 0: no limit");
  add_row(grid, this, "Rate", rate_, "frames/s per connection; 0: as fast as the peer takes them");
  status_ = new wxStaticText(this, wxID_ANY, "not run yet");
  auto* start_button = new wxButton(this, wxID_ANY, "&Start");
  auto* stop_button = new wxButton(this, wxID_ANY, "S&top");
  auto* close_button = new wxButton(this, wxID_CLOSE, "&Close");
  start_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Start(); });
  stop_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { stop_(); });
  close_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Hide(); });
  auto* buttons = new wxBoxSizer(wxHORIZONTAL);
  buttons->Add(start_button);
  buttons->Add(stop_button, 0, wxLEFT, 5);
  buttons->AddStretchSpacer();
  buttons->Add(close_button);
  auto* sizer = new wxBoxSizer(wxVERTICAL);
  sizer->Add(grid, 0, wxEXPAND | wxALL, 10);
  sizer->Add(to_all_, 0, wxLEFT | wxRIGHT, 10);
  sizer->Add(status_, 0, wxEXPAND | wxALL, 10);
  sizer->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 10);
  SetSizerAndFit(sizer);
  SetSettings(remembered());
}

void GeneratorDialog::SetStatus(const wxString& text) {
  status_->SetLabel(text);
  status_->Wrap(GetClientSize().x - 20);
}

GeneratorSettings GeneratorDialog::Settings() const {
  GeneratorSettings result;
  result.payload = payload_->GetValue().ToStdString(wxConvUTF8);
  result.to_all = to_all_->GetValue();
  result.count = static_cast<std::uint64_t>(count_->GetValue());
  result.duration = std::chrono::milliseconds{
    static_cast<std::int64_t>(seconds_->GetValue() * 1000.0 + 0.5)};
  result.rate = rate_->GetValue();
  return result;
}

void GeneratorDialog::SetSettings(const GeneratorSettings& settings) {
  payload_->SetValue(wxString::FromUTF8(settings.payload));
  to_all_->SetValue(settings.to_all);
  count_->SetValue(static_cast<int>(settings.count));
  seconds_->SetValue(static_cast<double>(settings.duration.count()) / 1000.0);
  rate_->SetValue(settings.rate);
}

void GeneratorDialog::Start() {
  auto settings = Settings();
  remember(settings);
  auto why = start_(settings);
  SetStatus(why.empty() ? wxString{"starting"} : "cannot start: " + wxString::FromUTF8(why));
}

} // namespace client
