// Refusals of callers who are nobody (no credentials, or credentials that are not valid)
// land in the audit trail at a bounded rate, so that a flood of anonymous requests
// cannot grow the trail without end.
//
// Time runs in windows of kWindow. In each, the first refusal from each client address is
// recorded on its own, up to kImmediatePerWindow of them over all addresses; every other
// one is only counted, and when the window has ended one record sums them up, by
// address (the kListedAddresses busiest by name, the rest as a number). So anonymous
// refusals add at most kImmediatePerWindow + 1 records a window. Refusals of a known
// person are always recorded one by one, elsewhere.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "definitions/iso8601.h"

namespace raciflow::http {

class RefusalWindow {
 public:
  static constexpr std::chrono::seconds kWindow{60};
  static constexpr std::size_t kImmediatePerWindow = 100;
  static constexpr std::size_t kListedAddresses = 20;
  static constexpr std::size_t kMaxAddresses = 10000;  // counted apart; beyond, in one sum

  // The refusals held back in one window.
  struct Summary {
    definitions::TimePoint from, until;
    std::int64_t count = 0;
    std::vector<std::pair<std::string, std::int64_t>> by_address;  // busiest first
    std::int64_t unlisted = 0;  // refusals from the addresses not listed
  };
  struct Decision {
    bool record_now = false;         // record this refusal on its own
    std::optional<Summary> summary;  // a window that ended: record its summary first
  };

  Decision refused(const std::string& address, definitions::TimePoint now);
  // The summary of the window if it has ended at `now` (or at once when `force`), if it
  // held anything back; the window is then started anew.
  std::optional<Summary> take(definitions::TimePoint now, bool force);

 private:
  std::optional<Summary> roll(definitions::TimePoint now);

  std::mutex mutex_;
  definitions::TimePoint start_{};
  std::size_t immediate_ = 0;
  std::map<std::string, std::int64_t> seen_;  // address -> refusals held back (0: recorded its first)
  std::int64_t held_ = 0, held_elsewhere_ = 0;
};

}  // namespace raciflow::http
