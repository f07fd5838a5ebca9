#pragma once

// The head of an HTTP/1.x request, for the metrics endpoint: a parser with
// hard limits that never allocates more than the head it was given and
// never reads past it. Internal; serve_metrics (metrics_http.hpp) uses it,
// and a fuzz target hammers it.

#include <cstddef>
#include <string>
#include <string_view>

namespace actors::detail {

/// The most bytes a request head (request line, headers, empty line) may
/// take; a longer one is answered 431.
inline constexpr std::size_t max_http_head = 8 * 1024;

/// The most header fields a request may have; more are answered 431.
inline constexpr std::size_t max_http_headers = 64;

/// What a complete head asks for.
struct http_request {
  std::string method;
  /// The request target as sent ("/metrics?x=1").
  std::string target;
  /// The path: the target up to a '?' ("/metrics" also for the absolute
  /// form "http://host:port/metrics").
  std::string path;
  /// 0 for HTTP/1.0, 1 for HTTP/1.1.
  int minor_version = 1;
  /// Whether the connection stays open after the answer.
  bool keep_alive = true;
};

/// How far a buffer got.
enum class http_parse_status {
  /// No complete head yet, and no limit broken: read more.
  incomplete,
  /// A complete, valid head: `request` and `head_size` are set.
  complete,
  /// Malformed (400); `reason` says what.
  bad_request,
  /// The head, or its number of fields, is over the limits (431).
  head_too_large,
  /// Not HTTP/1.0 or HTTP/1.1 (505).
  version_not_supported,
};

/// The result of `parse_http_head`.
struct http_parse_result {
  http_parse_status status = http_parse_status::incomplete;
  http_request request;
  /// Bytes of the buffer the head took, the empty line included.
  std::size_t head_size = 0;
  /// Why the request is refused.
  std::string reason;
};

/// Parses the request head at the start of `buffer`. Lines may end with
/// CRLF or a bare LF; empty lines before the request line are skipped. A
/// request with a body (Content-Length above 0, or Transfer-Encoding) is
/// refused: no endpoint here takes one.
http_parse_result parse_http_head(std::string_view buffer);

/// The status line's reason phrase for `status` ("Not Found").
const char* http_reason(int status);

} // namespace actors::detail
