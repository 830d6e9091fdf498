// The annual wheel and the annual plan in the runtime: loading the wheel, firing its
// occurrences exactly once each, editing plan items, and the year's view.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "definitions/definition_set.h"
#include "runtime/registers.h"
#include "runtime/runtime.h"
#include "runtime/runtime_internal.h"

namespace raciflow::runtime {

using definitions::Date;
using definitions::PlanItem;
using definitions::TimePoint;
using definitions::Wheel;
using nlohmann::json;
namespace cmd = engine::command;

namespace {

inline constexpr const char* kWheelLoaded = "wheel_loaded";
inline constexpr const char* kWheelFired = "wheel_fired";
inline constexpr const char* kPlanItemChanged = "plan_item_changed";

Date day_of(TimePoint t) { return std::chrono::floor<std::chrono::days>(t); }
TimePoint start_of(Date d) { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::sys_days{d}); }
definitions::Duration negated(const definitions::Duration& d) { return {-d.years, -d.months, -d.days, -d.milliseconds}; }

// When an occurrence on date `d` fires and when it is due.
TimePoint fire_time(const definitions::WheelActivity& a, Date d) { return negated(a.lead).after(start_of(d)); }
TimePoint due_time(const definitions::WheelActivity& a, Date d) { return a.due.after(start_of(d)); }

bool same_in_file(const PlanItem& a, const PlanItem& b) {
  return a.id == b.id && a.name == b.name && a.responsible == b.responsible && a.start == b.start && a.deadline == b.deadline &&
         a.risk == b.risk && a.case_id == b.case_id && a.status == b.status && a.note == b.note;
}

std::optional<Wheel> parse_stored(const StoredWheel& stored) {
  definitions::Diagnostics ignored(stored.file);
  return definitions::parse_wheel(stored.source, ignored);
}

}  // namespace

json to_json(const PlanItem& i) {
  return {{"id", i.id},           {"name", i.name},       {"responsible", i.responsible}, {"start", i.start},
          {"deadline", i.deadline}, {"risk", i.risk},     {"case", i.case_id},            {"status", i.status},
          {"note", i.note},       {"updated_at", i.updated_at}, {"updated_by", i.updated_by}};
}

WheelLoaded Runtime::load_wheel(const std::string& path, const std::string& actor,
                                const std::function<void(std::int64_t, std::int64_t)>& progress) {
  definitions::Diagnostics diagnostics(path);
  auto wheel = definitions::read_wheel(path, diagnostics);
  std::ostringstream bytes;
  if (wheel) bytes << std::ifstream(path, std::ios::binary).rdbuf();
  return put_wheel(wheel, diagnostics, path, bytes.str(), actor, progress);
}

WheelLoaded Runtime::load_wheel_text(const std::string& name, const std::string& text, const std::string& actor) {
  definitions::Diagnostics diagnostics(name);
  return put_wheel(definitions::parse_wheel(text, diagnostics), diagnostics, name, text, actor);
}

WheelLoaded Runtime::put_wheel(const std::optional<Wheel>& wheel, const definitions::Diagnostics& diagnostics,
                               const std::string& path, const std::string& bytes, const std::string& actor,
                               const std::function<void(std::int64_t, std::int64_t)>& progress) {
  if (!wheel) {
    for (const auto& d : diagnostics.all())
      if (d.severity == definitions::Severity::error)
        throw Refused(d.format() + (diagnostics.error_count() > 1 ? " (and " + std::to_string(diagnostics.error_count() - 1) + " more)" : ""));
    throw Refused(path + ": not a wheel file");
  }
  auto at = [&](int line) { return path + ":" + std::to_string(line) + ": error: "; };
  auto org = store_.organisation();
  if (!org) throw Refused("no organisation is loaded; run 'raciflow org load FILE' before loading the wheel");
  std::vector<std::string> names, texts;
  for (const auto& a : wheel->activities) {
    if (!org->find_role(a.role))
      throw Refused(at(a.line) + "activity '" + a.id + "' names role '" + a.role + "', which the organisation '" + org->name +
                    "' does not have");
    std::vector<std::string> others{a.accountable};
    others.insert(others.end(), a.consulted.begin(), a.consulted.end());
    others.insert(others.end(), a.informed.begin(), a.informed.end());
    for (const auto& r : others)
      if (!org->find_role(r)) throw Refused(at(a.line) + "activity '" + a.id + "' names role '" + r + "', which the organisation does not have");
    if (a.standalone()) {
      names.push_back(path + "#" + a.id);
      texts.push_back(definitions::standalone_bpmn(a));
      continue;
    }
    auto latest = store_.latest_definition(a.process);
    if (!latest) throw Refused(at(a.line) + "activity '" + a.id + "' starts process '" + a.process + "', which is not deployed");
    const Flow& f = flow(a.process, latest->version);
    if (!a.message.empty()) {
      if (f.executable->message_start(a.message) < 0)
        throw Refused(at(a.line) + "activity '" + a.id + "': process '" + a.process + "' has no start event for message '" + a.message + "'");
      continue;
    }
    const auto& nodes = f.process().nodes;
    bool plain_start = std::any_of(nodes.begin(), nodes.end(), [](const definitions::FlowNode& n) {
      return n.kind == definitions::NodeKind::start_event && n.parent < 0 && n.trigger == definitions::EventTrigger::none;
    });
    if (!plain_start)
      throw Refused(at(a.line) + "activity '" + a.id + "' starts process '" + a.process +
                    "', which has no plain start event; name its start message with message=\"...\"");
  }
  for (const auto& item : wheel->plan)
    if (!org->find_person(item.responsible))
      throw Refused(at(item.line) + "plan item '" + item.id + "' names person '" + item.responsible + "', who is not in the organisation");
  std::vector<Candidate> candidates;  // point into `files`
  std::vector<definitions::LoadedFile> files;
  if (!names.empty()) {
    files = definitions::load_and_validate_texts(names, texts, false);
    candidates = deploy_candidates(files, names, texts);
  }
  // The plan as the previous file said it: an item the new file leaves as it was keeps its edits.
  std::map<std::string, PlanItem> before;
  if (auto stored = store_.wheel())
    if (auto old = parse_stored(*stored))
      for (const auto& item : old->plan) before[item.id] = item;
  return transact([&] {
    WheelLoaded out;
    out.activities = static_cast<int>(wheel->activities.size());
    if (!candidates.empty()) out.deployed = install(candidates, {}, {}, actor);
    std::string digest = sha256_hex(bytes);
    store_.put_wheel({path, bytes, digest, now_text(), actor});
    json activities = json::array(), plan = json::array();
    const auto total = static_cast<std::int64_t>(wheel->activities.size() + wheel->plan.size());
    std::int64_t done = 0;
    for (const auto& a : wheel->activities) {
      if (!store_.activity_since(a.id)) store_.put_activity_since(a.id, now_text());
      activities.push_back(a.id);
      if (progress) progress(++done, total);
    }
    for (PlanItem item : wheel->plan) {
      if (progress) progress(++done, total);
      auto it = before.find(item.id);
      if (it != before.end() && same_in_file(it->second, item) && store_.plan_item(item.id)) continue;
      item.updated_at = now_text();
      item.updated_by = actor;
      store_.put_plan_item(item);
      plan.push_back(item.id);
      ++out.plan_items;
    }
    AuditRecord r;
    r.time = now_text();
    r.action = kWheelLoaded;
    r.actor = actor;
    r.data = json{{"file", path}, {"digest", digest}, {"name", wheel->name}, {"activities", activities}, {"plan_changed", plan}}.dump();
    append(r);
    return out;
  });
}

PlanItem Runtime::put_plan_item(const PlanItem& input, const std::string& actor) {
  PlanItem item = input;
  auto valid_id = !item.id.empty() && item.id.size() <= 64 && std::all_of(item.id.begin(), item.id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!valid_id) throw Refused("plan item id '" + item.id + "' must be 1 to 64 letters, digits, '-', '_' or '.'");
  if (item.name.empty()) throw Refused("plan item '" + item.id + "' needs a name");
  if (!definitions::parse_date(item.deadline)) throw Refused("plan item '" + item.id + "': deadline '" + item.deadline + "' is not a date (YYYY-MM-DD)");
  if (!item.start.empty() && !definitions::parse_date(item.start))
    throw Refused("plan item '" + item.id + "': start '" + item.start + "' is not a date (YYYY-MM-DD)");
  if (!item.start.empty() && item.start > item.deadline) throw Refused("plan item '" + item.id + "' starts after its deadline");
  if (!definitions::is_plan_status(item.status))
    throw Refused("plan item '" + item.id + "' has status '" + item.status + "' (open, done or cancelled)");
  return transact([&] {
    auto org = store_.organisation();
    if (!org) throw Refused("no organisation is loaded; run 'raciflow org load FILE' first");
    if (!org->find_person(item.responsible))
      throw Refused("plan item '" + item.id + "': person '" + item.responsible + "' is not in the organisation");
    if (!item.case_id.empty() && !store_.find_case(item.case_id))
      throw Refused("plan item '" + item.id + "': no case '" + item.case_id + "'");
    item.updated_at = now_text();
    item.updated_by = actor;
    bool is_new = !store_.plan_item(item.id);
    store_.put_plan_item(item);
    AuditRecord r;
    r.time = now_text();
    r.action = kPlanItemChanged;
    r.actor = actor;
    json data = to_json(item);
    data["new"] = is_new;
    r.data = data.dump();
    append(r);
    return item;
  });
}

void Runtime::fire_wheel(std::vector<std::string>& touched) {
  auto stored = store_.wheel();
  if (!stored) return;
  auto wheel = parse_stored(*stored);
  if (!wheel) throw std::runtime_error("the stored wheel (" + stored->file + ") no longer loads");
  for (const auto& a : wheel->activities) {
    auto since_text = store_.activity_since(a.id);
    auto since = since_text ? definitions::parse_date_time(*since_text) : std::nullopt;
    if (!since) continue;
    for (Date d : a.schedule.occurrences(day_of(*since), day_of(a.lead.after(now_)))) {
      TimePoint fire = fire_time(a, d);
      if (fire < *since || fire > now_) continue;
      std::string occurrence = definitions::format_date(d);
      if (store_.occurrence_fired(a.id, occurrence)) continue;
      bool late = day_of(now_) > day_of(fire);
      std::string due = definitions::format_date_time(due_time(a, d));
      auto latest = store_.latest_definition(a.process_id());
      if (!latest) throw Refused("wheel activity '" + a.id + "': process '" + a.process_id() + "' is not deployed");
      json variables{{"wheelActivity", a.id}, {"wheelOccurrence", occurrence}, {"wheelDue", due}};
      std::string case_id = start_case(a.process_id(), latest->version, cmd::Start{"", a.message, "", variables}, kSystem,
                                       "wheel:" + a.id + "@" + occurrence, "", -1, 0);
      store_.add_occurrence({a.id, occurrence, definitions::format_date_time(fire), now_text(), case_id, late});
      json reassessed = a.reassess.empty() ? json(nullptr) : json(reassess(a, variables));
      AuditRecord r;
      r.time = now_text();
      r.process = a.process_id();
      r.version = latest->version;
      r.action = kWheelFired;
      r.actor = kSystem.person;
      json data{{"activity", a.id}, {"occurrence", occurrence}, {"fire_at", definitions::format_date_time(fire)},
                    {"due", due}, {"late", late}, {"case", case_id}};
      if (!reassessed.is_null()) data["reassessed"] = reassessed;
      r.data = data.dump();
      append(r);
      touched.push_back(case_id);
      for (const auto& c : reassessed) touched.push_back(c);
    }
  }
}

std::vector<std::string> Runtime::reassess(const definitions::WheelActivity& activity, const json& wheel_variables) {
  // Each entry of the register whose review falls due by the time the activity is due
  // starts again as a case with its key,
  // carrying the values of the columns marked carry="true" from its current version (the
  // risk's description), so that the re-assessment begins where the last one ended. Its earlier cases stay as its history.
  std::vector<std::string> started;
  auto reg = find_register(store_, *this, activity.reassess);
  if (!reg) throw Refused("wheel activity '" + activity.id + "': no deployed process keeps register '" + activity.reassess + "'");
  for (const auto& entry : register_entries(store_, *reg, now_)) {
    auto review = definitions::parse_date_time(entry.review_due_at);
    auto due = definitions::parse_date_time(wheel_variables.value("wheelDue", ""));
    if (!review || !due || *review > *due) continue;
    const std::string& process = entry.current.row.process;
    auto latest = store_.latest_definition(process);
    if (!latest) continue;
    json variables = wheel_variables;
    for (const auto& column : reg->declaration.columns) {
      if (!column.carry) continue;
      std::string top = column.variable.substr(0, column.variable.find('.'));
      if (entry.current.variables.contains(top)) variables[top] = entry.current.variables[top];
    }
    variables["previousAssessment"] = entry.current.row.id;
    std::string message = process == activity.process ? activity.message : "";
    started.push_back(start_case(process, latest->version, cmd::Start{"", message, "", variables}, kSystem, entry.key, "", -1, 0));
  }
  return started;
}

std::optional<Wheel> Runtime::wheel() {
  auto stored = store_.wheel();
  if (!stored) return std::nullopt;
  return parse_stored(*stored);
}

std::vector<WheelEntry> Runtime::wheel_year(int year) {
  std::vector<WheelEntry> out;
  auto w = wheel();
  if (!w) return out;
  std::map<std::pair<std::string, std::string>, WheelOccurrence> fired;
  for (auto& o : store_.occurrences()) fired[{o.activity, o.occurrence}] = o;
  using namespace std::chrono;
  Date first{year_month_day{std::chrono::year{year}, January, day{1}}};
  Date last{year_month_day{std::chrono::year{year}, December, day{31}}};
  for (const auto& a : w->activities) {
    auto since_text = store_.activity_since(a.id);
    auto since = since_text ? definitions::parse_date_time(*since_text) : std::nullopt;
    for (Date d : a.schedule.occurrences(first, last)) {
      WheelEntry e{a.id, a.name, a.role, a.process_id(), definitions::format_date(d),
                   definitions::format_date_time(fire_time(a, d)), definitions::format_date_time(due_time(a, d)), "", "", false};
      auto it = fired.find({a.id, e.occurrence});
      if (it != fired.end()) {
        e.case_id = it->second.case_id;
        e.late = it->second.late;
        auto row = store_.find_case(e.case_id);
        std::string status = row ? row->status : "";
        if (status == "completed" || status == "terminated") e.status = "done";
        else if (status == "cancelled") e.status = "cancelled";
        else e.status = now_ > due_time(a, d) ? "overdue" : "open";
      } else if (!since || fire_time(a, d) < *since) {
        e.status = "skipped";  // before the activity was on the wheel
      } else {
        e.status = fire_time(a, d) <= now_ ? "due" : "planned";
      }
      out.push_back(std::move(e));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const WheelEntry& x, const WheelEntry& y) { return x.occurrence < y.occurrence; });
  return out;
}

std::vector<PersonalCalendar::Item> Runtime::dated_tasks(const Person& who, const std::vector<engine::Actor::Delegated>& delegated) {
  std::vector<PersonalCalendar::Item> out;
  std::vector<std::string> roles = roles_today(who.roles, delegated), principals;
  for (const auto& d : delegated) principals.push_back(d.principal);
  auto names = process_names(store_);
  TaskFilter filter;
  filter.inbox = true;
  filter.roles = roles;
  filter.person = who.id;
  filter.claimed_by = principals;
  for (auto& t : store_.tasks(filter)) {
    std::string why = inbox_reason(t.task, roles, who.id, principals);
    if (why.empty() || !t.task.due) continue;
    std::string name = names.count(t.process) ? names[t.process] : t.process;
    out.push_back({std::move(t), why, name});
  }
  return out;
}

std::map<std::string, std::string> process_names(Store& store) {
  std::map<std::string, std::string> names;
  for (const auto& d : store.latest_definitions()) names[d.process] = d.name.empty() ? d.process : d.name;
  return names;
}

PersonalCalendar Runtime::personal_calendar(const std::string& person) {
  PersonalCalendar out;
  auto org = store_.organisation();
  const Person* who = org ? org->find_person(person) : nullptr;
  if (!who) return out;
  out.organisation = org->name;
  out.person = person;
  out.person_name = who->name.empty() ? person : who->name;
  for (const auto& r : org->roles) out.role_names[r.id] = r.name.empty() ? r.id : r.name;
  auto delegated = delegations(person);
  std::vector<std::string> roles = roles_today(who->roles, delegated), principals{person};
  for (const auto& d : delegated) principals.push_back(d.principal);
  out.tasks = dated_tasks(*who, delegated);

  Date today = day_of(now_);
  std::string from = definitions::format_date(today - std::chrono::days(31)), until = definitions::format_date(today + std::chrono::days(366));
  int year = static_cast<int>(std::chrono::year_month_day{today}.year());
  for (int y : {year - 1, year, year + 1})
    for (auto& e : wheel_year(y))
      if (e.occurrence >= from && e.occurrence <= until && e.status != "skipped" &&
          std::find(roles.begin(), roles.end(), e.role) != roles.end())
        out.wheel.push_back(std::move(e));

  for (auto& item : store_.plan_items())
    if (item.status == "open" && std::find(principals.begin(), principals.end(), item.responsible) != principals.end())
      out.plan.push_back(std::move(item));
  return out;
}

}  // namespace raciflow::runtime
