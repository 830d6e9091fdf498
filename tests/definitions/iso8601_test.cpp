#include <catch2/catch.hpp>

#include "definitions/iso8601.h"

using namespace raciflow::definitions;

TEST_CASE("ISO 8601 durations parse into calendar and exact parts") {
  auto d = parse_duration("P1Y2M3W4DT5H6M7.5S");
  REQUIRE(d);
  CHECK(d->years == 1);
  CHECK(d->months == 2);
  CHECK(d->days == 25);
  CHECK(d->milliseconds == ((5 * 60 + 6) * 60 + 7) * 1000 + 500);
  CHECK(parse_duration("P5D")->days == 5);
  CHECK(parse_duration("PT4H")->milliseconds == 4 * 3600 * 1000);
}

TEST_CASE("malformed durations are refused with a reason") {
  std::string why;
  CHECK_FALSE(parse_duration("5D", &why));
  CHECK(why == "a duration starts with 'P' (e.g. P5D, PT4H)");
  CHECK_FALSE(parse_duration("P", &why));
  CHECK_FALSE(parse_duration("PT", &why));
  CHECK_FALSE(parse_duration("P5X", &why));
  CHECK_FALSE(parse_duration("P1D2Y", &why));
  CHECK(why == "unit 'Y' is out of order or repeated");
  CHECK_FALSE(parse_duration("P1.5D", &why));
  CHECK(why == "only seconds may have a fraction");
  CHECK_FALSE(parse_duration("PT5", &why));
}

TEST_CASE("adding a month clamps to the end of a shorter month") {
  auto jan31 = parse_date_time("2026-01-31T10:00:00Z");
  REQUIRE(jan31);
  CHECK(format_date_time(parse_duration("P1M")->after(*jan31)) == "2026-02-28T10:00:00Z");
  CHECK(format_date_time(parse_duration("P1DT2H")->after(*jan31)) == "2026-02-01T12:00:00Z");
}

TEST_CASE("date-times take UTC offsets and default to UTC") {
  CHECK(format_date_time(*parse_date_time("2026-03-01T09:00:00+01:00")) == "2026-03-01T08:00:00Z");
  CHECK(format_date_time(*parse_date_time("2026-03-01T09:00")) == "2026-03-01T09:00:00Z");
  CHECK(format_date_time(*parse_date_time("2026-03-01")) == "2026-03-01T00:00:00Z");
  std::string why;
  CHECK_FALSE(parse_date_time("2026-02-29T00:00:00Z", &why));
  CHECK(why.find("no such calendar date") == 0);
  CHECK_FALSE(parse_date_time("2026-03-01T25:00:00Z", &why));
  CHECK_FALSE(parse_date_time("tomorrow", &why));
}

TEST_CASE("repeating intervals parse count, optional start and interval") {
  auto c = parse_cycle("R3/PT10M");
  REQUIRE(c);
  CHECK(*c->repetitions == 3);
  CHECK(c->interval.milliseconds == 600000);
  auto unbounded = parse_cycle("R/2026-01-01T00:00:00Z/P1D");
  REQUIRE(unbounded);
  CHECK_FALSE(unbounded->repetitions);
  CHECK(format_date_time(*unbounded->start) == "2026-01-01T00:00:00Z");
  std::string why;
  CHECK_FALSE(parse_cycle("0 0 9 * * ?", &why));
  CHECK_FALSE(parse_cycle("R3/PT0S", &why));
  CHECK(why == "the interval must not be zero");
}
