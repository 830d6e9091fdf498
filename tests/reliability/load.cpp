// The load driver: `raciflow serve --synchronous FULL` on loopback under wrk, with a mix
// of inbox reads and task completions, then a check against the audit trail.
//
//   raciflow-load --raciflow build/raciflow [--seconds 60] [--tasks 3000] [--connections 64]
//
// It prepares a database with TASKS open assessments (bench/org.xml and
// bench/deviation-bench.bpmn), serves it, and runs wrk with tests/reliability/load.lua:
// each request is an inbox read of the committee or a completion of the next assessment,
// every assessment completed once. It stops the server with SIGTERM and checks that
//   - no answer was a 5xx, and wrk saw no socket errors;
//   - every completion that was acknowledged (200) is completed in the database and in
//     the audit trail; beyond those, the trail holds at most one completion per connection
//     (the request in flight when wrk stopped, whose answer wrk did not read);
//   - `raciflow audit verify` passes.
// Prints throughput, latency percentiles and error counts; exit 0 when all checks hold.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <boost/program_options.hpp>

#include "adapters/cli/cli.h"
#include "definitions/iso8601.h"
#include "runtime/accounts.h"
#include "runtime/runtime.h"
#include "runtime/sqlite_store.h"
#include "serve_child.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Runs a command and returns its standard output; throws when it fails to start.
std::string capture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  int status = pclose(pipe);
  if (status != 0) throw std::runtime_error(command + " failed (" + std::to_string(status) + "):\n" + out);
  return out;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  po::options_description options("raciflow-load");
  options.add_options()("help", "this help")("raciflow", po::value<std::string>()->required(), "the raciflow executable")(
      "wrk", po::value<std::string>()->default_value("wrk"), "the wrk executable")(
      "seconds", po::value<int>()->default_value(60), "how long wrk runs")(
      "tasks", po::value<long>()->default_value(3000), "open assessments to complete (at most)")(
      "connections", po::value<int>()->default_value(64), "wrk connections")(
      "threads", po::value<int>()->default_value(2), "wrk threads")(
      "server-threads", po::value<int>()->default_value(16), "raciflow serve --threads")(
      "work", po::value<std::string>()->default_value(""), "a directory for the database (default: a fresh one in /tmp)")(
      "source", po::value<std::string>()->default_value(RACIFLOW_SOURCE_DIR), "the source tree");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    if (vm.count("help")) {
      std::cout << options;
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "raciflow-load: " << e.what() << "\n";
    return 2;
  }
  const std::string raciflow = fs::absolute(vm["raciflow"].as<std::string>()), source = vm["source"].as<std::string>();
  std::string work = vm["work"].as<std::string>();
  if (work.empty()) {
    char pattern[] = "/tmp/raciflow-load-XXXXXX";
    work = mkdtemp(pattern);
  }
  fs::create_directories(work);
  const std::string db = work + "/load.db", ids = work + "/task-ids", acked_file = work + "/acknowledged", log = work + "/serve.log";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);

  try {
    // The database, written fast (synchronous=OFF, 1000 cases per commit): TASKS cases
    // waiting at the assessment, and 20 at the committee's decision for the inbox reads.
    std::string completer, reader;
    std::size_t open_tasks = 0;
    {
      raciflow::runtime::SqliteOptions fast;
      fast.synchronous = "OFF";
      auto store = raciflow::runtime::open_sqlite_store(db, fast);
      auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
      raciflow::runtime::Runtime rt(*store, now);
      rt.load_organisation(source + "/bench/org.xml", "sara");
      rt.deploy({source + "/bench/deviation-bench.bpmn"}, "sara");
      const json start = {{"source", "external"}, {"severity", "high"}};
      for (int i = 0; i < 20; ++i) {
        auto id = rt.start("deviation-bench", "sara", start);
        rt.complete(store->tasks({id, false}).front().id, "sara", {{"needsCommittee", true}, {"severity", "high"}});
      }
      const long tasks = vm["tasks"].as<long>();
      for (long i = 0; i < tasks;) {
        auto batch = store->begin();
        for (long end = std::min(tasks, i + 1000); i < end; ++i) rt.start("deviation-bench", "sara", start);
        batch->commit();
      }
      raciflow::runtime::Accounts accounts(*store, now);
      completer = accounts.create_token("sara", "load", std::nullopt, "sara").secret;
      reader = accounts.create_token("carl", "load", std::nullopt, "sara").secret;
      std::ofstream out(ids);
      for (const auto& t : store->tasks({"", false}))
        if (t.task.node_id == "assess") {
          out << t.id << "\n";
          ++open_tasks;
        }
    }
    std::cout << "raciflow-load: " << open_tasks << " open assessments, 20 committee decisions; wrk for " << vm["seconds"].as<int>()
              << " s, " << vm["connections"].as<int>() << " connections" << std::endl;

    unsigned short port = raciflow::reliability::free_port();
    std::string wrk_out;
    int server_status = 0;
    {
      raciflow::reliability::Child server(raciflow, db, {}, port, log, {"--threads", std::to_string(vm["server-threads"].as<int>()), "--tick", "3600"});
      std::string command = "RACIFLOW_LOAD_THREADS=" + std::to_string(vm["threads"].as<int>()) + " RACIFLOW_LOAD_OUT=" + quoted(acked_file) +
                            " " + vm["wrk"].as<std::string>() + " --latency -t" + std::to_string(vm["threads"].as<int>()) + " -c" +
                            std::to_string(vm["connections"].as<int>()) + " -d" + std::to_string(vm["seconds"].as<int>()) +
                            "s --timeout 10s -s " + quoted(source + "/tests/reliability/load.lua") + " http://127.0.0.1:" +
                            std::to_string(port) + "/ -- " + quoted(ids) + " " + completer + " " + reader;
      wrk_out = capture(command);
      server_status = server.stop(SIGTERM);
    }
    std::cout << wrk_out;

    // The checks.
    std::vector<std::string> problems;
    if (!WIFEXITED(server_status) || WEXITSTATUS(server_status) != 0) problems.push_back("raciflow serve did not stop cleanly on SIGTERM");
    auto number_after = [&](const std::string& label) -> long {
      auto at = wrk_out.find(label);
      if (at == std::string::npos) return 0;
      return std::stol(wrk_out.substr(at + label.size()));
    };
    long fivexx = number_after("5xx ");
    if (fivexx != 0) problems.push_back(std::to_string(fivexx) + " answers were 5xx");
    if (wrk_out.find("Socket errors") != std::string::npos) problems.push_back("wrk saw socket errors");
    if (number_after("4xx ") != 0) problems.push_back(std::to_string(number_after("4xx ")) + " answers were 4xx");
    std::set<std::int64_t> acknowledged;
    {
      std::ifstream in(acked_file);
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) acknowledged.insert(std::stoll(line));
    }
    raciflow::runtime::SqliteOptions existing;
    existing.create = false;
    auto store = raciflow::runtime::open_sqlite_store(db, existing);
    long lost = 0;
    for (auto id : acknowledged) {
      auto t = store->find_task(id);
      if (!t || t->task.status != raciflow::engine::TaskStatus::completed) ++lost;
    }
    if (lost) problems.push_back(std::to_string(lost) + " acknowledged completions are not in the database");
    long in_trail = 0;
    store->scan_records("", [&](const raciflow::runtime::AuditRecord& r) {
      if (r.action == "task_completed" && r.node == "assess" && r.actor == "sara") ++in_trail;
    });
    in_trail -= 20;  // the committee cases' assessments, completed while preparing
    // wrk stops at its deadline without reading the answers to the requests then in
    // flight (one per connection at most): the server may have completed those.
    long unanswered = in_trail - static_cast<long>(acknowledged.size());
    if (unanswered < 0 || unanswered > vm["connections"].as<int>())
      problems.push_back("the trail holds " + std::to_string(in_trail) + " completed assessments, but " +
                         std::to_string(acknowledged.size()) + " were acknowledged");
    std::ostringstream verify_out, verify_err;
    if (raciflow::cli::run({"--db", db, "audit", "verify"}, verify_out, verify_err) != 0)
      problems.push_back("audit verify failed: " + verify_err.str());
    std::cout << "raciflow-load: " << acknowledged.size() << " acknowledged completions, " << in_trail << " in the audit trail ("
              << unanswered << " in flight when wrk stopped), " << lost << " lost; audit verify " << (verify_err.str().empty() ? "ok" : "FAILED") << std::endl;
    for (const auto& p : problems) std::cerr << "raciflow-load: FAILED: " << p << "\n";
    return problems.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "raciflow-load: " << e.what() << "\n";
    return 1;
  }
}
