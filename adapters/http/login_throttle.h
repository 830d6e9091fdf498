// Guessing passwords through the login route gets slower the more it fails.
//
// Failures are counted per person name (as typed, known or not, so that a lockout says
// nothing about who has an account) and per client address. A name is locked after
// kPersonFailures failures in a row, an address after kAddressFailures; each further
// failure doubles the lock, from kFirstLock up to kLongestLock. While locked, logins
// are answered 429 with Retry-After and no password is checked. A successful login
// clears its name's count (not its address's). Counts are forgotten after kForgetAfter
// without failures. So that a burst of guesses sent at once cannot all be checked before
// the first failure counts, one login per name is checked at a time; the others are
// answered as locked for a second.
// The state is the server process's own memory.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "definitions/iso8601.h"

namespace raciflow::http {

class LoginThrottle {
 public:
  static constexpr int kPersonFailures = 5;
  static constexpr int kAddressFailures = 20;
  static constexpr std::chrono::seconds kFirstLock{30};
  static constexpr std::chrono::seconds kLongestLock{15 * 60};
  static constexpr std::chrono::seconds kForgetAfter{60 * 60};
  static constexpr std::size_t kMaxEntries = 100000;  // beyond: the quietest are forgotten

  struct Lock {
    std::string scope;  // "person" or "address"
    std::string key;
    definitions::TimePoint until;
    int failures = 0;
  };

  // The lock that holds a login for `person` from `address` at `now`, if any.
  std::optional<Lock> locked(const std::string& person, const std::string& address, definitions::TimePoint now);
  // Lets a login be checked, or says what holds it: a lock, or another login for the
  // same name being checked (then a lock of one second). An admitted login is released
  // once it has counted (failed() or succeeded()), or when it ends without.
  std::optional<Lock> admit(const std::string& person, const std::string& address, definitions::TimePoint now);
  void release(const std::string& person);
  // Counts a failed login; returns the lock it starts, if it starts one (to be recorded
  // once: the attempts it then refuses are not).
  std::optional<Lock> failed(const std::string& person, const std::string& address, definitions::TimePoint now);
  void succeeded(const std::string& person);

 private:
  struct Entry {
    int failures = 0;
    definitions::TimePoint last_failure{};
    definitions::TimePoint locked_until{};
  };
  std::optional<Lock> count(const std::string& scope, const std::string& key, int free, definitions::TimePoint now);
  void forget_quiet(definitions::TimePoint now);

  std::optional<Lock> held(const std::string& person, const std::string& address, definitions::TimePoint now);  // mutex_ held

  std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // "person:NAME", "address:IP"
  std::set<std::string> in_flight_;       // names with a login being checked
};

}  // namespace raciflow::http
