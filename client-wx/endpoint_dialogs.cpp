#include "endpoint_dialogs.hpp"

#include <cstdlib>

#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/combobox.h>
#include <wx/config.h>
#include <wx/filepicker.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "actors/command_line.hpp"

namespace client {

namespace {

constexpr int max_recent = 10;

wxArrayString recent_hosts() {
  wxArrayString hosts;
  auto* config = wxConfig::Get();
  for (int i = 0; i < max_recent; ++i) {
    wxString value;
    if (config->Read(wxString::Format("RecentHosts/%d", i), &value) && !value.empty())
      hosts.Add(value);
  }
  return hosts;
}

void add_row(wxFlexGridSizer* grid, wxWindow* parent, const char* label, wxWindow* field) {
  grid->Add(new wxStaticText(parent, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(field, 1, wxEXPAND);
}

wxFilePickerCtrl* pem_picker(wxWindow* parent, const char* prompt) {
  return new wxFilePickerCtrl(parent, wxID_ANY, {}, prompt, "PEM files (*.pem;*.crt;*.key)|*.pem;*.crt;*.key|All files|*",
                              wxDefaultPosition, wxSize(260, -1),
                              wxFLP_OPEN | wxFLP_FILE_MUST_EXIST | wxFLP_USE_TEXTCTRL);
}

void finish_layout(wxDialog* dialog, wxFlexGridSizer* grid) {
  grid->AddGrowableCol(1);
  auto* outer = new wxBoxSizer(wxVERTICAL);
  outer->Add(grid, 1, wxEXPAND | wxALL, 10);
  outer->Add(dialog->CreateButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, 10);
  dialog->SetSizerAndFit(outer);
}

} // namespace

wxChoice* MakeFramingChoice(wxWindow* parent) {
  auto* choice = new wxChoice(parent, wxID_ANY);
  for (auto name : {"line", "length16", "length32", "raw"})
    choice->Append(name);
  choice->SetSelection(0);
  return choice;
}

actors::framing_kind SelectedFraming(const wxChoice* choice) {
  auto kind = actors::parse_framing_kind(choice->GetStringSelection().ToStdString());
  return kind ? *kind : actors::framing_kind::line;
}

ConnectDialog::ConnectDialog(wxWindow* parent)
  : wxDialog(parent, wxID_ANY, "Connect") {
  auto hosts = recent_hosts();
  host_ = new wxComboBox(this, wxID_ANY, hosts.empty() ? "127.0.0.1" : hosts[0],
                         wxDefaultPosition, wxSize(220, -1), hosts);
  port_ = new wxSpinCtrl(this, wxID_ANY, "7000", wxDefaultPosition, wxDefaultSize,
                         wxSP_ARROW_KEYS, 1, 65535, 7000);
  framing_ = MakeFramingChoice(this);
  reconnect_ = new wxCheckBox(this, wxID_ANY, "reconnect with backoff");
  tls_ = new wxCheckBox(this, wxID_ANY, "TLS (or type tls://host:port)");
  ca_ = pem_picker(this, "CA certificates to trust");
  ca_->SetToolTip("Empty: the system's CA store");
  insecure_ = new wxCheckBox(this, wxID_ANY, "insecure: do not verify the server");
  udp_ = new wxCheckBox(this, wxID_ANY, "UDP (or type udp://host:port)");
  auto* grid = new wxFlexGridSizer(2, 6, 8);
  add_row(grid, this, "Host (or host:port)", host_);
  host_error_ = new wxStaticText(this, wxID_ANY, {});
  host_error_->SetForegroundColour(*wxRED);
  grid->AddSpacer(0);
  grid->Add(host_error_);
  add_row(grid, this, "Port", port_);
  add_row(grid, this, "Framing", framing_);
  grid->AddSpacer(0);
  grid->Add(reconnect_);
  grid->AddSpacer(0);
  grid->Add(tls_);
  add_row(grid, this, "CA file (TLS)", ca_);
  grid->AddSpacer(0);
  grid->Add(insecure_);
  grid->AddSpacer(0);
  grid->Add(udp_);
  finish_layout(this, grid);
}

HostField ParseHostField(const std::string& typed) {
  HostField result;
  auto text = typed;
  auto trim = [](std::string& s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
  };
  trim(text);
  auto strip = [&](const char* scheme) {
    std::string prefix{scheme};
    if (text.compare(0, prefix.size(), prefix) != 0)
      return false;
    text.erase(0, prefix.size());
    return true;
  };
  if (strip("tls://"))
    result.tls = true;
  else if (strip("udp://"))
    result.udp = true;
  else
    strip("tcp://");
  // A port after the last colon, unless the colons are an IPv6 address's.
  auto colon = text.rfind(':');
  bool bracketed = !text.empty() && text.front() == '[';
  bool bare_v6 = !bracketed && text.find(':') != colon;
  if (colon != std::string::npos && !bare_v6 && (!bracketed || text[colon - 1] == ']')) {
    auto typed_port = text.substr(colon + 1);
    char* end = nullptr;
    auto port = std::strtoul(typed_port.c_str(), &end, 10);
    bool digits = !typed_port.empty()
                  && typed_port.find_first_not_of("0123456789") == std::string::npos;
    if (digits && *end == '\0' && port > 0 && port < 65536)
      result.port = static_cast<std::uint16_t>(port);
    else
      result.error = "the port after ':' must be a number from 1 to 65535, not \""
                     + typed_port + "\"";
    text.erase(colon);
  }
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  result.host = text;
  // "ftp://host", "host 7000": refused here, not looked up in DNS.
  if (auto scheme = text.find("://"); result.error.empty() && scheme != std::string::npos)
    result.error = "unknown scheme '" + text.substr(0, scheme + 3)
                   + "': write tls://, udp:// or tcp:// (or none) before the host";
  else if (result.error.empty() && !text.empty())
    result.error = actors::why_not_a_host(text);
  return result;
}

Endpoint ConnectDialog::Result() const {
  Endpoint result;
  auto field = ParseHostField(host_->GetValue().ToStdString(wxConvUTF8));
  bool tls = tls_->GetValue() || field.tls;
  result.udp = udp_->GetValue() || field.udp;
  result.host = field.host;
  result.port = field.port != 0 ? field.port : static_cast<std::uint16_t>(port_->GetValue());
  result.options.framing.kind = SelectedFraming(framing_);
  result.options.reconnect.enabled = reconnect_->GetValue();
  result.options.tls.enabled = tls;
  result.options.tls.ca_file = ca_->GetPath().ToStdString();
  result.options.tls.insecure = insecure_->GetValue();
  result.udp_options.remote_host = result.host;
  result.udp_options.remote_port = result.port;
  return result;
}

void ConnectDialog::SetHostText(const wxString& text) {
  host_->SetValue(text);
}

bool ConnectDialog::Validate() {
  auto field = ParseHostField(host_->GetValue().ToStdString(wxConvUTF8));
  if (field.error.empty() && field.host.empty())
    field.error = "type a host name or address";
  host_error_->SetLabel(wxString::FromUTF8(field.error));
  Layout();
  GetSizer()->SetSizeHints(this); // room for the reason
  if (!field.error.empty())
    host_->SetFocus();
  return field.error.empty() && wxDialog::Validate();
}

wxString ConnectDialog::HostError() const {
  return host_error_->GetLabel();
}

void ConnectDialog::Remember(const std::string& host, std::uint16_t port) {
  // Brackets around an IPv6 address, so that the entry reads back as
  // host and port, not as one longer address.
  auto entry = wxString::FromUTF8(actors::format_host_port(host, port));
  auto hosts = recent_hosts();
  auto existing = hosts.Index(entry);
  if (existing != wxNOT_FOUND)
    hosts.RemoveAt(static_cast<std::size_t>(existing));
  hosts.Insert(entry, 0);
  auto* config = wxConfig::Get();
  for (std::size_t i = 0; i < hosts.size() && i < max_recent; ++i)
    config->Write(wxString::Format("RecentHosts/%zu", i), hosts[i]);
  config->Flush();
}

ListenDialog::ListenDialog(wxWindow* parent) : wxDialog(parent, wxID_ANY, "Listen") {
  bind_ = new wxTextCtrl(this, wxID_ANY, "127.0.0.1");
  port_ = new wxSpinCtrl(this, wxID_ANY, "7100", wxDefaultPosition, wxDefaultSize,
                         wxSP_ARROW_KEYS, 0, 65535, 7100);
  framing_ = MakeFramingChoice(this);
  cert_ = pem_picker(this, "Certificate chain");
  key_ = pem_picker(this, "Private key");
  udp_ = new wxCheckBox(this, wxID_ANY, "UDP: receive and answer datagrams instead");
  group_ = new wxTextCtrl(this, wxID_ANY, {});
  group_->SetHint("e.g. 239.1.2.3 or 239.1.2.3@eth0");
  group_->SetToolTip("UDP only: a multicast group to join, optionally @ an interface "
                     "(a name or an address). Bind 0.0.0.0 or the group's address to "
                     "receive it: bound to 127.0.0.1, nothing sent to the group arrives");
  auto* grid = new wxFlexGridSizer(2, 6, 8);
  add_row(grid, this, "Bind address", bind_);
  add_row(grid, this, "Port (0: any free)", port_);
  add_row(grid, this, "Framing", framing_);
  add_row(grid, this, "TLS certificate", cert_);
  add_row(grid, this, "TLS key", key_);
  grid->AddSpacer(0);
  grid->Add(udp_);
  add_row(grid, this, "Multicast group", group_);
  finish_layout(this, grid);
}

Endpoint ListenDialog::Result() const {
  Endpoint result;
  result.host = bind_->GetValue().Trim().Trim(false).ToStdString();
  result.port = static_cast<std::uint16_t>(port_->GetValue());
  result.options.framing.kind = SelectedFraming(framing_);
  // TLS when a certificate is given (the key may be in the same file).
  auto cert = cert_->GetPath().ToStdString();
  result.options.tls.enabled = !cert.empty();
  result.options.tls.certificate_file = cert;
  result.options.tls.key_file = key_->GetPath().ToStdString();
  auto group = group_->GetValue().Trim().Trim(false).ToStdString();
  result.udp = udp_->GetValue() || !group.empty();
  if (!group.empty())
    result.udp_options.multicast_groups.push_back(ParseMulticastGroup(group));
  return result;
}

actors::multicast_group ParseMulticastGroup(const std::string& text) {
  auto at = text.find('@');
  if (at == std::string::npos)
    return {text, {}};
  return {text.substr(0, at), text.substr(at + 1)};
}

} // namespace client
