#include "definitions/iso8601.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace raciflow::definitions {
namespace {

using namespace std::chrono;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

template <typename T>
std::optional<T> fail(std::string* error, std::string reason) {
  if (error) *error = std::move(reason);
  return std::nullopt;
}

// Reads exactly `width` digits at `pos`.
bool read_fixed(std::string_view s, std::size_t& pos, int width, int& out) {
  if (pos + width > s.size()) return false;
  int value = 0;
  for (int i = 0; i < width; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += width;
  out = value;
  return true;
}

}  // namespace

TimePoint Duration::after(TimePoint from) const {
  auto day_point = floor<std::chrono::days>(from);
  auto time_of_day = from - day_point;
  year_month_day ymd{day_point};
  if (years != 0 || months != 0) {
    auto ym = year_month{ymd.year(), ymd.month()} + std::chrono::months{years * 12 + months};
    auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
    ymd = year_month_day{ym.year(), ym.month(), ymd.day() > last ? last : ymd.day()};
  }
  auto result = sys_days{ymd} + std::chrono::days{this->days} + time_of_day;
  return time_point_cast<seconds>(result + duration_cast<seconds>(std::chrono::milliseconds{milliseconds}));
}

std::optional<Duration> parse_duration(std::string_view text, std::string* error) {
  std::string_view s = trim(text);
  if (s.empty() || s[0] != 'P')
    return fail<Duration>(error, "a duration starts with 'P' (e.g. P5D, PT4H)");
  Duration d;
  bool in_time = false, any = false, time_any = false;
  std::size_t pos = 1;
  const std::string_view date_units = "YMWD", time_units = "HMS";
  std::size_t last_unit = std::string_view::npos;  // enforce the order of the units
  while (pos < s.size()) {
    if (s[pos] == 'T') {
      if (in_time) return fail<Duration>(error, "'T' appears twice");
      in_time = true;
      last_unit = std::string_view::npos;
      ++pos;
      continue;
    }
    std::size_t start = pos;
    while (pos < s.size() && (std::isdigit(static_cast<unsigned char>(s[pos])) || s[pos] == '.' || s[pos] == ','))
      ++pos;
    if (start == pos) return fail<Duration>(error, std::string("expected a number before '") + s[pos] + "'");
    if (pos == s.size()) return fail<Duration>(error, "number without a unit at the end");
    std::string number(s.substr(start, pos - start));
    for (char& c : number) if (c == ',') c = '.';
    char unit = s[pos++];
    std::string_view units = in_time ? time_units : date_units;
    std::size_t unit_index = units.find(unit);
    if (unit_index == std::string_view::npos)
      return fail<Duration>(error, std::string("unit '") + unit + "' is not allowed " +
                                       (in_time ? "after 'T' (H, M, S)" : "before 'T' (Y, M, W, D)"));
    if (last_unit != std::string_view::npos && unit_index <= last_unit)
      return fail<Duration>(error, std::string("unit '") + unit + "' is out of order or repeated");
    last_unit = unit_index;
    bool fractional = number.find('.') != std::string::npos;
    if (fractional && !(in_time && unit == 'S'))
      return fail<Duration>(error, "only seconds may have a fraction");
    double value = 0;
    try {
      value = std::stod(number);
    } catch (...) {
      return fail<Duration>(error, "'" + number + "' is not a number");
    }
    if (value > 1e9) return fail<Duration>(error, "'" + number + "' is too large");
    any = true;
    if (in_time) time_any = true;
    int whole = static_cast<int>(value);
    if (!in_time) {
      switch (unit) {
        case 'Y': d.years = whole; break;
        case 'M': d.months = whole; break;
        case 'W': d.days += whole * 7; break;
        case 'D': d.days += whole; break;
      }
    } else {
      switch (unit) {
        case 'H': d.milliseconds += static_cast<std::int64_t>(whole) * 3'600'000; break;
        case 'M': d.milliseconds += static_cast<std::int64_t>(whole) * 60'000; break;
        case 'S': d.milliseconds += static_cast<std::int64_t>(value * 1000.0 + 0.5); break;
      }
    }
  }
  if (!any) return fail<Duration>(error, "a duration needs at least one number and unit");
  if (in_time && !time_any) return fail<Duration>(error, "'T' must be followed by hours, minutes or seconds");
  return d;
}

std::optional<TimePoint> parse_date_time(std::string_view text, std::string* error) {
  std::string_view s = trim(text);
  std::size_t pos = 0;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  auto bad = [&](const char* why) { return fail<TimePoint>(error, std::string(why) + " (expected e.g. 2026-03-01T09:00:00Z)"); };
  if (!read_fixed(s, pos, 4, y) || pos >= s.size() || s[pos++] != '-' || !read_fixed(s, pos, 2, mo) ||
      pos >= s.size() || s[pos++] != '-' || !read_fixed(s, pos, 2, d))
    return bad("not a date");
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad("no such calendar date");
  int offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't') return bad("expected 'T' after the date");
    ++pos;
    if (!read_fixed(s, pos, 2, h) || pos >= s.size() || s[pos++] != ':' || !read_fixed(s, pos, 2, mi))
      return bad("not a time of day");
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!read_fixed(s, pos, 2, sec)) return bad("bad seconds");
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        std::size_t start = pos;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
        if (pos == start) return bad("bad fraction of a second");
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return bad("time of day out of range");
    if (pos < s.size()) {
      char sign = s[pos];
      if (sign == 'Z' || sign == 'z') {
        ++pos;
      } else if (sign == '+' || sign == '-') {
        ++pos;
        int oh, om = 0;
        if (!read_fixed(s, pos, 2, oh)) return bad("bad UTC offset");
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (pos < s.size() && !read_fixed(s, pos, 2, om)) return bad("bad UTC offset");
        if (oh > 14 || om > 59) return bad("UTC offset out of range");
        offset_minutes = (sign == '+' ? 1 : -1) * (oh * 60 + om);
      }
    }
  }
  if (pos != s.size()) return bad("unexpected text after the date-time");
  return TimePoint{sys_days{ymd}.time_since_epoch() + hours{h} + minutes{mi} + seconds{sec} - minutes{offset_minutes}};
}

std::optional<Cycle> parse_cycle(std::string_view text, std::string* error) {
  std::string_view s = trim(text);
  if (s.empty() || s[0] != 'R')
    return fail<Cycle>(error, "a cycle is an ISO 8601 repeating interval such as R3/PT10M or R/P1D");
  auto slash = s.find('/');
  if (slash == std::string_view::npos) return fail<Cycle>(error, "a cycle needs '/' after its repeat count");
  Cycle cycle;
  std::string_view count = s.substr(1, slash - 1);
  if (!count.empty()) {
    int n = 0;
    auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
    if (ec != std::errc{} || end != count.data() + count.size() || n < 0)
      return fail<Cycle>(error, "the repeat count '" + std::string(count) + "' is not a number");
    cycle.repetitions = n;
  }
  std::string_view rest = s.substr(slash + 1);
  std::string reason;
  auto second = rest.find('/');
  if (second != std::string_view::npos) {
    auto start = parse_date_time(rest.substr(0, second), &reason);
    if (!start) return fail<Cycle>(error, "bad start: " + reason);
    cycle.start = start;
    rest = rest.substr(second + 1);
  }
  auto interval = parse_duration(rest, &reason);
  if (!interval) return fail<Cycle>(error, "bad interval: " + reason);
  if (interval->is_zero()) return fail<Cycle>(error, "the interval must not be zero");
  cycle.interval = *interval;
  return cycle;
}

std::string format_date_time(TimePoint t) {
  auto day_point = floor<days>(t);
  year_month_day ymd{day_point};
  hh_mm_ss hms{t - day_point};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace raciflow::definitions
