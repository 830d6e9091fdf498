#include "runtime/access.h"

#include <algorithm>

namespace raciflow::runtime {

bool holds_role(const Person& person, const std::string& role) {
  return std::find(person.roles.begin(), person.roles.end(), role) != person.roles.end();
}

bool holds_any_role(const Person& person, const std::vector<std::string>& roles) {
  return std::any_of(roles.begin(), roles.end(), [&](const std::string& r) { return holds_role(person, r); });
}

bool reads_all(const Person& person) { return person.has_access(kAdminAccess) || person.has_access(kAuditorAccess); }

bool may_signal(const Person& person) { return person.has_access(kAdminAccess) || holds_role(person, kSignalRole); }

bool sees_case(const Person& person, const CaseRow& row, const std::vector<TaskRow>& tasks) {
  return reads_all(person) || takes_part(person, row, tasks);
}

bool takes_part(const Person& person, const CaseRow& row, const std::vector<TaskRow>& tasks) {
  if (person.has_access(kAdminAccess) || row.started_by == person.id) return true;
  for (const auto& t : tasks) {
    const auto& k = t.task;
    if (holds_any_role(person, k.responsible) || holds_any_role(person, k.accountable) || holds_any_role(person, k.consulted) ||
        holds_any_role(person, k.informed) || k.assignee == person.id)
      return true;
  }
  return false;
}

std::optional<CaseRow> visible_case(CaseStore& store, const Person& person, const std::string& case_id) {
  auto row = store.find_case(case_id);
  if (!row || !sees_case(person, *row, store.tasks({case_id, true}))) return std::nullopt;
  return row;
}

}  // namespace raciflow::runtime
