// The registers for people and scripts (docs/registers.md): JSON for the API and
// `raciflow register --format json`, a text table, CSV, and XLSX with one sheet per
// register and its heat map as a sheet of its own. Column labels and the words of the
// standard columns come in Danish ("da") or English ("en").
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/registers.h"
#include "runtime/soa.h"

namespace raciflow::render {

// A register as the list of registers shows it: id, names, processes, columns, heat map.
nlohmann::json register_json(const runtime::Register& reg, const std::vector<runtime::RegisterEntry>& entries);
// An entry's current version: key, status, steps, values (as the flow set them) and
// cells (as a person reads them).
nlohmann::json entry_json(const runtime::Register& reg, const runtime::RegisterEntry& entry,
                          const runtime::Organisation* organisation, const std::string& language);
// An entry with every version, the newest first.
nlohmann::json entry_history_json(const runtime::Register& reg, const runtime::RegisterEntry& entry,
                                  const runtime::Organisation* organisation, const std::string& language);
nlohmann::json heat_map_json(const runtime::HeatMap& map);

// The header and the rows of a register as a person reads them: key, the declared columns
// (else the process), status, open steps, last change.
struct RegisterTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> types;  // per column: text, number, yesno, date, role, list
};
RegisterTable register_table(const runtime::Register& reg, const std::vector<runtime::RegisterEntry>& entries,
                             const runtime::Organisation* organisation, const std::string& language);
std::string register_text(const RegisterTable& table);
std::string register_csv(const RegisterTable& table);

struct RegisterSheet {
  const runtime::Register* reg = nullptr;
  RegisterTable table;
  runtime::HeatMap heat_map;  // size 0: none
};
// An XLSX workbook, as bytes: a sheet per register, then a heat map sheet per register
// that has one. Text cells that a spreadsheet would take for a formula get a leading '.
// Throws std::runtime_error when the library cannot write it.
std::string registers_xlsx(const std::vector<RegisterSheet>& sheets, const std::string& language);

// The registers' state in the committee agenda and the annual report: a table of the
// registers, and each heat map (inherent beside residual).
nlohmann::json register_states_json(const std::vector<runtime::RegisterState>& states);
std::string register_states_markdown(const std::vector<runtime::RegisterState>& states, const std::string& language = "en");
std::string register_states_html(const std::vector<runtime::RegisterState>& states, const std::string& language = "en");

// The Statement of Applicability: JSON for the API and `raciflow soa --format json`, and
// its table (control, 2013, title, applicable, justification, status, risks, evidence).
nlohmann::json soa_json(const runtime::Soa& soa);
RegisterTable soa_table(const runtime::Soa& soa, const std::string& language);

// A register's name in the language.
std::string register_name(const runtime::Register& reg, const std::string& language);

}  // namespace raciflow::render
