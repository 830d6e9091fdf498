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
inline std::string test_data(const std::string& name) { return std::string(RACIFLOW_SOURCE_DIR) + "/tests/data/" + name; }

// A fresh directory and database per test. Every cli() call opens and closes the
// database, so each command sees only what the previous ones stored.
class Workspace {
 public:
  Workspace() {
    std::string pattern = (std::filesystem::temp_directory_path() / "raciflow-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()));
    dir_ = pattern;
  }
  ~Workspace() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  std::string db() const { return (dir_ / "raciflow.db").string(); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }

  // Runs raciflow with this workspace's database and `clock` as now.
  CliRun cli(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--db", db(), "--clock", clock});
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

  // Every row of every table, or of every table but the audit trail.
  std::string dump(bool with_audit = true) const {
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
  std::filesystem::path dir_;
};

}  // namespace raciflow::testing
