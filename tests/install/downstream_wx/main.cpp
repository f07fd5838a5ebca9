// A downstream wx program: uses an installed actors::wx through
// find_package(actors COMPONENTS wx). It needs no display: it makes a sink
// and posts one batch to a handler that is never run.
#include <actors/wx/batch_event.hpp>
#include <actors/wx/batch_receiver.hpp>
#include <actors/wx/ui_sink.hpp>

#include <cstdio>

int main() {
  wxEvtHandler target;
  actors::wx::ui_sink sink{target};
  actors::ui_batch batch;
  batch.sequence = 1;
  sink.post(std::move(batch));
  if (sink.id() <= 0) {
    std::puts("downstream_wx: no sink id");
    return 1;
  }
  std::puts("downstream_wx: ok");
  return 0;
}
