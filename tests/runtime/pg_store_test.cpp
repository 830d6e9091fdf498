// The PostgreSQL store on a real server (a throwaway cluster, tests/pg_support.h):
// tenants, their isolation with and without row-level security, what it refuses to open,
// one-line errors, reconnecting after a restart, and writers of one tenant taking turns.
// Without PostgreSQL installed each test says so and passes; CI installs it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

#include "adapters/http/api.h"
#include "runtime/runtime.h"
#include "runtime/service.h"
#include "pg_test_support.h"
#include "runtime_support.h"

using namespace raciflow::testing;
using nlohmann::json;

TEST_CASE("tenants are created and listed by the operator; a taken or malformed id is refused", "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  std::string uri = pg->fresh_database();
  CHECK(operator_cli(uri, {"tenant", "list"}).out == "no tenants\n");
  auto made = operator_cli(uri, {"tenant", "create", "odense", "--name", "Odense Kommune"});
  CHECK(made.code == 0);
  CHECK(made.out == "tenant odense created\n");
  CHECK(operator_cli(uri, {"tenant", "create", "aarhus"}).code == 0);
  auto list = operator_cli(uri, {"tenant", "list", "--json"});
  REQUIRE(list.code == 0);
  CHECK(list.json() == json::parse(R"([{"id":"aarhus","name":"aarhus","created":"2026-03-02T09:00:00Z","supervises":[],"ssoIssuer":""},)"
                                    R"({"id":"odense","name":"Odense Kommune","created":"2026-03-02T09:00:00Z","supervises":[],"ssoIssuer":""}])"));
  auto again = operator_cli(uri, {"tenant", "create", "odense"});
  CHECK(again.code == 1);
  CHECK(again.err.find(": there is a tenant 'odense' already\n") != std::string::npos);
  auto bad = operator_cli(uri, {"tenant", "create", "Odense Kommune"});
  CHECK(bad.code == 2);
  CHECK(bad.err.rfind("raciflow tenant: 'Odense Kommune' cannot name a tenant", 0) == 0);
  // The operator works on the whole database, not in a tenant.
  CHECK(operator_cli(uri, {"--tenant", "odense", "tenant", "list"}).code == 2);
  // A SQLite file is one organisation: no tenants there, and no --tenant for it.
  Workspace w;
  auto sqlite = w.cli({"tenant", "list"});
  CHECK(sqlite.code == 1);
  CHECK(sqlite.err == "raciflow tenant: " + w.db() +
                          " is a SQLite file, which holds one organisation; tenants live in a PostgreSQL database "
                          "(--db postgresql://...)\n");
  auto tenant_on_file = w.cli({"--tenant", "odense", "cases"});
  CHECK(tenant_on_file.code == 2);
  CHECK(tenant_on_file.err.find("--tenant names an organisation in a PostgreSQL database") != std::string::npos);
}

TEST_CASE("a PostgreSQL database needs a known tenant, and says so in one line", "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  std::string uri = pg->fresh_database();
  REQUIRE(operator_cli(uri, {"tenant", "create", "odense"}).code == 0);
  auto none = operator_cli(uri, {"cases"});
  CHECK(none.code == 1);
  CHECK(none.err.find("a PostgreSQL database needs --tenant ID (or RACIFLOW_TENANT)\n") != std::string::npos);
  Workspace w;
  auto unknown = as_tenant(w, uri, "vejle", {"cases"});
  CHECK(unknown.code == 1);
  CHECK(unknown.err.find(": no tenant 'vejle' (raciflow tenant create vejle)\n") != std::string::npos);
  // The password of a URI never shows in a message.
  auto hidden = operator_cli("postgresql://raciflow:s3cret@127.0.0.1:1/nothing", {"--tenant", "x", "cases"});
  CHECK(hidden.code == 1);
  CHECK(hidden.err.find("s3cret") == std::string::npos);
  CHECK(hidden.err.find("the database server cannot be reached") != std::string::npos);
  CHECK(std::count(hidden.err.begin(), hidden.err.end(), '\n') == 1);
}

TEST_CASE("another program's database and a newer raciflow schema are refused, and nothing changes", "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  std::string uri = pg->fresh_database();
  std::string name = database_name(uri);
  pg->admin("CREATE TABLE invoices(id integer); ALTER TABLE invoices OWNER TO raciflow", name);
  auto foreign = operator_cli(uri, {"tenant", "create", "odense"});
  CHECK(foreign.code == 1);
  CHECK(foreign.err.find(": not a raciflow database\n") != std::string::npos);

  std::string ours = pg->fresh_database();
  std::string ours_name = database_name(ours);
  REQUIRE(operator_cli(ours, {"tenant", "create", "odense"}).code == 0);
  pg->admin("UPDATE raciflow_schema SET version = 99", ours_name);
  Workspace w;
  auto newer = as_tenant(w, ours, "odense", {"deploy", sample("deviation-handling.bpmn")});
  CHECK(newer.code == 1);
  CHECK(newer.err.find("the database has schema version 99, newer than this raciflow") != std::string::npos);
}

TEST_CASE("two organisations in one database see nothing of each other, with and without row-level security", "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  SampleTenant a(*pg, "odense", {"deviation-handling.bpmn", "corrective-action.bpmn"});
  const std::string& uri = a.uri;
  std::string name = database_name(uri);
  REQUIRE(operator_cli(uri, {"tenant", "create", "aarhus"}).code == 0);
  auto b = [&](std::vector<std::string> args) { return as_tenant(a.w, uri, "aarhus", std::move(args)); };
  auto started = a({"message", "External input", "--as", "anna", "--var", "summary=Odense's secret"});
  REQUIRE(started.code == 0);

  auto nothing_of_a = [&] {
    CHECK(b({"cases", "--json"}).json().empty());
    CHECK(b({"tasks", "--all", "--json"}).json().empty());
    CHECK(b({"audit", "all", "--format", "json"}).json().empty());
    CHECK(b({"show", "1"}).code == 1);
    CHECK(b({"org", "show"}).code == 1);
    CHECK(b({"outbox", "--all", "--json"}).json().empty());
    auto verify = b({"audit", "verify"});
    CHECK(verify.out == "ok: 0 records in an unbroken chain; 0 cases replay to their stored state\n");
  };
  SECTION("the store's filter and row-level security together") { nothing_of_a(); }
  SECTION("the store's filter alone") {
    for (const char* table : {"cases", "tasks", "audit", "organisation", "outbox", "definitions", "task_inbox"})
      pg->admin(std::string("ALTER TABLE ") + table + " DISABLE ROW LEVEL SECURITY", name);
    nothing_of_a();
  }
  SECTION("row-level security alone: a session of tenant B reading A's rows by hand gets none") {
    PGconn* c = PQconnectdb(uri.c_str());
    REQUIRE(PQstatus(c) == CONNECTION_OK);
    PQclear(PQexec(c, "SELECT set_config('raciflow.tenant', 'aarhus', false)"));
    for (const char* table : {"cases", "tasks", "audit", "organisation", "definitions"}) {
      PGresult* r = PQexec(c, (std::string("SELECT count(*) FROM ") + table + " WHERE tenant = 'odense'").c_str());
      INFO(table);
      REQUIRE(PQresultStatus(r) == PGRES_TUPLES_OK);
      CHECK(std::string(PQgetvalue(r, 0, 0)) == "0");
      PQclear(r);
    }
    // It sees its own tenant row only.
    PGresult* own = PQexec(c, "SELECT string_agg(id, ',') FROM tenants");
    CHECK(std::string(PQgetvalue(own, 0, 0)) == "aarhus");
    PQclear(own);
    // Nor can it write into A's rows.
    PGresult* w_r = PQexec(c, "INSERT INTO counters VALUES ('odense', 'case', 100)");
    CHECK(PQresultStatus(w_r) == PGRES_FATAL_ERROR);
    PQclear(w_r);
    PQfinish(c);
  }
  // A's own view is whole, and its trail verifies.
  CHECK(a({"cases", "--json"}).json().size() == 1);
  CHECK(a({"audit", "verify"}).out.rfind("ok: ", 0) == 0);
}

TEST_CASE("the audit trail on PostgreSQL refuses updates and deletes, even by its owner", "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  std::string uri = pg->fresh_database();
  REQUIRE(operator_cli(uri, {"tenant", "create", "odense"}).code == 0);
  Workspace w;
  REQUIRE(as_tenant(w, uri, "odense", {"org", "load", sample("org.xml"), "--as", "anna"}).code == 0);
  PGconn* c = PQconnectdb(uri.c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PQclear(PQexec(c, "SELECT set_config('raciflow.tenant', 'odense', false)"));
  for (const char* sql : {"UPDATE audit SET actor = 'mallory'", "DELETE FROM audit", "TRUNCATE audit"}) {
    PGresult* r = PQexec(c, sql);
    INFO(sql);
    CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR);
    CHECK(std::string(PQresultErrorMessage(r)).find("append-only") != std::string::npos);
    PQclear(r);
  }
  PQfinish(c);
  CHECK(as_tenant(w, uri, "odense", {"audit", "verify"}).out.rfind("ok: 1 record ", 0) == 0);
}

TEST_CASE("a store reconnects after the PostgreSQL server restarts", "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  std::string uri = pg->fresh_database();
  REQUIRE(operator_cli(uri, {"tenant", "create", "odense"}).code == 0);
  raciflow::runtime::PgOptions options;
  options.tenant = "odense";
  auto store = raciflow::runtime::open_postgres_store(uri, options);
  auto org = raciflow::runtime::Organisation{"Odense", {{"security-function", "Security"}}, {{"anna", "Anna", "", {"security-function"}, {}}}};
  {
    auto tx = store->begin();
    store->put_organisation(org);
    tx->commit();
  }
  pg->restart();
  // The connection died while idle; the next transaction finds that out at its start,
  // connects again and goes on.
  {
    auto tx = store->begin_read();
    auto read = store->organisation();
    REQUIRE(read);
    CHECK(read->name == "Odense");
  }
  auto tx = store->begin();
  store->put_organisation(org);
  tx->commit();
}

TEST_CASE("writers of one tenant take turns: concurrent commands all land and the chain stays whole", "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  SampleTenant a(*pg, "odense", {"corrective-action.bpmn"});
  // Two writers, each starting cases, at once.
  std::vector<int> failures(2, 0);
  std::vector<std::thread> writers;
  for (int i = 0; i < 2; ++i)
    writers.emplace_back([&, i] {
      for (int n = 0; n < 15; ++n)
        if (a({"start", "corrective-action", "--as", "anna"}).code != 0) ++failures[i];
    });
  for (auto& t : writers) t.join();
  CHECK(failures == std::vector<int>{0, 0});
  CHECK(a({"cases", "--json"}).json().size() == 30);
  auto verify = a({"audit", "verify"});
  CHECK(verify.out.rfind("ok: ", 0) == 0);
  CHECK(verify.out.find("30 cases replay") != std::string::npos);
}

TEST_CASE("a SQLite database moves into a tenant with its chain intact, answers the same there, and moves once", "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  std::string uri = pg->fresh_database();
  // A file with some life in it: two cases, a consultation, a completion, an escalation,
  // a refusal, notifications and a password.
  Workspace w;
  w.ok({"deploy", sample("deviation-handling.bpmn"), sample("corrective-action.bpmn"), "--as", "anna"});
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  std::string dev = first_line(w.ok({"message", "External input", "--as", "anna", "--key", "DEV-1"}));
  w.ok({"start", "corrective-action", "--as", "anna"});
  auto assess = w.cli({"tasks", "--case", dev, "--ids"}).out;
  assess = assess.substr(0, assess.find('\n'));
  w.ok({"consult", assess, "--as", "mette", "--answer", "Payroll"});
  CHECK(w.cli({"complete", assess, "--as", "mette"}).code == 1);
  w.ok({"complete", assess, "--as", "jonas", "--var", "severity=high"});
  w.clock = "2026-04-03T09:00:00Z";
  w.ok({"tick"});
  w.write("anna.pw", "anna-password-long\n");
  w.ok({"password", "set", "anna", "--password-file", w.path("anna.pw")});

  auto moved = w.cli({"migrate", "--from", w.db(), "--to", uri, "--tenant", "odense"});
  INFO(moved.err);
  REQUIRE(moved.code == 0);
  CHECK(moved.out.rfind("copied " + w.db() + " into tenant odense: ", 0) == 0);
  auto on_pg = [&](std::vector<std::string> args) { return as_tenant(w, uri, "odense", std::move(args)); };
  // The same answers on both sides, the trail's verification first.
  for (std::vector<std::string> read : {std::vector<std::string>{"audit", "verify"}, {"audit", "all", "--format", "csv"},
                                        {"cases", "--json"}, {"tasks", "--all", "--json"}, {"outbox", "--all", "--json"},
                                        {"show", dev}, {"org", "show"}, {"token", "list"}}) {
    INFO(read[0] << " " << (read.size() > 1 ? read[1] : ""));
    CHECK(on_pg(read).out == w.ok(read));
  }
  CHECK(operator_cli(uri, {"tenant", "list"}).out.find("odense  Example Agency") != std::string::npos);

  // Work goes on there: numbers continue where the file's stopped.
  auto next = on_pg({"start", "corrective-action", "--as", "anna"});
  REQUIRE(next.code == 0);
  CHECK(first_line(next.out) == "3");
  CHECK(on_pg({"audit", "verify"}).out.rfind("ok: ", 0) == 0);

  // A second copy into the same tenant is refused, and changes nothing.
  auto again = w.cli({"migrate", "--from", w.db(), "--to", uri, "--tenant", "odense"});
  CHECK(again.code == 1);
  CHECK(again.err.find(": tenant 'odense' already holds data; a copy goes into an empty tenant, once\n") != std::string::npos);
  CHECK(on_pg({"cases", "--json"}).json().size() == 3);
}

TEST_CASE("a database two releases old moves up too, and verifies on PostgreSQL", "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  std::string uri = pg->fresh_database();
  Workspace w;
  std::filesystem::copy_file(test_data("before-lean/trail-v5.db"), w.db());
  w.clock = "2026-04-04T09:00:00Z";
  REQUIRE(w.cli({"migrate", "--from", w.db(), "--to", uri, "--tenant", "vejle"}).code == 0);
  CHECK(as_tenant(w, uri, "vejle", {"audit", "verify"}).out ==
        "ok: 46 records in an unbroken chain; 3 cases replay to their stored state\n");
  CHECK(as_tenant(w, uri, "vejle", {"tasks", "--json"}).out == w.ok({"tasks", "--json"}));
}

TEST_CASE("migrate says what it needs in one line", "[postgres]") {
  Workspace w;
  CHECK(w.cli({"migrate", "--from", w.db(), "--to", "postgresql:///x"}).err.find("migrate needs --tenant ID") != std::string::npos);
  CHECK(w.cli({"migrate", "--from", w.db(), "--to", "other.db", "--tenant", "x"}).err.find("--to is a PostgreSQL database") !=
        std::string::npos);
  auto missing = w.cli({"migrate", "--from", w.path("none.db"), "--to", "postgresql:///x", "--tenant", "x"});
  CHECK(missing.code == 1);
  CHECK(missing.err == "raciflow migrate: " + w.path("none.db") + ": no such file\n");
}

TEST_CASE("while the PostgreSQL server is down the API answers 503 and changes nothing, and after it serves again", "[postgres]") {
  auto* pg = cluster_or_skip();
  if (!pg) return;
  SampleTenant a(*pg, "odense", {"deviation-handling.bpmn", "corrective-action.bpmn"});
  const std::string& uri = a.uri;
  auto token = a({"token", "create", "anna", "--as", "anna"});
  REQUIRE(token.code == 0);
  std::string bearer = "Bearer " + first_line(token.out);
  auto now = *raciflow::definitions::parse_date_time(a.w.clock);
  raciflow::runtime::PgOptions options;
  options.tenant = "odense";
  raciflow::runtime::Service service([&] { return raciflow::runtime::open_postgres_store(uri, options); }, [now] { return now; },
                                     std::chrono::hours(1), nullptr);
  raciflow::http::Api api(service);
  auto call = [&](const std::string& method, const std::string& target, const std::string& body = "") {
    raciflow::http::HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.content_type = "application/json";
    request.authorization = bearer;
    return api.handle(request);
  };
  REQUIRE(call("POST", "/api/cases", R"({"process":"corrective-action"})").status == 201);
  pg->stop();
  auto down = call("POST", "/api/cases", R"({"process":"corrective-action"})");
  CHECK(down.status == 503);
  CHECK(nlohmann::json::parse(down.body)["error"] == "unavailable");
  INFO(down.body);
  CHECK((down.body.find("cannot be reached") != std::string::npos || down.body.find("was lost") != std::string::npos));
  CHECK(call("GET", "/api/cases").status == 503);
  pg->start();
  // The same service goes on without a restart; the refused command left nothing behind.
  auto cases = call("GET", "/api/cases");
  REQUIRE(cases.status == 200);
  CHECK(nlohmann::json::parse(cases.body).size() == 1);
  auto after = call("POST", "/api/cases", R"({"process":"corrective-action"})");
  INFO(after.body);
  CHECK(after.status == 201);
  service.stop();
  CHECK(a({"audit", "verify"}).out.rfind("ok: ", 0) == 0);
}
