#pragma once

// --log FILE for the examples: a log writer that records every frame in and
// out of every connection, and closing it so the file is complete on exit.

#include <iostream>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/command_line.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/log_writer.hpp"

namespace examples {

/// Prints the log writer's events to stderr; ends with the writer.
inline caf::behavior log_reporter(caf::event_based_actor* self,
                                  actors::log_writer_actor writer) {
  self->send(writer, actors::log_subscribe_atom::value, caf::actor{self});
  self->monitor(writer);
  self->set_down_handler([=](caf::down_msg&) { self->quit(); });
  return {
    // The server serves on: say so, or a user takes the line for a refusal.
    [](const actors::log_error& err) {
      std::cerr << "log: " + err.message + " (serving on; records wait, trying again each second)\n";
    },
    [](const actors::log_recovered& ok) {
      std::cerr << "log: writing " + ok.path + " again\n";
    },
    [](const actors::log_dropped& dropped) {
      std::cerr << "log: " + std::to_string(dropped.count) + " records dropped (disk too slow)\n";
    },
  };
}

/// A log writer for `--log FILE`, or an invalid handle without the option.
/// Its errors (cannot open, disk full) go to stderr; the program keeps
/// working without the log. It registers with `metrics`, if given.
inline actors::log_writer_actor start_log(caf::actor_system& sys,
                                          const actors::command_line& args,
                                          caf::actor metrics = {}) {
  if (!args.has("log"))
    return {};
  actors::log_writer_options opts;
  opts.path = args.get("log", "");
  opts.metrics = std::move(metrics);
  auto writer = actors::spawn_log_writer(sys, opts);
  sys.spawn(log_reporter, writer);
  return writer;
}

/// Closes the log writer (if any) and waits until every record sent before
/// is in the file and fsynced. False (and said on stderr) if some could not
/// be written: a program's exit status then says its log is incomplete.
inline bool close_log(caf::actor_system& sys, const actors::log_writer_actor& writer) {
  if (!writer)
    return true;
  caf::scoped_actor self{sys};
  bool complete = true;
  self->request(writer, caf::infinite, actors::close_atom::value)
    .receive([](actors::log_ack_atom) {},
             [&complete](caf::error& err) {
               std::cerr << "log: " + actors::message_of(err) + "\n";
               complete = false;
             });
  return complete;
}

} // namespace examples
