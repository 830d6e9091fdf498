// Read models over the store for the security committee and the auditor: the committee
// agenda, the ISO 27001 evidence register and the annual report to management. They read
// only; each is built inside one read snapshot by the caller.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "definitions/iso8601.h"
#include "definitions/wheel.h"
#include "runtime/registers.h"
#include "runtime/runtime.h"

namespace raciflow::runtime {

// --- committee agenda -------------------------------------------------------------------

struct AgendaCase {
  std::string id, process, process_name, status;
  std::string started_at, updated_at;
  std::string key;
  std::vector<std::string> open_steps;  // names of the open tasks
  std::string last_step;                // name of the last completed task, if any
};

struct AgendaSection {
  std::string id;     // approve-agenda, approve-minutes, ongoing, incidents, deviations-handled,
                      // new-deviations, threats, policies, aob
  std::string title;
  std::string title_da;  // the same in Danish
  std::vector<AgendaCase> cases;
  std::vector<definitions::PlanItem> plan;  // annual plan items (status of ongoing work)
};

struct Agenda {
  std::string since;         // ISO 8601: the last meeting
  std::string generated_at;
  std::vector<AgendaSection> sections;  // always all nine, in the standing order
  std::vector<RegisterState> registers;  // the registers' state now (docs/registers.md)
};

// The standing agenda filled with every case changed at or after `since`, each in exactly
// one section: by its process's raci:agenda (or the case variable agendaSection), deviations
// split into handled (ended since) and new (started since, still open). Open plan items and
// those changed since go under the status of ongoing work.
Agenda build_agenda(Store& store, Runtime& runtime, const std::string& since);
// When the last meeting ended: the latest completed case of a raci:agenda="review" process;
// empty when there was none.
std::string last_meeting(Store& store, Runtime& runtime);

// --- evidence register ------------------------------------------------------------------

struct EvidenceFile {
  std::int64_t id = 0;
  std::string name, sha256;
};

struct Evidence {
  std::string time, case_id, process, node, step, person, role, clause;
  // What the step recorded besides its completion: the form it was completed with (id
  // and version; empty when it had none) and the files attached to it.
  std::int64_t task = 0;
  std::string form;
  int form_version = 0;
  std::vector<EvidenceFile> files;
  std::vector<std::string> clauses;  // every raci:iso clause of the step
};

struct EvidenceItem {
  std::string id, title;
  std::string clause_2022, clause_2013;
  std::vector<std::string> matches;  // raci:iso clauses that evidence it
  std::vector<Evidence> evidence;    // newest first
  bool covered = false;              // evidence within the last 12 months
};

struct EvidenceRegister {
  std::string generated_at;
  std::string window_start;          // 12 months before generated_at
  std::vector<EvidenceItem> items;   // the mandatory documentation, in clause order
  // Completed steps with raci:iso clauses whose form was filled in or that have files,
  // newest first: the documents behind the clauses (Annex A controls included).
  std::vector<Evidence> documents;
};

// Completed steps whose raci:iso names a clause of a mandatory documentation item. Letters
// after a clause belong to it: raci:iso="6.1.3 d" evidences 6.1.3 d (the Statement of
// Applicability) as well as 6.1.3.
EvidenceRegister build_evidence(Store& store, Runtime& runtime, definitions::TimePoint now);

// --- annual report to management --------------------------------------------------------

struct ProcessFigures {
  std::string process, name;
  int started = 0, closed = 0, open_at_end = 0;
  double median_days_to_close = -1;  // -1: none closed
  int tasks_with_due = 0, tasks_overdue = 0, escalations = 0;
};

struct RoleFigures {
  std::string role;
  int tasks_completed = 0;
  double median_days_per_task = -1;
  int tasks_with_due = 0, tasks_overdue = 0;
  int escalations = 0;  // escalations to the role as Accountable
};

// RACI compliance: where a step went its own way, and whether four eyes held.
struct ComplianceEntry {
  std::string case_id, process, step;  // step: the node's name, else its id
  std::string process_name;
  std::string time;                    // when it happened (completed, waived)
  std::string person;                  // who completed it, or waived
  std::vector<std::string> roles;      // the Consulted roles left unanswered, or waived
  std::string reason;                  // a waiver's reason
  std::string due;                     // a late step's due date
};
struct Compliance {
  std::vector<ComplianceEntry> skipped;  // completed without the answers of these roles (raci:consult="alongside")
  std::vector<ComplianceEntry> waived;   // consultations the Accountable waived
  std::vector<ComplianceEntry> late;     // completed after the due date
  int four_eyes_steps = 0;               // completions of steps with raci:separateFrom in the year
  int four_eyes_held = 0;                // of them, by someone other than the earlier steps' people
  int four_eyes_refused = 0;             // attempts refused by raci:separateFrom
  std::vector<ComplianceEntry> four_eyes_broken;  // completions by the same person (a definition changed, an import)
};

struct ManagementReport {
  int year = 0;
  std::string generated_at;
  std::vector<ProcessFigures> processes;
  std::vector<RoleFigures> roles;
  ProcessFigures total;
  int wheel_planned = 0, wheel_fired = 0, wheel_late = 0;
  int plan_done = 0, plan_open = 0, plan_overdue = 0;
  std::vector<Evidence> evidence;  // the evidence register's documents of the year
  std::vector<RegisterState> registers;  // the registers' state when the report was made
  // Versions of the Statement of Applicability approved in the year: number, when, by whom,
  // and the controls each changed; filled by add_soa_changes (runtime/soa.h).
  struct SoaChange {
    int version = 0;
    std::string approved_at, approved_by;
    std::vector<std::string> changed;
  };
  std::vector<SoaChange> soa_changes;
  Compliance compliance;
};

// A task counts as overdue when it was completed after its due date, or is still open
// after it at the report's end (the year's end, or now when earlier).
ManagementReport build_report(Store& store, Runtime& runtime, int year, definitions::TimePoint now);

}  // namespace raciflow::runtime
