#include "actors/metrics.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include <caf/actor_system.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

namespace actors {

double actor_metrics::value(const std::string& sample_name) const {
  for (auto& sample : samples)
    if (sample.name == sample_name)
      return sample.value;
  return 0;
}

std::string metric_help(const std::string& kind, const std::string& name) {
  static const std::map<std::pair<std::string, std::string>, std::string> help{
    {{"connection", "frames_received_total"}, "Frames connections delivered to their subscribers."},
    {{"connection", "bytes_received_total"}, "Bytes connections read from their sockets."},
    {{"connection", "frames_sent_total"}, "Frames connections took to send."},
    {{"connection", "bytes_sent_total"}, "Bytes, framing included, connections handed to their sockets."},
    {{"connection", "bytes_queued"}, "Bytes waiting to be written to the sockets."},
    {{"connection", "socket_reads_total"}, "Reads that gave connections bytes."},
    {{"connection", "socket_writes_total"}, "Times the sockets took bytes; the replies of an inline session's reads in one pass of the multiplexer go out in one write."},
    {{"connection", "read_credit"}, "Frames the subscribers still let the connections deliver."},
    {{"connection", "seconds_since_read"}, "Seconds since the connection last read."},
    {{"connection", "seconds_since_write"}, "Seconds since the connection last wrote."},
    {{"server", "accepted_total"}, "Peers the servers accepted."},
    {{"server", "refused_total"}, "Peers the servers refused (over max_connections, or no session)."},
    {{"server", "connections_open"}, "Connections the servers accepted that are still open."},
    {{"server", "accepts_per_second"}, "Peers accepted in the last whole second."},
    {{"ui_bridge", "events_received_total"}, "Events the UI bridges received."},
    {{"ui_bridge", "events_posted_total"}, "Events the UI bridges handed to the UI."},
    {{"ui_bridge", "events_dropped_total"}, "Events the UI bridges dropped past their mark."},
    {{"ui_bridge", "batches_posted_total"}, "Batches the UI bridges handed to the UI."},
    {{"ui_bridge", "ui_wait_seconds_total"}, "Seconds batches waited for the UI to take them."},
    {{"ui_bridge", "events_pending"}, "Events waiting for the next batch."},
    {{"ui_bridge", "events_in_flight"}, "Events in batches the UI has not taken yet."},
    {{"ui_bridge", "largest_batch"}, "The most events in one batch so far."},
    {{"ui_bridge", "throttled_connections"}, "Connections whose read credit the bridges withhold."},
    {{"udp", "datagrams_received_total"}, "Datagrams UDP endpoints delivered to their subscribers."},
    {{"udp", "bytes_received_total"}, "Payload bytes UDP endpoints delivered to their subscribers."},
    {{"udp", "datagrams_sent_total"}, "Datagrams UDP endpoints handed to their sockets."},
    {{"udp", "bytes_sent_total"}, "Payload bytes UDP endpoints handed to their sockets."},
    {{"udp", "datagrams_dropped_total"}, "Datagrams read while the subscriber had no credit, and dropped."},
    {{"udp", "datagrams_dropped_by_kernel_total"}, "Datagrams the kernel dropped for a full receive buffer (SO_RXQ_OVFL)."},
    {{"udp", "datagrams_too_large_total"}, "Datagrams received larger than max_datagram_size, and dropped."},
    {{"udp", "bytes_queued"}, "Payload bytes waiting for the UDP sockets."},
    {{"udp", "read_credit"}, "Datagrams the subscribers still let the UDP endpoints deliver."},
    {{"log_writer", "records_received_total"}, "Records the log writers received."},
    {{"log_writer", "records_written_total"}, "Records the log writers handed to the OS."},
    {{"log_writer", "records_dropped_total"}, "Records dropped because a backlog was full."},
    {{"log_writer", "bytes_written_total"}, "Bytes the log writers handed to the OS."},
    {{"log_writer", "rotations_total"}, "Log file rotations."},
    {{"log_writer", "failures_total"}, "Episodes of a log file that could not be written."},
    {{"log_writer", "backlog_bytes"}, "Bytes waiting in memory to be written."},
    {{"log_writer", "backlog_records"}, "Records waiting in memory to be written."},
  };
  auto i = help.find({kind, name});
  return i == help.end() ? std::string{} : i->second;
}

namespace {

std::string number(double value) {
  char text[64];
  if (value == static_cast<double>(static_cast<std::int64_t>(value)) && value < 9e15 && value > -9e15)
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(value));
  else
    std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

// One exported series: its type, its help and its sum.
struct series {
  metric_type type = metric_type::counter;
  double sum = 0;
};

void add_series(std::string& out, const std::string& kind, const std::string& name,
                const series& s, const std::string& help) {
  auto full = "actors_" + kind + "_" + name;
  out += "# HELP " + full + " " + (help.empty() ? name : help) + "\n";
  out += "# TYPE " + full + (s.type == metric_type::counter ? " counter\n" : " gauge\n");
  out += full + " " + number(s.sum) + "\n";
}

} // namespace

std::string render_prometheus(const metrics_snapshot& snapshot) {
  // Per kind, the series in the order their actors report them.
  struct kind_figures {
    std::vector<std::string> order;
    std::map<std::string, series> by_name;
    std::size_t actors = 0;
    double mailbox = 0;
  };
  std::map<std::string, kind_figures> kinds;
  auto add = [&](const actor_metrics& m, bool live) {
    auto& k = kinds[m.kind];
    if (live) {
      ++k.actors;
      k.mailbox += static_cast<double>(m.mailbox);
    }
    for (auto& sample : m.samples) {
      if (sample.type == metric_type::detail)
        continue;
      auto [i, fresh] = k.by_name.try_emplace(sample.name);
      if (fresh) {
        k.order.push_back(sample.name);
        i->second.type = sample.type;
      }
      i->second.sum += sample.value;
    }
  };
  for (auto& m : snapshot.actors)
    add(m, true);
  for (auto& m : snapshot.ended)
    add(m, false);
  std::string out;
  for (auto& [kind, k] : kinds) {
    add_series(out, kind, "actors", series{metric_type::gauge, static_cast<double>(k.actors)},
               "Live " + kind + " actors.");
    add_series(out, kind, "mailbox_messages", series{metric_type::gauge, k.mailbox},
               "Messages waiting in the mailboxes of the live " + kind + " actors.");
    for (auto& name : k.order)
      add_series(out, kind, name, k.by_name[name], metric_help(kind, name));
  }
  return out;
}

namespace {

// A collect under way: the answers so far, and who still owes one.
struct collect_job {
  std::function<void(metrics_snapshot&)> done;
  metrics_snapshot snapshot;
  std::vector<caf::actor_addr> answered;
  std::size_t pending = 0;
  std::uint64_t first_retirement = 0; // retirements from here on came during it
};

struct registry_state {
  std::map<caf::actor_addr, caf::actor> live;
  // Per kind, the summed counters of the actors that ended.
  std::map<std::string, actor_metrics> ended;
  // Who retired while collects were under way, numbered: an actor that
  // answered a collect and then retired is counted once, by its last
  // figures.
  std::vector<std::pair<std::uint64_t, caf::actor_addr>> retirements;
  std::uint64_t next_retirement = 0;
  std::size_t collects = 0;
  // The last Prometheus text and when it was made: scrapes within
  // text_max_age get it again, and scrapes while one is being made wait
  // for that one, so many or eager scrapers cost one collect per period.
  std::string text;
  std::chrono::steady_clock::time_point text_made;
  std::vector<caf::typed_response_promise<std::string>> text_waiting;

  static inline const char* name = "actors.metrics_registry";
};

// A broker without sockets: it runs on the network thread, as the
// connections it asks do, so a scrape never wakes CAF's worker threads
// (whose polling after a wake-up cost a busy echo server 20% under ten
// scrapes a second).
using registry_actor = caf::stateful_actor<registry_state, caf::io::broker>;

// Adds the counters of `last` to its kind's ended actors. Gauges are kept at
// 0, so their series stay exported (at 0) once the last actor of a kind has
// ended.
void add_ended(registry_state& st, const actor_metrics& last) {
  auto& sum = st.ended[last.kind];
  sum.kind = last.kind;
  sum.name = last.kind + " (ended)";
  for (auto& sample : last.samples) {
    if (sample.type == metric_type::detail)
      continue;
    auto value = sample.type == metric_type::counter ? sample.value : 0.0;
    auto i = std::find_if(sum.samples.begin(), sum.samples.end(),
                          [&](const metric_sample& s) { return s.name == sample.name; });
    if (i == sum.samples.end())
      sum.samples.push_back({sample.name, sample.type, value});
    else
      i->value += value;
  }
}

void retire(registry_actor* self, actor_metrics& last) {
  auto& st = self->state;
  auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
  if (st.live.erase(sender) > 0)
    self->demonitor(sender);
  if (st.collects > 0)
    st.retirements.emplace_back(st.next_retirement++, sender);
  add_ended(st, last);
}

void finish(registry_actor* self, const std::shared_ptr<collect_job>& job) {
  auto& st = self->state;
  // Actors that answered and then retired are in `ended` now: drop their
  // live answer, or they would count twice.
  std::set<caf::actor_addr> retired;
  for (auto& [number, addr] : st.retirements)
    if (number >= job->first_retirement)
      retired.insert(addr);
  auto& actors = job->snapshot.actors;
  std::vector<actor_metrics> kept;
  for (std::size_t i = 0; i < actors.size(); ++i)
    if (retired.count(job->answered[i]) == 0)
      kept.push_back(std::move(actors[i]));
  actors = std::move(kept);
  for (auto& entry : st.ended)
    job->snapshot.ended.push_back(entry.second);
  if (--st.collects == 0)
    st.retirements.clear();
  job->done(job->snapshot);
}

// Asks every live actor for its figures; calls `done` with them all (those
// that did not answer within a second left out).
void collect(registry_actor* self, std::function<void(metrics_snapshot&)> done) {
  auto& st = self->state;
  auto job = std::make_shared<collect_job>();
  job->done = std::move(done);
  job->pending = st.live.size();
  job->first_retirement = st.next_retirement;
  ++st.collects;
  if (job->pending == 0) {
    finish(self, job);
    return;
  }
  for (auto& [addr, handle] : st.live) {
    auto from = addr;
    self->request(handle, std::chrono::seconds{1}, metrics_atom_v)
      .then(
        [=](actor_metrics& m) {
          job->snapshot.actors.push_back(std::move(m));
          job->answered.push_back(from);
          if (--job->pending == 0)
            finish(self, job);
        },
        [=](caf::error&) {
          if (--job->pending == 0)
            finish(self, job);
        });
  }
}

// How old a Prometheus text may be when it is served again.
constexpr std::chrono::milliseconds text_max_age{100};

caf::typed_response_promise<std::string> prometheus_text(registry_actor* self) {
  auto& st = self->state;
  auto promise = self->make_response_promise<std::string>();
  auto now = std::chrono::steady_clock::now();
  if (!st.text.empty() && now - st.text_made < text_max_age) {
    promise.deliver(st.text);
    return promise;
  }
  st.text_waiting.push_back(promise);
  if (st.text_waiting.size() > 1)
    return promise; // a collect is under way: its text serves this one too
  collect(self, [=](metrics_snapshot& snapshot) {
    auto& st = self->state;
    st.text = render_prometheus(snapshot);
    st.text_made = std::chrono::steady_clock::now();
    for (auto& waiting : st.text_waiting)
      waiting.deliver(st.text);
    st.text_waiting.clear();
  });
  return promise;
}

caf::behavior registry(registry_actor* self) {
  self->set_down_handler([=](caf::down_msg& msg) { self->state.live.erase(msg.source); });
  return {
    [=](metrics_register_atom, caf::actor& who) {
      if (!who)
        return;
      self->monitor(who);
      self->state.live.emplace(who.address(), std::move(who));
    },
    [=](metrics_retire_atom, actor_metrics& last) { retire(self, last); },
    [=](metrics_declare_atom, actor_metrics& zero) {
      for (auto& sample : zero.samples)
        sample.value = 0; // declared, not counted
      add_ended(self->state, zero);
    },
    [=](metrics_collect_atom) {
      auto promise = self->make_response_promise<metrics_snapshot>();
      collect(self, [=](metrics_snapshot& snapshot) mutable {
        promise.deliver(std::move(snapshot));
      });
      return promise;
    },
    [=](metrics_prometheus_atom) { return prometheus_text(self); },
  };
}

} // namespace

caf::actor spawn_metrics_registry(caf::actor_system& system) {
  return system.middleman().spawn_broker(registry);
}

} // namespace actors
