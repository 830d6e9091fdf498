#include "definitions/validate.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "definitions/process_graph.h"

namespace raciflow::definitions {
namespace {

// An element as a person knows it: its name, with the id the file uses beside it.
std::string describe(const FlowNode& node) {
  std::string out = std::string(element_name(node.kind));
  if (node.name.empty() || node.name == node.id) return out + " '" + node.id + "'";
  return out + " '" + node.name + "' (" + node.id + ")";
}

std::string describe(const Lane& lane) {
  if (lane.name.empty() || lane.name == lane.id) return "lane '" + lane.id + "'";
  return "lane '" + lane.name + "' (" + lane.id + ")";
}

std::string join(const std::vector<std::string>& words, const char* separator = ", ") {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += separator;
    out += w;
  }
  return out;
}

class ProcessValidator {
 public:
  ProcessValidator(const Definitions& defs, const Process& process, Diagnostics& diag, const ValidationOptions& options)
      : defs_(defs), p_(process), diag_(diag), options_(options) {}

  void run() {
    if (p_.nodes.empty()) {
      if (!p_.flows.empty() || !p_.lanes.empty())
        diag_.error(p_.line, p_.id, "process '" + p_.id + "' has no flow nodes");
      return;
    }
    check_flows();
    check_starts();
    check_reachability();
    check_gateways();
    check_events();
    check_activities();
    check_lanes();
  }

 private:
  void check_flows() {
    for (const SequenceFlow& flow : p_.flows) {
      bool known = true;
      if (flow.source < 0) {
        diag_.error(flow.line, flow.id, "sequence flow '" + flow.id + "' comes from unknown id '" + flow.source_ref + "'");
        known = false;
      }
      if (flow.target < 0) {
        diag_.error(flow.line, flow.id, "sequence flow '" + flow.id + "' goes to unknown id '" + flow.target_ref + "'");
        known = false;
      }
      if (!known) continue;
      const FlowNode& source = p_.nodes[flow.source];
      const FlowNode& target = p_.nodes[flow.target];
      if (source.parent != flow.scope || target.parent != flow.scope)
        diag_.error(flow.line, flow.id, "sequence flow '" + flow.id + "' crosses a sub-process boundary ('" + source.id +
                                   "' to '" + target.id + "'); flows stay inside one (sub-)process");
      if (target.kind == NodeKind::start_event)
        diag_.error(flow.line, flow.id, "sequence flow '" + flow.id + "' goes into start event '" + target.id + "'");
      if (source.kind == NodeKind::end_event)
        diag_.error(flow.line, flow.id, "sequence flow '" + flow.id + "' leaves end event '" + source.id + "'");
    }
  }

  void check_starts() {
    bool process_start = false;
    for (const FlowNode& node : p_.nodes)
      process_start |= node.parent < 0 && (node.kind == NodeKind::start_event || (node.instantiate && node.incoming.empty()));
    if (!process_start) diag_.error(p_.line, p_.id, "process '" + p_.id + "' has no start event");
    for (std::size_t i = 0; i < p_.nodes.size(); ++i) {
      const FlowNode& sub = p_.nodes[i];
      if (!is_sub_process(sub.kind) || sub.kind == NodeKind::ad_hoc_sub_process) continue;
      bool has_start = false, has_content = false;
      for (const FlowNode& node : p_.nodes) {
        if (node.parent != static_cast<int>(i)) continue;
        has_content = true;
        has_start |= node.kind == NodeKind::start_event;
      }
      if (has_content && !has_start) diag_.error(sub.line, sub.id, describe(sub) + " has no start event");
    }
  }

  void check_reachability() {
    ProcessGraph graph(p_);
    auto reachable = graph.reachable_from_start();
    auto ends = graph.can_reach_end();
    for (std::size_t i = 0; i < p_.nodes.size(); ++i) {
      const FlowNode& node = p_.nodes[i];
      if (!reachable[i]) {
        diag_.error(node.line, node.id, describe(node) + " is not reachable from a start event");
        continue;
      }
      if (!ends[i]) diag_.error(node.line, node.id, "no end event can be reached from " + describe(node) + " (a loop without an exit?)");
      bool link_throw = node.kind == NodeKind::intermediate_throw_event && node.trigger == EventTrigger::link;
      bool expected_sink = node.kind == NodeKind::end_event || link_throw || node.triggered_by_event ||
                           node.is_for_compensation ||
                           (node.parent >= 0 && p_.nodes[node.parent].kind == NodeKind::ad_hoc_sub_process) ||
                           (node.kind == NodeKind::boundary_event && node.trigger == EventTrigger::compensate);
      if (node.outgoing.empty() && !expected_sink)
        diag_.warning(node.line, node.id, describe(node) + " has no outgoing sequence flow: its path ends there without an end event");
    }
  }

  // Walks back from a join's incoming flow to the split that opened the branch.
  int split_behind(int flow_index) const {
    int node = p_.flows[flow_index].source;
    for (std::size_t steps = 0; node >= 0 && steps <= p_.nodes.size(); ++steps) {
      const FlowNode& n = p_.nodes[node];
      if (n.outgoing.size() >= 2 && is_gateway(n.kind)) return node;
      if (n.incoming.size() != 1 || n.kind == NodeKind::boundary_event) return -1;
      node = p_.flows[n.incoming.front()].source;
    }
    return -1;
  }

  void check_gateways() {
    for (std::size_t i = 0; i < p_.nodes.size(); ++i) {
      const FlowNode& g = p_.nodes[i];
      if (!is_gateway(g.kind)) continue;
      if (g.incoming.size() == 1 && g.outgoing.size() == 1)
        diag_.warning(g.line, g.id, describe(g) + " has one way in and one way out: it does nothing");
      if (!g.default_flow.empty()) {
        bool found = false;
        for (int f : g.outgoing) found |= p_.flows[f].id == g.default_flow;
        if (!found) diag_.error(g.line, g.id, describe(g) + " names default flow '" + g.default_flow + "', which is not one of its outgoing flows");
      }
      bool conditional = g.kind == NodeKind::exclusive_gateway || g.kind == NodeKind::inclusive_gateway ||
                         g.kind == NodeKind::complex_gateway;
      if (conditional && g.outgoing.size() >= 2) {
        for (int f : g.outgoing) {
          const SequenceFlow& flow = p_.flows[f];
          if (!flow.condition && flow.id != g.default_flow)
            diag_.error(flow.line, flow.id, "sequence flow '" + flow.id + "' leaves the " +
                                       (g.kind == NodeKind::exclusive_gateway   ? "exclusive"
                                        : g.kind == NodeKind::inclusive_gateway ? "inclusive"
                                                                                : "complex") +
                                       " split '" + g.id + "' with neither a condition nor being its default");
        }
      }
      if (g.kind == NodeKind::event_based_gateway) {
        for (int f : g.outgoing) {
          int t = p_.flows[f].target;
          if (t < 0) continue;
          const FlowNode& target = p_.nodes[t];
          bool ok = target.kind == NodeKind::receive_task ||
                    (target.kind == NodeKind::intermediate_catch_event &&
                     (target.trigger == EventTrigger::timer || target.trigger == EventTrigger::message ||
                      target.trigger == EventTrigger::signal || target.trigger == EventTrigger::conditional));
          if (!ok)
            diag_.error(p_.flows[f].line, p_.flows[f].id, "event-based gateway '" + g.id + "' leads to " + describe(target) +
                                              "; it may only lead to timer, message or signal catch events and receive tasks");
        }
      }
      if (g.kind == NodeKind::parallel_gateway && g.incoming.size() >= 2) {
        std::map<int, int> splits;  // split node -> incoming flows it feeds
        for (int f : g.incoming) {
          int split = split_behind(f);
          if (split >= 0) ++splits[split];
        }
        for (auto [split, count] : splits) {
          const FlowNode& s = p_.nodes[split];
          if (count >= 2 && (s.kind == NodeKind::exclusive_gateway || s.kind == NodeKind::event_based_gateway))
            diag_.warning(g.line, g.id, "parallel join '" + g.id + "' is fed by the " +
                                      (s.kind == NodeKind::exclusive_gateway ? "exclusive" : "event-based") + " split '" +
                                      s.id + "' (line " + std::to_string(s.line) +
                                      "): only one of its branches arrives, so the join waits forever; use an exclusive merge");
        }
      }
    }
  }

  void check_events() {
    for (const FlowNode& node : p_.nodes) {
      if (node.kind == NodeKind::boundary_event) {
        const FlowNode* host = p_.find_node(node.attached_to);
        if (!host)
          diag_.error(node.line, node.id, describe(node) + " is attached to unknown id '" + node.attached_to + "'");
        else if (!is_activity(host->kind))
          diag_.error(node.line, node.id, describe(node) + " is attached to " + describe(*host) + ", which is not an activity");
      }
      if (!node.message_ref.empty() && !has_message(node.message_ref))
        diag_.error(node.line, node.id, describe(node) + " refers to unknown message '" + node.message_ref + "'");
      if (node.trigger == EventTrigger::signal) {
        if (node.signal_ref.empty())
          diag_.error(node.line, node.id, describe(node) + " has a signal event definition without a signalRef");
        else if (std::none_of(defs_.signals.begin(), defs_.signals.end(), [&](const Message& s) { return s.id == node.signal_ref; }))
          diag_.error(node.line, node.id, describe(node) + " refers to unknown signal '" + node.signal_ref + "'");
      }
      if (!node.escalation_ref.empty() &&
          std::none_of(defs_.escalations.begin(), defs_.escalations.end(), [&](const ErrorDefinition& e) { return e.id == node.escalation_ref; }))
        diag_.error(node.line, node.id, describe(node) + " refers to unknown escalation '" + node.escalation_ref + "'");
      if (node.trigger == EventTrigger::escalation && node.escalation_ref.empty() && node.kind != NodeKind::boundary_event)
        diag_.error(node.line, node.id, describe(node) + " throws an escalation without an escalationRef");
      if (!node.error_ref.empty() && !has_error(node.error_ref))
        diag_.error(node.line, node.id, describe(node) + " refers to unknown error '" + node.error_ref + "'");
    }
  }

  bool has_message(const std::string& id) const {
    return std::any_of(defs_.messages.begin(), defs_.messages.end(), [&](const Message& m) { return m.id == id; });
  }
  bool has_error(const std::string& id) const {
    return std::any_of(defs_.errors.begin(), defs_.errors.end(), [&](const ErrorDefinition& e) { return e.id == id; });
  }

  void check_roles(const FlowNode& node, const std::vector<std::string>& roles, const std::string& attribute) {
    for (const auto& role : roles) {
      if (p_.find_role(role)) continue;  // a lane's role
      const auto* org = options_.organisation_roles;
      if (!org) {
        diag_.warning(node.line, node.id, describe(node) + " names role '" + role + "' in " + attribute +
                                              ", which is no lane's role: not checked without an organisation (validate --org FILE)");
      } else if (!org->count(role)) {
        std::vector<std::string> known(org->begin(), org->end());
        for (const Role& r : p_.roles)
          if (!org->count(r.id)) known.push_back(r.id);
        diag_.error(node.line, node.id, describe(node) + " names unknown role '" + role + "' in " + attribute +
                                            (known.empty() ? std::string(" (the organisation has no roles)") : " (roles: " + join(known) + ")"));
      }
    }
  }

  void check_activities() {
    bool has_lanes = !p_.lanes.empty();
    for (const FlowNode& node : p_.nodes) {
      if (!is_activity(node.kind)) continue;
      const Raci& raci = node.raci;
      if (raci.responsible_explicit)
        check_roles(node, raci.responsible, raci.responsible_source.empty() ? "raci:responsible" : raci.responsible_source);
      if (raci.accountable_explicit) check_roles(node, raci.accountable, "raci:accountable");
      check_roles(node, raci.consulted, "raci:consulted");
      check_roles(node, raci.informed, "raci:informed");

      if (has_lanes && node.role.empty()) {
        diag_.warning(node.line, node.id, describe(node) + " is in no lane");
        if (!raci.responsible_explicit)
          diag_.error(node.line, node.id, describe(node) + " is in no lane and has no raci:responsible");
      }
      bool human = is_human_task(node.kind);
      if (human && raci.responsible.empty() && !(has_lanes && node.role.empty()))
        diag_.error(node.line, node.id, describe(node) + " has no Responsible role: put it in a lane or set raci:responsible");
      if ((human || raci.accountable_explicit || raci.responsible.size() > 1) && raci.accountable.size() != 1 &&
          !raci.responsible.empty()) {
        diag_.error(node.line, node.id, describe(node) + " needs exactly one Accountable role, has " +
                                   (raci.accountable.empty() ? std::string("none") : join(raci.accountable)) +
                                   ": set raci:accountable");
      }
      if (!node.due_text.empty() && !human)
        diag_.warning(node.line, node.id, "raci:due on " + describe(node) + " has no effect: only user and manual tasks fall due");
      for (const auto& other : node.separate_from) {
        const FlowNode* target = p_.find_node(other);
        if (!target || !is_activity(target->kind))
          diag_.error(node.line, node.id, "raci:separateFrom of " + describe(node) + " names unknown activity '" + other + "'");
        else if (other == node.id)
          diag_.error(node.line, node.id, "raci:separateFrom of " + describe(node) + " names the activity itself");
      }
      if (node.kind == NodeKind::call_activity) {
        if (node.called_element.empty())
          diag_.error(node.line, node.id, describe(node) + " has no calledElement");
        else if (options_.callable_processes && !options_.callable_processes->count(node.called_element))
          diag_.error(node.line, node.id, describe(node) + " calls process '" + node.called_element +
                                     "', which is not in the loaded files");
      }
    }
  }

  void check_lanes() {
    std::unordered_set<std::string> used;
    std::unordered_set<std::string> known_nodes;
    for (const FlowNode& node : p_.nodes) {
      known_nodes.insert(node.id);
      if (!node.role.empty()) used.insert(node.role);
      for (const auto* list : {&node.raci.responsible, &node.raci.accountable, &node.raci.consulted, &node.raci.informed})
        used.insert(list->begin(), list->end());
    }
    std::vector<bool> lane_used(p_.lanes.size());
    for (std::size_t l = p_.lanes.size(); l-- > 0;) {
      const Lane& lane = p_.lanes[l];
      for (const auto& ref : lane.node_refs)
        if (!known_nodes.count(ref))
          diag_.error(lane.line, lane.id, describe(lane) + " lists unknown flow node '" + ref + "'");
      lane_used[l] = lane_used[l] || used.count(lane.role) > 0;
      if (lane.parent >= 0 && lane_used[l]) lane_used[lane.parent] = true;
    }
    // A lane whose role nobody holds: its steps would reach no one, so a lane that holds
    // a step cannot be deployed so; an empty one is only a warning.
    if (const auto* org = options_.organisation_roles)
      for (const Lane& lane : p_.lanes) {
        if (lane.has_children || org->count(lane.role)) continue;
        bool holds_step = false;
        for (const auto& ref : lane.node_refs)
          if (const FlowNode* n = p_.find_node(ref); n && is_activity(n->kind) && n->role == lane.role) holds_step = true;
        std::string what = lane.role == lane.id ? describe(lane) + " has no raci:role"
                                                : describe(lane) + " has role '" + lane.role + "', which the organisation does not have";
        if (holds_step)
          diag_.error(lane.line, lane.id, what + ": its tasks would reach no one; choose one of the organisation's roles");
        else
          diag_.warning(lane.line, lane.id, what);
      }
    for (std::size_t l = 0; l < p_.lanes.size(); ++l)
      if (!lane_used[l])
        diag_.warning(p_.lanes[l].line, p_.lanes[l].id, describe(p_.lanes[l]) + " with role '" + p_.lanes[l].role +
                                            "' holds no step and is named in no RACI attribute");
  }

  const Definitions& defs_;
  const Process& p_;
  Diagnostics& diag_;
  const ValidationOptions& options_;
};

}  // namespace

void validate(const Definitions& definitions, Diagnostics& diagnostics, const ValidationOptions& options) {
  for (const Participant& participant : definitions.participants)
    if (!participant.process_ref.empty() && !definitions.find_process(participant.process_ref))
      diagnostics.error(participant.line, participant.id, "participant '" + participant.id + "' refers to unknown process '" +
                                              participant.process_ref + "'");
  if (definitions.processes.empty())
    diagnostics.error(1, "the file defines no process");
  for (const Process& process : definitions.processes) ProcessValidator(definitions, process, diagnostics, options).run();
}

}  // namespace raciflow::definitions
