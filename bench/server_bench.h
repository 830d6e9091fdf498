// Benchmarks against a running `raciflow serve`: group commit under concurrent clients,
// and the server's peak memory with many active cases.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace raciflow::bench {

struct ServerBenchOptions {
  std::string raciflow;    // the raciflow executable
  std::string bench_dir;   // bench/ (org.xml, deviation-bench.bpmn)
  std::string work_dir;    // where the database goes
  long active_cases = 10000;
  std::vector<int> clients = {1, 8, 64};
  int completions_per_client_set = 1500;  // completions sent at each client count
};

// Prepares a database with `active_cases` open cases, serves it at synchronous=FULL,
// completes tasks over HTTP from 1, 8 and 64 concurrent loopback clients and reads the
// server's peak RSS. Returns {"group_commit": [...], "fsync_limit_tx_per_s", "serve_rss_mb", ...}.
nlohmann::json run_server_bench(const ServerBenchOptions& options, const std::function<void(const std::string&)>& progress);

// The same completions over HTTP on PostgreSQL: a throwaway cluster with fsync on,
// `nodes` raciflow serve processes on one tenant (each count in turn), then as many
// nodes as the largest count each serving a tenant of its own, `clients` clients spread
// over the nodes; and, as the baseline in the same run, one node on a SQLite file, all at
// synchronous FULL. Returns {"sqlite": run, "nodes": [run + "nodes", "tenants",
// "ratio_to_sqlite"]}.
struct PostgresBenchOptions {
  std::string raciflow, bench_dir, work_dir;
  std::vector<int> nodes = {1, 2, 4};
  int clients = 64;
  int completions = 2000;  // per configuration
};
nlohmann::json run_postgres_bench(const PostgresBenchOptions& options, const std::function<void(const std::string&)>& progress);

}  // namespace raciflow::bench
