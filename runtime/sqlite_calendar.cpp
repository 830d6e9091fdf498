// The SQLite store: the annual wheel, its occurrences, the plan, substitutes and calendar feeds.
#include "runtime/sqlite_store_internal.h"

namespace raciflow::runtime::sqlite_detail {

std::optional<StoredWheel> SqliteStore::wheel() {
  Query q(cache_, "SELECT file, source, digest, loaded_at, loaded_by FROM wheel WHERE id = 1");
  if (!q.executeStep()) return std::nullopt;
  return StoredWheel{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                     q.getColumn(3).getString(), q.getColumn(4).getString()};
}

void SqliteStore::put_wheel(const StoredWheel& w) {
  Query q(cache_, "INSERT OR REPLACE INTO wheel VALUES (1, ?, ?, ?, ?, ?)");
  q.bind(1, w.file);
  q.bind(2, w.source);
  q.bind(3, w.digest);
  q.bind(4, w.loaded_at);
  q.bind(5, w.loaded_by);
  q.exec();
}

std::optional<std::string> SqliteStore::activity_since(const std::string& activity) {
  Query q(cache_, "SELECT since FROM wheel_activities WHERE activity = ?");
  q.bind(1, activity);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getString();
}

void SqliteStore::put_activity_since(const std::string& activity, const std::string& since) {
  Query q(cache_, "INSERT OR REPLACE INTO wheel_activities VALUES (?, ?)");
  q.bind(1, activity);
  q.bind(2, since);
  q.exec();
}

bool SqliteStore::occurrence_fired(const std::string& activity, const std::string& occurrence) {
  Query q(cache_, "SELECT 1 FROM wheel_occurrences WHERE activity = ? AND occurrence = ?");
  q.bind(1, activity);
  q.bind(2, occurrence);
  return q.executeStep();
}

void SqliteStore::add_occurrence(const WheelOccurrence& o) {
  Query q(cache_, "INSERT INTO wheel_occurrences VALUES (?, ?, ?, ?, ?, ?)");
  q.bind(1, o.activity);
  q.bind(2, o.occurrence);
  q.bind(3, o.fire_at);
  q.bind(4, o.fired_at);
  q.bind(5, o.case_id);
  q.bind(6, o.late ? 1 : 0);
  q.exec();
}

std::vector<WheelOccurrence> SqliteStore::occurrences() {
  Query q(cache_, "SELECT * FROM wheel_occurrences ORDER BY occurrence, activity");
  std::vector<WheelOccurrence> out;
  while (q.executeStep())
    out.push_back(occurrence_of(SqliteRow{q}));
  return out;
}

std::vector<definitions::PlanItem> SqliteStore::plan_items() {
  Query q(cache_, "SELECT * FROM plan_items ORDER BY deadline, id");
  std::vector<definitions::PlanItem> out;
  while (q.executeStep()) out.push_back(plan_item_of(SqliteRow{q}));
  return out;
}

std::optional<definitions::PlanItem> SqliteStore::plan_item(const std::string& id) {
  Query q(cache_, "SELECT * FROM plan_items WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return plan_item_of(SqliteRow{q});
}

void SqliteStore::put_plan_item(const definitions::PlanItem& i) {
  Query q(cache_, "INSERT OR REPLACE INTO plan_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, i.id);
  q.bind(2, i.name);
  q.bind(3, i.responsible);
  q.bind(4, i.start);
  q.bind(5, i.deadline);
  q.bind(6, i.risk);
  q.bind(7, i.case_id);
  q.bind(8, i.status);
  q.bind(9, i.note);
  q.bind(10, i.updated_at);
  q.bind(11, i.updated_by);
  q.exec();
}

std::vector<Substitution> SqliteStore::substitutions() {
  Query q(cache_, std::string("SELECT ") + kSubstituteColumns + " FROM substitutes ORDER BY id");
  std::vector<Substitution> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getString(),
                   q.getColumn(4).getString(), q.getColumn(5).getString(), q.getColumn(6).getString(), q.getColumn(7).getString(),
                   q.getColumn(8).getString()});
  return out;
}

void SqliteStore::put_substitution(const Substitution& s) {
  Query q(cache_, "INSERT OR REPLACE INTO substitutes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, static_cast<std::int64_t>(s.id));
  q.bind(2, s.person);
  q.bind(3, s.substitute);
  q.bind(4, s.from);
  q.bind(5, s.until);
  q.bind(6, s.created_at);
  q.bind(7, s.created_by);
  q.bind(8, s.ended_at);
  q.bind(9, s.ended_by);
  q.exec();
}

namespace {

std::optional<CalendarFeed> feed_row(Query& q) {
  if (!q.executeStep()) return std::nullopt;
  return CalendarFeed{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                      q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getInt64()};
}

}  // namespace

std::optional<CalendarFeed> SqliteStore::calendar_feed(const std::string& person) {
  Query q(cache_, std::string("SELECT ") + kCalendarFeedColumns + " FROM calendar_feeds WHERE person = ?");
  q.bind(1, person);
  return feed_row(q);
}

std::optional<CalendarFeed> SqliteStore::calendar_feed_by_hash(const std::string& hash) {
  Query q(cache_, std::string("SELECT ") + kCalendarFeedColumns + " FROM calendar_feeds WHERE hash = ?");
  q.bind(1, hash);
  return feed_row(q);
}

void SqliteStore::put_calendar_feed(const CalendarFeed& f) {
  Query q(cache_, "INSERT OR REPLACE INTO calendar_feeds VALUES (?, ?, ?, ?, ?, ?)");
  q.bind(1, f.person);
  q.bind(2, f.hash);
  q.bind(3, f.created_at);
  q.bind(4, f.created_by);
  q.bind(5, f.recorded_at);
  q.bind(6, static_cast<std::int64_t>(f.reads));
  q.exec();
}

void SqliteStore::remove_calendar_feed(const std::string& person) {
  Query q(cache_, "DELETE FROM calendar_feeds WHERE person = ?");
  q.bind(1, person);
  q.exec();
}

std::vector<DigestChoice> SqliteStore::digest_choices() {
  Query q(cache_, std::string("SELECT ") + kDigestColumns + " FROM digests ORDER BY person");
  std::vector<DigestChoice> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getString(),
                   q.getColumn(4).getString()});
  return out;
}

void SqliteStore::put_digest_choice(const DigestChoice& d) {
  Query q(cache_, "INSERT OR REPLACE INTO digests VALUES (?, ?, ?, ?, ?)");
  q.bind(1, d.person);
  q.bind(2, d.choice);
  q.bind(3, d.chosen_at);
  q.bind(4, d.chosen_by);
  q.bind(5, d.last_slot);
  q.exec();
}

void SqliteStore::remove_digest_choice(const std::string& person) {
  Query q(cache_, "DELETE FROM digests WHERE person = ?");
  q.bind(1, person);
  q.exec();
}

}  // namespace raciflow::runtime::sqlite_detail
