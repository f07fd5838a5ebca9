// log_writer_bench: B5, the log writer's sustained throughput to a file,
// beside the limit: one thread formatting the same lines and fwrite()ing them.
//
//   log_writer_bench [--records N] [--producers P] [--dir DIR]
//
// Both write N records of a 64-byte payload and finish with the data fsynced.
// Prints a Markdown table: records/s and MB/s (of log file written).

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/log_writer.hpp"
#include "actors/system_config.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct result {
  double seconds = 0;
  double bytes = 0;
};

double file_size(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? static_cast<double>(info.st_size) : 0;
}

const std::string payload(64, 'x');

result fwrite_loop(const std::string& path, long records) {
  auto start = clock_type::now();
  auto* file = std::fopen(path.c_str(), "w");
  std::string line;
  for (long i = 0; i < records; ++i) {
    line.clear();
    actors::append_log_line(line, actors::make_log_record("bench", actors::direction::in,
                                                          payload));
    std::fwrite(line.data(), 1, line.size(), file);
  }
  std::fflush(file);
  ::fsync(fileno(file));
  std::fclose(file);
  return {std::chrono::duration<double>(clock_type::now() - start).count(), file_size(path)};
}

// One producer: batches of 1000 records as requests, each after the last ack.
caf::behavior producer(caf::event_based_actor* self, actors::log_writer_actor writer, long count,
                       caf::actor done) {
  auto sent = std::make_shared<long>(0);
  auto next = std::make_shared<std::function<void()>>();
  *next = [=] {
    if (*sent >= count) {
      self->send(done, true);
      self->quit();
      return;
    }
    std::vector<actors::log_record> batch;
    for (int i = 0; i < 1000 && *sent < count; ++i, ++*sent)
      batch.push_back(actors::make_log_record("bench", actors::direction::in, payload));
    self->request(writer, caf::infinite, std::move(batch))
      .then([=](actors::log_ack_atom) { (*next)(); });
  };
  (*next)();
  return {[](caf::unit_t) {}};
}

result actor_writer(caf::actor_system& sys, const std::string& path, long records,
                    int producers) {
  caf::scoped_actor self{sys};
  actors::log_writer_options opts;
  opts.path = path;
  opts.max_file_size = 0;
  auto start = clock_type::now();
  auto writer = actors::spawn_log_writer(sys, opts);
  for (int i = 0; i < producers; ++i)
    sys.spawn(producer, writer, records / producers, caf::actor{self});
  for (int i = 0; i < producers; ++i)
    self->receive([](bool) {});
  self->request(writer, caf::infinite, actors::close_atom::value)
    .receive([](actors::log_ack_atom) {}, [](caf::error&) {});
  return {std::chrono::duration<double>(clock_type::now() - start).count(), file_size(path)};
}

void row(const char* name, long records, result r) {
  std::printf("| %s | %.0f | %.1f |\n", name, static_cast<double>(records) / r.seconds,
              r.bytes / r.seconds / 1e6);
}

} // namespace

int main(int argc, char** argv) {
  long records = 2'000'000;
  int producers = 4;
  std::string dir = "/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string name = argv[i];
    if (name == "--records")
      records = std::atol(argv[i + 1]);
    else if (name == "--producers")
      producers = std::atoi(argv[i + 1]);
    else if (name == "--dir")
      dir = argv[i + 1];
  }
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  auto path = dir + "/actors-log-bench-" + std::to_string(::getpid()) + ".log";
  auto limit = fwrite_loop(path, records);
  std::remove(path.c_str());
  auto ours = actor_writer(sys, path, records, producers);
  std::remove(path.c_str());
  std::printf("%ld records of a 64-byte payload, fsynced at the end\n\n", records);
  std::printf("| writer | records/s | MB/s |\n|---|---|---|\n");
  row("fwrite loop, one thread (the limit)", records, limit);
  std::string ours_name = "actors log writer, " + std::to_string(producers) + " producer actors";
  row(ours_name.c_str(), records, ours);
  std::printf("| spdlog async | not measured: Debian's libspdlog-dev is not installed | |\n");
  return 0;
}
