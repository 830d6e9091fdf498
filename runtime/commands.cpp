// The commands of the runtime: starting cases, messages and signals, task commands,
// the clock's tick, cancel and retry, and what a command's events set off.
#include "runtime/runtime.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "runtime/access.h"
#include "runtime/json_input.h"
#include "runtime/runtime_internal.h"
#include "runtime/soa.h"

namespace raciflow::runtime {

namespace {
// Catching up a timer start cycle after a long pause starts at most this many cases.
constexpr int kMaxStartsPerTimer = 1000;
}  // namespace

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
    definitions::Words prefix{"decision on case " + case_id + ": ", "beslutning om sag " + case_id + ": "};
    if (case_id == live.row.id) throw Refused(prefix.en + "a case cannot decide on itself");
    Live target = load(case_id);
    std::string only_node = decision.value("node", "");
    const engine::Task* chosen = nullptr;
    for (const auto& [id, t] : target.state.tasks) {
      if (!t.live() || (!only_node.empty() && t.node_id != only_node)) continue;
      if (inbox_reason(t, actor.roles, actor.person) != "responsible") continue;
      if (chosen) throw Refused(prefix.en + "it has more than one open task for " + actor.person + " ('" + chosen->node_id + "', '" +
                                t.node_id + "'); name one with \"node\"");
      chosen = &t;
    }
    if (!chosen)
      throw Refused(prefix.en + "it has no open task" + (only_node.empty() ? "" : " at '" + only_node + "'") + " that " +
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
  return [this, person = *by](const std::string& id) { return visible_case(store_, person, id).has_value(); };
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
      throw Refused("no deployed process '" + process + "'" + (known.empty() ? " (nothing is deployed)" : " (deployed: " + known + ")"),
                    RefusalKind::not_found);
    }
    check_statement(process, latest->version, variables, "process '" + process + "': ");
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
    run(live, command(row.local_id), a, 0, definitions::Words{task_label(task) + ": ", "opgave " + std::to_string(task) + ": "}, check ? [&] { check(row, live.state); } : std::function<void()>{});
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
          [&](const TaskRow& t, const CaseState& state) {
            check_form_data(t, state.variables, variables);
            require_form(t, state.variables, variables);
            check_statement(t.process, t.version, variables, "task " + std::to_string(t.id) + " '" + t.task.name + "': ");
          });
}

// A revision of the Statement of Applicability (a process keeping the register `soa`)
// carries its changes in `soa`, checked before anything changes (runtime/soa.h).
void Runtime::check_statement(const std::string& process, int version, const json& variables, const std::string& where) {
  if (!variables.contains(kSoaVariable) || process_of(process, version).keeps.id != kSoaRegister) return;
  if (auto problem = soa_problem(variables[kSoaVariable])) throw Refused(where + *problem);
}

// What a person submits for a step with a form is checked against the form on the server,
// whatever the browser let through; the step's decision fields are accepted beside it.
void Runtime::check_form_data(const TaskRow& t, const json& known, const json& variables) {
  const definitions::FormSchema* schema = schema_of(t.process, t.version, t.task.node_id);
  if (!schema) return;
  std::set<std::string> decision_fields;
  for (const auto& field : form_of(t.process, t.version, t.task.node_id)) decision_fields.insert(field.name);
  decision_fields.insert("comment");  // the completion's comment (the API's "comment")
  auto is_attachment = [&](const json& id) {
    std::int64_t n = 0;
    if (id.is_number_integer()) n = id.get<std::int64_t>();
    else if (id.is_string()) n = std::atoll(id.get_ref<const std::string&>().c_str());
    auto a = n > 0 ? store_.find_attachment(n) : std::nullopt;
    return a && a->case_id == t.case_id;
  };
  if (auto problem = definitions::check_form_data(*schema, variables, known, decision_fields, is_attachment))
    throw Refused("task " + std::to_string(t.id) + " '" + t.task.name + "', form '" + schema->id + "': " + problem->message);
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

void Runtime::waive(std::int64_t task, const std::string& person, const std::string& reason) {
  on_task(task, person, "waive", [&](int id) { return cmd::Waive{id, reason}; });
}

std::vector<std::string> Runtime::tick() {
  return transact([&] {
    std::vector<std::string> touched;
    fire_wheel(touched);
    queue_digests();
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

}  // namespace raciflow::runtime
