// Who may see and move which case. One rule for the API's reads and writes and for every
// path between cases: a message or signal that a flow throws acts with the rights of the
// person whose command caused it (docs/security.md, "Throws between cases").
#pragma once

#include <string>
#include <vector>

#include "runtime/organisation.h"
#include "runtime/store.h"

namespace raciflow::runtime {

// Besides the admin, the role that may throw signals into other cases: the security
// function, whose work it is to judge threats (POST /api/signals, and signals a flow throws).
inline constexpr const char* kSignalRole = "security-function";

bool holds_role(const Person& person, const std::string& role);
bool holds_any_role(const Person& person, const std::vector<std::string>& roles);
// The admin and the auditor read every case.
bool reads_all(const Person& person);
// May a signal from this person continue cases other than the throwing one?
bool may_signal(const Person& person);
// The cases a person sees: every case for those who read all; else the cases they
// started and those with a step (open or done) one of their roles is R, A, C or I on, or
// that they were assigned.
bool sees_case(const Person& person, const CaseRow& row, const std::vector<TaskRow>& tasks);
// Who may add to a case (attach files, comment): the admin, who started it, and those with
// a step (open or done) one of their roles is R, A, C or I on, or that they were assigned.
// An auditor reads; an auditor does not add.
bool takes_part(const Person& person, const CaseRow& row, const std::vector<TaskRow>& tasks);
// The case `case_id` as `person` may know it: its row when it exists and they see it,
// else nothing (a case they may not see does not exist for them).
std::optional<CaseRow> visible_case(CaseStore& store, const Person& person, const std::string& case_id);

}  // namespace raciflow::runtime
