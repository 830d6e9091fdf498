// The annual wheel, the annual plan, the committee agenda, the evidence register and the
// management report as text for people (tables, Markdown, HTML with SVG) and for scripts
// (JSON with the field names of docs/cli.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/reports.h"
#include "runtime/runtime.h"

namespace raciflow::render {

nlohmann::json wheel_json(int year, const std::vector<runtime::WheelEntry>& entries, const std::vector<definitions::PlanItem>& plan);
std::string wheel_table(const std::vector<runtime::WheelEntry>& entries, const std::vector<definitions::PlanItem>& plan);
// Twelve month sectors, January at the top, clockwise; each occurrence a dot on its month,
// coloured by role and marked done (filled), open (ring), overdue (red ring) or planned (pale).
// Plan items sit on an inner ring at their deadline's month. The legend names each role by
// `role_names` (its id when the map has none); its words carry data-mark for translation.
std::string wheel_svg(int year, const std::vector<runtime::WheelEntry>& entries, const std::vector<definitions::PlanItem>& plan,
                      const std::string& today, const std::map<std::string, std::string>& role_names = {});

std::string plan_table(const std::vector<definitions::PlanItem>& plan);

nlohmann::json agenda_json(const runtime::Agenda& agenda);
std::string agenda_markdown(const runtime::Agenda& agenda, const std::string& language = "en");
std::string agenda_html(const runtime::Agenda& agenda, const std::string& language = "en");

nlohmann::json evidence_json(const runtime::EvidenceRegister& evidence);
std::string evidence_table(const runtime::EvidenceRegister& evidence);
std::string evidence_markdown(const runtime::EvidenceRegister& evidence);

nlohmann::json report_json(const runtime::ManagementReport& report);
std::string report_markdown(const runtime::ManagementReport& report, const std::string& language = "en");
// HTML with SVG bar charts: cases by process, median days to close, overdue share per role.
// The annual report as a page, in English or Danish (`language` "da").
std::string report_html(const runtime::ManagementReport& report, const std::string& language = "en");

}  // namespace raciflow::render
