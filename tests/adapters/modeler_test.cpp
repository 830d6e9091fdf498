// Modelling in the browser, the server's side (issue 18): the `modeller` access level and
// POST /api/validate, which gives the same findings as `raciflow validate --json`.
#include <fstream>

#include "api_support.h"

namespace {

using nlohmann::json;
using namespace raciflow::testing::api;
using raciflow::testing::sample;
std::string data(const std::string& name) { return raciflow::testing::test_data(name); }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

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
  auto cli = s.w.cli({"validate", "--json", data("broken.bpmn")}).json();
  REQUIRE(body["findings"].size() == cli.size());
  for (std::size_t i = 0; i < cli.size(); ++i) {
    INFO(i);
    for (const char* field : {"line", "severity", "message", "element"}) CHECK(body["findings"][i][field] == cli[i][field]);
    CHECK(body["findings"][i]["file"] == "broken.bpmn");
  }
  CHECK(body["findings"][1]["element"] == "to-nowhere");
  CHECK(body["findings"][1]["line"] == 12);

  auto clean = s.as(sofie, "POST", "/api/validate", {{"name", "policy.bpmn"}, {"xml", read_file(sample("policy-approval.bpmn"))}});
  CHECK(clean.json_body() == json{{"ok", true}, {"findings", json::array()}});

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
