#include "bench/workload.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include <SQLiteCpp/SQLiteCpp.h>

#include "runtime/sqlite_store.h"

namespace raciflow::bench {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {
double micros_since(Clock::time_point t0) { return std::chrono::duration<double, std::micro>(Clock::now() - t0).count(); }

}  // namespace

// A fixed day, one minute further for each command: no deadline passes during a run,
// and every run writes the same rows.
definitions::TimePoint bench_time(long minute) {
  using namespace std::chrono;
  return sys_days{year{2026} / 1 / 5} + hours{8} + minutes{minute};
}

std::string person_for(const std::string& role) {
  if (role == "security-function") return "sara";
  if (role == "security-committee") return "carl";
  if (role == "business-functions") return "bo";
  if (role == "top-management") return "tove";
  throw std::runtime_error("the benchmark organisation has nobody in role '" + role + "'");
}

json output_for(const std::string& node, long i) {
  if (node == "assess") return {{"needsCommittee", i % 2 == 0}, {"severity", "high"}};
  if (node == "decide") return {{"decision", "fix"}, {"owner", "it-operations"}};
  if (node == "report") return {{"followed", true}, {"success", true}};
  return {{"done", true}};
}

json start_variables() { return {{"source", "external"}, {"severity", "high"}}; }

void prepare(runtime::Runtime& runtime, const std::string& bench_dir) {
  runtime.load_organisation(bench_dir + "/org.xml", "sara");
  runtime.deploy({bench_dir + "/deviation-bench.bpmn"}, "sara");
}

int run_case(runtime::Runtime& runtime, runtime::Store& store, long i, int max_commands,
             const std::function<void(double)>& on_command) {
  auto t0 = Clock::now();
  std::string id = runtime.start(kProcess, "sara", start_variables());
  on_command(micros_since(t0));
  int commands = 1;
  while (max_commands < 0 || commands < max_commands) {
    auto open = store.tasks({id, false});
    if (open.empty()) break;
    const auto& t = open.front();
    t0 = Clock::now();
    runtime.complete(t.id, person_for(t.task.responsible.front()), output_for(t.task.node_id, i));
    on_command(micros_since(t0));
    ++commands;
  }
  return commands;
}

EngineRun run_engine(const std::string& path, const std::string& synchronous, long cases, const std::string& bench_dir) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  runtime::SqliteOptions options;
  options.synchronous = synchronous;
  auto store = runtime::open_sqlite_store(path, options);
  long minute = 0;
  runtime::Runtime rt(*store, bench_time(minute));
  prepare(rt, bench_dir);
  run_case(rt, *store, -1, -1, [&](double) { rt.set_now(bench_time(++minute)); });  // warm-up

  EngineRun run;
  run.cases = cases;
  long written = bytes_written();
  std::int64_t changes = runtime::sqlite_total_changes(*store);
  auto t0 = Clock::now();
  for (long i = 0; i < cases; ++i) {
    run.commands += run_case(rt, *store, i, -1, [&](double us) {
      run.latencies_us.push_back(us);
      std::int64_t now = runtime::sqlite_total_changes(*store);
      run.rows_per_tx.push_back(static_cast<int>(now - changes));
      changes = now;
      rt.set_now(bench_time(++minute));
    });
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  run.bytes_written = bytes_written() - written;
  store.reset();

  SQLite::Database db(path, SQLite::OPEN_READONLY);
  auto scalar = [&](const std::string& sql) { return db.execAndGet(sql).getInt64(); };
  std::int64_t used = (scalar("PRAGMA page_count") - scalar("PRAGMA freelist_count")) * scalar("PRAGMA page_size");
  std::int64_t rows = 0;
  SQLite::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  while (tables.executeStep()) rows += scalar("SELECT count(*) FROM \"" + tables.getColumn(0).getString() + "\"");
  run.bytes_per_row = rows ? static_cast<double>(used) / static_cast<double>(rows) : 0;
  run.audit_records = scalar("SELECT count(*) FROM audit");
  return run;
}

long bytes_written() {
  std::ifstream in("/proc/self/io");
  std::string name;
  long value = 0;
  while (in >> name >> value)
    if (name == "wchar:") return value;
  return 0;
}

double run_storage(const std::string& path, const std::string& synchronous, const std::vector<int>& rows_per_tx,
                   double bytes_per_row, long* written) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = " + synchronous);
  // A keyed table with a secondary index, as the engine's tables have.
  db.exec("CREATE TABLE rows(id INTEGER PRIMARY KEY, tx INTEGER NOT NULL, payload BLOB NOT NULL)");
  db.exec("CREATE INDEX rows_by_tx ON rows(tx)");
  std::string payload(static_cast<std::size_t>(bytes_per_row), '\0');
  std::mt19937 random(42);
  for (auto& c : payload) c = static_cast<char>(random() & 0xff);
  SQLite::Statement begin(db, "BEGIN IMMEDIATE"), commit(db, "COMMIT");
  SQLite::Statement insert(db, "INSERT INTO rows(tx, payload) VALUES (?, ?)");
  long written_before = bytes_written();
  auto t0 = Clock::now();
  for (std::size_t tx = 0; tx < rows_per_tx.size(); ++tx) {
    begin.exec();
    begin.reset();
    for (int r = 0; r < rows_per_tx[tx]; ++r) {
      insert.bind(1, static_cast<std::int64_t>(tx));
      insert.bind(2, payload.data(), static_cast<int>(payload.size()));
      insert.exec();
      insert.reset();
    }
    commit.exec();
    commit.reset();
  }
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (written) *written = bytes_written() - written_before;
  return seconds;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

double median(std::vector<double> values) { return percentile(std::move(values), 0.5); }

}  // namespace raciflow::bench
