// The PostgreSQL store: many organisations (tenants) in one database, and any number of
// raciflow processes on it. Selected by a database argument that is a libpq connection
// URI (postgresql://... or postgres://...); anything else is a SQLite file.
//
// Every row belongs to one tenant. A store is opened for one tenant and every statement
// it runs names that tenant; row-level security policies on every table (against the
// session setting raciflow.tenant) are a second wall. Each tenant has its own audit
// chain, whose head is its row in `tenants`: a write transaction locks that row first, so
// the writers of one organisation take turns, as SQLite's do, and organisations never
// wait for each other.
//
// Errors of the server or the connection are StoreErrors of one line that name the
// database (without its password); the transaction they hit changes nothing. A store
// whose connection broke reconnects at its next transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/store.h"

namespace raciflow::runtime {

// The PostgreSQL store's own schema version (its steps are not SQLite's).
inline constexpr int kPgSchemaVersion = 8;

struct PgOptions {
  std::string tenant;                // the organisation whose rows the store reads and writes
  std::string synchronous = "FULL";  // FULL, EXTRA: synchronous_commit on; NORMAL, OFF: off
  bool create = true;                // create the schema in an empty database
};

struct Tenant {
  std::string id;
  std::string name;
  std::string created_at;
  std::vector<std::string> supervises;  // the tenants it may read (list_tenants)
  std::string sso{};  // its identity provider's settings as JSON (tenant sso), or ""
};

// Whether a database argument names a PostgreSQL database.
bool is_postgres_uri(const std::string& db);
// The URI as messages show it: the password, if any, left out.
std::string shown_uri(const std::string& uri);
// Whether `id` may name a tenant: 1 to 63 of a-z, 0-9 and '-', starting with a letter or digit.
bool valid_tenant_id(const std::string& id);

std::unique_ptr<Store> open_postgres_store(const std::string& uri, const PgOptions& options);

// The installation's operator: the tenants of a database (its schema created when
// missing). create_tenant refuses an id that is taken.
void create_tenant(const std::string& uri, const Tenant& tenant);
std::vector<Tenant> list_tenants(const std::string& uri);
// Sets a tenant's identity provider settings (JSON text; "" turns single sign-on off).
void set_tenant_sso(const std::string& uri, const std::string& tenant, const std::string& sso);

// Supervision: `supervisor` may read `supervised`'s cases, evidence and reports, never
// write them (a department over its agencies). Granting refuses unknown tenants, a tenant
// supervising itself and a grant that exists; revoking one that does not exist.
void grant_supervision(const std::string& uri, const std::string& supervisor, const std::string& supervised, const std::string& now);
void revoke_supervision(const std::string& uri, const std::string& supervisor, const std::string& supervised);

// Copies every table of another store (a SQLite file: sqlite_table_source) into a tenant,
// in one transaction: ids, case order and the audit chain as they are, so that `audit
// verify` says the same on both sides. The tenant is created when missing; one that
// already holds data is refused (a copy runs once). `progress` is told rows copied of all.
struct CopyReport {
  std::int64_t rows = 0, records = 0, cases = 0, tasks = 0;
};
CopyReport copy_into_tenant(const std::string& uri, const Tenant& tenant, TableSource& source,
                            const std::function<void(std::int64_t done, std::int64_t total)>& progress = {});

}  // namespace raciflow::runtime
