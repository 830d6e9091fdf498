// libFuzzer target: any bytes as a BPMN file, through loading, validation (graph, RACI,
// expressions, forms) and the RACI matrix; then every process that passes the deploy
// check runs as a case through the engine, driven by whatever it waits for (tasks,
// messages, signals, timers, incidents), and its events, stored as the lean audit trail's
// records and read back, must replay to the same state.
// Findings and refusals are fine; a crash, a sanitizer report or a replay that differs
// is not.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "definitions/definition_set.h"
#include "definitions/raci.h"
#include "engine/engine.h"
#include "runtime/audit.h"

namespace {

using namespace raciflow;
using namespace raciflow::engine;

void run_case(const definitions::Definitions& definitions, const definitions::Process& process) {
  if (!check_executable(process).empty()) return;
  int start = -1;
  for (std::size_t i = 0; i < process.nodes.size() && start < 0; ++i)
    if (process.nodes[i].kind == definitions::NodeKind::start_event && process.nodes[i].parent < 0) start = static_cast<int>(i);
  if (start < 0) return;
  ExecutableProcess executable(definitions, process, 1);
  Engine engine(executable);
  CaseState state;
  std::vector<Event> log;
  TimePoint now = *definitions::parse_date_time("2026-01-01T00:00:00Z");
  auto run = [&](const Command& command, const Actor& actor) {
    Outcome outcome = engine.handle(state, command, actor, now);
    for (const auto& e : outcome.events) apply(state, e, process);
    // The log replayed below is what the lean trail's records give back.
    for (const auto& r : raciflow::runtime::records_of(outcome.events, "1", process.id, 1))
      for (auto& e : raciflow::runtime::events_of(r)) log.push_back(std::move(e));
    return !outcome.refusal;
  };
  run(command::Start{"fuzz", "", process.nodes[start].id, {}, {}}, Actor{"system", {}});
  for (int step = 0; step < 40 && !state.id.empty() && !state.ended(); ++step) {
    if (state.status == CaseStatus::incident) {
      if (!run(command::Retry{}, Actor{"system", {}})) break;
      continue;
    }
    bool moved = false;
    for (const auto& [id, task] : state.tasks) {
      if (!task.live()) continue;
      moved = run(command::Complete{id, {{"step", step}}}, Actor{"fuzz", task.responsible});
      break;
    }
    if (!moved && !state.subscriptions.empty()) {
      const Subscription& sub = state.subscriptions.begin()->second;
      if (!sub.signal.empty()) moved = run(command::Signal{sub.signal, {}}, Actor{"system", {}});
      else if (!sub.condition) moved = run(command::Correlate{sub.message, {}}, Actor{"system", {}});
    }
    if (!moved) {
      auto due = next_due(state);
      if (!due) break;
      now = *due;
      moved = run(command::FireDue{}, Actor{"system", {}});
    }
    if (!moved) break;
  }
  CaseState replayed = engine.replay(log);
  if (replayed.status != state.status || replayed.variables != state.variables || replayed.tokens.size() != state.tokens.size() ||
      replayed.subscriptions.size() != state.subscriptions.size() || replayed.timers.size() != state.timers.size())
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto files = raciflow::definitions::load_and_validate_texts({"fuzz.bpmn"}, {text}, true);
  for (const auto& file : files) {
    if (!file.definitions || file.diagnostics.has_errors()) continue;
    for (const auto& process : file.definitions->processes) {
      (void)raciflow::definitions::raci_matrix(process);
      run_case(*file.definitions, process);
    }
  }
  return 0;
}
