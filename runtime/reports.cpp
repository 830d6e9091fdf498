#include "runtime/reports.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace raciflow::runtime {

using definitions::TimePoint;
using nlohmann::json;

namespace {

std::optional<TimePoint> time_of(const std::string& text) { return definitions::parse_date_time(text); }

double days_between(TimePoint a, TimePoint b) { return std::chrono::duration<double>(b - a).count() / 86400.0; }

double median(std::vector<double> values) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

bool ended(const std::string& status) { return status == "completed" || status == "terminated" || status == "cancelled"; }

// raci:iso words as clauses: "9.3.2 a b A.5.7" -> 9.3.2, 9.3.2a, 9.3.2b, A.5.7.
std::vector<std::string> clauses_of(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  std::string last;
  for (const auto& w : words) {
    bool letter = w.size() == 1 && std::islower(static_cast<unsigned char>(w[0]));
    if (letter && !last.empty()) {
      out.push_back(last + w);
    } else if (!letter) {
      last = w;
      out.push_back(w);
    }
  }
  return out;
}

}  // namespace

// --- agenda -------------------------------------------------------------------------------

Agenda build_agenda(Store& store, Runtime& runtime, const std::string& since) {
  struct Standing {
    const char* id;
    const char* title;
    const char* title_da;
  };
  static const Standing kStanding[] = {
      {"approve-agenda", "Approval of the agenda", "Godkendelse af dagsorden"},
      {"approve-minutes", "Approval of the minutes of the last meeting", "Godkendelse af referat fra sidste møde"},
      {"ongoing", "Status of ongoing work", "Status på igangværende arbejde"},
      {"incidents", "Follow-up on security incidents since the last meeting", "Opfølgning på sikkerhedshændelser siden sidste møde"},
      {"deviations-handled", "Deviations handled since the last meeting", "Afvigelser håndteret siden sidste møde"},
      {"new-deviations", "New deviations", "Nye afvigelser"},
      {"threats", "Changes in the threat landscape", "Ændringer i trusselsbilledet"},
      {"policies", "Approval of new or updated policies", "Godkendelse af nye eller opdaterede politikker"},
      {"aob", "Any other business", "Eventuelt"},
  };
  Agenda agenda;
  agenda.since = since;
  for (const auto& s : kStanding) agenda.sections.push_back({s.id, s.title, s.title_da, {}, {}});
  auto section = [&](const std::string& id) -> AgendaSection& {
    for (auto& s : agenda.sections)
      if (s.id == id) return s;
    return agenda.sections[2];
  };
  for (const CaseRow& row : store.cases_updated_since(since)) {
    const definitions::Process& process = runtime.process_of(row.process, row.version);
    auto snapshot = store.load_snapshot(row.id);
    std::string kind = process.agenda;
    if (snapshot && snapshot->variables.contains("agendaSection") && snapshot->variables["agendaSection"].is_string())
      kind = snapshot->variables["agendaSection"].get<std::string>();
    AgendaCase c{row.id, row.process, process.name.empty() ? row.process : process.name, row.status, row.started_at,
                 row.updated_at, row.key, {}, {}};
    for (const auto& t : store.tasks({row.id, true})) {
      if (t.task.live()) c.open_steps.push_back(t.task.name.empty() ? t.task.node_id : t.task.name);
      if (t.task.status == engine::TaskStatus::completed) c.last_step = t.task.name.empty() ? t.task.node_id : t.task.name;
    }
    std::string target = "ongoing";
    if (kind == "incidents" || kind == "threats" || kind == "policies") target = kind;
    if (kind == "deviations") target = ended(row.status) ? "deviations-handled" : row.started_at >= since ? "new-deviations" : "ongoing";
    if (kind == "review") target = ended(row.status) ? "approve-minutes" : "approve-agenda";
    section(target).cases.push_back(std::move(c));
  }
  for (auto& item : store.plan_items())
    if (item.status == "open" || item.updated_at >= since) section("ongoing").plan.push_back(std::move(item));
  return agenda;
}

std::string last_meeting(Store& store, Runtime& runtime) {
  std::string last;
  for (const CaseRow& row : store.cases("completed", ""))
    if (runtime.process_of(row.process, row.version).agenda == "review") last = std::max(last, row.updated_at);
  return last;
}

// --- evidence -----------------------------------------------------------------------------

EvidenceRegister build_evidence(Store& store, Runtime& runtime, TimePoint now) {
  EvidenceRegister out;
  out.generated_at = definitions::format_date_time(now);
  out.window_start = definitions::format_date_time(definitions::Duration{-1, 0, 0, 0}.after(now));
  // The mandatory documentation of ISO 27001 (DOMAIN.md): 2022 clause, [2013 clause].
  out.items = {
      {"scope", "Scope of the ISMS", "4.3", "4.3", {"4.3"}, {}, false},
      {"policy", "Information security policy", "5.2", "5.2 e", {"5.2", "5.2e"}, {}, false},
      {"objectives", "Information security objectives", "6.2", "6.2", {"6.2"}, {}, false},
      {"risk-assessment-process", "Risk assessment process", "6.1.2", "6.1.2", {"6.1.2"}, {}, false},
      {"risk-treatment-process", "Risk treatment process", "6.1.3", "6.1.3", {"6.1.3"}, {}, false},
      {"soa", "Statement of Applicability", "6.1.3 d", "6.1.3 d", {"6.1.3d"}, {}, false},
      {"competence", "Evidence of competence", "7.2 d", "7.2 d", {"7.2", "7.2d"}, {}, false},
      {"risk-assessment-results", "Results of the risk assessment", "8.2", "8.2", {"8.2"}, {}, false},
      {"risk-treatment-results", "Results of the risk treatment", "8.3", "8.3", {"8.3"}, {}, false},
      {"monitoring", "Monitoring and measurement results", "9.1", "9.1", {"9.1"}, {}, false},
      {"internal-audit", "Internal audit programme and results", "9.2.2", "9.2 g", {"9.2", "9.2.1", "9.2.2", "9.2g"}, {}, false},
      {"management-review", "Results of management reviews", "9.3.3", "9.3", {"9.3", "9.3.3"}, {}, false},
      {"nonconformities", "Nonconformities, corrective actions and their results", "10.2", "10.1", {"10.2"}, {}, false},
  };
  std::map<std::string, std::vector<std::size_t>> by_clause;
  for (std::size_t i = 0; i < out.items.size(); ++i)
    for (const auto& m : out.items[i].matches) by_clause[m].push_back(i);
  // The files of each case, by task, read once per case that has a completion with clauses.
  std::map<std::string, std::map<std::int64_t, std::vector<EvidenceFile>>> files_of;
  store.scan_records("", [&](const AuditRecord& r) {
    if (r.action != "task_completed" || r.case_id.empty()) return;
    const auto* node = runtime.process_of(r.process, r.version).find_node(r.node);
    if (!node || node->iso.empty()) return;
    Evidence e{r.time, r.case_id, r.process, r.node, node->name.empty() ? node->id : node->name, r.actor, r.role, "", 0, "", 0, {}, {}};
    auto data = nlohmann::json::parse(r.data, nullptr, false);
    if (data.is_object() && data.value("task", nlohmann::json()).is_number_integer())  // the task's number within its case
      e.task = store.task_id(r.case_id, data["task"].get<int>()).value_or(0);
    if (auto form = runtime.step_form(r.process, r.version, r.node)) {
      e.form = form->id;
      e.form_version = form->version;
    }
    if (!files_of.count(r.case_id)) {
      auto& by_task = files_of[r.case_id];
      for (const auto& a : store.attachments(r.case_id)) by_task[a.task].push_back({a.id, a.name, a.sha256});
    }
    if (e.task)
      if (auto it = files_of[r.case_id].find(e.task); it != files_of[r.case_id].end()) e.files = it->second;
    e.clauses = clauses_of(node->iso);
    std::set<std::size_t> hit;
    for (const auto& clause : e.clauses) {
      auto it = by_clause.find(clause);
      if (it == by_clause.end()) continue;
      for (std::size_t i : it->second)
        if (hit.insert(i).second) {
          out.items[i].evidence.push_back(e);
          out.items[i].evidence.back().clause = clause;
        }
    }
    if (!e.form.empty() || !e.files.empty()) out.documents.push_back(std::move(e));
  });
  std::reverse(out.documents.begin(), out.documents.end());
  for (auto& item : out.items) {
    std::reverse(item.evidence.begin(), item.evidence.end());
    item.covered = std::any_of(item.evidence.begin(), item.evidence.end(),
                               [&](const Evidence& e) { return e.time >= out.window_start && e.time <= out.generated_at; });
  }
  return out;
}

// --- annual report ------------------------------------------------------------------------

ManagementReport build_report(Store& store, Runtime& runtime, int year, TimePoint now) {
  using namespace std::chrono;
  ManagementReport report;
  report.year = year;
  report.generated_at = definitions::format_date_time(now);
  report.registers = register_states(store, runtime, now);
  const std::string first = std::to_string(year) + "-01-01T00:00:00Z";
  const std::string after = std::to_string(year + 1) + "-01-01T00:00:00Z";
  TimePoint end = std::min(*time_of(after), now);
  auto in_year = [&](const std::string& t) { return t >= first && t < after; };

  // One pass over the trail: when each task was completed and by which role, when each case
  // ended, and the escalations of the year.
  struct Done {
    std::string time, role;
  };
  std::map<std::pair<std::string, int>, Done> completed;
  std::map<std::string, std::string> ended_at;
  std::map<std::string, int> escalations_by_process;
  std::map<std::pair<std::string, int>, bool> escalated_in_year;
  // RACI compliance: who completed which step of each case, for four eyes.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> done_by;  // case -> (node, person)
  auto step_name = [&](const AuditRecord& r) {
    const auto* node = runtime.process_of(r.process, r.version).find_node(r.node);
    return node && !node->name.empty() ? node->name : r.node;
  };
  auto entry = [&](const AuditRecord& r, const json& data) {
    ComplianceEntry e{r.case_id, r.process, step_name(r), runtime.process_of(r.process, r.version).name, r.time, r.actor, {},
                      data.value("reason", ""), ""};
    if (auto roles = data.find("roles"); roles != data.end() && roles->is_array())
      for (const auto& role : *roles) e.roles.push_back(role.get<std::string>());
    return e;
  };
  Compliance& compliance = report.compliance;
  store.scan_records("", [&](const AuditRecord& r) {
    if (r.case_id.empty()) return;
    if (r.action == "consultation_skipped" && in_year(r.time)) {
      compliance.skipped.push_back(entry(r, json::parse(r.data, nullptr, false)));
    } else if (r.action == "consultation_waived" && in_year(r.time)) {
      compliance.waived.push_back(entry(r, json::parse(r.data, nullptr, false)));
    } else if (r.action == "command_refused" && in_year(r.time) && r.data.find("raci:separateFrom") != std::string::npos) {
      ++compliance.four_eyes_refused;
    }
    if (r.action == "task_completed") {
      int task = json::parse(r.data, nullptr, false).value("task", 0);
      completed[{r.case_id, task}] = {r.time, r.role};
      const auto* node = runtime.process_of(r.process, r.version).find_node(r.node);
      if (node && !node->separate_from.empty() && in_year(r.time)) {
        ++compliance.four_eyes_steps;
        bool held = true;
        for (const auto& [earlier, person] : done_by[r.case_id])
          if (person == r.actor && std::find(node->separate_from.begin(), node->separate_from.end(), earlier) != node->separate_from.end())
            held = false;
        if (held) ++compliance.four_eyes_held;
        else compliance.four_eyes_broken.push_back(entry(r, json::object()));
      }
      done_by[r.case_id].emplace_back(r.node, r.actor);
    } else if (r.action == "case_terminated" || r.action == "case_cancelled" || holds(r, engine::EventKind::case_completed)) {
      ended_at[r.case_id] = r.time;
    } else if (r.action == "task_escalated" && in_year(r.time)) {
      ++escalations_by_process[r.process];
      escalated_in_year[{r.case_id, json::parse(r.data, nullptr, false).value("task", 0)}] = true;
    }
  });

  std::map<std::string, ProcessFigures> processes;
  std::map<std::string, std::vector<double>> close_days;
  std::vector<double> all_close_days;
  std::map<std::string, RoleFigures> roles;
  std::map<std::string, std::vector<double>> task_days;
  std::map<std::string, std::string> process_of_case;
  for (const CaseRow& row : store.cases("", "")) {
    process_of_case[row.id] = row.process;
    auto& p = processes[row.process];
    if (p.process.empty()) {
      p.process = row.process;
      p.name = runtime.process_of(row.process, row.version).name;
    }
    if (in_year(row.started_at)) ++p.started;
    auto e = ended_at.find(row.id);
    bool closed_in_year = e != ended_at.end() && in_year(e->second);
    if (closed_in_year) {
      ++p.closed;
      double d = days_between(*time_of(row.started_at), *time_of(e->second));
      close_days[row.process].push_back(d);
      all_close_days.push_back(d);
    }
    bool open_at_end = row.started_at < after && (e == ended_at.end() || e->second >= after);
    if (open_at_end) ++p.open_at_end;
  }
  for (const TaskRow& t : store.tasks({"", true})) {
    auto done = completed.find({t.case_id, t.local_id});
    std::string created = definitions::format_date_time(t.task.created);
    bool done_in_year = done != completed.end() && in_year(done->second.time);
    // The tasks that count for the year: created in it, or still open at its start.
    bool counts = in_year(created) || (created < first && (done == completed.end() || done->second.time >= first));
    if (!counts && !done_in_year) continue;
    auto& p = processes[t.process];
    std::vector<std::string> responsible = t.task.responsible;
    std::string role = done_in_year && !done->second.role.empty() ? done->second.role : (responsible.empty() ? "" : responsible.front());
    if (done_in_year) {
      roles[role].role = role;
      ++roles[role].tasks_completed;
      task_days[role].push_back(days_between(t.task.created, *time_of(done->second.time)));
    }
    if (t.task.due && counts && *t.task.due < end + std::chrono::seconds(1)) {
      bool overdue = done != completed.end() ? done->second.time > definitions::format_date_time(*t.task.due)
                                             : (t.task.live() && *t.task.due < end);
      ++p.tasks_with_due;
      roles[role].role = role;
      ++roles[role].tasks_with_due;
      if (overdue && done != completed.end() && done_in_year)
        compliance.late.push_back({t.case_id, t.process, t.task.name.empty() ? t.task.node_id : t.task.name,
                                   runtime.process_of(t.process, t.version).name, done->second.time, t.task.completed_by, {}, "",
                                   definitions::format_date_time(*t.task.due)});
      if (overdue) {
        ++p.tasks_overdue;
        ++roles[role].tasks_overdue;
      }
    }
    if (escalated_in_year.count({t.case_id, t.local_id}))
      for (const auto& a : t.task.accountable) {
        roles[a].role = a;
        ++roles[a].escalations;
      }
  }
  for (auto& [id, p] : processes) {
    p.median_days_to_close = median(close_days[id]);
    p.escalations = escalations_by_process[id];
    if (p.started || p.closed || p.open_at_end || p.tasks_with_due) report.processes.push_back(p);
  }
  report.total.process = "all";
  report.total.name = "All processes";
  for (const auto& p : report.processes) {
    report.total.started += p.started;
    report.total.closed += p.closed;
    report.total.open_at_end += p.open_at_end;
    report.total.tasks_with_due += p.tasks_with_due;
    report.total.tasks_overdue += p.tasks_overdue;
    report.total.escalations += p.escalations;
  }
  report.total.median_days_to_close = median(all_close_days);
  for (auto& [id, r] : roles) {
    if (id.empty()) continue;
    r.median_days_per_task = median(task_days[id]);
    report.roles.push_back(r);
  }
  for (const auto& e : runtime.wheel_year(year)) {
    if (e.status == "skipped") continue;
    ++report.wheel_planned;
    if (!e.case_id.empty()) ++report.wheel_fired;
    if (e.late) ++report.wheel_late;
  }
  std::string today = definitions::format_date_time(now).substr(0, 10);
  for (const auto& item : store.plan_items()) {
    if (item.deadline.substr(0, 4) != std::to_string(year)) continue;
    if (item.status == "done") ++report.plan_done;
    else if (item.status == "open") (item.deadline < today ? ++report.plan_overdue : ++report.plan_open);
  }
  // The forms and files that evidence the year's work, with their clauses.
  for (auto& e : build_evidence(store, runtime, now).documents)
    if (in_year(e.time)) report.evidence.push_back(std::move(e));
  return report;
}

}  // namespace raciflow::runtime
