#include "adapters/render/calendar_render.h"

#include "adapters/render/compliance_render.h"
#include "adapters/render/register_render.h"

#include <cmath>
#include <map>
#include <numbers>
#include <set>
#include <sstream>

#include "adapters/render/markup.h"
#include "adapters/render/text_table.h"

namespace raciflow::render {

using nlohmann::json;
using runtime::WheelEntry;

namespace {

std::string num(double v) {
  std::ostringstream s;
  s << std::round(v * 10) / 10;
  return s.str();
}

std::string days(double v) { return v < 0 ? "-" : num(v); }

std::string percent(int part, int whole) { return whole == 0 ? "-" : num(100.0 * part / whole) + " %"; }

// A colour per role, stable for a given set of roles.
std::map<std::string, std::string> role_colours(const std::vector<std::string>& roles) {
  static const char* const kPalette[] = {"#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f"};
  std::map<std::string, std::string> out;
  std::set<std::string> sorted(roles.begin(), roles.end());
  std::size_t i = 0;
  for (const auto& r : sorted) out[r] = kPalette[i++ % (sizeof kPalette / sizeof *kPalette)];
  return out;
}

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int month_of(const std::string& date) { return date.size() >= 7 ? std::stoi(date.substr(5, 2)) : 1; }

json case_json(const runtime::AgendaCase& c) {
  return {{"id", c.id},         {"process", c.process},       {"process_name", c.process_name}, {"status", c.status},
          {"started_at", c.started_at}, {"updated_at", c.updated_at}, {"key", c.key},          {"open_steps", c.open_steps},
          {"last_step", c.last_step}};
}

// A case's or a plan item's status in Danish (the stored words are English).
std::string status_da(const std::string& status) {
  static const std::map<std::string, std::string> words = {
      {"active", "i gang"}, {"completed", "afsluttet"}, {"cancelled", "annulleret"}, {"terminated", "afbrudt"},
      {"incident", "i fejl"}, {"open", "åben"}, {"done", "udført"}};
  auto it = words.find(status);
  return it == words.end() ? status : it->second;
}

std::string case_line(const runtime::AgendaCase& c, bool da = false) {
  std::string line = (da ? "sag " : "case ") + c.id + " — " + c.process_name + " (" + (da ? status_da(c.status) : c.status) + ")";
  if (!c.open_steps.empty()) {
    line += da ? ": venter på " : ": waiting on ";
    for (std::size_t i = 0; i < c.open_steps.size(); ++i) line += (i ? ", " : "") + c.open_steps[i];
  } else if (!c.last_step.empty()) {
    line += (da ? ": seneste trin " : ": last step ") + c.last_step;
  }
  return line;
}

std::string plan_line(const definitions::PlanItem& p, bool da = false) {
  if (da) return "plan " + p.id + " — " + p.name + " (" + p.responsible + ", frist " + p.deadline + ", " + status_da(p.status) + ")";
  return "plan " + p.id + " — " + p.name + " (" + p.responsible + ", deadline " + p.deadline + ", " + p.status + ")";
}

}  // namespace

// --- wheel --------------------------------------------------------------------------------

json wheel_json(int year, const std::vector<WheelEntry>& entries, const std::vector<definitions::PlanItem>& plan) {
  json occurrences = json::array(), items = json::array();
  for (const auto& e : entries)
    occurrences.push_back({{"activity", e.activity}, {"name", e.name},       {"role", e.role},       {"process", e.process},
                           {"occurrence", e.occurrence}, {"month", month_of(e.occurrence)}, {"fire_at", e.fire_at},
                           {"due", e.due},             {"status", e.status},   {"case", e.case_id},  {"late", e.late}});
  for (const auto& p : plan) items.push_back(runtime::to_json(p));
  return {{"year", year}, {"occurrences", occurrences}, {"plan", items}};
}

std::string wheel_table(const std::vector<WheelEntry>& entries, const std::vector<definitions::PlanItem>& plan) {
  std::vector<std::vector<std::string>> cells;
  for (const auto& e : entries)
    cells.push_back({kMonths[month_of(e.occurrence) - 1], e.occurrence, e.activity, e.name, e.role, e.fire_at.substr(0, 10),
                     e.due.substr(0, 10), e.status + (e.late ? " (late)" : ""), e.case_id});
  std::string out = entries.empty() ? "no wheel activities this year\n"
                                     : format_text_table({"MONTH", "DATE", "ACTIVITY", "NAME", "ROLE", "STARTS", "DUE", "STATUS", "CASE"}, cells);
  if (!plan.empty()) out += "\n" + plan_table(plan);
  return out;
}

std::string plan_table(const std::vector<definitions::PlanItem>& plan) {
  if (plan.empty()) return "no plan items\n";
  std::vector<std::vector<std::string>> cells;
  for (const auto& p : plan) cells.push_back({p.id, p.name, p.responsible, p.start, p.deadline, p.status, p.risk, p.case_id});
  return format_text_table({"PLAN ITEM", "NAME", "RESPONSIBLE", "START", "DEADLINE", "STATUS", "RISK", "CASE"}, cells);
}

std::string wheel_svg(int year, const std::vector<WheelEntry>& entries, const std::vector<definitions::PlanItem>& plan,
                      const std::string& today, const std::map<std::string, std::string>& role_names) {
  const double cx = 360, cy = 360, outer = 300, inner = 120, plan_ring = 90;
  std::vector<std::string> role_list;
  for (const auto& e : entries) role_list.push_back(e.role);
  auto colours = role_colours(role_list);
  auto point = [&](double radius, double angle) {
    return std::make_pair(cx + radius * std::sin(angle), cy - radius * std::cos(angle));
  };
  std::ostringstream out;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"wheel\" viewBox=\"0 0 980 720\" width=\"980\" height=\"720\" "
         "role=\"img\" aria-label=\"Annual wheel " << year << "\">";
  out << "<title>Annual wheel " << year << "</title>";
  for (int m = 0; m < 12; ++m) {
    double a0 = 2 * std::numbers::pi * m / 12, a1 = 2 * std::numbers::pi * (m + 1) / 12;
    auto [x0, y0] = point(outer, a0);
    auto [x1, y1] = point(outer, a1);
    auto [x2, y2] = point(inner, a1);
    auto [x3, y3] = point(inner, a0);
    bool current = today.size() >= 7 && std::stoi(today.substr(0, 4)) == year && month_of(today) == m + 1;
    out << "<path class=\"month" << (current ? " current" : "") << "\" data-month=\"" << m + 1 << "\" d=\"M" << num(x0) << ","
        << num(y0) << " A" << outer << "," << outer << " 0 0,1 " << num(x1) << "," << num(y1) << " L" << num(x2) << "," << num(y2)
        << " A" << inner << "," << inner << " 0 0,0 " << num(x3) << "," << num(y3) << " Z\" fill=\""
        << (current ? "#fff7d6" : (m % 2 ? "#f4f6f8" : "#ffffff")) << "\" stroke=\"#9aa5b1\"/>";
    auto [lx, ly] = point(outer + 22, (a0 + a1) / 2);
    out << "<text class=\"month-name\" data-month=\"" << m + 1 << "\" x=\"" << num(lx) << "\" y=\"" << num(ly + 4)
        << "\" text-anchor=\"middle\" font-size=\"14\" font-family=\"sans-serif\">" << kMonths[m] << "</text>";
  }
  // Occurrences: spread along the month's arc by day, stacked outwards when they share a month.
  std::map<int, int> stacked;
  for (const auto& e : entries) {
    int m = month_of(e.occurrence) - 1;
    int day = std::stoi(e.occurrence.substr(8, 2));
    int level = stacked[m]++;
    double angle = 2 * std::numbers::pi * (m + (day - 0.5) / 31.0) / 12;
    auto [x, y] = point(inner + 22 + (level % 8) * 21, angle);
    std::string colour = colours[e.role];
    std::string fill = e.status == "done" ? colour : "#ffffff";
    std::string stroke = e.status == "overdue" ? "#d62728" : colour;
    double opacity = e.status == "planned" || e.status == "skipped" ? 0.45 : 1.0;
    out << "<g class=\"occurrence " << xml_escape(e.status) << "\" data-activity=\"" << xml_escape(e.activity) << "\" data-date=\""
        << e.occurrence << "\" data-status=\"" << xml_escape(e.status) << "\" opacity=\"" << opacity << "\">"
        << "<title>" << xml_escape(e.name + " — " + e.occurrence + " — " + e.role + " — " + e.status +
                                   (e.case_id.empty() ? "" : " — case " + e.case_id) + (e.late ? " (late)" : ""))
        << "</title><circle cx=\"" << num(x) << "\" cy=\"" << num(y) << "\" r=\"8\" fill=\"" << fill << "\" stroke=\"" << stroke
        << "\" stroke-width=\"" << (e.status == "overdue" ? 3 : 2) << "\"/></g>";
  }
  // Plan items on the inner ring at their deadline's month, when it falls in the year.
  std::map<int, int> plan_stacked;
  for (const auto& p : plan) {
    if (p.deadline.substr(0, 4) != std::to_string(year)) continue;
    int m = month_of(p.deadline) - 1;
    int level = plan_stacked[m]++;
    double angle = 2 * std::numbers::pi * (m + 0.5) / 12 + level * 0.08;
    auto [x, y] = point(plan_ring, angle);
    bool overdue = p.status == "open" && p.deadline < today;
    out << "<g class=\"plan-item " << xml_escape(p.status) << (overdue ? " overdue" : "") << "\" data-plan=\"" << xml_escape(p.id) << "\">"
        << "<title>" << xml_escape(p.name + " — " + p.responsible + " — deadline " + p.deadline + " — " + p.status) << "</title>"
        << "<rect x=\"" << num(x - 6) << "\" y=\"" << num(y - 6) << "\" width=\"12\" height=\"12\" fill=\""
        << (p.status == "done" ? "#444" : "#fff") << "\" stroke=\"" << (overdue ? "#d62728" : "#444") << "\" stroke-width=\"2\"/></g>";
  }
  out << "<text x=\"" << cx << "\" y=\"" << cy + 8 << "\" text-anchor=\"middle\" font-size=\"28\" font-family=\"sans-serif\">" << year
      << "</text>";
  // Legend: roles, then the marks.
  double ly = 40;
  out << "<g class=\"legend\" font-family=\"sans-serif\" font-size=\"13\">";
  for (const auto& [role, colour] : colours) {
    auto named = role_names.find(role);
    out << "<circle cx=\"760\" cy=\"" << ly << "\" r=\"7\" fill=\"" << colour << "\"/><text class=\"legend-role\" data-role=\""
        << xml_escape(role) << "\" x=\"776\" y=\"" << ly + 4 << "\">" << xml_escape(named == role_names.end() ? role : named->second)
        << "</text>";
    ly += 22;
  }
  ly += 12;
  for (auto [label, fill, stroke] : {std::tuple{"done", "#555", "#555"}, std::tuple{"open", "#fff", "#555"},
                                     std::tuple{"overdue", "#fff", "#d62728"}}) {
    out << "<circle cx=\"760\" cy=\"" << ly << "\" r=\"7\" fill=\"" << fill << "\" stroke=\"" << stroke << "\" stroke-width=\"2\"/>"
        << "<text class=\"legend-mark\" data-mark=\"" << label << "\" x=\"776\" y=\"" << ly + 4 << "\">" << label << "</text>";
    ly += 22;
  }
  out << "<circle cx=\"760\" cy=\"" << ly << "\" r=\"7\" fill=\"#fff\" stroke=\"#555\" stroke-width=\"2\" opacity=\"0.45\"/>"
      << "<text class=\"legend-mark\" data-mark=\"planned\" x=\"776\" y=\"" << ly + 4 << "\">planned</text>";
  ly += 22;
  out << "<rect x=\"754\" y=\"" << ly - 6 << "\" width=\"12\" height=\"12\" fill=\"#fff\" stroke=\"#444\" stroke-width=\"2\"/>"
      << "<text class=\"legend-mark\" data-mark=\"plan\" x=\"776\" y=\"" << ly + 4 << "\">plan item (deadline)</text></g></svg>";
  return out.str();
}

// --- agenda -------------------------------------------------------------------------------

json agenda_json(const runtime::Agenda& agenda) {
  json sections = json::array();
  int n = 0;
  for (const auto& s : agenda.sections) {
    json cases = json::array(), plan = json::array();
    for (const auto& c : s.cases) cases.push_back(case_json(c));
    for (const auto& p : s.plan) plan.push_back(runtime::to_json(p));
    sections.push_back({{"number", ++n}, {"id", s.id}, {"title", s.title}, {"cases", cases}, {"plan", plan}});
  }
  return {{"since", agenda.since}, {"generated_at", agenda.generated_at}, {"sections", sections},
          {"registers", register_states_json(agenda.registers)}};
}

std::string agenda_markdown(const runtime::Agenda& agenda, const std::string& language) {
  const bool da = language == "da";
  std::ostringstream out;
  if (da)
    out << "# Dagsorden for informationssikkerhedsudvalget\n\nÆndringer siden " << agenda.since << " (dannet " << agenda.generated_at << ").\n";
  else
    out << "# Agenda for the information security committee\n\nChanges since " << agenda.since << " (generated " << agenda.generated_at
        << ").\n";
  int n = 0;
  for (const auto& s : agenda.sections) {
    out << "\n## " << ++n << ". " << (da && !s.title_da.empty() ? s.title_da : s.title) << "\n\n";
    if (s.cases.empty() && s.plan.empty()) out << (da ? "Intet nyt.\n" : "Nothing new.\n");
    for (const auto& c : s.cases) out << "- " << case_line(c, da) << "\n";
    for (const auto& p : s.plan) out << "- " << plan_line(p, da) << "\n";
  }
  out << register_states_markdown(agenda.registers, language);
  return out.str();
}

std::string agenda_html(const runtime::Agenda& agenda, const std::string& language) {
  const bool da = language == "da";
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"" << (da ? "da" : "en") << "\"><head><meta charset=\"utf-8\"><title>"
      << (da ? "Udvalgets dagsorden" : "Committee agenda") << "</title></head><body><h1>"
      << (da ? "Dagsorden for informationssikkerhedsudvalget" : "Agenda for the information security committee") << "</h1><p>"
      << (da ? "Ændringer siden " : "Changes since ") << xml_escape(agenda.since) << (da ? " (dannet " : " (generated ")
      << xml_escape(agenda.generated_at) << ").</p><ol class=\"agenda\">";
  for (const auto& s : agenda.sections) {
    out << "<li data-section=\"" << xml_escape(s.id) << "\"><h2>" << xml_escape(da && !s.title_da.empty() ? s.title_da : s.title) << "</h2>";
    if (s.cases.empty() && s.plan.empty()) out << (da ? "<p>Intet nyt.</p>" : "<p>Nothing new.</p>");
    else {
      out << "<ul>";
      for (const auto& c : s.cases) out << "<li data-case=\"" << xml_escape(c.id) << "\">" << xml_escape(case_line(c, da)) << "</li>";
      for (const auto& p : s.plan) out << "<li data-plan=\"" << xml_escape(p.id) << "\">" << xml_escape(plan_line(p, da)) << "</li>";
      out << "</ul>";
    }
    out << "</li>";
  }
  out << "</ol>" << register_states_html(agenda.registers, language) << "</body></html>\n";
  return out.str();
}

// --- evidence -----------------------------------------------------------------------------

namespace {

// One piece of evidence, with links to what a reader opens: the case, the form it was
// completed with, its files.
json evidence_entry(const runtime::Evidence& e) {
  json files = json::array();
  for (const auto& f : e.files)
    files.push_back({{"id", f.id}, {"name", f.name}, {"sha256", f.sha256}, {"href", "/api/attachments/" + std::to_string(f.id)}});
  json out{{"time", e.time}, {"case", e.case_id}, {"process", e.process}, {"node", e.node}, {"step", e.step},
           {"person", e.person}, {"role", e.role}, {"task", e.task == 0 ? json(nullptr) : json(e.task)},
           {"form", e.form.empty() ? json(nullptr) : json{{"id", e.form}, {"version", e.form_version},
                                                           {"href", "/api/forms/" + e.form + "?version=" + std::to_string(e.form_version)}}},
           {"files", files}, {"case_href", "/#/case/" + e.case_id}};
  if (!e.clause.empty()) out["clause"] = e.clause;
  if (!e.clauses.empty()) out["clauses"] = e.clauses;
  return out;
}

// "form deviation-assess-input v1, 2 files: a.log, b.png"
std::string recorded(const runtime::Evidence& e, bool da = false) {
  std::string out;
  if (!e.form.empty()) out = (da ? "formular " : "form ") + e.form + " v" + std::to_string(e.form_version);
  if (!e.files.empty()) {
    out += (out.empty() ? "" : ", ") + std::to_string(e.files.size()) +
           (da ? (e.files.size() == 1 ? " fil: " : " filer: ") : (e.files.size() == 1 ? " file: " : " files: "));
    for (std::size_t i = 0; i < e.files.size(); ++i) out += (i ? ", " : "") + e.files[i].name;
  }
  return out;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

json evidence_json(const runtime::EvidenceRegister& r) {
  json items = json::array();
  for (const auto& i : r.items) {
    json evidence = json::array();
    for (const auto& e : i.evidence) evidence.push_back(evidence_entry(e));
    items.push_back({{"id", i.id}, {"title", i.title}, {"clause", i.clause_2022}, {"clause_2013", i.clause_2013},
                     {"covered", i.covered}, {"evidence", evidence}});
  }
  json documents = json::array();
  for (const auto& e : r.documents) documents.push_back(evidence_entry(e));
  return {{"generated_at", r.generated_at}, {"window_start", r.window_start}, {"items", items}, {"documents", documents}};
}

std::string evidence_table(const runtime::EvidenceRegister& r) {
  std::vector<std::vector<std::string>> cells;
  for (const auto& i : r.items) {
    std::string last = i.evidence.empty() ? "" : i.evidence.front().time.substr(0, 10) + " case " + i.evidence.front().case_id + " " +
                                                     i.evidence.front().person;
    cells.push_back({i.clause_2022, "[" + i.clause_2013 + "]", i.title, i.covered ? "covered" : "GAP",
                     std::to_string(i.evidence.size()), last});
  }
  std::string out = format_text_table({"CLAUSE", "2013", "DOCUMENTATION", "STATUS", "EVIDENCE", "LATEST"}, cells);
  if (r.documents.empty()) return out;
  std::vector<std::vector<std::string>> documents;
  for (const auto& e : r.documents)
    documents.push_back({e.time.substr(0, 10), joined(e.clauses), e.case_id, e.step, e.person, recorded(e)});
  return out + "\nForms and files behind the clauses:\n" + format_text_table({"DATE", "CLAUSES", "CASE", "STEP", "PERSON", "RECORDED"}, documents);
}

std::string evidence_markdown(const runtime::EvidenceRegister& r) {
  std::ostringstream out;
  out << "# ISO 27001 evidence register\n\nGenerated " << r.generated_at << "; covered means evidence since " << r.window_start
      << ".\n\n| Clause 2022 [2013] | Documentation | Status | Latest evidence |\n|---|---|---|---|\n";
  for (const auto& i : r.items) {
    out << "| " << i.clause_2022 << " [" << i.clause_2013 << "] | " << i.title << " | " << (i.covered ? "covered" : "**gap**") << " | ";
    if (!i.evidence.empty()) {
      const auto& e = i.evidence.front();
      out << e.time.substr(0, 10) << ", case " << e.case_id << ", " << e.step << ", " << e.person;
      if (!recorded(e).empty()) out << " (" << recorded(e) << ")";
    }
    out << " |\n";
  }
  if (!r.documents.empty()) {
    out << "\n## Forms and files behind the clauses\n\n| Date | Clauses | Case | Step | Person | Recorded |\n|---|---|---|---|---|---|\n";
    for (const auto& e : r.documents)
      out << "| " << e.time.substr(0, 10) << " | " << joined(e.clauses) << " | " << e.case_id << " | " << e.step << " | " << e.person
          << " | " << recorded(e) << " |\n";
  }
  return out.str();
}

// --- report -------------------------------------------------------------------------------

namespace {

json figures_json(const runtime::ProcessFigures& p) {
  return {{"process", p.process},
          {"name", p.name},
          {"started", p.started},
          {"closed", p.closed},
          {"open_at_end", p.open_at_end},
          {"median_days_to_close", p.median_days_to_close < 0 ? json(nullptr) : json(std::round(p.median_days_to_close * 10) / 10)},
          {"tasks_with_due", p.tasks_with_due},
          {"tasks_overdue", p.tasks_overdue},
          {"escalations", p.escalations}};
}

// A horizontal bar chart: one bar per label.
std::string bar_chart(const std::string& title, const std::vector<std::pair<std::string, double>>& bars, const std::string& unit) {
  double max = 0;
  for (const auto& b : bars) max = std::max(max, b.second);
  const double left = 220, width = 360, row = 26;
  std::ostringstream out;
  double height = 40 + row * bars.size();
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" << left + width + 90 << "\" height=\"" << height
      << "\" role=\"img\" aria-label=\"" << xml_escape(title) << "\"><title>" << xml_escape(title) << "</title>"
      << "<text x=\"0\" y=\"18\" font-family=\"sans-serif\" font-size=\"15\" font-weight=\"bold\">" << xml_escape(title) << "</text>";
  double y = 32;
  for (const auto& [label, value] : bars) {
    double w = max > 0 ? width * value / max : 0;
    out << "<text x=\"" << left - 8 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"13\">"
        << xml_escape(label) << "</text><rect x=\"" << left << "\" y=\"" << y + 3 << "\" width=\"" << num(w)
        << "\" height=\"16\" fill=\"#1f77b4\"/><text x=\"" << num(left + w + 6) << "\" y=\"" << y + 15
        << "\" font-family=\"sans-serif\" font-size=\"13\">" << num(value) << unit << "</text>";
    y += row;
  }
  out << "</svg>";
  return out.str();
}

}  // namespace


json report_json(const runtime::ManagementReport& r) {
  json processes = json::array(), roles = json::array();
  for (const auto& p : r.processes) processes.push_back(figures_json(p));
  for (const auto& role : r.roles)
    roles.push_back({{"role", role.role},
                     {"tasks_completed", role.tasks_completed},
                     {"median_days_per_task",
                      role.median_days_per_task < 0 ? json(nullptr) : json(std::round(role.median_days_per_task * 10) / 10)},
                     {"tasks_with_due", role.tasks_with_due},
                     {"tasks_overdue", role.tasks_overdue},
                     {"escalations", role.escalations}});
  return {{"year", r.year},
          {"generated_at", r.generated_at},
          {"total", figures_json(r.total)},
          {"processes", processes},
          {"roles", roles},
          {"wheel", {{"planned", r.wheel_planned}, {"fired", r.wheel_fired}, {"late", r.wheel_late}}},
          {"plan", {{"done", r.plan_done}, {"open", r.plan_open}, {"overdue", r.plan_overdue}}},
          {"evidence", [&] {
             json list = json::array();
             for (const auto& e : r.evidence) list.push_back(evidence_entry(e));
             return list;
           }()},
          {"registers", register_states_json(r.registers)},
          {"compliance", compliance_json(r.compliance)},
          {"soa_changes", [&] {
             json list = json::array();
             for (const auto& v : r.soa_changes)
               list.push_back({{"version", v.version}, {"approved_at", v.approved_at}, {"approved_by", v.approved_by}, {"changed", v.changed}});
             return list;
           }()}};
}

std::string report_markdown(const runtime::ManagementReport& r, const std::string& language) {
  const bool da = language == "da";
  auto say = [da](const char* en, const char* dansk) { return da ? dansk : en; };
  const char* of = say(" of ", " af ");
  std::ostringstream out;
  out << say("# Information security: annual report to management ", "# Informationssikkerhed: årsrapport til ledelsen ") << r.year
      << say("\n\nGenerated ", "\n\nDannet ") << r.generated_at << ".\n\n"
      << say("## Cases by process\n\n| Process | Started | Closed | Open at year end | Median days to close | Overdue tasks | Escalations |\n",
             "## Sager pr. proces\n\n| Proces | Startet | Afsluttet | Åbne ved årets slutning | Median dage til afslutning | Opgaver over frist | "
             "Eskaleringer |\n")
      << "|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto* p : [&] {
         std::vector<const runtime::ProcessFigures*> all;
         for (const auto& x : r.processes) all.push_back(&x);
         all.push_back(&r.total);
         return all;
       }())
    out << "| " << p->name << " | " << p->started << " | " << p->closed << " | " << p->open_at_end << " | " << days(p->median_days_to_close)
        << " | " << p->tasks_overdue << of << p->tasks_with_due << " (" << percent(p->tasks_overdue, p->tasks_with_due) << ") | "
        << p->escalations << " |\n";
  out << say("\n## Per role\n\n| Role | Tasks completed | Median days per task | Overdue | Escalations to it |\n",
             "\n## Pr. rolle\n\n| Rolle | Opgaver udført | Median dage pr. opgave | Over frist | Eskaleringer til rollen |\n")
      << "|---|---:|---:|---:|---:|\n";
  for (const auto& role : r.roles)
    out << "| " << role.role << " | " << role.tasks_completed << " | " << days(role.median_days_per_task) << " | " << role.tasks_overdue
        << of << role.tasks_with_due << " (" << percent(role.tasks_overdue, role.tasks_with_due) << ") | " << role.escalations << " |\n";
  std::string late = r.wheel_late ? " (" + std::to_string(r.wheel_late) + say(" late)", " for sent)") : "";
  if (da)
    out << "\n## Årshjul og årsplan\n\n- Årshjul: " << r.wheel_fired << " af " << r.wheel_planned << " forekomster startet" << late
        << ".\n- Planpunkter med frist i år: " << r.plan_done << " udført, " << r.plan_open << " åbne, " << r.plan_overdue << " over frist.\n";
  else
    out << "\n## Annual wheel and plan\n\n- Wheel: " << r.wheel_fired << " of " << r.wheel_planned << " occurrences started" << late
        << ".\n- Plan items due this year: " << r.plan_done << " done, " << r.plan_open << " open, " << r.plan_overdue << " overdue.\n";
  if (!r.evidence.empty()) {
    out << say("\n## Evidence recorded\n\n| Date | ISO 27001 | Case | Step | Person | Recorded |\n",
               "\n## Registreret dokumentation\n\n| Dato | ISO 27001 | Sag | Trin | Person | Registreret |\n")
        << "|---|---|---|---|---|---|\n";
    for (const auto& e : r.evidence)
      out << "| " << e.time.substr(0, 10) << " | " << joined(e.clauses) << " | " << e.case_id << " | " << e.step << " | " << e.person
          << " | " << recorded(e, da) << " |\n";
  }
  out << compliance_markdown(r.compliance, da);
  out << register_states_markdown(r.registers, language);
  if (!r.soa_changes.empty()) {
    out << say("\n## Statement of Applicability\n\n| Version | Approved | By | Controls changed |\n",
               "\n## Anvendelseserklæring\n\n| Version | Godkendt | Af | Ændrede kontroller |\n")
        << "|---:|---|---|---|\n";
    for (const auto& v : r.soa_changes) out << "| " << v.version << " | " << v.approved_at.substr(0, 10) << " | " << v.approved_by << " | " << joined(v.changed) << " |\n";
  }
  return out.str();
}

std::string report_html(const runtime::ManagementReport& r, const std::string& language) {
  const bool da = language == "da";
  auto say = [da](const char* en, const char* dansk) { return da ? dansk : en; };
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"" << (da ? "da" : "en") << "\"><head><meta charset=\"utf-8\"><title>"
      << say("Annual report ", "Årsrapport ") << r.year
      << "</title><style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}</style>"
         "</head><body><h1>"
      << say("Information security: annual report to management ", "Informationssikkerhed: årsrapport til ledelsen ") << r.year
      << "</h1><p>" << say("Generated ", "Dannet ") << xml_escape(r.generated_at) << ".</p>";
  std::vector<std::pair<std::string, double>> started, close, overdue;
  for (const auto& p : r.processes) {
    started.push_back({p.name, static_cast<double>(p.started)});
    if (p.median_days_to_close >= 0) close.push_back({p.name, p.median_days_to_close});
  }
  for (const auto& role : r.roles)
    if (role.tasks_with_due) overdue.push_back({role.role, 100.0 * role.tasks_overdue / role.tasks_with_due});
  out << "<h2>" << say("Cases by process", "Sager pr. proces") << "</h2>"
      << bar_chart(say("Cases started in ", "Sager startet i ") + std::to_string(r.year), started, "")
      << bar_chart(say("Median days to close", "Median dage til afslutning"), close, da ? " d." : " d") << "<table><tr><th>"
      << say("Process</th><th>Started</th><th>Closed</th><th>Open at year end</th><th>Median days to close</th><th>Overdue tasks</th>"
             "<th>Escalations",
             "Proces</th><th>Startet</th><th>Afsluttet</th><th>Åbne ved årets slutning</th><th>Median dage til afslutning</th>"
             "<th>Opgaver over frist</th><th>Eskaleringer")
      << "</th></tr>";
  auto row = [&](const runtime::ProcessFigures& p) {
    out << "<tr><td>" << xml_escape(p.name) << "</td><td>" << p.started << "</td><td>" << p.closed << "</td><td>" << p.open_at_end
        << "</td><td>" << days(p.median_days_to_close) << "</td><td>" << p.tasks_overdue << " / " << p.tasks_with_due << "</td><td>"
        << p.escalations << "</td></tr>";
  };
  for (const auto& p : r.processes) row(p);
  row(r.total);
  out << "</table><h2>" << say("Per role", "Pr. rolle") << "</h2>" << bar_chart(say("Share of tasks overdue", "Andel opgaver over frist"), overdue, " %")
      << "<table><tr><th>"
      << say("Role</th><th>Tasks completed</th><th>Median days per task</th><th>Overdue</th><th>Escalations to it",
             "Rolle</th><th>Opgaver udført</th><th>Median dage pr. opgave</th><th>Over frist</th><th>Eskaleringer til rollen")
      << "</th></tr>";
  for (const auto& role : r.roles)
    out << "<tr><td>" << xml_escape(role.role) << "</td><td>" << role.tasks_completed << "</td><td>" << days(role.median_days_per_task)
        << "</td><td>" << role.tasks_overdue << " / " << role.tasks_with_due << "</td><td>" << role.escalations << "</td></tr>";
  std::string late = r.wheel_late ? " (" + std::to_string(r.wheel_late) + say(" late)", " for sent)") : "";
  if (da)
    out << "</table><h2>Årshjul og årsplan</h2><p>Årshjul: " << r.wheel_fired << " af " << r.wheel_planned << " forekomster startet" << late
        << ". Planpunkter med frist i år: " << r.plan_done << " udført, " << r.plan_open << " åbne, " << r.plan_overdue << " over frist.</p>";
  else
    out << "</table><h2>Annual wheel and plan</h2><p>Wheel: " << r.wheel_fired << " of " << r.wheel_planned << " occurrences started" << late
        << ". Plan items due this year: " << r.plan_done << " done, " << r.plan_open << " open, " << r.plan_overdue << " overdue.</p>";
  if (!r.evidence.empty()) {
    out << "<h2>" << say("Evidence recorded", "Registreret dokumentation") << "</h2><table><tr><th>"
        << say("Date</th><th>ISO 27001</th><th>Case</th><th>Step</th><th>Person</th><th>Form</th><th>Files",
               "Dato</th><th>ISO 27001</th><th>Sag</th><th>Trin</th><th>Person</th><th>Formular</th><th>Filer")
        << "</th></tr>";
    for (const auto& e : r.evidence) {
      out << "<tr><td>" << e.time.substr(0, 10) << "</td><td>" << xml_escape(joined(e.clauses)) << "</td><td><a href=\"/#/case/"
          << xml_escape(e.case_id) << "\">" << xml_escape(e.case_id) << "</a></td><td>" << xml_escape(e.step) << "</td><td>"
          << xml_escape(e.person) << "</td><td>";
      if (!e.form.empty())
        out << "<a href=\"/api/forms/" << xml_escape(e.form) << "?version=" << e.form_version << "\">" << xml_escape(e.form) << " v"
            << e.form_version << "</a>";
      out << "</td><td>";
      for (std::size_t i = 0; i < e.files.size(); ++i)
        out << (i ? ", " : "") << "<a href=\"/api/attachments/" << e.files[i].id << "\">" << xml_escape(e.files[i].name) << "</a>";
      out << "</td></tr>";
    }
    out << "</table>";
  }
  out << compliance_html(r.compliance, da);
  out << register_states_html(r.registers, language);
  if (!r.soa_changes.empty()) {
    out << "<h2>" << say("Statement of Applicability", "Anvendelseserklæring") << "</h2><table><tr><th>"
        << say("Version</th><th>Approved</th><th>By</th><th>Controls changed", "Version</th><th>Godkendt</th><th>Af</th><th>Ændrede kontroller")
        << "</th></tr>";
    for (const auto& v : r.soa_changes)
      out << "<tr><td>" << v.version << "</td><td>" << xml_escape(v.approved_at.substr(0, 10)) << "</td><td>" << xml_escape(v.approved_by)
          << "</td><td>" << xml_escape(joined(v.changed)) << "</td></tr>";
    out << "</table>";
  }
  out << "</body></html>\n";
  return out.str();
}

}  // namespace raciflow::render
