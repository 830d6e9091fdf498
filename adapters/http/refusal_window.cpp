#include "adapters/http/refusal_window.h"

#include <algorithm>

namespace raciflow::http {

RefusalWindow::Decision RefusalWindow::refused(const std::string& address, definitions::TimePoint now) {
  std::lock_guard lock(mutex_);
  Decision d;
  if (now - start_ >= kWindow) d.summary = roll(now);
  auto it = seen_.find(address);
  if (it == seen_.end() && immediate_ < kImmediatePerWindow && seen_.size() < kMaxAddresses) {
    seen_[address] = 0;
    ++immediate_;
    d.record_now = true;
    return d;
  }
  ++held_;
  if (it != seen_.end()) ++it->second;
  else if (seen_.size() < kMaxAddresses) seen_[address] = 1;
  else ++held_elsewhere_;
  return d;
}

std::optional<RefusalWindow::Summary> RefusalWindow::take(definitions::TimePoint now, bool force) {
  std::lock_guard lock(mutex_);
  if (!force && now - start_ < kWindow) return std::nullopt;
  return roll(now);
}

std::optional<RefusalWindow::Summary> RefusalWindow::roll(definitions::TimePoint now) {
  std::optional<Summary> out;
  if (held_ > 0) {
    Summary s;
    s.from = start_;
    s.until = now;
    s.count = held_;
    for (const auto& [address, n] : seen_)
      if (n > 0) s.by_address.push_back({address, n});
    std::sort(s.by_address.begin(), s.by_address.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (std::size_t i = kListedAddresses; i < s.by_address.size(); ++i) s.unlisted += s.by_address[i].second;
    if (s.by_address.size() > kListedAddresses) s.by_address.resize(kListedAddresses);
    s.unlisted += held_elsewhere_;
    out = std::move(s);
  }
  start_ = now;
  immediate_ = 0;
  seen_.clear();
  held_ = held_elsewhere_ = 0;
  return out;
}

}  // namespace raciflow::http
