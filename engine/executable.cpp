#include "engine/executable.h"

#include <deque>

#include <nlohmann/json.hpp>

namespace raciflow::engine {

using namespace definitions;

ExecutableProcess::ExecutableProcess(const Definitions& definitions, const Process& process, int version)
    : definitions_(&definitions),
      process_(&process),
      version_(version),
      boundaries_(process.nodes.size()),
      event_starts_(process.nodes.size() + 1) {
  for (std::size_t i = 0; i < process.nodes.size(); ++i) {
    const FlowNode& n = process.nodes[i];
    if (n.kind == NodeKind::start_event && n.parent >= 0 && process.nodes[n.parent].triggered_by_event)
      event_starts_[process.nodes[n.parent].parent + 1].push_back(static_cast<int>(i));
    if (n.kind != NodeKind::boundary_event) continue;
    int host = process.node_index(n.attached_to);
    if (host >= 0) boundaries_[host].push_back(static_cast<int>(i));
  }
}

std::vector<int> ExecutableProcess::none_starts(int scope_node) const {
  std::vector<int> starts;
  for (std::size_t i = 0; i < process_->nodes.size(); ++i) {
    const FlowNode& n = process_->nodes[i];
    if (n.parent != scope_node) continue;
    bool ad_hoc = scope_node >= 0 && process_->nodes[scope_node].kind == NodeKind::ad_hoc_sub_process;
    if (ad_hoc ? is_activity(n.kind) && n.incoming.empty() : n.kind == NodeKind::start_event && n.trigger == EventTrigger::none)
      starts.push_back(static_cast<int>(i));
  }
  return starts;
}

std::string ExecutableProcess::message_name(const std::string& message_ref) const {
  for (const auto& m : definitions_->messages)
    if (m.id == message_ref) return m.name.empty() ? m.id : m.name;
  return message_ref;
}

std::string ExecutableProcess::signal_name(const std::string& signal_ref) const {
  for (const auto& s : definitions_->signals)
    if (s.id == signal_ref) return s.name.empty() ? s.id : s.name;
  return signal_ref;
}

std::vector<int> ExecutableProcess::signal_starts(const std::string& signal) const {
  std::vector<int> out;
  for (std::size_t i = 0; i < process_->nodes.size(); ++i) {
    const FlowNode& n = process_->nodes[i];
    if (n.kind != NodeKind::start_event || n.parent >= 0) continue;
    bool starts = n.trigger == EventTrigger::signal && signal_name(n.signal_ref) == signal;
    for (const auto& d : n.alternatives) starts |= d.trigger == EventTrigger::signal && signal_name(d.ref) == signal;
    if (starts) out.push_back(static_cast<int>(i));
  }
  return out;
}

int ExecutableProcess::message_start(const std::string& message) const {
  for (std::size_t i = 0; i < process_->nodes.size(); ++i) {
    const FlowNode& n = process_->nodes[i];
    bool starts = (n.kind == NodeKind::start_event && n.trigger == EventTrigger::message) || (n.instantiate && n.incoming.empty());
    if (starts && n.parent < 0 && (n.message_ref == message || message_name(n.message_ref) == message)) return static_cast<int>(i);
    if (n.kind == NodeKind::start_event && n.parent < 0)
      for (const auto& d : n.alternatives)
        if (d.trigger == EventTrigger::message && (d.ref == message || message_name(d.ref) == message)) return static_cast<int>(i);
  }
  return -1;
}

// The handler of a compensation boundary on the activity; else, for a sub-process, its
// compensation event sub-process (the one whose start event is a compensation start).
int ExecutableProcess::compensation_handler(int activity) const {
  for (int b : boundaries_[activity]) {
    const FlowNode& boundary = process_->nodes[b];
    if (boundary.trigger == EventTrigger::compensate) return process_->node_index(boundary.compensation_handler);
  }
  for (int start : event_starts_[activity + 1])
    if (process_->nodes[start].trigger == EventTrigger::compensate) return process_->nodes[start].parent;
  return -1;
}

int ExecutableProcess::link_target(int throw_node) const {
  const FlowNode& from = process_->nodes[throw_node];
  for (std::size_t i = 0; i < process_->nodes.size(); ++i) {
    const FlowNode& n = process_->nodes[i];
    if (n.kind == NodeKind::intermediate_catch_event && n.trigger == EventTrigger::link && n.parent == from.parent &&
        n.link_name == from.link_name)
      return static_cast<int>(i);
  }
  return -1;
}

bool ExecutableProcess::reaches(int from, int target) const {
  std::vector<bool> seen(process_->nodes.size());
  std::deque<int> queue{from};
  seen[from] = true;
  while (!queue.empty()) {
    int n = queue.front();
    queue.pop_front();
    if (n == target) return true;
    auto visit = [&](int next) {
      if (next >= 0 && !seen[next]) {
        seen[next] = true;
        queue.push_back(next);
      }
    };
    for (int f : process_->nodes[n].outgoing) visit(process_->flows[f].target);
    for (int b : boundaries_[n]) visit(b);
  }
  return false;
}

namespace {

// An event sub-process: one start event with a trigger, no flows in or out, nothing attached.
template <typename Refuse>
void check_event_sub_process(const Process& process, const FlowNode& esp, Refuse& refuse) {
  std::string what = "event sub-process '" + esp.id + "'";
  int index = process.node_index(esp.id);
  std::vector<const FlowNode*> starts;
  for (const FlowNode& n : process.nodes)
    if (n.parent == index && n.kind == NodeKind::start_event) starts.push_back(&n);
  if (starts.size() != 1)
    refuse(esp.line, what + " cannot be run: it needs exactly one start event, with a trigger (it has " +
                         std::to_string(starts.size()) + ")");
  else if (starts[0]->trigger == EventTrigger::none)
    refuse(starts[0]->line, what + " cannot be run: its start event '" + starts[0]->id +
                                "' has no trigger (message, timer, signal, error, escalation or conditional)");
  else if (starts[0]->trigger == EventTrigger::compensate && (esp.parent < 0 || process.nodes[esp.parent].kind != NodeKind::sub_process))
    refuse(starts[0]->line, what + " cannot be run: a compensation event sub-process belongs directly in a sub-process, which it "
                                "compensates once that has completed");
  else if (starts[0]->trigger == EventTrigger::error && !starts[0]->cancel_activity)
    refuse(starts[0]->line, what + " cannot be run: an error start event is always interrupting (isInterrupting=\"false\" on '" +
                                starts[0]->id + "')");
  if (!esp.incoming.empty() || !esp.outgoing.empty())
    refuse(esp.line, what + " cannot be run: an event sub-process has no incoming or outgoing sequence flows");
  for (const FlowNode& n : process.nodes)
    if (n.kind == NodeKind::boundary_event && n.attached_to == esp.id)
      refuse(n.line, "boundaryEvent '" + n.id + "' cannot be run: nothing can be attached to " + what);
}

// An activity with isForCompensation: the handler of a compensation boundary, and nothing else.
template <typename Refuse>
void check_compensation_handler(const Process& process, const FlowNode& handler, Refuse& refuse) {
  std::string what = std::string(element_name(handler.kind)) + " '" + handler.id + "'";
  bool linked = false;
  for (const FlowNode& n : process.nodes)
    linked |= n.kind == NodeKind::boundary_event && n.trigger == EventTrigger::compensate && n.compensation_handler == handler.id;
  if (!linked)
    refuse(handler.line, what + " cannot be run: it is for compensation, but no compensation boundary event's association points to it");
  if (!handler.incoming.empty() || !handler.outgoing.empty())
    refuse(handler.line, what + " cannot be run: a compensation handler has no incoming or outgoing sequence flows");
  if (handler.multi || handler.loop != LoopKind::none)
    refuse(handler.line, what + " cannot be run: a compensation handler that loops is not executed");
}

// Compensation boundaries, throws and end events; cancel end events and boundaries.
template <typename Refuse>
void check_compensation_event(const Process& process, const FlowNode& n, Refuse& refuse) {
  std::string what = std::string(element_name(n.kind)) + " '" + n.id + "'";
  const FlowNode* host = process.find_node(n.attached_to);
  if (n.trigger == EventTrigger::cancel) {
    if (n.kind == NodeKind::boundary_event && host && host->kind != NodeKind::transaction)
      refuse(n.line, what + " cannot be run: a cancel boundary event belongs on a transaction");
    if (n.kind == NodeKind::end_event) {
      const FlowNode* tx = n.parent >= 0 ? &process.nodes[n.parent] : nullptr;
      bool caught = false;
      for (const FlowNode& b : process.nodes)
        caught |= tx && b.kind == NodeKind::boundary_event && b.trigger == EventTrigger::cancel && b.attached_to == tx->id;
      if (!tx || tx->kind != NodeKind::transaction)
        refuse(n.line, what + " cannot be run: a cancel end event belongs directly in a transaction");
      else if (!caught)
        refuse(n.line, what + " cannot be run: transaction '" + tx->id + "' has no cancel boundary event to go on from");
    }
    return;
  }
  if (n.kind == NodeKind::boundary_event) {
    const FlowNode* handler = process.find_node(n.compensation_handler);
    if (n.compensation_handler.empty())
      refuse(n.line, what + " cannot be run: no association from it points to a compensation handler");
    else if (!handler || !is_activity(handler->kind) || !handler->is_for_compensation)
      refuse(n.line, what + " cannot be run: its association points to '" + n.compensation_handler +
                         "', which is no activity with isForCompensation=\"true\"");
    return;
  }
  if (n.kind == NodeKind::start_event) return;  // a compensation event sub-process's start: check_event_sub_process
  if (!n.wait_for_completion)
    refuse(n.line, what + " cannot be run: waitForCompletion=\"false\" is not executed; the throw waits for its handlers");
  for (int at = n.parent; at >= 0; at = process.nodes[at].parent)
    if (process.nodes[at].triggered_by_event)
      for (const FlowNode& s : process.nodes)
        if (s.parent == at && s.kind == NodeKind::start_event && s.trigger == EventTrigger::compensate)
          refuse(n.line, what + " cannot be run: a compensation throw inside a compensation event sub-process is not executed; the "
                                "sub-process's own steps are compensated by the throw that compensates it");
  if (!n.activity_ref.empty()) {
    const FlowNode* target = process.find_node(n.activity_ref);
    bool compensable = false;
    int target_index = process.node_index(n.activity_ref);
    for (const FlowNode& b : process.nodes) {
      compensable |= b.kind == NodeKind::boundary_event && b.trigger == EventTrigger::compensate && b.attached_to == n.activity_ref;
      compensable |= b.kind == NodeKind::start_event && b.trigger == EventTrigger::compensate && b.parent >= 0 &&
                     target_index >= 0 && process.nodes[b.parent].parent == target_index;
    }
    if (!target || !compensable)
      refuse(n.line, what + " cannot be run: activityRef '" + n.activity_ref +
                         "' names no activity with a compensation boundary event or compensation event sub-process");
  }
}

// A multiple event: each of its event definitions must be one raciflow catches (message,
// timer, signal, condition) or throws (message, signal, escalation).
template <typename Refuse>
void check_multiple(const Process& process, const FlowNode& n, Refuse& refuse) {
  std::string what = std::string(element_name(n.kind)) + " '" + n.id + "'";
  bool throws = n.kind == NodeKind::intermediate_throw_event || n.kind == NodeKind::end_event;
  bool starts_process = n.kind == NodeKind::start_event && process.place_of(n) == EventPlace::process;
  int escalations = 0;
  for (const EventDefinition& d : n.alternatives) {
    EventTrigger t = d.trigger;
    if (starts_process && t != EventTrigger::message && t != EventTrigger::signal) {
      refuse(d.line, what + " cannot be run: a multiple start event of a process starts on messages and signals, not on a " +
                         trigger_name(t) + " event definition");
      continue;
    }
    bool ok = throws ? t == EventTrigger::message || t == EventTrigger::signal || t == EventTrigger::escalation
                     : t == EventTrigger::message || t == EventTrigger::timer || t == EventTrigger::signal || t == EventTrigger::conditional;
    if (!ok)
      refuse(d.line, what + " cannot be run: a multiple " + (throws ? "throw" : "catch") + " with a " + trigger_name(t) +
                         " event definition is not executed (" + (throws ? "message, signal and escalation are" : "message, timer, signal and conditional are") + ")");
    if (t == EventTrigger::timer && !d.timer) refuse(d.line, what + " cannot be run: its timer has no value");
    if (t == EventTrigger::conditional && (!d.condition || !d.condition->compiled))
      refuse(d.line, what + " cannot be run: its conditional event has no condition in raciflow's language");
    escalations += t == EventTrigger::escalation;
  }
  if (escalations > 1) refuse(n.line, what + " cannot be run: a multiple throw throws at most one escalation");
  if (starts_process && n.parallel_multiple)
    refuse(n.line, what + " cannot be run: a parallel multiple start event of a process is not executed; each of its messages "
                          "or signals would have to find the same case");
  if (n.parallel_multiple && !n.cancel_activity)
    refuse(n.line, what + " cannot be run: a non-interrupting parallel multiple event is not executed; make it interrupting, or "
                          "exclusive (parallelMultiple=\"false\")");
  for (int f : n.incoming)
    if (process.flows[f].source >= 0 && process.nodes[process.flows[f].source].kind == NodeKind::event_based_gateway)
      refuse(n.line, what + " cannot be run: an event-based gateway waits for single events; a multiple event after it is not executed");
}

}  // namespace

std::vector<ExecutionProblem> check_executable(const Process& process) {
  std::vector<ExecutionProblem> problems;
  auto refuse = [&](int line, std::string message) { problems.push_back({line, std::move(message)}); };
  for (const FlowNode& n : process.nodes) {
    std::string what = std::string(element_name(n.kind)) + " '" + n.id + "'";
    switch (n.kind) {
      case NodeKind::ad_hoc_sub_process:
        if (n.completion && !n.completion->compiled)
          refuse(n.line, what + " cannot be run: its completionCondition is not in raciflow's language");
        break;
      case NodeKind::business_rule_task:
        // The instances of a pass-through step are finished together, with no room for a
        // decision of their own each.
        if (n.called_decision && n.multi)
          refuse(n.line, what + " cannot be run: raciflow evaluates a decision once per business-rule task, not per multi-instance "
                                "instance; give the decision a list input instead");
        break;
      default: break;
    }
    // Every flow out of a parallel gateway, and every unconditional flow out of anything
    // but a gateway, is taken at once: one command would enter more steps than it may.
    std::size_t forks = 0;
    for (int f : n.outgoing)
      forks += n.kind == NodeKind::parallel_gateway || (!is_gateway(n.kind) && !process.flows[f].condition);
    if (forks > static_cast<std::size_t>(kMaxStepsPerCommand))
      refuse(n.line, what + " cannot be run: it splits into " + std::to_string(forks) + " paths at once, and one command enters at most " +
                         std::to_string(kMaxStepsPerCommand) + " steps");
    if (n.triggered_by_event) check_event_sub_process(process, n, refuse);
    if (n.instantiate && (!n.incoming.empty() || n.parent >= 0 || n.message_ref.empty()))
      refuse(n.line, what + " cannot be run: a receive task that instantiates starts the process, so it needs a messageRef, "
                            "no incoming flow, and to sit at process level");
    if (n.is_for_compensation) check_compensation_handler(process, n, refuse);
    if (n.trigger == EventTrigger::compensate || n.trigger == EventTrigger::cancel) check_compensation_event(process, n, refuse);
    if (n.multi) {
      const MultiInstance& mi = *n.multi;
      if (!repeats_as_instances(n.kind))
        refuse(n.line, what + " cannot be run: multi-instance " + element_name(n.kind) +
                           "s are not executed; tasks of every kind but receive tasks, sub-processes and call activities are");
      if (mi.role_from_element && !is_human_task(n.kind))
        refuse(mi.line, what + " cannot be run: raci:roleFromElement routes the tasks of a user or manual task; a " +
                            element_name(n.kind) + " has none of its own");
      if ((mi.cardinality && !mi.cardinality->compiled) || (mi.completion && !mi.completion->compiled))
        refuse(mi.line, what + " cannot be run: its multi-instance has an expression raciflow cannot evaluate");
    }
    if (n.loop == LoopKind::standard && (!n.loop_condition || !n.loop_condition->compiled))
      refuse(n.line, what + " cannot be run: its loop has no condition raciflow can evaluate");
    // A step that does not wait runs again with nothing changed but loopCounter: a condition
    // that reads nothing and holds would run it forever (one that reads variables is
    // tested at run time, where a loop that would not end is an incident).
    if (n.loop == LoopKind::standard && passes_through(n.kind) && !n.loop_maximum && n.loop_condition && n.loop_condition->compiled &&
        n.loop_condition->compiled->variables().empty() && n.loop_condition->compiled->test(nlohmann::json::object(), nullptr).value_or(false))
      refuse(n.line, what + " cannot be run: its loop condition always holds and the step does not wait, so it would run forever; "
                            "give it loopMaximum");
    if (n.start_quantity != 1)
      refuse(n.line, what + " cannot be run: startQuantity " + std::to_string(n.start_quantity) +
                         " (an activity that waits for several tokens) is not executed");
    if (n.completion_quantity != 1)
      refuse(n.line, what + " cannot be run: completionQuantity " + std::to_string(n.completion_quantity) +
                         " (several tokens on each outgoing flow) is not executed");
    EventTrigger t = n.trigger;
    if (t == EventTrigger::multiple) check_multiple(process, n, refuse);
    bool ok = trigger_executed(n.kind, t, process.place_of(n));
    if (!ok) refuse(n.line, what + " cannot be run: " + trigger_name(t) + " " + element_name(n.kind) + "s are not executed");
    if (n.kind == NodeKind::boundary_event && t == EventTrigger::escalation) {
      const FlowNode* host = process.find_node(n.attached_to);
      if (host && host->kind != NodeKind::sub_process && host->kind != NodeKind::call_activity)
        refuse(n.line, what + " cannot be run: an escalation boundary is executed on a sub-process or call activity, not on a " +
                           element_name(host->kind));
    }
    if (t == EventTrigger::timer && !n.timer) refuse(n.line, what + " cannot be run: its timer has no value");
    if (n.kind == NodeKind::complex_gateway && n.incoming.size() > 1 && (!n.activation || !n.activation->compiled))
      refuse(n.line, what + " cannot be run: a complex gateway that joins needs an activationCondition in raciflow's language "
                            "(over the variables and activationCount)");
    if (t == EventTrigger::conditional && (!n.event_condition || !n.event_condition->compiled))
      refuse(n.line, what + " cannot be run: its conditional event has no condition in raciflow's language");
    if (t == EventTrigger::link && n.link_name.empty()) refuse(n.line, what + " cannot be run: its link event has no name");
    if (t == EventTrigger::link && n.kind == NodeKind::intermediate_throw_event && !n.link_name.empty()) {
      int targets = 0;
      for (const FlowNode& other : process.nodes)
        targets += other.kind == NodeKind::intermediate_catch_event && other.trigger == EventTrigger::link &&
                   other.parent == n.parent && other.link_name == n.link_name;
      if (targets != 1)
        refuse(n.line, what + " cannot be run: link '" + n.link_name + "' needs exactly one catching link event in the same scope (" +
                           std::to_string(targets) + " found)");
    }
  }
  for (const SequenceFlow& f : process.flows)
    if (f.condition && !f.condition->compiled)
      refuse(f.condition->line, "sequence flow '" + f.id + "' cannot be run: its condition is not in raciflow's language");
  return problems;
}

}  // namespace raciflow::engine
