// The PostgreSQL store: cases, tasks, the inbox and what cases wait for.
#include "runtime/pg_store_internal.h"

namespace raciflow::runtime::pg_detail {

std::optional<CaseRow> PgStore::find_case(const std::string& id) {
  Result r = c_.run(select(kCaseColumns, "cases") + " AND id = $2", {t(), id});
  if (r.rows() == 0) return std::nullopt;
  return case_of(PgRow{r, 0});
}

std::vector<CaseRow> PgStore::cases(const std::string& status, const std::string& process, std::int64_t after, int limit) {
  std::string sql = std::string("SELECT ") + kCaseColumns + ", position FROM cases WHERE tenant = $1 AND position > $2";
  Values values{t(), num(after), num(limit > 0 ? limit : kNoLimit)};
  if (!status.empty()) {
    values.push_back(status);
    sql += " AND status = $" + num(static_cast<long long>(values.size()));
  }
  if (!process.empty()) {
    values.push_back(process);
    sql += " AND process = $" + num(static_cast<long long>(values.size()));
  }
  Result r = c_.run(sql + " ORDER BY position LIMIT $3", values);
  std::vector<CaseRow> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(case_of(PgRow{r, i}));
    out.back().position = r.integer(i, 10);
  }
  return out;
}

std::vector<CaseRow> PgStore::children(const std::string& parent) {
  return case_rows(c_.run(select(kCaseColumns, "cases") + " AND parent_case = $2 ORDER BY position", {t(), parent}));
}

void PgStore::save_case(const CaseSnapshot& s, const CaseSnapshot* before) {
  const CaseRow& r = s.row;
  c_.run("INSERT INTO cases (tenant, id, process, version, status, correlation_key, parent_case, parent_token, started_at, "
         "started_by, updated_at, variables, incident, tokens) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
         "$13, $14) ON CONFLICT (tenant, id) DO UPDATE SET process = excluded.process, version = excluded.version, "
         "status = excluded.status, correlation_key = excluded.correlation_key, parent_case = excluded.parent_case, "
         "parent_token = excluded.parent_token, started_at = excluded.started_at, started_by = excluded.started_by, "
         "updated_at = excluded.updated_at, variables = excluded.variables, incident = excluded.incident, "
         "tokens = excluded.tokens",
         {t(), r.id, r.process, num(r.version), r.status, r.key, r.parent_case, num(r.parent_token), r.started_at,
          r.started_by, r.updated_at, s.variables.dump(), s.incident, tokens_text(s.tokens)});
  // Timers and subscriptions: only the rows that differ from `before`.
  auto sync = [&](const char* table, const auto& now, const auto* was, auto insert) {
    using Row = typename std::decay_t<decltype(now)>::value_type;
    std::map<int, const Row*> old_rows, new_rows;
    if (was)
      for (const auto& row : *was) old_rows[row.id] = &row;
    for (const auto& row : now) new_rows[row.id] = &row;
    if (!was) {
      c_.run(std::string("DELETE FROM ") + table + " WHERE tenant = $1 AND case_id = $2", {t(), r.id});
    } else {
      for (const auto& [id, row] : old_rows)
        if (!new_rows.count(id))
          c_.run(std::string("DELETE FROM ") + table + " WHERE tenant = $1 AND case_id = $2 AND id = $3", {t(), r.id, num(id)});
    }
    for (const auto& [id, row] : new_rows) {
      auto it = old_rows.find(id);
      if (it != old_rows.end() && *it->second == *row) continue;
      insert(*row);
    }
  };
  sync("timers", s.timers, before ? &before->timers : nullptr, [&](const TimerRow& timer) {
    c_.run("INSERT INTO timers VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant, case_id, id) DO UPDATE SET "
           "node = excluded.node, due = excluded.due",
           {t(), r.id, num(timer.id), timer.node, timer.due});
  });
  sync("subscriptions", s.subscriptions, before ? &before->subscriptions : nullptr, [&](const SubscriptionRow& sub) {
    c_.run("INSERT INTO subscriptions VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant, case_id, id) DO UPDATE SET "
           "node = excluded.node, message = excluded.message",
           {t(), r.id, num(sub.id), sub.node, sub.message});
  });
  std::map<int, engine::Task> stored;
  if (before) {
    for (const auto& task : before->tasks) stored.emplace(task.id, task);
  } else {
    for (auto& row : task_rows(c_.run(select(kTaskColumns, "tasks") + " AND case_id = $2", {t(), r.id})))
      stored.emplace(row.local_id, std::move(row.task));
  }
  for (const auto& task : s.tasks) {
    auto it = stored.find(task.id);
    if (it == stored.end())
      insert_task(r, task);
    else if (!before || !same_task_columns(it->second, task))
      update_task(r, task, it->second);
  }
}

std::optional<CaseSnapshot> PgStore::load_snapshot(const std::string& id) {
  auto row = find_case(id);
  if (!row) return std::nullopt;
  CaseSnapshot s;
  s.row = *row;
  Result c = c_.run("SELECT variables, incident, tokens FROM cases WHERE tenant = $1 AND id = $2", {t(), id});
  s.variables = json::parse(c.text(0, 0), nullptr, false);
  s.incident = c.text(0, 1);
  s.tokens = tokens_of(c.text(0, 2));
  Result timers = c_.run("SELECT id, node, due FROM timers WHERE tenant = $1 AND case_id = $2 ORDER BY id", {t(), id});
  for (int i = 0; i < timers.rows(); ++i)
    s.timers.push_back({static_cast<int>(timers.integer(i, 0)), timers.text(i, 1), timers.text(i, 2)});
  Result subs = c_.run("SELECT id, node, message FROM subscriptions WHERE tenant = $1 AND case_id = $2 ORDER BY id", {t(), id});
  for (int i = 0; i < subs.rows(); ++i)
    s.subscriptions.push_back({static_cast<int>(subs.integer(i, 0)), subs.text(i, 1), subs.text(i, 2)});
  for (const auto& task : tasks({id, true})) s.tasks.push_back(task.task);
  return s;
}

std::vector<TaskRow> PgStore::tasks(const TaskFilter& f) {
  std::string limit = num(f.limit > 0 ? f.limit : kNoLimit);
  if (f.inbox) {
    auto keys = inbox_filter_keys(f);
    // One index range per key, each stopping at the page's size, merged here.
    std::set<std::int64_t> merged;
    for (const auto& key : keys) {
      Result r = c_.run("SELECT task FROM task_inbox WHERE tenant = $1 AND key = $2 AND task > $3 ORDER BY task LIMIT $4",
                        {t(), key, num(f.after), limit});
      for (int i = 0; i < r.rows(); ++i) merged.insert(r.integer(i, 0));
    }
    std::string ids = "{";
    std::size_t taken = 0;
    for (auto id : merged) {
      if (f.limit > 0 && taken == static_cast<std::size_t>(f.limit)) break;
      ids += (taken++ ? "," : "") + num(id);
    }
    ids += "}";
    if (taken == 0) return {};
    auto rows = task_rows(c_.run(select(kTaskColumns, "tasks") + " AND id = ANY($2::bigint[]) ORDER BY id", {t(), ids}));
    if (!f.case_id.empty()) std::erase_if(rows, [&](const TaskRow& row) { return row.case_id != f.case_id; });
    return rows;
  }
  std::string live = f.include_closed ? "" : " AND status IN ('open', 'claimed')";
  if (!f.case_id.empty())
    return task_rows(c_.run(select(kTaskColumns, "tasks") + " AND case_id = $4" + live + " AND id > $2 ORDER BY id LIMIT $3",
                            {t(), num(f.after), limit, f.case_id}));
  return task_rows(
      c_.run(select(kTaskColumns, "tasks") + live + " AND id > $2 ORDER BY id LIMIT $3", {t(), num(f.after), limit}));
}

std::optional<TaskRow> PgStore::find_task(std::int64_t id) {
  auto rows = task_rows(c_.run(select(kTaskColumns, "tasks") + " AND id = $2", {t(), num(id)}));
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::optional<std::int64_t> PgStore::task_id(const std::string& case_id, int local_id) {
  Result r = c_.run("SELECT id FROM tasks WHERE tenant = $1 AND case_id = $2 AND local_id = $3", {t(), case_id, num(local_id)});
  if (r.rows() == 0) return std::nullopt;
  return r.integer(0, 0);
}

bool PgStore::inbox_holds(const std::string& key, std::int64_t task) {
  return c_.run("SELECT 1 FROM task_inbox WHERE tenant = $1 AND key = $2 AND task = $3", {t(), key, num(task)}).rows() > 0;
}

std::vector<std::string> PgStore::cases_waiting_for(const std::string& message, const std::string& key) {
  return ids(c_.run("SELECT c.id FROM cases c WHERE c.tenant = $1 AND c.status = 'active' AND ($3 = '' OR c.correlation_key = $3) "
                    "AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.tenant = $1 AND s.case_id = c.id AND s.message = $2) "
                    "ORDER BY c.position",
                    {t(), message, key}));
}

std::vector<std::string> PgStore::cases_due(const std::string& now) {
  return ids(c_.run("SELECT id FROM cases WHERE tenant = $1 AND status = 'active' AND id IN ("
                    "SELECT case_id FROM timers WHERE tenant = $1 AND due <= $2 UNION "
                    "SELECT case_id FROM tasks WHERE tenant = $1 AND status IN ('open', 'claimed') AND alert <> '' AND alert <= $2) "
                    "ORDER BY position",
                    {t(), now}));
}

std::vector<CaseRow> PgStore::cases_updated_since(const std::string& since) {
  return case_rows(c_.run(select(kCaseColumns, "cases") + " AND updated_at >= $2 ORDER BY position", {t(), since}));
}

std::vector<CaseRow> PgStore::case_rows(const Result& r) {
  std::vector<CaseRow> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(case_of(PgRow{r, i}));
  return out;
}

std::vector<TaskRow> PgStore::task_rows(const Result& r) {
  std::vector<TaskRow> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(task_of(PgRow{r, i}));
  return out;
}

// Moves a task's inbox index from what it was (`old`, null for a new task) to what it is.
void PgStore::index_task(std::int64_t id, const engine::Task* old, const engine::Task& task) {
  auto change = inbox_change(old, task);
  for (const auto& key : change.removed)
    c_.run("DELETE FROM task_inbox WHERE tenant = $1 AND key = $2 AND task = $3", {t(), key, num(id)});
  for (const auto& key : change.added) c_.run("INSERT INTO task_inbox VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", {t(), key, num(id)});
}

void PgStore::update_task(const CaseRow& r, const engine::Task& task, const engine::Task& old) {
  auto v = task_values(task);
  Result id = c_.run("UPDATE tasks SET status = $4, consultations = $5, assignee = $6, due = $7, escalated = $8, "
                     "completed_by = $9, reminded = $10, alert = $11, reminders = $12 "
                     "WHERE tenant = $1 AND case_id = $2 AND local_id = $3 RETURNING id",
                     {t(), r.id, num(task.id), v.status, v.consultations, task.assignee, v.due, num(task.escalated ? 1 : 0),
                      task.completed_by, num(task.reminded), v.alert, v.reminders});
  if (id.rows() > 0) index_task(id.integer(0, 0), &old, task);
}

void PgStore::insert_task(const CaseRow& r, const engine::Task& task) {
  auto v = task_values(task);
  std::int64_t id = next("task");
  c_.run("INSERT INTO tasks VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
         "$20, $21, $22, $23, $24, $25)",
         {t(), num(id), r.id, num(task.id), r.process, num(r.version), task.node_id, task.name, v.status, v.responsible,
          v.accountable, v.consulted, v.informed, v.consultations, task.assignee, v.created, v.due,
          num(task.escalated ? 1 : 0), task.completed_by, num(task.token), v.reminders, num(task.reminded), v.alert,
          num(task.instance), v.locals});
  index_task(id, nullptr, task);
}

}  // namespace raciflow::runtime::pg_detail
