// The Statement of Applicability (ISO 27001:2022 6.1.3 d; docs/registers.md): the 93
// Annex A controls, each applicable or not, with its justification and implementation
// status, the risks whose treatment chose it and the evidence that shows it working.
//
// The SoA is kept by the flows of the register `soa` (samples/soa-approval.bpmn): each
// case is a revision. Its variable `soa` holds the revision's changes, control number to
// {"applicable", "justification", "status"}; a completed case is an approved version, and
// version N is the changes of the first N approved revisions laid over each other.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "definitions/iso8601.h"
#include "runtime/reports.h"
#include "runtime/runtime.h"

namespace raciflow::runtime {

inline constexpr const char* kSoaRegister = "soa";
inline constexpr const char* kSoaVariable = "soa";

// What is wrong with a revision's `soa` variable (one line naming the control and field),
// or nullopt when it is well formed: an object whose keys are Annex A numbers ("5.15")
// and whose values hold only applicable (yes/no), justification (text, at most 4000
// bytes) and status (implemented, partly, planned, not-implemented).
std::optional<std::string> soa_problem(const nlohmann::json& soa);

struct SoaControl {
  std::string number, title, number_2013;  // "5.15"
  std::optional<bool> applicable;          // nullopt: not assessed yet
  std::string justification, status;
  std::vector<std::string> risks;          // risk register entries whose treatment chose it
  std::vector<std::string> evidence_cases; // cases with completed steps whose raci:iso names it
  bool changed = false;                    // changed by this version's revision
};

struct SoaVersion {
  int number = 0;
  std::string case_id, approved_at, approved_by;
  std::vector<std::string> changed;  // the controls the revision changed
};

struct Soa {
  int version = 0;  // the version shown; 0: none approved yet
  std::vector<SoaVersion> versions;  // every approved version, oldest first
  std::vector<SoaControl> controls;  // the 93, in Annex A order
  std::string open_case;             // a revision under way, if any
  nlohmann::json proposed = nlohmann::json::object();  // its changes so far
};

// The SoA as version `version` (0: the latest approved) left it. Refused (not_found) for
// a version that does not exist.
Soa build_soa(Store& store, Runtime& runtime, definitions::TimePoint now, int version = 0);

// The versions approved in the report's year, into report.soa_changes.
void add_soa_changes(ManagementReport& report, Store& store, Runtime& runtime, definitions::TimePoint now);

}  // namespace raciflow::runtime
