// The runtime's private parts, shared by its source files (runtime.cpp, deploy.cpp,
// commands.cpp, verify.cpp, calendar.cpp).
// Nothing outside runtime/ includes this.
#pragma once

#include <map>

#include <memory>
#include <string>

#include "engine/engine.h"
#include "engine/executable.h"
#include "definitions/form.h"
#include "definitions/form_schema.h"
#include "runtime/runtime.h"

namespace raciflow::runtime {

// The names the runtime's files use most.
using definitions::NodeKind;
using definitions::TimePoint;
using engine::Actor;
using engine::CaseState;
using engine::Event;
using engine::EventKind;
using nlohmann::json;
namespace cmd = engine::command;

// Calls and messages may chain cases into each other; a definition that calls itself
// without end is stopped here, and the whole command is refused.
constexpr int kMaxDepth = 32;

// A file's bytes as they are ("" when it cannot be read: the loader then says so).
std::string read_bytes(const std::string& path);
// "task 12", as messages name a task.
std::string task_label(std::int64_t id);
// How a signal subscription is kept beside message subscriptions in the store: a unit
// separator cannot occur in a name from an XML file, so no message name is taken for it.
std::string signal_key(const std::string& signal);

// The actor of timers, escalations and the wheel.
inline const engine::Actor kSystem{"system", {}};

// A refusal about who the actor is: recorded in the audit trail after the rollback.
struct Denied : Refused {
  Denied(const std::string& message, AuditRecord record)
      : Refused(message, RefusalKind::forbidden), record(std::move(record)) {}
  AuditRecord record;
};

struct Runtime::Flow {
  std::unique_ptr<definitions::Definitions> definitions;
  std::unique_ptr<engine::ExecutableProcess> executable;
  std::unique_ptr<engine::Engine> engine;
  const definitions::Process& process() const { return executable->process(); }
  // The form of each step, computed once per process version (form_fields parses every
  // condition the step's decisions read).
  mutable std::map<std::string, std::vector<definitions::FormField>> forms;
  // The form-js forms its user tasks show, by form id, as bound when it was deployed.
  std::map<std::string, std::shared_ptr<const definitions::FormSchema>> schemas;
  std::map<std::string, FormVersion> form_versions;
};

struct Runtime::Live {
  CaseRow row;
  engine::CaseState state;
  const Flow* flow = nullptr;
};

struct Runtime::Candidate {
  const definitions::Process* process;
  std::string file, source;
};

// A form-js form arriving with a deployment, read and checked.
struct Runtime::FormFile {
  std::string file, source;
  definitions::FormSchema schema;
};

// Runs `body` in one transaction. A denial is recorded after the rollback, in a
// transaction of its own, and then reported.
template <typename F>
auto Runtime::transact(F body) {
  try {
    auto tx = store_.begin();
    auto result = body();
    tx->commit();
    return result;
  } catch (const Denied& denied) {
    auto tx = store_.begin();
    append(denied.record);
    tx->commit();
    throw Refused(denied.what(), RefusalKind::forbidden);
  }
}

}  // namespace raciflow::runtime
