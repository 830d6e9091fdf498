// The load driver: `raciflow serve --synchronous FULL` on loopback under wrk, with a mix
// of inbox reads and task completions, then a check against the audit trail.
//
//   raciflow-load --raciflow build/raciflow [--seconds 60] [--tasks 3000] [--connections 64]
//                 [--postgres [--nodes 3]]
//
// It prepares a database with TASKS open assessments (bench/org.xml and
// bench/deviation-bench.bpmn), and OVERDUE cases whose assessment was due days ago, serves
// it, and runs wrk with tests/reliability/load.lua: each request is an inbox read of the
// committee or a completion of the next assessment. With --postgres the database is a
// tenant of a throwaway PostgreSQL cluster (initdb) and NODES `raciflow serve` processes
// share it, each under its own wrk; every node's wrk goes through the same assessments in
// the same order, so the nodes race for each one. It stops the servers with SIGTERM and
// checks that
//   - no answer was a 5xx, none a 4xx but the 409 of a task another node completed first,
//     and wrk saw no socket errors;
//   - no completion was acknowledged twice, every one acknowledged (200) is completed in
//     the database and in the audit trail, and no case's assessment is completed twice
//     in the trail; beyond the acknowledged, the trail holds at most one completion per
//     connection (the request in flight when wrk stopped, whose answer wrk did not read);
//   - every overdue assessment was escalated exactly once across the nodes, and every
//     notification delivered is in exactly one node's delivery log, once;
//   - `raciflow audit verify` passes.
// Prints throughput, latency percentiles and error counts; exit 0 when all checks hold.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <boost/program_options.hpp>

#include "adapters/cli/cli.h"
#include "definitions/iso8601.h"
#include "runtime/accounts.h"
#include "runtime/pg_store.h"
#include "runtime/runtime.h"
#include "runtime/sqlite_store.h"
#include "database.h"
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

// The number after `label` in wrk's output, 0 when it is not there.
long number_after(const std::string& text, const std::string& label) {
  auto at = text.find(label);
  return at == std::string::npos ? 0 : std::stol(text.substr(at + label.size()));
}

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
      "overdue", po::value<long>()->default_value(100), "cases whose assessment is overdue at the start (escalated once each)")(
      "postgres", "a tenant of a throwaway PostgreSQL cluster instead of a SQLite file")(
      "nodes", po::value<int>()->default_value(1), "raciflow serve processes on the database (more than one needs --postgres)")(
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
  const bool postgres = vm.count("postgres") > 0;
  const int nodes = vm["nodes"].as<int>();
  if (nodes < 1 || (nodes > 1 && !postgres)) {
    std::cerr << "raciflow-load: --nodes is 1 on a SQLite file; several nodes share a PostgreSQL database (--postgres)\n";
    return 2;
  }
  std::string work = vm["work"].as<std::string>();
  if (work.empty()) {
    char pattern[] = "/tmp/raciflow-load-XXXXXX";
    work = mkdtemp(pattern);
  }
  fs::create_directories(work);
  const std::string ids = work + "/task-ids";

  try {
    // The database: a SQLite file, or a tenant of a throwaway PostgreSQL cluster.
    const auto database = raciflow::reliability::Database::make(postgres, work + "/load.db", "load");
    const std::string& db = database.db;
    const std::vector<std::string> globals = database.tenant_option();
    auto open = [&](const std::string& synchronous) { return database.open(synchronous, true); };

    // Written fast (synchronous OFF, 1000 cases per commit): TASKS cases waiting at the
    // assessment, 20 at the committee's decision for the inbox reads, and OVERDUE cases
    // started ten days ago, whose assessment (due in five) the nodes' tickers escalate.
    std::string completer, reader;
    std::size_t open_tasks = 0;
    const long overdue = vm["overdue"].as<long>();
    {
      auto store = open("OFF");
      auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
      raciflow::runtime::Runtime rt(*store, now);
      rt.load_organisation(source + "/bench/org.xml", "sara");
      rt.deploy({source + "/bench/deviation-bench.bpmn"}, "sara");
      const json start = {{"source", "external"}, {"severity", "high"}};
      {
        raciflow::runtime::Runtime past(*store, now - std::chrono::hours(24 * 10));
        auto batch = store->begin();
        for (long i = 0; i < overdue; ++i) past.start("deviation-bench", "sara", start);
        batch->commit();
      }
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
        if (t.task.node_id == "assess" && t.task.due && *t.task.due > now) {  // not the overdue ones
          out << t.id << "\n";
          ++open_tasks;
        }
    }
    const int connections = std::max(1, vm["connections"].as<int>() / nodes);
    std::cout << "raciflow-load: " << open_tasks << " open assessments, " << overdue << " overdue, 20 committee decisions; "
              << (postgres ? std::to_string(nodes) + " nodes on PostgreSQL" : std::string("SQLite")) << ", wrk for "
              << vm["seconds"].as<int>() << " s, " << connections << " connections" << (nodes > 1 ? " per node" : "") << std::endl;

    // The nodes, each with its own wrk, all at once.
    std::vector<std::string> wrk_out(nodes);
    std::vector<int> server_status(nodes);
    {
      std::vector<std::unique_ptr<raciflow::reliability::Child>> servers;
      std::vector<unsigned short> ports;
      for (int n = 0; n < nodes; ++n) {
        ports.push_back(raciflow::reliability::free_port());
        servers.push_back(std::make_unique<raciflow::reliability::Child>(
            raciflow, db, globals, ports.back(), work + "/serve-" + std::to_string(n) + ".log",
            std::vector<std::string>{"--threads", std::to_string(vm["server-threads"].as<int>()), "--tick", "1", "--log",
                                     work + "/delivered-" + std::to_string(n) + ".jsonl"}));
      }
      std::vector<std::future<std::string>> runs;
      for (int n = 0; n < nodes; ++n) {
        std::string command = "RACIFLOW_LOAD_THREADS=" + std::to_string(vm["threads"].as<int>()) + " RACIFLOW_LOAD_OUT=" +
                              quoted(work + "/acknowledged-" + std::to_string(n)) + " " + vm["wrk"].as<std::string>() + " --latency -t" +
                              std::to_string(vm["threads"].as<int>()) + " -c" + std::to_string(connections) + " -d" +
                              std::to_string(vm["seconds"].as<int>()) + "s --timeout 10s -s " +
                              quoted(source + "/tests/reliability/load.lua") + " http://127.0.0.1:" + std::to_string(ports[n]) +
                              "/ -- " + quoted(ids) + " " + completer + " " + reader;
        runs.push_back(std::async(std::launch::async, capture, command));
      }
      for (int n = 0; n < nodes; ++n) wrk_out[n] = runs[n].get();
      // The tickers have had the whole run to escalate; give them a few more ticks.
      for (int wait = 0; wait < 30; ++wait) {
        long escalated = 0;
        open("FULL")->scan_records("", [&](const raciflow::runtime::AuditRecord& r) { escalated += r.action == "task_escalated"; });
        if (escalated >= overdue) break;
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
      std::this_thread::sleep_for(std::chrono::seconds(2));  // a second escalation would show now
      for (int n = 0; n < nodes; ++n) server_status[n] = servers[n]->stop(SIGTERM);
    }

    // The checks.
    std::vector<std::string> problems;
    std::set<std::int64_t> acknowledged;
    long twice = 0;
    for (int n = 0; n < nodes; ++n) {
      std::cout << (nodes > 1 ? "node " + std::to_string(n) + ":\n" : "") << wrk_out[n];
      const std::string node = nodes > 1 ? "node " + std::to_string(n) + ": " : "";
      if (!WIFEXITED(server_status[n]) || WEXITSTATUS(server_status[n]) != 0)
        problems.push_back(node + "raciflow serve did not stop cleanly on SIGTERM");
      if (long fivexx = number_after(wrk_out[n], "5xx ")) problems.push_back(node + std::to_string(fivexx) + " answers were 5xx");
      if (wrk_out[n].find("Socket errors") != std::string::npos) problems.push_back(node + "wrk saw socket errors");
      long other = number_after(wrk_out[n], "4xx ") - number_after(wrk_out[n], "409 ");
      if (other != 0) problems.push_back(node + std::to_string(other) + " answers were 4xx other than 409");
      if (nodes == 1 && number_after(wrk_out[n], "409 ") != 0) problems.push_back("a single node answered 409");
      std::ifstream in(work + "/acknowledged-" + std::to_string(n));
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) twice += !acknowledged.insert(std::stoll(line)).second;
    }
    if (twice) problems.push_back(std::to_string(twice) + " completions were acknowledged twice");
    auto store = open("FULL");
    long lost = 0;
    for (auto id : acknowledged) {
      auto t = store->find_task(id);
      if (!t || t->task.status != raciflow::engine::TaskStatus::completed) ++lost;
    }
    if (lost) problems.push_back(std::to_string(lost) + " acknowledged completions are not in the database");
    long in_trail = 0, escalations = 0;
    std::map<std::string, int> completions_of_case, escalations_of_case;
    store->scan_records("", [&](const raciflow::runtime::AuditRecord& r) {
      if (r.action == "task_completed" && r.node == "assess" && r.actor == "sara") {
        ++in_trail;
        ++completions_of_case[r.case_id];
      }
      if (r.action == "task_escalated") {
        ++escalations;
        ++escalations_of_case[r.case_id];
      }
    });
    in_trail -= 20;  // the committee cases' assessments, completed while preparing
    for (const auto& [id, n] : completions_of_case)
      if (n > 1) problems.push_back("case " + id + "'s assessment is completed " + std::to_string(n) + " times in the trail");
    long unanswered = in_trail - static_cast<long>(acknowledged.size());
    if (unanswered < 0 || unanswered > connections * nodes)
      problems.push_back("the trail holds " + std::to_string(in_trail) + " completed assessments, but " +
                         std::to_string(acknowledged.size()) + " were acknowledged");
    for (const auto& [id, n] : escalations_of_case)
      if (n > 1) problems.push_back("case " + id + "'s assessment was escalated " + std::to_string(n) + " times");
    if (static_cast<long>(escalations_of_case.size()) != overdue)
      problems.push_back(std::to_string(escalations_of_case.size()) + " overdue assessments were escalated, of " + std::to_string(overdue));
    // Each notification delivered is in one node's log, once.
    std::map<std::int64_t, int> deliveries;
    for (int n = 0; n < nodes; ++n) {
      std::ifstream in(work + "/delivered-" + std::to_string(n) + ".jsonl");
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) ++deliveries[json::parse(line)["outbox"].get<std::int64_t>()];
    }
    long delivered_twice = 0;
    for (const auto& [id, n] : deliveries) delivered_twice += n > 1;
    if (delivered_twice) problems.push_back(std::to_string(delivered_twice) + " notifications were delivered more than once");
    long delivered = 0;
    for (const auto& item : store->outbox("delivered")) {
      ++delivered;
      if (!deliveries.count(item.id)) problems.push_back("notification " + std::to_string(item.id) + " is delivered but in no log");
    }
    std::ostringstream verify_out, verify_err;
    std::vector<std::string> verify = database.globals();
    verify.insert(verify.end(), {"audit", "verify"});
    if (raciflow::cli::run(verify, verify_out, verify_err) != 0) problems.push_back("audit verify failed: " + verify_err.str());
    std::cout << "raciflow-load: " << acknowledged.size() << " acknowledged completions, " << in_trail << " in the audit trail ("
              << unanswered << " in flight when wrk stopped), " << lost << " lost; " << escalations << " escalations of " << overdue
              << " overdue assessments; " << delivered << " notifications delivered, " << delivered_twice << " twice; audit verify "
              << (verify_err.str().empty() ? "ok" : "FAILED") << std::endl;
    for (const auto& p : problems) std::cerr << "raciflow-load: FAILED: " << p << "\n";
    return problems.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "raciflow-load: " << e.what() << "\n";
    return 1;
  }
}
