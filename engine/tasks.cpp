// Activities and the tasks people do: claim, complete, consult, calls.
#include "engine/run.h"

#include <algorithm>

namespace raciflow::engine::detail {

void Run::claim(const command::Claim& c) {
  Task& task = open_task(c.task);
  std::string role = acting_role(task, task.responsible, "Responsible");
  require_turn(task);
  if (task.status == TaskStatus::claimed) {
    if (task.assignee == actor_.person) throw refuse("task.claimed_by_you", {{"task", label(task)}}, RefusalKind::conflict);
    throw refuse("task.claimed_by", {{"task", label(task)}, {"person", task.assignee}}, RefusalKind::forbidden);
  }
  emit_as(EventKind::task_claimed, task.node_id, role, {{"task", task.id}});
}

void Run::unclaim(const command::Unclaim& c) {
  Task& task = open_task(c.task);
  if (task.status != TaskStatus::claimed) throw refuse("task.not_claimed", {{"task", label(task)}}, RefusalKind::conflict);
  if (task.assignee != actor_.person)
    throw refuse("task.claimed_by_other", {{"task", label(task)}, {"person", task.assignee}, {"actor", actor_.person}},
                 RefusalKind::forbidden);
  std::string role = acting_role(task, task.responsible, "Responsible");
  emit_as(EventKind::task_unclaimed, task.node_id, role, {{"task", task.id}});
}

void Run::complete(const command::Complete& c) {
  Task& task = open_task(c.task);
  std::string role = acting_role(task, task.responsible, "Responsible");
  if (task.status == TaskStatus::claimed && task.assignee != actor_.person) {
    // A substitute completes what their principal had claimed before going away.
    bool for_principal = std::any_of(actor_.delegated.begin(), actor_.delegated.end(),
                                     [&](const Actor::Delegated& d) { return d.principal == task.assignee; });
    if (!for_principal) throw refuse("task.claimed_by", {{"task", label(task)}, {"person", task.assignee}}, RefusalKind::forbidden);
    acting_for_ = task.assignee;
  }
  require_turn(task);
  const FlowNode& node = p_.nodes[task.node];
  for (const auto& earlier : node.separate_from) {
    for (const auto& [done_node, person] : s_.completions) {
      // A substitute acting for the principal counts as both of them (four eyes).
      if (done_node != earlier || (person != actor_.person && (acting_for_.empty() || person != acting_for_))) continue;
      const FlowNode* other = p_.find_node(earlier);
      throw refuse("task.four_eyes",
                   {{"person", actor_.person}, {"earlier", other && !other->name.empty() ? other->name : earlier},
                    {"step", node.name.empty() ? node.id : node.name}},
                   RefusalKind::forbidden);
    }
  }
  if (!c.variables.is_null() && !c.variables.is_object()) throw refuse("variables.not_object", {});
  if (!node.decides.empty() && c.variables.is_object() && c.variables.contains(node.decides)) {
    // Decisions on other cases: [{"case": "12", "variables": {...}}, ...]; the runtime applies them.
    const json& list = c.variables[node.decides];
    bool ok = list.is_array();
    for (const auto& d : ok ? list : json::array())
      ok = ok && d.is_object() && d.contains("case") && d["case"].is_string() &&
           (!d.contains("variables") || d["variables"].is_object()) && (!d.contains("node") || d["node"].is_string());
    if (!ok)
      throw Refusal{label(task) + ": " + node.decides +
                    " must be a list of decisions like [{\"case\": \"12\", \"variables\": {...}}] (raci:decides)"};
  }
  std::vector<std::string> unanswered;
  for (const auto& con : task.consultations)
    if (!con.settled()) unanswered.push_back(con.role);
  if (!unanswered.empty() && node.raci.consult == ConsultPolicy::before)
    throw refuse("task.consultation_pending", {{"task", label(task)}, {"roles", join_words(unanswered)}}, RefusalKind::conflict);
  int task_id = task.id, token = task.token, instance = task.instance, task_node = task.node;
  std::vector<std::string> informed = task.informed;
  json gaps;
  if (node.gap && node.gap->when) {
    // A checklist question: the answer, with the case's variables, says whether it reveals a gap.
    json after = context(s_.tokens.at(token).scope);
    if (c.variables.is_object()) after.update(c.variables);
    std::string error;
    auto reveals = node.gap->when->test(after, &error);
    if (!reveals)
      throw refuse("task.needs_answer", {{"task", label(task)}, {"why", error}, {"when", node.gap->when_text}});
    // The first question answered creates the (maybe empty) list, so that gateways can test it.
    bool listed = after.contains("gaps") && after["gaps"].is_array();
    if (*reveals || !listed) gaps = listed ? after["gaps"] : json::array();
    if (*reveals)
      gaps.push_back({{"step", node.id}, {"question", node.name}, {"gap", node.gap->text}, {"iso", node.iso}});
  }
  // raci:consult="alongside": completing without every answer is allowed, and recorded.
  if (!unanswered.empty()) emit_as(EventKind::consultation_skipped, node.id, role, {{"task", task_id}, {"roles", unanswered}});
  set_variables(c.variables, node.id, role);
  emit_as(EventKind::task_completed, node.id, role,
          {{"task", task_id}, {"variables", c.variables.is_null() ? json::object() : c.variables}});
  if (!gaps.is_null()) set_variables(json{{"gaps", gaps}}, node.id);
  for (const auto& r : informed)
    emit(EventKind::notification_queued, node.id, {{"role", r}, {"kind", "informed"}, {"task", task_id}});
  if (s_.multi.count(token)) {
    record_compensable(task_node, s_.tokens.at(token).scope);
    instance_done(token, instance, c.variables);
  } else {
    finish_activity(token);
  }
  drain();
}

void Run::consult(const command::Consult& c) {
  if (auto done = s_.tasks.find(c.task); done != s_.tasks.end() && done->second.status == TaskStatus::completed)
    throw refuse("consult.late", {{"task", label(done->second)}}, RefusalKind::conflict);
  Task& task = open_task(c.task);
  std::vector<std::string> open_roles;
  for (const auto& con : task.consultations)
    if (con.answered_by.empty()) open_roles.push_back(con.role);
  std::string role;
  for (const auto& r : actor_.roles)
    if (std::find(open_roles.begin(), open_roles.end(), r) != open_roles.end()) role = r;
  acting_for_.clear();
  for (const auto& d : actor_.delegated)
    for (const auto& r : d.roles)
      if (role.empty() && std::find(open_roles.begin(), open_roles.end(), r) != open_roles.end()) {
        role = r;
        acting_for_ = d.principal;
      }
  if (role.empty()) {
    if (task.consulted.empty()) throw refuse("consult.no_role", {{"task", label(task)}});
    if (open_roles.empty())
      throw refuse("consult.all_answered", {{"person", actor_.person}, {"task", label(task)}}, RefusalKind::forbidden);
    throw refuse("consult.not_your_role", {{"person", actor_.person}, {"task", label(task)}, {"roles", join_words(open_roles)}},
                 RefusalKind::forbidden);
  }
  if (c.answer.empty()) throw refuse("consult.empty", {});
  if (auto con = std::find_if(task.consultations.begin(), task.consultations.end(), [&](const Consultation& x) { return x.role == role; });
      con != task.consultations.end() && !con->waived_by.empty())
    throw refuse("consult.waived", {{"task", label(task)}, {"person", con->waived_by}}, RefusalKind::conflict);
  emit_as(EventKind::consultation_answered, task.node_id, role, {{"task", task.id}, {"role", role}, {"answer", c.answer}});
}

void Run::complete_call(const command::CompleteCall& c) {
  require_running();
  auto it = s_.tokens.find(c.token);
  if (it == s_.tokens.end() || p_.nodes[it->second.node].kind != NodeKind::call_activity)
    throw Refusal{"case " + s_.id + " has no call activity waiting as token " + std::to_string(c.token), RefusalKind::not_found};
  const FlowNode& node = p_.nodes[it->second.node];
  set_variables(c.variables, node.id);
  emit(EventKind::call_completed, node.id, {{"token", c.token}});
  finish_activity(c.token, c.variables);
  drain();
}

// A sub-process begins a scope instance inside `scope`; a call activity asks the
// runtime for a child case with the variables it sees. `token` waits for either.
void Run::run_activity(int node, int token, int scope) {
  const FlowNode& n = p_.nodes[node];
  if (n.kind == NodeKind::call_activity) {
    emit(EventKind::call_started, n.id, {{"token", token}, {"process", n.called_element}, {"variables", context(scope, token)}});
    return;
  }
  int inner = new_id();
  emit(EventKind::scope_started, n.id, {{"scope", inner}, {"parent", scope}, {"token", token}});
  if (n.triggered_by_event) {  // a compensation event sub-process, run as its sub-process's handler
    for (std::size_t i = 0; i < p_.nodes.size(); ++i)
      if (p_.nodes[i].parent == node && p_.nodes[i].kind == NodeKind::start_event) queue_.push_back({static_cast<int>(i), inner, -1});
  }
  for (int start : x_.none_starts(node)) queue_.push_back({start, inner, -1});
  arm_event_sub_processes(node, inner);  // after: an interrupting one whose condition holds takes over
}

void Run::create_task(int node, int token, const Instance* instance) {
  const FlowNode& n = p_.nodes[node];
  int task = new_id();
  // The lean form: the name and RACI of the step are named only where this task's differ
  // from the node's (an instance routed by its element); apply() takes the node's.
  json data = {{"task", task}, {"token", token}};
  if (instance && instance->responsible != n.raci.responsible) data["responsible"] = instance->responsible;
  if (instance && instance->accountable != n.raci.accountable) data["accountable"] = instance->accountable;
  if (instance) {
    data["instance"] = instance->number;
    data["locals"] = instance->locals;
  } else if (json locals = instance_variables(s_.tokens.at(token).scope); !locals.empty()) {
    data["locals"] = std::move(locals);  // a task inside an instance of a multi-instance sub-process
  }
  std::optional<TimePoint> due;
  if (n.due) due = n.due->after(now_);
  if (!n.due_variable.empty()) {
    // A date from the case (the wheel's due date, a date set on a form) wins over raci:due.
    const json vars = context(s_.tokens.at(token).scope);
    const json& v = vars.contains(n.due_variable) ? vars[n.due_variable] : json();
    if (auto at = v.is_string() ? definitions::parse_date_time(v.get<std::string>()) : std::nullopt) due = at;
  }
  if (due) {
    data["due"] = iso(*due);
    json reminders = json::array();
    std::vector<TimePoint> times;
    for (const auto& before : n.reminders_set ? n.reminders : default_reminders()) {
      definitions::Duration back{-before.years, -before.months, -before.days, -before.milliseconds};
      TimePoint at = back.after(*due);
      if (at > now_ && at < *due) times.push_back(at);
    }
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    for (auto t : times) reminders.push_back(iso(t));
    if (!reminders.empty()) data["reminders"] = reminders;
  }
  if (!n.assignee.empty() && !instance) data["assignee"] = n.assignee;  // another modeler's assignee: claimed for that person
  emit(EventKind::task_created, n.id, std::move(data));
  for (const auto& r : n.raci.consulted)
    emit(EventKind::notification_queued, n.id, {{"role", r}, {"kind", "consultation"}, {"task", task}});
  if (!instance) arm_boundaries(node, token);  // a multi-instance body arms them once, for all
}

// The Accountable lets the Responsible complete without the answers still missing: every
// unanswered consultation is waived at once, with the reason, in one record.
void Run::waive(const command::Waive& c) {
  Task& task = open_task(c.task);
  std::string role = acting_role(task, task.accountable, "Accountable");
  std::vector<std::string> open_roles;
  for (const auto& con : task.consultations)
    if (!con.settled()) open_roles.push_back(con.role);
  if (open_roles.empty()) throw refuse("waive.nothing", {{"task", label(task)}}, RefusalKind::conflict);
  if (c.reason.empty()) throw refuse("waive.no_reason", {{"task", label(task)}});
  emit_as(EventKind::consultation_waived, task.node_id, role, {{"task", task.id}, {"roles", open_roles}, {"reason", c.reason}});
}

}  // namespace raciflow::engine::detail
