#include "decoder_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data,
                                      std::size_t size) {
  return fuzz::check(actors::framing_kind::line, data, size);
}
