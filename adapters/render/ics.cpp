#include "adapters/render/ics.h"

#include <cstdlib>
#include <memory>

#include <libical/ical.h>

#include "definitions/wheel.h"

namespace raciflow::render {

using definitions::Language;
using definitions::Words;

namespace {

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using Component = std::unique_ptr<icalcomponent, ComponentFree>;

// 2026-03-01T09:00:00Z as an iCalendar UTC date-time.
icaltimetype utc_time(definitions::TimePoint t) {
  std::string iso = definitions::format_date_time(t);  // YYYY-MM-DDThh:mm:ssZ
  std::string compact;
  for (char c : iso)
    if (c != '-' && c != ':') compact += c;
  return icaltime_from_string(compact.c_str());
}

// A YYYY-MM-DD day as an iCalendar DATE, `plus` days later.
std::optional<icaltimetype> day(const std::string& text, int plus = 0) {
  auto d = definitions::parse_date(text);
  if (!d) return std::nullopt;
  std::string compact;
  for (char c : definitions::format_date(*d + std::chrono::days(plus)))
    if (c != '-') compact += c;
  return icaltime_from_string(compact.c_str());
}

std::string role_names(const std::vector<std::string>& roles, const std::map<std::string, std::string>& names) {
  std::string out;
  for (const auto& r : roles) {
    auto it = names.find(r);
    out += (out.empty() ? "" : ", ") + (it == names.end() ? r : it->second);
  }
  return out;
}

const std::string& word(Language language, const Words& w) { return w.in(language); }

Words wheel_status(const std::string& status) {
  if (status == "planned") return {"planned", "planlagt"};
  if (status == "due") return {"about to start", "starter nu"};
  if (status == "open") return {"under way", "i gang"};
  if (status == "overdue") return {"overdue", "overskredet"};
  if (status == "done") return {"done", "udført"};
  if (status == "cancelled") return {"cancelled", "aflyst"};
  return {status};
}

// A new VEVENT in `calendar` with the properties every event has.
icalcomponent* event(icalcomponent* calendar, const std::string& uid, definitions::TimePoint now, const std::string& summary,
                     const std::string& description) {
  icalcomponent* e = icalcomponent_new_vevent();
  icalcomponent_add_property(e, icalproperty_new_uid(uid.c_str()));
  icalcomponent_add_property(e, icalproperty_new_dtstamp(utc_time(now)));
  icalcomponent_add_property(e, icalproperty_new_summary(summary.c_str()));
  icalcomponent_add_property(e, icalproperty_new_description(description.c_str()));
  icalcomponent_add_property(e, icalproperty_new_categories("raciflow"));
  icalcomponent_add_component(calendar, e);
  return e;
}

// An all-day event on `date` (no time blocked in the calendar).
void all_day(icalcomponent* e, icaltimetype date, icaltimetype next) {
  icalcomponent_add_property(e, icalproperty_new_dtstart(date));
  icalcomponent_add_property(e, icalproperty_new_dtend(next));
  icalcomponent_add_property(e, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
}

}  // namespace

std::string calendar_ics(const runtime::PersonalCalendar& cal, Language language, definitions::TimePoint now, const std::string& origin) {
  Component calendar(icalcomponent_new_vcalendar());
  icalcomponent* c = calendar.get();
  icalcomponent_add_property(c, icalproperty_new_version("2.0"));
  icalcomponent_add_property(c, icalproperty_new_prodid("-//raciflow//raciflow//EN"));
  icalcomponent_add_property(c, icalproperty_new_calscale("GREGORIAN"));
  icalcomponent_add_property(c, icalproperty_new_method(ICAL_METHOD_PUBLISH));
  std::string title = "raciflow: " + cal.person_name + (cal.organisation.empty() ? "" : " (" + cal.organisation + ")");
  icalcomponent_add_property(c, icalproperty_new_name(title.c_str()));
  icalproperty* x_name = icalproperty_new_x(title.c_str());  // the name Outlook and Apple Calendar show
  icalproperty_set_x_name(x_name, "X-WR-CALNAME");
  icalcomponent_add_property(c, x_name);
  // Clients may ask again after an hour (RFC 7986; Outlook reads X-PUBLISHED-TTL).
  icalproperty* refresh = icalproperty_new_refreshinterval(icaldurationtype_from_string("PT1H"));
  icalproperty_add_parameter(refresh, icalparameter_new_value(ICAL_VALUE_DURATION));
  icalcomponent_add_property(c, refresh);
  icalproperty* ttl = icalproperty_new_x("PT1H");
  icalproperty_set_x_name(ttl, "X-PUBLISHED-TTL");
  icalcomponent_add_property(c, ttl);

  for (const auto& item : cal.tasks) {
    const auto& t = item.task.task;
    bool consulted = item.why == "consulted";
    std::string summary = word(language, consulted ? Words{"Consultation: ", "Høring: "} : Words{"Due: ", "Frist: "}) + t.name +
                          " (" + item.process_name + ")";
    std::string description =
        word(language, {"Case ", "Sag "}) + item.task.case_id + ", " + word(language, {"task ", "opgave "}) +
        std::to_string(item.task.id) + ".\n" + word(language, {"Responsible: ", "Ansvarlig: "}) +
        role_names(t.responsible, cal.role_names) + ".\n" + word(language, {"Due ", "Frist "}) + definitions::format_date_time(*t.due) +
        (t.escalated ? word(language, {" (escalated)", " (eskaleret)"}) : "") + ".";
    icalcomponent* e = event(c, "raciflow-task-" + std::to_string(item.task.id) + "@raciflow", now, summary, description);
    // A deadline is a moment: an event that starts and ends at the due time (RFC 5545 3.6.1).
    icalcomponent_add_property(e, icalproperty_new_dtstart(utc_time(*t.due)));
    icalcomponent_add_property(e, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
    if (!origin.empty()) icalcomponent_add_property(e, icalproperty_new_url((origin + "/#/task/" + std::to_string(item.task.id)).c_str()));
  }

  for (const auto& w : cal.wheel) {
    auto date = day(w.occurrence), next = day(w.occurrence, 1);
    if (!date || !next) continue;  // the wheel's own dates; always YYYY-MM-DD
    auto role = cal.role_names.find(w.role);
    std::string description = word(language, {"Role: ", "Rolle: "}) + (role == cal.role_names.end() ? w.role : role->second) + ".\n" +
                              word(language, {"Due ", "Frist "}) + w.due.substr(0, 10) + ". " + "Status: " +
                              word(language, wheel_status(w.status)) + "." +
                              (w.case_id.empty() ? "" : "\n" + word(language, {"Case ", "Sag "}) + w.case_id + ".");
    icalcomponent* e = event(c, "raciflow-wheel-" + w.activity + "-" + w.occurrence + "@raciflow", now,
                             word(language, {"Annual wheel: ", "Årshjul: "}) + w.name, description);
    all_day(e, *date, *next);
    if (w.status == "cancelled") icalcomponent_add_property(e, icalproperty_new_status(ICAL_STATUS_CANCELLED));
  }

  for (const auto& p : cal.plan) {
    auto date = day(p.deadline), next = day(p.deadline, 1);
    if (!date || !next) continue;
    std::string description = word(language, {"Plan item ", "Handlingsplanens punkt "}) + p.id + "." +
                              (p.risk.empty() ? "" : "\n" + word(language, {"Risk treatment: ", "Risikohåndtering: "}) + p.risk + ".") +
                              (p.note.empty() ? "" : "\n" + p.note);
    icalcomponent* e = event(c, "raciflow-plan-" + p.id + "@raciflow", now, word(language, {"Plan deadline: ", "Frist i handlingsplanen: "}) + p.name,
                             description);
    all_day(e, *date, *next);
  }

  char* text = icalcomponent_as_ical_string_r(c);
  std::string out = text ? text : "";
  std::free(text);
  return out;
}

}  // namespace raciflow::render
