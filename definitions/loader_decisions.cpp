// The DMN decision a business-rule task evaluates, as three modelers write it:
//   raciflow:   raci:decision="risk-level" raci:resultVariable="risk"
//   Camunda 8:  <zeebe:calledDecision decisionId="risk-level" resultVariable="risk"/>
//   Camunda 7:  camunda:decisionRef="risk-level" camunda:resultVariable="risk"
//               (with camunda:mapDecisionResult, camunda:decisionRefBinding="version" and
//               camunda:decisionRefVersion)
// What raciflow cannot honour (a binding to a version tag or tenant, a decision named by
// an expression) is refused here, never evaluated some other way.
#include "definitions/loader_internal.h"

namespace raciflow::definitions::loading {

namespace {

using Mapping = CalledDecision::Mapping;

std::optional<Mapping> mapping_of(std::string_view text) {
  if (text == "singleEntry") return Mapping::single_entry;
  if (text == "singleResult") return Mapping::single_result;
  if (text == "collectEntries") return Mapping::collect_entries;
  if (text == "resultList") return Mapping::result_list;
  return std::nullopt;
}

bool is_expression(const std::string& value) { return value.rfind("=", 0) == 0 || value.rfind("${", 0) == 0 || value.rfind("#{", 0) == 0; }

}  // namespace

const std::set<std::string>& Loader::camunda_decision_attributes() {
  static const std::set<std::string> names{"decisionRef",       "resultVariable",        "mapDecisionResult",  "decisionRefBinding",
                                           "decisionRefVersion", "decisionRefVersionTag", "decisionRefTenantId"};
  return names;
}

void Loader::load_called_decision(pugi::xml_node element, FlowNode& node) {
  std::vector<CalledDecision> found;
  if (node.called_decision) found.push_back(*node.called_decision);  // raci:decision, read with the raci attributes
  node.called_decision.reset();
  auto refuse = [&](int at, const std::string& message) {
    diag_.error(at, node.id, message);
    refused_decisions_.insert(node.id);
  };

  // Camunda 8: an element among the extension elements.
  for (pugi::xml_node child : element.children()) {
    if (child.type() != pugi::node_element || local_name(child.name()) != "extensionElements") continue;
    for (pugi::xml_node ext : child.children()) {
      if (ext.type() != pugi::node_element || local_name(ext.name()) != "calledDecision" || namespace_of(ext) != kZeebeNamespace) continue;
      std::string what = "zeebe:calledDecision of '" + node.id + "'";
      std::string binding = ext.attribute("bindingType").value();
      if (!binding.empty() && binding != "latest") {
        refuse(line(ext), what + " binds the decision by '" + binding +
                              "'; raciflow evaluates the latest deployed version and records which (leave bindingType out, or write latest)");
        continue;
      }
      found.push_back({trim(ext.attribute("decisionId").value()), trim(ext.attribute("resultVariable").value()), 0, Mapping::dmn,
                       "zeebe:calledDecision", line(ext)});
    }
  }

  // Camunda 7: attributes of the task.
  CalledDecision camunda{{}, {}, 0, Mapping::result_list, "camunda:decisionRef", node.line};
  bool has_camunda = false;
  std::string binding, version_text;
  for (pugi::xml_attribute attr : element.attributes()) {
    std::string_view prefix = prefix_of(attr.name());
    if (prefix.empty() || namespace_for(element, prefix) != kCamundaNamespace) continue;
    std::string_view name = local_name(attr.name());
    std::string value = trim(attr.value());
    if (name == "decisionRef") {
      camunda.decision = value;
      has_camunda = true;
    } else if (name == "resultVariable") {
      camunda.result_variable = value;
    } else if (name == "mapDecisionResult") {
      if (auto m = mapping_of(value)) camunda.mapping = *m;
      else refuse(node.line, "camunda:mapDecisionResult of '" + node.id + "' is '" + value +
                                 "', not singleEntry, singleResult, collectEntries or resultList");
    } else if (name == "decisionRefBinding") {
      binding = value;
    } else if (name == "decisionRefVersion") {
      version_text = value;
    } else if (name == "decisionRefVersionTag" || name == "decisionRefTenantId") {
      refuse(node.line, "camunda:" + std::string(name) + " of '" + node.id +
                            "' is not one raciflow can honour: it keeps one organisation's decisions, found by id and version");
    }
  }
  if (has_camunda) {
    if (binding == "version") {
      int v = 0;
      bool whole = !version_text.empty() && version_text.size() < 7 &&
                   std::all_of(version_text.begin(), version_text.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (whole) v = std::stoi(version_text);
      if (v < 1) refuse(node.line, "camunda:decisionRefVersion of '" + node.id + "' must be a version number (1 or more), not '" + version_text + "'");
      camunda.version = v;
    } else if (!binding.empty() && binding != "latest") {
      refuse(node.line, "camunda:decisionRefBinding of '" + node.id + "' is '" + binding +
                            "'; raciflow evaluates the latest deployed version, or the one decisionRefBinding=\"version\" names");
    } else if (!version_text.empty()) {
      refuse(node.line, "camunda:decisionRefVersion of '" + node.id + "' needs camunda:decisionRefBinding=\"version\"");
    }
    found.push_back(camunda);
  }

  if (found.empty()) return;
  const CalledDecision& first = found.front();
  if (node.kind != NodeKind::business_rule_task) {
    diag_.warning(first.line, node.id, first.source + " on " + std::string(element_name(node.kind)) + " '" + node.id +
                                           "' has no effect: only a business-rule task evaluates a decision");
    return;
  }
  for (const auto& other : found)
    if (other.decision != first.decision) {
      refuse(other.line, "'" + node.id + "' names two decisions, '" + first.decision + "' (" + first.source + ") and '" + other.decision +
                             "' (" + other.source + ")");
      return;
    }
  std::string what = first.source + " of '" + node.id + "'";
  if (first.decision.empty()) return refuse(first.line, what + " names no decision");
  if (is_expression(first.decision))
    return refuse(first.line, what + " is an expression ('" + first.decision + "'); name the decision by its id or name");
  CalledDecision chosen = first;
  for (const auto& other : found) {
    if (chosen.result_variable.empty()) chosen.result_variable = other.result_variable;
    if (other.version) chosen.version = other.version;
  }
  // Written the raciflow or Camunda 8 way beside Camunda 7's, the result keeps DMN's shape.
  if (found.size() > 1) chosen.mapping = Mapping::dmn;
  if (chosen.result_variable.empty())
    return refuse(first.line, what + " gives no result variable (raci:resultVariable, resultVariable): the decision's result would land nowhere");
  if (!is_identifier(chosen.result_variable))
    return refuse(first.line, what + " has result variable '" + chosen.result_variable + "', which is not a variable name");
  node.called_decision = chosen;
}

}  // namespace raciflow::definitions::loading
