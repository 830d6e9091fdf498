// The examples in docs/ are real: each is run and its shown output compared.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

#include "adapters/cli/cli.h"
#include "adapters/http/api.h"
#include "runtime/service.h"
#include "runtime/sqlite_store.h"
#include "cli_support.h"
#include "adapters/render/raci_render.h"
#include "definitions/dmn_eval.h"
#include "definitions/features.h"
#include "definitions/loader.h"
#include "definitions/raci.h"
#include "definitions/validate.h"

using namespace raciflow::definitions;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The body of the first ```LANG fenced block at or after `from`.
std::string fenced(const std::string& doc, const std::string& lang, std::size_t from = 0) {
  auto open = doc.find("```" + lang + "\n", from);
  REQUIRE(open != std::string::npos);
  auto body = open + 4 + lang.size();
  auto close = doc.find("```", body);
  REQUIRE(close != std::string::npos);
  return doc.substr(body, close - body);
}

// Splits a shell command line: words separated by spaces, "double quotes" keep spaces.
std::vector<std::string> shell_words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false, any = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) words.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) words.push_back(word);
  return words;
}

// Runs each `$ raciflow ...` line of a console transcript through `run` (given the words
// after "raciflow") and checks that it prints what the transcript shows after it; returns
// how many commands ran.
int run_transcript(const std::string& transcript, const std::function<raciflow::testing::CliRun(std::vector<std::string>)>& run) {
  std::istringstream lines(transcript);
  std::string line, command, shown;
  int commands = 0;
  auto check = [&] {
    if (command.empty()) return;
    auto args = shell_words(command);
    REQUIRE(args.front() == "raciflow");
    args.erase(args.begin());
    auto r = run(args);
    INFO("$ " << command);
    CHECK(r.out + r.err == shown);
    ++commands;
  };
  while (std::getline(lines, line)) {
    if (line.rfind("$ ", 0) == 0) {
      check();
      command = line.substr(2);
      shown.clear();
    } else {
      shown += line + "\n";
    }
  }
  check();
  return commands;
}

}  // namespace

TEST_CASE("the session in docs/cli.md prints what the doc shows, command by command") {
  std::string doc = read(std::string(RACIFLOW_SOURCE_DIR) + "/docs/cli.md");
  std::string transcript = fenced(doc, "console", doc.find("## A session"));
  raciflow::testing::Workspace w;
  // Run in the source dir, with the workspace's --db and --clock.
  int commands = run_transcript(transcript, [&](std::vector<std::string> args) { return w.cli(args); });
  CHECK(commands == 10);
}

TEST_CASE("the session in docs/registers.md keeps a risk in the register, command by command, as the doc shows") {
  std::string doc = read(std::string(RACIFLOW_SOURCE_DIR) + "/docs/registers.md");
  raciflow::testing::Workspace w;
  int commands = run_transcript(fenced(doc, "console", doc.find("## From the command line")),
                                [&](std::vector<std::string> args) { return w.cli(args); });
  CHECK(commands == 10);
  // The declaration shown is the sample's own, word for word, line by line.
  const std::string sample = read(std::string(RACIFLOW_SOURCE_DIR) + "/samples/risk-assessment.bpmn");
  std::istringstream shown(fenced(doc, "xml"));
  for (std::string line; std::getline(shown, line);) {
    auto text = line.substr(line.find_first_not_of(' '));
    if (text == "..." || text.rfind("residualLikelihood=", 0) == 0 || text.rfind("aboveAcceptance=", 0) == 0) continue;
    INFO(text);
    CHECK(sample.find(text) != std::string::npos);
  }
}

TEST_CASE("the example in docs/organisation-format.md loads and org show prints what the doc shows") {
  std::string doc = read(std::string(RACIFLOW_SOURCE_DIR) + "/docs/organisation-format.md");
  raciflow::testing::Workspace w;
  std::string file = w.write("org.xml", fenced(doc, "xml"));
  CHECK(w.ok({"org", "load", file}) == "loaded Example Agency: 2 roles, 1 people\n");
  CHECK(w.ok({"org", "show"}) == fenced(doc, "text"));
}

TEST_CASE("the single sign-on example in docs/organisation-format.md loads with its subjects and groups") {
  std::string doc = read(std::string(RACIFLOW_SOURCE_DIR) + "/docs/organisation-format.md");
  raciflow::testing::Workspace w;
  std::string file = w.write("org.xml", fenced(doc, "xml", doc.find("## Single sign-on")));
  CHECK(w.ok({"org", "load", file}) == "loaded Example Agency: 2 roles, 2 people\n");
  auto org = nlohmann::json::parse(w.ok({"org", "show", "--json"}));
  CHECK(org["people"][0]["subject"] == "9f8e2c41-5b1d-4c1e-a0f2-7d3b6c9e1a55");
  CHECK(org["groups"].size() == 3);
}

TEST_CASE("the complete example in docs/definition-format.md validates and prints the RACI matrix shown") {
  std::string doc = read(std::string(RACIFLOW_SOURCE_DIR) + "/docs/definition-format.md");
  std::string xml = fenced(doc, "xml");
  std::string shown = fenced(doc, "text", doc.find("```xml"));

  Diagnostics diagnostics("risk-acceptance.bpmn");
  auto definitions = load_text(xml, "risk-acceptance.bpmn", diagnostics);
  REQUIRE(definitions);
  validate(*definitions, diagnostics);
  for (const auto& d : diagnostics.all()) FAIL_CHECK(d.format());
  std::string printed = raciflow::render::render_raci(raci_matrix(definitions->processes.front()),
                                                     raciflow::render::RaciFormat::table);
  CHECK(printed == shown);
}

TEST_CASE("the example in docs/decision-format.md validates and decides what the doc shows") {
  std::string doc = read(std::string(RACIFLOW_SOURCE_DIR) + "/docs/decision-format.md");
  Diagnostics diagnostics("risk-method.dmn");
  auto model = load_dmn_text(fenced(doc, "xml"), "risk-method.dmn", diagnostics);
  REQUIRE(model);
  auto engine = DecisionEngine::compile(*model, diagnostics);
  REQUIRE(engine);
  for (const auto& d : diagnostics.all()) FAIL_CHECK(d.format());
  auto outcome = engine->evaluate("Risk level", {{"Likelihood", 4}, {"Impact", 3}});
  CHECK(outcome.ok());
  CHECK(outcome.result == nlohmann::json::parse(fenced(doc, "json")));
  REQUIRE(outcome.matched.size() == 1);
  CHECK(outcome.matched[0].rule_id == "medium");
  // The refusal it shows, for the cell it quotes.
  std::string shown = fenced(doc, "", doc.find("## S-FEEL in the cells"));
  raciflow::testing::Workspace w;
  std::string file = w.write("risk.dmn", R"(<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d">
<decision id="due" name="Due">
<decisionTable>
<input label="Reported"><inputExpression><text>reported</text></inputExpression></input>
<output name="due"/>
<rule>
<inputEntry>
<text>&lt; today()</text>
</inputEntry>
<outputEntry><text>1</text></outputEntry>
</rule>
</decisionTable></decision></definitions>
)");
  auto refused = w.cli({"validate", file});
  CHECK(refused.code == 1);
  CHECK(refused.err == w.path("") + shown);
  // The example deployed and decided from the command line, as the doc shows.
  std::string session = fenced(doc, "text", doc.find("## Evaluating outside a case"));
  REQUIRE(w.cli({"deploy", w.write("risk-method.dmn", fenced(doc, "xml")), "--as", "anna"}).code == 0);
  auto decided = w.cli({"decide", "Risk level", "--var", "Likelihood=4", "--var", "Impact=3"});
  CHECK(decided.code == 0);
  CHECK(session == "$ raciflow decide 'Risk level' --var Likelihood=4 --var Impact=3\n" + decided.out);
}

// What the doc shows after `$ COMMAND`, up to the end of its block.
std::string shown_after(const std::string& doc, const std::string& command) {
  auto at = doc.find("$ " + command + "\n");
  REQUIRE(at != std::string::npos);
  auto from = at + command.size() + 3;
  return doc.substr(from, doc.find("```", from) - from);
}

TEST_CASE("the validate example in docs/cli.md prints what the doc shows") {
  std::string doc = read(std::string(RACIFLOW_SOURCE_DIR) + "/docs/cli.md");
  std::ostringstream out, err;
  int code = raciflow::cli::run({"validate", "tests/data/broken.bpmn"}, out, err);  // ctest runs in the source dir
  CHECK(code == 1);
  CHECK(err.str() == shown_after(doc, "raciflow validate tests/data/broken.bpmn"));
}

TEST_CASE("the Danish validate example in docs/cli.md prints what the doc shows") {
  std::string doc = read(std::string(RACIFLOW_SOURCE_DIR) + "/docs/cli.md");
  std::ostringstream out, err;
  CHECK(raciflow::cli::run({"validate", "--lang", "da", "tests/data/broken.bpmn"}, out, err) == 1);
  CHECK(err.str() == shown_after(doc, "raciflow validate --lang da tests/data/broken.bpmn"));
}

TEST_CASE("the validate --org example in docs/cli.md prints what the doc shows") {
  std::string doc = read(std::string(RACIFLOW_SOURCE_DIR) + "/docs/cli.md");
  // Each `$ raciflow ...` line of the example block, and what follows it up to the next.
  auto shown_after = [&](const std::string& command) {
    auto at = doc.find("$ " + command + "\n");
    REQUIRE(at != std::string::npos);
    auto from = at + command.size() + 3;
    auto next = doc.find("\n$ ", from), fence = doc.find("```", from);
    return next < fence ? doc.substr(from, next + 1 - from) : doc.substr(from, fence - from);
  };
  std::ostringstream out, err;
  CHECK(raciflow::cli::run({"validate", "tests/data/roles-without-lanes.bpmn"}, out, err) == 0);
  CHECK(err.str() + "\n" == shown_after("raciflow validate tests/data/roles-without-lanes.bpmn"));
  std::ostringstream out2, err2;
  CHECK(raciflow::cli::run({"validate", "--org", "samples/org.xml", "tests/data/roles-without-lanes.bpmn"}, out2, err2) == 0);
  CHECK(err2.str().empty());
  CHECK(out2.str() == shown_after("raciflow validate --org samples/org.xml tests/data/roles-without-lanes.bpmn"));
}

namespace {

// Whether `actual` has every field of `shown` with the same value (objects: the shown
// keys; arrays: the shown elements, in order, at the start).
bool shows(const nlohmann::json& shown, const nlohmann::json& actual) {
  if (shown.is_object()) {
    if (!actual.is_object()) return false;
    for (const auto& [k, v] : shown.items())
      if (!actual.contains(k) || !shows(v, actual[k])) return false;
    return true;
  }
  if (shown.is_array()) {
    if (!actual.is_array() || actual.size() < shown.size()) return false;
    for (std::size_t i = 0; i < shown.size(); ++i)
      if (!shows(shown[i], actual[i])) return false;
    return true;
  }
  return shown == actual;
}

}  // namespace

TEST_CASE("the exchange in docs/api.md answers what the doc shows, request by request") {
  raciflow::testing::Workspace w;
  using raciflow::testing::sample;
  REQUIRE(w.cli({"deploy", sample("corrective-action.bpmn"), sample("deviation-handling.bpmn")}).code == 0);
  REQUIRE(w.cli({"org", "load", sample("org.xml")}).code == 0);
  w.write("pw", "mette-password\n");
  REQUIRE(w.cli({"password", "set", "mette", "--password-file", w.path("pw")}).code == 0);
  auto now = *parse_date_time(w.clock);
  raciflow::runtime::Service service([&] { return raciflow::runtime::open_sqlite_store(w.db(), {"FULL", 2000, false}); },
                                     [&] { return now; }, std::chrono::hours(1), nullptr);
  raciflow::http::Api api(service);
  std::string doc = read(std::string(RACIFLOW_SOURCE_DIR) + "/docs/api.md");
  std::string cookie;
  int exchanges = 0;
  for (auto at = doc.find("```exchange\n"); at != std::string::npos; at = doc.find("```exchange\n", at + 1)) {
    std::istringstream block(fenced(doc, "exchange", at));
    std::string request_line, line, body, accept_language;
    std::getline(block, request_line);
    while (std::getline(block, line) && line.rfind("--> ", 0) != 0) {
      if (line.rfind("Accept-Language: ", 0) == 0)
        accept_language = line.substr(17);  // a header line, before the body
      else
        body += line;
    }
    int status = std::stoi(line.substr(4));
    std::string expected((std::istreambuf_iterator<char>(block)), std::istreambuf_iterator<char>());
    raciflow::http::HttpRequest request;
    request.method = request_line.substr(0, request_line.find(' '));
    request.target = request_line.substr(request_line.find(' ') + 1);
    request.body = body;
    request.content_type = request.method == "GET" ? "" : "application/json";  // every change is JSON, as docs/api.md says
    request.cookie = cookie;
    request.accept_language = accept_language;
    auto response = api.handle(request);
    INFO(request_line << "\n" << response.body);
    CHECK(response.status == status);
    CHECK(shows(nlohmann::json::parse(expected), nlohmann::json::parse(response.body)));
    for (const auto& [name, value] : response.headers)
      if (name == "Set-Cookie") cookie = value.substr(0, value.find(';'));
    ++exchanges;
  }
  CHECK(exchanges == 6);
  service.stop();
}

TEST_CASE("the example in docs/wheel-format.md loads and shows the year the doc shows") {
  std::string doc = read(std::string(RACIFLOW_SOURCE_DIR) + "/docs/wheel-format.md");
  raciflow::testing::Workspace w;
  w.clock = "2026-01-01T00:00:00Z";
  REQUIRE(w.cli({"deploy", raciflow::testing::sample("risk-assessment.bpmn"), "--as", "anna"}).code == 0);
  REQUIRE(w.cli({"org", "load", raciflow::testing::sample("org.xml"), "--as", "anna"}).code == 0);
  auto file = w.write("annual-wheel.xml", fenced(doc, "xml"));
  REQUIRE(w.cli({"wheel", "load", file, "--as", "anna"}).code == 0);
  CHECK(w.cli({"wheel", "--year", "2026"}).out == fenced(doc, "text"));
  auto bad = w.write("annual-wheel.xml", R"(<wheel xmlns="urn:raciflow:wheel:1" name="x">
  <activity id="a" schedule="FREQ=YEARLY" role="no-such-role"/>
</wheel>)");
  auto r = w.cli({"wheel", "load", bad, "--as", "anna"});
  CHECK(r.err == "raciflow wheel: " + bad.substr(0, bad.rfind('/') + 1) +
                     fenced(doc, "text", doc.find("## Loading")));
}

TEST_CASE("the feature table in docs/definition-format.md is the one the code applies") {
  // RACIFLOW_WRITE_DOCS=1 rewrites the table in place after a change to definitions/features.cpp.
  const std::string path = std::string(RACIFLOW_SOURCE_DIR) + "/docs/definition-format.md";
  const std::string begin = "<!-- feature table: generated from definitions/features.cpp; tests/docs_test.cpp checks it -->\n";
  const std::string end = "<!-- end of feature table -->";
  std::string doc = read(path);
  auto from = doc.find(begin);
  REQUIRE(from != std::string::npos);
  from += begin.size();
  auto to = doc.find(end, from);
  REQUIRE(to != std::string::npos);
  std::string expected = features_markdown();
  if (const char* write = std::getenv("RACIFLOW_WRITE_DOCS"); write && std::string(write) == "1") {
    doc.replace(from, to - from, expected);
    std::ofstream(path) << doc;
  }
  CHECK(doc.substr(from, to - from) == expected);
}

TEST_CASE("the PostgreSQL session in docs/deployment.md prints what the doc shows, command by command", "[postgres]") {
  std::string why;
  auto* pg = raciflow::testing::PgCluster::get(&why);
  if (!pg) {
    if (std::getenv("CI")) FAIL("PostgreSQL is needed in CI: " << why);
    WARN("skipped: " << why);
    return;
  }
  std::string doc = read(std::string(RACIFLOW_SOURCE_DIR) + "/docs/deployment.md");
  std::string transcript = fenced(doc, "console", doc.find("## Organisations on PostgreSQL"));
  const std::string shown_uri = "postgresql:///isms?host=/run/postgresql";
  std::string uri = pg->fresh_database();
  int commands = run_transcript(transcript, [&](std::vector<std::string> args) {
    for (auto& a : args)
      if (a == shown_uri) a = uri;  // the doc's database is the test cluster's
    args.insert(args.begin(), {"--clock", "2026-03-02T09:00:00Z"});
    return raciflow::testing::run_cli(args);
  });
  CHECK(commands >= 8);
}
