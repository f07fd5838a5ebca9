#include "actors/metrics_http.hpp"

#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/io/broker.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/type_id.hpp>

#include "actors/colocated.hpp"
#include "actors/connection_protocol.hpp"
#include "actors/metrics.hpp"
#include "http_request.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(actors_metrics_internal, caf::first_custom_type_id + 950)

  /// Timer: request head number N had `head_timeout` (`head_timeout_atom, N`).
  CAF_ADD_ATOM(actors_metrics_internal, actors::detail, head_timeout_atom, "http_tmo")

CAF_END_TYPE_ID_BLOCK(actors_metrics_internal)

namespace actors {

namespace {

using detail::http_parse_status;

// How long the registry may take to answer a scrape.
constexpr std::chrono::seconds registry_timeout{5};

struct http_state {
  connection_actor conn;
  caf::actor registry;
  metrics_http_options options;
  std::string buffer;
  // A scrape is waiting for the registry: nothing else is parsed (answers
  // go out in order) and no credit is granted (TCP pushes back).
  bool busy = false;
  bool closing = false;
  // The client finished sending (half-close): close once all is answered.
  bool peer_done = false;
  // Numbers request heads, so a timer of an earlier head is ignored.
  std::uint64_t head_serial = 0;
  bool head_timer_armed = false;

  static inline const char* name = "actors.metrics_http_session";
};

// Hosted on the network thread next to its connection (colocated.hpp): a
// scrape never wakes CAF's worker threads.
using http_actor = caf::stateful_actor<http_state, caf::io::broker>;

const std::string plain_text = "text/plain; charset=utf-8";

std::string response(int status, const std::string& body, bool keep_alive, bool head_only,
                     const std::string& content_type, const std::string& extra_headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + detail::http_reason(status)
                    + "\r\nContent-Type: " + content_type
                    + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n"
                    + extra_headers + (keep_alive ? "" : "Connection: close\r\n") + "\r\n";
  if (!head_only)
    out += body;
  return out;
}

void respond(http_actor* self, int status, const std::string& body, bool keep_alive,
             bool head_only = false, const std::string& content_type = plain_text,
             const std::string& extra_headers = {}) {
  auto& st = self->state;
  self->send(st.conn, send_atom_v,
             response(status, body, keep_alive, head_only, content_type, extra_headers));
  if (!keep_alive) {
    st.closing = true;
    self->send(st.conn, close_atom_v); // flushes the answer first
  }
}

void process(http_actor* self);

void grant_credit(http_actor* self) {
  self->send(self->state.conn, credit_atom_v, std::uint32_t{1});
}

// Goes on after a scrape's answer: the next request, or the close the
// client's half-close asked for.
void after_scrape(http_actor* self) {
  auto& st = self->state;
  st.busy = false;
  grant_credit(self);
  process(self);
  if (st.peer_done && !st.busy && !st.closing) {
    st.closing = true;
    self->send(st.conn, close_atom_v);
  }
}

void scrape(http_actor* self, bool keep_alive, bool head_only) {
  auto& st = self->state;
  st.busy = true;
  self->request(st.registry, registry_timeout, metrics_prometheus_atom_v)
    .then(
      [=](std::string& text) {
        respond(self, 200, text, keep_alive, head_only,
                "text/plain; version=0.0.4; charset=utf-8");
        after_scrape(self);
      },
      [=](caf::error&) {
        respond(self, 503, "the metrics registry did not answer\n", keep_alive, head_only);
        after_scrape(self);
      });
}

void answer(http_actor* self, const detail::http_request& request) {
  bool head_only = request.method == "HEAD";
  if (request.path != "/metrics" && request.path != "/healthz") {
    // No such resource, whatever the method (405 would say it exists).
    respond(self, 404, "not found: try /metrics or /healthz\n", request.keep_alive, head_only);
    return;
  }
  if (request.method != "GET" && !head_only) {
    respond(self, 405, "only GET and HEAD\n", request.keep_alive, false, plain_text,
            "Allow: GET, HEAD\r\n");
    return;
  }
  if (request.path == "/metrics")
    scrape(self, request.keep_alive, head_only);
  else
    respond(self, 200, "ok\n", request.keep_alive, head_only);
}

void arm_head_timer(http_actor* self) {
  auto& st = self->state;
  if (st.head_timer_armed || st.buffer.empty())
    return;
  st.head_timer_armed = true;
  self->delayed_send(self, st.options.head_timeout, detail::head_timeout_atom_v,
                     st.head_serial);
}

// Answers every complete request in the buffer, in order.
void process(http_actor* self) {
  auto& st = self->state;
  while (!st.busy && !st.closing) {
    auto parsed = detail::parse_http_head(st.buffer);
    switch (parsed.status) {
      case http_parse_status::incomplete:
        arm_head_timer(self);
        return;
      case http_parse_status::complete:
        st.buffer.erase(0, parsed.head_size);
        ++st.head_serial;
        st.head_timer_armed = false;
        answer(self, parsed.request);
        break;
      case http_parse_status::bad_request:
        respond(self, 400, "bad request: " + parsed.reason + "\n", false);
        return;
      case http_parse_status::head_too_large:
        respond(self, 431, parsed.reason + "\n", false);
        return;
      case http_parse_status::version_not_supported:
        respond(self, 505, parsed.reason + "\n", false);
        return;
    }
  }
}

caf::behavior http_session(http_actor* self, connection_actor conn, caf::actor registry,
                           metrics_http_options options) {
  auto& st = self->state;
  st.conn = std::move(conn);
  st.registry = std::move(registry);
  st.options = std::move(options);
  return {
    [=](const connected&) {},
    [=](frame_received& frame) {
      auto& st = self->state;
      if (st.closing)
        return;
      st.buffer += frame.payload;
      if (!st.busy)
        grant_credit(self);
      process(self);
    },
    [=](detail::head_timeout_atom, std::uint64_t serial) {
      auto& st = self->state;
      if (serial != st.head_serial || st.closing)
        return;
      respond(self, 408, "the request head did not arrive in time\n", false);
    },
    [=](const peer_finished&) {
      // The client sent all it will: answer what is complete, then close.
      auto& st = self->state;
      st.peer_done = true;
      process(self);
      if (!st.busy && !st.closing) {
        st.closing = true;
        self->send(st.conn, close_atom_v);
      }
    },
    [=](const connection_error&) {},
    [=](const disconnected&) { self->quit(); },
  };
}

} // namespace

caf::expected<server> serve_metrics(caf::actor_system& system, caf::actor registry,
                                    metrics_http_options options) {
  if (!registry)
    return caf::make_error(error_kind::invalid_argument, "serve_metrics needs a registry");
  server_options opts;
  opts.bind_address = options.bind_address;
  opts.port = options.port;
  opts.max_connections = options.max_connections;
  // One scraper too many learns why instead of seeing its connection close.
  opts.refusal_message = response(503,
                                  "too many scrapers: at most "
                                    + std::to_string(options.max_connections) + " at once\n",
                                  false, false, plain_text, "Retry-After: 1\r\n");
  opts.connection.framing.kind = framing_kind::raw;
  // One read at a time, small: a request head is at most 8 KiB, and a
  // client cannot make a session buffer more than one read beyond it.
  opts.connection.read_credit = 1;
  opts.connection.read_chunk_size = 16 * 1024;
  opts.connection.idle_timeout = options.idle_timeout;
  opts.connection.write_high_water = 64 * 1024 * 1024;
  return listen(system, std::move(opts), [&system, registry, options](const connection_actor& conn) {
    return spawn_colocated(system, http_session, conn, registry, options);
  });
}

} // namespace actors
