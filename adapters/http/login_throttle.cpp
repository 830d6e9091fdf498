#include "adapters/http/login_throttle.h"

#include <algorithm>
#include <vector>

namespace raciflow::http {

std::optional<LoginThrottle::Lock> LoginThrottle::locked(const std::string& person, const std::string& address,
                                                         definitions::TimePoint now) {
  std::lock_guard lock(mutex_);
  return held(person, address, now);
}

std::optional<LoginThrottle::Lock> LoginThrottle::admit(const std::string& person, const std::string& address,
                                                        definitions::TimePoint now) {
  std::lock_guard lock(mutex_);
  if (auto lock = held(person, address, now)) return lock;
  if (!in_flight_.insert(person).second) return Lock{"person", person, now + std::chrono::seconds(1), 0};
  return std::nullopt;
}

void LoginThrottle::release(const std::string& person) {
  std::lock_guard lock(mutex_);
  in_flight_.erase(person);
}

std::optional<LoginThrottle::Lock> LoginThrottle::held(const std::string& person, const std::string& address,
                                                       definitions::TimePoint now) {
  std::optional<Lock> longest;
  for (const auto& [scope, key] : {std::pair<std::string, std::string>{"person", person}, {"address", address}}) {
    auto it = entries_.find(scope + ":" + key);
    if (it == entries_.end() || it->second.locked_until <= now) continue;
    if (!longest || it->second.locked_until > longest->until) longest = Lock{scope, key, it->second.locked_until, it->second.failures};
  }
  return longest;
}

std::optional<LoginThrottle::Lock> LoginThrottle::failed(const std::string& person, const std::string& address,
                                                         definitions::TimePoint now) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries) forget_quiet(now);
  auto by_person = count("person", person, kPersonFailures, now);
  auto by_address = count("address", address, kAddressFailures, now);
  return by_person ? by_person : by_address;
}

void LoginThrottle::succeeded(const std::string& person) {
  std::lock_guard lock(mutex_);
  entries_.erase("person:" + person);
}

std::optional<LoginThrottle::Lock> LoginThrottle::count(const std::string& scope, const std::string& key, int free,
                                                        definitions::TimePoint now) {
  Entry& e = entries_[scope + ":" + key];
  if (e.failures > 0 && now - e.last_failure >= kForgetAfter) e = Entry{};
  ++e.failures;
  e.last_failure = now;
  if (e.failures < free) return std::nullopt;
  // The free failures used up: 30 s, then twice as long for every further failure.
  auto lock = kFirstLock;
  for (int extra = e.failures - free; extra > 0 && lock < kLongestLock; --extra) lock *= 2;
  e.locked_until = now + std::min(lock, kLongestLock);
  return Lock{scope, key, e.locked_until, e.failures};
}

void LoginThrottle::forget_quiet(definitions::TimePoint now) {
  std::erase_if(entries_, [&](const auto& item) {
    return item.second.locked_until <= now && now - item.second.last_failure >= kForgetAfter;
  });
  if (entries_.size() < kMaxEntries) return;
  // Still full (a flood of names): forget the half that failed longest ago.
  std::vector<definitions::TimePoint> times;
  for (const auto& [key, e] : entries_) times.push_back(e.last_failure);
  auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
  std::nth_element(times.begin(), middle, times.end());
  std::erase_if(entries_, [&](const auto& item) { return item.second.last_failure < *middle && item.second.locked_until <= now; });
}

}  // namespace raciflow::http
