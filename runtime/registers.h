// The ISMS's registers (docs/registers.md): the risks, the deviations, the corrective
// actions, the incidents and the findings, kept by the flows. A process names the register
// its cases keep (raci:register); its cases are the register's entries, keyed by the case
// key. A later case with the same key is the entry's current version and the earlier ones
// are its history; every change of an entry is a record of its case in the trail. Read
// models only: each is built inside one read snapshot by the caller.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "definitions/iso8601.h"
#include "definitions/model.h"
#include "runtime/runtime.h"

namespace raciflow::runtime {

struct Register {
  // As the latest version of the first process (by id) that declares it says; with no
  // declaration, the id alone and no columns.
  definitions::RegisterDeclaration declaration;
  std::vector<std::string> processes;  // the processes that keep it, by id
  std::vector<std::string> process_names;
  // Every role that takes part in those flows: lanes and R, A, C and I of their steps.
  std::vector<std::string> roles;
  const std::string& id() const { return declaration.id; }
  bool has_heat_map() const { return declaration.heat_map.size > 0; }
};

// The registers the latest deployed definitions keep, by id.
std::vector<Register> registers(Store& store, Runtime& runtime);
std::optional<Register> find_register(Store& store, Runtime& runtime, const std::string& id);

// Who reads a register: the admin, the auditors, and whoever holds a role that takes part
// in a flow that keeps it. To anyone else it does not exist.
bool may_read(const Person& person, const Register& reg);

// One case of an entry.
struct EntryVersion {
  CaseRow row;
  std::string process_name;
  nlohmann::json variables = nlohmann::json::object();
  std::vector<std::string> open_steps;  // the names of its open tasks
  bool overdue = false;                 // an open task is past its due date
  // Not ended: running, or stopped by an incident until someone retries it.
  bool open() const { return row.status == "active" || row.status == "incident"; }
};

struct RegisterEntry {
  std::string key;        // the case key, else the case id
  EntryVersion current;   // the case started last with this key
  std::vector<EntryVersion> history;  // the earlier ones, the newest first
  // When its current version ended and the register has a review period: when the next
  // assessment is due, and whether that time has come.
  std::string review_due_at;
  bool review_due = false;
};

// The value at a variable path ("risk.level") of a case's variables; null when absent.
nlohmann::json value_at(const nlohmann::json& variables, const std::string& path);
// A value as a person reads it in a table cell: text as is, yes/no, numbers without
// needless decimals, lists joined by ", ", a role by its name in `organisation`.
std::string cell_text(const nlohmann::json& value, const std::string& type, const Organisation* organisation,
                      const std::string& language = "en");

// Every entry of the register, by key.
std::vector<RegisterEntry> register_entries(Store& store, const Register& reg, definitions::TimePoint now);

struct HeatCell {
  int count = 0;
  std::vector<std::string> keys;  // the entries in the cell
};

// Likelihood x impact: cells[likelihood - 1][impact - 1], inherent and after treatment.
struct HeatMap {
  int size = 0;
  std::vector<std::vector<HeatCell>> inherent, residual;
  int unscored = 0;           // current entries without a score in the scale
  int above_acceptance = 0;   // entries whose aboveAcceptance variable holds true
};
HeatMap heat_map(const Register& reg, const std::vector<RegisterEntry>& entries);
// The cell an entry falls in, as 1-based (likelihood, impact); nullopt when unscored. A
// risk left as it is (no residual scores at all) keeps its inherent cell as its residual one.
std::optional<std::pair<int, int>> heat_cell(const definitions::RegisterHeatMap& map, const nlohmann::json& variables,
                                             bool residual);

// A register's state for the committee and management (the agenda, the annual report).
struct RegisterState {
  std::string id, name, name_da;
  int entries = 0, open = 0, review_due = 0;
  std::vector<std::string> open_keys;         // entries whose current case is open
  std::vector<std::string> overdue;           // open entries with a step past its due date
  std::vector<std::string> above_acceptance;  // entries whose aboveAcceptance variable holds true
  HeatMap heat_map;                           // size 0: the register has none
};
// Every register's state; with `reader`, only those they may read.
std::vector<RegisterState> register_states(Store& store, Runtime& runtime, definitions::TimePoint now, const Person* reader = nullptr);

}  // namespace raciflow::runtime
