// A small driver for engine tests: one process from inline BPMN, one case, commands by
// node id, and a check after every command that replaying the events rebuilds the state.
#pragma once

#include <catch2/catch.hpp>

#include <regex>

#include "definitions/loader.h"
#include "definitions/validate.h"
#include "engine/engine.h"

namespace raciflow::testing {

using namespace raciflow::engine;

inline TimePoint at(const char* iso) { return *definitions::parse_date_time(iso); }

class Flow {
 public:
  explicit Flow(const std::string& xml, const std::string& process_id = "p") : diagnostics_("test.bpmn") {
    auto loaded = definitions::load_text(xml, "test.bpmn", diagnostics_);
    REQUIRE(loaded);
    definitions_ = std::make_unique<definitions::Definitions>(std::move(*loaded));
    definitions::validate(*definitions_, diagnostics_);
    std::string findings;
    for (const auto& d : diagnostics_.all())
      if (d.severity == definitions::Severity::error) findings += d.format() + "\n";
    INFO(findings);
    REQUIRE_FALSE(diagnostics_.has_errors());
    const auto* process = definitions_->find_process(process_id);
    REQUIRE(process);
    executable_ = std::make_unique<ExecutableProcess>(*definitions_, *process, 1);
    engine_ = std::make_unique<Engine>(*executable_);
  }

  const Engine& engine() const { return *engine_; }
  const definitions::Process& process() const { return executable_->process(); }
  const ExecutableProcess& executable() const { return *executable_; }

 private:
  definitions::Diagnostics diagnostics_;
  std::unique_ptr<definitions::Definitions> definitions_;
  std::unique_ptr<ExecutableProcess> executable_;
  std::unique_ptr<Engine> engine_;
};

class Case {
 public:
  explicit Case(const Flow& flow) : flow_(flow) {}

  TimePoint now = at("2026-03-02T09:00:00Z");
  CaseState state;
  std::vector<Event> log;
  std::string refusal;
  RefusalKind refusal_kind = RefusalKind::invalid;  // of the last refusal

  // Runs a command; returns true when it was accepted.
  bool run(const Command& command, const Actor& actor = {"system", {}}) {
    Outcome outcome = flow_.engine().handle(state, command, actor, now);
    if (outcome.refusal) {
      refusal = *outcome.refusal;
      refusal_kind = outcome.kind;
      UNSCOPED_INFO("refused: " << refusal);
      REQUIRE(outcome.events.empty());
      return false;
    }
    refusal.clear();
    for (const auto& e : outcome.events) {
      apply(state, e, flow_.process());
      log.push_back(e);
    }
    CaseState replayed = flow_.engine().replay(log);
    CHECK(replayed.status == state.status);
    CHECK(replayed.tokens.size() == state.tokens.size());
    CHECK(replayed.tasks.size() == state.tasks.size());
    CHECK(replayed.variables == state.variables);
    return true;
  }

  bool start(nlohmann::json variables = nlohmann::json::object(), std::string message = "") {
    return run(command::Start{"case-1", std::move(message), "", std::move(variables)});
  }

  // The open (or claimed) task at `node`, or nullptr.
  const Task* task(const std::string& node) const {
    for (const auto& [id, t] : state.tasks)
      if (t.node_id == node && (t.status == TaskStatus::open || t.status == TaskStatus::claimed)) return &t;
    return nullptr;
  }

  std::vector<std::string> open_tasks() const {
    std::vector<std::string> nodes;
    for (const auto& [id, t] : state.tasks)
      if (t.status == TaskStatus::open || t.status == TaskStatus::claimed) nodes.push_back(t.node_id);
    return nodes;
  }

  bool complete(const std::string& node, const std::string& person, std::vector<std::string> roles,
                nlohmann::json variables = nlohmann::json::object()) {
    const Task* t = task(node);
    REQUIRE(t);
    return run(command::Complete{t->id, std::move(variables)}, Actor{person, std::move(roles)});
  }

  // Completes the open task at `node` as a person holding exactly its Responsible roles.
  bool complete(const std::string& node, nlohmann::json variables = nlohmann::json::object()) {
    const Task* t = task(node);
    REQUIRE(t);
    return complete(node, "anna", t->responsible, std::move(variables));
  }

  bool correlate(const std::string& message, nlohmann::json variables = nlohmann::json::object()) {
    return run(command::Correlate{message, std::move(variables)});
  }

  bool tick(const char* iso) {
    now = at(iso);
    return run(command::FireDue{});
  }

  std::size_t count(EventKind kind, const std::string& node = "") const {
    std::size_t n = 0;
    for (const auto& e : log)
      if (e.kind == kind && (node.empty() || e.node == node)) ++n;
    return n;
  }

  bool entered(const std::string& node) const { return count(EventKind::node_entered, node) > 0; }

 private:
  const Flow& flow_;
};

// A process around `body` with the four roles as lanes. Every flow node of `body` sits in
// the security-function lane; steps name other Responsible roles with raci:responsible.
inline std::string process_xml(const std::string& body, const std::string& extra = "") {
  static const std::regex node(R"re(<(startEvent|endEvent|intermediateCatchEvent|intermediateThrowEvent|boundaryEvent|task|userTask|manualTask|serviceTask|scriptTask|sendTask|receiveTask|businessRuleTask|callActivity|subProcess|adHocSubProcess|transaction|exclusiveGateway|complexGateway|parallelGateway|inclusiveGateway|eventBasedGateway) id="([^"]+)")re");
  std::string refs;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), node); it != std::sregex_iterator(); ++it)
    refs += "<flowNodeRef>" + (*it)[2].str() + "</flowNodeRef>";
  return R"(<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" id="definitions">
)" + extra + R"(<process id="p">
<laneSet id="ls">
  <lane id="top-management"/><lane id="security-committee"/><lane id="security-function">)" + refs + R"(</lane><lane id="business-functions"/>
</laneSet>
)" + body + "</process>\n</definitions>\n";
}

using Steps = std::vector<std::string>;

inline std::string flow(const std::string& id, const std::string& from, const std::string& to, const std::string& condition = "") {
  if (condition.empty()) return "<sequenceFlow id=\"" + id + "\" sourceRef=\"" + from + "\" targetRef=\"" + to + "\"/>\n";
  return "<sequenceFlow id=\"" + id + "\" sourceRef=\"" + from + "\" targetRef=\"" + to + "\"><conditionExpression>" +
         condition + "</conditionExpression></sequenceFlow>\n";
}

// A user task of the security function.
inline std::string user_task(const std::string& id, const std::string& extra = "") {
  return "<userTask id=\"" + id + "\" raci:responsible=\"security-function\"" + extra + "/>\n";
}

// The nodes entered, in order.
inline Steps steps(const Case& c) {
  Steps out;
  for (const auto& e : c.log)
    if (e.kind == EventKind::node_entered) out.push_back(e.node);
  return out;
}

// The definition deploys: nothing in it is refused.
inline void require_executable(const Flow& f) {
  auto problems = check_executable(f.process());
  std::string text;
  for (const auto& p : problems) text += p.message + "\n";
  INFO(text);
  REQUIRE(problems.empty());
}

}  // namespace raciflow::testing
