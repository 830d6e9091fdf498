#include "adapters/http/tenant_hosts.h"

#include <algorithm>
#include <cctype>
#include <exception>

namespace raciflow::http {

namespace {
// How often at most a request for an unknown host makes the router look for new tenants.
constexpr std::chrono::seconds kRefreshEvery{3};

bool tenant_label(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '-'; });
}
}  // namespace

TenantHosts::TenantHosts(std::string domain, List list, Make make, Log log)
    : domain_(std::move(domain)), list_(std::move(list)), make_(std::move(make)), log_(std::move(log)) {
  std::transform(domain_.begin(), domain_.end(), domain_.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const auto& id : list_()) tenants_.emplace(id, make_(id));
  last_refresh_ = std::chrono::steady_clock::now();
}

TenantHosts::~TenantHosts() = default;

std::string TenantHosts::tenant_of(const std::string& host, const std::string& domain) {
  std::string h = host;
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  if (h.empty() || h.front() == '[') return "";  // an IPv6 literal names no tenant
  if (auto colon = h.rfind(':'); colon != std::string::npos) {
    std::string port = h.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) return "";
    h.resize(colon);
  }
  if (!h.empty() && h.back() == '.') h.pop_back();
  const std::string suffix = "." + domain;
  if (h.size() <= suffix.size() || h.compare(h.size() - suffix.size(), suffix.size(), suffix) != 0) return "";
  std::string label = h.substr(0, h.size() - suffix.size());
  return tenant_label(label) ? label : "";
}

Handler* TenantHosts::find(const std::string& tenant) {
  std::lock_guard lock(mutex_);
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? nullptr : it->second.get();
}

std::vector<std::string> TenantHosts::served() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  for (const auto& [id, handler] : tenants_) ids.push_back(id);
  return ids;
}

void TenantHosts::refresh(bool force) {
  std::lock_guard one(refresh_mutex_);
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_refresh_ < kRefreshEvery) return;
  last_refresh_ = now;
  for (const auto& id : list_()) {
    if (find(id)) continue;
    auto handler = make_(id);
    std::lock_guard lock(mutex_);
    tenants_.emplace(id, std::move(handler));
    if (log_) log_("serving organisation " + id + " at " + id + "." + domain_);
  }
}

void TenantHosts::handle_async(const HttpRequest& request, std::function<void(HttpResponse)> done) {
  std::string tenant = tenant_of(request.host, domain_);
  Handler* handler = tenant.empty() ? nullptr : find(tenant);
  if (!handler && !tenant.empty()) {
    try {
      refresh(false);
    } catch (const std::exception& e) {
      if (log_) log_(std::string("looking for new organisations failed: ") + e.what());
    }
    handler = find(tenant);
  }
  if (!handler) {
    auto r = error_response(404, "not_found", "no organisation is served at this address");
    r.headers.push_back({"Cache-Control", "no-store"});
    return done(std::move(r));
  }
  handler->handle_async(request, std::move(done));
}

void TenantHosts::flush_refusals(bool force) {
  std::vector<Handler*> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, handler] : tenants_) all.push_back(handler.get());
  }
  for (auto* handler : all) {
    try {
      handler->flush_refusals(force);
    } catch (const std::exception& e) {
      if (log_) log_(std::string("the sum of anonymous refusals was not written: ") + e.what());
    }
  }
  if (force) return;  // stopping
  try {
    refresh(false);
  } catch (const std::exception& e) {
    if (log_) log_(std::string("looking for new organisations failed: ") + e.what());
  }
}

}  // namespace raciflow::http
