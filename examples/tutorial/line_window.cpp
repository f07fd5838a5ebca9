// The tutorial's app (docs/tutorial.md): a line-protocol client in a wx window.
//
//   line_window HOST PORT
//
// Lines typed at the bottom are sent; lines received appear in the list.
// Every snippet in docs/tutorial.md is cut from this file.

#include <iostream>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <wx/wx.h>

#include "actors/connection.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/system_config.hpp"
#include "actors/ui_bridge.hpp"
#include "actors/ui_protocol.hpp"

// [step 1: the sink]
// The one place where actor events cross into the UI thread.
wxDEFINE_EVENT(EVT_BATCH, wxThreadEvent);

class WindowSink : public actors::ui_sink {
public:
  explicit WindowSink(wxEvtHandler* target) : target_(target) {}

  // Called on an actor's thread: wxQueueEvent is thread-safe.
  void post(actors::ui_batch batch) override {
    auto* event = new wxThreadEvent(EVT_BATCH);
    event->SetPayload(std::move(batch));
    wxQueueEvent(target_, event);
  }

private:
  wxEvtHandler* target_;
};
// [end]

// [step 2: the window]
class LineWindow : public wxFrame {
public:
  LineWindow(caf::actor bridge, caf::actor connection)
    : wxFrame(nullptr, wxID_ANY, "line window"),
      bridge_(std::move(bridge)), connection_(std::move(connection)) {
    lines_ = new wxListBox(this, wxID_ANY);
    input_ = new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize,
                            wxTE_PROCESS_ENTER);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(lines_, 1, wxEXPAND);
    sizer->Add(input_, 0, wxEXPAND);
    SetSizer(sizer);
    input_->Bind(wxEVT_TEXT_ENTER, &LineWindow::OnEnter, this);
  }

  // Applies a batch on the UI thread, then acknowledges it: only then does
  // the bridge post the next one.
  void Apply(const actors::ui_batch& batch) {
    for (auto& event : batch.events) {
      if (event.kind == actors::ui_event_kind::frame)
        lines_->Append(wxString::FromUTF8(event.payload));
      else if (!event.message.empty())
        lines_->Append("* " + wxString::FromUTF8(event.message));
    }
    caf::anon_send(bridge_, actors::ui_ack_atom::value, batch.sequence);
  }

private:
  // Never blocks: the command goes to the connection actor as a message.
  void OnEnter(wxCommandEvent&) {
    caf::anon_send(connection_, actors::send_atom::value,
                   input_->GetValue().ToStdString(wxConvUTF8));
    input_->Clear();
  }

  caf::actor bridge_;
  caf::actor connection_;
  wxListBox* lines_;
  wxTextCtrl* input_;
};
// [end]

// [step 3: the app]
class LineApp : public wxApp {
public:
  bool OnInit() override {
    if (argc != 3) {
      std::cerr << "usage: line_window HOST PORT\n";
      return false;
    }
    long port = 0;
    if (!argv[2].ToLong(&port) || port < 1 || port > 65535) {
      std::cerr << "error: PORT must be a number from 1 to 65535\n";
      return false;
    }
    system_ = std::make_unique<caf::actor_system>(config_);
    auto bridge = actors::spawn_ui_bridge(*system_, std::make_shared<WindowSink>(this));
    // The bridge is the connection's subscriber: it turns connection events
    // into UI events and manages the connection's read credit.
    auto connection = actors::connect(*system_, argv[1].ToStdString(),
                                      static_cast<std::uint16_t>(port), bridge);
    auto* window = new LineWindow(bridge, connection);
    Bind(EVT_BATCH, [window](wxThreadEvent& event) {
      window->Apply(event.GetPayload<actors::ui_batch>());
    });
    window->Show();
    bridge_ = bridge;
    connection_ = connection;
    return true;
  }

  int OnExit() override {
    caf::anon_send(connection_, actors::abort_atom::value);
    caf::anon_send(bridge_, actors::close_atom::value);
    system_.reset(); // waits until every actor is done
    return wxApp::OnExit();
  }

private:
  actors::system_config config_;
  std::unique_ptr<caf::actor_system> system_;
  caf::actor bridge_;
  caf::actor connection_;
};

wxIMPLEMENT_APP(LineApp);
// [end]
