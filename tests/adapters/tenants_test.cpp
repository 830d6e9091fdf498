// Many organisations in one installation: one server for every tenant of a PostgreSQL
// database, told apart by host name (tenant_hosts.h); tenant isolation over every API
// route and every CLI verb, with and without row-level security; and supervision, a
// department reading its agencies, never writing, each read in the agency's trail.
// Without PostgreSQL installed the [postgres] tests say so and pass; CI installs it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>

#include "adapters/cli/sso_config.h"
#include "adapters/http/api.h"
#include "adapters/http/tenant_hosts.h"
#include "pg_test_support.h"
#include "runtime/pg_store.h"
#include "runtime/service.h"
#include "runtime_support.h"

using namespace raciflow::testing;
using nlohmann::json;
namespace http = raciflow::http;
namespace rt = raciflow::runtime;

namespace {

// One tenant's part of the server, as `raciflow serve --tenant-domain` makes it.
class Organisation final : public http::Handler {
 public:
  Organisation(const std::string& uri, const std::string& tenant, raciflow::definitions::TimePoint now, http::ApiOptions options)
      : service_([uri, tenant] { return rt::open_postgres_store(uri, {tenant, "OFF", false}); }, [now] { return now; },
                 std::chrono::hours(1), nullptr),
        api_(service_, std::move(options)) {}
  ~Organisation() override { service_.stop(); }
  void handle_async(const http::HttpRequest& request, std::function<void(http::HttpResponse)> done) override {
    api_.handle_async(request, std::move(done));
  }
  void flush_refusals(bool force) override { api_.flush_refusals(force); }
  http::Api& api() { return api_; }

 private:
  rt::Service service_;
  http::Api api_;
};


// A database with organisations in it, each the sample agency under its own name, and a
// server for all of them at TENANT.isms.test.
class Installation {
 public:
  explicit Installation(PgCluster& pg) : uri(pg.fresh_database()), database(database_name(uri)) {}
  ~Installation() { hosts.reset(); }

  CliRun as(const std::string& tenant, std::vector<std::string> args) { return as_tenant(w, uri, tenant, std::move(args)); }

  // Each organisation's people have passwords of their own.
  static std::string password(const std::string& tenant, const std::string& person) { return person + "-of-" + tenant; }

  // A tenant named `name`, its flows deployed, its people with passwords.
  void add(const std::string& tenant, const std::string& name, std::vector<std::string> flows) {
    REQUIRE(operator_cli(uri, {"tenant", "create", tenant, "--name", name}).code == 0);
    std::vector<std::string> deploy = {"deploy"};
    for (const auto& f : flows) deploy.push_back(sample(f));
    deploy.insert(deploy.end(), {"--as", "setup"});
    REQUIRE(as(tenant, deploy).code == 0);
    std::string org = read_file(sample("org.xml"));
    const std::string agency = "name=\"Example Agency\"";
    org.replace(org.find(agency), agency.size(), "name=\"" + name + "\"");
    w.write(tenant + "-org.xml", org);
    REQUIRE(as(tenant, {"org", "load", w.path(tenant + "-org.xml"), "--as", "setup"}).code == 0);
    for (const char* p : {"anna", "ida", "mette"}) {
      w.write(std::string(p) + ".pw", password(tenant, p) + "\n");
      REQUIRE(as(tenant, {"password", "set", p, "--password-file", w.path(std::string(p) + ".pw")}).code == 0);
    }
  }

  // A case started by a message, titled `title`; returns its id.
  std::string start(const std::string& tenant, const std::string& title) {
    auto r = as(tenant, {"message", "External input", "--as", "mette", "--var", "title=" + title});
    REQUIRE(r.code == 0);
    return first_line(r.out).substr(first_line(r.out).rfind(' ') + 1);
  }

  std::string token(const std::string& tenant, const std::string& person) {
    auto r = as(tenant, {"token", "create", person, "--as", person});
    REQUIRE(r.code == 0);
    return first_line(r.out);
  }

  // Odense with one case; Aarhus with three (2 and 3 exist only there), marked
  // "Aarhus-secret", its own flow (policy-approval), two tokens and a plan item.
  void two_municipalities() {
    add("odense", "Odense Kommune", {"deviation-handling.bpmn", "corrective-action.bpmn"});
    add("aarhus", "Aarhus Kommune", {"deviation-handling.bpmn", "corrective-action.bpmn", "policy-approval.bpmn"});
    start("odense", "Odense's own");
    for (int i = 0; i < 3; ++i) start("aarhus", "Aarhus-secret " + std::to_string(i));
    token("aarhus", "anna");
    token("aarhus", "ida");
    REQUIRE(as("aarhus", {"plan", "set", "aarhus-item", "--name", "Aarhus review", "--responsible", "mette", "--deadline",
                          "2027-06-30", "--as", "anna"}).code == 0);
  }

  void serve() {
    auto now = *raciflow::definitions::parse_date_time(w.clock);
    hosts = std::make_unique<http::TenantHosts>(
        "isms.test",
        [this] {
          std::vector<std::string> ids;
          for (const auto& t : rt::list_tenants(uri)) ids.push_back(t.id);
          return ids;
        },
        [this, now](const std::string& tenant) -> std::unique_ptr<http::Handler> {
          http::ApiOptions options;
          options.tenant = tenant;
          options.other = [this](const std::string& id) -> http::Api* {
            auto* o = dynamic_cast<Organisation*>(hosts->find(id));
            return o ? &o->api() : nullptr;
          };
          return std::make_unique<Organisation>(uri, tenant, now, options);
        },
        nullptr);
  }

  http::Api& api(const std::string& tenant) { return dynamic_cast<Organisation*>(hosts->find(tenant))->api(); }

  // A request to the server at `host`, with a bearer token or a cookie.
  http::HttpResponse call(const std::string& host, const std::string& method, const std::string& target, const std::string& body = "",
                          const std::string& authorization = "", const std::string& cookie = "") {
    http::HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.content_type = "application/json";
    r.host = host;
    r.authorization = authorization;
    r.cookie = cookie;
    r.remote = "192.0.2.7";
    std::promise<http::HttpResponse> answer;
    auto got = answer.get_future();
    hosts->handle_async(r, [&answer](http::HttpResponse response) { answer.set_value(std::move(response)); });
    auto response = got.get();
    if (response.more)
      while (auto piece = response.more()) response.body += *piece;
    return response;
  }

  // The whole of a tenant's state that a request could change, as its CLI prints it.
  std::string state(const std::string& tenant) {
    std::string s;
    for (std::vector<std::string> args : {std::vector<std::string>{"cases", "--json"}, {"tasks", "--all", "--json"}, {"token", "list"},
                                          {"plan", "--format", "json"}, {"org", "show"}, {"outbox", "--all", "--json"}})
      s += as(tenant, args).out;
    return s;
  }
  std::string trail(const std::string& tenant) { return as(tenant, {"audit", "all", "--format", "json"}).out; }

  void without_row_level_security(PgCluster& pg) {
    for (const char* table : {"definitions", "organisation", "audit", "counters", "cases", "tasks", "task_inbox", "timers",
                              "subscriptions", "outbox", "start_timers", "credentials", "api_tokens", "login_sessions", "wheel",
                              "wheel_activities", "wheel_occurrences", "plan_items", "tenants", "supervision"})
      pg.admin(std::string("ALTER TABLE ") + table + " DISABLE ROW LEVEL SECURITY", database);
  }

  Workspace w;
  std::string uri, database;
  std::unique_ptr<http::TenantHosts> hosts;
};

std::string bearer(const std::string& token) { return "Bearer " + token; }

}  // namespace

TEST_CASE("a Host header names a tenant under the server's domain, and nothing else does") {
  using http::TenantHosts;
  CHECK(TenantHosts::tenant_of("odense.isms.example.org", "isms.example.org") == "odense");
  CHECK(TenantHosts::tenant_of("Odense.ISMS.example.org:8443", "isms.example.org") == "odense");
  CHECK(TenantHosts::tenant_of("kommune-7.isms.example.org.", "isms.example.org") == "kommune-7");
  for (const char* host : {"isms.example.org", ".isms.example.org", "a.b.isms.example.org", "odense.isms.example.org.evil.test",
                           "odenseisms.example.org", "-x.isms.example.org", "od_ense.isms.example.org", "odense.isms.example.org:",
                           "odense.isms.example.org:80x", "[::1]:8080", "127.0.0.1", ""})
    CHECK(TenantHosts::tenant_of(host, "isms.example.org").empty());
}

TEST_CASE("serve --tenant-domain refuses a bad domain, a SQLite file and --tenant, in one line, before it opens anything") {
  Workspace w;
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--db", w.db(), "serve", "--tenant-domain", "isms.example.org"}, "is a SQLite file"},
      {{"--db", "postgresql:///nowhere", "serve", "--tenant-domain", "isms example.org"}, "is not a host name"},
      {{"--db", "postgresql:///nowhere", "serve", "--tenant-domain", "-isms.example.org"}, "is not a host name"},
      {{"--db", "postgresql:///nowhere", "--tenant", "odense", "serve", "--tenant-domain", "isms.example.org"}, "leave out --tenant"},
  };
  for (const auto& c : cases) {
    auto r = run_cli(c.args);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find(c.says) != std::string::npos);
    CHECK(r.out.empty());
  }
  CHECK(!std::filesystem::exists(w.db()));
}

TEST_CASE("one server for every tenant: a person of one organisation gets nothing of another over any API route", "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  Installation in(*pg);
  in.two_municipalities();
  std::string odense_anna = in.token("odense", "anna");

  const bool rls = GENERATE(true, false);  // without it, the store's filter holds alone
  if (!rls) in.without_row_level_security(*pg);
  INFO((rls ? "row-level security on" : "row-level security off"));
  in.serve();
  const std::string aarhus_state = in.state("aarhus"), aarhus_trail = in.trail("aarhus");

  // Each route, with every parameter naming something that only Aarhus has: cases 2 and 3,
  // task 3, token 2, the policy-approval flow, Aarhus' plan item.
  const std::map<std::string, std::string> only_aarhus = {{"id", "3"}, {"process", "policy-approval"}, {"file", "policy-approval.bpmn"},
                                                          {"tenant", "aarhus"}};
  const std::string policy = read_file(sample("policy-approval.bpmn"));
  auto body_for = [&](const std::string& method, const std::string& path) -> std::string {
    if (method == "GET" || method == "DELETE") return "";
    if (path == "/api/login") return json{{"person", "anna"}, {"password", Installation::password("odense", "anna")}}.dump();
    if (path.find("/complete") != std::string::npos || path.find("/retry") != std::string::npos)
      return json{{"variables", {{"severity", "low"}, {"withinMandate", true}}}}.dump();
    if (path.find("/consult") != std::string::npos) return json{{"answer", "fine"}}.dump();
    if (path.find("/cancel") != std::string::npos) return json{{"reason", "a test"}}.dump();
    if (path == "/api/plan/{id}") return json{{"note", "on track"}}.dump();
    if (path.find("definitions") != std::string::npos || path == "/api/validate") return json{{"name", "p.bpmn"}, {"xml", policy}}.dump();
    if (path == "/api/cases") return json{{"process", "policy-approval"}}.dump();
    if (path == "/api/messages" || path == "/api/signals") return json{{"name", "External input"}}.dump();
    return "{}";
  };
  auto fill = [&](std::string path) {
    for (const auto& [name, value] : only_aarhus) {
      auto at = path.find("{" + name + "}");
      if (at != std::string::npos) path.replace(at, name.size() + 2, name == "id" && path.rfind("/api/plan/", 0) == 0 ? "aarhus-item" : value);
    }
    if (path.rfind("/api/tokens/", 0) == 0) path = "/api/tokens/2";
    return path;
  };

  int routes = 0;
  for (const auto& route : in.api("odense").routes()) {
    std::string target = fill(route.path), body = body_for(route.method, route.path);
    // As Odense's admin at Odense's address: Aarhus' data is not there.
    auto own = in.call("odense.isms.test", route.method, target, body, bearer(odense_anna));
    INFO(route.method << " " << target << " at odense: " << own.status << " " << own.body.substr(0, 300));
    CHECK(own.body.find("Aarhus") == std::string::npos);
    CHECK(own.status != 500);
    // With Odense's token at Aarhus' address: not a person there.
    auto across = in.call("aarhus.isms.test", route.method, target, body, bearer(odense_anna));
    INFO("at aarhus: " << across.status << " " << across.body.substr(0, 300));
    if (!route.public_route) CHECK(across.status == 401);
    ++routes;
  }
  CHECK(routes == static_cast<int>(in.api("odense").routes().size()));
  // Odense's session cookie does not open Aarhus either.
  auto login = in.call("odense.isms.test", "POST", "/api/login", json{{"person", "anna"}, {"password", Installation::password("odense", "anna")}}.dump());
  REQUIRE(login.status == 200);
  std::string cookie;
  for (const auto& [k, v] : login.headers)
    if (k == "Set-Cookie") cookie = v.substr(0, v.find(';'));
  CHECK(in.call("odense.isms.test", "GET", "/api/me", "", "", cookie).status == 200);
  CHECK(in.call("aarhus.isms.test", "GET", "/api/me", "", "", cookie).status == 401);
  // A host that names no tenant gets 404, whatever it asks.
  for (const char* host : {"unknown.isms.test", "isms.test", "aarhus.other.test", "127.0.0.1:8080"}) {
    auto r = in.call(host, "GET", "/api/cases", "", bearer(odense_anna));
    CHECK(r.status == 404);
    CHECK(r.body.find("aarhus") == std::string::npos);
  }

  // Aarhus is as it was, apart from the refusals it recorded; both trails verify.
  in.hosts.reset();
  CHECK(in.state("aarhus") == aarhus_state);
  auto trail = json::parse(in.trail("aarhus"));
  std::size_t kept = 0;
  for (const auto& r : trail) kept += r["action"] != "access_refused";
  CHECK(kept == json::parse(aarhus_trail).size());
  for (const char* t : {"odense", "aarhus"}) CHECK(in.as(t, {"audit", "verify"}).out.rfind("ok: ", 0) == 0);
}

TEST_CASE("every CLI verb run for one tenant shows and changes nothing of another", "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  Installation in(*pg);
  in.two_municipalities();
  REQUIRE(in.as("aarhus", {"deploy", sample("risk-level.dmn"), "--as", "anna"}).code == 0);  // a decision only Aarhus has
  REQUIRE(in.as("aarhus", {"substitute", "set", "lars", "--by", "karen", "--from", "2026-01-01", "--until", "2099-12-31"}).code == 0);
  REQUIRE(in.as("aarhus", {"calendar", "token", "lars"}).code == 0);
  REQUIRE(in.as("aarhus", {"digest", "lars", "daily"}).code == 0);
  const bool rls = GENERATE(true, false);  // without it, the store's filter holds alone
  if (!rls) in.without_row_level_security(*pg);
  INFO((rls ? "row-level security on" : "row-level security off"));
  const std::string aarhus_state = in.state("aarhus"), aarhus_trail = in.trail("aarhus");

  // Each verb as Odense, aimed at what only Aarhus has (case 3, task 3, token 2, the
  // policy-approval flow); a verb that reads no tenant's data says why it is not here.
  std::map<std::string, std::vector<std::vector<std::string>>> table;
  table["agenda"] = {{"agenda"}, {"agenda", "--format", "json"}};
  table["audit"] = {{"audit", "3"}, {"audit", "all", "--format", "json"}, {"audit", "all", "--format", "csv"}, {"audit", "verify"}};
  table["cancel"] = {{"cancel", "3", "--reason", "x", "--as", "anna"}};
  table["attach"] = {{"attach", "3", in.w.write("odense-proof.txt", "x"), "--as", "anna"}};
  table["attachments"] = {{"attachments", "3"}, {"attachments", "3", "--json"}};
  table["attachment"] = {{"attachment", "get", "1"}};
  table["comment"] = {{"comment", "3", "seen", "--as", "anna"}};
  table["cases"] = {{"cases"}, {"cases", "--json"}, {"cases", "--process", "policy-approval", "--json"}};
  table["claim"] = {{"claim", "3", "--as", "anna"}};
  table["complete"] = {{"complete", "3", "--as", "anna", "--var", "severity=low", "--var", "withinMandate=true"}};
  table["consult"] = {{"consult", "3", "--as", "mette", "--answer", "fine"}};
  table["waive"] = {{"waive", "3", "--as", "anna", "--reason", "urgent"}};
  table["substitute"] = {{"substitute", "end", "1"},  // Aarhus's period (none is Odense's yet)
                         {"substitute", "set", "jonas", "--by", "peter", "--from", "2026-01-01", "--until", "2099-12-31"},
                         {"substitute", "list", "--json"}};
  table["calendar"] = {{"calendar", "token", "lars", "--revoke"},  // Aarhus's feed (Odense's lars has none)
                       {"calendar", "token", "jonas"}};
  table["digest"] = {{"digest", "lars"},  // Odense's lars takes each notification; Aarhus's a daily digest
                     {"digest", "jonas", "weekly"}};
  table["decide"] = {{"decide", "risk-level", "--var", "likelihood=1", "--var", "impact=1"}};
  table["deliver"] = {{"deliver", "--log", in.w.path("odense-delivered.jsonl")}};
  table["evidence"] = {{"evidence"}, {"evidence", "--format", "json"}};
  table["message"] = {{"message", "Policy review due", "--as", "anna"}};
  table["org"] = {{"org", "show"}};
  table["outbox"] = {{"outbox", "--all"}, {"outbox", "--all", "--json"}};
  table["plan"] = {{"plan", "--format", "json"}};
  table["register"] = {{"register"}, {"register", "all", "--format", "json"}, {"register", "deviations", "--format", "csv"}};
  table["soa"] = {{"soa"}, {"soa", "--format", "json"}};
  table["report"] = {{"report"}, {"report", "--format", "json"}};
  table["retry"] = {{"retry", "3", "--as", "anna"}};
  table["show"] = {{"show", "3"}, {"show", "2", "--json"}};
  table["signal"] = {{"signal", "threat level changed", "--as", "anna"}};
  table["start"] = {{"start", "policy-approval", "--as", "anna"}};
  table["tasks"] = {{"tasks", "--all", "--json"}, {"tasks", "--case", "3", "--json"}, {"tasks", "--role", "security-function"}};
  table["tick"] = {{"tick"}};
  table["token"] = {{"token", "list"}, {"token", "revoke", "2", "--as", "anna"}};
  table["unclaim"] = {{"unclaim", "3", "--as", "anna"}};
  table["wheel"] = {{"wheel", "--year", "2027"}, {"wheel", "--format", "json"}};
  // Verbs that work on files, on the whole installation, or only on their own tenant's
  // people: each has its own test.
  const std::set<std::string> elsewhere = {"deploy", "graph", "layout", "raci", "validate", "migrate", "tenant", "serve", "password"};

  std::set<std::string> verbs;
  {
    auto help = run_cli({"--help"}).out;
    std::istringstream lines(help.substr(help.find("Commands:")));
    std::string line;
    static const std::regex verb("  ([a-z]+)  .*");
    std::smatch m;
    while (std::getline(lines, line) && line.rfind("Global", 0) != 0)
      if (std::regex_match(line, m, verb)) verbs.insert(m[1]);
  }
  std::set<std::string> covered(elsewhere);
  for (const auto& [v, runs] : table) covered.insert(v);
  CHECK(covered == verbs);

  for (const auto& [v, runs] : table)
    for (const auto& args : runs) {
      auto r = in.as("odense", args);
      INFO("raciflow " << args[0] << " as odense -> " << r.code << "\n" << r.out << r.err);
      CHECK(r.code != 2);  // each run is a real use of its verb
      CHECK(r.out.find("Aarhus") == std::string::npos);
      CHECK(r.err.find("Aarhus") == std::string::npos);
      if (args[0] == "digest" && args.size() == 2) CHECK(r.out == "lars: each\n");
    }
  CHECK(in.state("aarhus") == aarhus_state);
  CHECK(in.trail("aarhus") == aarhus_trail);
  for (const char* t : {"odense", "aarhus"}) CHECK(in.as(t, {"audit", "verify"}).out.rfind("ok: ", 0) == 0);
}

TEST_CASE("a supervising organisation reads what it supervises, never writes, and every read is in the supervised trail",
          "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  Installation in(*pg);
  in.add("ministeriet", "Ministeriet", {"deviation-handling.bpmn", "corrective-action.bpmn"});
  in.add("odense", "Odense Kommune", {"deviation-handling.bpmn", "corrective-action.bpmn"});
  in.add("aarhus", "Aarhus Kommune", {"deviation-handling.bpmn", "corrective-action.bpmn"});
  std::string odense_case = in.start("odense", "Odense's lost laptop");
  in.start("aarhus", "Aarhus-secret");
  REQUIRE(operator_cli(in.uri, {"tenant", "supervise", "ministeriet", "odense", "--as", "operator"}).code == 0);
  // Refused grants, one line each.
  auto self = operator_cli(in.uri, {"tenant", "supervise", "odense", "odense"});
  CHECK(self.code == 1);
  CHECK(self.err.find("does not supervise itself") != std::string::npos);
  CHECK(operator_cli(in.uri, {"tenant", "supervise", "ministeriet", "odense"}).err.find("already") != std::string::npos);
  CHECK(operator_cli(in.uri, {"tenant", "supervise", "ministeriet", "nowhere"}).err.find("no tenant 'nowhere'") != std::string::npos);
  auto listed = json::parse(operator_cli(in.uri, {"tenant", "list", "--json"}).out);
  CHECK(listed[1]["id"] == "ministeriet");
  CHECK(listed[1]["supervises"] == json::array({"odense"}));

  in.serve();
  const std::string host = "ministeriet.isms.test";
  std::string anna = bearer(in.token("ministeriet", "anna")), ida = bearer(in.token("ministeriet", "ida")),
              mette = bearer(in.token("ministeriet", "mette"));
  const std::string aarhus_trail = in.trail("aarhus");
  auto odense_reads = [&] {
    std::size_t n = 0;
    for (const auto& r : json::parse(in.trail("odense"))) n += r["action"] == "supervisor_read";
    return n;
  };

  auto list = in.call(host, "GET", "/api/supervised", "", anna);
  REQUIRE(list.status == 200);
  CHECK(json::parse(list.body) == json::array({{{"tenant", "odense"}}}));
  // The admin and the auditor read Odense: cases, a case, its trail, evidence, report.
  std::size_t reads = 0;
  for (const auto& who : {anna, ida}) {
    auto cases = in.call(host, "GET", "/api/supervised/odense/cases", "", who);
    REQUIRE(cases.status == 200);
    CHECK(json::parse(cases.body).at(0)["id"] == odense_case);
    for (std::string view : {"/cases/" + odense_case, "/cases/" + odense_case + "/audit", std::string("/evidence"),
                             std::string("/report?year=2026"), "/cases/" + odense_case + "/audit?format=csv"}) {
      auto r = in.call(host, "GET", "/api/supervised/odense" + view, "", who);
      INFO(view << ": " << r.status << " " << r.body.substr(0, 200));
      CHECK(r.status == 200);
    }
    reads += 6;
    CHECK(odense_reads() == reads);
  }
  auto trail = json::parse(in.trail("odense"));
  CHECK(trail.back()["action"] == "supervisor_read");
  CHECK(trail.back()["actor"] == "ministeriet/ida");
  CHECK(trail.back()["data"]["request"] == "GET /api/cases/" + odense_case + "/audit?format=csv");
  // A page's next link stays under the supervised address.
  in.start("odense", "a second case");
  auto page = in.call(host, "GET", "/api/supervised/odense/cases?limit=1", "", anna);
  bool linked = false;
  for (const auto& [k, v] : page.headers)
    if (k == "Link") linked = v.rfind("</api/supervised/odense/cases?", 0) == 0;
  CHECK(linked);

  // Refused: a person without admin or auditor access (403, in Ministeriet's trail), an
  // organisation not supervised (404, and nothing in its trail), any write (405), any
  // other route, and the way back: Odense reads nothing of Ministeriet.
  CHECK(in.call(host, "GET", "/api/supervised/odense/cases", "", mette).status == 403);
  CHECK(in.call(host, "GET", "/api/supervised", "", mette).status == 403);
  CHECK(in.call(host, "GET", "/api/supervised/aarhus/cases", "", anna).status == 404);
  CHECK(in.call(host, "GET", "/api/supervised/nowhere/cases", "", anna).status == 404);
  CHECK(in.call(host, "POST", "/api/supervised/odense/cases", json{{"process", "deviation-handling"}}.dump(), anna).status == 405);
  CHECK(in.call(host, "POST", "/api/supervised/odense/cases/" + odense_case + "/cancel", "{}", anna).status == 404);
  CHECK(in.call(host, "GET", "/api/supervised/odense/tasks", "", anna).status == 404);
  CHECK(in.call(host, "GET", "/api/supervised/odense/audit", "", anna).status == 404);
  std::string odense_anna = bearer(in.token("odense", "anna"));
  CHECK(in.call("odense.isms.test", "GET", "/api/supervised/ministeriet/cases", "", odense_anna).status == 404);
  CHECK(in.call("odense.isms.test", "GET", "/api/supervised", "", odense_anna).body == "[]");
  CHECK(in.trail("aarhus") == aarhus_trail);
  CHECK(odense_reads() == reads + 1);  // the page read

  // Revoked, the reads stop; Odense's trail tells the story and verifies.
  REQUIRE(operator_cli(in.uri, {"tenant", "unsupervise", "ministeriet", "odense", "--as", "operator"}).code == 0);
  CHECK(in.call(host, "GET", "/api/supervised/odense/cases", "", anna).status == 404);
  CHECK(in.call(host, "GET", "/api/supervised", "", anna).body == "[]");
  in.hosts.reset();
  std::vector<std::string> story;
  for (const auto& r : json::parse(in.trail("odense")))
    if (r["action"] == "supervision_granted" || r["action"] == "supervision_revoked")
      story.push_back(r["action"].get<std::string>() + " " + r["data"]["supervisor"].get<std::string>() + " by " +
                      r["actor"].get<std::string>());
  CHECK(story == std::vector<std::string>{"supervision_granted ministeriet by operator", "supervision_revoked ministeriet by operator"});
  for (const char* t : {"ministeriet", "odense", "aarhus"}) CHECK(in.as(t, {"audit", "verify"}).out.rfind("ok: ", 0) == 0);
}

TEST_CASE("tenant sso gives a tenant its own identity provider, shows its issuer and never its secret, and the tenant's trail says so",
          "[postgres][sso]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  SampleTenant odense(*pg, "odense", {"policy-approval.bpmn"});
  REQUIRE(operator_cli(odense.uri, {"tenant", "create", "aarhus"}).code == 0);
  odense.w.write("secret", "the-client-secret-of-odense\n");
  auto set = operator_cli(odense.uri, {"tenant", "sso", "odense", "--issuer", "https://adfs.odense.example/adfs", "--client-id", "raciflow",
                                       "--client-secret-file", odense.w.path("secret"), "--accept-issuer",
                                       "https://adfs.odense.example/adfs/services/trust", "--name", "Odense AD FS", "--as", "operator"});
  INFO(set.err);
  REQUIRE(set.code == 0);
  CHECK(set.out.find("tenant odense logs in through https://adfs.odense.example/adfs as client raciflow") != std::string::npos);

  auto listed = operator_cli(odense.uri, {"tenant", "list", "--json"});
  REQUIRE(listed.code == 0);
  json tenants = json::parse(listed.out);
  for (const auto& t : tenants) CHECK(t["ssoIssuer"] == (t["id"] == "odense" ? "https://adfs.odense.example/adfs" : ""));
  CHECK(listed.out.find("the-client-secret-of-odense") == std::string::npos);
  CHECK(operator_cli(odense.uri, {"tenant", "list"}).out.find("the-client-secret-of-odense") == std::string::npos);

  // What serve --tenant-domain reads for the tenant.
  for (const auto& t : rt::list_tenants(odense.uri)) {
    auto settings = raciflow::cli::sso_from_json(t.sso);
    if (t.id == "odense") {
      CHECK(settings.client_id == "raciflow");
      CHECK(settings.client_secret == "the-client-secret-of-odense");
      CHECK(settings.name == "Odense AD FS");
      CHECK(settings.accepted_issuers == std::vector<std::string>{"https://adfs.odense.example/adfs/services/trust"});
      CHECK(!settings.create_people);
    } else {
      CHECK(!settings.enabled());
    }
  }

  // Mistakes change nothing.
  auto plain = operator_cli(odense.uri, {"tenant", "sso", "odense", "--issuer", "http://adfs.odense.example", "--client-id", "x"});
  CHECK(plain.code == 2);
  CHECK(plain.err.find("is not an https:// address") != std::string::npos);
  auto nobody = operator_cli(odense.uri, {"tenant", "sso", "vejle", "--issuer", "https://idp.example", "--client-id", "x"});
  CHECK(nobody.code == 1);
  CHECK(nobody.err.find("no tenant 'vejle'") != std::string::npos);
  CHECK(operator_cli(odense.uri, {"tenant", "sso", "odense", "--client-id", "x"}).code == 2);
  CHECK(operator_cli(odense.uri, {"tenant", "sso", "odense", "--off", "--issuer", "https://idp.example"}).code == 2);

  REQUIRE(operator_cli(odense.uri, {"tenant", "sso", "odense", "--off", "--as", "operator"}).code == 0);
  for (const auto& t : rt::list_tenants(odense.uri)) CHECK(t.sso.empty());
  std::vector<std::string> story;
  for (const auto& r : json::parse(odense({"audit", "all", "--format", "json"}).out))
    if (r["action"] == "sso_configured")
      story.push_back(r["actor"].get<std::string>() + " " + r["data"]["issuer"].get<std::string>() + " " +
                      (r["data"]["enabled"].get<bool>() ? "on" : "off"));
  CHECK(story == std::vector<std::string>{"operator https://adfs.odense.example/adfs on", "operator  off"});
}
