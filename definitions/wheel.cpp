#include "definitions/wheel.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <set>
#include <sstream>

#include <pugixml.hpp>

#include "definitions/xml_source.h"

namespace raciflow::definitions {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month;
using std::chrono::year_month_day;
using std::chrono::year_month_day_last;

namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in{std::string(text)};
  while (std::getline(in, item, separator)) out.push_back(item);
  return out;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::optional<int> integer(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

template <typename T>
std::optional<T> fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return std::nullopt;
}

}  // namespace

std::string format_date(Date d) {
  year_month_day ymd{d};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return text;
}

std::optional<Date> parse_date(std::string_view text, std::string* error) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return fail<Date>(error, "a date is written YYYY-MM-DD");
  auto y = integer(text.substr(0, 4)), m = integer(text.substr(5, 2)), d = integer(text.substr(8, 2));
  if (!y || !m || !d) return fail<Date>(error, "a date is written YYYY-MM-DD");
  year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return fail<Date>(error, "'" + std::string(text) + "' is not a calendar date");
  return Date{ymd};
}

bool is_plan_status(const std::string& status) {
  return std::find(std::begin(kPlanStatuses), std::end(kPlanStatuses), status) != std::end(kPlanStatuses);
}

// --- schedules ----------------------------------------------------------------------------

std::optional<Schedule> parse_schedule(std::string_view text, Date start, std::string* error) {
  Schedule s;
  s.start = start;
  if (auto date = parse_date(text)) {
    s.freq = Schedule::Freq::once;
    s.start = *date;
    return s;
  }
  std::string rule(text);
  if (rule.rfind("RRULE:", 0) == 0) rule = rule.substr(6);
  if (rule.empty()) return fail<Schedule>(error, "the schedule is empty (an RRULE such as FREQ=YEARLY;BYMONTH=3, or a date)");
  std::set<std::string> seen;
  bool has_freq = false;
  for (const auto& part : split(rule, ';')) {
    auto eq = part.find('=');
    if (eq == std::string::npos) return fail<Schedule>(error, "'" + part + "' is not NAME=VALUE");
    std::string name = part.substr(0, eq), value = part.substr(eq + 1);
    if (!seen.insert(name).second) return fail<Schedule>(error, name + " is given twice");
    auto numbers = [&](int lo, int hi, bool allow_negative) -> std::optional<std::vector<int>> {
      std::vector<int> out;
      for (const auto& item : split(value, ',')) {
        auto n = integer(item);
        bool ok = n && ((*n >= lo && *n <= hi) || (allow_negative && *n <= -lo && *n >= -hi));
        if (!ok) return std::nullopt;
        out.push_back(*n);
      }
      if (out.empty()) return std::nullopt;
      return out;
    };
    if (name == "FREQ") {
      has_freq = true;
      if (value == "YEARLY") s.freq = Schedule::Freq::yearly;
      else if (value == "MONTHLY") s.freq = Schedule::Freq::monthly;
      else return fail<Schedule>(error, "FREQ=" + value + " is not supported (YEARLY or MONTHLY)");
    } else if (name == "INTERVAL") {
      auto n = integer(value);
      if (!n || *n < 1 || *n > 120) return fail<Schedule>(error, "INTERVAL must be a whole number from 1 to 120");
      s.interval = *n;
    } else if (name == "BYMONTH") {
      auto list = numbers(1, 12, false);
      if (!list) return fail<Schedule>(error, "BYMONTH must list months from 1 to 12");
      for (int m : *list) s.months.push_back(static_cast<unsigned>(m));
    } else if (name == "BYMONTHDAY") {
      auto list = numbers(1, 31, true);
      if (!list) return fail<Schedule>(error, "BYMONTHDAY must list days from 1 to 31 (or -31 to -1 from the month's end)");
      s.month_days = *list;
    } else if (name == "COUNT") {
      auto n = integer(value);
      if (!n || *n < 1) return fail<Schedule>(error, "COUNT must be a whole number of at least 1");
      s.count = *n;
    } else if (name == "UNTIL") {
      std::string date = value.size() >= 8 && value.find('-') == std::string::npos
                             ? value.substr(0, 4) + "-" + value.substr(4, 2) + "-" + value.substr(6, 2)
                             : value.substr(0, 10);
      auto until = parse_date(date);
      if (!until) return fail<Schedule>(error, "UNTIL must be a date (20271231 or 2027-12-31)");
      s.until = *until;
    } else {
      return fail<Schedule>(error, name + " is not supported (FREQ, INTERVAL, BYMONTH, BYMONTHDAY, COUNT, UNTIL)");
    }
  }
  if (!has_freq) return fail<Schedule>(error, "the rule needs FREQ=YEARLY or FREQ=MONTHLY");
  return s;
}

std::vector<Date> Schedule::occurrences(Date from, Date to) const {
  std::vector<Date> out;
  if (freq == Freq::once) {
    if (start >= from && start <= to) out.push_back(start);
    return out;
  }
  year_month_day first{start};
  Date last = until && *until < to ? *until : to;
  if (last < start) return out;
  year_month_day end{last};
  year_month cursor{first.year(), first.month()};
  const year_month stop{end.year(), end.month()};
  std::vector<unsigned> by_month = months;
  if (by_month.empty() && freq == Freq::yearly) by_month.push_back(static_cast<unsigned>(first.month()));
  std::vector<int> by_day = month_days;
  if (by_day.empty()) by_day.push_back(static_cast<int>(static_cast<unsigned>(first.day())));
  int counted = 0;
  for (int k = 0; cursor <= stop; ++k, cursor += std::chrono::months{1}) {
    int years_since = static_cast<int>(cursor.year()) - static_cast<int>(first.year());
    bool in_step = freq == Freq::yearly ? years_since % interval == 0 : k % interval == 0;
    bool in_month = by_month.empty() || std::find(by_month.begin(), by_month.end(), static_cast<unsigned>(cursor.month())) != by_month.end();
    if (!in_step || !in_month) continue;
    unsigned last_day = static_cast<unsigned>(year_month_day_last{cursor.year(), std::chrono::month_day_last{cursor.month()}}.day());
    std::vector<unsigned> days;
    for (int d : by_day) {
      int resolved = d > 0 ? d : static_cast<int>(last_day) + 1 + d;
      if (resolved >= 1 && resolved <= static_cast<int>(last_day)) days.push_back(static_cast<unsigned>(resolved));
    }
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
    for (unsigned d : days) {
      Date date{year_month_day{cursor.year(), cursor.month(), day{d}}};
      if (date < start || date > last) continue;
      if (count && counted >= *count) return out;
      ++counted;
      if (date >= from) out.push_back(date);
    }
  }
  return out;
}

// --- the file -----------------------------------------------------------------------------

const WheelActivity* Wheel::find(const std::string& id) const {
  for (const auto& a : activities)
    if (a.id == id) return &a;
  return nullptr;
}

namespace {

std::string wheel_name(const pugi::xml_node& node) { return local_name_in(node, kWheelNamespace); }

class WheelReader {
 public:
  WheelReader(const XmlSource& source, Diagnostics& d) : source_(source), d_(d) {}

  std::optional<Wheel> read() {
    pugi::xml_node root = source_.document().document_element();
    if (wheel_name(root) != "wheel") {
      d_.error(source_.line_of(root), std::string("the root element is <") + root.name() + ">, not <wheel xmlns=\"" +
                                          kWheelNamespace + "\">");
      return std::nullopt;
    }
    Wheel wheel;
    wheel.name = root.attribute("name").value();
    if (wheel.name.empty()) d_.error(source_.line_of(root), "<wheel> needs the attribute name");
    Date start = Date{year_month_day{year{2000}, month{1}, day{1}}};
    if (root.attribute("start")) start = date_attribute(root, "start").value_or(start);
    for (pugi::xml_node child : root.children()) {
      if (child.type() != pugi::node_element) continue;
      std::string kind = wheel_name(child);
      if (kind == "activity") {
        read_activity(child, start, wheel);
      } else if (kind == "plan") {
        for (pugi::xml_node item : child.children()) {
          if (item.type() != pugi::node_element) continue;
          if (wheel_name(item) != "item") {
            d_.error(line(item), std::string("unknown element <") + item.name() + "> in <plan>; expected <item>");
            continue;
          }
          read_plan_item(item, wheel);
        }
      } else {
        d_.error(line(child), std::string("unknown element <") + child.name() + "> in <wheel>; expected <activity> or <plan>");
      }
    }
    if (d_.has_errors()) return std::nullopt;
    return wheel;
  }

 private:
  int line(const pugi::xml_node& n) const { return source_.line_of(n); }

  std::string required(const pugi::xml_node& n, const char* attribute) {
    std::string value = n.attribute(attribute).value();
    if (value.empty()) d_.error(line(n), std::string("<") + n.name() + "> needs the attribute " + attribute);
    return value;
  }

  std::optional<Date> date_attribute(const pugi::xml_node& n, const char* attribute) {
    std::string why;
    std::string text = n.attribute(attribute).value();
    auto d = parse_date(text, &why);
    if (!d) d_.error(line(n), std::string(attribute) + "=\"" + text + "\": " + why);
    return d;
  }

  Duration duration_attribute(const pugi::xml_node& n, const char* attribute, const std::string& id) {
    std::string text = n.attribute(attribute).value();
    if (text.empty()) return {};
    std::string why;
    auto d = parse_duration(text, &why);
    if (!d) {
      d_.error(line(n), std::string(attribute) + " of activity '" + id + "' is not an ISO 8601 duration: '" + text + "' (" + why + ")");
      return {};
    }
    if (d->milliseconds != 0) d_.error(line(n), std::string(attribute) + " of activity '" + id + "' must be whole days, weeks, months or years");
    return *d;
  }

  void read_activity(const pugi::xml_node& n, Date wheel_start, Wheel& wheel) {
    WheelActivity a;
    a.line = line(n);
    a.id = required(n, "id");
    a.name = n.attribute("name").value();
    if (a.name.empty()) a.name = a.id;
    if (!a.id.empty()) {
      if (wheel.find(a.id)) d_.error(a.line, "activity '" + a.id + "' is defined twice");
      bool ok = std::all_of(a.id.begin(), a.id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
      if (!ok) d_.error(a.line, "activity id '" + a.id + "' may hold only letters, digits, '-' and '_'");
    }
    Date start = wheel_start;
    if (n.attribute("start")) start = date_attribute(n, "start").value_or(start);
    a.schedule_text = required(n, "schedule");
    if (!a.schedule_text.empty()) {
      std::string why;
      auto s = parse_schedule(a.schedule_text, start, &why);
      if (s)
        a.schedule = *s;
      else
        d_.error(a.line, "schedule of activity '" + a.id + "': " + why);
    }
    a.lead = duration_attribute(n, "lead", a.id);
    a.due = duration_attribute(n, "due", a.id);
    a.role = required(n, "role");
    a.process = n.attribute("process").value();
    a.message = n.attribute("message").value();
    if (!a.message.empty() && a.process.empty()) d_.error(a.line, "message on activity '" + a.id + "' needs process= (the process it starts)");
    a.reassess = n.attribute("reassess").value();
    if (!a.reassess.empty() && a.process.empty())
      d_.error(a.line, "reassess on activity '" + a.id + "' needs process= (the process that keeps register '" + a.reassess + "')");
    a.accountable = n.attribute("accountable").value();
    if (a.accountable.empty()) a.accountable = a.role;
    a.consulted = words(n.attribute("consulted").value());
    a.informed = words(n.attribute("informed").value());
    a.iso = words(n.attribute("iso").value());
    a.remind = n.attribute("remind").value();
    for (const auto& w : words(a.remind)) {
      auto d = parse_duration(w);
      if (!d || d->is_zero()) d_.error(a.line, "remind of activity '" + a.id + "' holds '" + w + "', not a non-zero ISO 8601 duration");
    }
    if (!a.process.empty())
      for (const char* only_standalone : {"accountable", "consulted", "informed", "iso", "remind"})
        if (n.attribute(only_standalone))
          d_.error(a.line, std::string(only_standalone) + " on activity '" + a.id + "' has no effect: the process '" + a.process +
                               "' carries its own RACI; leave it out or drop process=");
    for (pugi::xml_node child : n.children()) {
      if (child.type() != pugi::node_element) continue;
      if (wheel_name(child) == "documentation")
        a.documentation = child.text().get();
      else
        d_.error(line(child), std::string("unknown element <") + child.name() + "> in <activity>; expected <documentation>");
    }
    for (pugi::xml_attribute attr : n.attributes()) {
      static const char* const kKnown[] = {"id", "name", "schedule", "start", "lead", "due", "role", "process", "message",
                                           "accountable", "consulted", "informed", "iso", "remind", "reassess"};
      std::string name = attr.name();
      if (name.rfind("xmlns", 0) == 0) continue;
      if (std::find_if(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return name == k; }) == std::end(kKnown))
        d_.error(a.line, "unknown attribute " + name + " on activity '" + a.id + "'");
    }
    wheel.activities.push_back(std::move(a));
  }

  void read_plan_item(const pugi::xml_node& n, Wheel& wheel) {
    PlanItem item;
    item.line = line(n);
    item.id = required(n, "id");
    item.name = required(n, "name");
    item.responsible = required(n, "responsible");
    if (!item.id.empty())
      for (const auto& other : wheel.plan)
        if (other.id == item.id) d_.error(item.line, "plan item '" + item.id + "' is defined twice");
    if (!required(n, "deadline").empty())
      if (auto d = date_attribute(n, "deadline")) item.deadline = format_date(*d);
    if (n.attribute("start"))
      if (auto d = date_attribute(n, "start")) item.start = format_date(*d);
    if (!item.start.empty() && !item.deadline.empty() && item.start > item.deadline)
      d_.error(item.line, "plan item '" + item.id + "' starts after its deadline");
    item.risk = n.attribute("risk").value();
    item.case_id = n.attribute("case").value();
    item.status = n.attribute("status").as_string("open");
    if (!is_plan_status(item.status))
      d_.error(item.line, "plan item '" + item.id + "' has status '" + item.status + "' (open, done or cancelled)");
    item.note = n.text().get();
    wheel.plan.push_back(std::move(item));
  }

  const XmlSource& source_;
  Diagnostics& d_;
};

std::optional<Wheel> wheel_of(std::unique_ptr<XmlSource> source, Diagnostics& d) {
  if (!source) return std::nullopt;
  return WheelReader(*source, d).read();
}

}  // namespace

std::optional<Wheel> read_wheel(const std::string& path, Diagnostics& d) { return wheel_of(XmlSource::read_file(path, d), d); }
std::optional<Wheel> parse_wheel(const std::string& text, Diagnostics& d) { return wheel_of(XmlSource::from_text(text, d), d); }

// --- standalone tasks ---------------------------------------------------------------------

std::string standalone_bpmn(const WheelActivity& a) {
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
    return out;
  };
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto defs = doc.append_child("bpmn:definitions");
  defs.append_attribute("xmlns:bpmn") = "http://www.omg.org/spec/BPMN/20100524/MODEL";
  defs.append_attribute("xmlns:raci") = "urn:raciflow:1";
  defs.append_attribute("id") = (a.process_id() + "-definitions").c_str();
  defs.append_attribute("targetNamespace") = "urn:raciflow:wheel";
  auto process = defs.append_child("bpmn:process");
  process.append_attribute("id") = a.process_id().c_str();
  process.append_attribute("name") = a.name.c_str();
  process.append_attribute("isExecutable") = "true";
  if (!a.documentation.empty()) process.append_child("bpmn:documentation").text() = a.documentation.c_str();
  // One lane per role the task names: validation wants every RACI role to be a lane.
  std::vector<std::string> roles{a.role};
  for (const auto* list : {&a.consulted, &a.informed})
    for (const auto& r : *list) roles.push_back(r);
  roles.push_back(a.accountable);
  auto lanes = process.append_child("bpmn:laneSet");
  lanes.append_attribute("id") = "roles";
  std::set<std::string> seen;
  for (const auto& role : roles) {
    if (!seen.insert(role).second) continue;
    auto lane = lanes.append_child("bpmn:lane");
    lane.append_attribute("id") = ("lane-" + role).c_str();
    lane.append_attribute("name") = role.c_str();
    lane.append_attribute("raci:role") = role.c_str();
    if (role == a.role)
      for (const char* ref : {"start", "task", "end"}) lane.append_child("bpmn:flowNodeRef").text() = ref;
  }
  process.append_child("bpmn:startEvent").append_attribute("id") = "start";
  auto task = process.append_child("bpmn:userTask");
  task.append_attribute("id") = "task";
  task.append_attribute("name") = a.name.c_str();
  task.append_attribute("raci:accountable") = a.accountable.c_str();
  if (!a.consulted.empty()) task.append_attribute("raci:consulted") = join(a.consulted).c_str();
  if (!a.informed.empty()) task.append_attribute("raci:informed") = join(a.informed).c_str();
  if (!a.iso.empty()) task.append_attribute("raci:iso") = join(a.iso).c_str();
  if (!a.remind.empty()) task.append_attribute("raci:remind") = a.remind.c_str();
  task.append_attribute("raci:dueDate") = "wheelDue";
  if (!a.documentation.empty()) task.append_child("bpmn:documentation").text() = a.documentation.c_str();
  process.append_child("bpmn:endEvent").append_attribute("id") = "end";
  int n = 0;
  for (auto [from, to] : {std::pair{"start", "task"}, std::pair{"task", "end"}}) {
    auto flow = process.append_child("bpmn:sequenceFlow");
    flow.append_attribute("id") = ("flow-" + std::to_string(++n)).c_str();
    flow.append_attribute("sourceRef") = from;
    flow.append_attribute("targetRef") = to;
  }
  std::ostringstream out;
  doc.save(out, "  ");
  return out.str();
}

}  // namespace raciflow::definitions
