// A connection's figures for the metrics registry (metrics.hpp).

#include <algorithm>
#include <chrono>
#include <string>

#include "connection_steps.hpp"

namespace actors::detail {

namespace {

const char* state_name(const connection_state& st) {
  if (st.closing())
    return "closing";
  if (!st.hdl)
    return st.host.empty() ? "closed" : "connecting";
  if (st.options.tls.enabled && !st.secured)
    return "handshaking";
  if (st.reading == read_state::peer_finished)
    return "peer finished";
  if (st.write_finished)
    return "finished";
  if (st.credit <= 0)
    return "waiting for credit";
  return "connected";
}

double seconds_since(std::chrono::steady_clock::time_point when) {
  // `when` may be a coarse reading, up to a tick past now (coarse_clock.hpp).
  auto since = std::chrono::steady_clock::now() - when;
  return std::chrono::duration<double>(std::max(since, decltype(since)::zero())).count();
}

// The figures the registry exports, in the order it exports them.
void add_exported_figures(actor_metrics& m, const connection_stats& stats, double queued_bytes,
                          double socket_reads, double socket_writes, double credit) {
  m.add("frames_received_total", metric_type::counter, stats.frames_in);
  m.add("bytes_received_total", metric_type::counter, stats.bytes_in);
  m.add("frames_sent_total", metric_type::counter, stats.frames_out);
  m.add("bytes_sent_total", metric_type::counter, stats.bytes_out);
  m.add("bytes_queued", metric_type::gauge, queued_bytes);
  m.add("socket_reads_total", metric_type::counter, socket_reads);
  m.add("socket_writes_total", metric_type::counter, socket_writes);
  m.add("read_credit", metric_type::gauge, credit);
}

} // namespace

actor_metrics connection_metrics(connection_broker* self) {
  auto& st = self->state;
  actor_metrics m;
  m.kind = "connection";
  m.id = st.stats.id;
  m.name = "conn " + std::to_string(st.stats.id) + " "
           + (st.peer.empty() ? st.host + ":" + std::to_string(st.port) : st.peer)
           + (st.tls_version.empty() ? "" : " " + st.tls_version);
  m.state = state_name(st);
  m.mailbox = self->mailbox().size();
  add_exported_figures(m, st.stats, st.queued_bytes, st.socket_reads, st.socket_writes,
                       st.credit > 0 ? st.credit : 0);
  m.add("seconds_since_read", metric_type::detail, seconds_since(st.last_read));
  m.add("seconds_since_write", metric_type::detail, seconds_since(st.last_write));
  return m;
}

actor_metrics connection_metrics_at_zero() {
  actor_metrics m;
  m.kind = "connection";
  add_exported_figures(m, connection_stats{}, 0, 0, 0, 0);
  return m;
}

} // namespace actors::detail
