// The annual wheel (årshjul) and the annual plan (årsplan), read from a
// `urn:raciflow:wheel:1` XML file (docs/wheel-format.md).
//
// The wheel holds recurring activities. Each has a schedule, a subset of RFC 5545 RRULE
// (FREQ=YEARLY or MONTHLY, INTERVAL, BYMONTH, BYMONTHDAY, COUNT, UNTIL) or one date. Each
// date it yields is an *occurrence*: the activity fires `lead` before that date (it starts a
// process, or a standalone task for a role) and is due `due` after it. The plan holds
// one-off activities with a named responsible person and a deadline.
//
// Everything here is pure: parsing, schedule expansion and the BPMN text of a standalone
// task. Firing occurrences exactly once is the runtime's work.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "definitions/diagnostics.h"
#include "definitions/iso8601.h"

namespace raciflow::definitions {

inline constexpr const char* kWheelNamespace = "urn:raciflow:wheel:1";

using Date = std::chrono::sys_days;

std::string format_date(Date d);                                             // 2027-03-01
std::optional<Date> parse_date(std::string_view text, std::string* error = nullptr);  // YYYY-MM-DD only

struct Schedule {
  enum class Freq { yearly, monthly, once };
  Freq freq = Freq::once;
  int interval = 1;
  std::vector<unsigned> months;   // BYMONTH, 1..12; empty: every month (MONTHLY) or the start's month (YEARLY)
  std::vector<int> month_days;    // BYMONTHDAY, 1..31 or -31..-1 (from the end); empty: the start's day
  std::optional<int> count;       // COUNT: at most this many occurrences from the start
  std::optional<Date> until;      // UNTIL: none after this date
  Date start{};                   // DTSTART: the first possible occurrence and the INTERVAL anchor

  // Occurrence dates in [from, to], ascending. Dates that do not exist (30 February) are
  // skipped, as RFC 5545 says.
  std::vector<Date> occurrences(Date from, Date to) const;
};

// Parses an RRULE subset: "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15". `start` anchors it.
std::optional<Schedule> parse_schedule(std::string_view text, Date start, std::string* error = nullptr);

struct WheelActivity {
  std::string id, name, documentation;
  int line = 0;
  std::string schedule_text;   // as written ("FREQ=YEARLY;BYMONTH=3", or the date)
  Schedule schedule;
  Duration lead;               // fires this long before the occurrence date
  Duration due;                // due this long after it
  std::string role;            // the owning role: a standalone task goes to it; colours the wheel
  std::string process;         // the process to start; empty: a standalone task for `role`
  std::string message;         // start the process by this message start event; empty: its plain start
  std::string accountable;     // standalone task: the Accountable role (default: `role`)
  std::vector<std::string> consulted, informed, iso;
  std::string remind;          // standalone task: raci:remind offsets as written; empty: the default
  // A register (raci:register) whose entries due for review each get a re-assessment when
  // the activity fires: a case of the entry's process with its key and its columns' values.
  std::string reassess;

  bool standalone() const { return process.empty(); }
  // The process id a standalone task runs as.
  std::string process_id() const { return standalone() ? "wheel-" + id : process; }
};

struct PlanItem {
  std::string id, name;
  std::string responsible;     // a person id
  std::string start;           // YYYY-MM-DD, may be empty
  std::string deadline;        // YYYY-MM-DD
  std::string risk;            // a risk-treatment item it belongs to, free text ("RTP-4"), may be empty
  std::string case_id;         // a case it belongs to, may be empty
  std::string status = "open"; // open, done, cancelled
  std::string note;
  int line = 0;
  // Kept by the store: who changed it last, and when.
  std::string updated_at, updated_by;
};

inline constexpr const char* kPlanStatuses[] = {"open", "done", "cancelled"};
bool is_plan_status(const std::string& status);

struct Wheel {
  std::string name;
  std::vector<WheelActivity> activities;
  std::vector<PlanItem> plan;
  const WheelActivity* find(const std::string& id) const;
};

// Each returns the wheel, or std::nullopt after reporting every mistake with its line.
std::optional<Wheel> read_wheel(const std::string& path, Diagnostics& diagnostics);
std::optional<Wheel> parse_wheel(const std::string& text, Diagnostics& diagnostics);

// The BPMN 2.0 text of a standalone activity: start, one user task in the role's lane with
// the activity's RACI, due on the case variable `wheelDue`, end.
std::string standalone_bpmn(const WheelActivity& activity);

}  // namespace raciflow::definitions
