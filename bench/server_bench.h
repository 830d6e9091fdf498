// Benchmarks against a running `raciflow serve`: group commit under concurrent clients,
// and the server's peak memory with many active cases.
#pragma once

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

}  // namespace raciflow::bench
