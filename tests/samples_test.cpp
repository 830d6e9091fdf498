// Scenario tests over samples/: every sample is clean, and the deviation-handling flow
// is the cycle of DOMAIN.md with its RACI.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include <pugixml.hpp>

#include "definitions/definition_set.h"
#include "definitions/raci.h"

using namespace raciflow::definitions;

namespace {

std::string sample(const std::string& name) { return std::string(RACIFLOW_SOURCE_DIR) + "/samples/" + name; }

const Process& only_process(const LoadedFile& file) {
  REQUIRE(file.definitions);
  REQUIRE(file.definitions->processes.size() == 1);
  return file.definitions->processes.front();
}

}  // namespace

TEST_CASE("every sample validates without errors or warnings") {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(RACIFLOW_SOURCE_DIR) + "/samples"))
    if (entry.path().extension() == ".bpmn") files.push_back(entry.path().string());
  REQUIRE_FALSE(files.empty());
  for (const auto& file : load_and_validate(files, /*resolve_calls=*/true)) {
    INFO(file.diagnostics.file());
    for (const auto& d : file.diagnostics.all()) FAIL_CHECK(d.format());
  }
}

TEST_CASE("deviation handling: one message start per kind of input, four roles as lanes") {
  auto files = load_and_validate({sample("deviation-handling.bpmn")}, false);
  const Process& p = only_process(files.front());
  std::vector<std::string> roles;
  for (const auto& r : p.roles) roles.push_back(r.id);
  CHECK(roles == std::vector<std::string>{"top-management", "security-committee", "security-function", "business-functions"});
  std::vector<std::string> starts;
  for (const auto& n : p.nodes)
    if (n.kind == NodeKind::start_event) {
      CHECK(n.trigger == EventTrigger::message);
      starts.push_back(n.id);
    }
  CHECK(starts == std::vector<std::string>{"input-annual-wheel", "input-annual-plan", "input-external"});
}

TEST_CASE("deviation handling: the RACI matrix follows the cycle in flow order") {
  auto files = load_and_validate({sample("deviation-handling.bpmn"), sample("corrective-action.bpmn")}, true);
  const Process& p = only_process(files.front());
  RaciMatrix m = raci_matrix(p);
  std::vector<std::string> steps;
  for (const auto& row : m.rows) steps.push_back(row.step->id);
  CHECK(steps == std::vector<std::string>{"assess-input", "committee-question", "committee-decides", "function-decides", "inform-functions",
                                          "carry-out", "report-back", "record-outcome", "corrective-action"});
  // columns: top-management, security-committee, security-function, business-functions
  CHECK(m.rows[0].cells == std::vector<std::string>{"", "", "R/A", "C"});
  CHECK(m.rows[1].cells == std::vector<std::string>{"", "", "R/A", ""});  // the decision table the security function owns
  CHECK(m.rows[2].cells == std::vector<std::string>{"I", "R/A", "C", ""});
  CHECK(m.rows[5].cells == std::vector<std::string>{"", "", "C", "R/A"});
  for (const auto& row : m.rows) {
    INFO(row.step->id);
    if (row.step->kind == NodeKind::call_activity) continue;  // the corrective-action sub-flow
    if (row.step->kind == NodeKind::business_rule_task) {     // decided by its table, at once
      CHECK(row.step->called_decision);
      continue;
    }
    CHECK(row.step->kind == NodeKind::user_task);
    CHECK(row.step->raci.accountable.size() == 1);
    CHECK(row.step->due);
    CHECK_FALSE(row.step->iso.empty());
  }
}

TEST_CASE("every sample has a diagram shape for each flow node and lane, and an edge for each flow") {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(RACIFLOW_SOURCE_DIR) + "/samples")) {
    if (entry.path().extension() != ".bpmn") continue;
    INFO(entry.path().filename().string());
    pugi::xml_document doc;
    REQUIRE(doc.load_file(entry.path().c_str()));
    std::set<std::string> drawn;
    for (auto x : doc.select_nodes("//*[local-name()='BPMNShape' or local-name()='BPMNEdge']"))
      drawn.insert(x.node().attribute("bpmnElement").value());
    auto files = load_and_validate({entry.path().string()}, false);
    REQUIRE(files.front().definitions);
    for (const auto& p : files.front().definitions->processes) {
      for (const auto& n : p.nodes) CHECK(drawn.count(n.id));
      for (const auto& f : p.flows) CHECK(drawn.count(f.id));
      for (const auto& l : p.lanes) CHECK(drawn.count(l.id));
    }
  }
}

TEST_CASE("every user task of every sample has RACI, a due date and ISO 27001 numbers") {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(RACIFLOW_SOURCE_DIR) + "/samples"))
    if (entry.path().extension() == ".bpmn") paths.push_back(entry.path().string());
  for (const auto& file : load_and_validate(paths, true)) {
    REQUIRE(file.definitions);
    for (const auto& p : file.definitions->processes)
      for (const auto& n : p.nodes) {
        if (n.kind != NodeKind::user_task) continue;
        INFO(file.diagnostics.file() << ": " << n.id);
        CHECK(n.raci.responsible.size() >= 1);
        CHECK(n.raci.accountable.size() == 1);
        CHECK(n.due);
        CHECK_FALSE(n.iso.empty());
      }
  }
}
