// The SQLite store: cases, tasks, the inbox and what cases wait for.
#include "runtime/sqlite_store_internal.h"

namespace raciflow::runtime::sqlite_detail {

std::string SqliteStore::new_case_id() {
  cache_.run("INSERT INTO counters VALUES ('case', 1) ON CONFLICT(name) DO UPDATE SET value = value + 1");
  Query q(cache_, "SELECT value FROM counters WHERE name = 'case'");
  q.executeStep();
  return std::to_string(q.getColumn(0).getInt64());
}

std::optional<CaseRow> SqliteStore::find_case(const std::string& id) {
  Query q(cache_, "SELECT * FROM cases WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return case_of(SqliteRow{q});
}

std::vector<CaseRow> SqliteStore::cases(const std::string& status, const std::string& process, std::int64_t after, int limit) {
  // A case's rowid is its place in the order cases started (ids count up as rows are added).
  std::string sql = "SELECT *, rowid FROM cases WHERE rowid > ?3";
  if (!status.empty()) sql += " AND status = ?1";
  if (!process.empty()) sql += " AND process = ?2";
  Query q(cache_, sql + " ORDER BY rowid LIMIT ?4");
  if (!status.empty()) q.bind(1, status);
  if (!process.empty()) q.bind(2, process);
  q.bind(3, static_cast<int64_t>(after));
  q.bind(4, limit > 0 ? limit : -1);
  std::vector<CaseRow> out;
  while (q.executeStep()) {
    out.push_back(case_of(SqliteRow{q}));
    out.back().position = q.getColumn(13).getInt64();
  }
  return out;
}

std::vector<CaseRow> SqliteStore::children(const std::string& parent) {
  Query q(cache_, "SELECT * FROM cases WHERE parent_case = ? ORDER BY CAST(id AS INTEGER), id");
  q.bind(1, parent);
  std::vector<CaseRow> out;
  while (q.executeStep()) out.push_back(case_of(SqliteRow{q}));
  return out;
}

void SqliteStore::save_case(const CaseSnapshot& s, const CaseSnapshot* before) {
  const CaseRow& r = s.row;
  // An upsert, not INSERT OR REPLACE: a replace deletes and re-inserts the row, which
  // rewrites every index entry of the case even when the indexed columns are the same.
  Query c(cache_,
          "INSERT INTO cases (id, process, version, status, correlation_key, parent_case, parent_token, started_at, "
          "started_by, updated_at, variables, incident, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT(id) DO UPDATE SET "
          "process = excluded.process, version = excluded.version, status = excluded.status, "
          "correlation_key = excluded.correlation_key, parent_case = excluded.parent_case, "
          "parent_token = excluded.parent_token, started_at = excluded.started_at, started_by = excluded.started_by, "
          "updated_at = excluded.updated_at, variables = excluded.variables, incident = excluded.incident, "
          "tokens = excluded.tokens");
  c.bind(1, r.id);
  c.bind(2, r.process);
  c.bind(3, r.version);
  c.bind(4, r.status);
  c.bind(5, r.key);
  c.bind(6, r.parent_case);
  c.bind(7, r.parent_token);
  c.bind(8, r.started_at);
  c.bind(9, r.started_by);
  c.bind(10, r.updated_at);
  c.bind(11, s.variables.dump());
  c.bind(12, s.incident);
  c.bind(13, tokens_text(s.tokens));
  c.exec();
  // Timers and subscriptions: only the rows that differ from `before`.
  auto sync = [&](const char* table, const auto& now, const auto* was, auto insert) {
    using Row = typename std::decay_t<decltype(now)>::value_type;
    std::map<int, const Row*> old_rows, new_rows;
    if (was) for (const auto& row : *was) old_rows[row.id] = &row;
    for (const auto& row : now) new_rows[row.id] = &row;
    if (!was) {
      Query del(cache_, std::string("DELETE FROM ") + table + " WHERE case_id = ?");
      del.bind(1, r.id);
      del.exec();
    } else {
      for (const auto& [id, row] : old_rows) {
        if (new_rows.count(id)) continue;
        Query del(cache_, std::string("DELETE FROM ") + table + " WHERE case_id = ? AND id = ?");
        del.bind(1, r.id);
        del.bind(2, id);
        del.exec();
      }
    }
    for (const auto& [id, row] : new_rows) {
      auto it = old_rows.find(id);
      if (it != old_rows.end() && *it->second == *row) continue;
      insert(*row);
    }
  };
  sync("timers", s.timers, before ? &before->timers : nullptr, [&](const TimerRow& t) {
    Query q(cache_, "INSERT OR REPLACE INTO timers VALUES (?, ?, ?, ?)");
    q.bind(1, r.id);
    q.bind(2, t.id);
    q.bind(3, t.node);
    q.bind(4, t.due);
    q.exec();
  });
  sync("subscriptions", s.subscriptions, before ? &before->subscriptions : nullptr, [&](const SubscriptionRow& t) {
    Query q(cache_, "INSERT OR REPLACE INTO subscriptions VALUES (?, ?, ?, ?)");
    q.bind(1, r.id);
    q.bind(2, t.id);
    q.bind(3, t.node);
    q.bind(4, t.message);
    q.exec();
  });
  if (before) {
    // Tasks: insert the new ones, update the changed ones, leave the rest alone.
    std::map<int, const engine::Task*> old_tasks;
    for (const auto& t : before->tasks) old_tasks[t.id] = &t;
    for (const auto& t : s.tasks) {
      auto it = old_tasks.find(t.id);
      if (it == old_tasks.end()) {
        insert_task(r, t);
      } else if (!same_task_columns(*it->second, t)) {
        update_task(r, t, *it->second);
      }
    }
    return;
  }
  std::map<int, engine::Task> stored;
  {
    Query q(cache_, "SELECT * FROM tasks WHERE case_id = ?");
    q.bind(1, r.id);
    while (q.executeStep()) {
      TaskRow row = task_of(SqliteRow{q});
      stored.emplace(row.local_id, std::move(row.task));
    }
  }
  for (const auto& t : s.tasks) {
    if (auto it = stored.find(t.id); it != stored.end())
      update_task(r, t, it->second);
    else
      insert_task(r, t);
  }
}

// Moves a task's inbox index from what it was (`old`, null for a new task) to what it is.
void SqliteStore::index_task(std::int64_t id, const engine::Task* old, const engine::Task& t) {
  auto change = inbox_change(old, t);
  auto run = [&](const std::vector<std::string>& keys, const char* sql) {
    for (const auto& key : keys) {
      Query q(cache_, sql);
      q.bind(1, key);
      q.bind(2, static_cast<int64_t>(id));
      q.exec();
    }
  };
  run(change.removed, "DELETE FROM task_inbox WHERE key = ? AND task = ?");
  run(change.added, "INSERT OR IGNORE INTO task_inbox VALUES (?, ?)");
}

void SqliteStore::update_task(const CaseRow& r, const engine::Task& t, const engine::Task& old) {
  auto v = task_values(t);
  Query q(cache_,
          "UPDATE tasks SET status = ?, consultations = ?, assignee = ?, due = ?, escalated = ?, "
          "completed_by = ?, reminded = ?, alert = ? WHERE case_id = ? AND local_id = ? RETURNING id");
  q.bind(1, v.status);
  q.bind(2, v.consultations);
  q.bind(3, t.assignee);
  q.bind(4, v.due);
  q.bind(5, t.escalated ? 1 : 0);
  q.bind(6, t.completed_by);
  q.bind(7, t.reminded);
  q.bind(8, v.alert);
  q.bind(9, r.id);
  q.bind(10, t.id);
  if (!q.executeStep()) return;
  std::int64_t id = q.getColumn(0).getInt64();
  while (q.executeStep()) {
  }
  index_task(id, &old, t);
}

void SqliteStore::insert_task(const CaseRow& r, const engine::Task& t) {
  auto v = task_values(t);
  Query q(cache_,
          "INSERT INTO tasks (case_id, local_id, process, version, node, name, status, responsible, "
          "accountable, consulted, informed, consultations, assignee, created, due, escalated, "
          "completed_by, token, reminders, reminded, alert, instance, locals) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, r.id);
  q.bind(2, t.id);
  q.bind(3, r.process);
  q.bind(4, r.version);
  q.bind(5, t.node_id);
  q.bind(6, t.name);
  q.bind(7, v.status);
  q.bind(8, v.responsible);
  q.bind(9, v.accountable);
  q.bind(10, v.consulted);
  q.bind(11, v.informed);
  q.bind(12, v.consultations);
  q.bind(13, t.assignee);
  q.bind(14, v.created);
  q.bind(15, v.due);
  q.bind(16, t.escalated ? 1 : 0);
  q.bind(17, t.completed_by);
  q.bind(18, t.token);
  q.bind(19, v.reminders);
  q.bind(20, t.reminded);
  q.bind(21, v.alert);
  q.bind(22, t.instance);
  q.bind(23, v.locals);
  q.exec();
  index_task(db_.getLastInsertRowid(), nullptr, t);
}

std::optional<CaseSnapshot> SqliteStore::load_snapshot(const std::string& id) {
  auto row = find_case(id);
  if (!row) return std::nullopt;
  CaseSnapshot s;
  s.row = *row;
  {
    Query q(cache_, "SELECT variables, incident, tokens FROM cases WHERE id = ?");
    q.bind(1, id);
    q.executeStep();
    s.variables = json::parse(q.getColumn(0).getString(), nullptr, false);
    s.incident = q.getColumn(1).getString();
    s.tokens = tokens_of(q.getColumn(2).getString());
  }
  Query timers(cache_, "SELECT id, node, due FROM timers WHERE case_id = ? ORDER BY id");
  timers.bind(1, id);
  while (timers.executeStep())
    s.timers.push_back({timers.getColumn(0).getInt(), timers.getColumn(1).getString(), timers.getColumn(2).getString()});
  Query subs(cache_, "SELECT id, node, message FROM subscriptions WHERE case_id = ? ORDER BY id");
  subs.bind(1, id);
  while (subs.executeStep())
    s.subscriptions.push_back({subs.getColumn(0).getInt(), subs.getColumn(1).getString(), subs.getColumn(2).getString()});
  for (const auto& t : tasks({id, true})) s.tasks.push_back(t.task);
  return s;
}

std::vector<TaskRow> SqliteStore::tasks(const TaskFilter& f) {
  std::vector<TaskRow> out;
  if (f.inbox) {
    // From the inbox index: one range per key, merged in task order.
    auto keys = inbox_filter_keys(f);
    if (keys.empty()) return out;
    // One index range per key, each stopping at the page's size, merged here: a query
    // with `key IN (...)` would sort every match of every key before taking the page.
    std::set<std::int64_t> merged;
    for (const auto& key : keys) {
      Query q(cache_, "SELECT task FROM task_inbox WHERE key = ?1 AND task > ?2 ORDER BY task LIMIT ?3");
      q.bind(1, key);
      q.bind(2, static_cast<int64_t>(f.after));
      q.bind(3, f.limit > 0 ? f.limit : -1);
      while (q.executeStep()) merged.insert(q.getColumn(0).getInt64());
    }
    std::vector<std::int64_t> ids(merged.begin(), merged.end());
    if (f.limit > 0 && ids.size() > static_cast<std::size_t>(f.limit)) ids.resize(static_cast<std::size_t>(f.limit));
    for (auto id : ids)
      if (auto t = find_task(id); t && (f.case_id.empty() || t->case_id == f.case_id)) out.push_back(std::move(*t));
    return out;
  }
  // One statement per shape, so that each uses its index (by case, or by status).
  // Without statistics the planner would rather read the whole table in id order than
  // the partial index of live tasks and sort; the inbox must not grow with the history.
  std::string sql = "SELECT * FROM tasks";
  if (!f.case_id.empty()) sql += " WHERE case_id = ?1";
  if (!f.include_closed)
    sql += f.case_id.empty() ? " INDEXED BY tasks_live WHERE status IN ('open', 'claimed')" : " AND status IN ('open', 'claimed')";
  sql += f.case_id.empty() && f.include_closed ? " WHERE id > ?2" : " AND id > ?2";
  Query q(cache_, sql + " ORDER BY id LIMIT ?3");
  if (!f.case_id.empty()) q.bind(1, f.case_id);
  q.bind(2, static_cast<int64_t>(f.after));
  q.bind(3, f.limit > 0 ? f.limit : -1);
  while (q.executeStep()) out.push_back(task_of(SqliteRow{q}));
  return out;
}

std::optional<TaskRow> SqliteStore::find_task(std::int64_t id) {
  Query q(cache_, "SELECT * FROM tasks WHERE id = ?");
  q.bind(1, static_cast<int64_t>(id));
  if (!q.executeStep()) return std::nullopt;
  return task_of(SqliteRow{q});
}

bool SqliteStore::inbox_holds(const std::string& key, std::int64_t task) {
  Query q(cache_, "SELECT 1 FROM task_inbox WHERE key = ? AND task = ?");
  q.bind(1, key);
  q.bind(2, static_cast<int64_t>(task));
  return q.executeStep();
}

std::int64_t SqliteStore::inbox_size() {
  Query q(cache_, "SELECT count(*) FROM task_inbox");
  q.executeStep();
  return q.getColumn(0).getInt64();
}

std::optional<std::int64_t> SqliteStore::task_id(const std::string& case_id, int local_id) {
  Query q(cache_, "SELECT id FROM tasks WHERE case_id = ? AND local_id = ?");
  q.bind(1, case_id);
  q.bind(2, local_id);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getInt64();
}

std::vector<std::string> SqliteStore::cases_waiting_for(const std::string& message, const std::string& key) {
  Query q(cache_,
                      "SELECT DISTINCT c.id FROM subscriptions s JOIN cases c ON c.id = s.case_id "
                      "WHERE s.message = ?1 AND c.status = 'active' AND (?2 = '' OR c.correlation_key = ?2) "
                      "ORDER BY CAST(c.id AS INTEGER), c.id");
  q.bind(1, message);
  q.bind(2, key);
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

std::vector<std::string> SqliteStore::cases_due(const std::string& now) {
  // Through the due-time indexes: the cost follows what is due, not how many cases exist.
  Query q(cache_,
          "SELECT id FROM cases WHERE status = 'active' AND id IN ("
          "SELECT case_id FROM timers WHERE due <= ?1 UNION "
          "SELECT case_id FROM tasks WHERE status IN ('open', 'claimed') AND alert <> '' AND alert <= ?1) "
          "ORDER BY CAST(id AS INTEGER), id");
  q.bind(1, now);
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

std::vector<CaseRow> SqliteStore::cases_updated_since(const std::string& since) {
  Query q(cache_, std::string("SELECT * FROM cases") + " WHERE updated_at >= ? ORDER BY CAST(id AS INTEGER), id");
  q.bind(1, since);
  std::vector<CaseRow> out;
  while (q.executeStep()) out.push_back(case_of(SqliteRow{q}));
  return out;
}

}  // namespace raciflow::runtime::sqlite_detail
