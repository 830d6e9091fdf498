// The PostgreSQL store: the annual wheel, its occurrences, the plan, substitutes and calendar feeds.
#include "runtime/pg_store_internal.h"

namespace raciflow::runtime::pg_detail {

std::optional<StoredWheel> PgStore::wheel() {
  Result r = c_.run("SELECT file, source, digest, loaded_at, loaded_by FROM wheel WHERE tenant = $1", {t()});
  if (r.rows() == 0) return std::nullopt;
  return StoredWheel{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4)};
}

void PgStore::put_wheel(const StoredWheel& w) {
  c_.run("INSERT INTO wheel VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant) DO UPDATE SET file = excluded.file, "
         "source = excluded.source, digest = excluded.digest, loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by",
         {t(), w.file, w.source, w.digest, w.loaded_at, w.loaded_by});
}

std::optional<std::string> PgStore::activity_since(const std::string& activity) {
  Result r = c_.run("SELECT since FROM wheel_activities WHERE tenant = $1 AND activity = $2", {t(), activity});
  if (r.rows() == 0) return std::nullopt;
  return r.text(0, 0);
}

void PgStore::put_activity_since(const std::string& activity, const std::string& since) {
  c_.run("INSERT INTO wheel_activities VALUES ($1, $2, $3) ON CONFLICT (tenant, activity) DO UPDATE SET since = excluded.since",
         {t(), activity, since});
}

bool PgStore::occurrence_fired(const std::string& activity, const std::string& occurrence) {
  return c_.run("SELECT 1 FROM wheel_occurrences WHERE tenant = $1 AND activity = $2 AND occurrence = $3",
                {t(), activity, occurrence})
             .rows() > 0;
}

void PgStore::add_occurrence(const WheelOccurrence& o) {
  c_.run("INSERT INTO wheel_occurrences VALUES ($1, $2, $3, $4, $5, $6, $7)",
         {t(), o.activity, o.occurrence, o.fire_at, o.fired_at, o.case_id, num(o.late ? 1 : 0)});
}

std::vector<WheelOccurrence> PgStore::occurrences() {
  Result r = c_.run(select(kOccurrenceColumns, "wheel_occurrences") + " ORDER BY occurrence, activity", {t()});
  std::vector<WheelOccurrence> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(occurrence_of(PgRow{r, i}));
  return out;
}

std::vector<definitions::PlanItem> PgStore::plan_items() {
  Result r = c_.run(select(kPlanColumns, "plan_items") + " ORDER BY deadline, id", {t()});
  std::vector<definitions::PlanItem> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(plan_item_of(PgRow{r, i}));
  return out;
}

std::optional<definitions::PlanItem> PgStore::plan_item(const std::string& id) {
  Result r = c_.run(select(kPlanColumns, "plan_items") + " AND id = $2", {t(), id});
  if (r.rows() == 0) return std::nullopt;
  return plan_item_of(PgRow{r, 0});
}

void PgStore::put_plan_item(const definitions::PlanItem& i) {
  c_.run("INSERT INTO plan_items VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (tenant, id) DO UPDATE SET "
         "name = excluded.name, responsible = excluded.responsible, start = excluded.start, deadline = excluded.deadline, "
         "risk = excluded.risk, case_id = excluded.case_id, status = excluded.status, note = excluded.note, "
         "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
         {t(), i.id, i.name, i.responsible, i.start, i.deadline, i.risk, i.case_id, i.status, i.note, i.updated_at,
          i.updated_by});
}

std::vector<Substitution> PgStore::substitutions() {
  Result r = c_.run(select(kSubstituteColumns, "substitutes") + " ORDER BY id", {t()});
  std::vector<Substitution> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.text(i, 6), r.text(i, 7),
                   r.text(i, 8)});
  return out;
}

void PgStore::put_substitution(const Substitution& s) {
  c_.run("INSERT INTO substitutes VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (tenant, id) DO UPDATE SET "
         "until_day = excluded.until_day, ended_at = excluded.ended_at, ended_by = excluded.ended_by",
         {t(), std::to_string(s.id), s.person, s.substitute, s.from, s.until, s.created_at, s.created_by, s.ended_at, s.ended_by});
}

namespace {

std::optional<CalendarFeed> feed_row(const Result& r) {
  if (r.rows() == 0) return std::nullopt;
  return CalendarFeed{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4), r.integer(0, 5)};
}

}  // namespace

std::optional<CalendarFeed> PgStore::calendar_feed(const std::string& person) {
  return feed_row(c_.run(select(kCalendarFeedColumns, "calendar_feeds") + " AND person = $2", {t(), person}));
}

std::optional<CalendarFeed> PgStore::calendar_feed_by_hash(const std::string& hash) {
  return feed_row(c_.run(select(kCalendarFeedColumns, "calendar_feeds") + " AND hash = $2", {t(), hash}));
}

void PgStore::put_calendar_feed(const CalendarFeed& f) {
  c_.run("INSERT INTO calendar_feeds VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant, person) DO UPDATE SET "
         "hash = excluded.hash, created_at = excluded.created_at, created_by = excluded.created_by, "
         "recorded_at = excluded.recorded_at, reads = excluded.reads",
         {t(), f.person, f.hash, f.created_at, f.created_by, f.recorded_at, std::to_string(f.reads)});
}

void PgStore::remove_calendar_feed(const std::string& person) {
  c_.run("DELETE FROM calendar_feeds WHERE tenant = $1 AND person = $2", {t(), person});
}

std::vector<DigestChoice> PgStore::digest_choices() {
  Result r = c_.run(select(kDigestColumns, "digests") + " ORDER BY person", {t()});
  std::vector<DigestChoice> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4)});
  return out;
}

void PgStore::put_digest_choice(const DigestChoice& d) {
  c_.run("INSERT INTO digests VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant, person) DO UPDATE SET "
         "choice = excluded.choice, chosen_at = excluded.chosen_at, chosen_by = excluded.chosen_by, last_slot = excluded.last_slot",
         {t(), d.person, d.choice, d.chosen_at, d.chosen_by, d.last_slot});
}

void PgStore::remove_digest_choice(const std::string& person) {
  c_.run("DELETE FROM digests WHERE tenant = $1 AND person = $2", {t(), person});
}

}  // namespace raciflow::runtime::pg_detail
