// Running the command line in tests, and a scratch directory with its own database.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "adapters/cli/cli.h"
#include "pg_support.h"
#include "runtime/pg_store.h"
#include "runtime/sqlite_store.h"

namespace raciflow::testing {

struct CliRun {
  int code;
  std::string out, err;
  nlohmann::json json() const { return nlohmann::json::parse(out); }
};

inline CliRun run_cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int code = raciflow::cli::run(args, out, err);
  return {code, out.str(), err.str()};
}

inline std::string sample(const std::string& name) { return std::string(RACIFLOW_SOURCE_DIR) + "/samples/" + name; }
// A file's whole text (empty when it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
inline std::string test_data(const std::string& name) { return std::string(RACIFLOW_SOURCE_DIR) + "/tests/data/" + name; }

// Whether this test process runs its workspaces on PostgreSQL (RACIFLOW_TEST_STORE=postgresql):
// ctest runs the scenario tests a second time so.
inline bool on_postgres() {
  const char* store = std::getenv("RACIFLOW_TEST_STORE");
  return store && std::string(store) == "postgresql";
}

// A fresh directory and database per test. Every cli() call opens and closes the
// database, so each command sees only what the previous ones stored. On PostgreSQL the
// database is a tenant of its own in the process's throwaway cluster, and every command
// gets --db URI --tenant ID.
class Workspace {
 public:
  Workspace() {
    std::string pattern = (std::filesystem::temp_directory_path() / "raciflow-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()));
    dir_ = pattern;
    if (on_postgres()) {
      static std::string database;
      static int workspaces = 0;
      std::string why;
      auto* cluster = PgCluster::get(&why);
      INFO(why);
      REQUIRE(cluster);
      if (database.empty()) database = cluster->fresh_database();
      database_ = database;
      tenant_ = "ws-" + std::to_string(++workspaces);
      raciflow::runtime::create_tenant(database_, {tenant_, "Workspace " + tenant_, clock, {}});
    }
  }
  ~Workspace() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  std::string db() const { return (dir_ / "raciflow.db").string(); }
  // What --db names: the file, or on PostgreSQL the database's URI (with tenant()).
  std::string database() const { return database_.empty() ? db() : database_; }
  const std::string& tenant() const { return tenant_; }
  // A store of the workspace's database, as `raciflow serve` opens it (FULL, no create).
  std::unique_ptr<raciflow::runtime::Store> open_store() const {
    if (!database_.empty()) return raciflow::runtime::open_postgres_store(database_, {tenant_, "FULL", false});
    return raciflow::runtime::open_sqlite_store(db(), {"FULL", 2000, false});
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }

  // Runs raciflow with this workspace's database and `clock` as now.
  CliRun cli(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--db", database(), "--clock", clock});
    if (!tenant_.empty()) args.insert(args.end(), {"--tenant", tenant_});
    CliRun r = run_cli(args);
    UNSCOPED_INFO("raciflow " << args[4] << " -> " << r.code << "\n" << r.out << r.err);
    return r;
  }

  // Runs a command that must succeed; returns its output.
  std::string ok(std::vector<std::string> args) const {
    CliRun r = cli(std::move(args));
    REQUIRE(r.code == 0);
    return r.out;
  }

  // Every row of every table, or of every table but the audit trail (on PostgreSQL: the
  // tenant's rows, the chain head on its tenant row counting as the trail).
  std::string dump(bool with_audit = true) const {
    if (!database_.empty()) return dump_postgres(with_audit);
    SQLite::Database db(this->db(), SQLite::OPEN_READONLY);
    std::string out;
    SQLite::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    while (tables.executeStep()) {
      std::string table = tables.getColumn(0).getString();
      if (!with_audit && table == "audit") continue;
      out += "# " + table + "\n";
      SQLite::Statement rows(db, "SELECT * FROM \"" + table + "\"");
      while (rows.executeStep()) {
        for (int i = 0; i < rows.getColumnCount(); ++i) out += rows.getColumn(i).getString() + "|";
        out += "\n";
      }
    }
    return out;
  }

  std::string clock = "2026-03-02T09:00:00Z";

 private:
  std::string dump_postgres(bool with_audit) const {
    PGconn* c = PQconnectdb(database_.c_str());
    REQUIRE(PQstatus(c) == CONNECTION_OK);
    auto query = [&](const std::string& sql, std::vector<const char*> params) {
      PGresult* r = PQexecParams(c, sql.c_str(), static_cast<int>(params.size()), nullptr, params.data(), nullptr, nullptr, 0);
      INFO(PQerrorMessage(c));
      REQUIRE(PQresultStatus(r) == PGRES_TUPLES_OK);
      return r;
    };
    PQclear(query("SELECT set_config('raciflow.tenant', $1, false)", {tenant_.c_str()}));
    PGresult* tables = query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename", {});
    std::string out;
    for (int t = 0; t < PQntuples(tables); ++t) {
      std::string table = PQgetvalue(tables, t, 0);
      if (table == "raciflow_schema" || (!with_audit && (table == "audit" || table == "tenants"))) continue;
      out += "# " + table + "\n";
      std::string where = table == "tenants" ? "id" : table == "supervision" ? "supervised" : "tenant";
      PGresult* rows = query("SELECT * FROM " + table + " x WHERE " + where + " = $1 ORDER BY x::text", {tenant_.c_str()});
      for (int i = 0; i < PQntuples(rows); ++i) {
        for (int j = 0; j < PQnfields(rows); ++j) out += std::string(PQgetvalue(rows, i, j)) + "|";
        out += "\n";
      }
      PQclear(rows);
    }
    PQclear(tables);
    PQfinish(c);
    return out;
  }

  std::filesystem::path dir_;
  std::string database_, tenant_;
};

}  // namespace raciflow::testing
