// The HTTP API through a real server on a loopback port: every status code of the
// contract, each role's view, logins and tokens, and hostile input.
#include "api_support.h"

using nlohmann::json;
using namespace raciflow::testing::api;
using raciflow::testing::sample;
using raciflow::testing::Workspace;
using raciflow::testing::read_file;

TEST_CASE("without credentials every API route answers 401, except login and the OpenAPI document", "[api]") {
  Server s;
  std::size_t unauthenticated = 0;
  for (const auto& route : s.api->routes()) {
    auto r = s.request(route.method, concrete(route.path), route.method == "GET" ? "" : "{}");
    INFO(route.method << " " << route.path);
    if (route.public_route)
      CHECK(r.status != 401);
    else
      CHECK(r.status == 401);
    if (r.status == 401) CHECK(r.json_body()["error"] == "unauthenticated");
    unauthenticated += r.status == 401;
  }
  CHECK(s.request("GET", "/api/nothing-here").status == 401);
  // Every refusal is in the trail, with nobody as the actor: the first from this address
  // on its own, the rest of the minute in one sum. The calendar feed's route answers
  // without a login, but an address that opens no feed is a refusal too.
  CHECK(s.refusals_accounted() == static_cast<std::int64_t>(unauthenticated) + 2);
  auto refused = s.refusals();
  CHECK(refused.size() == 2);
  CHECK(refused.front() == ": log in first");
}

TEST_CASE("the OpenAPI document lists exactly the API's routes", "[api]") {
  Server s;
  auto r = s.request("GET", "/api/openapi.json");
  REQUIRE(r.status == 200);
  json doc = r.json_body();
  CHECK(doc["openapi"].get<std::string>().rfind("3.", 0) == 0);
  std::set<std::string> routes, documented;
  for (const auto& route : s.api->routes()) {
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    routes.insert(method + " " + route.path);
  }
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, op] : item.items()) documented.insert(method + " " + path);
  CHECK(routes == documented);
}

TEST_CASE("logging in sets a secure, HttpOnly session cookie; a wrong password is 401 and recorded", "[api]") {
  Server s;
  auto ok = s.request("POST", "/api/login", R"({"person":"mette","password":"mette-password"})");
  REQUIRE(ok.status == 200);
  CHECK(ok.json_body()["person"] == "mette");
  const auto& cookie = ok.headers["Set-Cookie"];
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("Secure") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("Max-Age=28800") != std::string::npos);
  auto bad = s.request("POST", "/api/login", R"({"person":"mette","password":"guess"})");
  CHECK(bad.status == 401);
  CHECK(s.request("POST", "/api/login", R"({"person":"nobody","password":"guess-guess"})").status == 401);
  CHECK(s.refusals() == std::vector<std::string>{"mette: wrong person or password", "nobody: wrong person or password"});
  // Logging out ends the session on the server, not only in the browser.
  std::string session = cookie.substr(0, cookie.find(';'));
  CHECK(s.as(session, "GET", "/api/me").status == 200);
  CHECK(s.as(session, "POST", "/api/logout").status == 204);
  CHECK(s.as(session, "GET", "/api/me").status == 401);
}

TEST_CASE("a session expires after its lifetime", "[api]") {
  Server s;
  auto anna = s.login("anna");
  CHECK(s.as(anna, "GET", "/api/me").status == 200);
  s.now = s.now.load() + std::chrono::hours(9);
  CHECK(s.as(anna, "GET", "/api/me").status == 401);
}

TEST_CASE("API tokens stand for their person until revoked; only their hash is stored", "[api]") {
  Server s;
  auto made = s.w.cli({"token", "create", "mette", "--name", "ticket system"});
  REQUIRE(made.code == 0);
  std::string token = made.out.substr(0, made.out.size() - 1);
  CHECK(token.rfind("rf_", 0) == 0);
  auto me = s.request("GET", "/api/me", "", {{"Authorization", "Bearer " + token}});
  REQUIRE(me.status == 200);
  CHECK(me.json_body()["person"] == "mette");
  SQLite::Database db(s.w.db());
  CHECK(db.execAndGet("SELECT count(*) FROM api_tokens WHERE hash = '" + token + "'").getInt() == 0);
  REQUIRE(s.w.cli({"token", "revoke", "1"}).code == 0);
  CHECK(s.request("GET", "/api/me", "", {{"Authorization", "Bearer " + token}}).status == 401);
  CHECK(s.request("GET", "/api/me", "", {{"Authorization", "Bearer rf_made_up"}}).status == 401);
  CHECK(s.refusals_accounted() == 2);  // a presented but bad credential is an attempt
}

TEST_CASE("a deviation case runs through the API, each person seeing only their own tasks", "[api]") {
  Server s;
  auto anna = s.login("anna"), mette = s.login("mette"), karen = s.login("karen");
  auto [case_id, assess] = start_deviation(s, anna);
  // Mette is consulted on the assessment; Karen has nothing yet.
  auto mine = s.as(mette, "GET", "/api/tasks").json_body();
  REQUIRE(mine.size() == 1);
  CHECK(mine[0]["inbox"] == "consulted");
  CHECK(s.as(karen, "GET", "/api/tasks").json_body().empty());
  CHECK(s.as(mette, "POST", "/api/tasks/" + std::to_string(assess) + "/consult", {{"answer", "fine by us"}}).status == 200);
  // The step shows its form; the gateway after it reads what the decision table decides
  // from the form's answers, so no decision field is asked besides.
  auto task = s.as(anna, "GET", "/api/tasks/" + std::to_string(assess)).json_body();
  CHECK(task["form"]["id"] == "deviation-assess-input");
  CHECK(task["fields"].empty());
  CHECK(s.as(anna, "POST", "/api/tasks/" + std::to_string(assess) + "/claim").status == 200);
  CHECK(s.as(anna, "POST", "/api/tasks/" + std::to_string(assess) + "/complete",
             {{"variables", {{"severity", "high"}}}, {"comment", "committee"}})
            .status == 200);
  auto karens = s.as(karen, "GET", "/api/tasks").json_body();
  REQUIRE(karens.size() == 1);
  CHECK(karens[0]["node"] == "committee-decides");
  CHECK(s.as(mette, "GET", "/api/tasks").json_body().empty());
  // The case view and its diagram mark the steps.
  auto view = s.as(karen, "GET", "/api/cases/" + case_id);
  REQUIRE(view.status == 200);
  CHECK(view.json_body()["status"] == "active");
  auto svg = s.as(karen, "GET", "/api/cases/" + case_id + "/diagram");
  CHECK(svg.headers["Content-Type"] == "image/svg+xml");
  CHECK(svg.body.find(R"(class="node done" data-node="assess-input")") != std::string::npos);
  CHECK(svg.body.find(R"(class="node active" data-node="committee-decides")") != std::string::npos);
  auto trail = s.as(karen, "GET", "/api/cases/" + case_id + "/audit").json_body();
  bool comment_kept = false;
  for (const auto& r : trail) comment_kept |= r["action"] == "task_completed" && r["data"]["variables"].value("comment", "") == "committee";
  CHECK(comment_kept);
  auto csv = s.as(karen, "GET", "/api/cases/" + case_id + "/audit?format=csv");
  CHECK(csv.headers["Content-Type"].rfind("text/csv", 0) == 0);
}

TEST_CASE("each role sees its own view of cases; the auditor sees all and changes nothing", "[api]") {
  Server s;
  auto anna = s.login("anna"), lars = s.login("lars"), ida = s.login("ida"), mette = s.login("mette");
  auto [case_id, assess] = start_deviation(s, anna);
  CHECK(s.as(anna, "GET", "/api/cases").json_body().size() == 1);   // admin
  CHECK(s.as(ida, "GET", "/api/cases").json_body().size() == 1);    // auditor
  CHECK(s.as(mette, "GET", "/api/cases").json_body().size() == 1);  // consulted on a step
  // Lars holds top-management, which has no step of this case yet.
  CHECK(s.as(lars, "GET", "/api/cases").json_body().size() == 1);  // security function: responsible
  CHECK(s.as(ida, "GET", "/api/audit/verify").json_body()["ok"] == true);
  CHECK(s.as(mette, "GET", "/api/audit/verify").status == 403);
  CHECK(s.as(ida, "POST", "/api/tasks/" + std::to_string(assess) + "/claim").status == 403);
  CHECK(s.as(ida, "POST", "/api/messages", {{"name", "External input"}}).status == 403);
  CHECK(s.as(mette, "POST", "/api/definitions", {{"name", "x.bpmn"}, {"xml", "<x/>"}}).status == 403);
  CHECK(s.as(mette, "PUT", "/api/organisation", {{"xml", "<x/>"}}).status == 403);
  CHECK(s.as(mette, "POST", "/api/cases/" + case_id + "/cancel", {{"reason", "no"}}).status == 403);
  auto refused = s.refusals();
  CHECK(refused.size() == 6);
  CHECK(refused.front() == "mette: this needs admin or auditor access");
}

TEST_CASE("task commands answer 403, 404, 409 and 422 as the contract says", "[api]") {
  Server s;
  auto anna = s.login("anna"), mette = s.login("mette"), karen = s.login("karen"), lars = s.login("lars");
  auto [case_id, assess] = start_deviation(s, anna);
  std::string task = "/api/tasks/" + std::to_string(assess);
  SECTION("403: not a role of yours, and recorded") {
    auto r = s.as(mette, "POST", task + "/claim");
    CHECK(r.status == 403);
    CHECK(r.json_body()["error"] == "forbidden");
    CHECK(s.refusals().back().rfind("mette: task 1 'Assess the input' is for security-function", 0) == 0);
  }
  SECTION("404: no such task or case") {
    CHECK(s.as(anna, "POST", "/api/tasks/999/claim").status == 404);
    CHECK(s.as(anna, "GET", "/api/tasks/abc").status == 404);
    CHECK(s.as(anna, "GET", "/api/cases/999").status == 404);
    CHECK(s.as(anna, "GET", "/api/definitions/nothing/diagram").status == 404);
    CHECK(s.as(anna, "POST", "/api/cases", {{"process", "nothing"}}).status == 404);
  }
  SECTION("409: claimed by another, or already completed") {
    REQUIRE(s.as(lars, "POST", task + "/claim").status == 200);
    auto r = s.as(anna, "POST", task + "/claim");
    CHECK(r.status == 409);
    CHECK(r.json_body()["message"] == "task 1 'Assess the input' is claimed by lars");
    CHECK(s.as(anna, "POST", task + "/complete", {{"variables", {{"severity", "low"}, {"withinMandate", true}}}}).status == 409);
    REQUIRE(s.as(lars, "POST", task + "/complete", {{"variables", {{"severity", "low"}, {"withinMandate", true}}}}).status == 200);
    CHECK(s.as(lars, "POST", task + "/complete", {{"variables", {{"severity", "low"}, {"withinMandate", true}}}}).status == 409);
    CHECK(s.as(mette, "POST", task + "/consult", {{"answer", "late"}}).status == 409);
  }
  SECTION("422: a required field of the step's form is missing") {
    REQUIRE(s.as(anna, "POST", task + "/claim").status == 200);
    auto r = s.as(anna, "POST", task + "/complete");
    CHECK(r.status == 422);
    CHECK(r.json_body()["message"] == "task 1 'Assess the input', form 'deviation-assess-input': field 'Severity' (severity) is required");
    CHECK(s.as(anna, "GET", "/api/cases/" + case_id).json_body()["status"] == "active");  // nothing changed
    // raciflow complete refuses it with the same message: the rule is the runtime's.
    auto cli = s.w.cli({"complete", "1", "--as", "anna"});
    CHECK(cli.code != 0);
    CHECK(cli.err == "raciflow complete: task 1 'Assess the input', form 'deviation-assess-input': field 'Severity' (severity) is required\n");
  }
  SECTION("422: the units a multi-instance step next routes to must be roles of the organisation") {
    REQUIRE(s.as(anna, "POST", task + "/complete", {{"variables", {{"severity", "low"}, {"withinMandate", true}}}}).status == 200);
    auto open_at = [&](const std::string& node) {
      for (const auto& t : s.as(anna, "GET", "/api/tasks").json_body())
        if (t["node"] == node) return "/api/tasks/" + std::to_string(t["id"].get<long long>());
      return std::string();
    };
    REQUIRE(s.as(anna, "POST", open_at("function-decides") + "/complete").status == 200);
    std::string inform = open_at("inform-functions");
    REQUIRE_FALSE(inform.empty());
    auto form = s.as(anna, "GET", inform).json_body()["fields"];
    REQUIRE(form.size() == 1);
    CHECK(form[0]["name"] == "affectedUnits");
    CHECK(form[0]["type"] == "roles");
    // A step without a form must still set what the decision after it reads.
    auto missing = s.as(anna, "POST", inform + "/complete");
    CHECK(missing.status == 422);
    CHECK(missing.json_body()["message"] == "task 3 'Inform the business functions of the decision' needs the variable 'affectedUnits' (read by: "
                                             "one task per role at 'Carry out the activities')");
    for (const json& bad : {json::array(), json{"nobody"}, json{"hr", 7}, json("hr")}) {
      auto r = s.as(anna, "POST", inform + "/complete", {{"variables", {{"affectedUnits", bad}}}});
      CHECK(r.status == 422);
      CHECK(r.json_body()["message"] == "task 3 'Inform the business functions of the decision': 'affectedUnits' must list one or more of "
                                        "the organisation's role ids (one task per role at 'Carry out the activities')");
    }
    auto cli = s.w.cli({"complete", inform.substr(inform.rfind('/') + 1), "--as", "anna", "--var", "affectedUnits=[\"nobody\"]"});
    CHECK(cli.code != 0);
    CHECK(cli.err == "raciflow complete: task 3 'Inform the business functions of the decision': 'affectedUnits' must list one or more of "
                     "the organisation's role ids (one task per role at 'Carry out the activities')\n");
    CHECK(s.as(anna, "POST", inform + "/complete", {{"variables", {{"affectedUnits", {"hr", "it-operations"}}}}}).status == 200);
    int hr_parts = 0;  // Mette holds HR: its part is in her inbox
    for (const auto& t : s.as(mette, "GET", "/api/tasks").json_body())
      hr_parts += t["node"] == "carry-out" && t["locals"]["unit"] == "hr";
    CHECK(hr_parts == 1);
  }
  SECTION("422: four eyes: who drafted a policy may not approve it") {
    auto started = s.as(lars, "POST", "/api/messages", {{"name", "Policy for approval"}});
    REQUIRE(started.status == 200);
    std::string id = started.json_body()["cases"][0];
    auto step = [&](const std::string& who, const std::string& node, const json& vars) {
      for (const auto& t : s.as(who, "GET", "/api/tasks?case=" + id).json_body())
        if (t["node"] == node && t["status"] != "completed") {
          std::string path = "/api/tasks/" + std::to_string(t["id"].get<std::int64_t>());
          if (t["status"] == "open") REQUIRE(s.as(who, "POST", path + "/claim").status == 200);
          return s.as(who, "POST", path + "/complete", {{"variables", vars}});
        }
      FAIL("no task " << node);
      return Reply{};
    };
    REQUIRE(step(lars, "draft", json::object()).status == 200);
    REQUIRE(step(karen, "review", {{"recommend", true}}).status == 200);
    auto r = step(lars, "approve", {{"approved", true}});
    CHECK(r.status == 422);
    CHECK(r.json_body()["message"].get<std::string>().find("raci:separateFrom") != std::string::npos);
  }
}

TEST_CASE("the Accountable waives a consultation through the API; others are refused and recorded; a late answer is 409", "[api]") {
  Server s;
  auto anna = s.login("anna"), karen = s.login("karen"), mette = s.login("mette"), lars = s.login("lars");
  auto [case_id, assess] = start_deviation(s, anna);
  std::string task = "/api/tasks/" + std::to_string(assess);
  auto denied = s.as(karen, "POST", task + "/waive", {{"reason", "no time"}});
  CHECK(denied.status == 404);  // karen takes no part in the case: it does not exist for her
  auto not_a = s.as(mette, "POST", task + "/waive", {{"reason", "no time"}});
  CHECK(not_a.status == 403);
  CHECK(not_a.json_body()["message_id"] == "task.not_accountable");
  CHECK(s.refusals().back().rfind("mette: task 1 'Assess the input': only its Accountable role", 0) == 0);
  CHECK(s.as(anna, "POST", task + "/waive", json::object()).status == 400);
  auto waived = s.as(anna, "POST", task + "/waive", {{"reason", "the business function is on leave"}});
  REQUIRE(waived.status == 200);
  CHECK(waived.json_body()["consultations"][0]["waived_by"] == "anna");
  CHECK(waived.json_body()["consultations"][0]["waive_reason"] == "the business function is on leave");
  auto answer = s.as(mette, "POST", task + "/consult", {{"answer", "we do have a view"}});
  CHECK(answer.status == 409);
  CHECK(answer.json_body()["message"] == "task 1: 'Assess the input': anna waived this consultation");
  REQUIRE(s.as(lars, "POST", task + "/complete", {{"variables", {{"severity", "low"}, {"withinMandate", true}}}}).status == 200);
  auto late = s.as(mette, "POST", task + "/consult", {{"answer", "later"}});
  CHECK(late.status == 409);
  CHECK(late.json_body()["message_id"] == "consult.late");
  auto trail = s.w.cli({"audit", case_id, "--format", "json"}).json();
  CHECK(std::any_of(trail.begin(), trail.end(), [](const json& r) {
    return r["action"] == "consultation_waived" && r["actor"] == "anna" && r["data"]["reason"] == "the business function is on leave";
  }));
}

TEST_CASE("substitutes through the API: each names their own, the admin anyone's; others see nothing of it", "[api]") {
  Server s;
  auto anna = s.login("anna"), lars = s.login("lars"), mette = s.login("mette"), karen = s.login("karen");
  auto started = start_deviation(s, anna);
  const auto assess = started.second;
  std::string task = "/api/tasks/" + std::to_string(assess);
  REQUIRE(s.as(lars, "POST", task + "/claim").status == 200);  // lars claims, then goes on holiday
  CHECK(s.as(karen, "POST", "/api/substitutes", {{"person", "lars"}, {"substitute", "mette"}, {"from", "2026-03-01"}, {"until", "2026-03-31"}})
            .status == 403);
  auto made = s.as(lars, "POST", "/api/substitutes", {{"substitute", "mette"}, {"from", "2026-03-01"}, {"until", "2026-03-31"}});
  REQUIRE(made.status == 201);
  std::string id = std::to_string(made.json_body()["id"].get<long long>());
  CHECK(s.as(mette, "GET", "/api/me").json_body()["substituting"][0]["person"] == "lars");
  CHECK(s.as(karen, "GET", "/api/substitutes").json_body().empty());
  CHECK(s.as(karen, "POST", "/api/substitutes/" + id + "/end").status == 404);
  CHECK(s.as(mette, "POST", "/api/substitutes/" + id + "/end").status == 403);
  // What lars had claimed is in mette's inbox, hers to complete on his behalf.
  auto inbox = s.as(mette, "GET", "/api/tasks").json_body();
  CHECK(std::any_of(inbox.begin(), inbox.end(), [&](const json& t) { return t["id"] == assess && t["inbox"] == "responsible"; }));

  auto done = s.as(mette, "POST", task + "/complete", {{"variables", {{"severity", "low"}, {"withinMandate", true}}}});
  CHECK(done.status == 200);
  auto trail = s.w.cli({"audit", started.first, "--format", "json"}).json();
  CHECK(std::any_of(trail.begin(), trail.end(), [](const json& r) {
    return r["action"] == "task_completed" && r["actor"] == "mette" && r["data"]["on_behalf_of"] == "lars";
  }));
  CHECK(s.as(lars, "POST", "/api/substitutes/" + id + "/end").status == 200);
  CHECK(s.as(mette, "GET", "/api/me").json_body()["substituting"].empty());
  CHECK(s.as(anna, "POST", "/api/substitutes", {{"person", "karen"}, {"substitute", "lars"}, {"from", "2026-03-01"}, {"until", "2026-03-02"}})
            .status == 201);
  CHECK(s.as(anna, "GET", "/api/substitutes").json_body().size() == 2);
}

TEST_CASE("a refusal carries its message id and its text in the language the request asks for", "[api]") {
  Server s;
  auto anna = s.login("anna"), lars = s.login("lars"), mette = s.login("mette");
  auto [case_id, assess] = start_deviation(s, anna);
  std::string task = "/api/tasks/" + std::to_string(assess);
  REQUIRE(s.as(lars, "POST", task + "/claim").status == 200);
  SECTION("Danish by Accept-Language, the machine-readable fields unchanged") {
    auto r = s.request("POST", task + "/claim", "", {{"Cookie", anna}, {"Accept-Language", "da-DK,da;q=0.9,en;q=0.5"}});
    CHECK(r.status == 409);
    CHECK(r.json_body()["error"] == "conflict");
    CHECK(r.json_body()["message"] == "task 1 'Assess the input' is claimed by lars");
    CHECK(r.json_body()["message_id"] == "task.claimed_by");
    CHECK(r.json_body()["text"] == "opgave 1 'Assess the input' er taget af lars");
  }
  SECTION("English by ?lang=en even when the browser prefers Danish") {
    auto r = s.request("POST", task + "/claim?lang=en", "", {{"Cookie", anna}, {"Accept-Language", "da"}});
    CHECK(r.json_body()["text"] == "task 1 'Assess the input' is claimed by lars");
  }
  SECTION("a denial of the engine (four-eyes, roles) in Danish, recorded in English") {
    auto r = s.request("POST", task + "/claim", "", {{"Cookie", mette}, {"Accept-Language", "da"}});
    CHECK(r.status == 403);
    CHECK(r.json_body()["message_id"] == "task.for_role");
    CHECK(r.json_body()["text"] == "opgave 1 'Assess the input' er for security-function, som du ikke har");
    CHECK(s.refusals().back().rfind("mette: task 1 'Assess the input' is for security-function", 0) == 0);
  }
  SECTION("a wrong password and an unknown case in Danish") {
    auto r = s.request("POST", "/api/login", json{{"person", "anna"}, {"password", "nope"}}.dump(), {{"Accept-Language", "da"}});
    CHECK(r.status == 401);
    CHECK(r.json_body()["text"] == "forkert person eller adgangskode");
    auto unknown = s.request("POST", "/api/tasks/999/claim", "", {{"Cookie", anna}, {"Accept-Language", "da"}});
    CHECK(unknown.status == 404);
    CHECK(unknown.json_body()["text"] == "der er ingen opgave 999");
  }
  SECTION("a message not in the catalogue yet keeps its English text") {
    auto r = s.request("POST", "/api/cases", json{{"process", "nothing"}}.dump(), {{"Cookie", anna}, {"Accept-Language", "da"}});
    CHECK(r.status == 404);
    CHECK_FALSE(r.json_body().contains("message_id"));
    CHECK(r.json_body()["text"] == r.json_body()["message"]);
  }
}

TEST_CASE("malformed, unknown and wrongly typed input is 400 and changes nothing", "[api]") {
  Server s;
  auto anna = s.login("anna");
  auto script = s.w.cli({"token", "create", "anna"}).out;
  script.pop_back();
  auto before = s.w.dump();
  auto post = [&](const std::string& body) {
    return s.request("POST", "/api/cases", body, {{"Cookie", anna}, {"Content-Type", "application/json"}});
  };
  CHECK(post("{not json").status == 400);
  CHECK(post("[1, 2]").status == 400);
  CHECK(post(R"({"process": "deviation-handling", "colour": "red"})").json_body()["message"] ==
        "unknown field 'colour' (known: key, process, variables)");
  CHECK(post(R"({"process": 42})").json_body()["message"] == "the field 'process' must be a string");
  CHECK(post(R"({"process": "policy-approval", "variables": [1]})").status == 400);
  // (With the session cookie instead, a body that is not JSON is a cross-site refusal: 403.)
  CHECK(s.request("POST", "/api/cases", "process=x", {{"Authorization", "Bearer " + script}, {"Content-Type", "text/plain"}}).status == 415);
  CHECK(s.request("POST", "/api/login", "{").status == 400);
  CHECK(s.as(anna, "GET", "/api/cases?status=sleeping").status == 400);
  CHECK(s.as(anna, "DELETE", "/api/cases").status == 405);
  CHECK(s.w.dump() == before);
}

TEST_CASE("huge bodies and heads are refused with 413 and 431", "[api]") {
  Server s;
  auto anna = s.login("anna");
  auto big = s.request("POST", "/api/cases", std::string(100 * 1024, ' '), {{"Cookie", anna}});
  CHECK(big.status == 413);
  CHECK(big.json_body()["error"] == "too_large");
  auto head = s.raw("GET /api/me HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(20 * 1024, 'a') + "\r\n\r\n");
  CHECK(head.rfind("HTTP/1.1 431", 0) == 0);
}

TEST_CASE("paths outside the web app's files are refused, encoded or not", "[api]") {
  Server s;
  CHECK(s.request("GET", "/").status == 200);
  CHECK(s.request("GET", "/app.js").headers["Content-Type"].rfind("text/javascript", 0) == 0);
  for (const char* path : {"/../etc/passwd", "/%2e%2e/etc/passwd", "/..%2fetc%2fpasswd", "/%2E%2E%2F%2E%2E%2Fetc/passwd",
                           "/static/../../CMakeLists.txt", "/..\\..\\etc\\passwd", "/%zz", "/CMakeLists.txt"}) {
    auto r = s.request("GET", path);
    INFO(path);
    CHECK((r.status == 400 || r.status == 404));
    CHECK(r.body.find("root:") == std::string::npos);
  }
}

TEST_CASE("a client that never finishes its request gets 408 and is disconnected", "[api]") {
  Server s(std::chrono::milliseconds(300));
  // Half a request head, then silence: the server answers and closes the connection,
  // so raw() returns instead of waiting for ever.
  auto reply = s.raw("GET /api/me HTTP/1.1\r\nHost: x\r\n");
  CHECK(reply.rfind("HTTP/1.1 408", 0) == 0);
  CHECK(s.request("GET", "/api/openapi.json").status == 200);  // and serves others meanwhile
}

TEST_CASE("the index page speaks the browser's language", "[api]") {
  Server s;
  auto da = s.request("GET", "/", "", {{"Accept-Language", "da-DK,da;q=0.9,en;q=0.8"}});
  CHECK(da.body.find(R"(<html lang="da">)") != std::string::npos);
  auto en = s.request("GET", "/", "", {{"Accept-Language", "en-GB,en;q=0.9"}});
  CHECK(en.body.find(R"(<html lang="en">)") != std::string::npos);
}

TEST_CASE("a flow and its decision model deploy through the API, and a deployed decision is evaluated there", "[api]") {
  Server s;
  auto anna = s.login("anna");
  std::string flow = read_file(raciflow::testing::test_data("risk-scoring.bpmn")), method = read_file(sample("risk-level.dmn"));
  // Validated with the model it would be deployed with, the flow has no finding.
  auto checked = s.as(anna, "POST", "/api/validate", {{"name", "risk-scoring.bpmn"}, {"xml", flow}, {"decisions", {{"risk-level.dmn", method}}}});
  CHECK(checked.json_body()["ok"] == true);
  auto lacking = s.as(anna, "POST", "/api/validate", {{"name", "risk-scoring.bpmn"}, {"xml", flow}});
  CHECK(lacking.json_body()["ok"] == false);
  // A DMN file alone is validated as one: a cell that is not S-FEEL names its rule and column.
  std::string broken = method;
  broken.replace(broken.find("[12..16]"), 8, "today()");
  auto cell = s.as(anna, "POST", "/api/validate", {{"name", "risk-level.dmn"}, {"xml", broken}});
  CHECK(cell.json_body()["ok"] == false);
  CHECK(cell.json_body()["findings"][0]["message"].get<std::string>().find("rule 4, input 'Likelihood × impact' (3)") != std::string::npos);

  auto r = s.as(anna, "POST", "/api/definitions", {{"name", "risk-scoring.bpmn"}, {"xml", flow}, {"decisions", {{"risk-level.dmn", method}}}});
  REQUIRE(r.status == 201);
  CHECK(r.json_body()[0]["decision_model"] == "risk-method");
  CHECK(r.json_body()[1]["process"] == "risk-scoring");
  json risk_method;
  for (const auto& m : s.as(anna, "GET", "/api/decisions").json_body())
    if (m["model"] == "risk-method") risk_method = m;
  CHECK(risk_method["decisions"] ==
        json::array({{{"id", "risk-level"}, {"name", "Risk level"}}, {{"id", "residual-level"}, {"name", "Residual risk level"}}}));

  auto mette = s.login("mette");
  auto answer = s.as(mette, "POST", "/api/decisions/Risk%20level/evaluate", {{"variables", {{"likelihood", 4}, {"impact", 4}}}});
  REQUIRE(answer.status == 200);
  CHECK(answer.json_body()["result"]["level"] == "critical");
  CHECK(answer.json_body()["matched"][0]["id"] == "Rule_critical");
  CHECK(s.as(mette, "POST", "/api/decisions/nothing/evaluate", {{"variables", json::object()}}).status == 404);
  auto outside = s.as(mette, "POST", "/api/decisions/risk-level/evaluate", {{"variables", {{"likelihood", 9}, {"impact", 1}}}});
  CHECK(outside.status == 422);
  CHECK(outside.json_body()["message"].get<std::string>().find("not among its values") != std::string::npos);
}

TEST_CASE("the admin deploys a definition and replaces the organisation through the API", "[api]") {
  Server s;
  auto anna = s.login("anna");
  std::ifstream in(sample("risk-assessment.bpmn"));
  std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Without the decision model its business-rule task runs, the deploy is refused, naming the step and the decision.
  auto undecided = s.as(anna, "POST", "/api/definitions", {{"name", "risk-assessment.bpmn"}, {"xml", xml}});
  CHECK(undecided.status == 422);
  CHECK(undecided.json_body()["message"].get<std::string>().find("business-rule task 'score' evaluates decision 'risk-level'") !=
        std::string::npos);
  // Nor without the forms its steps show.
  json decisions = {{"risk-level.dmn", read_file(sample("risk-level.dmn"))}};
  auto lacking = s.as(anna, "POST", "/api/definitions", {{"name", "risk-assessment.bpmn"}, {"xml", xml}, {"decisions", decisions}});
  CHECK(lacking.status == 422);
  CHECK(lacking.json_body()["message"].get<std::string>().find("shows form 'risk-identification', which is neither deployed nor among these files") !=
        std::string::npos);
  json forms = json::object();
  for (const char* form : {"risk-analysis.form", "risk-identification.form", "risk-treatment.form"}) forms[form] = read_file(sample(form));
  auto r = s.as(anna, "POST", "/api/definitions",
                {{"name", "risk-assessment.bpmn"}, {"xml", xml}, {"forms", forms}, {"decisions", decisions}});
  REQUIRE(r.status == 201);
  CHECK(r.json_body()[0]["form"] == "risk-analysis");
  CHECK(r.json_body()[3]["decision_model"] == "risk-method");
  CHECK(r.json_body()[4]["process"] == "risk-assessment");
  CHECK(r.json_body()[4]["warnings"] == json::array());
  auto bad = s.as(anna, "POST", "/api/definitions", {{"name", "broken.bpmn"}, {"xml", "<definitions/>"}});
  CHECK(bad.status == 422);
  CHECK(bad.json_body()["message"].get<std::string>().rfind("broken.bpmn:", 0) == 0);
  auto raci = s.as(anna, "GET", "/api/definitions/risk-assessment/raci");
  CHECK(raci.json_body()["process"] == "risk-assessment");
  auto svg = s.as(anna, "GET", "/api/definitions/risk-assessment/diagram");
  CHECK(svg.body.rfind("<svg", 0) == 0);
  std::ifstream org_in(sample("org.xml"));
  std::string org((std::istreambuf_iterator<char>(org_in)), std::istreambuf_iterator<char>());
  CHECK(s.as(anna, "PUT", "/api/organisation", {{"name", "org.xml"}, {"xml", org}}).status == 200);
  CHECK(s.as(anna, "PUT", "/api/organisation", {{"xml", "<organisation/>"}}).status == 422);
}

TEST_CASE("stopping the server lets it return from run", "[api]") {
  auto s = std::make_unique<Server>();
  CHECK(s->request("GET", "/api/openapi.json").status == 200);
  s.reset();  // stop(), join: returns, or this test hangs
  SUCCEED();
}

TEST_CASE("password and token commands refuse bad input with one line and change nothing", "[api]") {
  Workspace w;
  REQUIRE(w.cli({"org", "load", sample("org.xml")}).code == 0);
  auto before = w.dump();
  w.write("short.pw", "short\n");
  w.write("good.pw", "long-enough-password\n");
  auto shortpw = w.cli({"password", "set", "mette", "--password-file", w.path("short.pw")});
  CHECK(shortpw.code == 1);
  CHECK(shortpw.err == "raciflow password: the password is too short: at least 12 characters\n");
  auto nobody = w.cli({"password", "set", "nobody", "--password-file", w.path("good.pw")});
  CHECK(nobody.code == 1);
  CHECK(nobody.err == "raciflow password: unknown person 'nobody' (not in the organisation 'Example Agency')\n");
  CHECK(w.cli({"password", "set", "mette", "--password-file", w.path("missing.pw")}).code == 1);
  CHECK(w.cli({"token", "create", "nobody"}).code == 1);
  CHECK(w.cli({"token", "create", "mette", "--expires", "soon"}).code == 2);
  CHECK(w.cli({"token", "revoke", "abc"}).code == 2);
  CHECK(w.cli({"token", "revoke", "7"}).err == "raciflow token: no API token 7\n");
  CHECK(w.cli({"serve", "--listen", "nowhere"}).code == 2);
  CHECK(w.dump() == before);
}

TEST_CASE("the wheel, the plan, the agenda, the evidence register and the report through the API, each with its access", "[api]") {
  Server s;
  auto anna = s.login("anna"), mette = s.login("mette"), karen = s.login("karen"), ida = s.login("ida"), lars = s.login("lars");
  const std::string wheel = R"(<wheel xmlns="urn:raciflow:wheel:1" name="API year">
  <activity id="awareness" name="Awareness activity" role="security-function" schedule="FREQ=MONTHLY;BYMONTH=3,9" due="P30D" iso="7.3"/>
  <plan>
    <item id="phishing" name="Phishing exercise" responsible="mette" deadline="2026-06-30"/>
  </plan>
</wheel>)";
  CHECK(s.as(karen, "PUT", "/api/wheel", {{"xml", wheel}}).status == 403);
  auto loaded = s.as(anna, "PUT", "/api/wheel", {{"name", "year.xml"}, {"xml", wheel}});
  REQUIRE(loaded.status == 200);
  CHECK(loaded.json_body()["activities"] == 1);
  CHECK(loaded.json_body()["deployed"][0]["process"] == "wheel-awareness");
  CHECK(s.as(anna, "PUT", "/api/wheel", {{"xml", "<wheel xmlns=\"urn:raciflow:wheel:1\"/>"}}).status == 422);

  auto year = s.as(mette, "GET", "/api/wheel?year=2026");
  REQUIRE(year.status == 200);
  auto occurrences = year.json_body()["occurrences"];
  REQUIRE(occurrences.size() == 2);
  CHECK(occurrences[0]["occurrence"] == "2026-03-01");
  CHECK(occurrences[1]["status"] == "planned");
  CHECK(s.as(mette, "GET", "/api/wheel?year=2026&format=svg").body.rfind("<svg", 0) == 0);
  CHECK(s.as(mette, "GET", "/api/wheel?year=20x6").status == 400);

  // The person responsible reports on their item; others may not touch it; the admin plans.
  CHECK(s.as(mette, "PUT", "/api/plan/phishing", {{"status", "done"}, {"note", "ran in May"}}).status == 200);
  CHECK(s.as(mette, "PUT", "/api/plan/phishing", {{"responsible", "lars"}}).status == 403);
  CHECK(s.as(karen, "PUT", "/api/plan/phishing", {{"status", "open"}}).status == 403);
  CHECK(s.as(karen, "PUT", "/api/plan/pen-test", {{"name", "Penetration test"}}).status == 403);
  CHECK(s.as(anna, "PUT", "/api/plan/pen-test", {{"name", "Penetration test"}, {"responsible", "lars"}, {"deadline", "2026-13-01"}}).status == 422);
  CHECK(s.as(anna, "PUT", "/api/plan/pen-test", {{"name", "Penetration test"}, {"responsible", "lars"}, {"deadline", "2026-10-01"}}).status == 200);
  auto plan = s.as(ida, "GET", "/api/plan").json_body();
  REQUIRE(plan.size() == 2);
  CHECK(plan[0]["id"] == "phishing");
  CHECK(plan[0]["status"] == "done");
  CHECK(plan[0]["updated_by"] == "mette");

  // A deviation only the security function and the committee are involved in so far.
  auto started = s.as(anna, "POST", "/api/messages", {{"name", "External input"}});
  REQUIRE(started.status == 200);
  std::string id = started.json_body()["cases"][0];
  auto agenda = s.as(anna, "GET", "/api/agenda?since=2026-01-01").json_body();
  CHECK(agenda["sections"][5]["id"] == "new-deviations");
  CHECK(agenda["sections"][5]["cases"][0]["id"] == id);
  CHECK(s.as(lars, "GET", "/api/agenda?since=2026-01-01&format=html").body.find("data-case=\"" + id + "\"") != std::string::npos);
  CHECK(s.as(karen, "GET", "/api/agenda?since=2026-01-01&format=markdown").body.find("case " + id) == std::string::npos);
  CHECK(s.as(anna, "GET", "/api/agenda?since=yesterday").status == 400);

  CHECK(s.as(mette, "GET", "/api/evidence").status == 403);
  auto evidence = s.as(ida, "GET", "/api/evidence");
  REQUIRE(evidence.status == 200);
  CHECK(evidence.json_body()["items"].size() == 13);
  CHECK(s.as(mette, "GET", "/api/report").status == 403);
  auto report = s.as(ida, "GET", "/api/report?year=2026&format=html");
  CHECK(report.status == 200);
  CHECK(report.body.find("<svg") != std::string::npos);

  // In Danish, when asked: the agenda's markdown and page, the report's markdown.
  auto dagsorden = s.as(anna, "GET", "/api/agenda?since=2026-01-01&format=markdown&lang=da").body;
  CHECK(dagsorden.rfind("# Dagsorden for informationssikkerhedsudvalget\n", 0) == 0);
  CHECK(dagsorden.find("## 6. Nye afvigelser\n\n- sag " + id + " — ") != std::string::npos);
  CHECK(dagsorden.find("## 9. Eventuelt\n\nIntet nyt.") != std::string::npos);
  auto side = s.as(anna, "GET", "/api/agenda?since=2026-01-01&format=html&lang=da").body;
  CHECK(side.find("<html lang=\"da\">") != std::string::npos);
  CHECK(side.find("<h2>Godkendelse af dagsorden</h2>") != std::string::npos);
  auto rapport = s.as(ida, "GET", "/api/report?year=2026&format=markdown&lang=da").body;
  CHECK(rapport.rfind("# Informationssikkerhed: årsrapport til ledelsen 2026\n", 0) == 0);
  CHECK(rapport.find("## Pr. rolle\n\n| Rolle | Opgaver udført") != std::string::npos);
  CHECK(s.as(ida, "GET", "/api/report?year=2026&format=markdown").body.rfind("# Information security: annual report", 0) == 0);
  // A language raciflow does not speak is a 400 naming the field, on every route that takes one.
  for (const std::string target : {"/api/agenda?lang=de", "/api/report?lang=de"}) {
    auto r = s.as(ida, "GET", target);
    CHECK(r.status == 400);
    CHECK(r.json_body()["message"] == "lang is da or en");
  }
  auto validate = s.as(anna, "POST", "/api/validate?lang=xx", {{"xml", "<definitions/>"}});
  CHECK(validate.status == 400);
  CHECK(validate.json_body()["message"] == "lang is da or en");
}

namespace {

// Follows a list route's Link headers to the end; returns every page's items in order.
std::vector<json> all_pages(Server& s, const std::string& cookie, std::string target, int* pages) {
  std::vector<json> items;
  *pages = 0;
  while (!target.empty()) {
    auto r = s.as(cookie, "GET", target);
    REQUIRE(r.status == 200);
    ++*pages;
    for (const auto& i : r.json_body()) items.push_back(i);
    auto link = r.headers.find("Link");
    target.clear();
    if (link != r.headers.end()) {
      REQUIRE(link->second.find("rel=\"next\"") != std::string::npos);
      target = link->second.substr(1, link->second.find('>') - 1);
    }
    REQUIRE(*pages < 50);
  }
  return items;
}

}  // namespace

TEST_CASE("list routes answer a page at a time, with a Link to the next page until the last", "[api]") {
  Server s;
  auto anna = s.login("anna"), mette = s.login("mette");  // mette: business functions
  for (int i = 0; i < 5; ++i) REQUIRE(s.as(anna, "POST", "/api/cases", {{"process", "corrective-action"}}).status == 201);

  int pages = 0;
  auto cases = all_pages(s, anna, "/api/cases?process=corrective-action&limit=2", &pages);
  CHECK(pages == 3);
  std::set<std::string> ids;
  for (const auto& c : cases) ids.insert(c["id"].get<std::string>());
  CHECK(ids.size() == 5);
  CHECK(cases == s.as(anna, "GET", "/api/cases?process=corrective-action").json_body().get<std::vector<json>>());

  // The inbox, paged through the role index, is the inbox whole.
  auto inbox = all_pages(s, mette, "/api/tasks?limit=2", &pages);
  CHECK(inbox.size() == 5);
  CHECK(inbox == s.as(mette, "GET", "/api/tasks?limit=1000").json_body().get<std::vector<json>>());
  for (const auto& t : inbox) CHECK(t["inbox"] == "responsible");

  auto trail = all_pages(s, anna, "/api/audit?limit=7", &pages);
  CHECK(trail.size() == s.as(anna, "GET", "/api/audit?limit=1000").json_body().size());
  for (std::size_t i = 1; i < trail.size(); ++i) CHECK(trail[i]["seq"].get<long>() == trail[i - 1]["seq"].get<long>() + 1);
  auto outbox = all_pages(s, anna, "/api/outbox?limit=1", &pages);
  CHECK(outbox.size() == s.as(anna, "GET", "/api/outbox").json_body().size());
  // Notifications: the newest first, a person's own roles only (an admin's: all). A
  // deviation consults the business functions and informs others.
  start_deviation(s, anna);
  auto everyone = all_pages(s, anna, "/api/notifications?limit=2", &pages);
  CHECK(everyone.size() == s.as(anna, "GET", "/api/outbox").json_body().size());
  for (std::size_t i = 1; i < everyone.size(); ++i) CHECK(everyone[i]["id"].get<long>() < everyone[i - 1]["id"].get<long>());
  auto mine = all_pages(s, mette, "/api/notifications?limit=1", &pages);
  CHECK(mine == s.as(mette, "GET", "/api/notifications").json_body().get<std::vector<json>>());
  CHECK_FALSE(mine.empty());
  auto lars = s.login("lars");  // top management and the security function: not consulted here
  for (const auto& n : s.as(lars, "GET", "/api/notifications").json_body()) CHECK(n["role"] != "business-functions");
  for (const auto& n : mine) CHECK((n["role"] == "business-functions" || n["role"] == "hr"));
  auto definitions = all_pages(s, anna, "/api/definitions?limit=1", &pages);
  CHECK(definitions.size() == 3);
  CHECK(pages == 3);
  // Without a limit a page holds at most 100; a page of 1000 is the most.
  CHECK(s.as(anna, "GET", "/api/audit").json_body().size() <= 100);

  for (const char* bad : {"/api/cases?limit=0", "/api/cases?limit=1001", "/api/cases?limit=x", "/api/tasks?after=abc",
                          "/api/audit?after=-1", "/api/outbox?after=99999999999999999999"}) {
    INFO(bad);
    auto r = s.as(anna, "GET", bad);
    CHECK(r.status == 400);
    CHECK(r.json_body()["error"] == "malformed");
  }
}

TEST_CASE("a case's trail exports as CSV in chunks, a thousand records a read, the same as the CLI's", "[api]") {
  Server s;
  auto anna = s.login("anna");
  auto [case_id, task] = start_deviation(s, anna);
  // Claims and give-backs: a trail longer than one read of the export.
  for (int i = 0; i < 550; ++i) {
    REQUIRE(s.w.cli({"claim", std::to_string(task), "--as", "anna"}).code == 0);
    REQUIRE(s.w.cli({"unclaim", std::to_string(task), "--as", "anna"}).code == 0);
  }
  auto csv = s.as(anna, "GET", "/api/cases/" + case_id + "/audit?format=csv");
  CHECK(csv.status == 200);
  CHECK(csv.headers["Transfer-Encoding"] == "chunked");
  CHECK(csv.headers.count("Content-Length") == 0);
  CHECK(csv.headers["Content-Disposition"] == "attachment; filename=\"case-" + case_id + "-audit.csv\"");
  auto cli = s.w.cli({"audit", case_id, "--format", "csv"});
  REQUIRE(cli.code == 0);
  CHECK(csv.body == cli.out);
  CHECK(std::count(csv.body.begin(), csv.body.end(), '\n') > 1100);
  // The JSON trail is paged, from the same reads.
  auto page = s.as(anna, "GET", "/api/cases/" + case_id + "/audit?limit=1000");
  CHECK(page.json_body().size() == 1000);
  CHECK(page.headers["Link"].find("after=") != std::string::npos);
  // No case, no export: the refusal comes before the first byte.
  CHECK(s.as(anna, "GET", "/api/cases/999/audit?format=csv").status == 404);
}
