// The HTTP server: Boost.Beast over Boost.Asio, several I/O threads, the Api behind it.
//
// Limits keep a bad client from holding the server: the request head and body have
// size limits (431, 413), a request must arrive within `read_timeout` (else 408 and the
// connection closes; an idle keep-alive connection closes then too), and at most
// `max_connections` are open at once (beyond, a new connection is answered 503 and
// closed). The accept loop survives every error, such as running out of file
// descriptors: it logs it, waits a moment and accepts again. stop(), SIGINT or SIGTERM stop accepting, let requests in
// flight finish and answer, close idle connections, and make run() return.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace raciflow::http {

class Api;
class Handler;
struct HttpResponse;

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (tests)
  int threads = 4;
  std::size_t body_limit = 1024 * 1024;
  // The body limit of an upload (POST /api/cases/{id}/attachments): the attachment limit.
  std::size_t upload_limit = 25 * 1024 * 1024;
  std::uint32_t header_limit = 16 * 1024;
  std::chrono::milliseconds read_timeout{15000};
  // 0: half the process's limit of open files (RLIMIT_NOFILE), between 16 and 4096.
  std::size_t max_connections = 0;
  bool handle_signals = true;
  bool log_requests = true;  // one line per request on stderr, through spdlog
};

// Answers one HTTP/1.1 request given as raw bytes the way the server answers it on a
// connection: the same parser limits and error statuses (400, 413, 431), then the Api.
// A request cut short is answered 400. The fuzzer's entry into request handling.
HttpResponse handle_bytes(Api& api, std::string_view bytes, const ServerOptions& options, const std::string& remote = "");

class Server {
 public:
  // Binds at once; throws std::runtime_error (one line) when the address cannot be used.
  Server(Handler& handler, ServerOptions options);
  ~Server();
  unsigned short port() const;
  std::size_t max_connections() const;  // the cap in force
  void run();   // serves until stopped
  void stop();  // from any thread

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace raciflow::http
