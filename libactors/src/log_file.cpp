#include "log_file.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <caf/message_priority.hpp>

namespace actors::detail {

namespace {

std::string system_error_text(int code) {
  // What a FIFO's errors mean for a log.
  std::string text = std::strerror(code);
  if (code == ENXIO)
    return text + " (of a FIFO: no process reads it yet)";
  if (code == EPIPE)
    return text + " (the process that read it went away)";
  return text;
}

std::string rotated_name(const std::string& path, std::size_t index) {
  return path + "." + std::to_string(index);
}

// Opens (or creates) the file for appending; returns 0 or an errno value.
int open_file(log_file_state& st) {
  // Without O_NONBLOCK, opening a FIFO that no one reads waits for a
  // reader, and this thread could not even be stopped; with it, the open
  // fails (ENXIO) and is retried like any other.
  st.fd = ::open(st.options.path.c_str(),
                 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0644);
  if (st.fd < 0)
    return errno;
  // Writes wait for a slow reader, as they wait for a slow disk.
  ::fcntl(st.fd, F_SETFL, ::fcntl(st.fd, F_GETFL) & ~O_NONBLOCK);
  struct stat info {};
  bool known = ::fstat(st.fd, &info) == 0;
  st.size = known ? static_cast<std::size_t>(info.st_size) : 0;
  // Only a regular file rotates: renaming /dev/null, /dev/stdout or a FIFO
  // would move the device or pipe itself (as root, /dev/null became a
  // plain file), and they have no size to bound.
  st.rotates = known && S_ISREG(info.st_mode);
  return 0;
}

void close_file(log_file_state& st) {
  if (st.fd >= 0)
    ::close(st.fd);
  st.fd = -1;
}

// PATH.(k) -> PATH.(k+1) for the kept files, PATH -> PATH.1, then a fresh
// PATH. Returns 0 or an errno value.
int rotate(log_file_state& st) {
  close_file(st);
  auto& path = st.options.path;
  auto keep = st.options.keep_files;
  if (keep == 0) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return errno;
  } else {
    for (auto i = keep; i > 1; --i)
      if (::rename(rotated_name(path, i - 1).c_str(), rotated_name(path, i).c_str()) != 0
          && errno != ENOENT)
        return errno;
    if (::rename(path.c_str(), rotated_name(path, 1).c_str()) != 0 && errno != ENOENT)
      return errno;
  }
  return open_file(st);
}

// Writes all of `data`; returns the bytes written and 0 or an errno value.
std::pair<std::size_t, int> write_all(int fd, std::string_view data) {
  // A FIFO or pipe whose reader went away raises SIGPIPE, whose default
  // ends the whole process without a word. Blocked in this thread, the
  // write fails with EPIPE instead, and the signal is taken back.
  sigset_t pipe_signal;
  sigset_t before;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &before);
  std::size_t done = 0;
  int code = 0;
  while (done < data.size()) {
    auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      code = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (code == EPIPE && !sigismember(&before, SIGPIPE)) {
    timespec none{};
    sigtimedwait(&pipe_signal, nullptr, &none);
  }
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  return {done, code};
}

// How much of `data` goes into the current file: everything if it fits,
// else up to the last whole line that fits, else (a fresh file too small
// for one line) the first line.
std::size_t portion_for_file(const log_file_state& st, std::string_view data) {
  auto limit = st.options.max_file_size;
  if (limit == 0 || !st.rotates || st.size + data.size() <= limit)
    return data.size();
  auto room = limit > st.size ? limit - st.size : 0;
  auto cut = room == 0 ? std::string_view::npos : data.rfind('\n', room - 1);
  if (cut != std::string_view::npos)
    return cut + 1;
  if (st.size > 0)
    return 0; // rotate first
  auto first = data.find('\n');
  return first == std::string_view::npos ? data.size() : first + 1;
}

void report(log_file_actor* self, log_failure failure, int code) {
  auto& st = self->state;
  if (st.failing)
    return; // one event per failure episode
  st.failing = true;
  std::string what = failure == log_failure::open_failed ? "cannot open "
                     : failure == log_failure::rotate_failed ? "cannot rotate "
                                                             : "cannot write ";
  self->send(st.front, log_error{failure, st.options.path,
                                 what + st.options.path + ": "
                                   + system_error_text(code)});
}

// Writes as much of the pending chunk as possible; true when all is written.
bool drain(log_file_actor* self) {
  auto& st = self->state;
  std::string_view rest{st.pending};
  rest.remove_prefix(st.pending_bytes);
  while (!rest.empty()) {
    if (st.fd < 0) {
      if (auto code = open_file(st)) {
        report(self, log_failure::open_failed, code);
        return false;
      }
    }
    auto portion = portion_for_file(st, rest);
    if (portion == 0) {
      if (auto code = rotate(st)) {
        report(self, log_failure::rotate_failed, code);
        return false;
      }
      ++st.rotations;
      continue;
    }
    auto [written, code] = write_all(st.fd, rest.substr(0, portion));
    st.size += written;
    st.pending_bytes += written;
    rest.remove_prefix(written);
    if (code != 0) {
      // Start the next attempt on a fresh descriptor.
      close_file(st);
      report(self, log_failure::write_failed, code);
      return false;
    }
  }
  return true;
}

void write_pending(log_file_actor* self) {
  auto& st = self->state;
  if (!drain(self)) {
    if (!st.retry_scheduled) {
      st.retry_scheduled = true;
      self->delayed_send(self, st.options.retry_interval, retry_write_atom::value);
    }
    return;
  }
  if (st.failing) {
    st.failing = false;
    self->send(st.front, log_recovered{st.options.path});
  }
  self->send<caf::message_priority::high>(st.front, chunk_done_atom::value,
                                          static_cast<std::uint64_t>(st.pending.size()),
                                          st.pending_records, std::exchange(st.rotations, 0));
  st.pending.clear();
  st.pending_bytes = 0;
  st.pending_records = 0;
}

} // namespace

log_file_state::~log_file_state() {
  if (fd >= 0)
    ::close(fd);
}

caf::behavior log_file(log_file_actor* self, caf::actor front,
                       log_writer_options options) {
  self->state.front = std::move(front);
  self->state.options = std::move(options);
  // Open at once, so a bad path is reported before the first record.
  if (auto code = open_file(self->state))
    report(self, log_failure::open_failed, code);
  return {
    [=](write_chunk_atom, std::string& chunk, std::uint64_t records) {
      auto& st = self->state;
      st.pending = std::move(chunk);
      st.pending_records = records;
      st.pending_bytes = 0;
      write_pending(self);
    },
    [=](retry_write_atom) {
      self->state.retry_scheduled = false;
      if (!self->state.pending.empty())
        write_pending(self);
    },
    [=](sync_close_atom, std::string& rest) {
      auto& st = self->state;
      // One last attempt for anything still pending, then make it durable.
      st.pending += rest;
      if (st.pending_bytes < st.pending.size())
        drain(self);
      if (st.fd >= 0)
        ::fsync(st.fd);
      close_file(st);
      // What the last attempt could not write: whole lines, one per record
      // (a line written in part counts as lost).
      auto unwritten = std::string_view{st.pending}.substr(
        std::min(st.pending_bytes, st.pending.size()));
      auto lost = static_cast<std::uint64_t>(std::count(unwritten.begin(), unwritten.end(), '\n'));
      self->quit();
      return caf::make_message(sync_close_atom::value, lost);
    },
  };
}

} // namespace actors::detail
