// The REST/JSON API and the web app's files, independent of the transport: the server
// (server.h) turns each HTTP request into an HttpRequest and sends back the
// HttpResponse. Every route is in routes() and in the OpenAPI document.
//
// Errors are {"error": CODE, "message": TEXT}: 400 malformed, 401 unauthenticated,
// 403 forbidden, 404 not_found, 405 method_not_allowed, 409 conflict, 413 too_large,
// 421 misdirected (a Host that is none of the server's names), 422 refused (valid, but
// the engine says no), 431, 500 internal.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http/host_names.h"
#include "adapters/http/message.h"
#include "adapters/http/sso_settings.h"

namespace raciflow::runtime {
class Service;
}

namespace raciflow::http {

// A person of a supervising organisation reading a supervised one (tenant supervise).
struct SupervisorVisit {
  std::string organisation;  // the supervising tenant
  std::string person;        // who, in it
  std::string name;
};

class Api;

struct ApiOptions {
  std::chrono::seconds session_lifetime{8 * 3600};
  bool secure_cookies = true;  // the Secure cookie attribute (browsers accept it on loopback)
  // The web app's own origin ("https://isms.example.org"), when a proxy in front of the
  // server changes the Host header; empty: http:// or https:// and the request's Host.
  std::string public_origin;
  // bpmn-js's dist folder (vendor_assets.h); empty: the source tree's npm install.
  std::string bpmn_js_dir;
  // On a server for several tenants (tenant_hosts.h): this organisation's tenant id, and
  // another tenant's Api (null when it is not served), for the reads of supervision.
  std::string tenant;
  std::function<Api*(const std::string& tenant)> other;
  // The names this server answers to (host_names.h); a request with another Host is
  // answered 421 and recorded. Empty: any (raciflow serve always sets them).
  HostNames hosts;
  // The largest file one attachment may be (the server's upload body limit is the same).
  std::size_t attachment_limit = 25 * 1024 * 1024;
  // Single sign-on through the organisation's OpenID provider (routes_sso.cpp); off when
  // its issuer is empty. `sso_transport` reaches the provider (null: libcurl).
  OidcSettings sso;
  std::shared_ptr<OidcTransport> sso_transport;
  bool passwords = true;  // false: POST /api/login is refused; SSO and bearer tokens remain
};

struct RouteInfo {
  std::string method;
  std::string path;  // OpenAPI style: /api/cases/{id}
  bool public_route = false;  // answers without a login
};

// What the server hands each request to: one organisation's Api, or the router that
// tells the organisations of a database apart by host name (tenant_hosts.h).
class Handler {
 public:
  virtual ~Handler() = default;
  // Answers at once or later, on any thread, by calling `done` once.
  virtual void handle_async(const HttpRequest& request, std::function<void(HttpResponse)> done) = 0;
  // Called now and then (every few seconds), and with `force` when the server stops.
  virtual void flush_refusals(bool force) = 0;
};

class Api : public Handler {
 public:
  Api(runtime::Service& service, ApiOptions options = {});
  ~Api() override;  // waits for logins in flight
  // Answers at once, on this thread, except a login: its password is checked on a small
  // pool of its own, which calls `done` (so an I/O thread is never held by it).
  void handle_async(const HttpRequest& request, std::function<void(HttpResponse)> done) override;
  // The same, waiting for the answer.
  HttpResponse handle(const HttpRequest& request);
  // Writes the summary of anonymous refusals held back (refusal_window.h) once their
  // window has ended, or at once with `force`. The server calls it now and then, and
  // when it stops.
  void flush_refusals(bool force) override;
  // A read by a person of a supervising organisation, passed on by that organisation's
  // Api (GET /api/supervised/{tenant}/...): only GET of the cases, a case, its trail, the
  // evidence register and the report, with the rights of an auditor. Each read is first
  // recorded in this organisation's trail (a supervisor_read record); 404 when
  // `visit.organisation` does not supervise this one.
  HttpResponse handle_supervised(const HttpRequest& request, const SupervisorVisit& visit);
  // Empty when bpmn-js is served (vendor_assets.h); else why the Model screen is unavailable.
  std::string modeler_unavailable() const;
  std::vector<RouteInfo> routes() const;
  static std::string openapi();  // the OpenAPI 3 document, JSON

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A JSON error body.
HttpResponse error_response(int status, const std::string& code, const std::string& message);

}  // namespace raciflow::http
