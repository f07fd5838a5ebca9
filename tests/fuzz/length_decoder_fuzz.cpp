#include "decoder_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data,
                                      std::size_t size) {
  if (size > 0 && data[0] & 0x80)
    return fuzz::check(actors::framing_kind::length32, data, size);
  return fuzz::check(actors::framing_kind::length16, data, size);
}
