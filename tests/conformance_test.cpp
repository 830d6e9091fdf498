// The BPMN Model Interchange Working Group's reference models and their bpmn.io exports
// (tests/conformance/bpmn-miwg, CC BY 3.0): real files from real modelers.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include <pugixml.hpp>

#include "definitions/definition_set.h"

using namespace raciflow::definitions;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> miwg_files() {
  std::vector<std::string> files;
  for (const char* dir : {"reference", "bpmn.io-export"}) {
    fs::path root = fs::path(RACIFLOW_SOURCE_DIR) / "tests" / "conformance" / "bpmn-miwg" / dir;
    for (const auto& entry : fs::directory_iterator(root))
      if (entry.path().extension() == ".bpmn") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string local(const char* qname) {
  std::string name = qname;
  auto colon = name.find(':');
  return colon == std::string::npos ? name : name.substr(colon + 1);
}

// Counts flow nodes and sequence flows under a <process>, independently of the loader:
// pugixml's own encoding detection, element names only, extension elements skipped.
void count(pugi::xml_node node, std::size_t& nodes, std::size_t& flows) {
  static const std::set<std::string> kinds = {
      "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "task",
      "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask", "receiveTask", "businessRuleTask",
      "callActivity", "subProcess", "transaction", "adHocSubProcess", "exclusiveGateway", "parallelGateway",
      "inclusiveGateway", "eventBasedGateway", "complexGateway"};
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string name = local(child.name());
    if (name == "extensionElements") continue;
    if (kinds.count(name)) ++nodes;
    if (name == "sequenceFlow") ++flows;
    count(child, nodes, flows);
  }
}

}  // namespace

TEST_CASE("all 42 MIWG files load without a crash, with node and flow counts that match the file") {
  auto files = miwg_files();
  REQUIRE(files.size() == 42);
  auto loaded = load_and_validate(files, /*resolve_calls=*/false);
  for (std::size_t i = 0; i < files.size(); ++i) {
    INFO(files[i]);
    const LoadedFile& file = loaded[i];
    REQUIRE(file.definitions);

    pugi::xml_document doc;
    REQUIRE(doc.load_file(files[i].c_str()));
    std::size_t processes = 0;
    for (pugi::xml_node child : doc.document_element().children()) {
      if (local(child.name()) != "process") continue;
      ++processes;
      std::string id = child.attribute("id").value();
      const Process* p = file.definitions->find_process(id);
      REQUIRE(p);
      std::size_t nodes = 0, flows = 0;
      count(child, nodes, flows);
      INFO("process " << id);
      CHECK(p->nodes.size() == nodes);
      CHECK(p->flows.size() == flows);
    }
    CHECK(file.definitions->processes.size() == processes);
  }
}

TEST_CASE("in the MIWG files, what raciflow cannot execute is a warning, not an error") {
  auto loaded = load_and_validate(miwg_files(), /*resolve_calls=*/false);
  std::size_t not_executed = 0;
  for (const auto& file : loaded) {
    for (const auto& d : file.diagnostics.all()) {
      bool unsupported = d.message.find("not executed") != std::string::npos ||
                         d.message.find("not evaluated") != std::string::npos ||
                         d.message.find("unknown element") != std::string::npos;
      if (!unsupported) continue;
      ++not_executed;
      INFO(d.format());
      CHECK(d.severity == Severity::warning);
      CHECK(d.line > 0);
    }
  }
  CHECK(not_executed > 0);  // signals, compensation, data objects ... are in the set
}
