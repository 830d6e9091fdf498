// The runtime's private parts, shared by its source files (runtime.cpp, deploy.cpp,
// commands.cpp, verify.cpp, calendar.cpp).
// Nothing outside runtime/ includes this.
#pragma once

#include <map>

#include <memory>
#include <mutex>
#include <string>

#include "engine/engine.h"
#include "engine/executable.h"
#include "definitions/form.h"
#include "definitions/form_schema.h"
#include "definitions/dmn_eval.h"
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
  Denied(definitions::Phrase said, definitions::Words lead, AuditRecord record)
      : Refused(std::move(said), RefusalKind::forbidden, std::move(lead)), record(std::move(record)) {}
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

// The deployed decision models, compiled once per version: what business-rule tasks and
// `decide` evaluate (runtime/decisions.cpp).
class DecisionCache : public engine::DecisionSource {
 public:
  explicit DecisionCache(Store& store) : store_(store) {}
  engine::FoundDecision find(const std::string& decision, int version) const override;
  // A stored version, compiled; null when it does not read (it did when it was deployed).
  std::shared_ptr<const definitions::DecisionEngine> compiled(const DecisionModelVersion& v) const;

 private:
  Store& store_;
  mutable std::mutex mutex_;  // the server's readers evaluate too
  mutable std::map<std::pair<std::string, int>, std::shared_ptr<const definitions::DecisionEngine>> compiled_;
};

// A DMN decision model arriving with a deployment, read and compiled.
struct ModelFile {
  std::string file, source;
  std::shared_ptr<const definitions::DecisionEngine> model;
};

// Whether a deployed file is a DMN decision model: by its name, else by its root element.
bool is_dmn_file(const std::string& name, const std::string& text);
// Reads and compiles a DMN file; refuses with its first error.
ModelFile read_model_file(const std::string& name, const std::string& text);
// A DMN file's findings, as `raciflow validate` and deploy see them: the loader's, then
// each cell that is not S-FEEL.
definitions::Diagnostics check_model(const std::string& name, const std::string& text);
// Refuses models that would make a decision id ambiguous: two of them holding it, or one
// holding a decision that another deployed model holds.
void check_decision_ids(const std::vector<ModelFile>& models, Store& store);
// The first problem with the business-rule tasks of `process`: a decision found neither
// among `batch` nor deployed, or a pinned version that is not deployed. Empty: none.
std::string decision_problem(const definitions::FlowNode& node, const std::vector<ModelFile>& batch, Store& store);

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
