#include "definitions/validate.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "definitions/process_graph.h"

namespace raciflow::definitions {
namespace {

// What an element is called in Danish (element_name() gives the BPMN word).
const char* danish_kind(NodeKind kind) {
  switch (kind) {
    case NodeKind::start_event: return "starthændelsen";
    case NodeKind::end_event: return "sluthændelsen";
    case NodeKind::intermediate_catch_event: return "den ventende mellemhændelse";
    case NodeKind::intermediate_throw_event: return "den udsendende mellemhændelse";
    case NodeKind::boundary_event: return "grænsehændelsen";
    case NodeKind::task: return "opgaven";
    case NodeKind::user_task: return "brugeropgaven";
    case NodeKind::manual_task: return "den manuelle opgave";
    case NodeKind::service_task: return "serviceopgaven";
    case NodeKind::script_task: return "scriptopgaven";
    case NodeKind::send_task: return "sendeopgaven";
    case NodeKind::receive_task: return "modtageopgaven";
    case NodeKind::business_rule_task: return "forretningsregelopgaven";
    case NodeKind::call_activity: return "den kaldte aktivitet";
    case NodeKind::sub_process: return "delprocessen";
    case NodeKind::transaction: return "transaktionen";
    case NodeKind::ad_hoc_sub_process: return "ad hoc-delprocessen";
    case NodeKind::exclusive_gateway: return "den eksklusive gateway";
    case NodeKind::parallel_gateway: return "den parallelle gateway";
    case NodeKind::inclusive_gateway: return "den inklusive gateway";
    case NodeKind::event_based_gateway: return "den hændelsesbaserede gateway";
    case NodeKind::complex_gateway: return "den komplekse gateway";
  }
  return "?";
}

// An element as a person knows it: its name, with the id the file uses beside it.
Words describe(const FlowNode& node) {
  std::string who = node.name.empty() || node.name == node.id ? "'" + node.id + "'" : "'" + node.name + "' (" + node.id + ")";
  return {std::string(element_name(node.kind)) + " " + who, std::string(danish_kind(node.kind)) + " " + who};
}

Words describe(const Lane& lane) {
  std::string who = lane.name.empty() || lane.name == lane.id ? "'" + lane.id + "'" : "'" + lane.name + "' (" + lane.id + ")";
  return {"lane " + who, "banen " + who};
}

// A finding of the catalogue with its values.
Phrase say(std::string id, std::vector<std::pair<std::string, Words>> values) { return {std::move(id), std::move(values), ""}; }

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
        diag_.error(p_.line, p_.id, say("process.no_nodes", {{"process", p_.id}}));
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
        diag_.error(flow.line, flow.id, say("flow.unknown_source", {{"flow", flow.id}, {"ref", flow.source_ref}}));
        known = false;
      }
      if (flow.target < 0) {
        diag_.error(flow.line, flow.id, say("flow.unknown_target", {{"flow", flow.id}, {"ref", flow.target_ref}}));
        known = false;
      }
      if (!known) continue;
      const FlowNode& source = p_.nodes[flow.source];
      const FlowNode& target = p_.nodes[flow.target];
      if (source.parent != flow.scope || target.parent != flow.scope)
        diag_.error(flow.line, flow.id, say("flow.crosses_boundary", {{"flow", flow.id}, {"source", source.id}, {"target", target.id}}));
      if (target.kind == NodeKind::start_event)
        diag_.error(flow.line, flow.id, say("flow.into_start", {{"flow", flow.id}, {"target", target.id}}));
      if (source.kind == NodeKind::end_event)
        diag_.error(flow.line, flow.id, say("flow.out_of_end", {{"flow", flow.id}, {"source", source.id}}));
    }
  }

  void check_starts() {
    bool process_start = false;
    for (const FlowNode& node : p_.nodes)
      process_start |= node.parent < 0 && (node.kind == NodeKind::start_event || (node.instantiate && node.incoming.empty()));
    if (!process_start) diag_.error(p_.line, p_.id, say("process.no_start", {{"process", p_.id}}));
    for (std::size_t i = 0; i < p_.nodes.size(); ++i) {
      const FlowNode& sub = p_.nodes[i];
      if (!is_sub_process(sub.kind) || sub.kind == NodeKind::ad_hoc_sub_process) continue;
      bool has_start = false, has_content = false;
      for (const FlowNode& node : p_.nodes) {
        if (node.parent != static_cast<int>(i)) continue;
        has_content = true;
        has_start |= node.kind == NodeKind::start_event;
      }
      if (has_content && !has_start) diag_.error(sub.line, sub.id, say("sub.no_start", {{"node", describe(sub)}}));
    }
  }

  void check_reachability() {
    ProcessGraph graph(p_);
    auto reachable = graph.reachable_from_start();
    auto ends = graph.can_reach_end();
    for (std::size_t i = 0; i < p_.nodes.size(); ++i) {
      const FlowNode& node = p_.nodes[i];
      if (!reachable[i]) {
        diag_.error(node.line, node.id, say("node.unreachable", {{"node", describe(node)}}));
        continue;
      }
      if (!ends[i]) diag_.error(node.line, node.id, say("node.no_end", {{"node", describe(node)}}));
      bool link_throw = node.kind == NodeKind::intermediate_throw_event && node.trigger == EventTrigger::link;
      bool expected_sink = node.kind == NodeKind::end_event || link_throw || node.triggered_by_event ||
                           node.is_for_compensation ||
                           (node.parent >= 0 && p_.nodes[node.parent].kind == NodeKind::ad_hoc_sub_process) ||
                           (node.kind == NodeKind::boundary_event && node.trigger == EventTrigger::compensate);
      if (node.outgoing.empty() && !expected_sink)
        diag_.warning(node.line, node.id, say("node.dead_end", {{"node", describe(node)}}));
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
        diag_.warning(g.line, g.id, say("gateway.does_nothing", {{"node", describe(g)}}));
      if (!g.default_flow.empty()) {
        bool found = false;
        for (int f : g.outgoing) found |= p_.flows[f].id == g.default_flow;
        if (!found) diag_.error(g.line, g.id, say("gateway.bad_default", {{"node", describe(g)}, {"flow", g.default_flow}}));
      }
      bool conditional = g.kind == NodeKind::exclusive_gateway || g.kind == NodeKind::inclusive_gateway ||
                         g.kind == NodeKind::complex_gateway;
      if (conditional && g.outgoing.size() >= 2) {
        for (int f : g.outgoing) {
          const SequenceFlow& flow = p_.flows[f];
          if (!flow.condition && flow.id != g.default_flow)
            diag_.error(flow.line, flow.id,
                        say("flow.no_condition", {{"flow", flow.id},
                                                  {"split", g.kind == NodeKind::exclusive_gateway   ? Words{"exclusive", "den eksklusive"}
                                                            : g.kind == NodeKind::inclusive_gateway ? Words{"inclusive", "den inklusive"}
                                                                                                    : Words{"complex", "den komplekse"}},
                                                  {"gateway", g.id}}));
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
            diag_.error(p_.flows[f].line, p_.flows[f].id, say("gateway.event_target", {{"gateway", g.id}, {"node", describe(target)}}));
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
            diag_.warning(g.line, g.id,
                          say("join.waits_forever", {{"gateway", g.id},
                                                     {"split", s.kind == NodeKind::exclusive_gateway ? Words{"exclusive", "den eksklusive"}
                                                                                                     : Words{"event-based", "den hændelsesbaserede"}},
                                                     {"source", s.id},
                                                     {"line", std::to_string(s.line)}}));
        }
      }
    }
  }

  void check_events() {
    for (const FlowNode& node : p_.nodes) {
      if (node.kind == NodeKind::boundary_event) {
        const FlowNode* host = p_.find_node(node.attached_to);
        if (!host)
          diag_.error(node.line, node.id, say("event.unknown_host", {{"node", describe(node)}, {"ref", node.attached_to}}));
        else if (!is_activity(host->kind))
          diag_.error(node.line, node.id, say("event.host_not_activity", {{"node", describe(node)}, {"host", describe(*host)}}));
      }
      if (!node.message_ref.empty() && !has_message(node.message_ref))
        diag_.error(node.line, node.id, say("event.unknown_message", {{"node", describe(node)}, {"ref", node.message_ref}}));
      if (node.trigger == EventTrigger::signal) {
        if (node.signal_ref.empty())
          diag_.error(node.line, node.id, say("event.no_signal_ref", {{"node", describe(node)}}));
        else if (std::none_of(defs_.signals.begin(), defs_.signals.end(), [&](const Message& s) { return s.id == node.signal_ref; }))
          diag_.error(node.line, node.id, say("event.unknown_signal", {{"node", describe(node)}, {"ref", node.signal_ref}}));
      }
      if (!node.escalation_ref.empty() &&
          std::none_of(defs_.escalations.begin(), defs_.escalations.end(), [&](const ErrorDefinition& e) { return e.id == node.escalation_ref; }))
        diag_.error(node.line, node.id, say("event.unknown_escalation", {{"node", describe(node)}, {"ref", node.escalation_ref}}));
      if (node.trigger == EventTrigger::escalation && node.escalation_ref.empty() && node.kind != NodeKind::boundary_event)
        diag_.error(node.line, node.id, say("event.no_escalation_ref", {{"node", describe(node)}}));
      if (!node.error_ref.empty() && !has_error(node.error_ref))
        diag_.error(node.line, node.id, say("event.unknown_error", {{"node", describe(node)}, {"ref", node.error_ref}}));
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
        diag_.warning(node.line, node.id, say("role.not_checked", {{"node", describe(node)}, {"role", role}, {"attribute", attribute}}));
      } else if (!org->count(role)) {
        std::vector<std::string> known(org->begin(), org->end());
        for (const Role& r : p_.roles)
          if (!org->count(r.id)) known.push_back(r.id);
        Words list = known.empty() ? Words{"the organisation has no roles", "organisationen har ingen roller"}
                                   : Words{"roles: " + join(known), "roller: " + join(known)};
        diag_.error(node.line, node.id, say("role.unknown", {{"node", describe(node)}, {"role", role}, {"attribute", attribute}, {"known", list}}));
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
        diag_.warning(node.line, node.id, say("activity.no_lane", {{"node", describe(node)}}));
        if (!raci.responsible_explicit)
          diag_.error(node.line, node.id, say("activity.no_lane_no_r", {{"node", describe(node)}}));
      }
      bool human = is_human_task(node.kind);
      if (human && raci.responsible.empty() && !(has_lanes && node.role.empty()))
        diag_.error(node.line, node.id, say("activity.no_r", {{"node", describe(node)}}));
      if ((human || raci.accountable_explicit || raci.responsible.size() > 1) && raci.accountable.size() != 1 &&
          !raci.responsible.empty()) {
        diag_.error(node.line, node.id,
                    say("activity.one_a", {{"node", describe(node)},
                                           {"roles", raci.accountable.empty() ? Words{"none", "ingen"} : Words{join(raci.accountable)}}}));
      }
      if (raci.consult == ConsultPolicy::before && raci.consulted.empty())
        diag_.warning(node.line, node.id, say("activity.consult_nobody", {{"node", describe(node)}}));
      if (!node.due_text.empty() && !human)
        diag_.warning(node.line, node.id, say("activity.due_ignored", {{"node", describe(node)}}));
      for (const auto& other : node.separate_from) {
        const FlowNode* target = p_.find_node(other);
        if (!target || !is_activity(target->kind))
          diag_.error(node.line, node.id, say("activity.separate_unknown", {{"node", describe(node)}, {"ref", other}}));
        else if (other == node.id)
          diag_.error(node.line, node.id, say("activity.separate_self", {{"node", describe(node)}}));
      }
      if (node.kind == NodeKind::call_activity) {
        if (node.called_element.empty())
          diag_.error(node.line, node.id, say("call.no_called_element", {{"node", describe(node)}}));
        else if (options_.callable_processes && !options_.callable_processes->count(node.called_element))
          diag_.error(node.line, node.id, say("call.not_loaded", {{"node", describe(node)}, {"ref", node.called_element}}));
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
          diag_.error(lane.line, lane.id, say("lane.unknown_node", {{"lane", describe(lane)}, {"ref", ref}}));
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
        bool unnamed = lane.role == lane.id;
        if (holds_step)
          diag_.error(lane.line, lane.id,
                      say(unnamed ? "lane.no_role_steps" : "lane.role_unknown_steps", {{"lane", describe(lane)}, {"role", lane.role}}));
        else
          diag_.warning(lane.line, lane.id, say(unnamed ? "lane.no_role" : "lane.role_unknown", {{"lane", describe(lane)}, {"role", lane.role}}));
      }
    for (std::size_t l = 0; l < p_.lanes.size(); ++l)
      if (!lane_used[l])
        diag_.warning(p_.lanes[l].line, p_.lanes[l].id, say("lane.unused", {{"lane", describe(p_.lanes[l])}, {"role", p_.lanes[l].role}}));
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
