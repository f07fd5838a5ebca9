#include "saved_messages.hpp"

#include <fstream>
#include <random>
#include <sstream>

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/config.h>
#include <wx/dialog.h>
#include <wx/filedlg.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "actors/error_kind.hpp"
#include "message_template.hpp"
#include "send_bar.hpp"
#include "text_lines.hpp"

namespace client {

namespace {

caf::error invalid(std::string what) {
  return caf::make_error(actors::error_kind::invalid_argument, std::move(what));
}

// Escapes what the file format cannot hold as is.
std::string escape_for_file(const std::string& payload) {
  std::string out;
  for (auto c : payload) {
    if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out;
}

} // namespace

caf::expected<std::string> NextPayload(SavedMessage& message) {
  if (message.hex) {
    std::string bytes;
    if (!ParseHex(wxString::FromUTF8(message.payload), bytes))
      return invalid("'" + message.name + "' is not hex: use pairs of hex digits");
    ++message.sent;
    return bytes;
  }
  static std::minstd_rand random{std::random_device{}()};
  TemplateValues values;
  values.counter = message.sent;
  values.random = static_cast<std::uint32_t>(random());
  auto payload = ExpandTemplate(message.payload, values);
  if (!payload)
    return invalid("'" + message.name + "': " + actors::message_of(payload.error()));
  ++message.sent;
  return payload;
}

SavedMessageDialog::SavedMessageDialog(wxWindow* parent, const SavedMessage& message)
  : wxDialog(parent, wxID_ANY, "Saved message") {
  name_ = new wxTextCtrl(this, wxID_ANY, wxString::FromUTF8(message.name));
  payload_ = new wxTextCtrl(this, wxID_ANY, wxString::FromUTF8(message.payload),
                            wxDefaultPosition, wxSize(360, 80), wxTE_MULTILINE);
  payload_->SetToolTip("Fields: {{counter}} {{time}} {{date}} {{random}}; "
                       "escapes: \\n \\r \\t \\\\ \\xHH");
  hex_ = new wxCheckBox(this, wxID_ANY, "hex bytes (e.g. 68 65 6c 6c 6f)");
  hex_->SetValue(message.hex);
  error_ = new wxStaticText(this, wxID_ANY, {});
  error_->SetForegroundColour(*wxRED);
  auto* grid = new wxFlexGridSizer(2, 6, 8);
  grid->Add(new wxStaticText(this, wxID_ANY, "Name"), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(name_, 1, wxEXPAND);
  grid->Add(new wxStaticText(this, wxID_ANY, "Payload"), 0, wxALIGN_TOP);
  grid->Add(payload_, 1, wxEXPAND);
  grid->AddSpacer(0);
  grid->Add(hex_);
  grid->AddSpacer(0);
  grid->Add(error_);
  grid->AddGrowableCol(1);
  auto* outer = new wxBoxSizer(wxVERTICAL);
  outer->Add(grid, 1, wxEXPAND | wxALL, 10);
  outer->Add(CreateButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 10);
  SetSizerAndFit(outer);
}

bool SavedMessageDialog::Validate() {
  auto check = Result();
  auto payload = NextPayload(check);
  error_->SetLabel(payload ? wxString{} : wxString::FromUTF8(actors::message_of(payload.error())));
  Layout();
  GetSizer()->SetSizeHints(this); // room for the reason
  if (!payload)
    payload_->SetFocus();
  return payload && wxDialog::Validate();
}

SavedMessage SavedMessageDialog::Result() const {
  SavedMessage result;
  result.name = name_->GetValue().Trim().Trim(false).ToStdString(wxConvUTF8);
  result.payload = payload_->GetValue().ToStdString(wxConvUTF8);
  result.hex = hex_->GetValue();
  return result;
}

wxString SavedMessageDialog::Error() const {
  return error_->GetLabel();
}

std::string FormatSavedMessages(const std::vector<SavedMessage>& messages) {
  std::string out = "# actors-client saved messages: NAME<tab>text|hex<tab>PAYLOAD\n";
  for (auto& m : messages)
    out += escape_for_file(m.name) + "\t" + (m.hex ? "hex" : "text") + "\t"
           + escape_for_file(m.payload) + "\n";
  return out;
}

caf::expected<std::vector<SavedMessage>> ParseSavedMessages(std::string_view text) {
  std::vector<SavedMessage> result;
  auto err = ForEachContentLine(text, [&](std::string_view line, std::size_t number) {
    auto first = line.find('\t');
    auto second = first == std::string_view::npos ? first : line.find('\t', first + 1);
    if (second == std::string_view::npos)
      return invalid("line " + std::to_string(number)
                     + ": expected NAME, text or hex, and PAYLOAD separated by tabs");
    auto kind = line.substr(first + 1, second - first - 1);
    if (kind != "text" && kind != "hex")
      return invalid("line " + std::to_string(number) + ": the kind must be text or hex, not '"
                     + std::string{kind} + "'");
    result.push_back({std::string{line.substr(0, first)}, std::string{line.substr(second + 1)},
                      kind == "hex", 0});
    return caf::error{};
  });
  if (err)
    return err;
  return result;
}

SavedMessagesPanel::SavedMessagesPanel(wxWindow* parent, send_handler send,
                                       error_handler error)
  : wxPanel(parent), send_(std::move(send)), error_(std::move(error)) {
  list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                         wxLC_REPORT | wxLC_SINGLE_SEL);
  list_->AppendColumn("Key", wxLIST_FORMAT_LEFT, 60);
  list_->AppendColumn("Saved message", wxLIST_FORMAT_LEFT, 130);
  list_->AppendColumn("Payload", wxLIST_FORMAT_LEFT, 200);
  list_->Bind(wxEVT_LIST_ITEM_ACTIVATED, [this](wxListEvent& event) {
    SendMessage(static_cast<std::size_t>(event.GetIndex()));
  });
  auto* buttons = new wxBoxSizer(wxHORIZONTAL);
  auto button = [&](const char* label, void (SavedMessagesPanel::*handler)()) {
    auto* b = new wxButton(this, wxID_ANY, label, wxDefaultPosition, wxDefaultSize,
                           wxBU_EXACTFIT);
    b->Bind(wxEVT_BUTTON, [this, handler](wxCommandEvent&) { (this->*handler)(); });
    buttons->Add(b, 0, wxRIGHT, 2);
  };
  button("Add", &SavedMessagesPanel::OnAdd);
  button("Edit", &SavedMessagesPanel::OnEdit);
  button("Remove", &SavedMessagesPanel::OnRemove);
  button("Import", &SavedMessagesPanel::OnImport);
  button("Export", &SavedMessagesPanel::OnExport);
  auto* sizer = new wxBoxSizer(wxVERTICAL);
  sizer->Add(list_, 1, wxEXPAND);
  sizer->Add(buttons, 0, wxALL, 2);
  SetSizer(sizer);
  auto remembered = ParseSavedMessages(
    wxConfig::Get()->Read("SavedMessages", wxString{}).ToStdString(wxConvUTF8));
  if (remembered)
    messages_ = std::move(*remembered);
  Refill();
}

void SavedMessagesPanel::SendMessage(std::size_t index) {
  if (index >= messages_.size())
    return;
  auto payload = NextPayload(messages_[index]);
  if (!payload) {
    error_(wxString::FromUTF8(actors::message_of(payload.error())));
    return;
  }
  send_(*payload);
}

void SavedMessagesPanel::SetMessages(std::vector<SavedMessage> messages) {
  messages_ = std::move(messages);
  Refill();
  Remember();
}

void SavedMessagesPanel::Refill() {
  list_->DeleteAllItems();
  for (std::size_t i = 0; i < messages_.size(); ++i) {
    auto row = list_->InsertItem(static_cast<long>(i),
                                 i < 9 ? wxString::Format("Ctrl+%zu", i + 1) : wxString{});
    list_->SetItem(row, 1, wxString::FromUTF8(messages_[i].name));
    list_->SetItem(row, 2, (messages_[i].hex ? "hex: " : "")
                             + wxString::FromUTF8(messages_[i].payload));
  }
}

void SavedMessagesPanel::Remember() const {
  wxConfig::Get()->Write("SavedMessages", wxString::FromUTF8(FormatSavedMessages(messages_)));
  wxConfig::Get()->Flush();
}

long SavedMessagesPanel::Selected() const {
  return list_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
}

void SavedMessagesPanel::OnAdd() {
  SavedMessageDialog dialog(this, {"message " + std::to_string(messages_.size() + 1), "", false, 0});
  if (dialog.ShowModal() != wxID_OK)
    return;
  auto message = dialog.Result(); // one that expands: the dialog checked it
  messages_.push_back(std::move(message));
  Refill();
  Remember();
}

void SavedMessagesPanel::OnEdit() {
  auto row = Selected();
  if (row < 0)
    return;
  auto& current = messages_[static_cast<std::size_t>(row)];
  SavedMessageDialog dialog(this, current);
  if (dialog.ShowModal() != wxID_OK)
    return;
  auto message = dialog.Result(); // one that expands: the dialog checked it
  message.sent = current.sent;
  current = std::move(message);
  Refill();
  Remember();
}

void SavedMessagesPanel::OnRemove() {
  auto row = Selected();
  if (row < 0)
    return;
  messages_.erase(messages_.begin() + row);
  Refill();
  Remember();
}

void SavedMessagesPanel::OnImport() {
  wxFileDialog dialog(this, "Import saved messages", {}, {}, "Text files (*.txt)|*.txt|All files|*",
                      wxFD_OPEN | wxFD_FILE_MUST_EXIST);
  if (dialog.ShowModal() != wxID_OK)
    return;
  std::ifstream in{dialog.GetPath().ToStdString()};
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = ParseSavedMessages(text.str());
  if (!parsed) {
    error_("import: " + wxString::FromUTF8(actors::message_of(parsed.error())));
    return;
  }
  for (auto& m : *parsed)
    messages_.push_back(std::move(m));
  Refill();
  Remember();
}

void SavedMessagesPanel::OnExport() {
  wxFileDialog dialog(this, "Export saved messages", {}, "messages.txt",
                      "Text files (*.txt)|*.txt|All files|*", wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
  if (dialog.ShowModal() != wxID_OK)
    return;
  std::ofstream out{dialog.GetPath().ToStdString()};
  out << FormatSavedMessages(messages_);
  if (!out)
    error_("export: cannot write " + dialog.GetPath());
}

} // namespace client
