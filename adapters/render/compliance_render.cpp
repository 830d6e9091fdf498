// The annual report's RACI compliance section as JSON, Markdown and HTML (da/en).
#include "adapters/render/compliance_render.h"

#include <sstream>

#include "adapters/render/markup.h"

namespace raciflow::render {

using nlohmann::json;

namespace {

json compliance_entries(const std::vector<runtime::ComplianceEntry>& list) {
  json out = json::array();
  for (const auto& e : list) {
    json j{{"case", e.case_id}, {"process", e.process}, {"process_name", e.process_name}, {"step", e.step}, {"time", e.time}, {"person", e.person}};
    if (!e.roles.empty()) j["roles"] = e.roles;
    if (!e.reason.empty()) j["reason"] = e.reason;
    if (!e.due.empty()) j["due"] = e.due;
    out.push_back(std::move(j));
  }
  return out;
}

// The RACI compliance section: one table per kind of departure, and the four-eyes line.
struct ComplianceTable {
  const std::vector<runtime::ComplianceEntry>* rows;
  const char *title_en, *title_da, *last_en, *last_da;  // the last column: roles, reason or due date
  std::string (*last)(const runtime::ComplianceEntry&);
};

std::string roles_of(const runtime::ComplianceEntry& e) {
  std::string out;
  for (const auto& r : e.roles) out += (out.empty() ? "" : ", ") + r;
  return out;
}

std::vector<ComplianceTable> compliance_tables(const runtime::Compliance& c) {
  return {{&c.skipped, "Completed without every consultation", "Udført uden alle konsultationssvar", "Not answered", "Ikke besvaret", roles_of},
          {&c.waived, "Consultations waived", "Frafaldne konsultationer", "Reason", "Begrundelse",
           [](const runtime::ComplianceEntry& e) { return roles_of(e) + ": " + e.reason; }},
          {&c.late, "Completed after the due date", "Udført efter fristen", "Due", "Frist",
           [](const runtime::ComplianceEntry& e) { return e.due.substr(0, 10); }}};
}

std::string four_eyes_line(const runtime::Compliance& c, bool da) {
  std::string held = std::to_string(c.four_eyes_held), steps = std::to_string(c.four_eyes_steps),
              refused = std::to_string(c.four_eyes_refused);
  if (da)
    return "Fire øjne (raci:separateFrom): " + held + " af " + steps + " trin udført af en anden end det tidligere trins person; " +
           refused + " forsøg afvist.";
  return "Four eyes (raci:separateFrom): " + held + " of " + steps + " steps completed by someone other than the earlier step's person; " +
         refused + " attempts refused.";
}

}  // namespace

json compliance_json(const runtime::Compliance& c) {
  return {{"consultation_skipped", compliance_entries(c.skipped)},
          {"consultation_waived", compliance_entries(c.waived)},
          {"late", compliance_entries(c.late)},
          {"four_eyes", {{"steps", c.four_eyes_steps}, {"held", c.four_eyes_held}, {"refused", c.four_eyes_refused},
                         {"broken", compliance_entries(c.four_eyes_broken)}}}};
}

std::string compliance_markdown(const runtime::Compliance& c, bool da) {
  std::ostringstream out;
  out << (da ? "\n## RACI-overholdelse\n\n" : "\n## RACI compliance\n\n") << four_eyes_line(c, da) << "\n";
  for (const auto& t : compliance_tables(c)) {
    out << "\n### " << (da ? t.title_da : t.title_en) << "\n\n";
    if (t.rows->empty()) {
      out << (da ? "Ingen.\n" : "None.\n");
      continue;
    }
    out << (da ? "| Dato | Sag | Proces | Trin | Person | " : "| Date | Case | Process | Step | Person | ") << (da ? t.last_da : t.last_en)
        << " |\n|---|---|---|---|---|---|\n";
    for (const auto& e : *t.rows)
      out << "| " << e.time.substr(0, 10) << " | " << e.case_id << " | " << e.process_name << " | " << e.step << " | " << e.person << " | "
          << t.last(e) << " |\n";
  }
  return out.str();
}

std::string compliance_html(const runtime::Compliance& c, bool da) {
  std::ostringstream out;
  out << "<h2>" << (da ? "RACI-overholdelse" : "RACI compliance") << "</h2><p class=\"four-eyes\">" << xml_escape(four_eyes_line(c, da)) << "</p>";
  for (const auto& t : compliance_tables(c)) {
    out << "<h3>" << (da ? t.title_da : t.title_en) << "</h3>";
    if (t.rows->empty()) {
      out << "<p>" << (da ? "Ingen." : "None.") << "</p>";
      continue;
    }
    out << "<table><tr><th>" << (da ? "Dato</th><th>Sag</th><th>Proces</th><th>Trin</th><th>Person" : "Date</th><th>Case</th><th>Process</th><th>Step</th><th>Person")
        << "</th><th>" << (da ? t.last_da : t.last_en) << "</th></tr>";
    for (const auto& e : *t.rows)
      out << "<tr><td>" << e.time.substr(0, 10) << "</td><td><a href=\"/#/case/" << xml_escape(e.case_id) << "\">" << xml_escape(e.case_id)
          << "</a></td><td>" << xml_escape(e.process_name) << "</td><td>" << xml_escape(e.step) << "</td><td>" << xml_escape(e.person)
          << "</td><td>" << xml_escape(t.last(e)) << "</td></tr>";
    out << "</table>";
  }
  return out.str();
}


}  // namespace raciflow::render
