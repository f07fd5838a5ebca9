#pragma once

// GDK's frame synchronisation, off where no window manager runs.

class wxTopLevelWindow;

namespace client {

/// Turns GDK's frame synchronisation off for the shown `window` when the X
/// server runs no window manager (Xvfb, a kiosk, a bare VNC session); true
/// if it did. Frame sync paces frames with a compositing window manager.
/// Without one, GDK still asks the X server after every frame whether a
/// window manager supports it, and waits for the answer: for the X server
/// to finish drawing. Under a flood that wait was the longest part of some
/// frames. Does nothing under Wayland, with a window manager, or for a
/// window not yet shown.
bool SkipFrameSyncWithoutWindowManager(wxTopLevelWindow& window);

} // namespace client
