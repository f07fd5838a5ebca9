#include "preferences_dialog.hpp"

#include "actors/log_writer.hpp"

#include <algorithm>

#include <wx/config.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>

namespace client {

namespace {

constexpr std::size_t mib = 1024 * 1024;
constexpr int max_rows = 100'000'000;
constexpr int max_mib = 64 * 1024;

} // namespace

Retention RememberedRetention() {
  Retention result;
  auto* config = wxConfig::Get();
  long rows = 0, text_mib = 0;
  if (config->Read("Retention/Rows", &rows) && rows > 0)
    result.rows = static_cast<std::size_t>(std::min<long>(rows, max_rows));
  if (config->Read("Retention/MiB", &text_mib) && text_mib > 0)
    result.text_bytes = static_cast<std::size_t>(std::min<long>(text_mib, max_mib)) * mib;
  return result;
}

Retention RetentionToRemember(Retention remembered, const Retention& shown,
                              const Retention& chosen) {
  if (chosen.rows != shown.rows)
    remembered.rows = chosen.rows;
  if (chosen.text_bytes != shown.text_bytes)
    remembered.text_bytes = chosen.text_bytes;
  return remembered;
}

void RememberRetention(const Retention& retention) {
  auto* config = wxConfig::Get();
  config->Write("Retention/Rows", static_cast<long>(retention.rows));
  config->Write("Retention/MiB", static_cast<long>(retention.text_bytes / mib));
  config->Flush();
}

PreferencesDialog::PreferencesDialog(wxWindow* parent, const Retention& current)
  : wxDialog(parent, wxID_ANY, "Preferences") {
  auto min_rows = static_cast<int>(TrafficModel::rows_per_block);
  rows_ = new wxSpinCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxSize(160, -1),
                         wxSP_ARROW_KEYS, min_rows, max_rows,
                         static_cast<int>(std::clamp<std::size_t>(current.rows, min_rows, max_rows)));
  mib_ = new wxSpinCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxSize(160, -1),
                        wxSP_ARROW_KEYS, 1, max_mib,
                        static_cast<int>(std::clamp<std::size_t>(current.text_bytes / mib, 1, max_mib)));
  auto* grid = new wxFlexGridSizer(2, 6, 8);
  grid->Add(new wxStaticText(this, wxID_ANY, "Keep at most (rows)"), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(rows_, 1, wxEXPAND);
  grid->Add(new wxStaticText(this, wxID_ANY, "and at most (MiB of text)"), 0,
            wxALIGN_CENTER_VERTICAL);
  grid->Add(mib_, 1, wxEXPAND);
  auto* outer = new wxBoxSizer(wxVERTICAL);
  auto rotation = actors::describe_rotation(actors::log_writer_options{}, "FILE");
  outer->Add(new wxStaticText(this, wxID_ANY,
                              "The traffic view keeps the newest rows within both limits;\n"
                              "older rows are evicted. A log file, when on, gets every row\n"
                              "(" + rotation + ")."),
             0, wxALL, 10);
  outer->Add(grid, 1, wxEXPAND | wxLEFT | wxRIGHT, 10);
  outer->Add(CreateButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 10);
  SetSizerAndFit(outer);
}

Retention PreferencesDialog::Result() const {
  Retention result;
  result.rows = static_cast<std::size_t>(rows_->GetValue());
  result.text_bytes = static_cast<std::size_t>(mib_->GetValue()) * mib;
  return result;
}

} // namespace client
