#include "bench/server_bench.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "bench/workload.h"
#include "runtime/accounts.h"
#include "runtime/pg_store.h"
#include "runtime/sqlite_store.h"
#include "tests/pg_support.h"  // a throwaway PostgreSQL cluster (here with fsync on)

extern char** environ;

namespace raciflow::bench {

using nlohmann::json;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

// One keep-alive HTTP/1.1 connection to the server on loopback.
class Client {
 public:
  Client(unsigned short port, std::string token) : socket_(io_), token_(std::move(token)) {
    socket_.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }
  std::pair<int, std::string> call(bhttp::verb verb, const std::string& target, const std::string& body = "") {
    bhttp::request<bhttp::string_body> request{verb, target, 11};
    request.set(bhttp::field::host, "127.0.0.1");
    request.set(bhttp::field::authorization, "Bearer " + token_);
    if (!body.empty()) {
      request.set(bhttp::field::content_type, "application/json");
      request.body() = body;
    }
    request.keep_alive(true);
    request.prepare_payload();
    bhttp::write(socket_, request);
    bhttp::response<bhttp::string_body> response;
    bhttp::read(socket_, buffer_, response);
    link_ = std::string(response[bhttp::field::link]);
    return {static_cast<int>(response.result_int()), response.body()};
  }
  // Reads a list route page by page, as the web app does, to its end; returns the items
  // read, or -1 when a page is refused.
  long read_all(const std::string& first) {
    long items = 0;
    for (std::string target = first; !target.empty();) {
      auto [status, text] = call(bhttp::verb::get, target);
      if (status != 200) return -1;
      items += static_cast<long>(json::parse(text).size());
      auto start = link_.find('<'), end = link_.find('>');
      target = start == std::string::npos || end == std::string::npos ? "" : link_.substr(start + 1, end - start - 1);
    }
    return items;
  }

 private:
  boost::asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  std::string token_;
  std::string link_;  // the last answer's Link header
};

unsigned short free_port() {
  boost::asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

// `raciflow serve` as a child process, stopped with SIGTERM.
class Server {
 public:
  // `tenant`: on a PostgreSQL database, the tenant it serves.
  Server(const std::string& raciflow, const std::string& db, unsigned short port, const std::string& log, int threads,
         const std::string& tenant = "") {
    std::vector<std::string> args = {raciflow, "--db", db, "--synchronous", "FULL"};
    if (!tenant.empty()) args.insert(args.end(), {"--tenant", tenant});
    args.insert(args.end(), {"serve", "--listen", "127.0.0.1:" + std::to_string(port), "--threads", std::to_string(threads), "--tick", "3600"});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int rc = posix_spawn(&pid_, raciflow.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + raciflow);
    for (int attempt = 0;; ++attempt) {  // until it accepts connections
      try {
        boost::asio::io_context io;
        tcp::socket socket(io);
        socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
        break;
      } catch (const std::exception&) {
        if (attempt > 600) throw std::runtime_error("raciflow serve did not start; see " + log);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  ~Server() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  // Peak and current resident memory in MB, from /proc.
  std::pair<double, double> memory() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    double peak = 0, now = 0;
    while (std::getline(in, line)) {
      if (line.rfind("VmHWM:", 0) == 0) peak = std::stod(line.substr(6)) / 1024.0;
      if (line.rfind("VmRSS:", 0) == 0) now = std::stod(line.substr(6)) / 1024.0;
    }
    return {peak, now};
  }

 private:
  pid_t pid_ = 0;
};

// Where clients send completions: a server, whose token, and the tasks to complete there.
struct Endpoint {
  unsigned short port;
  std::string token;
  std::vector<std::int64_t> tasks;
};

// Prepares `store` (written quickly: synchronous=OFF, 1000 cases per commit): the
// organisation, the workload's process and `cases` open cases, each waiting at its first
// step; returns a token for sara and the tasks of those steps (port 0).
Endpoint open_cases(runtime::Store& store, const std::string& bench_dir, const std::function<void(const std::string&)>& progress,
                    long cases, const std::string& label) {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  runtime::Runtime rt(store, now);
  prepare(rt, bench_dir);
  for (long i = 0; i < cases;) {
    auto batch = store.begin();
    for (long end = std::min(cases, i + 1000); i < end; ++i) rt.start(kProcess, "sara", start_variables());
    batch->commit();
    progress(label + " " + std::to_string(i) + "/" + std::to_string(cases));
  }
  Endpoint e{0, runtime::Accounts(store, now).create_token("sara", "benchmark", std::nullopt, "sara").secret, {}};
  for (const auto& t : store.tasks({"", false}))
    if (t.task.node_id == "assess") e.tasks.push_back(t.id);
  return e;
}

// Completes every endpoint's tasks over HTTP from `clients` concurrent keep-alive clients,
// client c at endpoints[c % endpoints.size()]: {"clients", "commands", "failures",
// "seconds", "commands_per_s", "p50_ms", "p99_ms"}.
json complete_tasks(const std::vector<Endpoint>& endpoints, int clients) {
  std::vector<std::atomic<std::size_t>> cursors(endpoints.size());
  std::atomic<long> failures{0};
  std::size_t commands = 0;
  for (const auto& e : endpoints) commands += e.tasks.size();
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::size_t e = static_cast<std::size_t>(c) % endpoints.size();
      const auto& to = endpoints[e];
      Client client(to.port, to.token);
      const std::string body = json{{"variables", {{"needsCommittee", false}, {"severity", "high"}}}}.dump();
      for (std::size_t k; (k = cursors[e]++) < to.tasks.size();) {
        auto s0 = std::chrono::steady_clock::now();
        auto [status, text] = client.call(bhttp::verb::post, "/api/tasks/" + std::to_string(to.tasks[k]) + "/complete", body);
        latencies[static_cast<std::size_t>(c)].push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - s0).count());
        if (status != 200) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  return {{"clients", clients},
          {"commands", commands},
          {"failures", failures.load()},
          {"seconds", wall},
          {"commands_per_s", static_cast<double>(commands) / wall},
          {"p50_ms", percentile(all, 0.5) / 1000.0},
          {"p99_ms", percentile(all, 0.99) / 1000.0}};
}
}  // namespace

json run_server_bench(const ServerBenchOptions& o, const std::function<void(const std::string&)>& progress) {
  json out;
  const std::string db = o.work_dir + "/serve.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);

  // The database: the organisation, the workload's process and `active_cases` open cases,
  // each waiting at its first step; written quickly (synchronous=OFF, 1000 per commit).
  std::string token;
  std::vector<std::int64_t> tasks;
  {
    runtime::SqliteOptions fast;
    fast.synchronous = "OFF";
    auto store = runtime::open_sqlite_store(db, fast);
    auto prepared = open_cases(*store, o.bench_dir, progress, o.active_cases, "serve: active cases");
    token = prepared.token;
    tasks = std::move(prepared.tasks);
  }
  out["active_cases"] = o.active_cases;

  // The fsync limit: one-row transactions at synchronous=FULL, one after the other.
  std::vector<int> one_row(1000, 1);
  double seconds = run_storage(o.work_dir + "/fsync.db", "FULL", one_row, 64);
  double fsync_limit = static_cast<double>(one_row.size()) / seconds;
  out["fsync_limit_tx_per_s"] = fsync_limit;

  // Group commit needs requests in flight at once: one I/O thread per client.
  unsigned short port = free_port();
  auto server = std::make_unique<Server>(o.raciflow, db, port, o.work_dir + "/serve.log", 64);
  std::size_t next = 0;
  json runs = json::array();
  for (int clients : o.clients) {
    std::size_t count = static_cast<std::size_t>(o.completions_per_client_set);
    if (next + count > tasks.size()) throw std::runtime_error("not enough open tasks for the group-commit runs");
    std::vector<std::int64_t> mine(tasks.begin() + static_cast<long>(next), tasks.begin() + static_cast<long>(next + count));
    next += count;
    json run = complete_tasks({{port, token, mine}}, clients);
    run["ratio_to_fsync_limit"] = run["commands_per_s"].get<double>() / fsync_limit;
    double rate = run["commands_per_s"];
    runs.push_back(run);
    progress("serve: " + std::to_string(clients) + " clients: " + std::to_string(static_cast<long>(rate)) + " completions/s");
  }
  out["group_commit"] = runs;

  out["serve_64_threads_rss_peak_mb"] = server->memory().first;
  server.reset();

  // Peak memory of the server as deployed (its default four I/O threads), holding the
  // active cases while four people page through their whole inboxes and the whole case
  // list (100 a page, as the web app reads them) and complete tasks.
  server = std::make_unique<Server>(o.raciflow, db, port, o.work_dir + "/serve-default.log", 4);
  {
    std::vector<std::thread> people;
    std::atomic<long> refused{0}, listed{0};
    for (int p = 0; p < 4; ++p)
      people.emplace_back([&, p] {
        Client client(port, token);
        for (int i = 0; i < 5; ++i) {
          long inbox = client.read_all("/api/tasks?limit=100");
          long cases = client.read_all("/api/cases?status=active&limit=100");
          if (inbox < 0 || cases < 0) ++refused;
          listed += inbox + cases;
          auto id = tasks.at(next + static_cast<std::size_t>(p * 5 + i));
          const std::string body = json{{"variables", {{"needsCommittee", true}, {"severity", "high"}}}}.dump();
          if (client.call(bhttp::verb::post, "/api/tasks/" + std::to_string(id) + "/complete", body).first != 200) ++refused;
        }
      });
    for (auto& t : people) t.join();
    if (refused > 0) throw std::runtime_error("the server refused requests during the memory run");
    out["listed_items"] = listed.load();
  }
  auto [peak, now] = server->memory();
  out["serve_rss_peak_mb"] = peak;
  out["serve_rss_mb"] = now;
  return out;
}

json run_postgres_bench(const PostgresBenchOptions& o, const std::function<void(const std::string&)>& progress) {
  std::string why;
  auto* cluster = testing::PgCluster::get(&why, true);
  if (!cluster) throw std::runtime_error("the postgres section needs PostgreSQL's server programs: " + why);
  const std::string uri = cluster->fresh_database(), sqlite_db = o.work_dir + "/serve-pg-baseline.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(sqlite_db + suffix);
  const std::size_t per_run = static_cast<std::size_t>(o.completions);
  const int tenants = o.nodes.empty() ? 1 : *std::max_element(o.nodes.begin(), o.nodes.end());

  // Cases waiting at their first step, written fast: in the SQLite file; in tenant t1
  // enough for every node count, and each tenant t1..tN its share of the run in which
  // every node serves a tenant of its own.
  std::vector<Endpoint> tenant(static_cast<std::size_t>(tenants));
  for (int t = 0; t < tenants; ++t) {
    std::string id = "t" + std::to_string(t + 1);
    runtime::create_tenant(uri, {id, "Benchmark " + id, "2026-01-01T00:00:00Z", {}});
    auto store = runtime::open_postgres_store(uri, {id, "OFF", false});
    long own = static_cast<long>(per_run / static_cast<std::size_t>(tenants));  // its share of the run with a tenant per node
    long cases = t == 0 ? static_cast<long>(per_run * o.nodes.size()) + own : own;
    tenant[static_cast<std::size_t>(t)] = open_cases(*store, o.bench_dir, progress, cases, "postgres: PostgreSQL tenant " + id);
  }
  Endpoint baseline_work;
  {
    runtime::SqliteOptions fast;
    fast.synchronous = "OFF";
    auto store = runtime::open_sqlite_store(sqlite_db, fast);
    baseline_work = open_cases(*store, o.bench_dir, progress, static_cast<long>(per_run), "postgres: SQLite");
  }

  json out = {{"clients", o.clients}, {"completions", o.completions}, {"synchronous", "FULL"}};
  // The baseline: one node on a SQLite file at FULL, the same clients and I/O threads.
  double baseline = 0;
  {
    baseline_work.port = free_port();
    Server server(o.raciflow, sqlite_db, baseline_work.port, o.work_dir + "/serve-pg-baseline.log", o.clients);
    json run = complete_tasks({baseline_work}, o.clients);
    baseline = run["commands_per_s"];
    out["sqlite"] = run;
    progress("postgres: SQLite baseline " + std::to_string(static_cast<long>(baseline)) + " completions/s");
  }
  // N nodes (synchronous_commit on), the clients spread over them: all serving tenant t1,
  // whose writers take turns on its chain head; then each serving a tenant of its own.
  auto measure = [&](int nodes, bool own_tenants, std::size_t slice) {
    std::vector<std::unique_ptr<Server>> servers;
    std::vector<Endpoint> endpoints;
    for (int n = 0; n < nodes; ++n) {
      const Endpoint& from = tenant[own_tenants ? static_cast<std::size_t>(n) : 0];
      Endpoint e{free_port(), from.token, {}};
      // One run's share: t1's slice for this node count split among the nodes, or the
      // node's own tenant's tasks, a 1/nodes share of a run.
      std::size_t share = per_run / static_cast<std::size_t>(nodes);
      std::size_t first = own_tenants ? (n == 0 ? per_run * o.nodes.size() : 0) : slice * per_run + static_cast<std::size_t>(n) * share;
      e.tasks.assign(from.tasks.begin() + static_cast<long>(first), from.tasks.begin() + static_cast<long>(first + share));
      servers.push_back(std::make_unique<Server>(o.raciflow, uri, e.port, o.work_dir + "/serve-pg-" + std::to_string(n) + ".log",
                                                 std::max(1, o.clients / nodes), own_tenants ? "t" + std::to_string(n + 1) : "t1"));
      endpoints.push_back(std::move(e));
    }
    json run = complete_tasks(endpoints, o.clients);
    run["nodes"] = nodes;
    run["tenants"] = own_tenants ? nodes : 1;
    run["ratio_to_sqlite"] = run["commands_per_s"].get<double>() / baseline;
    progress("postgres: " + std::to_string(nodes) + " nodes, " + std::to_string(run["tenants"].get<int>()) + " tenants: " +
             std::to_string(static_cast<long>(run["commands_per_s"].get<double>())) + " completions/s");
    return run;
  };
  json runs = json::array();
  for (std::size_t k = 0; k < o.nodes.size(); ++k) runs.push_back(measure(o.nodes[k], false, k));
  if (tenants > 1) runs.push_back(measure(tenants, true, 0));
  out["nodes"] = runs;
  return out;
}

}  // namespace raciflow::bench
