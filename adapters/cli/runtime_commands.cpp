// The commands that run cases against the database: deploy, org, start, message, tasks,
// claim, unclaim, complete, consult, tick, show, cases, cancel, retry, audit, outbox.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <ostream>
#include <regex>

#include <nlohmann/json.hpp>

#include "adapters/cli/cli.h"
#include "adapters/cli/command.h"
#include "adapters/cli/progress.h"
#include "adapters/cli/session.h"
#include "adapters/render/runtime_render.h"
#include "runtime/json_input.h"
#include "runtime/runtime.h"
#include "runtime/pg_store.h"
#include "runtime/sqlite_store.h"

namespace raciflow::cli {

using nlohmann::json;
using runtime::Runtime;
using runtime::Store;

namespace {

// A failure the user caused: one line, exit 1.
struct Failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --var NAME=VALUE...: VALUE is JSON when it parses as JSON, else a string. `dmn_names`:
// NAME may be a DMN name, which may hold spaces ('Monthly Salary=10000').
json parse_vars(const po::variables_map& vm, bool dmn_names = false) {
  json vars = json::object();
  if (!vm.count("var")) return vars;
  static const std::regex name_pattern("[A-Za-z_][A-Za-z0-9_]*");
  static const std::regex dmn_name_pattern("[^\\s=.\\x00-\\x1f][^=.\\x00-\\x1f]{0,199}");
  for (const auto& v : vm["var"].as<std::vector<std::string>>()) {
    auto eq = v.find('=');
    if (eq == std::string::npos) throw Failed("--var '" + v + "' is not NAME=VALUE");
    std::string name = v.substr(0, eq), text = v.substr(eq + 1);
    if (dmn_names && (!std::regex_match(name, dmn_name_pattern) || name.back() == ' '))
      throw Failed("--var '" + v + "': '" + name + "' is not a name (it may hold spaces, but not '.', '=' or begin or end with a space)");
    if (!dmn_names && !std::regex_match(name, name_pattern))
      throw Failed("--var '" + v + "': '" + name + "' is not a variable name (letters, digits and _, not first a digit)");
    if (vars.contains(name)) throw Failed("--var " + name + " is given twice");
    if (runtime::text_nests_deeper_than(text, runtime::kMaxJsonDepth))
      throw Failed("--var " + name + " nests arrays and objects deeper than " + std::to_string(runtime::kMaxJsonDepth) + " levels");
    json value = json::parse(text, nullptr, false);
    vars[name] = value.is_discarded() ? json(text) : value;
  }
  return vars;
}

std::int64_t task_id(const po::variables_map& vm) {
  const auto& text = vm["task"].as<std::string>();
  static const std::regex digits("[1-9][0-9]{0,17}");
  if (!std::regex_match(text, digits)) throw Failed("'" + text + "' is not a task id (a number, as 'raciflow tasks' shows)");
  return std::stoll(text);
}


void lines(std::ostream& out, const std::vector<std::string>& items) {
  for (const auto& i : items) out << i << "\n";
}

// Runs `body` on a session that may create the database; when the command fails on a
// database it created, the file goes again, so that bad input leaves nothing behind.
template <typename F>
int creating(const Globals& g, F body) {
  clock_now(g);
  std::error_code ec;
  bool fresh = !std::filesystem::exists(g.db, ec);
  try {
    Session s(g, true);
    return body(s);
  } catch (...) {
    if (fresh)
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(g.db + suffix, ec);
    throw;
  }
}

int cmd_deploy(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream& err) {
  return creating(g, [&](Session& s) {
    for (const auto& d : s.runtime->deploy(vm["file"].as<std::vector<std::string>>(), operator_name(vm))) {
      out << d.process << "@" << d.version << (d.form ? " (form)" : d.decisions ? " (decision model)" : "") << "\n";
      for (const auto& w : d.warnings) err << w << "\n";
    }
    return kExitOk;
  });
}

int cmd_org(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  auto args = vm["args"].as<std::vector<std::string>>();
  const std::string& verb = args.front();
  if (verb == "load") {
    if (args.size() != 2) throw UsageError{"org load takes one FILE"};
    return creating(g, [&](Session& s) {
      auto org = s.runtime->load_organisation(args[1], operator_name(vm));
      out << "loaded " << org.name << ": " << org.roles.size() << " roles, " << org.people.size() << " people\n";
      return kExitOk;
    });
  }
  if (verb == "show") {
    if (args.size() != 1) throw UsageError{"org show takes no arguments"};
    Session s(g, false);
    auto org = s.runtime->organisation();
    if (!org) throw Failed("no organisation is loaded; run 'raciflow org load FILE' first");
    if (vm.count("json"))
      out << runtime::to_json(*org).dump(2) << "\n";
    else
      out << render::organisation_text(*org);
    return kExitOk;
  }
  throw UsageError{"unknown org command '" + verb + "' (load, show)"};
}

int cmd_start(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  json vars = parse_vars(vm);
  Session s(g, false);
  out << s.runtime->start(vm["process"].as<std::string>(), vm["as"].as<std::string>(), vars,
                          vm.count("key") ? vm["key"].as<std::string>() : "")
      << "\n";
  return kExitOk;
}

int cmd_message(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  json vars = parse_vars(vm);
  Session s(g, false);
  lines(out, s.runtime->message(vm["name"].as<std::string>(), vm["as"].as<std::string>(),
                                vm.count("key") ? vm["key"].as<std::string>() : "", vars));
  return kExitOk;
}

int cmd_signal(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream& err) {
  json vars = parse_vars(vm);
  Session s(g, false);
  const auto& name = vm["name"].as<std::string>();
  auto reached = s.runtime->signal(name, vm["as"].as<std::string>(), vars);
  for (const auto& id : reached.continued) out << id << " continued\n";
  for (const auto& id : reached.started) out << id << " started\n";
  if (reached.continued.empty() && reached.started.empty())
    err << "raciflow signal: no case waits for signal '" << name << "' and no process starts with it: the signal is lost\n";
  return kExitOk;
}

int cmd_tasks(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  Session s(g, false);
  runtime::TaskFilter filter;
  if (vm.count("case")) {
    filter.case_id = vm["case"].as<std::string>();
    if (!s.store->find_case(filter.case_id)) throw Failed("no case '" + filter.case_id + "'");
  }
  filter.include_closed = vm.count("all") > 0;
  // The roles whose inbox is shown: --role, or the roles of --person.
  std::vector<std::string> roles, principals;
  std::string person;
  bool filtered = vm.count("role") || vm.count("person");
  if (vm.count("role")) {
    const auto& role = vm["role"].as<std::string>();
    auto org = s.store->organisation();
    if (org && !org->find_role(role)) {
      std::string known;
      for (const auto& r : org->roles) known += (known.empty() ? "" : ", ") + r.id;
      throw Failed("unknown role '" + role + "' (roles: " + known + ")");
    }
    roles.push_back(role);
  }
  if (vm.count("person")) {
    person = vm["person"].as<std::string>();
    auto org = s.store->organisation();
    if (!org) throw Failed("no organisation is loaded; run 'raciflow org load FILE' first");
    const auto* p = org->find_person(person);
    if (!p) throw Failed("unknown person '" + person + "' (not in the organisation '" + org->name + "')");
    if (!vm.count("role")) {
      // Today's substitute also has the work of the roles of the person away.
      auto delegated = s.runtime->delegations(person);
      roles = runtime::roles_today(p->roles, delegated);
      for (const auto& d : delegated) principals.push_back(d.principal);
    }
  }
  std::vector<runtime::TaskRow> shown;
  std::vector<std::string> inbox;
  std::string node = vm.count("node") ? vm["node"].as<std::string>() : "";
  if (filtered && !filter.include_closed) {  // an inbox of live tasks: from the inbox index
    filter.inbox = true;
    filter.roles = roles;
    filter.person = person;
    filter.claimed_by = principals;
  }
  for (auto& t : s.store->tasks(filter)) {
    if (!node.empty() && t.task.node_id != node) continue;
    std::string why = filtered ? runtime::inbox_reason(t.task, roles, person, principals) : "";
    if (filtered && why.empty()) continue;
    shown.push_back(std::move(t));
    inbox.push_back(why);
  }
  if (vm.count("ids")) {
    for (const auto& t : shown) out << t.id << "\n";
  } else if (vm.count("json")) {
    json array = json::array();
    for (std::size_t i = 0; i < shown.size(); ++i) array.push_back(render::task_json(shown[i], inbox[i]));
    out << array.dump(2) << "\n";
  } else {
    out << render::tasks_table(shown, inbox);
  }
  return kExitOk;
}

int cmd_claim(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  auto id = task_id(vm);
  Session s(g, false);
  s.runtime->claim(id, vm["as"].as<std::string>());
  out << "task " << id << " claimed by " << vm["as"].as<std::string>() << "\n";
  return kExitOk;
}

int cmd_unclaim(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  auto id = task_id(vm);
  Session s(g, false);
  s.runtime->unclaim(id, vm["as"].as<std::string>());
  out << "task " << id << " is open again\n";
  return kExitOk;
}

int cmd_complete(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  auto id = task_id(vm);
  json vars = parse_vars(vm);
  if (vm.count("form-data")) {
    // What a form submits, as JSON: what the browser sends, checked the same way.
    const auto& path = vm["form-data"].as<std::string>();
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) > runtime::kMaxVariableBytes || ec)
      throw Failed(path + (ec ? ": cannot be read" : ": larger than " + std::to_string(runtime::kMaxVariableBytes) + " bytes"));
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string why;
    auto data = runtime::parse_json_input(text, why);
    if (!data || !data->is_object()) throw Failed(path + (data ? " is not a JSON object" : " " + why));
    for (const auto& [name, value] : data->items()) {
      if (vars.contains(name)) throw Failed("'" + name + "' is both in --var and in " + path);
      vars[name] = value;
    }
  }
  Session s(g, false);
  s.runtime->complete(id, vm["as"].as<std::string>(), vars);
  out << "task " << id << " completed by " << vm["as"].as<std::string>() << "\n";
  return kExitOk;
}

int cmd_consult(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  auto id = task_id(vm);
  Session s(g, false);
  s.runtime->consult(id, vm["as"].as<std::string>(), vm["answer"].as<std::string>());
  out << "task " << id << ": answer recorded from " << vm["as"].as<std::string>() << "\n";
  return kExitOk;
}

int cmd_waive(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  auto id = task_id(vm);
  Session s(g, false);
  s.runtime->waive(id, vm["as"].as<std::string>(), vm["reason"].as<std::string>());
  out << "task " << id << ": consultation waived by " << vm["as"].as<std::string>() << "\n";
  return kExitOk;
}

int cmd_tick(const po::variables_map&, const Globals& g, std::ostream& out, std::ostream&) {
  Session s(g, false);
  lines(out, s.runtime->tick());
  return kExitOk;
}

int cmd_decide(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  json vars = parse_vars(vm, true);
  Session s(g, false);
  auto answer = s.runtime->decide(vm["decision"].as<std::string>(), vars);
  if (vm.count("json")) {
    out << json{{"decision", answer.decision}, {"name", answer.name}, {"model", answer.model}, {"version", answer.version},
                {"result", answer.result}, {"inputs", answer.inputs}, {"matched", answer.matched}}
               .dump(2)
        << "\n";
    return kExitOk;
  }
  out << (answer.name.empty() ? answer.decision : answer.name + " (" + answer.decision + ")") << ", decision model " << answer.model << "@"
      << answer.version << "\n";
  out << "result: " << answer.result.dump() << "\n";
  if (answer.matched.empty()) out << "matched: no rule\n";
  for (const auto& m : answer.matched)
    out << "matched: rule " << m["rule"].get<int>() << (m.contains("id") ? " (" + m["id"].get<std::string>() + ")" : "") << " of "
        << m["decision"].get<std::string>() << "\n";
  return kExitOk;
}

int cmd_show(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  Session s(g, false);
  const auto& id = vm["case"].as<std::string>();
  auto view = s.runtime->show(id);
  auto tasks = s.store->tasks({id, true});
  if (vm.count("json"))
    out << render::case_json(view, tasks).dump(2) << "\n";
  else
    out << render::case_text(view, tasks);
  return kExitOk;
}

int cmd_cases(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  std::string status = vm.count("status") ? vm["status"].as<std::string>() : "";
  static const std::set<std::string> known = {"", "active", "completed", "terminated", "cancelled", "incident"};
  if (!known.count(status))
    throw UsageError{"unknown --status '" + status + "' (active, completed, terminated, cancelled, incident)"};
  Session s(g, false);
  auto rows = s.store->cases(status, vm.count("process") ? vm["process"].as<std::string>() : "");
  if (vm.count("json")) {
    json array = json::array();
    for (const auto& r : rows) array.push_back(render::case_row_json(r));
    out << array.dump(2) << "\n";
  } else {
    out << render::cases_table(rows);
  }
  return kExitOk;
}

int cmd_cancel(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  Session s(g, false);
  const auto& id = vm["case"].as<std::string>();
  s.runtime->cancel(id, vm["as"].as<std::string>(), vm["reason"].as<std::string>());
  out << "case " << id << " cancelled\n";
  return kExitOk;
}

int cmd_retry(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  json vars = parse_vars(vm);
  Session s(g, false);
  const auto& id = vm["case"].as<std::string>();
  s.runtime->retry(id, vm["as"].as<std::string>(), vars);
  out << "case " << id << " is " << s.store->find_case(id)->status << "\n";
  return kExitOk;
}

int cmd_audit(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream& err) {
  const auto& target = vm["case"].as<std::string>();
  const auto& format = vm["format"].as<std::string>();
  if (format != "table" && format != "csv" && format != "json") throw UsageError{"unknown --format '" + format + "' (table, csv, json)"};
  Session s(g, false);
  if (target == "verify") {
    Progress progress("audit verify: records checked", vm.count("quiet") > 0);
    auto report = s.runtime->verify([&](std::int64_t done, std::int64_t total) { progress(done, total); });
    progress.clear();
    if (!report.ok()) {
      err << "raciflow audit verify: " << report.problems.front() << "\n";
      return kExitFailed;
    }
    out << "ok: " << report.records << (report.records == 1 ? " record" : " records") << " in an unbroken chain; " << report.cases
        << (report.cases == 1 ? " case replays to its stored state\n" : " cases replay to their stored state\n");
    return kExitOk;
  }
  bool all = target == "all";
  if (!all && !s.store->find_case(target)) throw Failed("no case '" + target + "'");
  // CSV and JSON are written a record at a time (a whole trail need not fit in memory);
  // the table measures its columns over all records first.
  std::vector<runtime::AuditRecord> records;
  bool first = true;
  if (format == "csv") out << render::audit_csv_header();
  if (format == "json") out << "[";
  s.store->scan_records(all ? "" : target, [&](const runtime::AuditRecord& r) {
    if (format == "csv") {
      out << render::audit_csv_line(r);
    } else if (format == "json") {
      // As the whole array's dump(2) would print it: each record indented by two spaces.
      std::string text = render::audit_json(r).dump(2);
      out << (first ? "\n  " : ",\n  ");
      for (char ch : text) {
        out << ch;
        if (ch == '\n') out << "  ";
      }
    } else {
      records.push_back(r);
    }
    first = false;
  });
  if (format == "json") out << (first ? "]\n" : "\n]\n");
  if (format == "table") out << render::audit_table(records);
  return kExitOk;
}

int cmd_outbox(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  Session s(g, false);
  auto items = s.store->outbox(vm.count("all") ? "" : "pending");
  if (vm.count("json")) {
    json array = json::array();
    for (const auto& i : items) array.push_back(render::outbox_json(i));
    out << array.dump(2) << "\n";
  } else {
    out << render::outbox_table(items);
  }
  return kExitOk;
}

void as_option(po::options_description& o) { o.add_options()("as", po::value<std::string>()->required(), "the person acting"); }
void var_option(po::options_description& o) {
  o.add_options()("var", po::value<std::vector<std::string>>()->composing(),
                  "NAME=VALUE, repeatable; VALUE is JSON when it parses as JSON, else a string");
}
void task_positional(po::options_description& o) { o.add_options()("task", po::value<std::string>()->required(), "task id"); }
void case_positional(po::options_description& o) { o.add_options()("case", po::value<std::string>()->required(), "case id"); }

}  // namespace

definitions::TimePoint clock_now(const Globals& g) {
  if (!g.clock) return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  std::string why;
  auto t = definitions::parse_date_time(*g.clock, &why);
  if (!t) throw UsageError{"--clock '" + *g.clock + "' is not an ISO 8601 date-time (" + why + ")"};
  return *t;
}

std::unique_ptr<Store> open_store(const Globals& g, bool create) {
  if (runtime::is_postgres_uri(g.db)) {
    runtime::PgOptions options;
    options.tenant = g.tenant;
    options.synchronous = g.synchronous;
    options.create = create;
    static const char* const kSync[] = {"OFF", "NORMAL", "FULL", "EXTRA"};
    if (std::find(std::begin(kSync), std::end(kSync), g.synchronous) == std::end(kSync))
      throw runtime::StoreError("unknown synchronous mode '" + g.synchronous + "' (OFF, NORMAL, FULL, EXTRA)");
    return runtime::open_postgres_store(g.db, options);
  }
  if (!g.tenant.empty())
    throw UsageError{"--tenant names an organisation in a PostgreSQL database; " + g.db + " is a SQLite file, one organisation"};
  runtime::SqliteOptions options;
  options.create = create;
  options.synchronous = g.synchronous;
  if (const char* ms = std::getenv("RACIFLOW_BUSY_TIMEOUT_MS")) options.busy_timeout_ms = std::atoi(ms);
  return runtime::open_sqlite_store(g.db, options);
}

// Who runs a command that does not name a person: --as, else the login name.
std::string operator_name(const po::variables_map& vm) {
  if (vm.count("as")) return vm["as"].as<std::string>();
  const char* user = std::getenv("USER");
  return user && *user ? user : "unknown";
}

void add_runtime_commands(std::map<std::string, Command>& t) {
  t["deploy"] = {"deploy definition files, the form-js forms (.form) their tasks show and the DMN decision models (.dmn) they evaluate; prints "
                 "PROCESS_ID@VERSION per executable process, FORM_ID@VERSION (form) per form, MODEL_ID@VERSION (decision model) per DMN file",
                 "raciflow deploy FILE... [--as PERSON]",
                 [](po::options_description& o) {
                   o.add_options()("as", po::value<std::string>(), "who deploys (default: the login name)")(
                       "file", po::value<std::vector<std::string>>()->required(), "definition files");
                 },
                 cmd_deploy};
  t["decide"] = {"evaluate a deployed DMN decision (by id or name) over the variables given; prints the result and the rules that matched",
                 "raciflow decide DECISION [--var NAME=VALUE]... [--json]",
                 [](po::options_description& o) {
                   o.add_options()("var", po::value<std::vector<std::string>>()->composing(),
                                   "NAME=VALUE, repeatable; NAME may hold spaces (DMN names do); VALUE is JSON when it parses as JSON, "
                                   "else a string")("json", "print {decision, name, model, version, result, inputs, matched} as JSON")(
                       "decision", po::value<std::string>()->required(), "the decision's id or name");
                 },
                 cmd_decide, "decision", "DECISION"};
  t["org"] = {"load or show the organisation: roles and the people who hold them",
              "raciflow org load FILE [--as PERSON] | raciflow org show [--json]",
              [](po::options_description& o) {
                o.add_options()("as", po::value<std::string>(), "who loads (default: the login name)")(
                    "json", "print the organisation as JSON")("args", po::value<std::vector<std::string>>()->required(), "load FILE | show");
              },
              cmd_org, "args", "'load FILE' or 'show'"};
  t["start"] = {"start a case of the latest version of a process; prints the case id",
                "raciflow start PROCESS_ID --as PERSON [--var NAME=VALUE]... [--key KEY]",
                [](po::options_description& o) {
                  as_option(o);
                  var_option(o);
                  o.add_options()("key", po::value<std::string>(), "correlation key for later messages")(
                      "process", po::value<std::string>()->required(), "process id");
                },
                cmd_start, "process", "PROCESS_ID"};
  t["message"] = {"deliver a message: continue the cases waiting for it, or start the processes it starts",
                  "raciflow message NAME --as PERSON [--key KEY] [--var NAME=VALUE]...",
                  [](po::options_description& o) {
                    as_option(o);
                    var_option(o);
                    o.add_options()("key", po::value<std::string>(), "only cases with this correlation key")(
                        "name", po::value<std::string>()->required(), "message name");
                  },
                  cmd_message, "name", "NAME"};
  t["signal"] = {"broadcast a signal: every case waiting for it takes it, every process it starts starts",
                 "raciflow signal NAME --as PERSON [--var NAME=VALUE]...",
                 [](po::options_description& o) {
                   as_option(o);
                   var_option(o);
                   o.add_options()("name", po::value<std::string>()->required(), "signal name");
                 },
                 cmd_signal, "name", "NAME"};
  t["tasks"] = {"list tasks: open ones by default, by case, role or person",
                "raciflow tasks [--case ID] [--role ROLE] [--person PERSON] [--node STEP] [--all] [--json | --ids]",
                [](po::options_description& o) {
                  o.add_options()("case", po::value<std::string>(), "only this case")(
                      "role", po::value<std::string>(), "the inbox of a role: Responsible, or still to be consulted")(
                      "person", po::value<std::string>(), "the inbox of a person's roles, and tasks they claimed")(
                      "node", po::value<std::string>(), "only tasks at this step (node id)")(
                      "all", "completed and cancelled tasks too")("json", "print a JSON array")(
                      "ids", "print only the task ids, one per line (for scripts)");
                },
                cmd_tasks, ""};
  t["claim"] = {"claim an open task", "raciflow claim TASK --as PERSON",
                [](po::options_description& o) { as_option(o); task_positional(o); }, cmd_claim, "task", "TASK"};
  t["unclaim"] = {"give a claimed task back", "raciflow unclaim TASK --as PERSON",
                  [](po::options_description& o) { as_option(o); task_positional(o); }, cmd_unclaim, "task", "TASK"};
  t["complete"] = {"complete a task, setting variables; a step with a form checks them against it",
                   "raciflow complete TASK --as PERSON [--var NAME=VALUE]... [--form-data FILE.json]",
                   [](po::options_description& o) {
                     as_option(o);
                     var_option(o);
                     o.add_options()("form-data", po::value<std::string>(), "the form's data as a JSON object");
                     task_positional(o);
                   },
                   cmd_complete, "task", "TASK"};
  t["consult"] = {"answer a consultation on a task", "raciflow consult TASK --as PERSON --answer TEXT",
                  [](po::options_description& o) {
                    as_option(o);
                    task_positional(o);
                    o.add_options()("answer", po::value<std::string>()->required(), "the answer");
                  },
                  cmd_consult, "task", "TASK"};
  t["waive"] = {"as the task's Accountable, waive its unanswered consultations, with a reason",
                "raciflow waive TASK --as PERSON --reason TEXT",
                [](po::options_description& o) {
                  as_option(o);
                  task_positional(o);
                  o.add_options()("reason", po::value<std::string>()->required(), "why the step may complete without them");
                },
                cmd_waive, "task", "TASK"};
  t["tick"] = {"fire every timer, escalation and timer start due now; prints the cases touched", "raciflow tick",
               [](po::options_description&) {}, cmd_tick, ""};
  t["show"] = {"show a case: status, variables, active steps, tasks, incident", "raciflow show CASE [--json]",
               [](po::options_description& o) {
                 o.add_options()("json", "print JSON");
                 case_positional(o);
               },
               cmd_show, "case", "CASE"};
  t["cases"] = {"list cases", "raciflow cases [--status S] [--process P] [--json]",
                [](po::options_description& o) {
                  o.add_options()("status", po::value<std::string>(), "active, completed, terminated, cancelled or incident")(
                      "process", po::value<std::string>(), "only this process")("json", "print a JSON array");
                },
                cmd_cases, ""};
  t["cancel"] = {"cancel a case", "raciflow cancel CASE --as PERSON --reason TEXT",
                 [](po::options_description& o) {
                   as_option(o);
                   case_positional(o);
                   o.add_options()("reason", po::value<std::string>()->required(), "why");
                 },
                 cmd_cancel, "case", "CASE"};
  t["retry"] = {"resolve a case's incident: set variables, then retry the step", "raciflow retry CASE --as PERSON [--var NAME=VALUE]...",
                [](po::options_description& o) {
                  as_option(o);
                  var_option(o);
                  case_positional(o);
                },
                cmd_retry, "case", "CASE"};
  t["audit"] = {"print a case's audit trail, or verify the whole trail",
                "raciflow audit CASE|all [--format table|csv|json] | raciflow audit verify [--quiet]",
                [](po::options_description& o) {
                  o.add_options()("format", po::value<std::string>()->default_value("table"), "table, csv or json")(
                      "quiet", "verify: no progress line on the terminal");
                  case_positional(o);
                },
                cmd_audit, "case", "CASE, 'all' or 'verify'"};
  t["outbox"] = {"list notifications waiting for delivery (informed, escalation, consultation)", "raciflow outbox [--all] [--json]",
                 [](po::options_description& o) {
                   o.add_options()("all", "delivered ones too")("json", "print a JSON array");
                 },
                 cmd_outbox, ""};
}

}  // namespace raciflow::cli
