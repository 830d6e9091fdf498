// The durable runtime: commands from people and the clock, run by the engine, kept in a
// store. Each public operation is one store transaction: all of its events, derived
// state, child cases, delivered messages and outbox items land together, or none do.
//
// A refusal (unknown id, a person without the role, a finished task ...) throws Refused
// and changes nothing, except that refusals about who the actor is are kept in the audit
// trail, because an auditor wants to see denied attempts.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "definitions/definition_set.h"
#include "engine/engine.h"
#include "runtime/store.h"

namespace raciflow::runtime {

struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Deployed {
  std::string process;
  int version = 0;
  bool is_new = false;  // false: the same file was already deployed as this version
};

struct VerifyReport {
  std::int64_t records = 0;
  std::int64_t cases = 0;
  std::vector<std::string> problems;  // the first one names the first bad record or case
  bool ok() const { return problems.empty(); }
};

class Runtime {
 public:
  Runtime(Store& store, definitions::TimePoint now);
  ~Runtime();
  // A long-lived runtime (the server's writer) moves its clock before each command.
  void set_now(definitions::TimePoint now) { now_ = now; }

  // Every executable process in the files, validated together; refuses all of them when
  // any file has an error or a process the engine cannot run.
  std::vector<Deployed> deploy(const std::vector<std::string>& paths, const std::string& actor);
  // One file that arrived as text (an upload); `name` stands for its path in messages.
  std::vector<Deployed> deploy_text(const std::string& name, const std::string& text, const std::string& actor);
  Organisation load_organisation(const std::string& path, const std::string& actor);
  Organisation load_organisation_text(const std::string& name, const std::string& text, const std::string& actor);

  std::string start(const std::string& process, const std::string& person, const nlohmann::json& variables,
                    const std::string& key = "");
  // Continues the cases waiting for `message` (with `key`, when given); when none waits,
  // starts each deployed process that has a start event for it. Returns the cases touched.
  std::vector<std::string> message(const std::string& name, const std::string& person, const std::string& key,
                                   const nlohmann::json& variables);
  void claim(std::int64_t task, const std::string& person);
  void unclaim(std::int64_t task, const std::string& person);
  void complete(std::int64_t task, const std::string& person, const nlohmann::json& variables);
  void consult(std::int64_t task, const std::string& person, const std::string& answer);
  // Fires every timer, escalation and timer start due now; returns the cases touched.
  std::vector<std::string> tick();
  void cancel(const std::string& case_id, const std::string& person, const std::string& reason);
  void retry(const std::string& case_id, const std::string& person, const nlohmann::json& variables);

  // Read side.
  struct CaseView {
    CaseRow row;
    engine::CaseState state;
    std::vector<std::string> active_nodes;
    std::string incident_node;
  };
  CaseView show(const std::string& case_id);
  std::optional<Organisation> organisation() { return store_.organisation(); }

  // Re-checks the hash chain and replays every case against its stored state.
  VerifyReport verify();

 private:
  struct Flow;
  struct Live;

  template <typename F>
  auto transact(F body);
  Organisation put_organisation(const std::optional<Organisation>& org, const definitions::Diagnostics& diagnostics,
                                const std::string& path, const std::string& bytes, const std::string& actor);
  std::vector<Deployed> deploy_loaded(const std::vector<definitions::LoadedFile>& files, const std::vector<std::string>& paths,
                                      const std::vector<std::string>& sources, const std::string& actor);
  // Loads the task's case and runs the command the task's local id makes, as `person`.
  void on_task(std::int64_t task, const std::string& person, const char* what,
               const std::function<engine::Command(int local_id)>& command);
  const Flow& flow(const std::string& process, int version);
  Live load(const std::string& case_id);
  engine::Actor actor(const std::string& person, const std::string& case_id, const std::string& node,
                      const std::string& what);
  TaskRow task_row(std::int64_t task);
  std::string start_case(const std::string& process, int version, const engine::command::Start& start, const engine::Actor& actor,
                         const std::string& key, const std::string& parent_case, int parent_token, int depth);
  // Runs a command on a case; on a refusal throws Refused (after recording a denial).
  void run(Live& live, const engine::Command& command, const engine::Actor& actor, int depth,
           const std::string& refusal_prefix = "");
  void after(Live& live, const std::vector<engine::Event>& events, const engine::Actor& actor, int depth);
  std::vector<std::string> deliver(const std::string& message, const std::string& key, const nlohmann::json& variables,
                                   const engine::Actor& actor, const std::string& sender, int depth);
  void append(AuditRecord record);
  void record_refusal(const std::string& case_id, const std::string& process, int version, const std::string& node,
                      const engine::Actor& actor, const std::string& command, const std::string& reason);
  std::string now_text() const;

  Store& store_;
  definitions::TimePoint now_;
  std::map<std::pair<std::string, int>, std::unique_ptr<Flow>> flows_;
};

// Why a task is in the inbox of someone who holds `roles` (and is `person`, when not
// empty): "responsible" when theirs to do, "consulted" when their answer is still
// wanted, "" when it is not theirs.
std::string inbox_reason(const engine::Task& task, const std::vector<std::string>& roles, const std::string& person);

// The derived state of a case as the store keeps it.
CaseSnapshot snapshot_of(const CaseRow& row, const engine::CaseState& state, const definitions::Process& process);

}  // namespace raciflow::runtime
