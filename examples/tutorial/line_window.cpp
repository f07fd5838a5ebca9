// The tutorial's app (docs/tutorial.md): a line-protocol client in a wx window.
//
//   line_window HOST PORT
//
// Lines typed at the bottom are sent; lines received appear in the list.
// Every snippet in docs/tutorial.md is cut from this file.

// [includes]
#include <cstdlib>
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
#include "actors/wx/batch_receiver.hpp"
#include "actors/wx/ui_sink.hpp"
// [end]

// [step 2: the window]
class LineWindow : public wxFrame {
public:
  // Batches come from `sink`; `batches_` applies each with Apply and then
  // acknowledges it to `bridge`, so the bridge may post the next one.
  LineWindow(const actors::wx::ui_sink& sink, caf::actor bridge,
             actors::connection_actor connection)
    : wxFrame(nullptr, wxID_ANY, "line window"), connection_(std::move(connection)),
      batches_(sink, std::move(bridge), [this](const actors::ui_batch& batch) { Apply(batch); }) {
    lines_ = new wxListBox(this, wxID_ANY);
    input_ = new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize,
                            wxTE_PROCESS_ENTER);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(lines_, 1, wxEXPAND);
    sizer->Add(input_, 0, wxEXPAND);
    SetSizer(sizer);
    input_->Bind(wxEVT_TEXT_ENTER, &LineWindow::OnEnter, this);
    SetSize(FromDIP(wxSize(640, 400)));
    input_->SetFocus(); // what the user types goes to the server
  }

private:
  // Called on the UI thread with one batch: values only, already ours.
  void Apply(const actors::ui_batch& batch) {
    for (auto& event : batch.events) {
      if (event.kind == actors::ui_event_kind::frame)
        lines_->Append(wxString::FromUTF8(event.payload));
      else if (event.kind == actors::ui_event_kind::disconnected && event.message == last_error_)
        continue; // a failure comes as an error, then as the end it caused
      else if (!event.message.empty())
        lines_->Append("* " + wxString::FromUTF8(event.message));
      if (event.kind == actors::ui_event_kind::error)
        last_error_ = event.message;
    }
  }

  // Never blocks: the command goes to the connection actor as a message.
  void OnEnter(wxCommandEvent&) {
    caf::anon_send(connection_, actors::send_atom::value,
                   input_->GetValue().ToStdString(wxConvUTF8));
    input_->Clear();
  }

  actors::connection_actor connection_;
  actors::wx::batch_receiver batches_;
  wxListBox* lines_;
  wxTextCtrl* input_;
  std::string last_error_;
};
// [end]

// [step 3: the app]
class LineApp : public wxApp {
public:
  // The command line is read before wx opens the display, so --help and
  // a mistyped port are answered on a terminal without one.
  bool Initialize(int& argc, wxChar** argv) override {
    const char* usage = "usage: line_window HOST PORT\n";
    if (argc == 2 && (wxString{argv[1]} == "--help" || wxString{argv[1]} == "-h")) {
      std::cout << usage;
      std::exit(0);
    }
    if (argc != 3) {
      std::cerr << usage;
      std::exit(2);
    }
    if (!wxString{argv[2]}.ToLong(&port_) || port_ < 1 || port_ > 65535) {
      std::cerr << "error: PORT must be a number from 1 to 65535\n" << usage;
      std::exit(2);
    }
    host_ = wxString{argv[1]}.ToStdString();
    return wxApp::Initialize(argc, argv);
  }

  bool OnInit() override {
    // The actors' threads yield to the window's when the cores are busy,
    // and sleep when there is nothing to do.
    config_.lower_thread_priority().relax_idle_workers();
    system_ = std::make_unique<caf::actor_system>(config_);
    // The sink posts to the app, which outlives the bridge (the window may
    // close first); the window's batch_receiver picks the batches up there.
    auto sink = std::make_shared<actors::wx::ui_sink>(*this);
    auto bridge = actors::spawn_ui_bridge(*system_, sink);
    // The bridge is the connection's subscriber: it turns connection events
    // into UI events and manages the connection's read credit.
    auto connection = actors::connect(*system_, host_, static_cast<std::uint16_t>(port_),
                                      bridge);
    auto* window = new LineWindow(*sink, bridge, connection);
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
  std::string host_;
  long port_ = 0;
  actors::system_config config_;
  std::unique_ptr<caf::actor_system> system_;
  caf::actor bridge_;
  actors::connection_actor connection_;
};

wxIMPLEMENT_APP(LineApp);
// [end]
