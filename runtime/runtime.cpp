// The runtime: one organisation's cases over a store. Here the core: the audit trail's
// append, the organisation, who an actor is, and running one command on one case.
// Deploying is in deploy.cpp, the commands in commands.cpp, the checks in verify.cpp.
#include "runtime/runtime.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "runtime/runtime_internal.h"

namespace raciflow::runtime {

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string task_label(std::int64_t id) { return "task " + std::to_string(id); }

std::string signal_key(const std::string& signal) { return "\x1fsignal:" + signal; }


Runtime::Runtime(Store& store, TimePoint now) : store_(store), now_(now), decisions_(std::make_unique<DecisionCache>(store)) {}
Runtime::~Runtime() = default;

std::string Runtime::now_text() const { return definitions::format_date_time(now_); }

std::string inbox_reason(const engine::Task& t, const std::vector<std::string>& roles, const std::string& person,
                         const std::vector<std::string>& principals) {
  auto held = [&](const std::string& role) { return std::find(roles.begin(), roles.end(), role) != roles.end(); };
  bool responsible = std::any_of(t.responsible.begin(), t.responsible.end(), held);
  if (!person.empty() && t.assignee == person) return "responsible";
  if (t.live() && !t.assignee.empty() && std::find(principals.begin(), principals.end(), t.assignee) != principals.end())
    return "responsible";
  if (responsible && (t.assignee.empty() || person.empty())) return "responsible";
  bool live = t.status == engine::TaskStatus::open || t.status == engine::TaskStatus::claimed;
  for (const auto& c : t.consultations)
    if (live && !c.settled() && held(c.role)) return "consulted";
  return "";
}

// --- audit -------------------------------------------------------------------------------

void Runtime::append(AuditRecord r) { append_chained(store_, {std::move(r)}); }

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
    // What the people's last single sign-on logins granted stays until their next login.
    auto before = store_.organisation();
    Organisation loaded = before ? carry_logins(*org, *before) : *org;
    store_.put_organisation(loaded);
    AuditRecord r;
    r.time = now_text();
    r.action = kOrganisationLoaded;
    r.actor = actor;
    r.data = json{{"file", path}, {"digest", sha256_hex(bytes)}, {"organisation", to_json(*org)}}.dump();
    append(r);
    return loaded;
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
  return Actor{p->id, p->roles, delegations(p->id)};
}

// --- cases -------------------------------------------------------------------------------

Runtime::Live Runtime::replay(const std::string& case_id) {
  auto row = store_.find_case(case_id);
  if (!row) throw Refused(definitions::Phrase{"case.unknown", {{"case", case_id}}, ""}, RefusalKind::not_found);
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
  if (!row) throw Refused(definitions::Phrase{"task.no_such", {{"task", std::to_string(task)}}, ""}, RefusalKind::not_found);
  return *row;
}

void Runtime::run(Live& live, const engine::Command& command, const Actor& actor, int depth, const definitions::Words& prefix,
                  const std::function<void()>& accepted) {
  if (depth > kMaxDepth)
    throw Refused("calls and messages chain more than " + std::to_string(kMaxDepth) + " cases deep (at process " +
                  live.row.process + "); is a process calling itself?");
  auto outcome = live.flow->engine->handle(live.state, command, actor, now_);
  if (outcome.refusal) {
    std::string message = prefix.en + *outcome.refusal;
    if (!outcome.denied()) {
      if (!outcome.said.id.empty()) throw Refused(outcome.said, outcome.kind, prefix);
      throw Refused(message, outcome.kind);
    }
    static const char* const kNames[] = {"start", "claim", "unclaim", "complete", "consult", "message", "tick", "call", "cancel", "retry",
                                         "signal", "escalate", "waive"};
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
    if (!outcome.said.id.empty()) throw Denied(outcome.said, prefix, r);
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

}  // namespace raciflow::runtime
