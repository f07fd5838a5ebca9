#include "actors/log_writer.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <functional>
#include <memory>
#include <fstream>
#include <map>
#include <string>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/connection_protocol.hpp"
#include "actors/system_config.hpp"

using namespace actors;
using namespace std::chrono_literals;

namespace {

// A fresh directory under /tmp, removed with its files at the end.
struct temp_dir {
  std::string path;
  temp_dir() {
    char name[] = "/tmp/actors-log-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
  }
  ~temp_dir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in{path, std::ios::binary};
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

bool exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

// Sends `count` records as batch requests of `batch` records, each after the
// previous one was acknowledged: the lossless way to produce.
caf::behavior producer(caf::event_based_actor* self, log_writer_actor writer, int id,
                       int count, int batch, caf::actor done) {
  auto next = std::make_shared<int>(0);
  auto send_batch = std::make_shared<std::function<void()>>();
  *send_batch = [=] {
    if (*next == count) {
      self->send(done, id);
      self->quit();
      return;
    }
    std::vector<log_record> records;
    for (int i = 0; i < batch && *next < count; ++i, ++*next)
      records.push_back(make_log_record("p" + std::to_string(id), direction::out,
                                        std::to_string(*next)));
    self->request(writer, caf::infinite, std::move(records))
      .then([=](log_ack_atom) { (*send_batch)(); });
  };
  (*send_batch)();
  return {[](caf::unit_t) {}};
}

struct fixture {
  actors::system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  temp_dir dir;

  void close(const log_writer_actor& writer) {
    self->request(writer, 10s, close_atom::value)
      .receive([](log_ack_atom) {},
               [](caf::error& err) { FAIL("close failed: " << to_string(err)); });
  }

  void flush(const log_writer_actor& writer) {
    self->request(writer, 10s, log_flush_atom::value)
      .receive([](log_ack_atom) {},
               [](caf::error& err) { FAIL("flush failed: " << to_string(err)); });
  }

  log_stats stats(const log_writer_actor& writer) {
    log_stats result;
    self->request(writer, 5s, log_stats_atom::value)
      .receive([&](log_stats& st) { result = st; },
               [](caf::error& err) { FAIL(to_string(err)); });
    return result;
  }
};

} // namespace

TEST_CASE_METHOD(fixture, "a million records from 8 producers all reach the file, each in order") {
  constexpr int producers = 8;
  constexpr int per_producer = 125'000;
  log_writer_options opts;
  opts.path = dir.path + "/big.log";
  opts.max_file_size = 0;
  auto writer = spawn_log_writer(sys, opts);
  for (int id = 0; id < producers; ++id)
    sys.spawn(producer, writer, id, per_producer, 500, caf::actor{self});
  for (int i = 0; i < producers; ++i)
    self->receive([](int) {}, caf::after(60s) >> [] { FAIL("a producer stalled"); });
  close(writer);
  auto lines = read_lines(opts.path);
  REQUIRE(lines.size() == producers * per_producer);
  std::map<std::string, int> next;
  int out_of_order = 0;
  for (auto& line : lines) {
    auto record = parse_log_line(line);
    REQUIRE(record);
    if (std::stoi(record->payload) != next[record->source]++)
      ++out_of_order;
  }
  CHECK(out_of_order == 0);
  CHECK(next.size() == producers);
}

TEST_CASE_METHOD(fixture, "rotation keeps N files and never loses or splits a record") {
  log_writer_options opts;
  opts.path = dir.path + "/rot.log";
  opts.max_file_size = 16 * 1024;
  opts.keep_files = 20;
  opts.chunk_bytes = 4096;
  auto writer = spawn_log_writer(sys, opts);
  constexpr int count = 3000; // about 180 KB: a dozen files
  for (int i = 0; i < count; ++i)
    self->send(writer, make_log_record("rot", direction::event, std::to_string(i)));
  flush(writer);
  auto figures = stats(writer);
  close(writer);
  CHECK(exists(opts.path + ".5"));
  CHECK_FALSE(exists(opts.path + ".21"));
  // Oldest file first: PATH.N .. PATH.1, then PATH.
  std::vector<std::string> files;
  for (int i = 20; i >= 1; --i)
    if (exists(opts.path + "." + std::to_string(i)))
      files.push_back(opts.path + "." + std::to_string(i));
  files.push_back(opts.path);
  int expected = 0;
  for (auto& file : files) {
    struct stat info {};
    REQUIRE(::stat(file.c_str(), &info) == 0);
    CHECK(static_cast<std::size_t>(info.st_size) <= opts.max_file_size);
    for (auto& line : read_lines(file)) {
      auto record = parse_log_line(line);
      REQUIRE(record); // a split line would not parse
      CHECK(record->payload == std::to_string(expected++));
    }
  }
  CHECK(expected == count);
  // Every file but PATH came from a rotation (none was deleted: 20 kept).
  CHECK(figures.rotations == files.size() - 1);
  CHECK(figures.records_received == count);
  CHECK(figures.records_written == count);
}

TEST_CASE_METHOD(fixture, "a burst into a fast file drops nothing, and the figures add up") {
  // The file keeps up with any burst; a backlog of 4 MiB must not fill
  // because the file's 'done' waits behind the records queued meanwhile.
  log_writer_options opts;
  opts.path = dir.path + "/burst.log";
  opts.max_backlog_bytes = 4 * 1024 * 1024;
  opts.max_file_size = 0;
  auto writer = spawn_log_writer(sys, opts);
  constexpr int count = 300'000; // about 20 MB formatted
  for (int i = 0; i < count; ++i)
    self->send(writer, make_log_record("burst", direction::in, std::to_string(i)));
  flush(writer);
  auto figures = stats(writer);
  CHECK(figures.records_dropped == 0);
  CHECK(figures.records_received
        == figures.records_written + figures.records_dropped + figures.backlog_records);
  close(writer);
  CHECK(read_lines(opts.path).size() == count);
}

TEST_CASE_METHOD(fixture, "a FIFO is written to as it is, never rotated") {
  // Rotating renames the file: /dev/null or a FIFO would be moved away.
  auto path = dir.path + "/pipe.log";
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  std::size_t lines = 0;
  std::thread reader{[&] {
    std::ifstream in{path};
    for (std::string line; std::getline(in, line);)
      ++lines;
  }};
  log_writer_options opts;
  opts.path = path;
  opts.max_file_size = 4096; // a regular file would rotate many times
  auto writer = spawn_log_writer(sys, opts);
  for (int i = 0; i < 2000; ++i)
    self->send(writer, make_log_record("fifo", direction::event, std::to_string(i)));
  flush(writer);
  CHECK(stats(writer).rotations == 0);
  close(writer);
  reader.join();
  CHECK(lines == 2000);
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK(S_ISFIFO(info.st_mode));
  CHECK_FALSE(exists(path + ".1"));
}

TEST_CASE_METHOD(fixture, "rotation with keep_files 2 keeps exactly PATH, PATH.1 and PATH.2") {
  log_writer_options opts;
  opts.path = dir.path + "/keep.log";
  opts.max_file_size = 4096;
  opts.keep_files = 2;
  auto writer = spawn_log_writer(sys, opts);
  for (int i = 0; i < 2000; ++i)
    self->send(writer, make_log_record("keep", direction::event, std::to_string(i)));
  close(writer);
  CHECK(exists(opts.path));
  CHECK(exists(opts.path + ".1"));
  CHECK(exists(opts.path + ".2"));
  CHECK_FALSE(exists(opts.path + ".3"));
  // The newest records are in PATH: the last one is there.
  auto lines = read_lines(opts.path);
  REQUIRE_FALSE(lines.empty());
  CHECK(parse_log_line(lines.back())->payload == "1999");
}

TEST_CASE("describe_rotation says what the options do, for help texts") {
  log_writer_options opts; // the defaults, which the client's --help states
  CHECK(describe_rotation(opts, "FILE") == "rotated at 64 MiB: FILE.1 .. FILE.5 keep the older lines");
  opts.max_file_size = 4096;
  opts.keep_files = 1;
  CHECK(describe_rotation(opts, "a.log") == "rotated at 4096 bytes: a.log.1 keeps the older lines");
  opts.keep_files = 0;
  CHECK(describe_rotation(opts, "a.log") == "rotated at 4096 bytes: the older lines are not kept");
  opts.max_file_size = 0;
  CHECK(describe_rotation(opts, "a.log") == "never rotated");
}

TEST_CASE_METHOD(fixture, "flush answers once the records reached the OS") {
  log_writer_options opts;
  opts.path = dir.path + "/flush.log";
  opts.flush_interval = 1h; // only the flush can write
  auto writer = spawn_log_writer(sys, opts);
  self->send(writer, make_log_record("ui", direction::event, "first"));
  self->request(writer, 5s, log_flush_atom::value)
    .receive([](log_ack_atom) {}, [](caf::error& err) { FAIL(to_string(err)); });
  auto lines = read_lines(opts.path);
  REQUIRE(lines.size() == 1);
  CHECK(parse_log_line(lines[0])->payload == "first");
  close(writer);
}

TEST_CASE_METHOD(fixture, "a FIFO without a reader, or whose reader went away, is an error, not the process's end") {
  // Opening waited for a reader; writing after the reader left raised
  // SIGPIPE, which ended the whole process without a word.
  auto path = dir.path + "/pipe.log";
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  log_writer_options opts;
  opts.path = path;
  opts.flush_interval = 10ms;
  opts.retry_interval = 20ms;
  auto writer = spawn_log_writer(sys, opts);
  self->send(writer, log_subscribe_atom::value, caf::actor{self});
  auto next_error = [&] {
    log_error result;
    self->receive([&](log_error& err) { result = std::move(err); },
                  caf::after(5s) >> [] { FAIL("no log_error"); });
    return result;
  };
  auto unread = next_error();
  CHECK(unread.failure == log_failure::open_failed);
  CHECK_THAT(unread.message, Catch::EndsWith("(of a FIFO: no process reads it yet)"));
  int reader = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  self->send(writer, make_log_record("fifo", direction::event, "read"));
  self->receive([](const log_recovered&) {}, caf::after(5s) >> [] { FAIL("no recovery"); });
  char buf[256];
  CHECK(::read(reader, buf, sizeof(buf)) > 0);
  ::close(reader);
  self->send(writer, make_log_record("fifo", direction::event, "lost"));
  auto gone = next_error();
  CHECK(gone.failure == log_failure::write_failed);
  CHECK_THAT(gone.message, Catch::EndsWith("(the process that read it went away)"));
  CHECK(stats(writer).records_received == 2); // and this process still runs
  // "1 records could not be written": the close says so, and returns.
  self->request(writer, 10s, close_atom::value)
    .receive([](log_ack_atom) { FAIL("the close acknowledged a loss"); },
             [](caf::error& err) { CHECK_THAT(message_of(err), Catch::Contains("went away")); });
}

TEST_CASE_METHOD(fixture, "/dev/full gives one log_error and every other actor keeps answering") {
  log_writer_options opts;
  opts.path = "/dev/full";
  opts.flush_interval = 10ms;
  opts.retry_interval = 20ms;
  auto writer = spawn_log_writer(sys, opts);
  self->send(writer, log_subscribe_atom::value, caf::actor{self});
  auto echo = sys.spawn([]() -> caf::behavior { return {[](int x) { return x; }}; });
  for (int round = 0; round < 10; ++round) {
    self->send(writer, make_log_record("app", direction::event, "r" + std::to_string(round)));
    self->request(echo, 2s, round).receive([&](int x) { CHECK(x == round); },
                                           [](caf::error& err) { FAIL(to_string(err)); });
    // The writer answers in mailbox order: this reply means it has the record.
    CHECK(stats(writer).records_received == static_cast<std::uint64_t>(round) + 1);
  }
  int errors = 0;
  std::string message;
  bool more = true;
  while (more)
    self->receive(
      [&](const log_error& err) {
        ++errors;
        message = err.message;
        CHECK(err.failure == log_failure::write_failed);
      },
      // Part of the scenario, not a synchronization: retries run every 20 ms,
      // so 300 ms without a further log_error spans a dozen failed retries.
      caf::after(300ms) >> [&] { more = false; });
  CHECK(errors == 1);
  CHECK_THAT(message, Catch::Contains("cannot write /dev/full")
                        && Catch::Contains("No space left"));
  CHECK(stats(writer).failures == 1);
  // The close returns although the data can never be written, and says so.
  std::string failure;
  self->request(writer, 10s, close_atom::value)
    .receive([](log_ack_atom) { FAIL("the close acknowledged a loss"); },
             [&](caf::error& err) { failure = message_of(err); });
  CHECK(failure == "10 records could not be written: " + message);
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(fixture, "a missing directory is one open error, writing resumes once it exists, drops reported") {
  log_writer_options opts;
  opts.path = dir.path + "/later/app.log";
  opts.retry_interval = 20ms;
  opts.flush_interval = 10ms;
  opts.max_backlog_bytes = 4096;
  auto writer = spawn_log_writer(sys, opts);
  self->send(writer, log_subscribe_atom::value, caf::actor{self});
  self->receive(
    [&](const log_error& err) {
      CHECK(err.failure == log_failure::open_failed);
      CHECK_THAT(err.message, Catch::Contains("No such file or directory"));
    },
    caf::after(5s) >> [] { FAIL("no log_error"); });
  constexpr int sent = 500; // ~30 KB: far past the 4 KiB backlog
  for (int i = 0; i < sent; ++i)
    self->send(writer, make_log_record("app", direction::event, std::to_string(i)));
  auto during = stats(writer);
  CHECK(during.backlog_bytes <= opts.max_backlog_bytes + 256);
  CHECK(during.records_dropped > 0);
  REQUIRE(::mkdir((dir.path + "/later").c_str(), 0755) == 0);
  bool recovered = false;
  std::uint64_t dropped = 0;
  while (!recovered || dropped == 0)
    self->receive([&](const log_recovered&) { recovered = true; },
                  [&](const log_dropped& d) { dropped += d.count; },
                  [&](const log_error&) { FAIL("a second log_error"); },
                  caf::after(5s) >> [&] {
                    FAIL("no recovery: recovered=" << recovered << " dropped=" << dropped);
                  });
  close(writer);
  auto lines = read_lines(opts.path);
  std::uint64_t kept = 0;
  bool drop_record = false;
  for (auto& line : lines) {
    auto record = parse_log_line(line);
    REQUIRE(record);
    if (record->source == "log_writer")
      drop_record = record->payload.find(std::to_string(dropped) + " records dropped") == 0;
    else
      ++kept;
  }
  CHECK(drop_record);
  CHECK(dropped == during.records_dropped);
  CHECK(kept + dropped == sent);
}

TEST_CASE_METHOD(fixture, "during a failure a batch that finds no room is answered with an error, not held forever") {
  log_writer_options opts;
  opts.path = dir.path + "/later/app.log";
  opts.retry_interval = 20ms;
  opts.flush_interval = 10ms;
  opts.max_backlog_bytes = 4096;
  auto writer = spawn_log_writer(sys, opts);
  self->send(writer, log_subscribe_atom::value, caf::actor{self});
  self->receive([&](const log_error&) {}, caf::after(5s) >> [] { FAIL("no log_error"); });
  // Batches of 20 records (~1.2 KB each) until one no longer fits: every
  // answer comes at once, an ack while there was room, then an error.
  int sent = 0, acked = 0, refused = 0;
  std::string why;
  auto why_kind = error_kind::none;
  for (int batch = 0; batch < 20; ++batch) {
    std::vector<log_record> records;
    for (int i = 0; i < 20; ++i, ++sent)
      records.push_back(make_log_record("app", direction::event, std::to_string(sent)));
    self->request(writer, 2s, std::move(records))
      .receive([&](log_ack_atom) { ++acked; },
               [&](caf::error& err) {
                 ++refused;
                 why_kind = kind_of(err);
                 why = message_of(err);
               });
  }
  CHECK(acked > 0);
  CHECK(refused > 0);
  CHECK(acked + refused == 20);
  CHECK(why_kind == error_kind::io_failure);
  CHECK_THAT(why, Catch::Contains("the log file is failing: 20 records dropped"));
  CHECK(stats(writer).records_dropped == static_cast<std::uint64_t>(refused) * 20);
  // Once the file works, the drops are reported and written like any others.
  REQUIRE(::mkdir((dir.path + "/later").c_str(), 0755) == 0);
  std::uint64_t dropped = 0;
  while (dropped == 0)
    self->receive([&](const log_dropped& d) { dropped += d.count; },
                  [&](const log_recovered&) {},
                  caf::after(5s) >> [] { FAIL("no log_dropped"); });
  CHECK(dropped == static_cast<std::uint64_t>(refused) * 20);
  close(writer);
  std::uint64_t kept = 0;
  for (auto& line : read_lines(opts.path)) {
    auto record = parse_log_line(line);
    REQUIRE(record);
    if (record->source == "app")
      ++kept;
  }
  CHECK(kept + dropped == static_cast<std::uint64_t>(sent));
}

TEST_CASE_METHOD(fixture, "a subscriber that arrives during a failure is told at once") {
  log_writer_options opts;
  opts.path = dir.path + "/missing/app.log";
  opts.retry_interval = 20ms;
  auto writer = spawn_log_writer(sys, opts);
  // Nothing tells a non-subscriber that a failure began (that is what this
  // test is about), so poll the stats, bounded at 5 s.
  for (int i = 0; i < 500 && stats(writer).failures == 0; ++i)
    std::this_thread::sleep_for(10ms);
  REQUIRE(stats(writer).failures == 1);
  self->send(writer, log_subscribe_atom::value, caf::actor{self});
  int errors = 0;
  bool more = true;
  while (more)
    self->receive(
      [&](const log_error& err) {
        ++errors;
        CHECK(err.failure == log_failure::open_failed);
        CHECK_THAT(err.message, Catch::Contains("cannot open " + opts.path));
      },
      caf::after(200ms) >> [&] { more = false; });
  CHECK(errors == 1);
  close(writer);
}

TEST_CASE_METHOD(fixture, "a close while the file fails names the records it could not write") {
  log_writer_options opts;
  opts.path = dir.path + "/missing/app.log";
  opts.retry_interval = 20ms;
  auto writer = spawn_log_writer(sys, opts);
  for (int i = 0; i < 25; ++i)
    self->send(writer, make_log_record("x", direction::in, std::to_string(i)));
  for (int i = 0; i < 500 && stats(writer).failures == 0; ++i)
    std::this_thread::sleep_for(10ms);
  REQUIRE(stats(writer).failures == 1);
  // The last attempt fails too: the close says so instead of a quiet ack.
  std::string failure;
  self->request(writer, 10s, close_atom::value)
    .receive([](log_ack_atom) { FAIL("the close acknowledged a loss"); },
             [&](caf::error& err) { failure = message_of(err); });
  CHECK_THAT(failure, Catch::StartsWith("25 records could not be written: cannot open "
                                        + opts.path));
}

TEST_CASE_METHOD(fixture, "an exit message writes everything sent before it") {
  log_writer_options opts;
  opts.path = dir.path + "/exit.log";
  auto writer = spawn_log_writer(sys, opts);
  for (int i = 0; i < 10'000; ++i)
    self->send(writer, make_log_record("x", direction::in, std::to_string(i)));
  self->send_exit(writer, caf::exit_reason::user_shutdown);
  self->wait_for(writer);
  auto lines = read_lines(opts.path);
  REQUIRE(lines.size() == 10'000);
  CHECK(parse_log_line(lines.back())->payload == "9999");
}
