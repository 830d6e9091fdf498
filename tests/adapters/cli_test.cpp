// The raciflow command line as scripts see it: exit codes, output formats, help.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "adapters/cli/cli.h"
#include "cli_support.h"

using raciflow::testing::run_cli;
using raciflow::testing::sample;

namespace {
std::string data(const std::string& name) { return raciflow::testing::test_data(name); }
}  // namespace

TEST_CASE("validate exits 0 on the samples and says ok per file") {
  auto r = run_cli({"validate", sample("deviation-handling.bpmn"), sample("corrective-action.bpmn")});
  CHECK(r.code == 0);
  CHECK(r.out.find("deviation-handling.bpmn: ok (1 process, 18 flow nodes, 0 warnings)") != std::string::npos);
  CHECK(r.out.find("corrective-action.bpmn: ok (1 process, 14 flow nodes, 0 warnings)") != std::string::npos);
  CHECK(r.err.empty());
}

TEST_CASE("validate exits 1 and prints FILE:LINE: error: lines for a broken file") {
  auto r = run_cli({"validate", data("broken.bpmn")});
  CHECK(r.code == 1);
  CHECK(r.err.find(data("broken.bpmn") + ":12: error: sequence flow 'to-nowhere' goes to unknown id 'nowhere'") !=
        std::string::npos);
  CHECK(r.err.find(data("broken.bpmn") + ":8: warning: lane 'lane-unused' with role 'unused' holds no step") !=
        std::string::npos);
}

TEST_CASE("validate checks DMN decision models: ok per file, and a cell that is not S-FEEL is an error on its rule's line") {
  const std::string seeds = std::string(RACIFLOW_SOURCE_DIR) + "/tests/fuzz/seeds/dmn/";
  auto ok = run_cli({"validate", seeds + "risk-matrix.dmn", sample("policy-approval.bpmn")});
  CHECK(ok.code == 0);
  CHECK(ok.out == seeds + "risk-matrix.dmn: ok (1 decision, 0 warnings)\n" + sample("policy-approval.bpmn") +
                      ": ok (1 process, 8 flow nodes, 0 warnings)\n");
  raciflow::testing::Workspace w;
  std::string bad = w.write("bad.dmn", R"(<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d">
<decision id="due" name="Due"><decisionTable>
<input label="Reported"><inputExpression><text>reported</text></inputExpression></input>
<output name="due"/>
<rule><inputEntry><text>&lt; date("2026-13-01")</text></inputEntry><outputEntry><text>1</text></outputEntry></rule>
</decisionTable></decision>
</definitions>
)");
  auto refused = run_cli({"validate", bad});
  CHECK(refused.code == 1);
  CHECK(refused.err.rfind(bad + ":5: error: decision table of 'due', rule 1, input 'Reported' (1): '< date(\"2026-13-01\")' is not S-FEEL "
                          "raciflow evaluates: '2026-13-01' is not a date (at 9)\n", 0) == 0);
  auto json = nlohmann::json::parse(run_cli({"validate", "--json", bad}).out);
  CHECK(json[0]["line"] == 5);
}

TEST_CASE("validate --lang da prints the findings and the summary in Danish; the JSON keeps the English message beside the Danish text") {
  auto r = run_cli({"validate", "--lang", "da", data("broken.bpmn")});
  CHECK(r.code == 1);
  CHECK(r.err == data("broken.bpmn") + ":8: advarsel: banen 'lane-unused' med rollen 'unused' har intet trin og nævnes i ingen RACI-egenskab\n" +
                     data("broken.bpmn") + ":12: fejl: sekvensflowet 'to-nowhere' går til det ukendte id 'nowhere'\n");
  auto ok = run_cli({"validate", "--lang", "da", sample("policy-approval.bpmn")});
  CHECK(ok.out == sample("policy-approval.bpmn") + ": ok (1 proces, 8 elementer, 0 advarsler)\n");
  auto json = nlohmann::json::parse(run_cli({"validate", "--lang", "da", "--json", data("broken.bpmn")}).out);
  CHECK(json[1]["message_id"] == "flow.unknown_target");
  CHECK(json[1]["message"] == "sequence flow 'to-nowhere' goes to unknown id 'nowhere'");
  CHECK(json[1]["text"] == "sekvensflowet 'to-nowhere' går til det ukendte id 'nowhere'");
  CHECK(run_cli({"validate", "--lang", "de", data("broken.bpmn")}).code == 2);
}

TEST_CASE("validate --json prints the findings as an array of {file, line, severity, message, element, message_id, text}") {
  auto r = run_cli({"validate", "--json", data("broken.bpmn"), sample("corrective-action.bpmn")});
  CHECK(r.code == 1);
  auto findings = nlohmann::json::parse(r.out);
  REQUIRE(findings.is_array());
  REQUIRE_FALSE(findings.empty());
  for (const auto& f : findings) {
    CHECK(f.size() == 7);
    CHECK(f["file"] == data("broken.bpmn"));
    CHECK(f["line"].is_number_integer());
    CHECK((f["severity"] == "error" || f["severity"] == "warning"));
    CHECK(f["message"].is_string());
    CHECK((f["element"].is_string() || f["element"].is_null()));
    CHECK((f["message_id"].is_string() || f["message_id"].is_null()));
    CHECK(f["text"] == f["message"]);  // English unless --lang da
  }
  // Each finding names the element it is about, so that a modeler can mark it.
  CHECK(findings[0]["element"] == "lane-unused");
  CHECK(findings[1]["element"] == "to-nowhere");
  auto clean = run_cli({"validate", "--json", sample("corrective-action.bpmn")});
  CHECK(clean.code == 0);
  CHECK(nlohmann::json::parse(clean.out) == nlohmann::json::array());
}

TEST_CASE("validate resolves call activities across the files it is given") {
  auto alone = run_cli({"validate", data("calls-child.bpmn")});
  CHECK(alone.code == 1);
  CHECK(alone.err.find("calls process 'child', which is not in the loaded files") != std::string::npos);
  auto together = run_cli({"validate", data("calls-child.bpmn"), data("child.bpmn")});
  CHECK(together.code == 0);
}

TEST_CASE("hostile input: missing files and directories give one line each and exit 1") {
  auto r = run_cli({"validate", data("no-such-file.bpmn"), data("")});
  CHECK(r.code == 1);
  CHECK(r.err == data("no-such-file.bpmn") + ": error: cannot read: no such file\n" + data("") +
                     ": error: is a directory, not a definition file\n");
}

TEST_CASE("raci prints the matrix in each format") {
  auto table = run_cli({"raci", sample("deviation-handling.bpmn")});
  CHECK(table.code == 0);
  CHECK(table.out.find("RACI matrix: Deviation handling (deviation-handling)") == 0);
  CHECK(table.out.find("Security committee") != std::string::npos);

  auto csv = run_cli({"raci", sample("deviation-handling.bpmn"), "--format", "csv"});
  CHECK(csv.out.find("step,name,top-management,security-committee,security-function,business-functions\r\n"
                     "assess-input,Assess the input,,,R/A,C\r\n") == 0);

  auto md = run_cli({"raci", sample("deviation-handling.bpmn"), "--format", "markdown"});
  CHECK(md.out.find("| Step | Top management | Security committee | Security function | Business functions |") == 0);
  CHECK(md.out.find("| Assess the input |  |  | R/A | C |") != std::string::npos);

  auto json = run_cli({"raci", sample("deviation-handling.bpmn"), "--process", "deviation-handling", "--format", "json"});
  auto m = nlohmann::json::parse(json.out);
  CHECK(m["process"] == "deviation-handling");
  CHECK(m["roles"].size() == 4);
  CHECK(m["steps"][0]["id"] == "assess-input");
  CHECK(m["steps"][0]["cells"] == nlohmann::json({{"security-function", "R/A"}, {"business-functions", "C"}}));
  CHECK(m["steps"][0]["due"] == "P5D");
}

TEST_CASE("raci refuses an invalid file and an unknown process") {
  auto broken = run_cli({"raci", data("broken.bpmn")});
  CHECK(broken.code == 1);
  CHECK(broken.out.empty());
  auto unknown = run_cli({"raci", sample("deviation-handling.bpmn"), "--process", "nope"});
  CHECK(unknown.code == 1);
  CHECK(unknown.err.find("error: no process 'nope' (processes: deviation-handling)") != std::string::npos);
}

TEST_CASE("usage mistakes exit 2 with the usage line") {
  CHECK(run_cli({}).code == 2);
  CHECK(run_cli({"frobnicate"}).code == 2);
  CHECK(run_cli({"validate"}).code == 2);
  CHECK(run_cli({"validate", "--bogus", "x.bpmn"}).code == 2);
  auto bad_format = run_cli({"raci", sample("deviation-handling.bpmn"), "--format", "pdf"});
  CHECK(bad_format.code == 2);
  CHECK(bad_format.err.find("unknown --format 'pdf' (table, csv, markdown, json)") != std::string::npos);
}

TEST_CASE("every subcommand has --help") {
  for (std::string command : {"validate", "raci", "graph"}) {
    INFO(command);
    auto r = run_cli({command, "--help"});
    CHECK(r.code == 0);
    CHECK(r.out.find("Usage: raciflow " + command) == 0);
  }
  CHECK(run_cli({"--help"}).out.find("Commands:") != std::string::npos);
}

TEST_CASE("graph prints DOT with one cluster per lane that Graphviz renders") {
  auto r = run_cli({"graph", sample("deviation-handling.bpmn")});
  REQUIRE(r.code == 0);
  for (std::string lane : {"lane-top-management", "lane-security-committee", "lane-security-function", "lane-business-functions"})
    CHECK(r.out.find("subgraph \"cluster_lane_" + lane + "\"") != std::string::npos);
  std::string dot_file = std::filesystem::temp_directory_path() / "raciflow-graph-test.dot";
  std::string svg_file = dot_file + ".svg";
  std::ofstream(dot_file) << r.out;
  int rc = std::system(("dot -Tsvg -o " + svg_file + " " + dot_file + " 2>/dev/null").c_str());
  CHECK(rc == 0);
  std::ifstream svg(svg_file);
  std::string text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  CHECK(text.find("Security committee") != std::string::npos);
  std::remove(dot_file.c_str());
  std::remove(svg_file.c_str());
}

TEST_CASE("serve on a database that holds nothing refuses, and says to run the demo or to deploy and load an organisation") {
  raciflow::testing::Workspace w;
  auto r = w.cli({"serve", "--listen", "127.0.0.1:0"});
  CHECK(r.code == 1);
  CHECK(r.err.find("holds nothing to serve yet") != std::string::npos);
  CHECK(r.err.find("bash .ci/demo --serve") != std::string::npos);
  CHECK(r.err.find("raciflow org load FILE") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(w.db()));
}
