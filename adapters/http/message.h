// A request and a response as the API sees them, independent of the transport: the
// server (server.h) turns each HTTP request into an HttpRequest and sends back the
// HttpResponse.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

}  // namespace raciflow::http
