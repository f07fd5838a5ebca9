#pragma once

// View > Preferences: how much the traffic view keeps. Remembered with
// wxConfig ("Retention/Rows", "Retention/MiB").

#include <wx/dialog.h>

#include "traffic_view.hpp"

class wxSpinCtrl;

namespace client {

/// The retention remembered with wxConfig, or the defaults.
Retention RememberedRetention();

/// Remembers `retention` with wxConfig.
void RememberRetention(const Retention& retention);

/// What to remember after the dialog: `remembered`, with the limits the
/// user changed from those `shown` set to `chosen`. OK alone must not make
/// one run's --keep-rows the default of every later run.
Retention RetentionToRemember(Retention remembered, const Retention& shown,
                              const Retention& chosen);

/// Asks for the traffic view's retention limits.
class PreferencesDialog : public wxDialog {
public:
  PreferencesDialog(wxWindow* parent, const Retention& current);
  /// The choice; call after ShowModal() returned wxID_OK.
  Retention Result() const;

private:
  wxSpinCtrl* rows_;
  wxSpinCtrl* mib_;
};

} // namespace client
