// FEEL's dates, times, date-times and the two kinds of duration, as S-FEEL uses them in
// decision tables: the literals date("..."), time("..."), date and time("...") and
// duration("..."), comparison within a kind, and the arithmetic of chapter 10.3.2.3
// (date - date is a duration, date + duration a date, duration * number a duration ...).
//
// A value of these kinds lives in the evaluator's JSON as a binary value tagged with its
// kind, holding its canonical text: JSON text cannot produce a binary value, so no case
// variable can pass for one, and it never leaves the evaluator (plain() turns it back into
// its ISO 8601 text).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "definitions/feel.h"

namespace raciflow::definitions::feel {

using nlohmann::json;

namespace {

constexpr std::int64_t kDay = 86'400'000;  // milliseconds
// The longest durations held: about three million years either way.
constexpr std::int64_t kMaxMs = 100'000'000'000'000'000, kMaxMonths = 36'000'000;

// Reads exactly `width` digits (or at least `width` when `width` is negative) at `pos`.
std::optional<std::int64_t> digits(std::string_view s, std::size_t& pos, int width) {
  std::size_t start = pos;
  std::int64_t v = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && (width < 0 || pos - start < static_cast<std::size_t>(width))) {
    if (pos - start > 12) return std::nullopt;
    v = v * 10 + (s[pos++] - '0');
  }
  std::size_t n = pos - start;
  if (width >= 0 ? n != static_cast<std::size_t>(width) : n < static_cast<std::size_t>(-width)) return std::nullopt;
  return v;
}

bool take(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// YYYY-MM-DD (years 1 to 9999) as days since 1970-01-01.
std::optional<std::int64_t> read_date(std::string_view s, std::size_t& pos) {
  auto y = digits(s, pos, 4);
  if (!y || !take(s, pos, '-')) return std::nullopt;
  auto m = digits(s, pos, 2);
  if (!m || !take(s, pos, '-')) return std::nullopt;
  auto d = digits(s, pos, 2);
  if (!d || *y < 1) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(*y)), std::chrono::month(static_cast<unsigned>(*m)),
                                  std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

// hh:mm:ss[.fff][Z|+hh:mm|-hh:mm] as milliseconds of the day; `zoned` says whether a zone was given.
std::optional<std::int64_t> read_time(std::string_view s, std::size_t& pos, bool* zoned) {
  auto h = digits(s, pos, 2);
  if (!h || !take(s, pos, ':')) return std::nullopt;
  auto mi = digits(s, pos, 2);
  if (!mi || !take(s, pos, ':')) return std::nullopt;
  auto se = digits(s, pos, 2);
  if (!se || *h > 23 || *mi > 59 || *se > 59) return std::nullopt;
  std::int64_t ms = ((*h * 60 + *mi) * 60 + *se) * 1000;
  if (take(s, pos, '.')) {
    std::size_t start = pos;
    auto fraction = digits(s, pos, -1);
    if (!fraction) return std::nullopt;
    std::string f(s.substr(start, pos - start));
    f.resize(3, '0');
    ms += std::stoll(f.substr(0, 3));
  }
  *zoned = false;
  if (take(s, pos, 'Z')) {
    *zoned = true;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos++] == '+' ? 1 : -1;
    auto oh = digits(s, pos, 2);
    if (!oh || !take(s, pos, ':')) return std::nullopt;
    auto om = digits(s, pos, 2);
    if (!om || *oh > 14 || *om > 59) return std::nullopt;
    ms -= sign * (*oh * 60 + *om) * 60'000;  // to UTC
    *zoned = true;
  }
  return ms;
}

std::string two(std::int64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "%02lld", static_cast<long long>(v));
  return b;
}

std::string date_text(std::int64_t days) {
  std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  char b[40];
  std::snprintf(b, sizeof b, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return b;
}

std::string time_text(std::int64_t ms) {
  std::string out = two(ms / 3'600'000) + ":" + two(ms / 60'000 % 60) + ":" + two(ms / 1000 % 60);
  if (ms % 1000) {
    char b[24];
    std::snprintf(b, sizeof b, ".%03lld", static_cast<long long>(ms % 1000));
    out += b;
  }
  return out;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Days since the epoch plus `months`, the day clamped to the end of a shorter month;
// nullopt outside the years 1 to 9999.
std::optional<std::int64_t> add_months(std::int64_t days, std::int64_t months) {
  std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  std::int64_t total = static_cast<int>(ymd.year()) * 12LL + (static_cast<unsigned>(ymd.month()) - 1) + months;
  if (total < 12 || total >= 10000 * 12) return std::nullopt;
  std::chrono::year_month y_m{std::chrono::year(static_cast<int>(floor_div(total, 12))),
                              std::chrono::month(static_cast<unsigned>(total - floor_div(total, 12) * 12 + 1))};
  auto last = std::chrono::year_month_day_last(y_m.year(), std::chrono::month_day_last(y_m.month())).day();
  auto day = std::min(ymd.day(), last);
  return std::chrono::sys_days(std::chrono::year_month_day(y_m.year(), y_m.month(), day)).time_since_epoch().count();
}

// A temporal value and the number its kind orders by.
struct Value {
  Temporal kind;
  std::int64_t n = 0;  // days (date), ms since the epoch (date and time), ms of the day (time), ms (days-time), months (years-months)
  bool zoned = false;  // a time with a zone
};

// 0001-01-01 and 9999-12-31 as days since the epoch: the dates FEEL values may hold here.
constexpr std::int64_t kFirstDay = -719'162, kLastDay = 2'932'896;

json make(const Value& v) {
  if (v.kind == Temporal::days_time && (v.n > kMaxMs || v.n < -kMaxMs)) return nullptr;
  if (v.kind == Temporal::years_months && (v.n > kMaxMonths || v.n < -kMaxMonths)) return nullptr;
  if (v.kind == Temporal::date && (v.n < kFirstDay || v.n > kLastDay)) return nullptr;
  if (v.kind == Temporal::date_time && (floor_div(v.n, kDay) < kFirstDay || floor_div(v.n, kDay) > kLastDay)) return nullptr;
  std::string text;
  switch (v.kind) {
    case Temporal::date: text = date_text(v.n); break;
    case Temporal::date_time: {
      std::int64_t days = floor_div(v.n, kDay);
      text = date_text(days) + "T" + time_text(v.n - days * kDay) + "Z";
      break;
    }
    case Temporal::time: text = time_text(v.n) + (v.zoned ? "Z" : ""); break;
    case Temporal::days_time: {
      std::int64_t ms = v.n < 0 ? -v.n : v.n;
      text = v.n < 0 ? "-P" : "P";
      if (ms / kDay) text += std::to_string(ms / kDay) + "D";
      ms %= kDay;
      if (ms || v.n == 0) {
        text += "T";
        if (ms / 3'600'000) text += std::to_string(ms / 3'600'000) + "H";
        if (ms / 60'000 % 60) text += std::to_string(ms / 60'000 % 60) + "M";
        if (ms % 60'000 || v.n == 0) {
          text += std::to_string(ms / 1000 % 60);
          if (ms % 1000) {
            char b[24];
            std::snprintf(b, sizeof b, ".%03lld", static_cast<long long>(ms % 1000));
            text += b;
          }
          text += "S";
        }
      }
      break;
    }
    case Temporal::years_months: {
      std::int64_t m = v.n < 0 ? -v.n : v.n;
      text = v.n < 0 ? "-P" : "P";
      if (m / 12) text += std::to_string(m / 12) + "Y";
      if (m % 12 || m == 0) text += std::to_string(m % 12) + "M";
      break;
    }
  }
  return json::binary(json::binary_t::container_type(text.begin(), text.end()), static_cast<std::uint8_t>(v.kind));
}

std::optional<Value> parse(Temporal kind, std::string_view s) {
  std::size_t pos = 0;
  Value v{kind};
  switch (kind) {
    case Temporal::date: {
      auto d = read_date(s, pos);
      if (!d) return std::nullopt;
      v.n = *d;
      break;
    }
    case Temporal::time: {
      auto t = read_time(s, pos, &v.zoned);
      if (!t) return std::nullopt;
      v.n = ((*t % kDay) + kDay) % kDay;
      break;
    }
    case Temporal::date_time: {
      auto d = read_date(s, pos);
      if (!d) return std::nullopt;
      bool zoned = false;
      std::int64_t t = 0;
      if (take(s, pos, 'T')) {
        auto read = read_time(s, pos, &zoned);
        if (!read) return std::nullopt;
        t = *read;
      }
      v.n = *d * kDay + t;  // without a zone: UTC, as raciflow reads every date-time
      break;
    }
    case Temporal::days_time:
    case Temporal::years_months: {
      bool negative = take(s, pos, '-');
      if (!take(s, pos, 'P')) return std::nullopt;
      std::int64_t months = 0, ms = 0;
      bool time = false, any = false, ym = false, dt = false;
      while (pos < s.size()) {
        if (!time && take(s, pos, 'T')) {
          time = true;
          continue;
        }
        auto n = digits(s, pos, -1);
        if (!n) return std::nullopt;
        std::int64_t fraction = 0;
        if (time && take(s, pos, '.')) {
          std::size_t f0 = pos;
          if (!digits(s, pos, -1)) return std::nullopt;
          std::string f(s.substr(f0, pos - f0));
          f.resize(3, '0');
          fraction = std::stoll(f.substr(0, 3));
          if (pos >= s.size() || s[pos] != 'S') return std::nullopt;
        }
        if (pos >= s.size()) return std::nullopt;
        char unit = s[pos++];
        any = true;
        std::int64_t scale = 0, *sum = &ms;
        if (!time && unit == 'Y') scale = 12, sum = &months, ym = true;
        else if (!time && unit == 'M') scale = 1, sum = &months, ym = true;
        else if (!time && unit == 'W') scale = 7 * kDay, dt = true;
        else if (!time && unit == 'D') scale = kDay, dt = true;
        else if (time && unit == 'H') scale = 3'600'000, dt = true;
        else if (time && unit == 'M') scale = 60'000, dt = true;
        else if (time && unit == 'S') scale = 1000, dt = true;
        else return std::nullopt;
        std::int64_t part = 0;
        if (__builtin_mul_overflow(*n, scale, &part) || __builtin_add_overflow(*sum, part + fraction, sum)) return std::nullopt;
        if (ms > kMaxMs || months > kMaxMonths) return std::nullopt;
      }
      if (!any || (ym && dt)) return std::nullopt;
      if (kind == Temporal::years_months && dt) return std::nullopt;
      if (kind == Temporal::days_time && ym) v.kind = Temporal::years_months;  // duration("P1Y") is a years and months duration
      v.n = (v.kind == Temporal::years_months ? months : ms) * (negative ? -1 : 1);
      break;
    }
  }
  if (pos != s.size()) return std::nullopt;
  return v;
}

std::optional<Value> value_of(const json& j) {
  auto kind = temporal_kind(j);
  if (!kind) return std::nullopt;
  const auto& bytes = j.get_binary();
  return parse(*kind, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

bool is_duration(Temporal k) { return k == Temporal::days_time || k == Temporal::years_months; }

}  // namespace

std::optional<json> temporal(Temporal kind, std::string_view text) {
  auto v = parse(kind, text);
  if (!v) return std::nullopt;
  return make(*v);
}

std::optional<Temporal> temporal_kind(const json& v) {
  if (!v.is_binary() || !v.get_binary().has_subtype()) return std::nullopt;
  auto s = v.get_binary().subtype();
  if (s < 1 || s > 5) return std::nullopt;
  return static_cast<Temporal>(s);
}

json plain(json v) {
  if (v.is_binary()) {
    const auto& bytes = v.get_binary();
    return std::string(bytes.begin(), bytes.end());
  }
  if (v.is_structured())
    for (auto& item : v) item = plain(std::move(item));
  return v;
}

json typed(const json& v, std::string_view type_ref) {
  if (!v.is_string()) return v;
  std::string_view t = type_ref;
  if (auto colon = t.rfind(':'); colon != std::string_view::npos) t = t.substr(colon + 1);  // feel:date
  std::optional<Temporal> kind;
  if (t == "date") kind = Temporal::date;
  else if (t == "time") kind = Temporal::time;
  else if (t == "dateTime" || t == "date and time") kind = Temporal::date_time;
  else if (t == "dayTimeDuration" || t == "days and time duration" || t == "duration") kind = Temporal::days_time;
  else if (t == "yearMonthDuration" || t == "years and months duration") kind = Temporal::years_months;
  if (!kind) return v;
  auto out = temporal(*kind, v.get_ref<const std::string&>());
  return out ? *out : json(nullptr);
}

std::optional<int> compare_temporal(const json& a, const json& b) {
  auto x = value_of(a), y = value_of(b);
  if (!x || !y || x->kind != y->kind) return std::nullopt;
  return x->n < y->n ? -1 : x->n > y->n ? 1 : 0;
}

json temporal_arithmetic(const std::string& op, const json& a, const json& b) {
  auto x = value_of(a), y = value_of(b);
  auto with = [](Value v, std::int64_t n) {
    v.n = n;
    return make(v);
  };
  if (x && y) {
    if (op == "-" && x->kind == y->kind && !is_duration(x->kind)) {
      if (x->kind == Temporal::date) return make({Temporal::days_time, (x->n - y->n) * kDay});
      return make({Temporal::days_time, x->n - y->n});  // date and time, time
    }
    if ((op == "+" || op == "-") && is_duration(y->kind)) {
      std::int64_t sign = op == "+" ? 1 : -1;
      if (x->kind == y->kind) return with(*x, x->n + sign * y->n);
      if (y->kind == Temporal::years_months) {
        std::int64_t days = x->kind == Temporal::date ? x->n : floor_div(x->n, kDay);
        auto moved = x->kind == Temporal::time ? std::nullopt : add_months(days, sign * y->n);
        if (!moved) return nullptr;
        return with(*x, x->kind == Temporal::date ? *moved : *moved * kDay + (x->n - days * kDay));
      }
      if (x->kind == Temporal::date) return with(*x, floor_div(x->n * kDay + sign * y->n, kDay));
      if (x->kind == Temporal::date_time) return with(*x, x->n + sign * y->n);
      if (x->kind == Temporal::time) return with(*x, (((x->n + sign * y->n) % kDay) + kDay) % kDay);
      return nullptr;
    }
    if (op == "+" && is_duration(x->kind) && !is_duration(y->kind)) return temporal_arithmetic(op, b, a);
    if (op == "/" && is_duration(x->kind) && x->kind == y->kind) return y->n == 0 ? json(nullptr) : json(static_cast<double>(x->n) / y->n);
    return nullptr;
  }
  // A duration and a number: * and /.
  const json& number = x ? b : a;
  auto d = x ? x : y;
  if (!d || !is_duration(d->kind) || !number.is_number()) return nullptr;
  double k = number.get<double>();
  if (op == "*") {
    double n = std::round(static_cast<double>(d->n) * k);
    return std::isfinite(n) && std::fabs(n) < 9e15 ? with(*d, static_cast<std::int64_t>(n)) : json(nullptr);
  }
  if (op == "/" && x) {
    if (k == 0) return nullptr;
    double n = std::round(static_cast<double>(d->n) / k);
    return std::isfinite(n) && std::fabs(n) < 9e15 ? with(*d, static_cast<std::int64_t>(n)) : json(nullptr);
  }
  return nullptr;
}

json temporal_negate(const json& a) {
  auto x = value_of(a);
  if (!x || !is_duration(x->kind)) return nullptr;
  x->n = -x->n;
  return make(*x);
}

}  // namespace raciflow::definitions::feel
