// Cases, tasks, the audit trail and the organisation as text for people (aligned
// tables) and for scripts (JSON with the field names of docs/cli.md, CSV).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/runtime.h"

namespace raciflow::render {

// `inbox`: why the task is in a filtered inbox ("responsible" or "consulted"); empty when
// the listing is not filtered by role or person.
nlohmann::json task_json(const runtime::TaskRow& task, const std::string& inbox = "");
std::string tasks_table(const std::vector<runtime::TaskRow>& tasks, const std::vector<std::string>& inbox = {});

nlohmann::json case_json(const runtime::Runtime::CaseView& view, const std::vector<runtime::TaskRow>& tasks);
std::string case_text(const runtime::Runtime::CaseView& view, const std::vector<runtime::TaskRow>& tasks);
nlohmann::json case_row_json(const runtime::CaseRow& row);
std::string cases_table(const std::vector<runtime::CaseRow>& rows);

nlohmann::json audit_json(const runtime::AuditRecord& record);
std::string audit_table(const std::vector<runtime::AuditRecord>& records);
std::string audit_csv(const std::vector<runtime::AuditRecord>& records);
// The CSV export a line at a time, for exports that stream: the header, then a record's line.
std::string audit_csv_header();
std::string audit_csv_line(const runtime::AuditRecord& record);

std::string organisation_text(const runtime::Organisation& organisation);

nlohmann::json outbox_json(const runtime::OutboxItem& item);
std::string outbox_table(const std::vector<runtime::OutboxItem>& items);

}  // namespace raciflow::render
