// The annual report's RACI compliance section (runtime/reports.h: Compliance): steps done
// without their consultation, waived consultations, late steps, the four-eyes rule.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "runtime/reports.h"

namespace raciflow::render {

nlohmann::json compliance_json(const runtime::Compliance& compliance);
std::string compliance_markdown(const runtime::Compliance& compliance, bool danish);
std::string compliance_html(const runtime::Compliance& compliance, bool danish);

}  // namespace raciflow::render
