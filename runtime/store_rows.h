// The rows of a store, whatever the database: how the runtime's structs are kept as
// columns and read back. The SQLite and PostgreSQL stores keep the same columns in the
// same order and read a row through an accessor `Row` with
//   std::string text(int column);  std::int64_t integer(int column);  bool null(int column);
// Internal to the stores (runtime/sqlite_*.cpp and pg_*.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/store.h"

namespace raciflow::runtime::rows {

nlohmann::json strings_json(const std::vector<std::string>& v);
std::vector<std::string> strings_of(const std::string& text);
nlohmann::json consultations_json(const std::vector<engine::Consultation>& list);
std::vector<engine::Consultation> consultations_of(const std::string& text);
std::string iso(std::optional<definitions::TimePoint> t);
std::string reminders_text(const engine::Task& t);
engine::TaskStatus task_status(const std::string& text);
// Whether the columns of a task row that change after it is created are the same.
bool same_task_columns(const engine::Task& a, const engine::Task& b);
std::string tokens_text(const std::vector<TokenRow>& tokens);
std::vector<TokenRow> tokens_of(const std::string& text);

// The columns of each table, in the order both stores keep them.
inline constexpr const char* kTaskColumns =
    "id, case_id, local_id, process, version, node, name, status, responsible, accountable, consulted, informed, "
    "consultations, assignee, created, due, escalated, completed_by, token, reminders, reminded, alert, instance, locals";
inline constexpr const char* kCaseColumns =
    "id, process, version, status, correlation_key, parent_case, parent_token, started_at, started_by, updated_at";
inline constexpr const char* kAuditColumns =
    "seq, time, case_id, process, version, node, action, actor, role, raci, data, prev_hash, hash, events";
inline constexpr const char* kOutboxColumns =
    "id, created_at, case_id, task, node, role, kind, status, attempts, next_attempt, last_error, delivered_at, person, sent";
inline constexpr const char* kDefinitionColumns = "process, version, name, file, digest, source, deployed_at, deployed_by, forms";
inline constexpr const char* kAttachmentColumns = "id, case_id, task, name, type, size, sha256, added_at, added_by";
inline constexpr const char* kFormColumns = "id, version, name, file, digest, source, deployed_at, deployed_by";
inline constexpr const char* kPlanColumns =
    "id, name, responsible, start, deadline, risk, case_id, status, note, updated_at, updated_by";
inline constexpr const char* kTokenColumns = "id, person, name, hash, created_at, expires_at, revoked";
inline constexpr const char* kOccurrenceColumns = "activity, occurrence, fire_at, fired_at, case_id, late";

// Every table a copy between stores carries, with its columns and the order its rows were
// written in (a copy keeps ids, case order and the audit chain as they are).
struct CopiedTable {
  const char* table;
  const char* columns;
  const char* order;
};
inline constexpr const char* kSubstituteColumns = "id, person, substitute, from_day, until_day, created_at, created_by, ended_at, ended_by";
inline constexpr const char* kCalendarFeedColumns = "person, hash, created_at, created_by, recorded_at, reads";
inline constexpr const char* kDigestColumns = "person, choice, chosen_at, chosen_by, last_slot";

inline constexpr CopiedTable kCopiedTables[] = {
    {"definitions", kDefinitionColumns, "process, version"},
    {"forms", kFormColumns, "id, version"},
    {"decision_models", kFormColumns, "id, version"},
    {"organisation", "body", "body"},
    {"audit", kAuditColumns, "seq"},
    {"counters", "name, value", "name"},
    {"cases", "id, process, version, status, correlation_key, parent_case, parent_token, started_at, started_by, updated_at, "
              "variables, incident, tokens",
     "rowid"},
    {"tasks", kTaskColumns, "id"},
    {"task_inbox", "key, task", "key, task"},
    {"timers", "case_id, id, node, due", "case_id, id"},
    {"subscriptions", "case_id, id, node, message", "case_id, id"},
    {"outbox", kOutboxColumns, "id"},
    {"start_timers", "process, version, node, due, remaining", "process, node"},
    {"credentials", "person, phc, set_at", "person"},
    {"api_tokens", kTokenColumns, "id"},
    {"login_sessions", "hash, person, created_at, expires_at", "hash"},
    {"wheel", "file, source, digest, loaded_at, loaded_by", "file"},
    {"wheel_activities", "activity, since", "activity"},
    {"wheel_occurrences", kOccurrenceColumns, "activity, occurrence"},
    {"plan_items", kPlanColumns, "id"},
    {"substitutes", kSubstituteColumns, "id"},
    {"digests", kDigestColumns, "person"},
    // The bytes travel as hex: a copy's values are text.
    {"attachments", "id, case_id, task, name, type, size, sha256, added_at, added_by, bytes", "id"},
};

std::string forms_text(const std::map<std::string, int>& forms);
std::map<std::string, int> forms_of(const std::string& text);

template <class Row>
DefinitionVersion definition_of(Row q) {
  return {q.text(0), static_cast<int>(q.integer(1)), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7), forms_of(q.text(8))};
}

template <class Row>
Attachment attachment_of(Row q) {
  return {q.integer(0), q.text(1), q.integer(2), q.text(3), q.text(4), q.integer(5), q.text(6), q.text(7), q.text(8)};
}

template <class Row>
FormVersion form_of(Row q) {
  return {q.text(0), static_cast<int>(q.integer(1)), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7)};
}

template <class Row>
AuditRecord record_of_row(Row q) {
  AuditRecord r;
  r.seq = q.integer(0);
  r.time = q.text(1);
  r.case_id = q.text(2);
  r.process = q.text(3);
  r.version = static_cast<int>(q.integer(4));
  r.node = q.text(5);
  r.action = q.text(6);
  r.actor = q.text(7);
  r.role = q.text(8);
  r.raci = q.text(9);
  r.data = q.text(10);
  r.prev_hash = q.text(11);
  r.hash = q.text(12);
  r.events = q.text(13);
  return r;
}

template <class Row>
OutboxItem outbox_item_of(Row q) {
  return {q.integer(0), q.text(1), q.text(2), q.integer(3), q.text(4),  q.text(5),
          q.text(6),    q.text(7), static_cast<int>(q.integer(8)), q.text(9), q.text(10), q.text(11), q.text(12), q.text(13)};
}

template <class Row>
definitions::PlanItem plan_item_of(Row q) {
  definitions::PlanItem i;
  i.id = q.text(0);
  i.name = q.text(1);
  i.responsible = q.text(2);
  i.start = q.text(3);
  i.deadline = q.text(4);
  i.risk = q.text(5);
  i.case_id = q.text(6);
  i.status = q.text(7);
  i.note = q.text(8);
  i.updated_at = q.text(9);
  i.updated_by = q.text(10);
  return i;
}

template <class Row>
ApiToken token_of(Row q) {
  return {q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.integer(6) != 0};
}

template <class Row>
WheelOccurrence occurrence_of(Row q) {
  return {q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.integer(5) != 0};
}

template <class Row>
CaseRow case_of(Row q) {
  return {q.text(0), q.text(1), static_cast<int>(q.integer(2)), q.text(3), q.text(4), q.text(5),
          static_cast<int>(q.integer(6)), q.text(7), q.text(8), q.text(9)};
}

template <class Row>
TaskRow task_of(Row q) {
  TaskRow row;
  row.id = q.integer(0);
  row.case_id = q.text(1);
  row.local_id = static_cast<int>(q.integer(2));
  row.process = q.text(3);
  row.version = static_cast<int>(q.integer(4));
  engine::Task& t = row.task;
  t.id = row.local_id;
  t.node_id = q.text(5);
  t.name = q.text(6);
  t.status = task_status(q.text(7));
  t.responsible = strings_of(q.text(8));
  t.accountable = strings_of(q.text(9));
  t.consulted = strings_of(q.text(10));
  t.informed = strings_of(q.text(11));
  t.consultations = consultations_of(q.text(12));
  t.assignee = q.text(13);
  t.created = definitions::parse_date_time(q.text(14)).value_or(definitions::TimePoint{});
  std::string due = q.text(15);
  if (!due.empty()) t.due = definitions::parse_date_time(due);
  t.escalated = q.integer(16) != 0;
  t.completed_by = q.text(17);
  t.token = static_cast<int>(q.integer(18));
  for (const auto& at : nlohmann::json::parse(q.text(19)))
    if (auto parsed = definitions::parse_date_time(at.template get<std::string>())) t.reminders.push_back(*parsed);
  t.reminded = static_cast<int>(q.integer(20));
  t.instance = static_cast<int>(q.integer(22));  // 21 is the alert time
  t.locals = nlohmann::json::parse(q.text(23));
  return row;
}

// The inbox index keys an inbox filter reads, one range each: r: and c: per role, p: for
// the person.
std::vector<std::string> inbox_filter_keys(const TaskFilter& filter);
// How a task's inbox index changes from `old` (null for a new task) to `now`: only the keys
// that differ are written (a completion deletes one or two rows).
struct InboxChange {
  std::vector<std::string> removed, added;
};
InboxChange inbox_change(const engine::Task* old, const engine::Task& now);

// The values of a task row in kTaskColumns order from `case_id` on (the id is the store's).
struct TaskValues {
  std::string status, responsible, accountable, consulted, informed, consultations, created, due, reminders, alert, locals;
};
TaskValues task_values(const engine::Task& t);

}  // namespace raciflow::runtime::rows
