// The lean audit trail: one record per thing an auditor asks about, with the events that
// follow from it inside; records written before it stay as they are and still verify.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "cli_support.h"
#include "runtime/audit.h"
#include "runtime/runtime.h"
#include "runtime/sqlite_store.h"

using namespace raciflow::testing;
using raciflow::engine::Event;
using raciflow::engine::EventKind;
using raciflow::runtime::AuditRecord;
using nlohmann::json;

namespace {

Event event(EventKind kind, const std::string& node, json data, const std::string& actor = "anna",
            const std::string& role = "", const std::string& raci = "") {
  Event e;
  e.kind = kind;
  e.time = *raciflow::definitions::parse_date_time("2026-03-02T09:00:00Z");
  e.node = node;
  e.actor = actor;
  e.role = role;
  e.raci = raci;
  e.data = std::move(data);
  return e;
}

bool same(const Event& a, const Event& b) {
  return a.kind == b.kind && a.time == b.time && a.node == b.node && a.actor == b.actor && a.role == b.role &&
         a.raci == b.raci && a.data == b.data;
}

std::vector<Event> round_trip(const std::vector<AuditRecord>& records) {
  std::vector<Event> out;
  for (const auto& r : records)
    for (auto& e : raciflow::runtime::events_of(r)) out.push_back(std::move(e));
  return out;
}

}  // namespace

TEST_CASE("a completion is one record: the person's step heads it, its variables, path and next task ride inside") {
  json vars = {{"decision", "fix"}};
  std::vector<Event> events = {
      event(EventKind::variables_set, "decide", {{"accountable", {"security-committee"}}, {"variables", vars}}, "carl",
            "security-committee", "R/A"),
      event(EventKind::task_completed, "decide", {{"accountable", {"security-committee"}}, {"task", 4}, {"variables", vars}},
            "carl", "security-committee", "R/A"),
      event(EventKind::token_consumed, "decide", {{"token", 3}}, "carl"),
      event(EventKind::node_entered, "merge", {{"flow", "f3"}}, "carl"),
      event(EventKind::node_entered, "carry-out", {{"flow", "f5"}}, "carl"),
      event(EventKind::token_waiting, "carry-out", {{"token", 5}}, "carl"),
      event(EventKind::task_created, "carry-out", {{"task", 6}, {"token", 5}}, "carl"),
      event(EventKind::notification_queued, "carry-out", {{"role", "top-management"}, {"kind", "informed"}, {"task", 6}}, "carl"),
      event(EventKind::case_completed, "", json::object(), "system"),
  };
  auto records = raciflow::runtime::records_of(events, "7", "deviation", 1);
  REQUIRE(records.size() == 2);
  CHECK(records[0].action == "task_completed");
  CHECK(records[0].actor == "carl");
  CHECK(records[0].role == "security-committee");
  CHECK(json::parse(records[0].data)["variables"] == vars);
  CHECK(records[1].action == "notification_queued");  // a notification stays its own record
  CHECK_FALSE(records[1].events.empty());               // with what followed it (the case completing, by the system)
  auto back = round_trip(records);
  REQUIRE(back.size() == events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    INFO("event " << i);
    CHECK(same(back[i], events[i]));
  }
  CHECK(raciflow::runtime::holds(records[1], EventKind::case_completed));
  CHECK_FALSE(raciflow::runtime::holds(records[0], EventKind::case_completed));
}

TEST_CASE("a path's flows and a task opened for a waiting token are written short, and both forms read back") {
  std::vector<Event> events = {
      event(EventKind::task_completed, "assess", {{"task", 2}}, "sara", "security-function", "R/A"),
      event(EventKind::token_consumed, "assess", {{"token", 1}}, "sara"),
      event(EventKind::node_entered, "carry-out", {{"flow", "f5"}}, "sara"),
      event(EventKind::token_waiting, "carry-out", {{"token", 3}}, "sara"),
      event(EventKind::task_created, "carry-out", {{"due", "2026-02-08T20:15:00Z"}, {"task", 4}, {"token", 3}}, "sara"),
      // Not a pair: the task is for another token, so each keeps its own item.
      event(EventKind::token_waiting, "report", {{"token", 5}}, "sara"),
      event(EventKind::task_created, "report", {{"task", 6}, {"token", 7}}, "sara"),
  };
  auto records = raciflow::runtime::records_of(events, "7", "deviation", 1);
  REQUIRE(records.size() == 1);
  CHECK(records[0].events ==
        R"([0,["c","assess",{"token":1}],["n","carry-out","f5"],["tw","carry-out",{"due":"2026-02-08T20:15:00Z","task":4,"token":3}],)"
        R"(["w","report",{"token":5}],["t","report",{"task":6,"token":7}]])");
  auto back = round_trip(records);
  REQUIRE(back.size() == events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    INFO("event " << i);
    CHECK(same(back[i], events[i]));
  }
  CHECK(raciflow::runtime::holds(records[0], EventKind::token_waiting));
  CHECK(raciflow::runtime::holds(records[0], EventKind::task_created));

  // Records written before the short form keep reading as they were written.
  AuditRecord long_form = records[0];
  long_form.events = R"([0,["c","assess",{"token":1}],["n","carry-out",{"flow":"f5"}],["w","carry-out",{"token":3}],)"
                     R"(["t","carry-out",{"due":"2026-02-08T20:15:00Z","task":4,"token":3}],["w","report",{"token":5}],)"
                     R"(["t","report",{"task":6,"token":7}]])";
  auto again = raciflow::runtime::events_of(long_form);
  REQUIRE(again.size() == events.size());
  for (std::size_t i = 0; i < events.size(); ++i) CHECK(same(again[i], events[i]));

  AuditRecord no_token = records[0];
  no_token.seq = 12;
  no_token.events = R"([0,["tw","carry-out",{"task":4}]])";
  CHECK_THROWS_WITH(raciflow::runtime::events_of(no_token), "audit record 12: event 2 of it opens a task for no token");
}

TEST_CASE("events with no head of their own make a token_moved record, and a lone event a record of its own") {
  std::vector<Event> events = {event(EventKind::node_entered, "gw", {{"flow", "f1"}}),
                               event(EventKind::token_waiting, "step", {{"token", 2}, {"scope", 3}})};
  auto moved = raciflow::runtime::records_of(events, "1", "p", 1);
  REQUIRE(moved.size() == 1);
  CHECK(moved[0].action == "token_moved");
  CHECK(moved[0].node == "gw");
  auto back = round_trip(moved);
  REQUIRE(back.size() == 2);
  CHECK(same(back[0], events[0]));
  CHECK(same(back[1], events[1]));

  auto lone = raciflow::runtime::records_of({event(EventKind::task_claimed, "step", {{"task", 2}}, "bo", "business-functions", "R")},
                                            "1", "p", 1);
  REQUIRE(lone.size() == 1);
  CHECK(lone[0].events.empty());  // as records were before the lean form
  CHECK(lone[0].action == "task_claimed");
}

TEST_CASE("a lean record whose events are damaged is named, never half read") {
  AuditRecord r;
  r.seq = 12;
  r.time = "2026-03-02T09:00:00Z";
  r.action = "task_completed";
  r.data = R"({"task":2})";
  for (std::string events : {"[1,", R"([0,["n"]])", R"([0,["n","x",[]]])", R"([0,["nope","x"]])", R"([["n","x"]])",
                             R"([0,["n","x",{},{"actor":3}]])", R"([0,["n","x",{},{"time":"yesterday"}]])"}) {
    INFO(events);
    r.events = events;
    try {
      raciflow::runtime::events_of(r);
      FAIL("read");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()).rfind("audit record 12: ", 0) == 0);
    }
  }
}

TEST_CASE("a database written before the lean trail verifies, and its cases go on in the lean form") {
  Workspace w;
  std::filesystem::copy_file(test_data("before-lean/trail-v6.db"), w.db());
  std::vector<std::string> old_hashes;
  {
    SQLite::Database db(w.db(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == 6);
    SQLite::Statement q(db, "SELECT hash FROM audit ORDER BY seq");
    while (q.executeStep()) old_hashes.push_back(q.getColumn(0).getString());
  }
  REQUIRE(old_hashes.size() == 174);
  CHECK(w.ok({"audit", "verify"}) == "ok: 174 records in an unbroken chain; 3 cases replay to their stored state\n");

  // The deviation case waits for the committee: the decision and what follows are lean.
  w.clock = "2026-04-04T09:00:00Z";
  auto tasks = w.cli({"tasks", "--case", "1", "--json"}).json();
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0]["node"] == "committee-decides");
  CHECK(tasks[0]["name"] != "");  // the old task_created named it; replay keeps it
  w.ok({"complete", std::to_string(tasks[0]["id"].get<long long>()), "--as", "karen", "--var", "decision=accept"});
  CHECK(w.ok({"audit", "verify"}).rfind("ok: ", 0) == 0);

  SQLite::Database db(w.db(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == raciflow::runtime::kSchemaVersion);
  SQLite::Statement q(db, "SELECT seq, hash, events, action, prev_hash FROM audit ORDER BY seq");
  std::size_t i = 0, lean = 0;
  while (q.executeStep()) {
    if (i < old_hashes.size()) {
      CHECK(q.getColumn(1).getString() == old_hashes[i]);  // untouched
      CHECK(q.getColumn(2).getString().empty());
      CHECK(q.getColumn(4).getString() == (i == 0 ? "" : old_hashes[i - 1]));
    } else {
      CHECK(q.getColumn(4).getString().empty());  // the hash covers the record before; not stored twice
      if (!q.getColumn(2).getString().empty()) ++lean;
    }
    ++i;
  }
  CHECK(i > old_hashes.size());
  CHECK(lean >= 1);
}

TEST_CASE("a schema-5 database, two releases back, migrates, verifies, and its cases go on in the lean form") {
  Workspace w;
  std::filesystem::copy_file(test_data("before-lean/trail-v5.db"), w.db());
  std::vector<std::string> old_hashes;
  {
    SQLite::Database db(w.db(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == 5);
    SQLite::Statement q(db, "SELECT hash FROM audit ORDER BY seq");
    while (q.executeStep()) old_hashes.push_back(q.getColumn(0).getString());
  }
  REQUIRE(old_hashes.size() == 46);
  w.clock = "2026-04-04T09:00:00Z";
  CHECK(w.ok({"audit", "verify"}) == "ok: 46 records in an unbroken chain; 3 cases replay to their stored state\n");

  // Three cases wait: the deviation for the committee (escalated), a corrective action for
  // its root cause, a threat response started by a signal. Each takes a step.
  auto tasks = w.cli({"tasks", "--json"}).json();
  REQUIRE(tasks.size() == 3);
  std::map<std::string, std::string> by_node;
  for (const auto& t : tasks) by_node[t["node"]] = std::to_string(t["id"].get<long long>());
  REQUIRE(by_node.count("committee-decides"));
  REQUIRE(by_node.count("root-cause"));
  REQUIRE(by_node.count("assess"));
  w.ok({"complete", by_node["committee-decides"], "--as", "karen", "--var", "decision=accept"});
  w.ok({"consult", by_node["root-cause"], "--as", "peter", "--answer", "a misconfigured firewall rule"});
  w.ok({"complete", by_node["root-cause"], "--as", "jonas"});
  w.ok({"complete", by_node["assess"], "--as", "anna"});
  CHECK(w.ok({"audit", "verify"}).rfind("ok: ", 0) == 0);

  SQLite::Database db(w.db(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == raciflow::runtime::kSchemaVersion);
  SQLite::Statement q(db, "SELECT hash, events FROM audit ORDER BY seq");
  std::size_t i = 0, lean = 0;
  while (q.executeStep()) {
    if (i < old_hashes.size())
      CHECK(q.getColumn(0).getString() == old_hashes[i]);  // untouched
    else if (!q.getColumn(1).getString().empty())
      ++lean;
    ++i;
  }
  CHECK(lean >= 3);
}

TEST_CASE("audit verify reads the trail once and tells its progress up to the last record") {
  Workspace w;
  std::filesystem::copy_file(test_data("before-lean/trail-v6.db"), w.db());
  auto store = raciflow::runtime::open_sqlite_store(w.db(), {});
  raciflow::runtime::Runtime rt(*store, *raciflow::definitions::parse_date_time(w.clock));
  std::vector<std::pair<std::int64_t, std::int64_t>> told;
  auto report = rt.verify([&](std::int64_t done, std::int64_t total) { told.emplace_back(done, total); });
  CHECK(report.ok());
  CHECK(report.records == 174);
  CHECK(report.cases == 3);
  REQUIRE_FALSE(told.empty());
  CHECK(told.back() == std::make_pair<std::int64_t, std::int64_t>(174, 174));
  for (std::size_t i = 1; i < told.size(); ++i) CHECK(told[i].first > told[i - 1].first);
}
