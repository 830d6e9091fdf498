// Digests: instead of one e-mail per notification, a person may take one a day or one a
// week with what is new for their roles, what is due soon and what is overdue. The clock
// (tick) queues each digest as an outbox item of its own, once per slot, so the courier
// sends it with the same claiming and retry as every other notification.
#include <algorithm>

#include "runtime/runtime_internal.h"

namespace raciflow::runtime {

using definitions::TimePoint;
using nlohmann::json;

namespace {

inline constexpr const char* kDigestChosen = "digest_chosen";
inline constexpr int kMostNews = 200;  // a digest lists at most this many notifications

std::chrono::days period_of(const std::string& choice) { return std::chrono::days(choice == "weekly" ? 7 : 1); }

// The latest slot at or before `now`: daily at the organisation's digest time, weekly on
// its digest day at that time (UTC).
TimePoint latest_slot(const Organisation& org, const std::string& choice, TimePoint now) {
  using namespace std::chrono;
  auto today = floor<days>(now);
  auto at = hours(std::stoi(org.digest_time.substr(0, 2))) + minutes(std::stoi(org.digest_time.substr(3, 2)));
  auto slot = time_point_cast<seconds>(sys_days{today} + at);
  if (slot > now) slot -= days(1);
  if (choice == "weekly") {
    static const char* const kDays[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
    while (kDays[weekday{floor<days>(slot)}.c_encoding()] != org.digest_day) slot -= days(1);
  }
  return slot;
}

}  // namespace

void Runtime::choose_digest(const std::string& person, const std::string& choice, const std::string& actor) {
  if (choice != "each" && choice != "daily" && choice != "weekly")
    throw Refused("the digest is each, daily or weekly, not '" + choice + "'");
  transact([&] {
    auto org = store_.organisation();
    if (!org) throw Refused("no organisation is loaded; run 'raciflow org load FILE' first");
    if (!org->find_person(person)) throw Refused("unknown person '" + person + "' (not in the organisation '" + org->name + "')");
    if (choice == "each") {
      store_.remove_digest_choice(person);
    } else {
      // The first digest comes at the next slot: the one that has passed is not owed.
      std::string slot = definitions::format_date_time(latest_slot(*org, choice, now_));
      store_.put_digest_choice({person, choice, now_text(), actor, slot});
    }
    AuditRecord r;
    r.time = now_text();
    r.action = kDigestChosen;
    r.actor = actor;
    r.data = json{{"person", person}, {"digest", choice}}.dump();
    append(r);
    return 0;
  });
}

std::string Runtime::digest_choice(const std::string& person) {
  for (const auto& c : store_.digest_choices())
    if (c.person == person) return c.choice;
  return "each";
}

void Runtime::queue_digests() {
  auto choices = store_.digest_choices();
  if (choices.empty()) return;
  auto org = store_.organisation();
  if (!org) return;
  for (auto& c : choices) {
    if (!org->find_person(c.person)) continue;  // no longer in the organisation: nothing to send
    std::string slot = definitions::format_date_time(latest_slot(*org, c.choice, now_));
    if (!c.last_slot.empty() && c.last_slot >= slot) continue;
    OutboxItem item;
    item.created_at = slot;
    item.kind = "digest";
    item.person = c.person;
    store_.enqueue(item);
    c.last_slot = slot;
    store_.put_digest_choice(c);
  }
}

Digest Runtime::digest(const OutboxItem& item) {
  Digest d;
  auto org = store_.organisation();
  const Person* who = org ? org->find_person(item.person) : nullptr;
  if (!who) return d;
  d.person = who->id;
  d.person_name = who->name.empty() ? who->id : who->name;
  d.email = who->email;
  d.organisation = org->name;
  d.language = org->language;
  d.choice = "daily";
  for (const auto& c : store_.digest_choices())
    if (c.person == who->id) d.choice = c.choice;
  for (const auto& r : org->roles) d.role_names[r.id] = r.name.empty() ? r.id : r.name;
  auto until = definitions::parse_date_time(item.created_at).value_or(now_);
  d.until = definitions::format_date_time(until);
  d.from = definitions::format_date_time(until - period_of(d.choice));

  auto delegated = delegations(who->id);
  std::vector<std::string> roles = roles_today(who->roles, delegated);
  auto processes = process_names(store_);
  for (auto& n : store_.notifications(&roles, 0, kMostNews)) {
    if (n.created_at <= d.from || n.created_at > d.until) continue;
    Digest::News news{n, n.node, ""};
    if (auto t = n.task ? store_.find_task(n.task) : std::nullopt) {
      news.step = t->task.name.empty() ? t->task.node_id : t->task.name;
      news.process = processes.count(t->process) ? processes[t->process] : t->process;
    }
    d.news.push_back(std::move(news));
  }
  std::reverse(d.news.begin(), d.news.end());  // oldest first

  auto horizon = now_ + period_of(d.choice);
  for (auto& t : dated_tasks(*who, delegated)) {
    if (*t.task.task.due < now_) d.overdue.push_back(std::move(t));
    else if (*t.task.task.due <= horizon) d.due_soon.push_back(std::move(t));
  }
  auto by_due = [](const PersonalCalendar::Item& a, const PersonalCalendar::Item& b) { return *a.task.task.due < *b.task.task.due; };
  std::sort(d.overdue.begin(), d.overdue.end(), by_due);
  std::sort(d.due_soon.begin(), d.due_soon.end(), by_due);
  return d;
}

}  // namespace raciflow::runtime
