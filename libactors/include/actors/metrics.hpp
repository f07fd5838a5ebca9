#pragma once

// Live figures from every actor of ours, gathered by a registry actor and
// rendered in the Prometheus text format (0.0.4). An actor that is given a
// registry (`connection_options::metrics`, `log_writer_options::metrics`,
// `ui_bridge_options::metrics`) registers itself, answers `metrics_atom`
// with an `actor_metrics` built from its counters (kept as it works: no
// locks, no extra thread), and hands the registry its last counters when it
// ends, so totals never go down. The registry monitors what registered:
// an actor that dies without saying goodbye cannot leave a ghost.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>

namespace actors {

/// How a figure behaves, as Prometheus knows it.
enum class metric_type : std::uint8_t {
  /// Only grows (frames received): summed over the actors of a kind, ended
  /// ones included.
  counter,
  /// Goes up and down (bytes queued): summed over the live actors.
  gauge,
  /// A figure of one actor that means nothing summed (seconds since the
  /// last read): shown per actor (the client's inspector), not exported.
  detail,
};

/// One figure.
struct metric_sample {
  /// Its name within its kind, e.g. "frames_received_total"; exported as
  /// "actors_<kind>_<name>".
  std::string name;
  /// How it behaves.
  metric_type type = metric_type::counter;
  /// Its value when the actor answered.
  double value = 0;
};

/// What one actor says about itself.
struct actor_metrics {
  /// "connection", "server", "ui_bridge", "log_writer".
  std::string kind;
  /// Which one, for people: "conn 5 127.0.0.1:4242", "server 127.0.0.1:7000".
  std::string name;
  /// The actor's id; a connection's or UDP endpoint's is its connection id
  /// (numbered apart: tell rows apart by kind and id).
  std::uint64_t id = 0;
  /// One word for where it stands: "connected", "listening", "writing"...
  std::string state;
  /// Messages waiting in its mailbox when it answered.
  std::uint64_t mailbox = 0;
  /// Its figures.
  std::vector<metric_sample> samples;

  /// The value of sample `name`, or 0.
  double value(const std::string& sample_name) const;

  /// Adds a sample: `name` within the kind, how it behaves, its value.
  template <class Number>
  void add(std::string sample_name, metric_type type, Number number) {
    samples.push_back({std::move(sample_name), type, static_cast<double>(number)});
  }
};

/// Every live actor's figures, and per kind the counters of the ended ones.
struct metrics_snapshot {
  /// One entry per live actor.
  std::vector<actor_metrics> actors;
  /// One entry per kind: the counters of its actors that ended (and its
  /// gauges at 0, so their series stay).
  std::vector<actor_metrics> ended;
};

/// Makes `metric_sample` inspectable.
/// @relates metric_sample
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metric_sample& x) {
  return f(caf::meta::type_name("metric_sample"), x.name, x.type, x.value);
}

/// Makes `actor_metrics` inspectable.
/// @relates actor_metrics
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_metrics& x) {
  return f(caf::meta::type_name("actor_metrics"), x.kind, x.name, x.id, x.state, x.mailbox,
           x.samples);
}

/// Makes `metrics_snapshot` inspectable.
/// @relates metrics_snapshot
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metrics_snapshot& x) {
  return f(caf::meta::type_name("metrics_snapshot"), x.actors, x.ended);
}

/// The help line of a figure, by kind and name (empty if unknown).
std::string metric_help(const std::string& kind, const std::string& name);

/// `snapshot` in the Prometheus text exposition format 0.0.4: per kind and
/// figure one series, `actors_<kind>_<name>`, with # HELP and # TYPE, plus
/// `actors_<kind>_actors` (live actors) and `actors_<kind>_mailbox_messages`
/// (their mailboxes together). Details are left out.
std::string render_prometheus(const metrics_snapshot& snapshot);

/// Spawns a registry. Send it `metrics_register_atom, caf::actor` from an
/// actor to register it, `metrics_retire_atom, actor_metrics` when it ends,
/// and `metrics_declare_atom, actor_metrics` for series that should be
/// exported (at 0) before any actor of their kind exists;
/// ask it `metrics_collect_atom` (-> metrics_snapshot) or
/// `metrics_prometheus_atom` (-> std::string; a text at most 100 ms old is
/// served again, so eager or many scrapers cost one collect per 100 ms).
/// An actor that does not answer within a second is left out of that
/// answer.
caf::actor spawn_metrics_registry(caf::actor_system& system);

} // namespace actors

CAF_BEGIN_TYPE_ID_BLOCK(actors_metrics, caf::first_custom_type_id + 500)

  CAF_ADD_TYPE_ID(actors_metrics, (actors::actor_metrics))
  CAF_ADD_TYPE_ID(actors_metrics, (actors::metrics_snapshot))

  /// Request to any of our actors: reply with its `actor_metrics`.
  CAF_ADD_ATOM(actors_metrics, actors, metrics_atom, "metrics")
  /// Actor -> registry: count me in (`metrics_register_atom, caf::actor`).
  CAF_ADD_ATOM(actors_metrics, actors, metrics_register_atom, "m_reg")
  /// Actor -> registry, as it ends: my last figures
  /// (`metrics_retire_atom, actor_metrics`).
  CAF_ADD_ATOM(actors_metrics, actors, metrics_retire_atom, "m_retire")
  /// Request to the registry: reply with a `metrics_snapshot`.
  CAF_ADD_ATOM(actors_metrics, actors, metrics_collect_atom, "m_collect")
  /// Request to the registry: reply with the Prometheus text.
  CAF_ADD_ATOM(actors_metrics, actors, metrics_prometheus_atom, "m_prom")
  /// Actor -> registry: a kind's series exist, at 0, before any actor of
  /// it does (`metrics_declare_atom, actor_metrics`; a server declares its
  /// connections').
  CAF_ADD_ATOM(actors_metrics, actors, metrics_declare_atom, "m_declare")

CAF_END_TYPE_ID_BLOCK(actors_metrics)
