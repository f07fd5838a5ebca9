#include "http_request.hpp"

#include <algorithm>
#include <cctype>

#include "ignoring_case.hpp"

namespace actors::detail {

namespace {

bool is_token_char(char c) {
  // RFC 9110 tchar.
  static constexpr std::string_view specials = "!#$%&'*+-.^_`|~";
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || specials.find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

// Visible ASCII, no spaces: what a request target may hold.
bool is_target(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
  });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// Whether a comma-separated header value lists `token` (any case).
bool lists(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    auto comma = value.find(',');
    if (equals_ignoring_case(trim(value.substr(0, comma)), token))
      return true;
    if (comma == std::string_view::npos)
      break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

http_parse_result refuse(http_parse_status status, std::string reason) {
  http_parse_result result;
  result.status = status;
  result.reason = std::move(reason);
  return result;
}

// Splits the next line off `rest` (without its CRLF or LF); false if there
// is no line end yet.
bool next_line(std::string_view& rest, std::string_view& line) {
  auto lf = rest.find('\n');
  if (lf == std::string_view::npos)
    return false;
  line = rest.substr(0, lf);
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  rest.remove_prefix(lf + 1);
  return true;
}

http_parse_result parse_request_line(std::string_view line) {
  http_parse_result result;
  auto first = line.find(' ');
  auto last = line.rfind(' ');
  if (first == std::string_view::npos || first == last)
    return refuse(http_parse_status::bad_request, "the request line is not METHOD TARGET VERSION");
  auto method = line.substr(0, first);
  auto target = line.substr(first + 1, last - first - 1);
  auto version = line.substr(last + 1);
  if (!is_token(method))
    return refuse(http_parse_status::bad_request, "the method is not a token");
  if (!is_target(target))
    return refuse(http_parse_status::bad_request, "the request target is empty or holds spaces or control bytes");
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.'
      || !std::isdigit(static_cast<unsigned char>(version[5]))
      || !std::isdigit(static_cast<unsigned char>(version[7])))
    return refuse(http_parse_status::bad_request, "the version is not HTTP/x.y");
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
    return refuse(http_parse_status::version_not_supported,
                  std::string{version} + " is not supported: HTTP/1.0 and HTTP/1.1 are");
  result.request.method = std::string{method};
  result.request.target = std::string{target};
  // The absolute form ("http://host:port/metrics", what a proxy sends),
  // which RFC 9112 says a server must accept: its path is after the host.
  auto origin = target;
  if (auto scheme = origin.find("://"); scheme != std::string_view::npos
      && origin.find('/') == scheme + 1) {
    auto slash = origin.find('/', scheme + 3);
    origin = slash == std::string_view::npos ? std::string_view{"/"} : origin.substr(slash);
  }
  result.request.path = std::string{origin.substr(0, origin.find('?'))};
  result.request.minor_version = version[7] - '0';
  result.request.keep_alive = result.request.minor_version == 1;
  return result;
}

} // namespace

http_parse_result parse_http_head(std::string_view buffer) {
  auto limited = buffer.substr(0, std::min(buffer.size(), max_http_head + 1));
  auto rest = limited;
  std::string_view line;
  // Empty lines before the request line are skipped (RFC 9112, 2.2).
  do {
    if (!next_line(rest, line))
      return buffer.size() > max_http_head
               ? refuse(http_parse_status::head_too_large, "the request head is over 8 KiB")
               : http_parse_result{};
  } while (line.empty());
  auto result = parse_request_line(line);
  if (result.status != http_parse_status::incomplete)
    return result;
  std::size_t fields = 0;
  for (;;) {
    if (!next_line(rest, line))
      return buffer.size() > max_http_head
               ? refuse(http_parse_status::head_too_large, "the request head is over 8 KiB")
               : http_parse_result{};
    if (line.empty())
      break;
    if (++fields > max_http_headers)
      return refuse(http_parse_status::head_too_large,
                    "more than " + std::to_string(max_http_headers) + " header fields");
    if (line.front() == ' ' || line.front() == '\t')
      return refuse(http_parse_status::bad_request, "a folded header line (obsolete)");
    auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
      return refuse(http_parse_status::bad_request, "a header field is not NAME: VALUE");
    auto name = line.substr(0, colon);
    auto value = trim(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) {
          auto u = static_cast<unsigned char>(c);
          return (u < 0x20 && c != '\t') || u == 0x7f;
        }))
      return refuse(http_parse_status::bad_request, "a header value holds control bytes");
    if (equals_ignoring_case(name, "Connection")) {
      if (lists(value, "close"))
        result.request.keep_alive = false;
      else if (lists(value, "keep-alive"))
        result.request.keep_alive = true;
    } else if (equals_ignoring_case(name, "Transfer-Encoding")
               || (equals_ignoring_case(name, "Content-Length") && value != "0")) {
      return refuse(http_parse_status::bad_request, "a request body is not accepted here");
    }
  }
  result.head_size = limited.size() - rest.size();
  if (result.head_size > max_http_head)
    return refuse(http_parse_status::head_too_large, "the request head is over 8 KiB");
  result.status = http_parse_status::complete;
  return result;
}

const char* http_reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

} // namespace actors::detail
