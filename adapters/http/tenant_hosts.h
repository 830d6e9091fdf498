// One server for the organisations (tenants) of a PostgreSQL database, told apart by host
// name: a request for ID.DOMAIN is tenant ID's (kommune-a.isms.example.org is kommune-a
// under isms.example.org). Each tenant has its own Handler (its Api, its service and its
// courier), made when the tenant is first seen and kept until the router goes.
//
// A host name is used rather than a path prefix because the web app, its links and its
// session cookie then work unchanged: a browser sends a host's cookie to that host only,
// so a session of one organisation never reaches another's.
//
// The router looks for tenants created since it started at most every few seconds: when
// a request names one it does not serve yet, and when the server calls flush_refusals().
// A host that names no tenant is answered 404, the same whether the tenant does not exist
// or the name is malformed; the server's request log has the line.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/http/api.h"

namespace raciflow::http {

class TenantHosts : public Handler {
 public:
  using List = std::function<std::vector<std::string>()>;                        // the tenants now
  using Make = std::function<std::unique_ptr<Handler>(const std::string& tenant)>;  // one tenant's handler
  using Log = std::function<void(const std::string&)>;

  // Makes a handler for every tenant listed now (a failure here throws).
  TenantHosts(std::string domain, List list, Make make, Log log);
  ~TenantHosts() override;

  void handle_async(const HttpRequest& request, std::function<void(HttpResponse)> done) override;
  // Every tenant's, then a look for new tenants.
  void flush_refusals(bool force) override;

  // The tenant's handler when it is served, else null. Handlers live as long as the router.
  Handler* find(const std::string& tenant);
  std::vector<std::string> served();

  // The tenant that a Host header names under `domain`, or "" when it names none.
  static std::string tenant_of(const std::string& host, const std::string& domain);

 private:
  void refresh(bool force);

  std::string domain_;
  List list_;
  Make make_;
  Log log_;
  std::mutex refresh_mutex_;  // one look for new tenants at a time
  std::chrono::steady_clock::time_point last_refresh_{};
  std::mutex mutex_;  // the map
  std::map<std::string, std::unique_ptr<Handler>> tenants_;
};

}  // namespace raciflow::http
