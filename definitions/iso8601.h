// ISO 8601 durations, date-times and repeating intervals, as used by timer events
// (timeDuration, timeDate, timeCycle) and by raci:due.
//
// Parsing never throws: a malformed text yields std::nullopt plus a reason, which the
// loader turns into a validation error on the element's line.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace raciflow::definitions {

using TimePoint = std::chrono::sys_seconds;

// PnYnMnWnDTnHnMnS. Years, months and days are calendar units and are kept apart from
// the exact part so that adding "P1M" to 31 January lands on the last day of February.
struct Duration {
  int years = 0;
  int months = 0;
  int days = 0;                       // weeks are folded into days
  std::int64_t milliseconds = 0;      // hours, minutes and seconds

  // The instant `*this` after `from`, clamping the day to the end of a shorter month.
  TimePoint after(TimePoint from) const;
  bool is_zero() const { return years == 0 && months == 0 && days == 0 && milliseconds == 0; }
  bool operator==(const Duration&) const = default;
};

// Rn/DURATION, R/DURATION, Rn/START/DURATION: `repetitions` is empty for unbounded.
struct Cycle {
  std::optional<int> repetitions;
  std::optional<TimePoint> start;
  Duration interval;
};


// Each returns the value, or sets `error` (when given) and returns std::nullopt.
std::optional<Duration> parse_duration(std::string_view text, std::string* error = nullptr);
// YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm|-hh:mm]; no offset means UTC.
std::optional<TimePoint> parse_date_time(std::string_view text, std::string* error = nullptr);
std::optional<Cycle> parse_cycle(std::string_view text, std::string* error = nullptr);

std::string format_date_time(TimePoint t);  // 2026-03-01T09:00:00Z

}  // namespace raciflow::definitions
