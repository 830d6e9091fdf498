// raciflow-bench: the benchmark harness (BENCHMARKS.md). bench/run builds it and runs
// every section; each section can also run alone:
//
//   raciflow-bench [--sections durable,peer,scale,validate,serve] [--cases N] [--repeat R]
//                  [--scale 1000,10000,100000] [--peer DIR] [--raciflow PATH] [--out FILE]
//
// Progress goes to stderr, the table to stdout, every figure to the JSON file.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include <boost/program_options.hpp>

#include "bench/server_bench.h"
#include "bench/workload.h"
#include "definitions/definition_set.h"
#include "runtime/sqlite_store.h"

namespace po = boost::program_options;
using nlohmann::json;
using namespace raciflow;
using namespace raciflow::bench;
using Clock = std::chrono::steady_clock;

namespace {

void progress(const std::string& line) { std::cerr << "[bench] " << line << std::endl; }

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

json median_of(const json& runs, const std::string& field) {
  std::vector<double> values;
  for (const auto& r : runs) values.push_back(r.at(field).get<double>());
  return median(values);
}

// --- the durable engine against the storage limit ------------------------------------

json durable(const std::string& work, const std::string& bench_dir, const std::string& synchronous, long cases, int repeat) {
  json runs = json::array();
  for (int r = 1; r <= repeat; ++r) {
    auto e = run_engine(work + "/engine.db", synchronous, cases, bench_dir);
    double storage_s = run_storage(work + "/storage.db", synchronous, e.rows_per_tx, e.bytes_per_row);
    long rows = 0;
    for (int n : e.rows_per_tx) rows += n;
    double commands_per_s = static_cast<double>(e.commands) / e.seconds;
    double storage_tx_per_s = static_cast<double>(e.rows_per_tx.size()) / storage_s;
    json run = {{"cases", e.cases},
                {"commands", e.commands},
                {"seconds", e.seconds},
                {"cases_per_s", static_cast<double>(e.cases) / e.seconds},
                {"commands_per_s", commands_per_s},
                {"p50_us", percentile(e.latencies_us, 0.5)},
                {"p99_us", percentile(e.latencies_us, 0.99)},
                {"rows_per_command", static_cast<double>(rows) / static_cast<double>(e.rows_per_tx.size())},
                {"bytes_per_row", e.bytes_per_row},
                {"audit_records", e.audit_records},
                {"storage_tx_per_s", storage_tx_per_s},
                {"storage_cases_per_s", storage_tx_per_s * static_cast<double>(e.cases) / static_cast<double>(e.commands)},
                {"ratio_to_storage", commands_per_s / storage_tx_per_s}};
    runs.push_back(run);
    progress("durable " + synchronous + " " + std::to_string(r) + "/" + std::to_string(repeat) + ": " +
             std::to_string(static_cast<long>(run["cases_per_s"].get<double>())) + " cases/s, " +
             std::to_string(run["ratio_to_storage"].get<double>()).substr(0, 4) + " x storage");
  }
  json out = {{"synchronous", synchronous}, {"runs", runs}};
  for (const char* f : {"cases_per_s", "commands_per_s", "p50_us", "p99_us", "storage_tx_per_s", "storage_cases_per_s",
                        "ratio_to_storage"})
    out[std::string("median_") + f] = median_of(runs, f);
  return out;
}

// --- the peer: bpmn-engine on the same workload ----------------------------------------

json peer(const std::string& peer_dir, const std::string& mode, long cases, int repeat) {
  json runs = json::array();
  for (int r = 1; r <= repeat; ++r) {
    std::string command = "cd '" + peer_dir + "' && node bench.cjs " + std::to_string(cases) + " " + mode;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run node in " + peer_dir);
    std::string output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    if (pclose(pipe) != 0) throw std::runtime_error("the peer benchmark failed: " + command);
    json run = json::parse(output.substr(output.find('{')));
    runs.push_back(run);
    progress("peer " + mode + " " + std::to_string(r) + "/" + std::to_string(repeat) + ": " +
             std::to_string(run["cases_per_s"].get<double>()) + " cases/s");
  }
  json out = {{"mode", mode}, {"runs", runs}};
  for (const char* f : {"cases_per_s", "commands_per_s", "rss_mb"}) out[std::string("median_") + f] = median_of(runs, f);
  return out;
}

// --- scale: a database holding years of cases ------------------------------------------

json scale_point(const std::string& work, const std::string& bench_dir, long cases, long open) {
  const std::string path = work + "/scale-" + std::to_string(cases) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto t0 = Clock::now();
  {
    runtime::SqliteOptions fast;
    fast.synchronous = "OFF";
    auto store = runtime::open_sqlite_store(path, fast);
    long minute = 0;
    runtime::Runtime rt(*store, bench_time(minute));
    prepare(rt, bench_dir);
    for (long i = 0; i < cases;) {
      auto batch = store->begin();  // 500 cases a commit: each command is still its own nested transaction
      for (long end = std::min(cases, i + 500); i < end; ++i) {
        bool open_case = i >= cases - open;
        run_case(rt, *store, i, open_case ? static_cast<int>(1 + i % 5) : -1, [&](double) { rt.set_now(bench_time(++minute)); });
      }
      batch->commit();
      if (i % 10000 == 0 || i == cases) progress("scale " + std::to_string(cases) + ": " + std::to_string(i) + " cases written");
    }
  }
  double build_s = seconds_since(t0);

  auto store = runtime::open_sqlite_store(path, {"NORMAL", 2000, false});
  json out = {{"cases", cases}, {"open_cases", open}, {"build_seconds", build_s}};
  std::int64_t records = 0;
  store->scan_records("1", [&](const runtime::AuditRecord&) {});  // warm the connection
  {
    auto t = Clock::now();
    auto verify = runtime::Runtime(*store, bench_time(0)).verify();
    out["verify_seconds"] = seconds_since(t);
    out["verify_ok"] = verify.ok();
    records = verify.records;
  }
  out["audit_records"] = records;
  out["db_mb"] = static_cast<double>(std::filesystem::file_size(path)) / 1048576.0;

  // The inbox of a role: the open tasks it is Responsible for (as `raciflow tasks --role`
  // and GET /api/tasks compute it).
  std::vector<double> inbox_ms;
  std::size_t inbox_size = 0;
  for (int i = 0; i < 31; ++i) {
    auto t = Clock::now();
    inbox_size = 0;
    for (const auto& task : store->tasks({"", false}))
      if (!runtime::inbox_reason(task.task, {"business-functions"}, "").empty()) ++inbox_size;
    inbox_ms.push_back(seconds_since(t) * 1000);
  }
  out["inbox_ms"] = median(inbox_ms);
  out["inbox_tasks"] = inbox_size;

  // One case's audit trail, for cases picked at random across the history.
  std::mt19937 random(7);
  std::vector<double> trail_ms;
  std::size_t trail_records = 0;
  for (int i = 0; i < 101; ++i) {
    std::string id = std::to_string(1 + random() % static_cast<unsigned long>(cases));
    auto t = Clock::now();
    std::vector<runtime::AuditRecord> trail;
    store->scan_records(id, [&](const runtime::AuditRecord& r) { trail.push_back(r); });
    trail_ms.push_back(seconds_since(t) * 1000);
    trail_records += trail.size();
  }
  out["case_trail_ms"] = median(trail_ms);
  out["case_trail_records"] = static_cast<double>(trail_records) / 101.0;
  progress("scale " + std::to_string(cases) + ": inbox " + std::to_string(out["inbox_ms"].get<double>()) + " ms, trail " +
           std::to_string(out["case_trail_ms"].get<double>()) + " ms, verify " +
           std::to_string(out["verify_seconds"].get<double>()) + " s");
  return out;
}

// --- a generated definition of 10 000 nodes --------------------------------------------

std::string big_definition(int nodes) {
  // start, then blocks of five (task, split, two tasks, merge), then end; four lanes.
  static const char* const roles[] = {"security-function", "security-committee", "business-functions", "top-management"};
  int blocks = (nodes - 2) / 5;
  std::vector<std::string> lane_nodes[4];
  std::ostringstream body, flows;
  int flow = 0;
  auto link = [&](const std::string& from, const std::string& to, const std::string& condition = "") {
    std::string id = "f" + std::to_string(++flow);
    flows << "<sequenceFlow id=\"" << id << "\" sourceRef=\"" << from << "\" targetRef=\"" << to << "\"";
    if (condition.empty()) {
      flows << "/>\n";
    } else {
      flows << "><conditionExpression xsi:type=\"tFormalExpression\">" << condition << "</conditionExpression></sequenceFlow>\n";
    }
    return id;
  };
  body << "<startEvent id=\"start\"/>\n";
  lane_nodes[0].push_back("start");
  std::string previous = "start";
  for (int b = 0; b < blocks; ++b) {
    std::string n = std::to_string(b);
    std::string task = "t" + n, split = "x" + n, yes = "y" + n, no = "n" + n, merge = "m" + n;
    body << "<userTask id=\"" << task << "\" name=\"Step " << n << "\" raci:due=\"P5D\"/>\n"
         << "<exclusiveGateway id=\"" << split << "\" default=\"d" << n << "\"/>\n"
         << "<userTask id=\"" << yes << "\" name=\"Yes " << n << "\"/>\n"
         << "<userTask id=\"" << no << "\" name=\"No " << n << "\"/>\n"
         << "<exclusiveGateway id=\"" << merge << "\"/>\n";
    lane_nodes[b % 4].insert(lane_nodes[b % 4].end(), {task, split, merge});
    lane_nodes[(b + 1) % 4].push_back(yes);
    lane_nodes[(b + 2) % 4].push_back(no);
    link(previous, task);
    link(task, split);
    link(split, yes, "ok" + n + " == true");
    flows << "<sequenceFlow id=\"d" << n << "\" sourceRef=\"" << split << "\" targetRef=\"" << no << "\"/>\n";
    link(yes, merge);
    link(no, merge);
    previous = merge;
  }
  body << "<endEvent id=\"end\"/>\n";
  lane_nodes[0].push_back("end");
  link(previous, "end");
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:raci=\"urn:raciflow:1\" id=\"big-definitions\" "
         "targetNamespace=\"urn:raciflow:bench\">\n"
      << "<process id=\"big\" name=\"Generated\" isExecutable=\"true\">\n<laneSet id=\"lanes\">\n";
  for (int l = 0; l < 4; ++l) {
    out << "<lane id=\"lane-" << roles[l] << "\" raci:role=\"" << roles[l] << "\">";
    for (const auto& n : lane_nodes[l]) out << "<flowNodeRef>" << n << "</flowNodeRef>";
    out << "</lane>\n";
  }
  out << "</laneSet>\n" << body.str() << flows.str() << "</process>\n</definitions>\n";
  return out.str();
}

json validate_big(const std::string& work, const std::string& bench_dir, int nodes, int repeat) {
  std::string text = big_definition(nodes);
  std::vector<double> validate_ms, deploy_ms;
  for (int r = 0; r < repeat; ++r) {
    auto t = Clock::now();
    auto files = definitions::load_and_validate_texts({"big.bpmn"}, {text}, false);
    validate_ms.push_back(seconds_since(t) * 1000);
    if (files.empty() || files[0].diagnostics.has_errors())
      throw std::runtime_error("the generated definition does not validate: " +
                               (files.empty() ? std::string("nothing loaded") : files[0].diagnostics.all().front().format()));

    const std::string path = work + "/deploy.db";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    auto store = runtime::open_sqlite_store(path, {"FULL", 2000, true});
    runtime::Runtime rt(*store, bench_time(0));
    rt.load_organisation(bench_dir + "/org.xml", "sara");
    t = Clock::now();
    rt.deploy_text("big.bpmn", text, "sara");
    deploy_ms.push_back(seconds_since(t) * 1000);
  }
  json out = {{"nodes", nodes}, {"bytes", text.size()}, {"validate_ms", median(validate_ms)}, {"deploy_ms", median(deploy_ms)}};
  progress("validate " + std::to_string(nodes) + " nodes: " + std::to_string(out["validate_ms"].get<double>()) + " ms, deploy " +
           std::to_string(out["deploy_ms"].get<double>()) + " ms");
  return out;
}

// --- the table --------------------------------------------------------------------------

std::string fixed(double v, int digits = 1) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

void print_table(const json& r, std::ostream& out) {
  out << "| figure | value | target | ratio / verdict |\n|---|---|---|---|\n";
  auto row = [&](const std::string& figure, const std::string& value, const std::string& target, const std::string& verdict) {
    out << "| " << figure << " | " << value << " | " << target << " | " << verdict << " |\n";
  };
  auto verdict = [](bool ok) { return std::string(ok ? "met" : "MISSED"); };
  for (const auto& d : r.value("durable", json::array())) {
    std::string s = d["synchronous"];
    double ratio = d["median_ratio_to_storage"];
    row("engine at " + s + ": cases/s (commands/s)",
        fixed(d["median_cases_per_s"]) + " (" + fixed(d["median_commands_per_s"], 0) + ")", "", "");
    row("engine at " + s + ": command p50 / p99", fixed(d["median_p50_us"], 0) + " / " + fixed(d["median_p99_us"], 0) + " µs", "", "");
    row("storage limit at " + s + ": cases/s (transactions/s)",
        fixed(d["median_storage_cases_per_s"]) + " (" + fixed(d["median_storage_tx_per_s"], 0) + ")", "", "");
    row("engine / storage limit at " + s, fixed(ratio, 2), "≥ 0.5", verdict(ratio >= 0.5));
  }
  if (r.contains("peer")) {
    double full = 0;
    for (const auto& d : r["durable"])
      if (d["synchronous"] == "FULL") full = d["median_cases_per_s"];
    for (const auto& p : r["peer"]) {
      std::string mode = p["mode"];
      double peer_rate = p["median_cases_per_s"];
      double need = mode == "durable" ? 15 : 10;
      row("bpmn-engine " + mode + ": cases/s (RSS)", fixed(peer_rate) + " (" + fixed(p["median_rss_mb"]) + " MB)", "", "");
      if (full > 0)
        row("raciflow FULL / bpmn-engine " + mode, fixed(full / peer_rate, 1), "≥ " + fixed(need, 0),
            verdict(full / peer_rate >= need));
    }
  }
  for (const auto& s : r.value("scale", json::array())) {
    std::string n = std::to_string(s["cases"].get<long>()) + " cases, " + std::to_string(s["audit_records"].get<long>()) + " events";
    bool big = s["audit_records"].get<long>() >= 1000000;
    row("inbox of a role (" + n + ")", fixed(s["inbox_ms"], 2) + " ms", big ? "≤ 5 ms" : "flat",
        big ? verdict(s["inbox_ms"].get<double>() <= 5) : "");
    row("one case's trail (" + n + ")", fixed(s["case_trail_ms"], 3) + " ms", big ? "≤ 5 ms" : "flat",
        big ? verdict(s["case_trail_ms"].get<double>() <= 5) : "");
    row("audit verify (" + n + ")", fixed(s["verify_seconds"], 2) + " s", "linear", s["verify_ok"].get<bool>() ? "chain ok" : "FAILED");
  }
  if (r.contains("validate")) {
    const auto& v = r["validate"];
    row("validate " + std::to_string(v["nodes"].get<int>()) + " nodes", fixed(v["validate_ms"]) + " ms", "≤ 200 ms",
        verdict(v["validate_ms"].get<double>() <= 200));
    row("deploy (validate + store) " + std::to_string(v["nodes"].get<int>()) + " nodes", fixed(v["deploy_ms"]) + " ms", "", "");
  }
  if (r.contains("serve")) {
    const auto& s = r["serve"];
    double limit = s["fsync_limit_tx_per_s"];
    row("fsync limit (one-row transactions at FULL)", fixed(limit, 0) + " tx/s", "", "");
    for (const auto& g : s["group_commit"]) {
      int clients = g["clients"];
      double ratio = g["ratio_to_fsync_limit"];
      row("serve at FULL, " + std::to_string(clients) + " clients: completions/s (p50 / p99)",
          fixed(g["commands_per_s"], 0) + " (" + fixed(g["p50_ms"], 1) + " / " + fixed(g["p99_ms"], 1) + " ms), " +
              std::to_string(g["failures"].get<long>()) + " failed",
          clients == 64 ? "≥ 5 × fsync limit" : "", fixed(ratio, 2) + (clients == 64 ? " " + verdict(ratio >= 5) : ""));
    }
    double rss = s["serve_rss_peak_mb"];
    row("serve peak RSS, " + std::to_string(s["active_cases"].get<long>()) + " active cases", fixed(rss) + " MB", "≤ 100 MB",
        verdict(rss <= 100));
  }
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("raciflow-bench options");
  options.add_options()("help,h", "show this help")(
      "sections", po::value<std::string>()->default_value("durable,peer,scale,validate,serve"), "which sections to run")(
      "cases", po::value<long>()->default_value(1000), "cases per durable run")(
      "repeat", po::value<int>()->default_value(3), "runs of each durable and peer figure (medians are reported)")(
      "scale", po::value<std::string>()->default_value("1000,10000,100000"), "database sizes in cases")(
      "open", po::value<long>()->default_value(500), "open cases in each scale database")(
      "peer", po::value<std::string>()->default_value(""), "the peer-bench folder with node_modules (npm ci done)")(
      "peer-cases", po::value<std::string>()->default_value("600,300"), "peer cases in memory, durable")(
      "active", po::value<long>()->default_value(10000), "active cases held by the served database")(
      "raciflow", po::value<std::string>()->default_value(""), "the raciflow executable (for the serve section)")(
      "bench-dir", po::value<std::string>()->default_value("bench"), "the bench/ folder (org.xml, deviation-bench.bpmn)")(
      "work", po::value<std::string>()->default_value(""), "a folder for the databases (default: a new one under /tmp)")(
      "out", po::value<std::string>()->default_value("bench/results.json"), "where the figures go");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "raciflow-bench: " << e.what() << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  try {
    auto sections = split(vm["sections"].as<std::string>());
    auto wants = [&](const std::string& s) { return std::find(sections.begin(), sections.end(), s) != sections.end(); };
    std::string bench_dir = vm["bench-dir"].as<std::string>();
    std::string work = vm["work"].as<std::string>();
    bool own_work = work.empty();
    if (own_work) {
      char pattern[] = "/tmp/raciflow-bench-XXXXXX";
      work = mkdtemp(pattern);
    }
    std::filesystem::create_directories(work);
    long cases = vm["cases"].as<long>();
    int repeat = vm["repeat"].as<int>();
    json results = {{"command", "bash bench/run"}, {"work", work}};
    if (wants("durable")) {
      results["durable"] = json::array({durable(work, bench_dir, "FULL", cases, repeat), durable(work, bench_dir, "NORMAL", cases, repeat)});
    }
    if (wants("peer")) {
      std::string peer_dir = vm["peer"].as<std::string>();
      if (peer_dir.empty()) throw std::runtime_error("--peer DIR is needed for the peer section (bench/run prepares it)");
      auto counts = split(vm["peer-cases"].as<std::string>());
      results["peer"] = json::array({peer(peer_dir, "memory", std::stol(counts.at(0)), repeat),
                                     peer(peer_dir, "durable", std::stol(counts.at(1)), repeat)});
    }
    if (wants("scale")) {
      results["scale"] = json::array();
      for (const auto& n : split(vm["scale"].as<std::string>()))
        results["scale"].push_back(scale_point(work, bench_dir, std::stol(n), std::min(vm["open"].as<long>(), std::stol(n) / 2)));
    }
    if (wants("validate")) results["validate"] = validate_big(work, bench_dir, 10000, 5);
    if (wants("serve")) {
      ServerBenchOptions o;
      o.raciflow = vm["raciflow"].as<std::string>();
      if (o.raciflow.empty()) throw std::runtime_error("--raciflow PATH is needed for the serve section");
      o.bench_dir = bench_dir;
      o.work_dir = work;
      o.active_cases = vm["active"].as<long>();
      results["serve"] = run_server_bench(o, progress);
    }
    std::ofstream(vm["out"].as<std::string>()) << results.dump(2) << "\n";
    print_table(results, std::cout);
    if (own_work) std::filesystem::remove_all(work);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "raciflow-bench: " << e.what() << "\n";
    return 1;
  }
}
