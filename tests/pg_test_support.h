// What the PostgreSQL tests share: the cluster or a skip, and the CLI run as a tenant or
// as the installation's operator.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include "cli_support.h"
#include "pg_support.h"

namespace raciflow::testing {

// The cluster, or null after a warning that PostgreSQL is not installed (CI has it).
inline PgCluster* cluster_or_skip() {
  std::string why;
  auto* cluster = PgCluster::get(&why);
  if (!cluster) {
    if (std::getenv("CI")) FAIL("PostgreSQL is needed in CI: " << why);
    WARN("skipped: " << why);
  }
  return cluster;
}

// A workspace whose commands go to `uri` as `tenant`.
inline CliRun as_tenant(const Workspace& w, const std::string& uri, const std::string& tenant, std::vector<std::string> args) {
  std::vector<std::string> full = {"--db", uri, "--tenant", tenant, "--clock", w.clock};
  full.insert(full.end(), args.begin(), args.end());
  CliRun r = run_cli(full);
  UNSCOPED_INFO("raciflow " << args[0] << " (" << tenant << ") -> " << r.code << "\n" << r.out << r.err);
  return r;
}

// The database's name in a test cluster's URI (postgresql:///NAME?host=...).
inline std::string database_name(const std::string& uri) {
  const std::string scheme = "postgresql:///";
  return uri.substr(scheme.size(), uri.find('?') - scheme.size());
}

inline CliRun operator_cli(const std::string& uri, std::vector<std::string> args) {
  std::vector<std::string> full = {"--db", uri, "--clock", "2026-03-02T09:00:00Z"};
  full.insert(full.end(), args.begin(), args.end());
  return run_cli(full);
}


// A tenant of a fresh database in the cluster, with the sample organisation and `flows`
// (files of samples/) deployed; calling it runs the CLI as that tenant.
struct SampleTenant {
  SampleTenant(PgCluster& pg, const std::string& id, const std::vector<std::string>& flows) : uri(pg.fresh_database()), tenant(id) {
    REQUIRE(operator_cli(uri, {"tenant", "create", id}).code == 0);
    std::vector<std::string> deploy = {"deploy"};
    for (const auto& f : flows) deploy.push_back(sample(f));
    deploy.insert(deploy.end(), {"--as", "anna"});
    REQUIRE((*this)(deploy).code == 0);
    REQUIRE((*this)({"org", "load", sample("org.xml"), "--as", "anna"}).code == 0);
  }
  CliRun operator()(std::vector<std::string> args) const { return as_tenant(w, uri, tenant, std::move(args)); }

  std::string uri, tenant;
  Workspace w;
};

}  // namespace raciflow::testing
