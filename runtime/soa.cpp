#include "runtime/soa.h"

#include <algorithm>
#include <map>
#include <set>

#include "definitions/iso27001.h"
#include "runtime/registers.h"

namespace raciflow::runtime {

using nlohmann::json;

namespace {

// "A.5.15" and "5.15" both as "5.15".
std::string short_number(const std::string& number) { return number.rfind("A.", 0) == 0 ? number.substr(2) : number; }

}  // namespace

std::optional<std::string> soa_problem(const json& soa) {
  if (!soa.is_object()) return std::string("soa must be an object: control number to {applicable, justification, status}");
  static const std::set<std::string> kStatuses = {"implemented", "partly", "planned", "not-implemented"};
  for (const auto& [number, entry] : soa.items()) {
    const std::string at = "soa." + number;
    if (!definitions::annex_a_control(number)) return at + ": '" + number + "' is not an ISO 27001:2022 Annex A control (5.1 to 8.34)";
    if (!entry.is_object()) return at + " must be an object with applicable, justification and status";
    for (const auto& [field, value] : entry.items()) {
      if (field == "applicable") {
        if (!value.is_boolean()) return at + ".applicable must be true or false";
      } else if (field == "justification") {
        if (!value.is_string()) return at + ".justification must be text";
        if (value.get_ref<const std::string&>().size() > 4000) return at + ".justification is longer than 4000 bytes";
      } else if (field == "status") {
        if (!value.is_string() || !kStatuses.count(value.get<std::string>()))
          return at + ".status must be one of implemented, partly, planned, not-implemented";
      } else {
        return at + ": unknown field '" + field + "' (applicable, justification, status)";
      }
    }
  }
  return std::nullopt;
}

Soa build_soa(Store& store, Runtime& runtime, definitions::TimePoint now, int version) {
  Soa out;
  std::map<std::string, SoaControl> by_number;
  std::vector<std::string> order;
  for (const auto& item : definitions::iso27001()) {
    if (!item.control()) continue;
    SoaControl c;
    c.number = short_number(item.number);
    c.title = item.title;
    c.number_2013 = item.number_2013;
    order.push_back(c.number);
    by_number.emplace(c.number, std::move(c));
  }
  // The revisions: completed ones are approved versions, in the order they ended.
  std::vector<EntryVersion> approved;
  if (auto reg = find_register(store, runtime, kSoaRegister)) {
    for (auto& entry : register_entries(store, *reg, now)) {
      std::vector<EntryVersion> all{entry.current};
      all.insert(all.end(), entry.history.begin(), entry.history.end());
      for (auto& v : all) {
        if (v.row.status == "completed") approved.push_back(v);
        else if (v.open()) {
          out.open_case = v.row.id;
          out.proposed = v.variables.value(kSoaVariable, json::object());
        }
      }
    }
  }
  std::sort(approved.begin(), approved.end(),
            [](const EntryVersion& a, const EntryVersion& b) { return std::tie(a.row.updated_at, a.row.position) < std::tie(b.row.updated_at, b.row.position); });
  for (std::size_t i = 0; i < approved.size(); ++i) {
    SoaVersion v;
    v.number = static_cast<int>(i) + 1;
    v.case_id = approved[i].row.id;
    v.approved_at = approved[i].row.updated_at;
    if (auto snapshot = store.load_snapshot(v.case_id))
      for (const auto& t : snapshot->tasks)
        if (!t.completed_by.empty()) v.approved_by = t.completed_by;  // the last step done: the approval
    const json changes = approved[i].variables.value(kSoaVariable, json::object());
    for (const auto& [number, _] : changes.items()) v.changed.push_back(short_number(number));
    out.versions.push_back(std::move(v));
  }
  if (version < 0 || version > static_cast<int>(approved.size()))
    throw Refused("no version " + std::to_string(version) + " of the Statement of Applicability", RefusalKind::not_found);
  out.version = version == 0 ? static_cast<int>(approved.size()) : version;
  for (int i = 0; i < out.version; ++i) {
    const json changes = approved[static_cast<std::size_t>(i)].variables.value(kSoaVariable, json::object());
    for (const auto& [number, entry] : changes.items()) {
      auto it = by_number.find(short_number(number));
      if (it == by_number.end() || !entry.is_object()) continue;  // checked when submitted
      SoaControl& c = it->second;
      if (entry.contains("applicable") && entry["applicable"].is_boolean()) c.applicable = entry["applicable"].get<bool>();
      if (entry.contains("justification") && entry["justification"].is_string()) c.justification = entry["justification"];
      if (entry.contains("status") && entry["status"].is_string()) c.status = entry["status"];
      c.changed = i == out.version - 1;
    }
  }
  // The risks that chose each control, and the steps that evidence it.
  if (auto risks = find_register(store, runtime, "risks"))
    for (const auto& e : register_entries(store, *risks, now)) {
      json controls = value_at(e.current.variables, "controls");
      if (!controls.is_array()) continue;
      for (const auto& c : controls)
        if (c.is_string())
          if (auto it = by_number.find(short_number(c.get<std::string>())); it != by_number.end()) it->second.risks.push_back(e.key);
    }
  for (const auto& doc : build_evidence(store, runtime, now).documents)
    for (const auto& clause : doc.clauses)
      if (clause.rfind("A.", 0) == 0)
        if (auto it = by_number.find(short_number(clause)); it != by_number.end()) {
          auto& cases = it->second.evidence_cases;
          if (std::find(cases.begin(), cases.end(), doc.case_id) == cases.end()) cases.push_back(doc.case_id);
        }
  for (const auto& number : order) out.controls.push_back(std::move(by_number[number]));
  return out;
}

void add_soa_changes(ManagementReport& report, Store& store, Runtime& runtime, definitions::TimePoint now) {
  for (const auto& v : build_soa(store, runtime, now).versions)
    if (v.approved_at.substr(0, 4) == std::to_string(report.year))
      report.soa_changes.push_back({v.number, v.approved_at, v.approved_by, v.changed});
}

}  // namespace raciflow::runtime
