// A real `raciflow serve` in the test process: the sample agency deployed, passwords
// set, a Service and the Api behind a Server on a free loopback port, and a small
// blocking HTTP client. Used by the API, access-control and hostile-input tests.
#pragma once

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "adapters/http/api.h"
#include "adapters/http/server.h"
#include "cli_support.h"
#include "runtime/service.h"
#include "runtime/sqlite_store.h"

namespace raciflow::testing::api {

using nlohmann::json;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

// Everything the server sends until it closes the connection.
inline std::string read_until_closed(tcp::socket& socket) {
  std::string out;
  boost::system::error_code ec;
  char chunk[4096];
  for (;;) {
    std::size_t n = socket.read_some(net::buffer(chunk), ec);
    out.append(chunk, n);
    if (ec) break;
  }
  return out;
}

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // the last of each name
  std::vector<std::string> cookies;             // every Set-Cookie, in order
  json json_body() const { return json::parse(body); }
};

// The agency of the samples, deployed, with passwords, behind a server on a free port.
class Server {
 public:
  explicit Server(std::chrono::milliseconds read_timeout = std::chrono::milliseconds(15000), bool log_requests = false,
                  raciflow::http::ApiOptions api_options = {}) {
    REQUIRE(w.cli({"deploy", sample("corrective-action.bpmn"), sample("deviation-handling.bpmn"),
                   sample("policy-approval.bpmn"), "--as", "setup"})
                .code == 0);
    REQUIRE(w.cli({"org", "load", sample("org.xml"), "--as", "setup"}).code == 0);
    for (const char* p : {"anna", "karen", "lars", "mette", "ida"}) {
      w.write(std::string(p) + ".pw", std::string(p) + "-password\n");
      REQUIRE(w.cli({"password", "set", p, "--password-file", w.path(std::string(p) + ".pw")}).code == 0);
    }
    now = *raciflow::definitions::parse_date_time(w.clock);
    service = std::make_unique<raciflow::runtime::Service>(
        [this] { return raciflow::runtime::open_sqlite_store(w.db(), {"FULL", 2000, false}); }, [this] { return now.load(); },
        std::chrono::hours(1), nullptr);
    std::size_t upload_limit = api_options.attachment_limit;
    api = std::make_unique<raciflow::http::Api>(*service, std::move(api_options));
    raciflow::http::ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.handle_signals = false;
    options.log_requests = log_requests;
    options.body_limit = 64 * 1024;
    options.header_limit = 8 * 1024;
    options.upload_limit = upload_limit;
    options.read_timeout = read_timeout;
    server = std::make_unique<raciflow::http::Server>(*api, options);
    port = server->port();
    thread = std::thread([this] { server->run(); });
  }
  ~Server() {
    server->stop();
    thread.join();
    service->stop();
  }

  Reply request(const std::string& method, const std::string& target, const std::string& body = "",
                const std::map<std::string, std::string>& headers = {}) {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    // As the web app does: every change is sent as JSON, even without a body.
    if (!body.empty() || (method != "GET" && method != "HEAD")) req.set(bhttp::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    bhttp::write(socket, req);
    boost::beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    bhttp::read(socket, buffer, parser);
    Reply r;
    r.status = static_cast<int>(parser.get().result_int());
    r.body = parser.get().body();
    for (const auto& f : parser.get()) {
      r.headers[std::string(f.name_string())] = std::string(f.value());
      if (f.name() == bhttp::field::set_cookie) r.cookies.push_back(std::string(f.value()));
    }
    return r;
  }

  // Sends raw bytes and reads until the server closes the connection.
  std::string raw(const std::string& bytes) {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    net::write(socket, net::buffer(bytes));
    return read_until_closed(socket);
  }

  // Logs in; returns the Cookie header to send.
  std::string login(const std::string& person) {
    auto r = request("POST", "/api/login", json{{"person", person}, {"password", person + "-password"}}.dump());
    REQUIRE(r.status == 200);
    std::string cookie = r.headers["Set-Cookie"];
    return cookie.substr(0, cookie.find(';'));
  }
  Reply as(const std::string& cookie, const std::string& method, const std::string& target, const json& body = nullptr) {
    return request(method, target, body.is_null() ? "" : body.dump(), {{"Cookie", cookie}});
  }

  std::vector<std::string> refusals() {
    std::vector<std::string> out;
    for (const auto& r : w.cli({"audit", "all", "--format", "json"}).json())
      if (r["action"] == "access_refused") out.push_back(r["actor"].get<std::string>() + ": " + r["data"]["reason"].get<std::string>());
    return out;
  }

  // The refusals the trail accounts for, once the anonymous ones held back are summed up
  // (refusal_window.h): each access_refused record counts one, a sum its count.
  std::int64_t refusals_accounted() {
    api->flush_refusals(true);
    std::int64_t n = 0;
    for (const auto& r : w.cli({"audit", "all", "--format", "json"}).json())
      if (r["action"] == "access_refused") n += r["data"].contains("count") ? r["data"]["count"].get<std::int64_t>() : 1;
    return n;
  }

  Workspace w;
  std::atomic<raciflow::definitions::TimePoint> now;
  std::unique_ptr<raciflow::runtime::Service> service;
  std::unique_ptr<raciflow::http::Api> api;
  std::unique_ptr<raciflow::http::Server> server;
  unsigned short port = 0;
  std::thread thread;
};

// A deviation case started by Anna; returns its id and the id of the assessment task.
inline std::pair<std::string, std::int64_t> start_deviation(Server& s, const std::string& anna) {
  auto r = s.as(anna, "POST", "/api/messages", {{"name", "External input"}, {"variables", {{"title", "USB stick lost"}}}});
  REQUIRE(r.status == 200);
  std::string id = r.json_body()["cases"][0];
  auto tasks = s.as(anna, "GET", "/api/tasks").json_body();
  REQUIRE(tasks.size() == 1);
  return {id, tasks[0]["id"].get<std::int64_t>()};
}

inline std::string concrete(std::string path) {
  for (const char* p : {"{id}", "{process}", "{attachment}"}) {
    auto at = path.find(p);
    if (at != std::string::npos) path.replace(at, std::string(p).size(), "1");
  }
  return path;
}


}  // namespace raciflow::testing::api
