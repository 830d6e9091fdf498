#include "runtime/runtime.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "definitions/definition_set.h"
#include "definitions/loader.h"
#include "runtime/access.h"
#include "runtime/accounts.h"
#include "runtime/json_input.h"
#include "runtime/runtime_internal.h"

namespace raciflow::runtime {

using definitions::NodeKind;
using definitions::TimePoint;
using engine::Actor;
using engine::CaseState;
using engine::Event;
using engine::EventKind;
using nlohmann::json;
namespace cmd = engine::command;

namespace {

// Calls and messages may chain cases into each other; a definition that calls itself
// without end is stopped here, and the whole command is refused.
constexpr int kMaxDepth = 32;
// Catching up a timer start cycle after a long pause starts at most this many cases.
constexpr int kMaxStartsPerTimer = 1000;


std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string task_label(std::int64_t id) { return "task " + std::to_string(id); }

}  // namespace

Runtime::Runtime(Store& store, TimePoint now) : store_(store), now_(now) {}
Runtime::~Runtime() = default;

std::string Runtime::now_text() const { return definitions::format_date_time(now_); }

std::string inbox_reason(const engine::Task& t, const std::vector<std::string>& roles, const std::string& person) {
  auto held = [&](const std::string& role) { return std::find(roles.begin(), roles.end(), role) != roles.end(); };
  bool responsible = std::any_of(t.responsible.begin(), t.responsible.end(), held);
  if (!person.empty() && t.assignee == person) return "responsible";
  if (responsible && (t.assignee.empty() || person.empty())) return "responsible";
  bool live = t.status == engine::TaskStatus::open || t.status == engine::TaskStatus::claimed;
  for (const auto& c : t.consultations)
    if (live && c.answered_by.empty() && held(c.role)) return "consulted";
  return "";
}

// --- audit -------------------------------------------------------------------------------

void Runtime::append(AuditRecord r) { append_chained(store_, {std::move(r)}); }

namespace {
// How a signal subscription is kept beside message subscriptions in the store: a unit
// separator cannot occur in a name from an XML file, so no message name is taken for it.
std::string signal_key(const std::string& signal) { return "\x1fsignal:" + signal; }
}  // namespace

// --- definitions -------------------------------------------------------------------------

const Runtime::Flow& Runtime::flow(const std::string& process, int version) {
  auto key = std::make_pair(process, version);
  if (auto it = flows_.find(key); it != flows_.end()) return *it->second;
  auto stored = store_.definition(process, version);
  if (!stored) throw Refused("process " + process + "@" + std::to_string(version) + " is not deployed");
  definitions::Diagnostics diagnostics(stored->file);
  auto loaded = definitions::load_text(stored->source, stored->file, diagnostics);
  const definitions::Process* p = loaded ? loaded->find_process(process) : nullptr;
  if (!p || diagnostics.has_errors())
    throw std::runtime_error("the stored definition of " + process + "@" + std::to_string(version) + " no longer loads");
  auto f = std::make_unique<Flow>();
  f->definitions = std::make_unique<definitions::Definitions>(std::move(*loaded));
  f->executable = std::make_unique<engine::ExecutableProcess>(*f->definitions, *f->definitions->find_process(process), version);
  f->engine = std::make_unique<engine::Engine>(*f->executable);
  return *flows_.emplace(key, std::move(f)).first->second;
}

namespace {
// The loaded organisation's role ids, which RACI attributes may name besides the lanes'.
std::optional<std::set<std::string>> role_ids(const std::optional<Organisation>& org) {
  if (!org) return std::nullopt;
  std::set<std::string> ids;
  for (const auto& r : org->roles) ids.insert(r.id);
  return ids;
}
const std::set<std::string>* or_null(const std::optional<std::set<std::string>>& s) { return s ? &*s : nullptr; }
}  // namespace

std::vector<Deployed> Runtime::deploy(const std::vector<std::string>& paths, const std::string& actor) {
  auto roles = role_ids(store_.organisation());
  auto files = definitions::load_and_validate(paths, /*resolve_calls=*/false, or_null(roles));
  std::vector<std::string> sources;
  for (const auto& path : paths) sources.push_back(read_bytes(path));
  return deploy_loaded(files, paths, sources, actor);
}

std::vector<Deployed> Runtime::deploy_text(const std::string& name, const std::string& text, const std::string& actor) {
  auto roles = role_ids(store_.organisation());
  return deploy_loaded(definitions::load_and_validate_texts({name}, {text}, false, or_null(roles)), {name}, {text}, actor);
}

definitions::Diagnostics Runtime::check_text(const std::string& name, const std::string& text) {
  auto roles = role_ids(store_.organisation());
  auto files = definitions::load_and_validate_texts({name}, {text}, false, or_null(roles));
  definitions::Diagnostics out = files.front().diagnostics;
  if (!files.front().definitions || out.has_errors()) return out;
  const auto& defs = *files.front().definitions;
  for (const auto& p : defs.processes) {
    if (!p.executable || p.nodes.empty()) continue;
    for (const auto& problem : engine::check_executable(p)) out.error(problem.line, problem.message);
    for (const auto& n : p.nodes)
      if (n.kind == NodeKind::call_activity && !defs.find_process(n.called_element) && !store_.latest_definition(n.called_element))
        out.error(n.line, n.id, "call activity '" + n.id + "' calls process '" + n.called_element + "', which is neither deployed nor in this file");
  }
  out.sort_by_line();
  return out;
}

std::vector<Runtime::Candidate> Runtime::deploy_candidates(const std::vector<definitions::LoadedFile>& files,
                                                           const std::vector<std::string>& paths,
                                                           const std::vector<std::string>& sources) {
  for (const auto& file : files)
    for (const auto& d : file.diagnostics.all())
      if (d.severity == definitions::Severity::error)
        throw Refused(d.format() + (file.diagnostics.error_count() > 1 ? " (and more; run 'raciflow validate')" : ""));
  std::vector<Candidate> candidates;
  std::set<std::string> in_batch;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& defs = *files[i].definitions;
    for (const auto& p : defs.processes) {
      if (!p.executable || p.nodes.empty()) continue;
      for (const auto& problem : engine::check_executable(p))
        throw Refused(paths[i] + ":" + std::to_string(problem.line) + ": error: " + problem.message);
      if (!in_batch.insert(p.id).second) throw Refused("process '" + p.id + "' is in more than one of the files");
      candidates.push_back({&p, paths[i], sources[i]});
    }
  }
  if (candidates.empty()) throw Refused("no executable process in " + paths.front() + (paths.size() > 1 ? " and the others" : ""));
  return candidates;
}

std::vector<Deployed> Runtime::deploy_loaded(const std::vector<definitions::LoadedFile>& files, const std::vector<std::string>& paths,
                                             const std::vector<std::string>& sources, const std::string& actor) {
  auto candidates = deploy_candidates(files, paths, sources);
  return transact([&] { return install(candidates, actor); });
}

std::vector<Deployed> Runtime::install(const std::vector<Candidate>& candidates, const std::string& actor) {
  std::set<std::string> in_batch;
  for (const auto& c : candidates) in_batch.insert(c.process->id);
  for (const auto& c : candidates)
    for (const auto& n : c.process->nodes)
      if (n.kind == NodeKind::call_activity && !in_batch.count(n.called_element) && !store_.latest_definition(n.called_element))
        throw Refused(c.file + ":" + std::to_string(n.line) + ": error: call activity '" + n.id + "' calls process '" +
                      n.called_element + "', which is neither deployed nor in these files");
  std::vector<Deployed> out;
  for (const auto& c : candidates) {
    std::string digest = sha256_hex(c.source);
    auto latest = store_.latest_definition(c.process->id);
    if (latest && latest->digest == digest) {
      out.push_back({c.process->id, latest->version, false});
      continue;
    }
    DefinitionVersion d{c.process->id, latest ? latest->version + 1 : 1, c.process->name, c.file, digest, c.source,
                        now_text(), actor};
    store_.add_definition(d);
    AuditRecord r;
    r.time = now_text();
    r.process = d.process;
    r.version = d.version;
    r.action = kDefinitionDeployed;
    r.actor = actor;
    r.data = json{{"file", d.file}, {"digest", digest}, {"name", d.name}}.dump();
    append(r);
    // Timer start events of the new version replace those of the old one.
    std::vector<StartTimer> timers;
    for (const auto& n : c.process->nodes) {
      if (n.kind != NodeKind::start_event || n.parent >= 0 || n.trigger != definitions::EventTrigger::timer || !n.timer)
        continue;
      const auto& t = *n.timer;
      StartTimer st{d.process, d.version, n.id, "", 0};
      if (t.kind == definitions::Timer::Kind::date) st.due = definitions::format_date_time(*t.date);
      if (t.kind == definitions::Timer::Kind::duration) st.due = definitions::format_date_time(t.duration->after(now_));
      if (t.kind == definitions::Timer::Kind::cycle) {
        const auto& cycle = *t.cycle;
        st.due = definitions::format_date_time(cycle.start && *cycle.start > now_ ? *cycle.start : cycle.interval.after(now_));
        st.remaining = cycle.repetitions ? *cycle.repetitions - 1 : -1;
      }
      timers.push_back(st);
    }
    store_.replace_start_timers(d.process, timers);
    out.push_back({d.process, d.version, true});
  }
  return out;
}

// --- organisation ------------------------------------------------------------------------

Organisation Runtime::load_organisation(const std::string& path, const std::string& actor) {
  definitions::Diagnostics diagnostics(path);
  return put_organisation(read_organisation(path, diagnostics), diagnostics, path, read_bytes(path), actor);
}

Organisation Runtime::load_organisation_text(const std::string& name, const std::string& text, const std::string& actor) {
  definitions::Diagnostics diagnostics(name);
  return put_organisation(parse_organisation(text, diagnostics), diagnostics, name, text, actor);
}

Organisation Runtime::put_organisation(const std::optional<Organisation>& org, const definitions::Diagnostics& diagnostics,
                                       const std::string& path, const std::string& bytes, const std::string& actor) {
  if (!org) {
    for (const auto& d : diagnostics.all())
      if (d.severity == definitions::Severity::error)
        throw Refused(d.format() + (diagnostics.error_count() > 1 ? " (and " + std::to_string(diagnostics.error_count() - 1) + " more)" : ""));
    throw Refused(path + ": not an organisation file");
  }
  return transact([&] {
    store_.put_organisation(*org);
    AuditRecord r;
    r.time = now_text();
    r.action = kOrganisationLoaded;
    r.actor = actor;
    r.data = json{{"file", path}, {"digest", sha256_hex(bytes)}, {"organisation", to_json(*org)}}.dump();
    append(r);
    return *org;
  });
}

Actor Runtime::actor(const std::string& person, const std::string& case_id, const std::string& node, const std::string& what) {
  auto org = store_.organisation();
  if (!org) throw Refused("no organisation is loaded; run 'raciflow org load FILE' first");
  const Person* p = org->find_person(person);
  if (!p) {
    std::string message = "unknown person '" + person + "' (not in the organisation '" + org->name + "')";
    if (case_id.empty()) throw Refused(message);
    auto row = store_.find_case(case_id);
    AuditRecord r;
    r.time = now_text();
    r.case_id = case_id;
    r.process = row ? row->process : "";
    r.version = row ? row->version : 0;
    r.node = node;
    r.action = engine::to_string(EventKind::command_refused);
    r.actor = person;
    r.data = json{{"command", what}, {"reason", message}}.dump();
    throw Denied(message, r);
  }
  return Actor{p->id, p->roles};
}

// --- cases -------------------------------------------------------------------------------

Runtime::Live Runtime::replay(const std::string& case_id) {
  auto row = store_.find_case(case_id);
  if (!row) throw Refused("no case '" + case_id + "'");
  Live live{*row, {}, &flow(row->process, row->version)};
  store_.scan_records(case_id, [&](const AuditRecord& r) {
    for (const Event& e : events_of(r)) engine::apply(live.state, e, live.flow->process());
  });
  return live;
}

Runtime::Live Runtime::load(const std::string& case_id) {
  // A remembered state is used only when the case's last record is still the one it was
  // built from: a rollback, or a command from another process, makes it differ.
  if (auto it = cases_.find(case_id); it != cases_.end()) {
    auto head = store_.chain_head(case_id);
    auto row = store_.find_case(case_id);
    if (head && row && *head == it->second.head) return Live{*row, it->second.state, &flow(row->process, row->version)};
    cases_.erase(it);
  }
  return replay(case_id);
}

void Runtime::remember(const Live& live, const ChainHead& head) {
  if (cases_.size() >= kRememberedCases && !cases_.count(live.row.id)) cases_.clear();
  cases_[live.row.id] = Remembered{head, live.state};
}

TaskRow Runtime::task_row(std::int64_t task) {
  auto row = store_.find_task(task);
  if (!row) throw Refused("no " + task_label(task));
  return *row;
}

void Runtime::run(Live& live, const engine::Command& command, const Actor& actor, int depth, const std::string& prefix,
                  const std::function<void()>& accepted) {
  if (depth > kMaxDepth)
    throw Refused("calls and messages chain more than " + std::to_string(kMaxDepth) + " cases deep (at process " +
                  live.row.process + "); is a process calling itself?");
  auto outcome = live.flow->engine->handle(live.state, command, actor, now_);
  if (outcome.refusal) {
    std::string message = prefix + *outcome.refusal;
    if (!outcome.denied) throw Refused(message);
    static const char* const kNames[] = {"start", "claim", "unclaim", "complete", "consult", "message", "tick", "call", "cancel", "retry",
                                         "signal", "escalate"};
    std::string node;
    int task = 0;
    std::visit([&](const auto& c) {
      if constexpr (requires { c.task; }) task = c.task;
    }, command);
    if (auto it = live.state.tasks.find(task); it != live.state.tasks.end()) node = it->second.node_id;
    AuditRecord r;
    r.time = now_text();
    r.case_id = live.row.id;
    r.process = live.row.process;
    r.version = live.row.version;
    r.node = node;
    r.action = engine::to_string(EventKind::command_refused);
    r.actor = actor.person;
    json data{{"command", kNames[command.index()]}, {"reason", *outcome.refusal}, {"roles", actor.roles}};
    if (auto id = store_.task_id(live.row.id, task)) data["task"] = *id;
    r.data = data.dump();
    throw Denied(message, r);
  }
  if (accepted) accepted();  // the engine said yes: what the runtime checks beside it comes next
  // What is stored for the case now, so that only what the command changes is written.
  // A case being started has nothing stored yet.
  std::optional<CaseSnapshot> before;
  if (!std::holds_alternative<cmd::Start>(command)) before = snapshot_of(live.row, live.state, live.flow->process());
  for (const Event& e : outcome.events) engine::apply(live.state, e, live.flow->process());
  ChainHead head = append_chained(store_, records_of(outcome.events, live.row.id, live.row.process, live.row.version));
  live.row.status = engine::to_string(live.state.status);
  live.row.updated_at = now_text();
  store_.save_case(snapshot_of(live.row, live.state, live.flow->process()), before ? &*before : nullptr);
  if (!outcome.events.empty()) remember(live, head);
  after(live, outcome.events, actor, depth);
}

void Runtime::after(Live& live, const std::vector<Event>& events, const Actor& actor, int depth) {
  const std::string case_id = live.row.id;
  for (const Event& e : events) {
    switch (e.kind) {
      case EventKind::notification_queued: {
        int local = e.data.value("task", 0);
        OutboxItem item;
        item.created_at = now_text();
        item.case_id = case_id;
        item.task = store_.task_id(case_id, local).value_or(0);
        item.node = e.node;
        item.role = e.data.value("role", "");
        item.kind = e.data.value("kind", "");
        item.status = "pending";
        store_.enqueue(item);
        break;
      }
      case EventKind::call_started: {
        std::string process = e.data.value("process", "");
        auto latest = store_.latest_definition(process);
        if (!latest) throw Refused("call activity '" + e.node + "' calls process '" + process + "', which is not deployed");
        cmd::Start start{"", "", "", e.data.value("variables", json::object())};
        start_case(process, latest->version, start, actor, live.row.key, case_id, e.data.value("token", -1), depth + 1);
        break;
      }
      case EventKind::message_sent: {
        auto by = thrower(live, actor);
        Actor as = by ? Actor{by->id, by->roles} : actor;
        deliver(e.data.value("message", ""), live.row.key, e.data.value("variables", json::object()), as, case_id, depth + 1,
                reach(by, false), true);
        break;
      }
      case EventKind::signal_thrown: {  // the throwing case took it already (engine)
        auto by = thrower(live, actor);
        Actor as = by ? Actor{by->id, by->roles} : actor;
        broadcast(e.data.value("signal", ""), e.data.value("variables", json::object()), as, case_id, depth + 1,
                  reach(by, true), true);
        break;
      }
      case EventKind::task_completed:
        if (const auto* node = live.flow->process().find_node(e.node); node && !node->decides.empty())
          apply_decisions(live, e, actor, depth);
        break;
      case EventKind::escalation_raised:  // uncaught here: the calling activity's boundaries may take it
        if (!live.row.parent_case.empty()) {
          Live parent = load(live.row.parent_case);
          run(parent, cmd::Escalate{live.row.parent_token, e.data.value("escalation", "")}, actor, depth + 1);
        }
        break;
      case EventKind::case_completed:
      case EventKind::case_terminated:
        if (!live.row.parent_case.empty()) {
          Live parent = load(live.row.parent_case);
          run(parent, cmd::CompleteCall{live.row.parent_token, live.state.variables}, actor, depth + 1);
        }
        break;
      default:
        break;
    }
  }
  // A child whose calling activity is gone (interrupted, terminated, cancelled) ends too.
  // Only cases with running children pay for reading their stored tokens.
  std::optional<CaseSnapshot> stored;
  for (const auto& child : store_.children(case_id)) {
    if (child.status != "active" && child.status != "incident") continue;
    if (!stored) stored = store_.load_snapshot(case_id);
    bool waiting = false;
    for (const auto& t : stored->tokens) waiting |= t.id == child.parent_token;
    if (waiting) continue;
    Live c = load(child.id);
    run(c, cmd::Cancel{"the calling activity in case " + case_id + " ended"}, kSystem, depth + 1);
  }
}

void Runtime::apply_decisions(const Live& live, const Event& completed, const Actor& actor, int depth) {
  const auto* node = live.flow->process().find_node(completed.node);
  const json& variables = completed.data.value("variables", json::object());
  if (!variables.contains(node->decides)) return;
  for (const auto& decision : variables[node->decides]) {
    std::string case_id = decision.value("case", "");
    std::string prefix = "decision on case " + case_id + ": ";
    if (case_id == live.row.id) throw Refused(prefix + "a case cannot decide on itself");
    Live target = load(case_id);
    std::string only_node = decision.value("node", "");
    const engine::Task* chosen = nullptr;
    for (const auto& [id, t] : target.state.tasks) {
      if (!t.live() || (!only_node.empty() && t.node_id != only_node)) continue;
      if (inbox_reason(t, actor.roles, actor.person) != "responsible") continue;
      if (chosen) throw Refused(prefix + "it has more than one open task for " + actor.person + " ('" + chosen->node_id + "', '" +
                                t.node_id + "'); name one with \"node\"");
      chosen = &t;
    }
    if (!chosen)
      throw Refused(prefix + "it has no open task" + (only_node.empty() ? "" : " at '" + only_node + "'") + " that " +
                    actor.person + " is Responsible for");
    json values = decision.value("variables", json::object());
    values["decidedIn"] = live.row.id;
    run(target, cmd::Complete{chosen->id, values}, actor, depth + 1, prefix);
  }
}

std::string Runtime::start_case(const std::string& process, int version, const cmd::Start& start, const Actor& actor,
                                const std::string& key, const std::string& parent_case, int parent_token, int depth) {
  Live live{{}, {}, &flow(process, version)};
  live.row = CaseRow{store_.new_case_id(), process, version, "active", key, parent_case, parent_token,
                     now_text(), actor.person, now_text()};
  cmd::Start s = start;
  s.case_id = live.row.id;
  if (!key.empty()) s.context["key"] = key;
  if (!parent_case.empty()) s.context["parent"] = {{"case", parent_case}, {"token", parent_token}};
  run(live, s, actor, depth);
  return live.row.id;
}

std::vector<std::string> Runtime::deliver(const std::string& message, const std::string& key, const json& variables,
                                          const Actor& actor, const std::string& sender, int depth, const CaseFilter& may_touch,
                                          bool from_case) {
  std::vector<std::string> touched;
  for (const auto& id : store_.cases_waiting_for(message, key)) {
    if (id == sender || (may_touch && !may_touch(id))) continue;
    Live live = load(id);
    run(live, cmd::Correlate{message, variables, from_case}, actor, depth);
    touched.push_back(id);
  }
  if (!touched.empty()) return touched;
  // Starting a case is open to everyone who may act at all, so a throw may start one.
  for (const auto& d : store_.latest_definitions()) {
    const Flow& f = flow(d.process, d.version);
    if (f.executable->message_start(message) < 0) continue;
    cmd::Start start{"", message, "", variables};
    start.from_case = from_case;
    touched.push_back(start_case(d.process, d.version, start, actor, key, "", -1, depth));
  }
  return touched;
}

Runtime::SignalOutcome Runtime::broadcast(const std::string& signal, const json& variables, const Actor& actor,
                                          const std::string& sender, int depth, const CaseFilter& may_touch, bool from_case) {
  SignalOutcome out;
  for (const auto& id : store_.cases_waiting_for(signal_key(signal), "")) {
    if (id == sender || (may_touch && !may_touch(id))) continue;
    Live live = load(id);
    run(live, cmd::Signal{signal, variables, from_case}, actor, depth);
    out.continued.push_back(id);
  }
  for (const auto& d : store_.latest_definitions()) {
    const Flow& f = flow(d.process, d.version);
    for (int start : f.executable->signal_starts(signal)) {
      cmd::Start s{"", "", f.executable->node(start).id, variables};
      s.from_case = from_case;
      out.started.push_back(start_case(d.process, d.version, s, actor, "", "", -1, depth));
    }
  }
  return out;
}

std::optional<Person> Runtime::thrower(const Live& live, const Actor& actor) {
  std::string id = actor.person;
  if (id == kSystem.person) {
    // The clock's command: the person who started the case, or the case that called it
    // (a called case the clock started is the caller's work).
    CaseRow row = live.row;
    for (int depth = 0; row.started_by == kSystem.person && !row.parent_case.empty() && depth <= kMaxDepth; ++depth) {
      auto parent = store_.find_case(row.parent_case);
      if (!parent) break;
      row = *parent;
    }
    id = row.started_by;
  }
  if (id == kSystem.person) return std::nullopt;
  auto org = store_.organisation();
  const Person* p = org ? org->find_person(id) : nullptr;
  // Someone who has left the organisation keeps no rights beyond the case itself.
  return p ? *p : Person{id, "", "", {}, {}};
}

Runtime::CaseFilter Runtime::reach(const std::optional<Person>& by, bool signal) {
  if (!by) return {};
  if (signal && !may_signal(*by)) return [](const std::string&) { return false; };
  if (reads_all(*by)) return {};
  return [this, person = *by](const std::string& id) {
    auto row = store_.find_case(id);
    return row && sees_case(person, *row, store_.tasks({id, true}));
  };
}

// --- commands ----------------------------------------------------------------------------

namespace {
// A message or signal name from outside: not empty, no control characters.
void require_name(const std::string& name, const char* what) {
  if (name.empty()) throw Refused(std::string("the ") + what + " name is empty");
  if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20; }))
    throw Refused(std::string("the ") + what + " name holds a control character");
}

void require_object(const json& variables) {
  if (!variables.is_object()) throw Refused("variables must be a JSON object");
  // Serialising below, and every replay later, walks the value recursively.
  if (nests_deeper_than(variables, kMaxJsonDepth))
    throw Refused("the variables nest arrays and objects deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  // Every later command on the case stores and replays its variables: a document does
  // not belong in them (attach a reference to it instead).
  std::size_t size = variables.dump(-1, ' ', false, json::error_handler_t::replace).size();
  if (size > kMaxVariableBytes) {
    char text[128];
    std::snprintf(text, sizeof text, "the variables are %.1f MiB; one command sets at most %zu KiB of variables",
                  static_cast<double>(size) / (1024 * 1024), kMaxVariableBytes / 1024);
    throw Refused(text);
  }
}
}  // namespace

std::string Runtime::start(const std::string& process, const std::string& person, const json& variables, const std::string& key) {
  require_object(variables);
  return transact([&] {
    Actor a = actor(person, "", "", "start");
    auto latest = store_.latest_definition(process);
    if (!latest) {
      std::string known;
      for (const auto& d : store_.latest_definitions()) known += (known.empty() ? "" : ", ") + d.process;
      throw Refused("no deployed process '" + process + "'" + (known.empty() ? " (nothing is deployed)" : " (deployed: " + known + ")"));
    }
    return start_case(process, latest->version, cmd::Start{"", "", "", variables}, a, key, "", -1, 0);
  });
}

std::vector<std::string> Runtime::message(const std::string& name, const std::string& person, const std::string& key,
                                          const json& variables, const CaseFilter& may_touch) {
  require_object(variables);
  require_name(name, "message");
  return transact([&] {
    Actor a = actor(person, "", "", "message");
    auto touched = deliver(name, key, variables, a, "", 0, may_touch);
    if (touched.empty())
      throw Refused("no case waits for message '" + name + "'" + (key.empty() ? "" : " with key '" + key + "'") +
                    " and no deployed process starts with it");
    return touched;
  });
}

Runtime::SignalOutcome Runtime::signal(const std::string& name, const std::string& person, const json& variables) {
  require_object(variables);
  require_name(name, "signal");
  return transact([&] {
    Actor a = actor(person, "", "", "signal");
    auto out = broadcast(name, variables, a, "", 0);
    // The throw itself, with who threw it and what it reached: a signal nothing waits for
    // leaves this record only.
    AuditRecord r;
    r.time = now_text();
    r.action = engine::to_string(EventKind::signal_thrown);
    r.actor = person;
    r.data = json{{"signal", name}, {"variables", variables}, {"continued", out.continued}, {"started", out.started}}.dump();
    append(std::move(r));
    return out;
  });
}

void Runtime::on_task(std::int64_t task, const std::string& person, const char* what,
                      const std::function<engine::Command(int local_id)>& command,
                      const std::function<void(const TaskRow&, const engine::CaseState&)>& check) {
  transact([&] {
    TaskRow row = task_row(task);
    Actor a = actor(person, row.case_id, row.task.node_id, what);
    Live live = load(row.case_id);
    run(live, command(row.local_id), a, 0, task_label(task) + ": ", check ? [&] { check(row, live.state); } : std::function<void()>{});
    return 0;
  });
}

void Runtime::claim(std::int64_t task, const std::string& person) {
  on_task(task, person, "claim", [](int id) { return cmd::Claim{id}; });
}

void Runtime::unclaim(std::int64_t task, const std::string& person) {
  on_task(task, person, "unclaim", [](int id) { return cmd::Unclaim{id}; });
}

void Runtime::complete(std::int64_t task, const std::string& person, const json& variables) {
  require_object(variables);
  on_task(task, person, "complete", [&](int id) { return cmd::Complete{id, variables}; },
          [&](const TaskRow& t, const CaseState& state) { require_form(t, state.variables, variables); });
}

// What the decisions after a step read must be known once it completes: the web form asks
// for it, and a script or a command line that leaves it out is refused here rather than
// leaving the case with an incident at the gateway. The roles a multi-instance step next
// routes one task each to must be one or more of the organisation's, so that no task lands
// in nobody's inbox.
void Runtime::require_form(const TaskRow& t, const json& known, const json& variables) {
  const std::string label = "task " + std::to_string(t.id) + " '" + t.task.name + "'";
  for (const auto& field : form_of(t.process, t.version, t.task.node_id)) {
    if (!variables.contains(field.name) && !known.contains(field.name))
      throw Refused(label + " needs the variable '" + field.name + "' (read by: " + field.used_in.front() + ")");
    if (field.type != "roles" || !variables.contains(field.name)) continue;
    const json& chosen = variables[field.name];
    auto org = store_.organisation();
    bool ok = chosen.is_array() && !chosen.empty();
    for (const auto& r : ok ? chosen : json::array()) ok = ok && r.is_string() && org && org->find_role(r.get<std::string>());
    if (!ok)
      throw Refused(label + ": '" + field.name + "' must list one or more of the organisation's role ids (" + field.used_in.front() + ")");
  }
}

void Runtime::consult(std::int64_t task, const std::string& person, const std::string& answer) {
  on_task(task, person, "consult", [&](int id) { return cmd::Consult{id, answer}; });
}

std::vector<std::string> Runtime::tick() {
  return transact([&] {
    std::vector<std::string> touched;
    fire_wheel(touched);
    for (StartTimer t : store_.start_timers_due(now_text())) {
      const Flow& f = flow(t.process, t.version);
      const auto* node = f.process().find_node(t.node);
      for (int started = 0; !t.due.empty() && t.due <= now_text() && started < kMaxStartsPerTimer; ++started) {
        touched.push_back(start_case(t.process, t.version, cmd::Start{"", "", t.node, json::object()}, kSystem, "", "", -1, 0));
        if (t.remaining == 0 || !node || !node->timer || !node->timer->cycle) {
          t.due.clear();
        } else {
          t.due = definitions::format_date_time(node->timer->cycle->interval.after(*definitions::parse_date_time(t.due)));
          if (t.remaining > 0) --t.remaining;
        }
      }
      store_.update_start_timer(t);
    }
    for (const auto& id : store_.cases_due(now_text())) {
      Live live = load(id);
      run(live, cmd::FireDue{}, kSystem, 0);
      touched.push_back(id);
    }
    std::vector<std::string> unique;
    for (const auto& id : touched)
      if (std::find(unique.begin(), unique.end(), id) == unique.end()) unique.push_back(id);
    return unique;
  });
}

void Runtime::cancel(const std::string& case_id, const std::string& person, const std::string& reason) {
  transact([&] {
    Live live = load(case_id);
    Actor a = actor(person, case_id, "", "cancel");
    if (!live.row.parent_case.empty())
      throw Refused("case " + case_id + " runs for a call activity of case " + live.row.parent_case + "; cancel that case");
    run(live, cmd::Cancel{reason}, a, 0, "case " + case_id + ": ");
    return 0;
  });
}

void Runtime::retry(const std::string& case_id, const std::string& person, const json& variables) {
  require_object(variables);
  transact([&] {
    Live live = load(case_id);
    Actor a = actor(person, case_id, "", "retry");
    run(live, cmd::Retry{variables}, a, 0, "case " + case_id + ": ");
    return 0;
  });
}

// --- read side ---------------------------------------------------------------------------

const definitions::Process& Runtime::process_of(const std::string& process, int version) { return flow(process, version).process(); }

const std::vector<definitions::FormField>& Runtime::form_of(const std::string& process, int version, const std::string& node) {
  const Flow& f = flow(process, version);
  auto it = f.forms.find(node);
  if (it == f.forms.end()) it = f.forms.emplace(node, definitions::form_fields(f.process(), node)).first;
  return it->second;
}

Runtime::CaseView Runtime::show(const std::string& case_id) {
  Live live = load(case_id);
  CaseView view{live.row, live.state, {}, {}};
  if (const auto* incident = live.state.incident(); incident && incident->node >= 0)
    view.incident_node = live.flow->process().nodes[incident->node].id;
  for (const auto& [id, token] : live.state.tokens) {
    const std::string& node = live.flow->process().nodes[token.node].id;
    if (std::find(view.active_nodes.begin(), view.active_nodes.end(), node) == view.active_nodes.end())
      view.active_nodes.push_back(node);
  }
  return view;
}

CaseSnapshot snapshot_of(const CaseRow& row, const CaseState& state, const definitions::Process& process) {
  CaseSnapshot s;
  s.row = row;
  s.row.status = engine::to_string(state.status);
  s.variables = state.variables;
  for (const auto& i : state.incidents) s.incident += (s.incident.empty() ? "" : "\n") + i.reason;
  for (const auto& [id, t] : state.tokens) s.tokens.push_back({id, process.nodes[t.node].id, t.scope});
  for (const auto& [id, t] : state.timers) s.timers.push_back({id, process.nodes[t.node].id, definitions::format_date_time(t.due)});
  for (const auto& [id, sub] : state.subscriptions)
    s.subscriptions.push_back({id, process.nodes[sub.node].id,
                               sub.condition ? std::string("\x1f" "condition") : sub.signal.empty() ? sub.message : signal_key(sub.signal)});
  for (const auto& [id, t] : state.tasks) s.tasks.push_back(t);
  return s;
}

namespace {

// Whether a stored task is the task the events make, in the fields the store keeps. Times
// compare as stored (to the second); no JSON is built (verify compares every task).
bool same_task(const engine::Task& a, const engine::Task& b) {
  auto second = [](definitions::TimePoint t) { return std::chrono::floor<std::chrono::seconds>(t); };
  auto same_time = [&](const std::optional<definitions::TimePoint>& x, const std::optional<definitions::TimePoint>& y) {
    return x.has_value() == y.has_value() && (!x || second(*x) == second(*y));
  };
  if (a.id != b.id || a.node_id != b.node_id || a.status != b.status || a.assignee != b.assignee || a.escalated != b.escalated ||
      a.reminded != b.reminded || a.responsible != b.responsible || a.completed_by != b.completed_by ||
      !same_time(a.due, b.due) || a.reminders.size() != b.reminders.size() || a.consultations.size() != b.consultations.size())
    return false;
  for (std::size_t i = 0; i < a.reminders.size(); ++i)
    if (second(a.reminders[i]) != second(b.reminders[i])) return false;
  for (std::size_t i = 0; i < a.consultations.size(); ++i) {
    const auto &x = a.consultations[i], &y = b.consultations[i];
    if (x.role != y.role || x.answer != y.answer || x.answered_by != y.answered_by) return false;
  }
  return true;
}

// The first difference between the stored state and the state the events make.
std::string difference(const CaseSnapshot& stored, const CaseSnapshot& replayed) {
  if (stored.row.status != replayed.row.status)
    return "stored status '" + stored.row.status + "', its events say '" + replayed.row.status + "'";
  if (stored.variables != replayed.variables) return "stored variables differ from its events";
  if (stored.incident != replayed.incident) return "stored incident differs from its events";
  if (stored.tokens != replayed.tokens) return "stored tokens differ from its events";
  if (stored.timers != replayed.timers) return "stored timers differ from its events";
  if (stored.subscriptions != replayed.subscriptions) return "stored message subscriptions differ from its events";
  if (stored.tasks.size() != replayed.tasks.size()) return "stored tasks differ in number from its events";
  for (std::size_t i = 0; i < stored.tasks.size(); ++i)
    if (!same_task(stored.tasks[i], replayed.tasks[i]))
      return "stored task at '" + stored.tasks[i].node_id + "' differs from its events";
  return "";
}

}  // namespace

VerifyReport Runtime::verify(const std::function<void(std::int64_t, std::int64_t)>& progress) {
  VerifyReport report;
  const std::int64_t total = store_.record_count();
  const auto last = store_.last_records();
  std::map<std::string, CaseRow> rows;
  for (auto& row : store_.cases("", "")) rows.emplace(row.id, std::move(row));
  report.cases = static_cast<std::int64_t>(rows.size());

  // A case being replayed as its records go by: its state, and what its case_started said.
  struct Replay {
    Live live;
    json started;
    bool failed = false;
  };
  std::map<std::string, Replay> open;
  std::set<std::string> done;
  std::vector<std::string> case_problems;  // in the order the cases' last records come
  std::int64_t expected_inbox = 0;
  auto finish = [&](const std::string& id, Replay& r) {
    if (r.failed) return;
    CaseSnapshot replayed = snapshot_of(r.live.row, r.live.state, r.live.flow->process());
    auto stored = store_.load_snapshot(id);
    std::string diff = stored ? difference(*stored, replayed) : "it has no stored state";
    const CaseRow& row = r.live.row;
    if (diff.empty() && (r.started.value("key", "") != row.key ||
                         (row.parent_case.empty() ? r.started.contains("parent")
                                                  : r.started.value("parent", json::object()).value("case", "") != row.parent_case)))
      diff = "its stored key or calling case differs from its case_started event";
    // The inbox index: every live task under each of its keys (the count below catches
    // keys left behind).
    for (const auto& [local, task] : r.live.state.tasks) {
      auto keys = inbox_keys(task);
      expected_inbox += static_cast<std::int64_t>(keys.size());
      if (!diff.empty() || keys.empty()) continue;
      auto global = store_.task_id(id, local);
      for (const auto& key : keys)
        if (!global || !store_.inbox_holds(key, *global)) {
          diff = "the inbox index lacks its task at '" + task.node_id + "' under " + key;
          break;
        }
    }
    if (!diff.empty()) case_problems.push_back("case " + id + ": " + diff);
  };

  // Hashing and reading events is most of the work and needs nothing shared: a batch of
  // records is split over the cores; the chain's order and the replays stay in this thread.
  const unsigned workers = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  constexpr std::size_t kBatch = 4096;
  struct Checked {
    bool hash_ok = false;
    std::vector<Event> events;
    std::string error;
  };
  std::vector<AuditRecord> batch;
  std::vector<Checked> checked;
  std::string previous;
  std::int64_t expected = 1;
  bool chain_ok = true;
  auto run_batch = [&] {
    checked.assign(batch.size(), Checked{});
    auto work = [&](std::size_t from, std::size_t to) {
      for (std::size_t k = from; k < to; ++k) {
        const AuditRecord& r = batch[k];
        checked[k].hash_ok = chain_hash(r, k == 0 ? previous : batch[k - 1].hash) == r.hash;
        if (r.case_id.empty()) continue;
        try {
          checked[k].events = events_of(r);
        } catch (const std::exception& e) {
          checked[k].error = e.what();
        }
      }
    };
    std::vector<std::thread> threads;
    std::size_t share = (batch.size() + workers - 1) / workers;
    for (unsigned w = 1; w < workers && w * share < batch.size(); ++w)
      threads.emplace_back(work, w * share, std::min(batch.size(), (w + 1) * share));
    work(0, std::min(batch.size(), share));
    for (auto& t : threads) t.join();

    for (std::size_t k = 0; k < batch.size() && chain_ok; ++k) {
      const AuditRecord& r = batch[k];
      std::string where = "audit record " + std::to_string(r.seq) + " (" + r.action +
                          (r.case_id.empty() ? "" : ", case " + r.case_id) + ")";
      if (r.seq != expected)
        report.problems.push_back("audit record " + std::to_string(expected) + " is missing (the next one is " + std::to_string(r.seq) + ")");
      else if (!r.prev_hash.empty() && r.prev_hash != previous)
        report.problems.push_back(where + ": does not link to the record before it");
      else if (!checked[k].hash_ok)
        report.problems.push_back(where + ": its content does not match its hash; it was changed after it was written");
      chain_ok = report.problems.empty();
      previous = r.hash;
      ++expected;
      if (r.case_id.empty() || !chain_ok) continue;

      auto it = open.find(r.case_id);
      if (it == open.end()) {
        auto row = rows.find(r.case_id);
        if (row == rows.end() || done.count(r.case_id)) continue;  // a refusal about no case; verify names stray cases below
        it = open.emplace(r.case_id, Replay{Live{row->second, {}, nullptr}, json(), false}).first;
        try {
          it->second.live.flow = &flow(row->second.process, row->second.version);
        } catch (const std::exception& e) {
          case_problems.push_back("case " + r.case_id + ": its events do not replay: " + e.what());
          it->second.failed = true;
        }
      }
      Replay& replay = it->second;
      if (!replay.failed) {
        try {
          if (!checked[k].error.empty()) throw std::runtime_error(checked[k].error);
          for (const Event& e : checked[k].events) {
            if (e.kind == EventKind::case_started && replay.started.is_null()) replay.started = e.data;
            engine::apply(replay.live.state, e, replay.live.flow->process());
          }
        } catch (const std::exception& e) {
          case_problems.push_back("case " + r.case_id + ": its events do not replay: " + e.what());
          replay.failed = true;
        }
      }
      if (auto end = last.find(r.case_id); end != last.end() && end->second == r.seq) {
        finish(r.case_id, replay);
        done.insert(r.case_id);
        open.erase(it);
      }
    }
    report.records += static_cast<std::int64_t>(batch.size());
    batch.clear();
    if (progress) progress(report.records, total);
  };
  store_.scan_records("", [&](const AuditRecord& r) {
    if (!chain_ok) return;
    batch.push_back(r);
    if (batch.size() == kBatch) run_batch();
  });
  if (chain_ok && !batch.empty()) run_batch();
  if (!chain_ok) return report;
  for (const auto& [id, row] : rows)
    if (!done.count(id)) case_problems.push_back("case " + id + ": it has no events in the trail");
  if (case_problems.empty() && store_.inbox_size() != expected_inbox)
    case_problems.push_back("the inbox index holds " + std::to_string(store_.inbox_size()) + " entries where the live tasks make " +
                            std::to_string(expected_inbox));
  report.problems = std::move(case_problems);
  return report;
}

}  // namespace raciflow::runtime
