#pragma once

// "Connect to…": host (with recent hosts from wxConfig), port, framing,
// reconnect and TLS (CA file, insecure); "Listen on…": port, bind address,
// framing and TLS (certificate and key).

#include <cstdint>
#include <string>

#include <wx/dialog.h>

#include "actors/connection_options.hpp"
#include "actors/udp_options.hpp"

class wxComboBox;
class wxStaticText;
class wxSpinCtrl;
class wxChoice;
class wxCheckBox;
class wxTextCtrl;
class wxFilePickerCtrl;

namespace client {

/// What the user asked for in the connect or listen dialog.
struct Endpoint {
  std::string host; // the bind address for a listener
  std::uint16_t port = 0;
  actors::connection_options options;
  /// UDP instead of TCP, with these options (a connect sets the remote).
  bool udp = false;
  actors::udp_options udp_options;
};

/// What the connect dialog's host field says: a host, or host:port (used as
/// typed), `[v6]:port`, a bare IPv6 address, each perhaps after tls://,
/// udp:// or tcp://.
struct HostField {
  std::string host;
  /// The port typed with the host; 0 if none (the port field's then).
  std::uint16_t port = 0;
  bool tls = false;
  bool udp = false;
  /// Why the text is not a host or host:port (a port that is not a number
  /// from 1 to 65535), or empty.
  std::string error;
};

/// Reads the connect dialog's host field.
HostField ParseHostField(const std::string& text);

/// Parses "GROUP" or "GROUP@INTERFACE" (a multicast group to join).
actors::multicast_group ParseMulticastGroup(const std::string& text);

/// Asks where to connect. Remembers the hosts used (wxConfig "RecentHosts").
class ConnectDialog : public wxDialog {
public:
  explicit ConnectDialog(wxWindow* parent);
  /// The choice; call after ShowModal() returned wxID_OK.
  Endpoint Result() const;
  /// Adds host:port to the recent hosts (`[v6]:port` for IPv6 addresses).
  static void Remember(const std::string& host, std::uint16_t port);
  /// Sets the host field as if typed (for tests).
  void SetHostText(const wxString& text);
  /// OK's check: false, with the reason shown under the host field, when
  /// the host field cannot be used.
  bool Validate() override;
  /// The reason shown under the host field, or empty.
  wxString HostError() const;

private:
  wxComboBox* host_;
  wxStaticText* host_error_;
  wxSpinCtrl* port_;
  wxChoice* framing_;
  wxCheckBox* reconnect_;
  wxCheckBox* tls_;
  wxCheckBox* udp_;
  wxFilePickerCtrl* ca_;
  wxCheckBox* insecure_;
};

/// Asks where to listen.
class ListenDialog : public wxDialog {
public:
  explicit ListenDialog(wxWindow* parent);
  /// The choice; call after ShowModal() returned wxID_OK.
  Endpoint Result() const;

private:
  wxTextCtrl* bind_;
  wxSpinCtrl* port_;
  wxChoice* framing_;
  wxFilePickerCtrl* cert_;
  wxFilePickerCtrl* key_;
  wxCheckBox* udp_;
  wxTextCtrl* group_;
};

/// A choice control listing the framings (line, length16, length32, raw).
wxChoice* MakeFramingChoice(wxWindow* parent);

/// The framing selected in a MakeFramingChoice control.
actors::framing_kind SelectedFraming(const wxChoice* choice);

} // namespace client
