// A deployed process version as the engine sees it: the definition plus the indices the
// engine needs at every step (boundary events by host, message names, start events).
//
// `check_executable` is the deploy-time gate: everything the loader models but the
// engine cannot run is reported here as an error, so that no case ever meets it.
#pragma once

#include <string>
#include <vector>

#include "definitions/model.h"

namespace raciflow::engine {

// The most steps one command may enter (a start, a completion, a message, a timer ...).
// A graph that alone needs more (a parallel split wider than this) is refused at deploy;
// a run that reaches it stops there with an incident on each step it did not enter, and
// a retry goes on from them. It keeps one command from holding the single writer.
inline constexpr int kMaxStepsPerCommand = 10000;

class ExecutableProcess {
 public:
  // `definitions` must outlive this object; `process` is one of its processes.
  ExecutableProcess(const definitions::Definitions& definitions, const definitions::Process& process, int version);

  const definitions::Process& process() const { return *process_; }
  const definitions::Definitions& definitions() const { return *definitions_; }
  const std::string& id() const { return process_->id; }
  int version() const { return version_; }

  const definitions::FlowNode& node(int index) const { return process_->nodes[index]; }
  const definitions::SequenceFlow& flow(int index) const { return process_->flows[index]; }
  const std::vector<int>& boundaries(int host) const { return boundaries_[host]; }
  // None start events of a scope (-1: the process); for an ad-hoc sub-process, its
  // activities that no flow leads to (all enabled at once).
  std::vector<int> none_starts(int scope_node) const;
  // The start event (or instantiating receive task) for a message name or id; -1 when
  // there is none.
  int message_start(const std::string& message) const;
  // The name of a message reference (falls back to its id).
  std::string message_name(const std::string& message_ref) const;
  // The name of a signal reference (falls back to its id): what throws and catches match on.
  std::string signal_name(const std::string& signal_ref) const;
  // The start events a signal of this name starts (process level); empty when none.
  std::vector<int> signal_starts(const std::string& signal) const;
  // The start events of the event sub-processes directly inside a scope (-1: the process),
  // in document order: what the engine arms when such a scope begins.
  const std::vector<int>& event_sub_process_starts(int scope_node) const { return event_starts_[scope_node + 1]; }
  // The compensation handler of an activity (through its compensation boundary event and
  // association); -1 when it has none.
  int compensation_handler(int activity) const;
  // The link catch event a link throw event goes to; -1 when there is none.
  int link_target(int throw_node) const;
  // Whether `target` can be reached from `from` along flows and boundary attachments.
  bool reaches(int from, int target) const;

 private:
  const definitions::Definitions* definitions_;
  const definitions::Process* process_;
  int version_;
  std::vector<std::vector<int>> boundaries_;
  std::vector<std::vector<int>> event_starts_;  // by scope node + 1
};

// One line per element that the engine cannot run, with its line number.
struct ExecutionProblem {
  int line = 0;
  std::string message;
};
std::vector<ExecutionProblem> check_executable(const definitions::Process& process);

}  // namespace raciflow::engine
