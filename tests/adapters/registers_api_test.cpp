// The registers through the API: what each caller may read, a page of entries filtered
// and sorted, the heat map with the entries of a cell, an entry with its history and
// trail, the exports, and the 404 (in the trail) for a register the caller may not read.
#include "api_support.h"

namespace {

using nlohmann::json;
using namespace raciflow::testing::api;
using raciflow::testing::sample;

// Deviations started by mette with these severities, each assessed by anna.
std::vector<std::string> deviations(Server& s, const std::vector<std::string>& severities) {
  auto mette = s.login("mette"), anna = s.login("anna");
  std::vector<std::string> ids;
  for (const auto& severity : severities) {
    auto r = s.as(mette, "POST", "/api/messages", {{"name", "External input"}, {"variables", {{"title", "input " + severity}}}});
    REQUIRE(r.status == 200);
    std::string id = r.json_body()["cases"][0];
    auto tasks = s.as(anna, "GET", "/api/tasks?case=" + id).json_body();
    auto done = s.as(anna, "POST", "/api/tasks/" + std::to_string(tasks[0]["id"].get<std::int64_t>()) + "/complete",
                     {{"variables", {{"whatHappened", "=1+1 " + severity}, {"severity", severity}, {"withinMandate", true}}}});
    REQUIRE(done.status == 200);
    ids.push_back(id);
  }
  return ids;
}

}  // namespace

TEST_CASE("a register's entries are paged, filtered and sorted, and an entry shows its history and trail", "[api]") {
  Server s;
  auto ids = deviations(s, {"low", "high", "medium"});
  auto karen = s.login("karen");
  auto page = s.as(karen, "GET", "/api/registers/deviations?sort=severity&order=desc&limit=2");
  REQUIRE(page.status == 200);
  REQUIRE(page.json_body().size() == 2);
  CHECK(page.json_body()[0]["values"]["severity"] == "medium");
  CHECK(page.json_body()[1]["values"]["severity"] == "low");
  const std::string link = page.headers["Link"];
  REQUIRE(link.find("rel=\"next\"") != std::string::npos);
  auto rest = s.as(karen, "GET", link.substr(link.find("/api/"), link.find('>') - link.find("/api/")));
  REQUIRE(rest.json_body().size() == 1);
  CHECK(rest.json_body()[0]["values"]["severity"] == "high");
  CHECK(rest.headers.count("Link") == 0);
  // Text in any cell, in the chosen language.
  auto found = s.as(karen, "GET", "/api/registers/deviations?q=MEDIUM&lang=da");
  REQUIRE(found.json_body().size() == 1);
  CHECK(found.json_body()[0]["cells"]["withinMandate"] == "ja");
  CHECK(s.as(karen, "GET", "/api/registers/deviations?sort=colour").status == 400);
  CHECK(s.as(karen, "GET", "/api/registers/deviations?cell=inherent-1-1").status == 400);  // no heat map here
  CHECK(s.as(karen, "GET", "/api/registers/deviations?lang=fr").status == 400);
  CHECK(s.as(karen, "GET", "/api/registers/deviations?q=" + std::string(201, 'x')).status == 400);
  CHECK(s.as(karen, "GET", "/api/registers/deviations/export?format=pdf").status == 400);

  auto entry = s.as(karen, "GET", "/api/registers/deviations/entries/" + ids[1]);
  REQUIRE(entry.status == 200);
  const json body = entry.json_body();
  CHECK(body["history"].size() == 1);
  bool assessed = false;
  for (const auto& r : body["trail"])
    if (r["action"] == "task_completed" && r["node"] == "assess-input") assessed = r["actor"] == "anna" && r["role"] == "security-function";
  CHECK(assessed);
  CHECK(s.as(karen, "GET", "/api/registers/deviations/entries/999").status == 404);

  auto csv = s.as(karen, "GET", "/api/registers/deviations/export?format=csv");
  CHECK(csv.headers["Content-Type"].rfind("text/csv", 0) == 0);
  CHECK(csv.body.find("'=1+1 high") != std::string::npos);  // formula-looking text made safe
  auto xlsx = s.as(karen, "GET", "/api/registers/deviations/export?format=xlsx");
  CHECK(xlsx.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  CHECK(xlsx.body.rfind("PK", 0) == 0);  // a zip package
}

TEST_CASE("a register is listed and read only by the roles of its flow, the auditors and the admin; to others it does not exist", "[api]") {
  Server s;
  deviations(s, {"low"});
  auto token = s.w.cli({"token", "create", "sofie", "--name", "registers"});
  REQUIRE(token.code == 0);
  std::map<std::string, std::string> sofie{{"Authorization", "Bearer " + token.out.substr(0, token.out.find('\n'))}};
  // Sofie holds IT operations, which takes no part in these flows.
  CHECK(s.request("GET", "/api/registers", "", sofie).json_body() == json::array());
  auto hidden = s.request("GET", "/api/registers/deviations", "", sofie);
  CHECK(hidden.status == 404);
  CHECK(hidden.json_body()["message"] == "no register 'deviations'");
  CHECK(s.request("GET", "/api/registers/nothing", "", sofie).json_body()["message"] == "no register 'nothing'");  // the same answer
  CHECK(s.request("GET", "/api/registers/deviations/export?format=xlsx", "", sofie).status == 404);
  bool recorded = false;
  for (const auto& r : s.refusals()) recorded |= r == "sofie: register 'deviations' is not one the caller can read";
  CHECK(recorded);
  // Mette's business functions are consulted in both flows; the auditor reads every register.
  for (const char* who : {"mette", "ida"}) {
    auto list = s.as(s.login(who), "GET", "/api/registers").json_body();
    std::set<std::string> ids;
    for (const auto& r : list) ids.insert(r["id"]);
    CHECK(ids == std::set<std::string>{"corrective-actions", "deviations"});
  }
}
