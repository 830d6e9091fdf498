#include "definitions/model.h"

namespace raciflow::definitions {

const char* element_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::start_event: return "startEvent";
    case NodeKind::end_event: return "endEvent";
    case NodeKind::intermediate_catch_event: return "intermediateCatchEvent";
    case NodeKind::intermediate_throw_event: return "intermediateThrowEvent";
    case NodeKind::boundary_event: return "boundaryEvent";
    case NodeKind::task: return "task";
    case NodeKind::user_task: return "userTask";
    case NodeKind::manual_task: return "manualTask";
    case NodeKind::service_task: return "serviceTask";
    case NodeKind::script_task: return "scriptTask";
    case NodeKind::send_task: return "sendTask";
    case NodeKind::receive_task: return "receiveTask";
    case NodeKind::business_rule_task: return "businessRuleTask";
    case NodeKind::call_activity: return "callActivity";
    case NodeKind::sub_process: return "subProcess";
    case NodeKind::transaction: return "transaction";
    case NodeKind::ad_hoc_sub_process: return "adHocSubProcess";
    case NodeKind::exclusive_gateway: return "exclusiveGateway";
    case NodeKind::parallel_gateway: return "parallelGateway";
    case NodeKind::inclusive_gateway: return "inclusiveGateway";
    case NodeKind::event_based_gateway: return "eventBasedGateway";
    case NodeKind::complex_gateway: return "complexGateway";
  }
  return "?";
}

bool is_activity(NodeKind kind) { return kind >= NodeKind::task && kind <= NodeKind::ad_hoc_sub_process; }
bool is_gateway(NodeKind kind) { return kind >= NodeKind::exclusive_gateway; }
bool is_event(NodeKind kind) { return kind <= NodeKind::boundary_event; }
bool is_sub_process(NodeKind kind) {
  return kind == NodeKind::sub_process || kind == NodeKind::transaction || kind == NodeKind::ad_hoc_sub_process;
}
bool is_human_task(NodeKind kind) { return kind == NodeKind::user_task || kind == NodeKind::manual_task; }
bool waits_for_content(NodeKind kind) { return is_sub_process(kind) || kind == NodeKind::call_activity; }
bool passes_through(NodeKind kind) {
  return kind == NodeKind::task || kind == NodeKind::service_task || kind == NodeKind::script_task ||
         kind == NodeKind::business_rule_task || kind == NodeKind::send_task;
}
bool repeats_as_instances(NodeKind kind) {
  return is_human_task(kind) || kind == NodeKind::sub_process || kind == NodeKind::call_activity || passes_through(kind);
}

const char* trigger_name(EventTrigger trigger) {
  switch (trigger) {
    case EventTrigger::none: return "none";
    case EventTrigger::message: return "message";
    case EventTrigger::timer: return "timer";
    case EventTrigger::error: return "error";
    case EventTrigger::terminate: return "terminate";
    case EventTrigger::signal: return "signal";
    case EventTrigger::escalation: return "escalation";
    case EventTrigger::conditional: return "conditional";
    case EventTrigger::link: return "link";
    case EventTrigger::compensate: return "compensation";
    case EventTrigger::cancel: return "cancel";
    case EventTrigger::multiple: return "multiple";
  }
  return "?";
}

const FlowNode* Process::find_node(const std::string& node_id) const {
  int i = node_index(node_id);
  return i < 0 ? nullptr : &nodes[i];
}

int Process::node_index(const std::string& node_id) const {
  auto it = index.find(node_id);
  return it == index.end() ? -1 : it->second;
}

int Process::flow_index(const std::string& flow_id) const {
  auto it = flow_ids.find(flow_id);
  return it == flow_ids.end() ? -1 : it->second;
}

EventPlace Process::place_of(const FlowNode& node) const {
  if (node.parent < 0) return EventPlace::process;
  return nodes[node.parent].triggered_by_event ? EventPlace::event_sub_process : EventPlace::sub_process;
}

bool trigger_executed(NodeKind kind, EventTrigger t, EventPlace place) {
  switch (kind) {
    case NodeKind::start_event:
      switch (place) {
        case EventPlace::process:
          return t == EventTrigger::none || t == EventTrigger::message || t == EventTrigger::timer || t == EventTrigger::signal ||
                 t == EventTrigger::multiple;
        case EventPlace::sub_process: return t == EventTrigger::none;
        case EventPlace::event_sub_process:
          return t == EventTrigger::message || t == EventTrigger::timer || t == EventTrigger::signal || t == EventTrigger::error ||
                 t == EventTrigger::escalation || t == EventTrigger::conditional || t == EventTrigger::multiple ||
                 t == EventTrigger::compensate;
      }
      return false;
    case NodeKind::end_event:
      return t == EventTrigger::none || t == EventTrigger::terminate || t == EventTrigger::message || t == EventTrigger::error ||
             t == EventTrigger::signal || t == EventTrigger::escalation || t == EventTrigger::compensate ||
             (t == EventTrigger::cancel && place == EventPlace::sub_process) || t == EventTrigger::multiple;
    case NodeKind::intermediate_catch_event:
      return t == EventTrigger::timer || t == EventTrigger::message || t == EventTrigger::signal || t == EventTrigger::conditional ||
             t == EventTrigger::link || t == EventTrigger::multiple;
    case NodeKind::intermediate_throw_event:
      return t == EventTrigger::none || t == EventTrigger::message || t == EventTrigger::signal || t == EventTrigger::escalation ||
             t == EventTrigger::link || t == EventTrigger::compensate || t == EventTrigger::multiple;
    case NodeKind::boundary_event:
      return t == EventTrigger::timer || t == EventTrigger::message || t == EventTrigger::error || t == EventTrigger::signal ||
             t == EventTrigger::escalation || t == EventTrigger::conditional || t == EventTrigger::compensate ||
             t == EventTrigger::cancel || t == EventTrigger::multiple;
    default: return true;
  }
}

const Role* Process::find_role(const std::string& role_id) const {
  for (const auto& role : roles)
    if (role.id == role_id) return &role;
  return nullptr;
}

const Process* Definitions::find_process(const std::string& process_id) const {
  for (const auto& p : processes)
    if (p.id == process_id) return &p;
  return nullptr;
}

}  // namespace raciflow::definitions
