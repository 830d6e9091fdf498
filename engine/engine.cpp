// Replaying a case from its events, and when a case next needs the clock. A command
// runs in run.cpp (Engine::handle) and the files of the element families.
#include "engine/engine.h"

namespace raciflow::engine {

using namespace definitions;

CaseState Engine::replay(const std::vector<Event>& events) const {
  CaseState state;
  for (const Event& e : events) apply(state, e, process_.process());
  return state;
}

const std::vector<Duration>& default_reminders() {
  static const std::vector<Duration> kDefault{Duration{0, 0, 7, 0}, Duration{0, 0, 1, 0}};
  return kDefault;
}

std::optional<TimePoint> next_due(const CaseState& state) {
  std::optional<TimePoint> next;
  auto consider = [&](TimePoint t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [id, t] : state.timers) consider(t.due);
  for (const auto& [id, task] : state.tasks)
    if (auto alert = task.next_alert()) consider(*alert);
  return next;
}

}  // namespace raciflow::engine
