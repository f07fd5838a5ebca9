#include "send_bar.hpp"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace client {

namespace {

const char* endings[] = {"", "\n", "\r\n"};

int hex_digit(wxUniChar c) {
  if (c >= '0' && c <= '9')
    return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'f')
    return static_cast<int>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F')
    return static_cast<int>(c - 'A' + 10);
  return -1;
}

} // namespace

bool ParseHex(const wxString& text, std::string& out) {
  out.clear();
  int high = -1;
  for (auto c : text) {
    if (c == ' ' || c == ':' || c == '\t')
      continue;
    auto digit = hex_digit(c);
    if (digit < 0)
      return false;
    if (high < 0) {
      high = digit;
    } else {
      out += static_cast<char>(high * 16 + digit);
      high = -1;
    }
  }
  return high < 0;
}

SendBar::SendBar(wxWindow* parent, send_handler on_send)
  : wxPanel(parent), on_send_(std::move(on_send)) {
  input_ = new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize,
                          wxTE_PROCESS_ENTER);
  input_->SetHint("type a line, Enter sends (Up/Down: history)");
  mode_ = new wxChoice(this, wxID_ANY);
  mode_->Append("Text");
  mode_->Append("Hex");
  mode_->SetSelection(0);
  ending_ = new wxChoice(this, wxID_ANY);
  ending_->Append("no ending");
  ending_->Append("LF");
  ending_->Append("CRLF");
  ending_->SetSelection(0);
  ending_->SetToolTip("added to the payload; line framing ends a line with LF "
                      "unless it ends with one already (CRLF: a CRLF line)");
  to_all_ = new wxCheckBox(this, wxID_ANY, "to all");
  // Fixed width, cut in the middle: a long host name must not push the
  // input aside, and the tooltip has it whole.
  target_label_ = new wxStaticText(this, wxID_ANY, {}, wxDefaultPosition,
                                   wxSize(GetCharWidth() * 24, -1),
                                   wxST_NO_AUTORESIZE | wxST_ELLIPSIZE_MIDDLE);
  auto* send = new wxButton(this, wxID_ANY, "Send");
  auto* row = new wxBoxSizer(wxHORIZONTAL);
  row->Add(input_, 1, wxEXPAND | wxALL, 3);
  row->Add(mode_, 0, wxALIGN_CENTER_VERTICAL | wxALL, 3);
  row->Add(ending_, 0, wxALIGN_CENTER_VERTICAL | wxALL, 3);
  row->Add(to_all_, 0, wxALIGN_CENTER_VERTICAL | wxALL, 3);
  row->Add(target_label_, 0, wxALIGN_CENTER_VERTICAL | wxALL, 3);
  row->Add(send, 0, wxALIGN_CENTER_VERTICAL | wxALL, 3);
  SetSizer(row);
  input_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { SendInput(); });
  input_->Bind(wxEVT_KEY_DOWN, &SendBar::OnKey, this);
  send->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { SendInput(); });
  to_all_->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { ShowTarget(); });
  SetTarget("no connection selected");
}

void SendBar::SetTarget(const wxString& target) {
  target_ = target;
  ShowTarget();
}

wxString SendBar::Target() const {
  return target_label_->GetLabel();
}

void SendBar::ShowTarget() {
  auto text = to_all_->GetValue() ? wxString{"to every open connection"} : target_;
  if (target_label_->GetLabel() == text)
    return; // called on every batch: no relayout for nothing
  target_label_->SetLabel(text);
  target_label_->SetToolTip(text);
}

void SendBar::FocusInput() {
  input_->SetFocus();
}

bool SendBar::ToAll() const {
  return to_all_->GetValue();
}

void SendBar::SetToAll(bool on) {
  to_all_->SetValue(on);
  ShowTarget();
}

void SendBar::SetInput(const wxString& text) {
  input_->SetValue(text);
}

void SendBar::SendInput() {
  auto text = input_->GetValue();
  std::string payload;
  if (mode_->GetSelection() == 1) {
    if (!ParseHex(text, payload)) {
      input_->SetToolTip("not hex: use pairs of hex digits, e.g. 68 65 6c 6c 6f");
      wxBell();
      return;
    }
  } else {
    payload = text.ToStdString(wxConvUTF8);
  }
  payload += endings[ending_->GetSelection() < 0 ? 0 : ending_->GetSelection()];
  if (!text.empty() && (history_.empty() || history_.back() != text))
    history_.push_back(text);
  history_pos_ = history_.size();
  input_->Clear();
  on_send_(payload, to_all_->GetValue());
}

void SendBar::ShowHistory(int step) {
  if (history_.empty())
    return;
  if (step < 0 && history_pos_ > 0)
    --history_pos_;
  else if (step > 0 && history_pos_ < history_.size())
    ++history_pos_;
  input_->SetValue(history_pos_ < history_.size() ? history_[history_pos_] : wxString{});
  input_->SetInsertionPointEnd();
}

void SendBar::OnKey(wxKeyEvent& event) {
  switch (event.GetKeyCode()) {
    case WXK_UP: ShowHistory(-1); break;
    case WXK_DOWN: ShowHistory(1); break;
    case WXK_RETURN:
    case WXK_NUMPAD_ENTER:
      // Ctrl+Enter is the shortcut that brings the focus here; pressed
      // again, it must not send the input (an empty line on an empty bar).
      if (event.ControlDown())
        break;
      event.Skip();
      break;
    default: event.Skip();
  }
}

} // namespace client
