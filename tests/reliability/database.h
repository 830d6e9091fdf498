// The database a reliability driver works on: a fresh SQLite file, or (--postgres) a fresh
// tenant in a database of a throwaway PostgreSQL cluster, started on first use and
// stopped when the driver exits.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../pg_support.h"
#include "runtime/pg_store.h"
#include "runtime/sqlite_store.h"

namespace raciflow::reliability {

struct Database {
  std::string db;      // the file, or the PostgreSQL URI
  std::string tenant;  // PostgreSQL only

  // `file` with its WAL removed, or a new database with `tenant` in the cluster.
  static Database make(bool postgres, const std::string& file, const std::string& tenant) {
    if (!postgres) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file + suffix);
      return {file, ""};
    }
    std::string why;
    auto* cluster = testing::PgCluster::get(&why);
    if (!cluster) throw std::runtime_error("--postgres needs PostgreSQL's server programs: " + why);
    Database d{cluster->fresh_database(), tenant};
    runtime::create_tenant(d.db, {tenant, tenant, "2026-01-01T00:00:00Z", {}});
    return d;
  }

  // --tenant ID on PostgreSQL, nothing on a file.
  std::vector<std::string> tenant_option() const {
    if (tenant.empty()) return {};
    return {"--tenant", tenant};
  }
  // What the CLI needs to name it.
  std::vector<std::string> globals() const {
    std::vector<std::string> g = {"--db", db};
    auto t = tenant_option();
    g.insert(g.end(), t.begin(), t.end());
    return g;
  }
  // A store on it; a SQLite file is created when `create`.
  std::unique_ptr<runtime::Store> open(const std::string& synchronous = "FULL", bool create = false) const {
    if (!tenant.empty()) return runtime::open_postgres_store(db, {tenant, synchronous, false});
    runtime::SqliteOptions options;
    options.synchronous = synchronous;
    options.create = create;
    return runtime::open_sqlite_store(db, options);
  }
};

}  // namespace raciflow::reliability
