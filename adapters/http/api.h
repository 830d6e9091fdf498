// The REST/JSON API and the web app's files, independent of the transport: the server
// (server.h) turns each HTTP request into an HttpRequest and sends back the
// HttpResponse. Every route is in routes() and in the OpenAPI document.
//
// Errors are {"error": CODE, "message": TEXT}: 400 malformed, 401 unauthenticated,
// 403 forbidden, 404 not_found, 405 method_not_allowed, 409 conflict, 413 too_large,
// 422 refused (valid, but the engine says no), 431, 500 internal.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace raciflow::runtime {
class Service;
}

namespace raciflow::http {

struct HttpRequest {
  std::string method;  // GET, POST, PUT, DELETE ...
  std::string target;  // path and query, as sent
  std::string body;
  std::string content_type;
  std::string cookie;
  std::string authorization;
  std::string accept_language;
  std::string host;            // the Host header
  std::string origin;          // the Origin header, when the client sent one
  std::string sec_fetch_site;  // the Sec-Fetch-Site header, when the browser sent one
  std::string remote;          // the peer's address, for the audit trail
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beside Content-Type
  std::string person;  // who asked, when known (for the request log)
  // A streamed body (an export): `body` is its start and each call gives the next piece,
  // nullopt at the end. The server sends it chunked as the pieces come; Api::handle()
  // gathers it into `body`. A piece that throws ends the transfer unfinished.
  std::function<std::optional<std::string>()> more;
};

struct ApiOptions {
  std::chrono::seconds session_lifetime{8 * 3600};
  bool secure_cookies = true;  // the Secure cookie attribute (browsers accept it on loopback)
  // The web app's own origin ("https://isms.example.org"), when a proxy in front of the
  // server changes the Host header; empty: http:// or https:// and the request's Host.
  std::string public_origin;
  // bpmn-js's dist folder (vendor_assets.h); empty: the source tree's npm install.
  std::string bpmn_js_dir;
};

struct RouteInfo {
  std::string method;
  std::string path;  // OpenAPI style: /api/cases/{id}
  bool public_route = false;  // answers without a login
};

class Api {
 public:
  Api(runtime::Service& service, ApiOptions options = {});
  ~Api();  // waits for logins in flight
  // Answers at once, on this thread, except a login: its password is checked on a small
  // pool of its own, which calls `done` (so an I/O thread is never held by it).
  void handle_async(const HttpRequest& request, std::function<void(HttpResponse)> done);
  // The same, waiting for the answer.
  HttpResponse handle(const HttpRequest& request);
  // Writes the summary of anonymous refusals held back (refusal_window.h) once their
  // window has ended, or at once with `force`. The server calls it now and then, and
  // when it stops.
  void flush_refusals(bool force);
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
