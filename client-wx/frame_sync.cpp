#include "frame_sync.hpp"

#include <cstring>

#include <wx/toplevel.h>
#include <wx/utils.h>

#include "gtk_symbols.hpp"

namespace client {

bool SkipFrameSyncWithoutWindowManager(wxTopLevelWindow& window) {
  if (wxGetDisplayInfo().type != wxDisplayX11)
    return false;
  auto* gdk_window_of = gtk_function<void*(void*)>("gtk_widget_get_window");
  auto* default_screen = gtk_function<void*()>("gdk_screen_get_default");
  auto* manager_name = gtk_function<const char*(void*)>("gdk_x11_screen_get_window_manager_name");
  auto* set_frame_sync = gtk_function<void(void*, int)>("gdk_x11_window_set_frame_sync_enabled");
  if (!gdk_window_of || !default_screen || !manager_name || !set_frame_sync)
    return false;
  void* gdk_window = gdk_window_of(window.GetHandle());
  void* screen = default_screen();
  if (gdk_window == nullptr || screen == nullptr)
    return false;
  const char* name = manager_name(screen); // "unknown" when none runs
  if (name == nullptr || std::strcmp(name, "unknown") != 0)
    return false;
  set_frame_sync(gdk_window, 0);
  return true;
}

} // namespace client
