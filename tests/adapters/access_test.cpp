// Access control, table-driven: every API route against every kind of caller — no
// login, an expired session, a revoked token, the admin, the auditor, a top manager and
// committee member, and a business function — with the outcome each cell must have.
// Every refusal must land in the audit trail, exactly once, and no password, token or
// session id may appear in a log line.
#include <array>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "oidc_support.h"

namespace {

using nlohmann::json;
using namespace raciflow::testing::api;
namespace oidc = raciflow::testing::oidc;
using raciflow::testing::sample;
using raciflow::testing::read_file;


// The callers, one column each.
enum Column { none, expired, revoked, anna, ida, karen, mette, sofie, kColumns };
// A process whose gateway compares a level with a number: a text level is an incident.
const char* const kGate = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <process id="gate" name="Judge the level" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
    <exclusiveGateway id="g" name="Level above 3?" default="f3"/>
    <sequenceFlow id="f2" sourceRef="g" targetRef="e"><conditionExpression>level &gt; 3</conditionExpression></sequenceFlow>
    <sequenceFlow id="f3" sourceRef="g" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>)";

const char* const kColumnNames[] = {"no login", "expired session", "revoked token", "anna (admin)", "ida (auditor)",
                                    "karen (top management, committee)", "mette (business functions)",
                                    "sofie (modeller, IT operations)"};

// What a cell must answer: 2 is any 2xx; 401, 403 and 404 exactly; kHidden is a 404 that
// is still a refusal in the trail (a command on a case the caller cannot see).
using Row = std::array<int, kColumns>;
constexpr int kHidden = -404;
constexpr Row kPublic = {2, 2, 2, 2, 2, 2, 2, 2};
constexpr Row kEveryone = {401, 401, 401, 2, 2, 2, 2, 2};
constexpr Row kAdmin = {401, 401, 401, 2, 403, 403, 403, 403};
constexpr Row kModeller = {401, 401, 401, 2, 403, 403, 403, 2};             // the admin, or a modeller
constexpr Row kReader = {401, 401, 401, 2, 2, 403, 403, 403};
constexpr Row kReaderFindsNone = {401, 401, 401, 404, 404, 403, 403, 403};  // a SQLite organisation supervises nobody
constexpr Row kWriter = {401, 401, 401, 2, 403, 2, 2, 2};                 // any person but the auditor
constexpr Row kSeesMettesCase = {401, 401, 401, 2, 2, 404, 2, 404};       // karen's and sofie's roles are not involved
constexpr Row kSecurityFunction = {401, 401, 401, 2, 403, kHidden, 403, kHidden};  // the Responsible role of the assessment
constexpr Row kConsulted = {401, 401, 401, 403, 403, kHidden, 2, kHidden};          // business functions are consulted
constexpr Row kPlanOfMette = {401, 401, 401, 2, 403, 403, 2, 403};         // the admin, or the person responsible

const std::string kWheel = R"(<wheel xmlns="urn:raciflow:wheel:1" name="Access year">
  <activity id="awareness" name="Awareness activity" role="security-function" schedule="FREQ=MONTHLY;BYMONTH=3,9" due="P30D" iso="7.3"/>
</wheel>)";

// The sample agency, with Sofie as modeller.
std::string modelling_org() {
  std::string org = read_file(sample("org.xml"));
  const std::string sofie = R"(<person id="sofie")";
  return org.replace(org.find(sofie), sofie.size(), sofie + R"( access="modeller")");
}

struct Target {
  std::string path;
  json body = nullptr;
  std::map<std::string, std::string> headers = {};  // over the caller's own
};

// How the people of the table log in: API tokens (and a password session for the expired
// column), or single sign-on through an OpenID provider (sessions).
enum class Logins { tokens, sso };

class Table {
 public:
  explicit Table(Logins logins = Logins::tokens)
      : logins(logins),
        provider(std::make_shared<oidc::Provider>()),
        s(std::chrono::milliseconds(15000), true, logins == Logins::sso ? oidc::sso_options(provider) : raciflow::http::ApiOptions{}),
        flow(s, *provider) {
    // Sofie models flows: access="modeller" in the file, or the provider's modellers group.
    s.w.write("org.xml", logins == Logins::sso ? oidc::sso_org(read_file(sample("org.xml"))) : modelling_org());
    REQUIRE(s.w.cli({"org", "load", s.w.path("org.xml"), "--as", "setup"}).code == 0);
    for (const char* p : {"anna", "ida", "karen", "mette"}) {
      auto made = s.w.cli({"token", "create", p, "--name", "access table"});
      REQUIRE(made.code == 0);
      tokens_[p] = made.out.substr(0, made.out.find('\n'));
    }
    auto gone = s.w.cli({"token", "create", "anna", "--name", "revoked"});
    revoked_ = gone.out.substr(0, gone.out.find('\n'));
    REQUIRE(s.w.cli({"token", "revoke", "5"}).code == 0);
    auto sofies = s.w.cli({"token", "create", "sofie", "--name", "access table"});
    REQUIRE(sofies.code == 0);
    tokens_["sofie"] = sofies.out.substr(0, sofies.out.find('\n'));
    expired_ = logins == Logins::sso ? flow.login_as("sub-anna").cookie : s.login("anna");  // then the clock moves past its lifetime
    s.now = s.now.load() + std::chrono::hours(9);
    if (logins == Logins::sso)
      for (const char* p : {"anna", "ida", "karen", "mette", "sofie"}) sessions_[p] = session(p);
    REQUIRE(call(anna, "PUT", {"/api/wheel", {{"xml", kWheel}}}).status == 200);
    auto item = call(anna, "PUT", {"/api/plan/acl-item", {{"name", "Access review"}, {"responsible", "mette"}, {"deadline", "2027-06-30"}}});
    REQUIRE(item.status == 200);
  }

  // A deviation case started by mette, waiting at the security function's assessment;
  // returns the case id and the task id.
  std::pair<std::string, std::string> fresh_case() {
    auto r = call(mette, "POST", {"/api/messages", {{"name", "External input"}, {"variables", {{"title", "a lost laptop"}}}}});
    REQUIRE(r.status == 200);
    std::string id = r.json_body()["cases"][0];
    auto tasks = call(anna, "GET", {"/api/tasks?case=" + id});
    REQUIRE(tasks.status == 200);
    return {id, std::to_string(tasks.json_body()[0]["id"].get<std::int64_t>())};
  }

  // A fresh single sign-on session of `person` (Sofie by her verified e-mail, her modeller
  // access from the provider's group).
  std::string session(const std::string& person) {
    auto l = person == "sofie" ? flow.login_as("sub-sofie", {"isms-modellers"}, {{"email", "sofie@example.org"}, {"email_verified", true}})
                               : flow.login_as("sub-" + person);
    REQUIRE(!l.cookie.empty());
    return l.cookie;
  }

  Reply call(Column who, const std::string& method, const Target& target) {
    std::map<std::string, std::string> headers;
    if (who == expired) headers["Cookie"] = expired_;
    if (who == revoked) headers["Authorization"] = "Bearer " + revoked_;
    if (who >= anna && logins == Logins::tokens) headers["Authorization"] = "Bearer " + tokens_.at(person(who));
    if (who >= anna && logins == Logins::sso) headers["Cookie"] = sessions_.at(person(who));
    for (const auto& [name, value] : target.headers) headers[name] = value;
    return s.request(method, target.path, target.body.is_null() ? "" : target.body.dump(), headers);
  }

  static std::string person(Column who) {
    static const char* const names[] = {"", "", "", "anna", "ida", "karen", "mette", "sofie"};
    return names[who];
  }

  std::int64_t refusals_in_trail() {
    SQLite::Database db(s.w.db());
    return db.execAndGet("SELECT count(*) FROM audit WHERE action = 'access_refused'").getInt64();
  }

  Logins logins;
  std::shared_ptr<oidc::Provider> provider;
  Server s;
  oidc::Flow flow;
  std::map<std::string, std::string> tokens_, sessions_;
  std::string revoked_, expired_;
};

// A log sink that keeps every line the server writes.
class CapturedLog {
 public:
  CapturedLog() {
    logger_ = spdlog::get("raciflow");
    if (!logger_) {
      logger_ = std::make_shared<spdlog::logger>("raciflow");
      spdlog::register_logger(logger_);
    }
    sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines_);
    logger_->sinks().push_back(sink_);
  }
  ~CapturedLog() {
    auto& sinks = logger_->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  std::string text() const { return lines_.str(); }

 private:
  std::ostringstream lines_;
  std::shared_ptr<spdlog::logger> logger_;
  spdlog::sink_ptr sink_;
};

}  // namespace

static void check_access_table(Logins logins) {
  CapturedLog log;
  Table t(logins);
  const std::string policy = read_file(sample("policy-approval.bpmn")), org = modelling_org();

  // Each route: its expected row, and how to make a target for a caller. Targets are made
  // per cell, so a command that changes something has its own case, task or token.
  struct Spec {
    Row expected;
    std::function<Target(Column)> target;
  };
  std::map<std::pair<std::string, std::string>, Spec> table;
  auto fixed = [](std::string path, json body = nullptr) { return [=](Column) { return Target{path, body}; }; };
  table[{"POST", "/api/login"}] = {kPublic, fixed("/api/login", {{"person", "mette"}, {"password", "mette-password"}})};
  // Logging out ends a session: each caller's own fresh one, so the table's stay.
  table[{"POST", "/api/logout"}] = {kEveryone, [&](Column who) {
                                      if (logins == Logins::sso && who >= anna)
                                        return Target{"/api/logout", nullptr, {{"Cookie", t.session(Table::person(who))}}};
                                      return Target{"/api/logout"};
                                    }};
  // Single sign-on: off in the token table (no such login), on in the other, where the
  // callback is a whole login of Mette's whatever the caller.
  constexpr Row kNowhere = {404, 404, 404, 404, 404, 404, 404, 404};
  constexpr Row kRedirected = {3, 3, 3, 3, 3, 3, 3, 3};
  table[{"GET", "/api/sso"}] = {kPublic, fixed("/api/sso")};
  table[{"GET", "/api/sso/login"}] = {logins == Logins::sso ? kRedirected : kNowhere, fixed("/api/sso/login?return=%23/inbox")};
  table[{"GET", "/api/sso/callback"}] = {logins == Logins::sso ? kRedirected : kNowhere, [&](Column) {
                                           if (logins == Logins::tokens) return Target{"/api/sso/callback?code=x&state=y"};
                                           std::string state_cookie;
                                           auto query = t.flow.begin(&state_cookie);
                                           std::string code = t.provider->authorize(
                                               query, t.provider->rsa.sign(t.flow.claims("sub-mette", query["nonce"]), "RS256"));
                                           return Target{"/api/sso/callback?code=" + code + "&state=" + query["state"], nullptr,
                                                         {{"Cookie", state_cookie}}};
                                         }};
  table[{"GET", "/api/me"}] = {kEveryone, fixed("/api/me")};
  table[{"GET", "/api/openapi.json"}] = {kPublic, fixed("/api/openapi.json")};
  table[{"GET", "/api/definitions"}] = {kEveryone, fixed("/api/definitions")};
  table[{"GET", "/api/definitions/{process}/versions"}] = {kEveryone, fixed("/api/definitions/deviation-handling/versions")};
  table[{"POST", "/api/definitions/{process}/changes"}] = {kModeller, fixed("/api/definitions/policy-approval/changes", {{"xml", policy}})};
  table[{"GET", "/api/forms/{form}"}] = {kEveryone, fixed("/api/forms/deviation-assess-input")};
  REQUIRE(t.s.w.cli({"deploy", sample("risk-level.dmn"), "--as", "anna"}).code == 0);
  table[{"GET", "/api/decisions"}] = {kEveryone, fixed("/api/decisions")};
  table[{"GET", "/api/decisions/{decision}/xml"}] = {kEveryone, fixed("/api/decisions/risk-level/xml")};
  table[{"POST", "/api/decisions/{decision}/evaluate"}] = {
      kWriter, fixed("/api/decisions/risk-level/evaluate", {{"variables", {{"likelihood", 1}, {"impact", 2}}}})};
  table[{"GET", "/api/templates"}] = {kModeller, fixed("/api/templates")};
  table[{"GET", "/api/templates/{file}"}] = {kModeller, fixed("/api/templates/policy-approval.bpmn")};
  table[{"POST", "/api/validate"}] = {kModeller, fixed("/api/validate", {{"name", "policy-approval.bpmn"}, {"xml", policy}})};
  table[{"POST", "/api/definitions"}] = {kModeller, fixed("/api/definitions", {{"name", "policy-approval.bpmn"}, {"xml", policy}})};
  for (const char* view : {"", "/xml", "/raci", "/diagram"})
    table[{"GET", std::string("/api/definitions/{process}") + view}] = {kEveryone, fixed(std::string("/api/definitions/deviation-handling") + view)};
  table[{"GET", "/api/cases"}] = {kEveryone, fixed("/api/cases")};
  table[{"POST", "/api/cases"}] = {kWriter, fixed("/api/cases", {{"process", "corrective-action"}})};
  auto mettes_case = t.fresh_case();
  for (const char* view : {"", "/diagram", "/audit"})
    table[{"GET", std::string("/api/cases/{id}") + view}] = {kSeesMettesCase, fixed("/api/cases/" + mettes_case.first + view)};
  // Attachments and comments: who sees the case reads them, who takes part in it adds;
  // everyone else finds no case, and the attempt is in the trail.
  constexpr Row kReadsMettesCase = {401, 401, 401, 2, 2, kHidden, 2, kHidden};
  constexpr Row kAddsToMettesCase = {401, 401, 401, 2, 403, kHidden, 2, kHidden};
  auto attached = t.s.w.cli({"attach", mettes_case.first, t.s.w.write("proof.txt", "done"), "--as", "mette"});
  REQUIRE(attached.code == 0);
  table[{"GET", "/api/cases/{id}/attachments"}] = {kReadsMettesCase, fixed("/api/cases/" + mettes_case.first + "/attachments")};
  table[{"POST", "/api/cases/{id}/attachments"}] = {kAddsToMettesCase, fixed("/api/cases/" + mettes_case.first + "/attachments?name=a.json", {{"a", 1}})};
  table[{"GET", "/api/attachments/{attachment}"}] = {kReadsMettesCase, fixed("/api/attachments/" + attached.out.substr(0, attached.out.find('\n')))};
  table[{"GET", "/api/cases/{id}/comments"}] = {kReadsMettesCase, fixed("/api/cases/" + mettes_case.first + "/comments")};
  table[{"POST", "/api/cases/{id}/comments"}] = {kAddsToMettesCase, fixed("/api/cases/" + mettes_case.first + "/comments", {{"text", "seen"}})};
  table[{"POST", "/api/cases/{id}/cancel"}] = {kAdmin, [&](Column) {
                                                 return Target{"/api/cases/" + t.fresh_case().first + "/cancel", {{"reason", "a test"}}};
                                               }};
  table[{"POST", "/api/cases/{id}/retry"}] = {kAdmin, [&](Column) {
                                                // Mette's case whose gateway cannot compare its level: an incident.
                                                t.s.w.write("gate.bpmn", kGate);  // deploying it again changes nothing
                                                REQUIRE(t.s.w.cli({"deploy", t.s.w.path("gate.bpmn"), "--as", "setup"}).code == 0);
                                                auto r = t.call(mette, "POST", {"/api/cases", {{"process", "gate"}, {"variables", {{"level", "high"}}}}});
                                                REQUIRE(r.status == 201);
                                                std::string id = r.json_body()["id"];
                                                return Target{"/api/cases/" + id + "/retry", {{"variables", {{"level", 5}}}}};
                                              }};
  table[{"GET", "/api/tasks"}] = {kEveryone, fixed("/api/tasks")};
  table[{"GET", "/api/tasks/{id}"}] = {kSeesMettesCase, fixed("/api/tasks/" + mettes_case.second)};
  table[{"POST", "/api/tasks/{id}/claim"}] = {kSecurityFunction, [&](Column) {
                                                return Target{"/api/tasks/" + t.fresh_case().second + "/claim"};
                                              }};
  table[{"POST", "/api/tasks/{id}/unclaim"}] = {kSecurityFunction, [&](Column) {
                                                  auto task = t.fresh_case().second;
                                                  REQUIRE(t.s.w.cli({"claim", task, "--as", "anna"}).code == 0);
                                                  return Target{"/api/tasks/" + task + "/unclaim"};
                                                }};
  table[{"POST", "/api/tasks/{id}/complete"}] = {kSecurityFunction, [&](Column) {
                                                   return Target{"/api/tasks/" + t.fresh_case().second + "/complete",
                                                                 {{"variables", {{"severity", "low"}, {"withinMandate", true}}}}};
                                                 }};
  table[{"POST", "/api/tasks/{id}/consult"}] = {kConsulted, [&](Column) {
                                                  return Target{"/api/tasks/" + t.fresh_case().second + "/consult", {{"answer", "no objection"}}};
                                                }};
  table[{"POST", "/api/tasks/{id}/waive"}] = {kSecurityFunction, [&](Column) {  // the assessment's Accountable role
                                                return Target{"/api/tasks/" + t.fresh_case().second + "/waive", {{"reason", "urgent"}}};
                                              }};
  table[{"POST", "/api/signals"}] = {kAdmin, fixed("/api/signals", {{"name", "threat level changed"}})};  // anna: admin and security function
  table[{"POST", "/api/messages"}] = {kWriter, fixed("/api/messages", {{"name", "External input"}})};
  table[{"GET", "/api/audit"}] = {kReader, fixed("/api/audit")};
  table[{"GET", "/api/audit/verify"}] = {kReader, fixed("/api/audit/verify")};
  table[{"GET", "/api/wheel"}] = {kEveryone, fixed("/api/wheel?year=2027")};
  table[{"PUT", "/api/wheel"}] = {kAdmin, fixed("/api/wheel", {{"name", "year.xml"}, {"xml", kWheel}})};
  table[{"GET", "/api/plan"}] = {kEveryone, fixed("/api/plan")};
  table[{"PUT", "/api/plan/{id}"}] = {kPlanOfMette, fixed("/api/plan/acl-item", {{"note", "on track"}})};
  table[{"GET", "/api/agenda"}] = {kEveryone, fixed("/api/agenda")};
  table[{"GET", "/api/evidence"}] = {kReader, fixed("/api/evidence")};
  table[{"GET", "/api/report"}] = {kReader, fixed("/api/report?year=2027")};
  // A register is read by the roles of its flow (karen's committee, mette's business
  // functions), the auditor and the admin; to sofie (IT operations) it does not exist.
  REQUIRE(t.s.w.cli({"deploy", sample("risk-assessment.bpmn"), sample("soa-approval.bpmn"), "--as", "anna"}).code == 0);
  constexpr Row kReadsRegister = {401, 401, 401, 2, 2, 2, 2, kHidden};
  table[{"GET", "/api/registers"}] = {kEveryone, fixed("/api/registers")};
  table[{"GET", "/api/registers/{register}"}] = {kReadsRegister, fixed("/api/registers/deviations?sort=severity&order=desc")};
  table[{"GET", "/api/registers/{register}/heatmap"}] = {kReadsRegister, fixed("/api/registers/risks/heatmap")};
  table[{"GET", "/api/registers/{register}/entries/{key}"}] = {kReadsRegister,
                                                              fixed("/api/registers/deviations/entries/" + mettes_case.first)};
  table[{"GET", "/api/soa"}] = {kReadsRegister, fixed("/api/soa")};  // business functions are consulted on it
  table[{"GET", "/api/registers/{register}/export"}] = {kReadsRegister, fixed("/api/registers/deviations/export?format=xlsx&lang=da")};
  table[{"GET", "/api/organisation"}] = {kEveryone, fixed("/api/organisation")};
  table[{"PUT", "/api/organisation"}] = {kAdmin, fixed("/api/organisation", {{"name", "org.xml"}, {"xml", org}})};
  table[{"GET", "/api/notifications"}] = {kEveryone, fixed("/api/notifications")};
  table[{"GET", "/api/outbox"}] = {kReader, fixed("/api/outbox")};
  table[{"GET", "/api/supervised"}] = {kReader, fixed("/api/supervised")};
  for (const char* view : {"/cases", "/cases/{id}", "/cases/{id}/audit", "/evidence", "/report"}) {
    std::string path = view;
    if (auto at = path.find("{id}"); at != std::string::npos) path.replace(at, 4, "1");
    table[{"GET", std::string("/api/supervised/{tenant}") + view}] = {kReaderFindsNone, fixed("/api/supervised/aarhus" + path)};
  }
  table[{"GET", "/api/tokens"}] = {kEveryone, fixed("/api/tokens")};
  table[{"POST", "/api/tokens"}] = {kWriter, fixed("/api/tokens", {{"name", "a script"}})};
  table[{"DELETE", "/api/tokens/{id}"}] = {kWriter, [&](Column who) {
                                             // The caller's own token (anna's for the columns without one).
                                             auto made = t.s.w.cli({"token", "create", who >= anna ? Table::person(who) : "anna"});
                                             REQUIRE(made.code == 0);
                                             auto list = t.call(anna, "GET", {"/api/tokens"}).json_body();
                                             return Target{"/api/tokens/" + std::to_string(list.back()["id"].get<std::int64_t>())};
                                           }};

  table[{"GET", "/api/substitutes"}] = {kEveryone, fixed("/api/substitutes")};
  table[{"POST", "/api/substitutes"}] = {kWriter, fixed("/api/substitutes", {{"substitute", "peter"}, {"from", "2026-01-01"}, {"until", "2099-12-31"}})};
  table[{"POST", "/api/substitutes/{id}/end"}] = {kWriter, [&](Column who) {
                                                    // The caller's own period (anna's for the columns without one).
                                                    std::string person = who >= anna ? Table::person(who) : "anna";
                                                    auto made = t.s.w.cli({"substitute", "set", person, "--by", "peter", "--from",
                                                                           "2026-01-01", "--until", "2099-12-31"});
                                                    REQUIRE(made.code == 0);
                                                    return Target{"/api/substitutes/" + made.out.substr(0, made.out.find('\n')) + "/end"};
                                                  }};

  // Calendar feeds: the address is the key, for whoever holds it; the caller's own feed.
  auto feed = t.s.w.cli({"calendar", "token", "peter"});  // no column's: the rows below replace and revoke theirs
  REQUIRE(feed.code == 0);
  table[{"GET", "/api/calendar/{feed}"}] = {kPublic, fixed(feed.out.substr(0, feed.out.find('\n')))};
  table[{"GET", "/api/me/calendar-feed"}] = {kEveryone, fixed("/api/me/calendar-feed")};
  table[{"POST", "/api/me/calendar-feed"}] = {kWriter, fixed("/api/me/calendar-feed")};
  table[{"DELETE", "/api/me/calendar-feed"}] = {kWriter, [&](Column who) {
                                                  // The caller has a feed to revoke (anna's for the columns without a login).
                                                  REQUIRE(t.s.w.cli({"calendar", "token", who >= anna ? Table::person(who) : "anna"}).code == 0);
                                                  return Target{"/api/me/calendar-feed"};
                                                }};

  table[{"GET", "/api/me/digest"}] = {kEveryone, fixed("/api/me/digest")};
  table[{"PUT", "/api/me/digest"}] = {kWriter, fixed("/api/me/digest", {{"digest", "weekly"}})};

  // The table covers exactly the API's routes.
  std::set<std::pair<std::string, std::string>> routes;
  for (const auto& r : t.s.api->routes()) routes.insert({r.method, r.path});
  std::set<std::pair<std::string, std::string>> covered;
  for (const auto& [route, spec] : table) covered.insert(route);
  CHECK(covered == routes);

  std::int64_t refusals = t.s.refusals_accounted(), cells = 0, refused_cells = 0;
  for (const auto& [route, spec] : table) {
    for (int c = 0; c < kColumns; ++c) {
      Column who = static_cast<Column>(c);
      Target target = spec.target(who);
      std::int64_t before = t.refusals_in_trail();
      auto reply = t.call(who, route.first, target);
      int expected = spec.expected[c];
      INFO(route.first << " " << route.second << " as " << kColumnNames[c] << " (" << target.path << "): " << reply.status << " "
                       << reply.body.substr(0, 300));
      if (expected == 2)
        CHECK((reply.status >= 200 && reply.status < 300));
      else if (expected == 3)
        CHECK((reply.status >= 300 && reply.status < 400));
      else
        CHECK(reply.status == std::abs(expected));
      bool refused = reply.status == 401 || reply.status == 403 || (expected == kHidden && reply.status == 404);
      // One access_refused record per refusal of a person, none for anything else; a
      // refusal of nobody is recorded or counted (each address's first in a minute on
      // its own), and all are accounted for below.
      if (refused && who < anna)
        CHECK(t.refusals_in_trail() - before <= 1);
      else
        CHECK(t.refusals_in_trail() - before == (refused ? 1 : 0));
      ++cells;
      refused_cells += refused;
    }
  }
  CHECK(cells == static_cast<std::int64_t>(routes.size()) * kColumns);
  CHECK(t.s.refusals_accounted() - refusals == refused_cells);

  // No secret reached the log: not a password, a token, or a session id.
  std::string lines = log.text();
  CHECK(!lines.empty());
  for (const auto& [person, token] : t.tokens_) CHECK(lines.find(token) == std::string::npos);
  CHECK(lines.find(t.revoked_) == std::string::npos);
  CHECK(lines.find(t.expired_.substr(t.expired_.find('=') + 1)) == std::string::npos);
  for (const char* person : {"anna", "ida", "karen", "mette"}) CHECK(lines.find(std::string(person) + "-password") == std::string::npos);
  // Nor the trail.
  auto trail = t.s.w.cli({"audit", "all", "--format", "json"}).out;
  for (const auto& [person, token] : t.tokens_) CHECK(trail.find(token) == std::string::npos);
  CHECK(trail.find("mette-password") == std::string::npos);
  for (const auto& [person, session] : t.sessions_) {
    CHECK(lines.find(session.substr(session.find('=') + 1)) == std::string::npos);
    CHECK(trail.find(session.substr(session.find('=') + 1)) == std::string::npos);
  }
}

TEST_CASE("every API route answers each kind of caller as the access table says, and every refusal is audited", "[api][access]") {
  check_access_table(Logins::tokens);
}

TEST_CASE("the access table holds for people logged in by single sign-on, their access from the provider's groups", "[api][access][sso]") {
  check_access_table(Logins::sso);
}

TEST_CASE("acting on another person's token, plan item or claimed task is refused and audited", "[api][access]") {
  Table t;
  auto mettes_token = t.call(mette, "POST", {"/api/tokens", {{"name", "mine"}}});
  REQUIRE(mettes_token.status == 201);
  std::string id = std::to_string(mettes_token.json_body()["id"].get<std::int64_t>());
  auto before = t.refusals_in_trail();
  CHECK(t.call(karen, "DELETE", {"/api/tokens/" + id}).status == 403);
  CHECK(t.call(karen, "POST", {"/api/tokens", {{"person", "mette"}}}).status == 403);
  CHECK(t.call(karen, "PUT", {"/api/plan/acl-item", {{"status", "done"}}}).status == 403);
  CHECK(t.call(mette, "PUT", {"/api/plan/acl-item", {{"responsible", "karen"}}}).status == 403);
  CHECK(t.refusals_in_trail() - before == 4);
  // Mette's token still works: the refusals changed nothing.
  CHECK(t.s.request("GET", "/api/me", "", {{"Authorization", "Bearer " + mettes_token.json_body()["token"].get<std::string>()}}).status == 200);
  for (const auto& item : t.call(anna, "GET", {"/api/plan"}).json_body())
    if (item["id"] == "acl-item") CHECK(item["responsible"] == "mette");
  // A task claimed by anna is hers: lars, also in the security function, gets 409.
  auto made = t.s.w.cli({"token", "create", "lars"});
  std::string lars = made.out.substr(0, made.out.find('\n'));
  auto task = t.fresh_case().second;
  CHECK(t.call(anna, "POST", {"/api/tasks/" + task + "/claim"}).status == 200);
  auto taken = t.s.request("POST", "/api/tasks/" + task + "/complete", json{{"variables", {{"severity", "low"}, {"withinMandate", true}}}}.dump(),
                           {{"Authorization", "Bearer " + lars}});
  CHECK(taken.status == 409);
  CHECK(taken.json_body()["message"].get<std::string>().find("claimed by anna") != std::string::npos);
  // Logging out ends a session, not a token.
  CHECK(t.call(mette, "POST", {"/api/logout"}).status == 204);
  CHECK(t.call(mette, "GET", {"/api/me"}).status == 200);
}
