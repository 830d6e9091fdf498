// The crash-safety driver. It runs `raciflow serve --synchronous FULL` as a child process
// while four loopback clients start cases and complete tasks over HTTP and the server's
// ticker fires timers and escalations, then kills the server with SIGKILL at a random
// moment. After each kill it reopens the database and checks that
//   - `raciflow audit verify` passes: the hash chain is whole and the stored state of
//     every case equals the replay of its events (so no command is half there);
//   - every case whose start was acknowledged (201) exists;
//   - every task whose completion was acknowledged (200) is completed, by that person.
// Then it starts the server again, with the clock two days on, so timers come due.
//
// With --postgres the database is a tenant of a throwaway PostgreSQL cluster and NODES
// servers share it (all at one fixed clock). Each round the clients spread over the nodes,
// one node is killed, the others go on serving their clients a while longer, and then the
// checks run; the killed node starts again for the next round. The run fails when the
// survivors never got a command through after a kill.
//
//   raciflow-crash-loop --raciflow build/raciflow --kills 200 [--seed N] [--work DIR] [--postgres --nodes 3]
//
// Exit 0 when every check after every kill passed; 1 with the first failure otherwise.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "adapters/cli/cli.h"
#include "serve_child.h"
#include "definitions/iso8601.h"
#include "database.h"
#include "runtime/pg_store.h"

namespace {

namespace fs = std::filesystem;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using nlohmann::json;
using raciflow::reliability::Child;
using raciflow::reliability::Database;
using raciflow::reliability::free_port;

constexpr const char* kProcess = "deviation-bench";

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs the CLI in this process; returns stdout, or throws with its stderr.
std::string cli(const Database& database, std::vector<std::string> args) {
  std::string verb = args.front();
  auto globals = database.globals();
  args.insert(args.begin(), globals.begin(), globals.end());
  std::ostringstream out, err;
  if (raciflow::cli::run(args, out, err) != 0) throw Failure("raciflow " + verb + ": " + err.str());
  return out.str();
}

// What the server acknowledged: started cases and completed tasks (task id -> person).
struct Acknowledged {
  std::mutex mutex;
  std::vector<std::string> cases;
  std::map<std::int64_t, std::string> completions;
  std::atomic<long> commands{0};
};

json output_for(const std::string& node, std::mt19937& random) {
  if (node == "assess") return {{"needsCommittee", random() % 2 == 0}, {"severity", "high"}};
  if (node == "decide") return {{"decision", "fix"}, {"owner", "it-operations"}};
  if (node == "report") return {{"followed", true}, {"success", true}};
  return {{"done", true}};
}

std::string shown(const std::string& db) {
  return raciflow::runtime::is_postgres_uri(db) ? raciflow::runtime::shown_uri(db) : db;
}

// One person's client: starts cases (sara) and completes the tasks in their inbox until
// the connection fails, which is how it learns of the kill, or until `stop`.
void client(unsigned short port, std::string person, std::string token, unsigned seed, Acknowledged& acked,
            const std::atomic<bool>& stop) {
  std::mt19937 random(seed);
  try {
    net::io_context io;
    tcp::socket socket(io);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    boost::beast::flat_buffer buffer;
    auto call = [&](bhttp::verb verb, const std::string& target, const std::string& body) {
      bhttp::request<bhttp::string_body> request{verb, target, 11};
      request.set(bhttp::field::host, "127.0.0.1");
      request.set(bhttp::field::authorization, "Bearer " + token);
      if (!body.empty()) request.set(bhttp::field::content_type, "application/json");
      request.body() = body;
      request.keep_alive(true);
      request.prepare_payload();
      bhttp::write(socket, request);
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(256 * 1024 * 1024);
      bhttp::read(socket, buffer, parser);
      return std::pair<int, std::string>(parser.get().result_int(), parser.get().body());
    };
    while (!stop) {
      if (person == "sara" && random() % 3 == 0) {
        auto [status, body] = call(bhttp::verb::post, "/api/cases",
                                   json{{"process", kProcess}, {"variables", {{"source", "external"}, {"severity", "high"}}}}.dump());
        if (status != 201) throw Failure("starting a case answered " + std::to_string(status) + ": " + body);
        std::lock_guard lock(acked.mutex);
        acked.cases.push_back(json::parse(body)["id"]);
        ++acked.commands;
        continue;
      }
      auto [status, body] = call(bhttp::verb::get, "/api/tasks", "");
      if (status != 200) throw Failure("the inbox answered " + std::to_string(status));
      auto tasks = json::parse(body);
      int done = 0;
      for (const auto& t : tasks) {
        if (t.value("inbox", "") != "responsible") continue;
        std::int64_t id = t["id"];
        auto [s, b] = call(bhttp::verb::post, "/api/tasks/" + std::to_string(id) + "/complete",
                           json{{"variables", output_for(t["node"], random)}}.dump());
        if (s == 200) {
          std::lock_guard lock(acked.mutex);
          acked.completions[id] = person;
          ++acked.commands;
        } else if (s != 409 && s != 422) {  // another client, or an escalation, got there first
          throw Failure("completing task " + std::to_string(id) + " answered " + std::to_string(s) + ": " + b);
        }
        if (++done == 3) break;
      }
      if (done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  } catch (const Failure&) {
    throw;
  } catch (const std::exception&) {
    // The connection broke: the server was killed.
  }
}

// The checks after a kill; throws Failure naming the first thing that does not hold.
void check(const Database& db, const Acknowledged& acked) {
  try {
    cli(db, {"audit", "verify"});
  } catch (const Failure& e) {
    throw Failure(std::string("audit verify failed after the kill: ") + e.what());
  }
  auto store = db.open();
  for (const auto& id : acked.cases)
    if (!store->find_case(id)) throw Failure("case " + id + " was acknowledged but is not in the database");
  for (const auto& [id, person] : acked.completions) {
    auto t = store->find_task(id);
    if (!t) throw Failure("task " + std::to_string(id) + " was acknowledged as completed but is not in the database");
    if (t->task.status != raciflow::engine::TaskStatus::completed || t->task.completed_by != person)
      throw Failure("task " + std::to_string(id) + " was acknowledged as completed by " + person + " but is " +
                    raciflow::engine::to_string(t->task.status) + (t->task.completed_by.empty() ? "" : " by " + t->task.completed_by));
  }
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  po::options_description options("raciflow-crash-loop");
  options.add_options()("help", "this help")("raciflow", po::value<std::string>()->required(), "the raciflow executable")(
      "kills", po::value<int>()->default_value(200), "how many times to kill the server")(
      "seed", po::value<unsigned>()->default_value(std::random_device{}()), "random seed (printed, to repeat a run)")(
      "max-ms", po::value<int>()->default_value(1500), "the longest the server runs before a kill")(
      "work", po::value<std::string>()->default_value(""), "a directory for the database (default: a fresh one in /tmp)")(
      "postgres", "a tenant of a throwaway PostgreSQL cluster instead of a SQLite file")(
      "nodes", po::value<int>()->default_value(1), "raciflow serve processes on the database (more than one needs --postgres)")(
      "source", po::value<std::string>()->default_value(RACIFLOW_SOURCE_DIR), "the source tree (bench/ holds the workload)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    if (vm.count("help")) {
      std::cout << options;
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "raciflow-crash-loop: " << e.what() << "\n";
    return 2;
  }
  const std::string raciflow = fs::absolute(vm["raciflow"].as<std::string>());
  const int kills = vm["kills"].as<int>();
  const unsigned seed = vm["seed"].as<unsigned>();
  const std::string source = vm["source"].as<std::string>();
  std::string work = vm["work"].as<std::string>();
  if (work.empty()) {
    char pattern[] = "/tmp/raciflow-crash-XXXXXX";
    work = mkdtemp(pattern);
  }
  fs::create_directories(work);
  const bool postgres = vm.count("postgres") > 0;
  const int nodes = vm["nodes"].as<int>();
  if (nodes < 1 || (nodes > 1 && !postgres)) {
    std::cerr << "raciflow-crash-loop: --nodes is 1 on a SQLite file; several nodes share a PostgreSQL database (--postgres)\n";
    return 2;
  }
  Database db;
  try {
    db = Database::make(postgres, work + "/crash.db", "crash");
  } catch (const std::exception& e) {
    std::cerr << "raciflow-crash-loop: " << e.what() << "\n";
    return 1;
  }
  std::cout << "raciflow-crash-loop: " << kills << " kills, seed " << seed << ", "
            << (postgres ? std::to_string(nodes) + " nodes on PostgreSQL" : "database " + db.db) << std::endl;

  std::mt19937 random(seed);
  Acknowledged acked;
  int checked = 0;
  long after_kills = 0;  // commands the surviving nodes took after a kill
  try {
    cli(db, {"org", "load", source + "/bench/org.xml", "--as", "sara"});
    cli(db, {"deploy", source + "/bench/deviation-bench.bpmn", "--as", "sara"});
    std::map<std::string, std::string> tokens;
    for (const char* person : {"sara", "carl", "bo", "tove"}) {
      std::string out = cli(db, {"token", "create", person, "--name", "crash-loop", "--as", "sara"});
      tokens[person] = out.substr(0, out.find('\n'));  // the secret, printed once
    }
    auto clock = *raciflow::definitions::parse_date_time("2027-01-04T08:00:00Z");
    std::vector<std::unique_ptr<Child>> servers(nodes);
    std::vector<unsigned short> ports(nodes);
    for (int kill = 1; kill <= kills; ++kill) {
      // Every node runs (on PostgreSQL all at the clock of the start; on a file two days
      // on after each kill, so timers come due).
      for (int n = 0; n < nodes; ++n) {
        if (servers[n]) continue;
        ports[n] = free_port();
        std::vector<std::string> globals = db.tenant_option();
        globals.insert(globals.end(), {"--clock", raciflow::definitions::format_date_time(clock)});
        servers[n] = std::make_unique<Child>(raciflow, db.db, globals, ports[n], work + "/serve-" + std::to_string(n) + ".log",
                                             std::vector<std::string>{"--threads", "4", "--tick", "1"});
      }
      std::vector<std::thread> clients;
      std::vector<std::exception_ptr> errors(tokens.size());
      std::atomic<bool> stop{false};
      std::size_t k = 0;
      for (const auto& [person, token] : tokens) {
        unsigned short port = ports[(k + static_cast<std::size_t>(kill)) % static_cast<std::size_t>(nodes)];
        clients.emplace_back([&, k, port, person = person, token = token] {
          try {
            client(port, person, token, static_cast<unsigned>(random() + k), acked, stop);
          } catch (...) {
            errors[k] = std::current_exception();
          }
        });
        ++k;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(1, vm["max-ms"].as<int>())(random)));
      int victim = std::uniform_int_distribution<int>(0, nodes - 1)(random);
      servers[victim]->kill_now();
      servers[victim].reset();
      if (nodes > 1) {  // the others go on a while
        long at_kill = acked.commands.load();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        after_kills += acked.commands.load() - at_kill;
      }
      stop = true;
      for (auto& t : clients) t.join();
      for (auto& e : errors)
        if (e) std::rethrow_exception(e);
      check(db, acked);
      ++checked;
      if (kill % 10 == 0 || kill == kills)
        std::cout << "kill " << kill << "/" << kills << ": ok (" << acked.cases.size() << " cases and " << acked.completions.size()
                  << " completions acknowledged so far, " << acked.commands.load() << " commands"
                  << (nodes > 1 ? ", " + std::to_string(after_kills) + " on surviving nodes after kills" : "") << ")" << std::endl;
      if (!postgres) clock += std::chrono::hours(48);
    }
    if (nodes > 1 && after_kills == 0) throw Failure("no surviving node took a command after any kill");
  } catch (const std::exception& e) {
    std::cerr << "raciflow-crash-loop: after " << checked << " good kills: " << e.what() << " (seed " << seed << ", database "
              << shown(db.db) << ")\n";
    return 1;
  }
  std::cout << "raciflow-crash-loop: " << checked << " kills, every check passed" << std::endl;
  return 0;
}
