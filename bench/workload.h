// The deviation-handling workload of bench/peer/WORKLOAD.md, run on raciflow's
// durable runtime, and the plain-SQLite writer that stands for the storage limit.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/runtime.h"
#include "runtime/store.h"

namespace raciflow::bench {

inline constexpr const char* kProcess = "deviation-bench";

// The person who does the steps of a role in bench/org.xml.
std::string person_for(const std::string& role);
// The variables that completing `node` sets in case number `i` (WORKLOAD.md's table).
nlohmann::json output_for(const std::string& node, long i);
// The variables a case starts with.
nlohmann::json start_variables();

// The benchmark's clock: 5 January 2026 08:00 plus `minute` minutes.
definitions::TimePoint bench_time(long minute);

// Deploys bench/deviation-bench.bpmn and loads bench/org.xml.
void prepare(runtime::Runtime& runtime, const std::string& bench_dir);

// Runs one case from its start through at most `max_commands` commands (all of them when
// negative). Each command is one runtime call, so one transaction; `on_command` is called
// after each with its latency in microseconds. Returns the number of commands run.
int run_case(runtime::Runtime& runtime, runtime::Store& store, long i, int max_commands,
             const std::function<void(double micros)>& on_command);

struct EngineRun {
  long cases = 0;
  long commands = 0;
  double seconds = 0;
  std::vector<double> latencies_us;  // one per command
  std::vector<int> rows_per_tx;      // rows changed by each command's transaction
  double bytes_per_row = 0;          // the database's used bytes over its rows, after the run
  long audit_records = 0;
  long bytes_written = 0;            // what the run wrote through write(2)/pwrite(2): WAL frames and checkpoints
};

// Bytes this process has written through write(2) and pwrite(2) so far (/proc/self/io).
long bytes_written();

// `cases` cases one after the other (plus one warm-up case not counted) in a new
// database at `path` with the given synchronous mode.
EngineRun run_engine(const std::string& path, const std::string& synchronous, long cases, const std::string& bench_dir);

// The storage limit: a new database at `path`, the same pragmas, one transaction per
// entry of rows_per_tx with that many rows of `bytes_per_row` bytes, by plain prepared
// statements. Returns the seconds it took.
double run_storage(const std::string& path, const std::string& synchronous, const std::vector<int>& rows_per_tx,
                   double bytes_per_row, long* written = nullptr);

double percentile(std::vector<double> values, double p);
double median(std::vector<double> values);

}  // namespace raciflow::bench
