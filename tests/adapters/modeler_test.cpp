// Modelling in the browser, the server's side (issue 18): the `modeller` access level and
// POST /api/validate, which gives the same findings as `raciflow validate --json`.
#include <fstream>

#include "adapters/http/vendor_assets.h"
#include "api_support.h"
#include "definitions/changes.h"
#include "definitions/form.h"
#include "definitions/loader.h"

namespace {

using nlohmann::json;
using namespace raciflow::testing::api;
using raciflow::testing::sample;
using raciflow::testing::read_file;
std::string data(const std::string& name) { return raciflow::testing::test_data(name); }


// The sample agency with Sofie as modeller, logged in.
std::string with_modeller(Server& s) {
  std::string org = read_file(sample("org.xml"));
  const std::string sofie = R"(<person id="sofie")";
  org.replace(org.find(sofie), sofie.size(), sofie + R"( access="modeller")");
  s.w.write("org.xml", org);
  REQUIRE(s.w.cli({"org", "load", s.w.path("org.xml"), "--as", "setup"}).code == 0);
  s.w.write("sofie.pw", "sofie-password\n");
  REQUIRE(s.w.cli({"password", "set", "sofie", "--password-file", s.w.path("sofie.pw")}).code == 0);
  return s.login("sofie");
}

}  // namespace

TEST_CASE("validating over the API gives the findings of validate --json, with element ids, and deploys nothing", "[api][modeler]") {
  Server s;
  auto sofie = with_modeller(s);
  auto before = s.w.dump();
  auto broken = s.as(sofie, "POST", "/api/validate", {{"name", "broken.bpmn"}, {"xml", read_file(data("broken.bpmn"))}});
  REQUIRE(broken.status == 200);
  auto body = broken.json_body();
  CHECK(body["ok"] == false);
  // The server checks roles against its organisation; so does validate --org.
  auto cli = s.w.cli({"validate", "--json", "--org", s.w.path("org.xml"), data("broken.bpmn")}).json();
  REQUIRE(body["findings"].size() == cli.size());
  for (std::size_t i = 0; i < cli.size(); ++i) {
    INFO(i);
    for (const char* field : {"line", "severity", "message", "element"}) CHECK(body["findings"][i][field] == cli[i][field]);
    CHECK(body["findings"][i]["file"] == "broken.bpmn");
  }
  CHECK(body["findings"].back()["element"] == "to-nowhere");
  CHECK(body["findings"].back()["line"] == 12);
  CHECK(body["raci"]["steps"].is_array());  // it loads, so its matrix is there to show

  auto clean = s.as(sofie, "POST", "/api/validate", {{"name", "policy.bpmn"}, {"xml", read_file(sample("policy-approval.bpmn"))}}).json_body();
  CHECK(clean["ok"] == true);
  CHECK(clean["findings"] == json::array());
  // The live RACI matrix is `raciflow raci --format json`'s.
  CHECK(clean["raci"] == s.w.cli({"raci", "--format", "json", sample("policy-approval.bpmn")}).json());

  // What only deploy used to say: a call activity calling a process that is not deployed.
  std::string calls = read_file(data("calls-child.bpmn"));
  auto unresolved = s.as(sofie, "POST", "/api/validate", {{"name", "calls.bpmn"}, {"xml", calls}}).json_body();
  CHECK(unresolved["ok"] == false);
  CHECK(unresolved["findings"].back()["message"].get<std::string>().find("calls process 'child', which is neither deployed nor in this file") !=
        std::string::npos);
  CHECK(unresolved["findings"].back()["element"].is_string());

  // Hostile documents are findings, as on deploy, never a crash.
  auto bomb = s.as(sofie, "POST", "/api/validate",
                   {{"xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>\n<definitions/>"}});
  CHECK(bomb.status == 200);
  CHECK(bomb.json_body()["ok"] == false);
  CHECK(bomb.json_body()["findings"][0]["message"].get<std::string>().find("DOCTYPE") != std::string::npos);
  CHECK(bomb.json_body()["raci"].is_null());  // nothing loaded, no matrix
  CHECK(s.as(sofie, "POST", "/api/validate", {{"name", "../x.bpmn"}, {"xml", calls}}).status == 400);
  CHECK(s.w.dump() == before);  // validating changes nothing
}

TEST_CASE("a modeller validates and deploys; other people do neither", "[api][modeler]") {
  Server s;
  auto sofie = with_modeller(s);
  auto mette = s.login("mette"), ida = s.login("ida");
  const json upload = {{"name", "policy-approval.bpmn"}, {"xml", read_file(sample("policy-approval.bpmn"))}};
  CHECK(s.as(mette, "POST", "/api/validate", upload).status == 403);
  CHECK(s.as(ida, "POST", "/api/validate", upload).status == 403);
  CHECK(s.as(mette, "POST", "/api/definitions", upload).status == 403);
  auto deployed = s.as(sofie, "POST", "/api/definitions", upload);
  CHECK(deployed.status == 201);
  // A modeller does not administer: no organisation, no cancelling.
  CHECK(s.as(sofie, "PUT", "/api/organisation", {{"xml", read_file(sample("org.xml"))}}).status == 403);
  // The organisation file refuses an access level it does not know.
  s.w.write("bad-org.xml", R"(<organisation xmlns="urn:raciflow:org:1" name="x"><role id="r"/><person id="p" access="modeler"><member role="r"/></person></organisation>)");
  auto bad = s.w.cli({"org", "load", s.w.path("bad-org.xml")});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("unknown access 'modeler' (admin, auditor, modeller)") != std::string::npos);
}

TEST_CASE("the change table lists steps added, removed, renamed and with other RACI, in flow order", "[modeler]") {
  auto process = [](const std::string& tasks) {
    return R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" targetNamespace="t">
  <process id="p" isExecutable="true">
    <laneSet><lane id="l1" raci:role="security-function"/><lane id="l2" raci:role="security-committee"/></laneSet>
)" + tasks + R"(
  </process>
</definitions>)";
  };
  // v1: s -> a -> b -> e; v2: s -> a (renamed, a consulted role more) -> c -> e
  const std::string v1 = process(R"(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
    <userTask id="a" name="Assess" raci:responsible="security-function"/><sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
    <userTask id="b" name="Decide" raci:responsible="security-committee"/><sequenceFlow id="f3" sourceRef="b" targetRef="e"/><endEvent id="e"/>)");
  const std::string v2 = process(R"(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
    <userTask id="a" name="Assess the report" raci:responsible="security-function" raci:consulted="security-committee"/>
    <sequenceFlow id="f2" sourceRef="a" targetRef="c"/>
    <userTask id="c" name="Close" raci:responsible="security-function"/><sequenceFlow id="f3" sourceRef="c" targetRef="e"/><endEvent id="e"/>)");
  using namespace raciflow::definitions;
  Diagnostics d1("v1"), d2("v2");
  auto before = load_text(v1, "v1", d1), after = load_text(v2, "v2", d2);
  REQUIRE(before);
  REQUIRE(after);
  auto changes = compare_steps(*before->find_process("p"), *after->find_process("p"));
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].step == "a");
  CHECK(changes[0].kind == StepChange::Kind::changed);
  CHECK(changes[0].renamed());
  CHECK(changes[0].raci_changed());
  CHECK(changes[0].name_after == "Assess the report");
  CHECK(changes[1].step == "c");
  CHECK(changes[1].kind == StepChange::Kind::added);
  CHECK(changes[2].step == "b");
  CHECK(changes[2].kind == StepChange::Kind::removed);
  CHECK(compare_steps(*before->find_process("p"), *before->find_process("p")).empty());
}

TEST_CASE("before a deploy the server shows what changes; versions list who deployed each and the cases on it", "[api][modeler]") {
  Server s;
  auto sofie = with_modeller(s);
  auto anna = s.login("anna");
  start_deviation(s, anna);  // one case runs on version 1
  std::string xml = read_file(sample("deviation-handling.bpmn"));
  auto replace = [&](const std::string& from, const std::string& to) {
    REQUIRE(xml.find(from) != std::string::npos);
    xml.replace(xml.find(from), from.size(), to);
  };
  replace(R"(name="Assess the input")", R"(name="Assess the incoming report")");
  replace(R"(raci:informed="top-management" raci:due="P30D")", R"(raci:informed="top-management business-functions" raci:due="P30D")");
  auto before = s.w.dump();
  auto changes = s.as(sofie, "POST", "/api/definitions/deviation-handling/changes", {{"xml", xml}});
  REQUIRE(changes.status == 200);
  auto table = changes.json_body();
  CHECK(table["from_version"] == 1);
  REQUIRE(table["changes"].size() == 2);
  CHECK(table["changes"][0]["step"] == "assess-input");
  CHECK(table["changes"][0]["renamed"] == true);
  CHECK(table["changes"][0]["raci_changed"] == false);
  CHECK(table["changes"][0]["name"] == json{{"before", "Assess the input"}, {"after", "Assess the incoming report"}});
  CHECK(table["changes"][1]["step"] == "committee-decides");
  CHECK(table["changes"][1]["raci_changed"] == true);
  CHECK(table["changes"][1]["raci_before"]["I"] == json::array({"top-management"}));
  CHECK(table["changes"][1]["raci_after"]["I"] == json::array({"top-management", "business-functions"}));
  CHECK(s.w.dump() == before);  // nothing deployed
  CHECK(s.as(s.login("mette"), "POST", "/api/definitions/deviation-handling/changes", {{"xml", xml}}).status == 403);
  CHECK(s.as(sofie, "POST", "/api/definitions/deviation-handling/changes", {{"xml", "<not-bpmn/>"}}).status == 422);
  CHECK(s.as(sofie, "POST", "/api/definitions/other/changes", {{"xml", xml}}).status == 422);

  REQUIRE(s.as(sofie, "POST", "/api/definitions", {{"name", "deviation-handling.bpmn"}, {"xml", xml}}).status == 201);
  auto versions = s.as(anna, "GET", "/api/definitions/deviation-handling/versions").json_body();
  REQUIRE(versions.size() == 2);
  CHECK(versions[0]["version"] == 2);
  CHECK(versions[0]["deployed_by"] == "sofie");
  CHECK(versions[0]["cases_running"] == 0);
  CHECK(versions[1]["version"] == 1);
  CHECK(versions[1]["deployed_by"] == "setup");
  CHECK(versions[1]["cases_running"] == 1);
  CHECK(s.as(anna, "GET", "/api/definitions/nothing/versions").status == 404);
}

namespace {
// The deviation sample as a flow without its decision table: the assessment leads straight
// to the gateway that asks whether the committee must decide.
std::string deviation_without_table() {
  std::string xml = read_file(sample("deviation-handling.bpmn"));
  auto erase = [&](const std::string& from, const std::string& to) {
    auto at = xml.find(from);
    REQUIRE(at != std::string::npos);
    auto end = xml.find(to, at);
    REQUIRE(end != std::string::npos);
    xml.erase(at, end + to.size() - at);
  };
  erase("<bpmn:flowNodeRef>committee-question<", "\n");
  erase("<bpmn:businessRuleTask id=\"committee-question\"", "</bpmn:businessRuleTask>");
  erase("<bpmn:sequenceFlow id=\"to-committee-needed\"", "/>");
  erase("<bpmndi:BPMNShape id=\"committee-question_di\"", "</bpmndi:BPMNShape>");
  erase("<bpmndi:BPMNEdge id=\"to-committee-needed_di\"", "</bpmndi:BPMNEdge>");
  auto flow = xml.find("targetRef=\"committee-question\"");
  REQUIRE(flow != std::string::npos);
  xml.replace(flow, std::string("targetRef=\"committee-question\"").size(), "targetRef=\"committee-needed\"");
  return xml;
}
}  // namespace

TEST_CASE("a decision field reads as the model names it: the gateway's question and its flows' answers", "[modeler]") {
  using namespace raciflow::definitions;
  Diagnostics d("deviation");
  auto defs = load_text(deviation_without_table(), "deviation", d);
  REQUIRE(defs);
  const Process& p = *defs->find_process("deviation-handling");
  auto assess = form_fields(p, "assess-input");
  REQUIRE(assess.size() == 1);
  CHECK(assess[0].name == "committeeDecisionNeeded");
  CHECK(assess[0].label == "Must the committee decide?");
  // "yes" is the flow `committeeDecisionNeeded == true`; "no" the gateway's default flow.
  CHECK(assess[0].answers == std::vector<std::pair<std::string, std::string>>{{"true", "yes"}, {"false", "no"}});
  // One gateway deciding on three variables names none of them: their names in words.
  auto report = form_fields(p, "record-outcome");
  REQUIRE(report.size() == 3);
  CHECK(report[0].label == "Successful");
  CHECK(report[1].label == "Instruction followed");
  CHECK(report[2].label == "Recurring");
  CHECK(report[1].answers.empty());
}

TEST_CASE("raci:label on a gateway and its flows words the form's question and answers", "[modeler]") {
  using namespace raciflow::definitions;
  std::string xml = deviation_without_table();
  // The gateway after the assessment and its `yes` flow get labels of their own.
  auto gateway = xml.find("<bpmn:exclusiveGateway id=\"committee-needed\"");
  REQUIRE(gateway != std::string::npos);
  xml.insert(gateway + std::string("<bpmn:exclusiveGateway").size(), " raci:label=\"Does this need the committee's decision?\"");
  auto yes = xml.find("<bpmn:sequenceFlow id=\"to-committee\"");
  REQUIRE(yes != std::string::npos);
  xml.insert(yes + std::string("<bpmn:sequenceFlow").size(), " raci:label=\"Yes, beyond our mandate\" raci:colour=\"red\"");
  Diagnostics d("deviation");
  auto defs = load_text(xml, "deviation", d);
  REQUIRE(defs);
  auto assess = form_fields(*defs->find_process("deviation-handling"), "assess-input");
  REQUIRE(assess.size() == 1);
  CHECK(assess[0].label == "Does this need the committee's decision?");
  CHECK(assess[0].answers == std::vector<std::pair<std::string, std::string>>{{"true", "Yes, beyond our mandate"}, {"false", "no"}});
  // Another raci attribute on a flow is not taken silently.
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].message == "unknown attribute raci:colour on sequence flow 'to-committee' is ignored");
}

namespace {
// One lane (the security function) and a step naming `attributes`.
std::string one_lane_flow(const std::string& attributes) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" id="d" targetNamespace="t">
  <process id="lean" name="Lean" isExecutable="true">
    <laneSet id="ls">
      <lane id="lane-sf" name="Security function" raci:role="security-function">
        <flowNodeRef>s</flowNodeRef><flowNodeRef>t</flowNodeRef><flowNodeRef>e</flowNodeRef>
      </lane>
    </laneSet>
    <startEvent id="s"/>
    <userTask id="t" name="Assess" )" + attributes + R"(/>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
  </process>
</definitions>
)";
}
}  // namespace

TEST_CASE("a RACI role without a lane is checked against the organisation by validate --org and by deploy", "[api][modeler]") {
  Server s;
  auto sofie = with_modeller(s);
  s.w.write("lean.bpmn", one_lane_flow(R"(raci:accountable="top-management" raci:consulted="security-committee")"));
  s.w.write("legal.bpmn", one_lane_flow(R"(raci:consulted="legal")"));

  auto unchecked = s.w.cli({"validate", s.w.path("lean.bpmn")});
  CHECK(unchecked.code == 0);
  CHECK(unchecked.err.find("names role 'top-management' in raci:accountable, which is no lane's role: not checked without an "
                           "organisation (validate --org FILE)") != std::string::npos);
  auto checked = s.w.cli({"validate", "--org", sample("org.xml"), s.w.path("lean.bpmn")});
  CHECK(checked.code == 0);
  CHECK(checked.err.empty());
  CHECK(checked.out.find("lean.bpmn: ok (1 process, 3 flow nodes, 0 warnings)") != std::string::npos);

  auto refused = s.w.cli({"validate", "--org", sample("org.xml"), s.w.path("legal.bpmn")});
  CHECK(refused.code == 1);
  CHECK(refused.err.find(":10: error: userTask 'Assess' (t) names unknown role 'legal' in raci:consulted (roles: ") != std::string::npos);
  auto bad_org = s.w.cli({"validate", "--org", s.w.path("legal.bpmn"), s.w.path("lean.bpmn")});
  CHECK(bad_org.code == 1);
  CHECK(bad_org.err.find("legal.bpmn:") != std::string::npos);

  // Deploy checks against the loaded organisation: the lean flow deploys, `legal` does not.
  auto before = s.w.dump();
  auto no = s.as(sofie, "POST", "/api/definitions", {{"name", "legal.bpmn"}, {"xml", one_lane_flow(R"(raci:consulted="legal")")}});
  CHECK(no.status == 422);
  CHECK(no.json_body()["message"].get<std::string>().find("names unknown role 'legal'") != std::string::npos);
  CHECK(s.w.dump() == before);
  auto yes = s.as(sofie, "POST", "/api/definitions",
                  {{"name", "lean.bpmn"}, {"xml", one_lane_flow(R"(raci:accountable="top-management" raci:consulted="security-committee")")}});
  CHECK(yes.status == 201);
  // The matrix gives the roles that are no lane's a column of their own.
  auto raci = s.as(sofie, "GET", "/api/definitions/lean/raci").json_body();
  REQUIRE(raci["roles"].size() == 3);
  CHECK(raci["steps"][0]["cells"] == json{{"security-function", "R"}, {"top-management", "A"}, {"security-committee", "C"}});
}

TEST_CASE("the modeler's templates are the samples' flows, and a hand-written process can be fetched with a drawing", "[api][modeler]") {
  Server s;
  auto sofie = with_modeller(s);
  auto list = s.as(sofie, "GET", "/api/templates").json_body();
  REQUIRE(list.size() == 11);
  bool found = false;
  for (const auto& t : list)
    found |= t["file"] == "deviation-handling.bpmn" && t["process"] == "deviation-handling" &&
             t["forms"] == json::array({"deviation-assess-input.form", "deviation-committee-decision.form", "deviation-report-back.form"});
  CHECK(found);
  auto one = s.as(sofie, "GET", "/api/templates/deviation-handling.bpmn");
  CHECK(one.status == 200);
  CHECK(one.body == read_file(sample("deviation-handling.bpmn")));
  // Its forms come with it, as JSON.
  auto form = s.as(sofie, "GET", "/api/templates/deviation-assess-input.form");
  CHECK(form.headers["Content-Type"].rfind("application/json", 0) == 0);
  CHECK(form.json_body()["id"] == "deviation-assess-input");
  CHECK(s.as(sofie, "GET", "/api/templates/nothing.bpmn").status == 404);
  // The risk assessment's decision model comes with it, as XML.
  for (const auto& t : list)
    if (t["file"] == "risk-assessment.bpmn") CHECK(t["decisions"] == json::array({"risk-level.dmn"}));
  auto table = s.as(sofie, "GET", "/api/templates/risk-level.dmn");
  CHECK(table.headers["Content-Type"].rfind("application/xml", 0) == 0);
  CHECK(table.body == read_file(sample("risk-level.dmn")));

  // lean.bpmn has no BPMNDiagram: ?layout=missing draws one, the plain download does not.
  REQUIRE(s.as(sofie, "POST", "/api/definitions",
               {{"name", "lean.bpmn"}, {"xml", one_lane_flow(R"(raci:accountable="top-management")")}}).status == 201);
  auto plain = s.as(sofie, "GET", "/api/definitions/lean/xml");
  CHECK(plain.body.find("BPMNShape") == std::string::npos);
  auto drawn = s.as(sofie, "GET", "/api/definitions/lean/xml?layout=missing");
  CHECK(drawn.status == 200);
  CHECK(drawn.body.find("BPMNShape") != std::string::npos);
  CHECK(drawn.body.find("raci:accountable=\"top-management\"") != std::string::npos);
  CHECK(s.as(sofie, "GET", "/api/definitions/lean/xml?layout=always").status == 400);
}

TEST_CASE("before a deploy the change table lists the rules of the decision tables sent with the flow, against the deployed model", "[api][modeler]") {
  Server s;
  auto sofie = with_modeller(s);
  const std::string flow = read_file(sample("risk-assessment.bpmn")), table = read_file(sample("risk-level.dmn"));
  // Nothing deployed yet: every rule is new.
  auto first = s.as(sofie, "POST", "/api/definitions/risk-assessment/changes",
                    {{"name", "risk-assessment.bpmn"}, {"xml", flow}, {"decisions", {{"risk-level.dmn", table}}}});
  REQUIRE(first.status == 200);
  CHECK(first.json_body()["rule_changes"].size() == 12);  // four of the risk level, eight of the residual level
  CHECK(first.json_body()["rule_changes"][0]["from_version"].is_null());
  CHECK(s.as(sofie, "GET", "/api/decisions/risk-level/xml").status == 404);
  REQUIRE(s.w.cli({"deploy", sample("risk-assessment.bpmn"), "--as", "anna"}).code == 0);
  // The deployed model is what the decision table editor opens.
  auto deployed = s.as(sofie, "GET", "/api/decisions/risk-level/xml");
  CHECK(deployed.status == 200);
  CHECK(deployed.headers["Content-Type"].rfind("application/xml", 0) == 0);
  CHECK(deployed.body == table);
  // A medium risk's residual risk now goes to top management.
  std::string edited = table;
  auto medium = edited.find("LiteralExpression_r2_accept\"><text>false");
  REQUIRE(medium != std::string::npos);
  edited.replace(edited.find("false", medium), 5, "true");
  auto diff = s.as(sofie, "POST", "/api/definitions/risk-assessment/changes",
                   {{"name", "risk-assessment.bpmn"}, {"xml", flow}, {"decisions", {{"risk-level.dmn", edited}}}});
  REQUIRE(diff.status == 200);
  CHECK(diff.json_body()["changes"].empty());
  const json rules = diff.json_body()["rule_changes"];
  REQUIRE(rules.size() == 1);
  const json& rule = rules[0];
  CHECK(rule["model"] == "risk-method");
  CHECK(rule["from_version"] == 1);
  CHECK(rule["decision"] == "risk-level");
  CHECK(rule["decision_name"] == "Risk level");
  CHECK(rule["rule"] == "Rule_medium");
  CHECK(rule["number"] == 2);
  CHECK(rule["change"] == "changed");
  CHECK(rule["after"] == "Likelihood × impact: [4..7] → Risk level: \"medium\", Treatment required: true, Top management accepts the residual "
                         "risk: true (Treated; the security committee accepts the residual risk)");
  // A decision model that does not load is refused with its first error, naming the file.
  auto broken = s.as(sofie, "POST", "/api/definitions/risk-assessment/changes",
                     {{"name", "risk-assessment.bpmn"}, {"xml", flow}, {"decisions", {{"risk-level.dmn", "<definitions/>"}}}});
  CHECK(broken.status == 422);
  CHECK(broken.json_body()["message"].get<std::string>().find("risk-level.dmn") != std::string::npos);
}

TEST_CASE("bpmn-js is served from its npm install under /vendor/, nothing else of the disk, and its absence is explained", "[api][modeler]") {
  Server s;
  auto sofie = with_modeller(s);
  CHECK(s.as(sofie, "GET", "/api/me").json_body()["modeler"] == json{{"available", true}, {"reason", ""}});
  // form-js, from the same node_modules, the same way.
  CHECK(s.as(sofie, "GET", "/api/me").json_body()["forms"] == json{{"available", true}, {"reason", ""}});
  CHECK(s.request("GET", "/vendor/form-js/form-viewer.umd.js").status == 200);
  CHECK(s.request("GET", "/vendor/form-js/form-editor.umd.js").headers["Content-Type"] == "text/javascript; charset=utf-8");
  CHECK(s.request("GET", "/vendor/form-js/assets/form-js.css").status == 200);
  CHECK(s.request("GET", "/vendor/form-js/form-playground.umd.js").status == 404);
  CHECK(s.request("GET", "/vendor/form-js/../../bpmn-js/package.json").status == 400);
  // dmn-js, for the decision tables, the same way.
  CHECK(s.as(sofie, "GET", "/api/me").json_body()["decisions"] == json{{"available", true}, {"reason", ""}});
  CHECK(s.request("GET", "/vendor/dmn-js/dmn-modeler.production.min.js").headers["Content-Type"] == "text/javascript; charset=utf-8");
  CHECK(s.request("GET", "/vendor/dmn-js/assets/dmn-js-decision-table.css").status == 200);
  CHECK(s.request("GET", "/vendor/dmn-js/assets/dmn-font/font/dmn.woff2").headers["Content-Type"] == "font/woff2");
  CHECK(s.request("GET", "/vendor/dmn-js/dmn-viewer.development.js").status == 404);
  auto no_tables = raciflow::http::VendorAssets::load(s.w.path("no-such-folder"), raciflow::http::VendorPackage::dmn_js);
  CHECK(no_tables.missing().rfind("dmn-js is not installed on this server (no dmn-modeler.production.min.js)", 0) == 0);
  auto no_forms = raciflow::http::VendorAssets::load(s.w.path("no-such-folder"), raciflow::http::VendorPackage::form_js);
  CHECK(no_forms.missing().rfind("form-js is not installed on this server (no form-viewer.umd.js)", 0) == 0);
  auto modeler = s.request("GET", "/vendor/bpmn-js/bpmn-modeler.production.min.js");
  CHECK(modeler.status == 200);
  CHECK(modeler.headers["Content-Type"] == "text/javascript; charset=utf-8");
  CHECK(modeler.body.size() > 100000);
  CHECK(s.request("GET", "/vendor/bpmn-js/assets/bpmn-font/font/bpmn.woff2").headers["Content-Type"] == "font/woff2");
  CHECK(s.request("GET", "/vendor/bpmn-js/assets/bpmn-js.css").status == 200);
  // Only the listed files: not the rest of the package, not a way out of it.
  CHECK(s.request("GET", "/vendor/bpmn-js/bpmn-modeler.development.js").status == 404);
  CHECK(s.request("GET", "/vendor/bpmn-js/../package.json").status == 400);
  CHECK(s.request("GET", "/vendor/bpmn-js/%2e%2e/%2e%2e/package.json").status == 400);
  CHECK(s.request("POST", "/vendor/bpmn-js/assets/bpmn-js.css").status == 405);

  // Without the package: the files are 404 with the reason, the API works.
  auto missing = raciflow::http::VendorAssets::load(s.w.path("no-such-folder"));
  CHECK_FALSE(missing.available());
  CHECK(missing.find("bpmn-modeler.production.min.js") == nullptr);
  CHECK(missing.missing().find("bash .ci/setup installs it from adapters/web/package-lock.json") != std::string::npos);
  raciflow::http::ApiOptions options;
  options.bpmn_js_dir = s.w.path("no-such-folder");
  raciflow::http::Api without(*s.service, options);
  CHECK(without.modeler_unavailable() == missing.missing());
  raciflow::http::HttpRequest get;
  get.method = "GET";
  get.target = "/vendor/bpmn-js/bpmn-modeler.production.min.js";
  auto refused = without.handle(get);
  CHECK(refused.status == 404);
  CHECK(refused.body.find(".ci/setup") != std::string::npos);
  get.target = "/";
  CHECK(without.handle(get).status == 200);  // the web app itself is there
}

TEST_CASE("POST /api/signals: the admin or the security function throws a signal; the answer names only cases the caller sees", "[api][signals]") {
  Server s;
  auto anna = s.login("anna");  // admin, security function
  auto mette = s.login("mette");
  std::string flow = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" id="d" targetNamespace="t">
  <signal id="threat" name="threat level changed"/>
  <process id="watchful" isExecutable="true">
    <laneSet id="ls"><lane id="sf" raci:role="security-function"><flowNodeRef>s</flowNodeRef><flowNodeRef>wait</flowNodeRef><flowNodeRef>e</flowNodeRef></lane></laneSet>
    <startEvent id="s"/>
    <intermediateCatchEvent id="wait"><signalEventDefinition signalRef="threat"/></intermediateCatchEvent>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <sequenceFlow id="f2" sourceRef="wait" targetRef="e"/>
  </process>
</definitions>
)";
  REQUIRE(s.as(anna, "POST", "/api/definitions", {{"name", "watchful.bpmn"}, {"xml", flow}}).status == 201);
  std::string id = s.as(anna, "POST", "/api/cases", {{"process", "watchful"}}).json_body()["id"];

  CHECK(s.as(mette, "POST", "/api/signals", {{"name", "threat level changed"}}).status == 403);
  auto thrown = s.as(anna, "POST", "/api/signals", {{"name", "threat level changed"}, {"variables", {{"level", "high"}}}});
  REQUIRE(thrown.status == 200);
  CHECK(thrown.json_body() == json{{"continued", {id}}, {"started", json::array()}});
  CHECK(s.as(anna, "GET", "/api/cases/" + id).json_body()["status"] == "completed");
  CHECK(s.as(anna, "POST", "/api/signals", {{"name", "threat level changed"}}).json_body() ==
        json{{"continued", json::array()}, {"started", json::array()}});  // nothing waits any more: lost
  CHECK(s.as(anna, "POST", "/api/signals", {{"name", ""}}).status == 422);
  CHECK(s.as(anna, "POST", "/api/signals", {{"name", "x"}, {"variables", "high"}}).status == 400);
}
