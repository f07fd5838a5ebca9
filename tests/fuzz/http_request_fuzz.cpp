// Random bytes as the head of an HTTP request to the metrics endpoint:
// the parser must never crash, read past its input or accept a head over
// its limit, and what it accepts must be well formed.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http_request.hpp"

using namespace actors::detail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto result = parse_http_head(input);
  if (result.status == http_parse_status::complete) {
    if (result.head_size == 0 || result.head_size > input.size()
        || result.head_size > max_http_head)
      std::abort();
    if (result.request.method.empty() || result.request.target.empty()
        || result.request.path.size() > result.request.target.size())
      std::abort();
    // The head ends with an empty line.
    if (input.substr(0, result.head_size).back() != '\n')
      std::abort();
  } else if (result.status != http_parse_status::incomplete && result.reason.empty()) {
    std::abort(); // every refusal says why
  } else if (result.status == http_parse_status::incomplete && input.size() > max_http_head) {
    std::abort(); // more than a head's worth cannot still be waiting
  }
  return 0;
}
