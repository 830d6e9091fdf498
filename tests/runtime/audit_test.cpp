// The hash-chained audit trail: what it records, and that verify finds a changed byte.
#include <catch2/catch.hpp>

#include "runtime_support.h"

using namespace raciflow::testing;
using nlohmann::json;

namespace {

// Runs a deviation case partway: a consultation answered, the assessment completed.
std::string run_partway(const Workspace& w) {
  std::string id = first_line(w.ok({"message", "External input", "--as", "anna"}));
  std::string task = task_id(w, id, "assess-input");
  w.ok({"consult", task, "--as", "mette", "--answer", "Payroll is affected"});
  w.ok({"complete", task, "--as", "jonas", "--var", "severity=high"});
  return id;
}

}  // namespace

TEST_CASE("the audit trail records actor, acting role, RACI letters and data of every step") {
  Agency w;
  std::string id = run_partway(w);
  auto trail = w.cli({"audit", id, "--format", "json"}).json();
  json completed, answered;
  std::int64_t seq = 0;
  for (const auto& r : trail) {
    CHECK(r["seq"].get<std::int64_t>() > seq);  // in order
    seq = r["seq"];
    CHECK(r["case"] == id);
    CHECK(r["process"] == "deviation-handling");
    CHECK(r["version"] == 1);
    if (r["node"] == "assess-input")  // every event of the step names its Accountable role
      CHECK(r["data"]["accountable"] == json{"security-function"});
    if (r["action"] == "task_completed") completed = r;
    if (r["action"] == "consultation_answered") answered = r;
  }
  REQUIRE(completed.is_object());
  CHECK(completed["actor"] == "jonas");
  CHECK(completed["role"] == "security-function");
  CHECK(completed["raci"] == "R/A");
  CHECK(completed["node"] == "assess-input");
  CHECK(completed["data"]["variables"]["severity"] == "high");
  REQUIRE(answered.is_object());
  CHECK(answered["actor"] == "mette");
  CHECK(answered["role"] == "business-functions");
  CHECK(answered["raci"] == "C");
  CHECK(answered["data"]["answer"] == "Payroll is affected");

  auto csv = w.ok({"audit", id, "--format", "csv"});
  CHECK(first_line(csv) == "seq,time,case,process,version,node,action,actor,role,raci,data,hash,events");
  CHECK(w.ok({"audit", "verify"}).find("ok: ") == 0);
}

TEST_CASE("changing one byte of one stored event makes verify name that event") {
  Agency w;
  std::string id = run_partway(w);
  std::int64_t seq = 0;
  for (const auto& r : w.cli({"audit", id, "--format", "json"}).json())
    if (r["action"] == "consultation_answered") seq = r["seq"];
  REQUIRE(seq > 0);
  {
    // Flip one byte of the answer in the database file itself.
    std::fstream f(w.db(), std::ios::in | std::ios::out | std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    // The event's data as stored; the task's consultations hold the answer too, differently.
    const std::string stored = R"("answer":"Payroll is affected","role":"business-functions")";
    auto at = bytes.find(stored);
    REQUIRE(at != std::string::npos);
    REQUIRE(bytes.find(stored, at + 1) == std::string::npos);
    at += stored.find("Payroll");
    f.seekp(static_cast<std::streamoff>(at));
    f.put('Q');
  }
  auto r = w.cli({"audit", "verify"});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow audit verify: audit record " + std::to_string(seq) + " (consultation_answered, case " + id +
                     "): its content does not match its hash; it was changed after it was written\n");
}

TEST_CASE("verify finds a removed trigger's edit, a gap in the chain and stored state the events do not explain") {
  Agency w;
  std::string id = run_partway(w);
  SQLite::Database db(w.db(), SQLite::OPEN_READWRITE);
  SECTION("an edited actor") {
    db.exec("DROP TRIGGER audit_no_update");
    db.exec("UPDATE audit SET actor = 'mallory' WHERE action = 'task_completed'");
    auto r = w.cli({"audit", "verify"});
    CHECK(r.code == 1);
    CHECK(r.err.find("(task_completed, case " + id + "): its content does not match its hash") != std::string::npos);
  }
  SECTION("a deleted record") {
    db.exec("DROP TRIGGER audit_no_delete");
    db.exec("DELETE FROM audit WHERE seq = 5");
    auto r = w.cli({"audit", "verify"});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow audit verify: audit record 5 is missing (the next one is 6)\n");
  }
  SECTION("a case moved to another correlation key") {
    db.exec("UPDATE cases SET correlation_key = 'OTHER'");
    auto r = w.cli({"audit", "verify"});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow audit verify: case " + id + ": its stored key or calling case differs from its case_started event\n");
  }
  SECTION("a task reassigned in the derived tables") {
    db.exec("UPDATE tasks SET assignee = 'mallory', status = 'claimed' WHERE node = 'committee-decides'");
    auto r = w.cli({"audit", "verify"});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow audit verify: case " + id + ": stored task at 'committee-decides' differs from its events\n");
  }
  SECTION("a task taken out of its role's inbox index") {
    db.exec("DELETE FROM task_inbox WHERE key = 'r:security-committee'");
    auto r = w.cli({"audit", "verify"});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow audit verify: case " + id +
                       ": the inbox index lacks its task at 'committee-decides' under r:security-committee\n");
  }
  SECTION("a closed task left in an inbox index") {
    db.exec("INSERT INTO task_inbox SELECT 'r:business-functions', id FROM tasks WHERE node = 'assess-input'");
    auto r = w.cli({"audit", "verify"});
    CHECK(r.code == 1);
    CHECK(r.err.find("the inbox index holds ") != std::string::npos);
  }
}
