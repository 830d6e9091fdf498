// Running the samples as live cases in scenario tests.
#pragma once

#include <filesystem>
#include <regex>

#include "runtime_support.h"

namespace raciflow::testing {

// The roles notified of a case, in order, of one kind (informed, escalation, consultation).
inline std::vector<std::string> notified(const Workspace& w, const std::string& case_id, const std::string& kind) {
  std::vector<std::string> roles;
  for (const auto& item : w.cli({"outbox", "--json"}).json())
    if (item["case"] == case_id && item["kind"] == kind) roles.push_back(item["role"]);
  return roles;
}

// Completes the open task at `node`, checking first that it is routed to `role`.
inline void complete(const Workspace& w, const std::string& case_id, const std::string& node, const std::string& role,
                     const std::string& person, std::vector<std::string> vars = {}) {
  auto task = open_task(w, case_id, node);
  INFO(node);
  REQUIRE(task.is_object());
  CHECK(task["role"] == role);
  std::vector<std::string> args = {"complete", std::to_string(task["id"].get<long long>()), "--as", person};
  for (auto& v : vars) args.insert(args.end(), {"--var", v});
  w.ok(args);
}

struct Step {
  std::string node, role, person;
  std::vector<std::string> vars = {};
};

// Completes the steps in order, each checked against its role.
inline void walk(const Workspace& w, const std::string& id, const std::vector<Step>& steps) {
  for (const auto& s : steps) complete(w, id, s.node, s.role, s.person, s.vars);
}

// The steps a case passed through (node_entered events, which records carry), in order.
inline std::vector<std::string> route(const Workspace& w, const std::string& case_id) {
  std::vector<std::string> nodes;
  for (const auto& r : w.cli({"audit", case_id, "--format", "json"}).json()) {
    if (r["action"] == "node_entered") nodes.push_back(r["node"]);
    for (const auto& e : r.value("events", nlohmann::json::array()))
      if (e["action"] == "node_entered") nodes.push_back(e["node"]);
  }
  return nodes;
}

inline bool passed(const std::vector<std::string>& route, const std::string& node) {
  return std::find(route.begin(), route.end(), node) != route.end();
}

// The audit record of the completion of `node`, or null.
inline nlohmann::json completion(const Workspace& w, const std::string& case_id, const std::string& node) {
  for (const auto& r : w.cli({"audit", case_id, "--format", "json"}).json())
    if (r["action"] == "task_completed" && r["node"] == node) return r;
  return nullptr;
}

// Deploys every sample flow and loads the sample organisation, at the workspace's clock.
inline void deploy_samples(const Workspace& w) {
  std::vector<std::string> args = {"deploy"};
  for (const auto& e : std::filesystem::directory_iterator(std::string(RACIFLOW_SOURCE_DIR) + "/samples"))
    if (e.path().extension() == ".bpmn") args.push_back(e.path().string());
  args.insert(args.end(), {"--as", "anna"});
  w.ok(args);
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
}

// A definitions file with one process `id` around `body`, every flow node of it in one
// security-function lane; `extra` goes before the process (messages, signals, escalations).
inline std::string single_lane_file(const std::string& id, const std::string& body, const std::string& extra = "") {
  static const std::regex node(
      R"re(<(startEvent|endEvent|intermediateCatchEvent|intermediateThrowEvent|boundaryEvent|task|userTask|manualTask|serviceTask|scriptTask|sendTask|receiveTask|businessRuleTask|callActivity|subProcess|adHocSubProcess|transaction|exclusiveGateway|parallelGateway|inclusiveGateway|eventBasedGateway|complexGateway) id="([^"]+)")re");
  std::string refs;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), node); it != std::sregex_iterator(); ++it)
    refs += "<flowNodeRef>" + (*it)[2].str() + "</flowNodeRef>";
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" id="d-)" + id +
         R"(" targetNamespace="urn:raciflow:tests">
)" + extra + R"(
  <process id=")" + id + R"(" isExecutable="true">
    <laneSet id="ls"><lane id="sf" raci:role="security-function">)" + refs + R"(</lane></laneSet>
)" + body + R"(
  </process>
</definitions>
)";
}

// Every sample deployed, the sample organisation loaded.
class Isms : public Workspace {
 public:
  Isms() { deploy_samples(*this); }
};

}  // namespace raciflow::testing
