// The SQLite store: what it refuses to open, migration of an older schema, the lock, and
// the append-only audit table.
#include <catch2/catch.hpp>

#include "runtime/sqlite_store.h"
#include "runtime_support.h"

using namespace raciflow::testing;
using raciflow::runtime::SqliteOptions;
using raciflow::runtime::StoreError;
using raciflow::runtime::open_sqlite_store;

TEST_CASE("a read command on a missing database says so and creates nothing") {
  Workspace w;
  auto r = w.cli({"tasks"});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow tasks: " + w.db() +
                     ": no database here (deploy a definition or load an organisation first, or pass --db)\n");
  CHECK_FALSE(std::filesystem::exists(w.db()));
}

TEST_CASE("a file that is not SQLite, a SQLite file of another program and a newer schema are refused") {
  Workspace w;
  SECTION("not SQLite") {
    w.write("raciflow.db", std::string(4096, 'x'));
    auto r = w.cli({"tasks"});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow tasks: " + w.db() + ": not a raciflow database (not a SQLite file)\n");
  }
  SECTION("another program's database") {
    {
      SQLite::Database other(w.db(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      other.exec("CREATE TABLE invoices(id INTEGER)");
    }
    auto r = w.cli({"deploy", sample("deviation-handling.bpmn")});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow deploy: " + w.db() + ": not a raciflow database\n");
  }
  SECTION("a newer schema") {
    w.ok({"org", "load", sample("org.xml")});
    {
      SQLite::Database db(w.db(), SQLite::OPEN_READWRITE);
      db.exec("PRAGMA user_version = 99");
    }
    std::string before = w.dump();
    auto r = w.cli({"deploy", sample("deviation-handling.bpmn")});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow deploy: " + w.db() + ": the database has schema version 99, newer than this raciflow (" +
                       std::to_string(raciflow::runtime::kSchemaVersion) + "); use a newer raciflow\n");
    CHECK(w.dump() == before);
  }
  SECTION("a damaged file") {
    w.ok({"org", "load", sample("org.xml")});
    {
      std::fstream f(w.db(), std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(0);
      f << "not the SQLite header";
    }
    auto r = w.cli({"org", "show"});
    CHECK(r.code == 1);
    CHECK(r.err == "raciflow org: " + w.db() + ": not a raciflow database (not a SQLite file)\n");
  }
}

TEST_CASE("opening a database of an older schema migrates it and keeps its content") {
  Workspace w;
  {
    SqliteOptions v1;
    v1.schema = 1;
    auto store = open_sqlite_store(w.db(), v1);
    auto tx = store->begin();
    raciflow::runtime::Organisation org{"Old Agency", {{"security-function", "Security"}}, {{"anna", "Anna", "", {"security-function"}, {}}}};
    store->put_organisation(org);
    tx->commit();
  }
  {
    SQLite::Database db(w.db(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == 1);
    CHECK_FALSE(db.tableExists("outbox"));
  }
  CHECK(w.cli({"org", "show", "--json"}).json()["name"] == "Old Agency");
  SQLite::Database db(w.db(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == raciflow::runtime::kSchemaVersion);
  CHECK(db.tableExists("outbox"));
}

TEST_CASE("a database locked by another writer is refused with one line and nothing changes") {
  Agency w;
  std::string before = w.dump();
  setenv("RACIFLOW_BUSY_TIMEOUT_MS", "10", 1);
  SQLite::Database other(w.db(), SQLite::OPEN_READWRITE);
  other.exec("BEGIN IMMEDIATE");
  auto r = w.cli({"message", "External input", "--as", "anna"});
  other.exec("ROLLBACK");
  unsetenv("RACIFLOW_BUSY_TIMEOUT_MS");
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow message: " + w.db() + ": the database is locked by another process; try again\n");
  CHECK(w.dump() == before);
}

TEST_CASE("the audit table refuses updates and deletes") {
  Agency w;
  SQLite::Database db(w.db(), SQLite::OPEN_READWRITE);
  CHECK_THROWS_WITH(db.exec("UPDATE audit SET actor = 'mallory'"), Catch::Contains("append-only"));
  CHECK_THROWS_WITH(db.exec("DELETE FROM audit"), Catch::Contains("append-only"));
}

TEST_CASE("the synchronous mode is configurable and checked") {
  Workspace w;
  CHECK(w.cli({"--synchronous", "NORMAL", "org", "load", sample("org.xml")}).code == 0);
  auto r = w.cli({"--synchronous", "SOMETIMES", "org", "show"});
  CHECK(r.code == 1);
  CHECK(r.err == "raciflow org: unknown synchronous mode 'SOMETIMES' (OFF, NORMAL, FULL, EXTRA)\n");
}
