#include "runtime/store_rows.h"

#include <algorithm>

namespace raciflow::runtime::rows {

using nlohmann::json;

json strings_json(const std::vector<std::string>& v) { return json(v); }

std::vector<std::string> strings_of(const std::string& text) { return json::parse(text).get<std::vector<std::string>>(); }
std::string forms_text(const std::map<std::string, int>& forms) { return json(forms).dump(); }
std::map<std::string, int> forms_of(const std::string& text) {
  return text.empty() ? std::map<std::string, int>{} : json::parse(text).get<std::map<std::string, int>>();
}

json consultations_json(const std::vector<engine::Consultation>& list) {
  json out = json::array();
  for (const auto& c : list) {
    json one{{"role", c.role},
             {"answer", c.answer},
             {"answered_by", c.answered_by},
             {"answered_at", c.answered_at ? definitions::format_date_time(*c.answered_at) : ""}};
    if (!c.waived_by.empty()) {  // only then: rows written before waivers read the same
      one["waived_by"] = c.waived_by;
      one["waive_reason"] = c.waive_reason;
    }
    out.push_back(std::move(one));
  }
  return out;
}

std::vector<engine::Consultation> consultations_of(const std::string& text) {
  std::vector<engine::Consultation> out;
  for (const auto& c : json::parse(text)) {
    engine::Consultation con{c.at("role"), c.at("answer"), c.at("answered_by"), std::nullopt, "", ""};
    std::string at = c.at("answered_at");
    if (!at.empty()) con.answered_at = definitions::parse_date_time(at);
    con.waived_by = c.value("waived_by", "");
    con.waive_reason = c.value("waive_reason", "");
    out.push_back(std::move(con));
  }
  return out;
}

std::string iso(std::optional<definitions::TimePoint> t) { return t ? definitions::format_date_time(*t) : ""; }

std::string reminders_text(const engine::Task& t) {
  json reminders = json::array();
  for (auto at : t.reminders) reminders.push_back(definitions::format_date_time(at));
  return reminders.dump();
}

engine::TaskStatus task_status(const std::string& text) {
  for (auto s : {engine::TaskStatus::open, engine::TaskStatus::claimed, engine::TaskStatus::completed,
                 engine::TaskStatus::cancelled})
    if (text == engine::to_string(s)) return s;
  return engine::TaskStatus::open;
}

bool same_task_columns(const engine::Task& a, const engine::Task& b) {
  auto same_consultation = [](const engine::Consultation& x, const engine::Consultation& y) {
    return x.role == y.role && x.answer == y.answer && x.answered_by == y.answered_by && x.answered_at == y.answered_at &&
           x.waived_by == y.waived_by && x.waive_reason == y.waive_reason;
  };
  return a.status == b.status && a.assignee == b.assignee && a.due == b.due && a.escalated == b.escalated &&
         a.completed_by == b.completed_by && a.reminded == b.reminded && a.reminders == b.reminders &&
         std::equal(a.consultations.begin(), a.consultations.end(), b.consultations.begin(), b.consultations.end(),
                    same_consultation);
}

std::string tokens_text(const std::vector<TokenRow>& tokens) {
  json out = json::array();
  for (const auto& t : tokens) out.push_back(json::array({t.id, t.node, t.scope}));
  return out.dump();
}

std::vector<TokenRow> tokens_of(const std::string& text) {
  std::vector<TokenRow> out;
  for (const auto& t : json::parse(text)) out.push_back({t.at(0).get<int>(), t.at(1).get<std::string>(), t.at(2).get<int>()});
  return out;
}

std::vector<std::string> inbox_filter_keys(const TaskFilter& f) {
  std::vector<std::string> keys;
  for (const auto& role : f.roles) keys.insert(keys.end(), {"r:" + role, "c:" + role});
  if (!f.person.empty()) keys.push_back("p:" + f.person);
  for (const auto& principal : f.claimed_by) keys.push_back("p:" + principal);
  return keys;
}

InboxChange inbox_change(const engine::Task* old, const engine::Task& now) {
  auto before = old ? inbox_keys(*old) : std::set<std::string>{};
  auto after = inbox_keys(now);
  InboxChange change;
  for (const auto& key : before)
    if (!after.count(key)) change.removed.push_back(key);
  for (const auto& key : after)
    if (!before.count(key)) change.added.push_back(key);
  return change;
}

TaskValues task_values(const engine::Task& t) {
  return {engine::to_string(t.status),
          strings_json(t.responsible).dump(),
          strings_json(t.accountable).dump(),
          strings_json(t.consulted).dump(),
          strings_json(t.informed).dump(),
          consultations_json(t.consultations).dump(),
          definitions::format_date_time(t.created),
          iso(t.due),
          reminders_text(t),
          iso(t.next_alert()),
          t.locals.dump()};
}

}  // namespace raciflow::runtime::rows
