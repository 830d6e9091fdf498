// raciflow-bench: the benchmark harness (BENCHMARKS.md). bench/run builds it and runs
// every section; each section can also run alone:
//
//   raciflow-bench [--sections durable,peer,scale,open,validate,decisions,wide,serve,postgres] [--cases N] [--repeat R]
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

#include "bench/decision_bench.h"
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
    long storage_written = 0;
    double storage_s = run_storage(work + "/storage.db", synchronous, e.rows_per_tx, e.bytes_per_row, &storage_written);
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
                {"bytes_written_per_command", static_cast<double>(e.bytes_written) / static_cast<double>(e.commands)},
                {"storage_bytes_written_per_tx", static_cast<double>(storage_written) / static_cast<double>(e.rows_per_tx.size())},
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
                        "ratio_to_storage", "bytes_written_per_command", "storage_bytes_written_per_tx", "rows_per_command"})
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

// A new database at `path` of `cases` workload cases, written quickly (synchronous=OFF, 500
// cases a commit; each command still its own nested transaction). Case i runs
// `commands(i)` commands: -1 to its end, fewer to leave it open at one of its steps.
void write_cases(const std::string& path, const std::string& bench_dir, long cases, const std::function<int(long)>& commands,
                 const std::string& label) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  runtime::SqliteOptions fast;
  fast.synchronous = "OFF";
  auto store = runtime::open_sqlite_store(path, fast);
  long minute = 0;
  runtime::Runtime rt(*store, bench_time(minute));
  prepare(rt, bench_dir);
  for (long i = 0; i < cases;) {
    auto batch = store->begin();
    for (long end = std::min(cases, i + 500); i < end; ++i)
      run_case(rt, *store, i, commands(i), [&](double) { rt.set_now(bench_time(++minute)); });
    batch->commit();
    if (i % 10000 == 0 || i == cases) progress(label + " " + std::to_string(cases) + ": " + std::to_string(i) + " cases written");
  }
}

// The inbox of a role, as GET /api/tasks reads it: its first page (100) from the inbox
// index; and, for comparison, as it was read before the index: every live task, filtered.
void measure_inbox(runtime::Store& store, json& out) {
  const std::vector<std::string> role = {"business-functions"};
  std::vector<double> page_ms, scan_ms;
  std::size_t page_size = 0, inbox_size = 0, live = 0;
  for (int i = 0; i < 31; ++i) {
    auto t = Clock::now();
    runtime::TaskFilter f;
    f.inbox = true;
    f.roles = role;
    f.limit = 100;
    page_size = 0;
    for (const auto& task : store.tasks(f))
      if (!runtime::inbox_reason(task.task, role, "").empty()) ++page_size;
    page_ms.push_back(seconds_since(t) * 1000);
  }
  for (int i = 0; i < 11; ++i) {
    auto t = Clock::now();
    inbox_size = live = 0;
    for (const auto& task : store.tasks({"", false})) {
      ++live;
      if (!runtime::inbox_reason(task.task, role, "").empty()) ++inbox_size;
    }
    scan_ms.push_back(seconds_since(t) * 1000);
  }
  out["inbox_ms"] = median(page_ms);
  out["inbox_page_tasks"] = page_size;
  out["inbox_scan_ms"] = median(scan_ms);
  out["inbox_tasks"] = inbox_size;
  out["live_tasks"] = live;
}

// A database of open cases only, each at one of the workload's steps, so that the live
// tasks are spread over all four roles: the inbox of one role among `cases` cases' work.
json open_point(const std::string& work, const std::string& bench_dir, long cases) {
  const std::string path = work + "/open-" + std::to_string(cases) + ".db";
  write_cases(path, bench_dir, cases, [](long i) { return static_cast<int>(1 + i % 5); }, "open");
  auto store = runtime::open_sqlite_store(path, {"NORMAL", 2000, false});
  json out = {{"cases", cases}};
  measure_inbox(*store, out);
  progress("open " + std::to_string(cases) + ": " + std::to_string(out["live_tasks"].get<long>()) + " live tasks, inbox page " +
           std::to_string(out["inbox_ms"].get<double>()) + " ms, scan " + std::to_string(out["inbox_scan_ms"].get<double>()) + " ms");
  return out;
}

json scale_point(const std::string& work, const std::string& bench_dir, long cases, long open) {
  const std::string path = work + "/scale-" + std::to_string(cases) + ".db";
  auto t0 = Clock::now();
  write_cases(path, bench_dir, cases, [&](long i) { return i >= cases - open ? static_cast<int>(1 + i % 5) : -1; }, "scale");
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
  out["records_per_case"] = static_cast<double>(records) / static_cast<double>(cases);
  out["kb_per_case"] = static_cast<double>(std::filesystem::file_size(path)) / 1024.0 / static_cast<double>(cases);
  measure_inbox(*store, out);

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

// --- wide: a parallel split into thousands of pass-through branches and a join --------
//
// One start runs every branch to the join in one command on the single writer: its cost
// must grow with the branches, not their square (issue 29 measured 11 s at 5 000).

std::string wide_definition(int branches) {
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:raci=\"urn:raciflow:1\" "
         "targetNamespace=\"urn:raciflow:bench\">\n<process id=\"wide\" isExecutable=\"true\">\n"
      << "<laneSet><lane id=\"l\" raci:role=\"security-function\"/></laneSet>\n"
      << "<startEvent id=\"s\"/><parallelGateway id=\"split\"/><parallelGateway id=\"join\"/><endEvent id=\"e\"/>\n"
      << "<sequenceFlow id=\"in\" sourceRef=\"s\" targetRef=\"split\"/><sequenceFlow id=\"out\" sourceRef=\"join\" targetRef=\"e\"/>\n";
  for (int i = 0; i < branches; ++i)
    out << "<intermediateThrowEvent id=\"b" << i << "\"/><sequenceFlow id=\"a" << i << "\" sourceRef=\"split\" targetRef=\"b" << i
        << "\"/><sequenceFlow id=\"z" << i << "\" sourceRef=\"b" << i << "\" targetRef=\"join\"/>\n";
  out << "</process>\n</definitions>\n";
  return out.str();
}

json wide_join(const std::string& work, const std::string& bench_dir, int repeat) {
  json out = json::array();
  for (int branches : {1000, 4500}) {
    const std::string path = work + "/wide.db";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    auto store = runtime::open_sqlite_store(path, {"NORMAL", 2000, true});
    runtime::Runtime rt(*store, bench_time(0));
    rt.load_organisation(bench_dir + "/org.xml", "sara");
    rt.deploy_text("wide.bpmn", wide_definition(branches), "sara");
    std::vector<double> ms;
    for (int r = 0; r < repeat; ++r) {
      auto t = Clock::now();
      rt.start("wide", "sara", json::object());
      ms.push_back(seconds_since(t) * 1000);
    }
    out.push_back({{"branches", branches}, {"start_ms", median(ms)}});
    progress("wide join, " + std::to_string(branches) + " branches: start " + std::to_string(median(ms)) + " ms");
  }
  return out;
}

// --- the table --------------------------------------------------------------------------

std::string fixed(double v, int digits = 1) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

// The targets, each from figures of this run: {"name", "value", "target", "met"}.
json targets_of(const json& r) {
  json out = json::array();
  auto add = [&](const std::string& name, double value, const std::string& op, double bound) {
    bool met = op == ">=" ? value >= bound : value <= bound;
    out.push_back({{"name", name}, {"value", value}, {"target", (op == ">=" ? "≥ " : "≤ ") + fixed(bound, bound < 10 ? 1 : 0)}, {"met", met}});
  };
  double full_cases = 0, normal_commands = 0;
  for (const auto& d : r.value("durable", json::array())) {
    std::string sync = d["synchronous"];
    add("engine / storage limit at " + sync, d["median_ratio_to_storage"], ">=", sync == "FULL" ? 0.6 : 0.5);
    if (sync == "FULL") {
      full_cases = d["median_cases_per_s"];
      const auto& run = d["runs"].at(0);
      add("audit records per closed deviation case", (run["audit_records"].get<double>() - 2) / (run["cases"].get<double>() + 1), "<=", 12);
    }
    if (sync == "NORMAL") normal_commands = d["median_commands_per_s"];
  }
  for (const auto& p : r.value("peer", json::array()))
    if (full_cases > 0) {
      std::string mode = p["mode"];
      add("raciflow at FULL / bpmn-engine " + mode, full_cases / p["median_cases_per_s"].get<double>(), ">=", mode == "durable" ? 15 : 10);
    }
  if (r.contains("serve")) {
    const auto& s = r["serve"];
    double one = 0, many = 0;
    for (const auto& g : s["group_commit"]) {
      if (g["clients"] == 1) one = g["commands_per_s"];
      if (g["clients"] == 64) many = g["commands_per_s"];
    }
    if (normal_commands > 0) add("serve at FULL, 64 clients / engine commands at NORMAL", many / normal_commands, ">=", 0.8);
    if (one > 0) add("serve at FULL, 64 clients / 1 client", many / one, ">=", 4);
    add("serve peak RSS (MB), " + std::to_string(s["active_cases"].get<long>()) + " open cases, 4 people paging", s["serve_rss_peak_mb"], "<=", 64);
  }
  for (const auto& o : r.value("open", json::array()))
    add("inbox of a role (ms), " + std::to_string(o["live_tasks"].get<long>()) + " open tasks over all roles", o["inbox_ms"], "<=", 2);
  if (r.contains("wide")) {
    const auto& w = r["wide"];
    double branches = w[1]["branches"].get<double>() / w[0]["branches"].get<double>();
    add("wide join: start at " + std::to_string(w[1]["branches"].get<int>()) + " / " + std::to_string(w[0]["branches"].get<int>()) +
            " branches (linear: " + fixed(branches, 1) + ")",
        w[1]["start_ms"].get<double>() / w[0]["start_ms"].get<double>(), "<=", branches * 1.5);
  }
  if (r.contains("scale") && !r["scale"].empty()) {
    const auto& big = r["scale"].back();
    std::string n = std::to_string(big["cases"].get<long>()) + " cases";
    add("one case's trail (ms), " + n, big["case_trail_ms"], "<=", 1);
    add("on disk (MB), " + n, big["db_mb"], "<=", 400.0 * big["cases"].get<double>() / 100000.0);
    add("on disk per case (KB), " + n, big["kb_per_case"], "<=", 4);
    add("audit verify (s), " + n, big["verify_seconds"], "<=", 15.0 * big["cases"].get<double>() / 100000.0);
  }
  return out;
}

void print_table(const json& r, std::ostream& out) {
  out << "| figure | value |\n|---|---|\n";
  auto row = [&](const std::string& figure, const std::string& value) { out << "| " << figure << " | " << value << " |\n"; };
  for (const auto& d : r.value("durable", json::array())) {
    std::string s = d["synchronous"];
    row("engine at " + s + ": cases/s (commands/s)", fixed(d["median_cases_per_s"]) + " (" + fixed(d["median_commands_per_s"], 0) + ")");
    row("engine at " + s + ": command p50 / p99", fixed(d["median_p50_us"], 0) + " / " + fixed(d["median_p99_us"], 0) + " µs");
    row("storage limit at " + s + ": cases/s (transactions/s)",
        fixed(d["median_storage_cases_per_s"]) + " (" + fixed(d["median_storage_tx_per_s"], 0) + ")");
    std::string runs;
    for (const auto& run : d["runs"]) runs += (runs.empty() ? "" : ", ") + fixed(run["ratio_to_storage"], 2);
    row("engine / storage limit at " + s, fixed(d["median_ratio_to_storage"], 2) + " (runs: " + runs + ")");
    row("written per command: engine / storage limit at " + s + " (rows " + fixed(d["median_rows_per_command"], 1) + ")",
        fixed(d["median_bytes_written_per_command"].get<double>() / 1024.0, 1) + " / " +
            fixed(d["median_storage_bytes_written_per_tx"].get<double>() / 1024.0, 1) + " KB");
  }
  for (const auto& p : r.value("peer", json::array()))
    row("bpmn-engine " + p["mode"].get<std::string>() + ": cases/s (RSS)",
        fixed(p["median_cases_per_s"]) + " (" + fixed(p["median_rss_mb"]) + " MB)");
  for (const auto& s : r.value("scale", json::array())) {
    std::string n = std::to_string(s["cases"].get<long>()) + " cases, " + std::to_string(s["audit_records"].get<long>()) + " records";
    row("inbox of a role, first page / whole scan (" + n + ")", fixed(s["inbox_ms"], 2) + " / " + fixed(s["inbox_scan_ms"], 2) + " ms");
    row("one case's trail (" + n + ")", fixed(s["case_trail_ms"], 3) + " ms, " + fixed(s["case_trail_records"], 1) + " records");
    row("audit verify (" + n + ")", fixed(s["verify_seconds"], 2) + " s, " + (s["verify_ok"].get<bool>() ? "chain ok" : "FAILED"));
    row("on disk (" + n + ")", fixed(s["db_mb"]) + " MB, " + fixed(s["kb_per_case"], 2) + " KB a case");
  }
  for (const auto& o : r.value("open", json::array()))
    row("inbox of a role, first page / whole scan (" + std::to_string(o["cases"].get<long>()) + " open cases, " +
            std::to_string(o["live_tasks"].get<long>()) + " open tasks)",
        fixed(o["inbox_ms"], 2) + " / " + fixed(o["inbox_scan_ms"], 2) + " ms");
  if (r.contains("decisions")) {
    const auto& d = r["decisions"];
    row("risk table (samples/risk-level.dmn, " + std::to_string(d["rules"].get<int>()) + " rules): decisions/s; as " +
            std::to_string(d["conditions"].get<int>()) + " gateway conditions; ratio",
        fixed(d["decisions_per_s"], 0) + "; " + fixed(d["gateway_per_s"], 0) + "; " + fixed(d["ratio"], 2));
  }
  if (r.contains("validate")) {
    const auto& v = r["validate"];
    row("validate " + std::to_string(v["nodes"].get<int>()) + " nodes", fixed(v["validate_ms"]) + " ms");
    row("deploy (validate + store) " + std::to_string(v["nodes"].get<int>()) + " nodes", fixed(v["deploy_ms"]) + " ms");
  }
  for (const auto& w : r.value("wide", json::array()))
    row("wide join: one start through " + std::to_string(w["branches"].get<int>()) + " parallel branches", fixed(w["start_ms"], 1) + " ms");
  if (r.contains("serve")) {
    const auto& s = r["serve"];
    row("fsync limit (one-row transactions at FULL)", fixed(s["fsync_limit_tx_per_s"], 0) + " tx/s");
    for (const auto& g : s["group_commit"])
      row("serve at FULL, " + std::to_string(g["clients"].get<int>()) + " clients: completions/s (p50 / p99)",
          fixed(g["commands_per_s"], 0) + " (" + fixed(g["p50_ms"], 1) + " / " + fixed(g["p99_ms"], 1) + " ms), " +
              std::to_string(g["failures"].get<long>()) + " failed");
    row("serve peak RSS, " + std::to_string(s["active_cases"].get<long>()) + " open cases, 4 people paging (" +
            std::to_string(s.value("listed_items", 0L)) + " items read)",
        fixed(s["serve_rss_peak_mb"]) + " MB");
    row("serve peak RSS, 64 writers, no list reads", fixed(s["serve_64_threads_rss_peak_mb"]) + " MB");
  }
  if (r.contains("postgres")) {
    const auto& p = r["postgres"];
    const std::string load = std::to_string(p["clients"].get<int>()) + " clients, FULL";
    const auto& base = p["sqlite"];
    row("SQLite, 1 node, " + load + ": completions/s (p50 / p99)",
        fixed(base["commands_per_s"], 0) + " (" + fixed(base["p50_ms"], 1) + " / " + fixed(base["p99_ms"], 1) + " ms), " +
            std::to_string(base["failures"].get<long>()) + " failed");
    for (const auto& n : p["nodes"])
      row("PostgreSQL, " + std::to_string(n["nodes"].get<int>()) + " node" + (n["nodes"].get<int>() > 1 ? "s" : "") + ", " +
              (n.value("tenants", 1) > 1 ? "each its own tenant" : std::string("one tenant")) + ", " + load +
              ": completions/s (p50 / p99), ratio to SQLite",
          fixed(n["commands_per_s"], 0) + " (" + fixed(n["p50_ms"], 1) + " / " + fixed(n["p99_ms"], 1) + " ms), " +
              std::to_string(n["failures"].get<long>()) + " failed, " + fixed(n["ratio_to_sqlite"], 2) + "×");
  }
  out << "\n| target | value | wanted | verdict |\n|---|---|---|---|\n";
  for (const auto& t : r.value("targets", json::array()))
    out << "| " << t["name"].get<std::string>() << " | " << fixed(t["value"], 2) << " | " << t["target"].get<std::string>() << " | "
        << (t["met"].get<bool>() ? "met" : "MISSED") << " |\n";
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("raciflow-bench options");
  options.add_options()("help,h", "show this help")(
      "sections", po::value<std::string>()->default_value("durable,peer,scale,open,validate,decisions,wide,serve,postgres"), "which sections to run")(
      "cases", po::value<long>()->default_value(1000), "cases per durable run")(
      "repeat", po::value<int>()->default_value(3), "runs of each durable and peer figure (medians are reported)")(
      "scale", po::value<std::string>()->default_value("1000,10000,100000"), "database sizes in cases")(
      "open", po::value<long>()->default_value(500), "open cases in each scale database")(
      "open-cases", po::value<std::string>()->default_value("85000"), "sizes of the open-work databases (inbox among all roles' tasks)")(
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
    if (wants("open")) {
      results["open"] = json::array();
      for (const auto& n : split(vm["open-cases"].as<std::string>()))
        results["open"].push_back(open_point(work, bench_dir, std::stol(n)));
    }
    if (wants("validate")) results["validate"] = validate_big(work, bench_dir, 10000, 5);
    if (wants("decisions")) {
      results["decisions"] = decision_throughput(bench_dir + "/../samples/risk-level.dmn", 20000, 3);
      progress("risk table: " + std::to_string(results["decisions"]["decisions_per_s"].get<double>()) + " decisions/s");
    }
    if (wants("wide")) results["wide"] = wide_join(work, bench_dir, 5);
    if (wants("serve")) {
      ServerBenchOptions o;
      o.raciflow = vm["raciflow"].as<std::string>();
      if (o.raciflow.empty()) throw std::runtime_error("--raciflow PATH is needed for the serve section");
      o.bench_dir = bench_dir;
      o.work_dir = work;
      o.active_cases = vm["active"].as<long>();
      results["serve"] = run_server_bench(o, progress);
    }
    if (wants("postgres")) {
      PostgresBenchOptions o;
      o.raciflow = vm["raciflow"].as<std::string>();
      if (o.raciflow.empty()) throw std::runtime_error("--raciflow PATH is needed for the postgres section");
      o.bench_dir = bench_dir;
      o.work_dir = work;
      results["postgres"] = run_postgres_bench(o, progress);
    }
    results["targets"] = targets_of(results);
    std::ofstream(vm["out"].as<std::string>()) << results.dump(2) << "\n";
    print_table(results, std::cout);
    if (own_work) std::filesystem::remove_all(work);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "raciflow-bench: " << e.what() << "\n";
    return 1;
  }
}
