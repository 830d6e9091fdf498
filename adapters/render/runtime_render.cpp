#include "adapters/render/runtime_render.h"

#include "adapters/render/text_table.h"

namespace raciflow::render {

using nlohmann::json;
using runtime::AuditRecord;
using runtime::TaskRow;

namespace {

std::string words(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& w : list) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::string iso(const std::optional<definitions::TimePoint>& t) { return t ? definitions::format_date_time(*t) : ""; }

}  // namespace

json task_json(const TaskRow& row, const std::string& inbox) {
  const engine::Task& t = row.task;
  json consultations = json::array();
  for (const auto& c : t.consultations)
    consultations.push_back({{"role", c.role},
                             {"answer", c.answered_by.empty() ? json(nullptr) : json(c.answer)},
                             {"answered_by", c.answered_by.empty() ? json(nullptr) : json(c.answered_by)},
                             {"answered_at", c.answered_at ? json(iso(c.answered_at)) : json(nullptr)},
                             {"waived_by", c.waived_by.empty() ? json(nullptr) : json(c.waived_by)},
                             {"waive_reason", c.waived_by.empty() ? json(nullptr) : json(c.waive_reason)}});
  json j{{"id", row.id},
         {"case", row.case_id},
         {"process", row.process},
         {"version", row.version},
         {"node", t.node_id},
         {"name", t.name},
         {"role", t.responsible.empty() ? json(nullptr) : json(t.responsible.front())},
         {"responsible", t.responsible},
         {"accountable", t.accountable},
         {"consulted", t.consulted},
         {"informed", t.informed},
         {"status", engine::to_string(t.status)},
         {"assignee", t.assignee.empty() ? json(nullptr) : json(t.assignee)},
         {"created", definitions::format_date_time(t.created)},
         {"due", t.due ? json(iso(t.due)) : json(nullptr)},
         {"escalated", t.escalated},
         {"completed_by", t.completed_by.empty() ? json(nullptr) : json(t.completed_by)},
         {"consultations", consultations}};
  if (t.instance >= 0) {  // one instance of a multi-instance task, with the item it stands for
    j["instance"] = t.instance;
    j["locals"] = t.locals;
  }
  if (!inbox.empty()) j["inbox"] = inbox;
  return j;
}

std::string tasks_table(const std::vector<TaskRow>& tasks, const std::vector<std::string>& inbox) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const auto& row = tasks[i];
    const auto& t = row.task;
    std::string role = words(t.responsible);
    if (i < inbox.size() && inbox[i] == "consulted") role = "consulted: " + words(t.consulted);
    std::string due = iso(t.due);
    if (t.escalated) due += " (escalated)";
    rows.push_back({std::to_string(row.id), row.case_id, row.process, t.node_id, t.name, role,
                    engine::to_string(t.status), t.assignee, due});
  }
  if (rows.empty()) return "no tasks\n";
  return format_text_table({"TASK", "CASE", "PROCESS", "STEP", "NAME", "ROLE", "STATUS", "ASSIGNEE", "DUE"}, rows);
}

json case_row_json(const runtime::CaseRow& row) {
  return {{"id", row.id},
          {"process", row.process},
          {"version", row.version},
          {"status", row.status},
          {"key", row.key.empty() ? json(nullptr) : json(row.key)},
          {"parent_case", row.parent_case.empty() ? json(nullptr) : json(row.parent_case)},
          {"started_at", row.started_at},
          {"started_by", row.started_by},
          {"updated_at", row.updated_at}};
}

json case_json(const runtime::Runtime::CaseView& view, const std::vector<TaskRow>& tasks) {
  json j = case_row_json(view.row);
  j["status"] = engine::to_string(view.state.status);
  j["variables"] = view.state.variables;
  j["active_nodes"] = view.active_nodes;
  j["tasks"] = json::array();
  for (const auto& t : tasks) j["tasks"].push_back(task_json(t));
  if (const auto* incident = view.state.incident())
    j["incident"] = {{"reason", incident->reason}, {"node", view.incident_node}, {"count", view.state.incidents.size()}};
  else
    j["incident"] = nullptr;
  return j;
}

std::string case_text(const runtime::Runtime::CaseView& view, const std::vector<TaskRow>& tasks) {
  const auto& r = view.row;
  std::string out = "case " + r.id + ": " + r.process + "@" + std::to_string(r.version) + ", " +
                    engine::to_string(view.state.status) + "\n";
  out += "started " + r.started_at + " by " + r.started_by + (r.key.empty() ? "" : ", key " + r.key) +
         (r.parent_case.empty() ? "" : ", for case " + r.parent_case) + "\n";
  if (const auto* incident = view.state.incident()) {
    out += "incident at " + view.incident_node + ": " + incident->reason;
    if (view.state.incidents.size() > 1)
      out += " (and " + std::to_string(view.state.incidents.size() - 1) +
             (incident->parked ? " more steps; a retry goes on from all of them)" : " more; retry resolves them oldest first)");
    out += "\n";
  }
  out += "variables: " + view.state.variables.dump() + "\n";
  out += "active: " + (view.active_nodes.empty() ? std::string("-") : words(view.active_nodes)) + "\n";
  out += tasks_table(tasks);
  return out;
}

std::string cases_table(const std::vector<runtime::CaseRow>& rows) {
  if (rows.empty()) return "no cases\n";
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows)
    cells.push_back({r.id, r.process + "@" + std::to_string(r.version), r.status, r.started_at, r.started_by, r.key,
                     r.parent_case});
  return format_text_table({"CASE", "PROCESS", "STATUS", "STARTED", "BY", "KEY", "PARENT"}, cells);
}

namespace {

// The events a lean record carries beside its head, in order; empty for a record of one
// event. Unreadable events are shown as stored (verify names them).
json carried_events(const AuditRecord& r) {
  json out = json::array();
  if (r.events.empty()) return out;
  std::vector<engine::Event> events;
  try {
    events = runtime::events_of(r);
  } catch (const std::exception&) {
    return json(r.events);
  }
  bool head_seen = r.action == runtime::kTokenMoved;
  for (const auto& e : events) {
    if (!head_seen && engine::to_string(e.kind) == r.action && e.node == r.node && e.actor == r.actor && e.role == r.role) {
      head_seen = true;
      continue;
    }
    json item = {{"action", engine::to_string(e.kind)}, {"node", e.node}, {"data", e.data}};
    std::string time = definitions::format_date_time(e.time);
    if (time != r.time) item["time"] = time;
    if (e.actor != r.actor) item["actor"] = e.actor;
    if (e.role != r.role) item["role"] = e.role;
    if (e.raci != r.raci) item["raci"] = e.raci;
    out.push_back(std::move(item));
  }
  return out;
}

// One line for the events a record carries: the path it took and what it opened.
std::string events_summary(const AuditRecord& r) {
  json events = carried_events(r);
  if (!events.is_array()) return r.events;
  std::string out;
  for (const auto& e : events) {
    std::string action = e["action"], node = e["node"];
    std::string part = action == "node_entered"     ? "-> " + node
                       : action == "task_created"   ? "task " + node + " opened"
                       : action == "case_completed" ? "case completed"
                                                    : action + (node.empty() ? "" : " " + node);
    out += (out.empty() ? "" : ", ") + part;
  }
  return out;
}

}  // namespace

json audit_json(const AuditRecord& r) {
  json data = json::parse(r.data, nullptr, false);
  json out = {{"seq", r.seq},       {"time", r.time},   {"case", r.case_id.empty() ? json(nullptr) : json(r.case_id)},
              {"process", r.process}, {"version", r.version}, {"node", r.node},
              {"action", r.action}, {"actor", r.actor}, {"role", r.role},
              {"raci", r.raci},     {"data", data.is_discarded() ? json(r.data) : data},
              {"hash", r.hash}};
  if (!r.events.empty()) out["events"] = carried_events(r);
  return out;
}

std::string audit_table(const std::vector<AuditRecord>& records) {
  if (records.empty()) return "no records\n";
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : records)
    cells.push_back({std::to_string(r.seq), r.time, r.case_id, r.node, r.action, r.actor, r.role, r.raci,
                     r.data == "{}" ? "" : r.data, events_summary(r)});
  return format_text_table({"SEQ", "TIME", "CASE", "STEP", "ACTION", "ACTOR", "ROLE", "RACI", "DATA", "THEN"}, cells);
}

std::string audit_csv_header() { return "seq,time,case,process,version,node,action,actor,role,raci,data,hash,events\n"; }

std::string audit_csv_line(const AuditRecord& r) {
  return std::to_string(r.seq) + "," + csv_field(r.time) + "," + csv_field(r.case_id) + "," + csv_field(r.process) + "," +
         std::to_string(r.version) + "," + csv_field(r.node) + "," + csv_field(r.action) + "," + csv_field(r.actor) + "," +
         csv_field(r.role) + "," + csv_field(r.raci) + "," + csv_field(r.data) + "," + r.hash + "," + csv_field(r.events) +
         "\n";
}

std::string audit_csv(const std::vector<AuditRecord>& records) {
  std::string out = audit_csv_header();
  for (const auto& r : records) out += audit_csv_line(r);
  return out;
}

std::string organisation_text(const runtime::Organisation& o) {
  std::string out = o.name + "\n\n";
  std::vector<std::vector<std::string>> roles, people;
  for (const auto& r : o.roles) {
    std::vector<std::string> members;
    for (const auto* p : o.members(r.id)) members.push_back(p->id);
    roles.push_back({r.id, r.name, members.empty() ? "(nobody)" : words(members)});
  }
  for (const auto& p : o.people) people.push_back({p.id, p.name, p.email, words(p.roles)});
  out += format_text_table({"ROLE", "NAME", "MEMBERS"}, roles) + "\n";
  out += format_text_table({"PERSON", "NAME", "EMAIL", "ROLES"}, people);
  if (!o.webhooks.empty()) {
    std::vector<std::vector<std::string>> hooks;
    for (const auto& w : o.webhooks) hooks.push_back({w.role, w.format, runtime::shown_url(w.url)});
    out += "\n" + format_text_table({"WEBHOOK ROLE", "FORMAT", "URL"}, hooks);
  }
  if (!o.webhooks.empty() || o.digest_time != "07:00" || o.digest_day != "monday")
    out += "\nDigests are due at " + o.digest_time + " UTC (weekly ones on " + o.digest_day + ").\n";
  return out;
}

json outbox_json(const runtime::OutboxItem& o) {
  return {{"id", o.id},     {"created", o.created_at}, {"case", o.case_id}, {"task", o.task == 0 ? json(nullptr) : json(o.task)},
          {"node", o.node}, {"role", o.role},          {"kind", o.kind},    {"status", o.status},
          {"attempts", o.attempts}, {"next_attempt", o.next_attempt}, {"last_error", o.last_error}, {"delivered_at", o.delivered_at},
          {"person", o.person}, {"sent", o.sent}};
}

std::string outbox_table(const std::vector<runtime::OutboxItem>& items) {
  if (items.empty()) return "no notifications\n";
  std::vector<std::vector<std::string>> cells;
  for (const auto& o : items)
    cells.push_back({std::to_string(o.id), o.created_at, o.case_id, o.task ? std::to_string(o.task) : "", o.node,
                     o.role.empty() ? o.person : o.role, o.kind, o.status});
  return format_text_table({"ID", "CREATED", "CASE", "TASK", "STEP", "ROLE/PERSON", "KIND", "STATUS"}, cells);
}

}  // namespace raciflow::render
