// Hostile input: the loader and validator never crash or hang on damaged definitions.
// Deterministic mutations of the samples and the MIWG files stand in for a fuzzer here.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "definitions/loader.h"
#include "definitions/raci.h"
#include "definitions/validate.h"

using namespace raciflow::definitions;

namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Loads, validates and builds the RACI matrix; any outcome but a crash is fine, and a
// refused file must say why.
void survive(const std::string& bytes) {
  Diagnostics diagnostics("mutant.bpmn");
  auto definitions = load_text(bytes, "mutant.bpmn", diagnostics);
  if (!definitions) {
    REQUIRE(diagnostics.has_errors());
    return;
  }
  validate(*definitions, diagnostics);
  for (const auto& p : definitions->processes) (void)raci_matrix(p);
}

std::vector<std::string> corpus() {
  std::vector<std::string> files;
  files.push_back(read(std::filesystem::path(RACIFLOW_SOURCE_DIR) / "samples" / "deviation-handling.bpmn"));
  for (const char* name : {"B.2.0.bpmn", "C.4.0.bpmn"})
    files.push_back(read(std::filesystem::path(RACIFLOW_SOURCE_DIR) / "tests" / "conformance" / "bpmn-miwg" / "reference" / name));
  return files;
}

}  // namespace

TEST_CASE("truncating a definition anywhere gives findings, never a crash") {
  for (const auto& text : corpus()) {
    for (std::size_t cut = 0; cut < text.size(); cut += 97) survive(text.substr(0, cut));
  }
}

TEST_CASE("random byte flips, deletions and duplications never crash the loader or validator") {
  std::mt19937 random(20261123);  // fixed seed: the same mutants every run
  for (const auto& text : corpus()) {
    for (int round = 0; round < 300; ++round) {
      std::string mutant = text;
      int edits = 1 + static_cast<int>(random() % 8);
      for (int e = 0; e < edits && !mutant.empty(); ++e) {
        std::size_t at = random() % mutant.size();
        switch (random() % 4) {
          case 0: mutant[at] = static_cast<char>(random() % 256); break;
          case 1: mutant.erase(at, 1 + random() % 40); break;
          case 2: mutant.insert(at, mutant.substr(random() % mutant.size(), 1 + random() % 200)); break;
          default: mutant[at] = "<>\"'&=/:"[random() % 8]; break;
        }
      }
      survive(mutant);
    }
  }
}

TEST_CASE("nesting deeper than any real definition is refused, not recursed into") {
  std::string open, close;
  for (int i = 0; i < 200000; ++i) {
    open += "<subProcess id=\"s" + std::to_string(i) + "\">";
    close += "</subProcess>";
  }
  Diagnostics diagnostics("deep.bpmn");
  auto definitions = load_text("<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<process id=\"p\">" +
                                   open + close + "</process></definitions>",
                               "deep.bpmn", diagnostics);
  CHECK_FALSE(definitions);
  REQUIRE(diagnostics.all().size() == 1);
  CHECK(diagnostics.all()[0].format() == "deep.bpmn:2: error: elements are nested deeper than 256 levels");
}
