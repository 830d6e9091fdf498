#include "adapters/http/server.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <list>
#include <optional>
#include <regex>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "adapters/http/api.h"

namespace raciflow::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

namespace {

std::shared_ptr<spdlog::logger> request_log() {
  static auto logger = [] {
    auto l = spdlog::get("raciflow");
    if (!l) l = spdlog::stderr_color_mt("raciflow");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    return l;
  }();
  return logger;
}

const char* security_headers[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Content-Security-Policy",
     "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"},
};

using Parser = bhttp::request_parser<bhttp::string_body>;

void limit(Parser& parser, const ServerOptions& options) {
  parser.body_limit(std::max(options.body_limit, options.upload_limit));
  parser.header_limit(options.header_limit);
}

// Once the head is in: an upload of an attachment may have a larger body than other
// requests. The parser starts with the larger limit (Beast checks a Content-Length against
// the limit as it reads the head); every request but an upload is then held to the small
// one: its Content-Length here, a chunked body as it arrives.
std::optional<HttpResponse> hold_to_limit(Parser& parser, const ServerOptions& options) {
  const auto& header = parser.get();
  static const std::regex upload(R"(/api/cases/[^/?#]+/attachments(\?.*)?)");
  std::string target(header.target());
  if (header.method() == bhttp::verb::post && target.size() < 300 && std::regex_match(target, upload)) return std::nullopt;
  if (auto length = parser.content_length(); length && *length > options.body_limit)
    return error_response(413, "too_large", "the body is larger than " + std::to_string(options.body_limit) + " bytes");
  parser.body_limit(options.body_limit);
  return std::nullopt;
}

// The answer to a request that could not be read, or nothing when it was read.
std::optional<HttpResponse> read_failure(beast::error_code ec, const ServerOptions& options) {
  if (!ec) return std::nullopt;
  if (ec == bhttp::error::body_limit)  // the small limit, or an upload's larger one
    return error_response(413, "too_large", "the body is larger than " + std::to_string(options.body_limit) + " bytes (" +
                                                std::to_string(std::max(options.body_limit, options.upload_limit)) +
                                                " bytes for an attachment)");
  if (ec == bhttp::error::header_limit) return error_response(431, "headers_too_large", "the request head is too large");
  return error_response(400, "malformed", std::string("malformed HTTP request: ") + ec.message());
}

// What is wrong with the head's framing (the connection is then closed by the caller).
// RFC 9112 6.3: a request whose Transfer-Encoding does not end in chunked has no length a
// server can know, and reading on would take its body for the next request. raciflow
// decodes no transfer coding but chunked, so anything else is refused.
std::optional<HttpResponse> framing_failure(const Parser& parser) {
  const auto& header = parser.get();
  // RFC 9112 3.2: a request with more than one Host is answered 400 (which one would name
  // the organisation, and which the origin, is not for the server to guess).
  if (header.count(bhttp::field::host) > 1) return error_response(400, "malformed", "the request has more than one Host header");
  if (header.find(bhttp::field::transfer_encoding) == header.end()) return std::nullopt;
  std::string codings;  // every Transfer-Encoding field, in order
  for (const auto& field : header)
    if (field.name() == bhttp::field::transfer_encoding) codings += (codings.empty() ? "" : ",") + std::string(field.value());
  std::string normalised;
  for (char c : codings)
    if (c != ' ' && c != '\t') normalised += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (normalised == "chunked") return std::nullopt;
  return error_response(400, "malformed", "Transfer-Encoding must be chunked alone (got '" + codings.substr(0, 100) + "')");
}

HttpRequest api_request(const bhttp::request<bhttp::string_body>& req, const std::string& remote) {
  HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  request.body = req.body();
  request.content_type = std::string(req[bhttp::field::content_type]);
  request.cookie = std::string(req[bhttp::field::cookie]);
  request.authorization = std::string(req[bhttp::field::authorization]);
  request.accept_language = std::string(req[bhttp::field::accept_language]);
  request.host = std::string(req[bhttp::field::host]);
  request.origin = std::string(req[bhttp::field::origin]);
  request.sec_fetch_site = std::string(req["Sec-Fetch-Site"]);
  request.remote = remote;
  return request;
}

}  // namespace

HttpResponse handle_bytes(Api& api, std::string_view bytes, const ServerOptions& options, const std::string& remote) {
  Parser parser;
  limit(parser, options);
  parser.eager(true);
  beast::error_code ec;
  std::size_t used = 0;
  while (!parser.is_done()) {
    bool had_header = parser.is_header_done();
    std::size_t n = parser.put(net::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == bhttp::error::need_more) ec = {};
    if (!ec && !had_header && parser.is_header_done())
      if (auto failure = framing_failure(parser)) return *failure;
    if (!ec && !had_header && parser.is_header_done())
      if (auto failure = hold_to_limit(parser, options)) return *failure;
    if (ec || n == 0) break;
  }
  if (!ec && !parser.is_done()) {
    if (!parser.got_some()) return error_response(400, "malformed", "malformed HTTP request: no request");
    parser.put_eof(ec);
    if (!ec && !parser.is_done()) ec = bhttp::error::partial_message;
  }
  if (auto failure = read_failure(ec, options)) return *failure;
  return api.handle(api_request(parser.get(), remote));
}

struct Server::Impl {
  class Session;

  Handler& api;
  ServerOptions options;
  std::atomic<std::size_t> open_connections{0};  // before ioc: sessions it still holds count down on its way out
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer flush_timer;  // writes the sums of anonymous refusals held back
  net::steady_timer accept_retry;  // after a failed accept
  std::size_t accept_failures = 0;
  std::mutex sessions_mutex;
  std::list<std::weak_ptr<Session>> sessions;
  bool stopping = false;

  Impl(Handler& a, ServerOptions o) : api(a), options(std::move(o)), ioc(options.threads), acceptor(ioc), signals(ioc), flush_timer(ioc), accept_retry(ioc) {
    if (options.max_connections == 0) {
      rlimit files{};
      rlim_t limit = getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY ? files.rlim_cur : 8192;
      options.max_connections = std::clamp<std::size_t>(static_cast<std::size_t>(limit / 2), 16, 4096);
    }
    beast::error_code ec;
    auto address = net::ip::make_address(options.address, ec);
    if (ec) throw std::runtime_error("--listen: '" + options.address + "' is not an IP address");
    tcp::endpoint endpoint(address, options.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::runtime_error("cannot listen on " + options.address + ":" + std::to_string(options.port) + ": " + ec.message());
  }

  void accept();
  void stop();
  void turn_away(tcp::socket socket);

  void flush_now_and_then() {
    flush_timer.expires_after(std::chrono::seconds(10));
    flush_timer.async_wait([this](beast::error_code ec) {
      if (ec) return;  // stopping
      try {
        api.flush_refusals(false);
      } catch (const std::exception& e) {
        request_log()->warn("the sum of anonymous refusals was not written: {}", e.what());
      }
      flush_now_and_then();
    });
  }

  bool is_stopping() {
    std::lock_guard lock(sessions_mutex);
    return stopping;
  }
};

class Server::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl& server, tcp::socket socket) : server_(server), stream_(std::move(socket)), deadline_(stream_.get_executor()) {
    ++server_.open_connections;
    beast::error_code ec;
    auto peer = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "" : peer.address().to_string();
  }
  ~Session() { --server_.open_connections; }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  void close_when_idle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (!self->busy_) {
        self->deadline_.cancel();
        self->close();
      }
    });
  }

 private:
  void read() {
    if (closing_ || server_.is_stopping()) return close();
    parser_.emplace();
    limit(*parser_, server_.options);
    // A timer of our own, not the stream's: the stream's would close the socket, and a
    // slow client is owed a 408 before the connection goes.
    stream_.expires_never();
    timed_out_ = false;
    deadline_.expires_after(server_.options.read_timeout);
    deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
    bhttp::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_header(ec);
    });
  }

  // The head is in: its framing is checked before a byte of the body is read.
  void on_header(beast::error_code ec) {
    if (ec) return on_read(ec);
    if (auto failure = framing_failure(*parser_)) {
      deadline_.cancel();
      started_ = std::chrono::steady_clock::now();
      return fail(std::move(*failure));
    }
    if (auto failure = hold_to_limit(*parser_, server_.options)) {
      deadline_.cancel();
      started_ = std::chrono::steady_clock::now();
      return fail(std::move(*failure));
    }
    bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    deadline_.cancel();
    started_ = std::chrono::steady_clock::now();
    if (timed_out_ && ec) {
      if (parser_->got_some()) return fail(error_response(408, "timeout", "the request did not arrive in time"));
      return close();  // an idle keep-alive connection
    }
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted || ec == net::error::connection_reset) return close();
    if (auto failure = read_failure(ec, server_.options)) return fail(std::move(*failure));
    busy_ = true;
    const auto& req = parser_->get();
    HttpRequest request = api_request(req, remote_);
    bool keep_alive = req.keep_alive() && !closing_;
    bool head = req.method() == bhttp::verb::head;
    // Most answers come back at once, on this strand; a login's from the login pool. Until
    // it is sent, the server counts it as work, so run() does not return without it.
    // The answer may come on the login pool's thread. Until that thread has let go of
    // everything of the server's (the session, its strand), the work guard keeps run()
    // from returning and the server from going: the session moves on to the strand, the
    // strand's copy goes, and only then the guard.
    auto work = std::make_shared<net::executor_work_guard<net::io_context::executor_type>>(server_.ioc.get_executor());
    server_.api.handle_async(request, [self = shared_from_this(), work = std::move(work), method = request.method,
                                       target = request.target, keep_alive, head](HttpResponse response) mutable {
      {
        auto strand = self->stream_.get_executor();
        net::dispatch(strand, [self = std::move(self), response = std::move(response), method = std::move(method),
                               target = std::move(target), keep_alive, head]() mutable {
          self->send(std::move(response), method, target, keep_alive, head);
        });
      }
      work->reset();
      work.reset();
    });
  }

  void fail(HttpResponse response) {
    send(std::move(response), parser_ && parser_->is_header_done() ? std::string(parser_->get().method_string()) : "-",
         parser_ && parser_->is_header_done() ? std::string(parser_->get().target()) : "-", false, false);
  }

  template <class Body>
  static void set_head(bhttp::response<Body>& res, const HttpResponse& response, bool keep_alive) {
    res.set(bhttp::field::server, "raciflow");
    if (!response.content_type.empty()) res.set(bhttp::field::content_type, response.content_type);
    for (const auto& h : security_headers) res.set(h[0], h[1]);
    for (const auto& [name, value] : response.headers) res.insert(name, value);
    if (response.status == 401) res.set(bhttp::field::www_authenticate, "Bearer realm=\"raciflow\"");
    res.keep_alive(keep_alive);
  }

  void send(HttpResponse response, const std::string& method, const std::string& target, bool keep_alive, bool head) {
    log_request(response, method, target);
    if (response.more && !head) return send_streamed(std::move(response), keep_alive);
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(response.status), 11);
    set_head(*res, response, keep_alive);
    res->body() = head ? "" : std::move(response.body);
    res->prepare_payload();
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
      self->busy_ = false;
      if (ec || !keep_alive) return self->close();
      self->read();
    });
  }

  // An export: the head, then the body in chunks as the response gives them, then the
  // last chunk. A piece that fails ends the connection without the last chunk, so that
  // the client sees an unfinished transfer rather than a short file.
  void send_streamed(HttpResponse response, bool keep_alive) {
    auto res = std::make_shared<bhttp::response<bhttp::empty_body>>(static_cast<bhttp::status>(response.status), 11);
    set_head(*res, response, keep_alive);
    res->chunked(true);
    auto serializer = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*res);
    auto more = std::make_shared<std::function<std::optional<std::string>()>>(std::move(response.more));
    auto first = std::make_shared<std::string>(std::move(response.body));
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_write_header(stream_, *serializer, [self = shared_from_this(), res, serializer, more, first, keep_alive](
                                                         beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->send_chunk(std::move(*first), more, keep_alive);
    });
  }

  void send_chunk(std::string piece, const std::shared_ptr<std::function<std::optional<std::string>()>>& more, bool keep_alive) {
    if (piece.empty()) {
      std::optional<std::string> next;
      try {
        next = (*more)();
      } catch (const std::exception& e) {
        request_log()->error("{} an export stopped half way: {}", remote_, e.what());
        return close();
      }
      if (!next) {
        stream_.expires_after(server_.options.read_timeout);
        net::async_write(stream_, bhttp::make_chunk_last(), [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
          self->busy_ = false;
          if (ec || !keep_alive) return self->close();
          self->read();
        });
        return;
      }
      piece = std::move(*next);
      if (piece.empty()) return send_chunk({}, more, keep_alive);
    }
    auto held = std::make_shared<std::string>(std::move(piece));
    stream_.expires_after(server_.options.read_timeout);
    net::async_write(stream_, bhttp::make_chunk(net::buffer(*held)), [self = shared_from_this(), held, more, keep_alive](
                                                                        beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->send_chunk({}, more, keep_alive);
    });
  }

  void log_request(const HttpResponse& response, const std::string& method, const std::string& target) {
    if (server_.options.log_requests) {
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
      std::string shown = target.size() > 200 ? target.substr(0, 200) + "..." : target;
      if (shown.rfind("/api/calendar/", 0) == 0) shown = "/api/calendar/...";  // a calendar feed's address is its secret
      request_log()->info("{} {} {} {} {:.1f}ms {}", remote_, method, shown, response.status, ms,
                          response.person.empty() ? "-" : response.person);
    }
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  Impl& server_;
  beast::tcp_stream stream_;
  net::steady_timer deadline_;
  bool timed_out_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool busy_ = false;
  bool closing_ = false;
};

void Server::Impl::accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (is_stopping()) return;
      if (ec) {
        // Out of file descriptors, a connection reset before it was taken, ...: none of it
        // ends the loop. Say so once, wait a moment (the error would come straight back),
        // and accept again.
        if (accept_failures++ == 0) request_log()->warn("accept failed: {}; retrying every 100 ms", ec.message());
        accept_retry.expires_after(std::chrono::milliseconds(100));
        accept_retry.async_wait([this](beast::error_code wait) {
          if (!wait) accept();
        });
        return;
      }
      if (accept_failures > 0) {
        request_log()->info("accepting again after {} failed attempts", accept_failures);
        accept_failures = 0;
      }
      if (open_connections.load() >= options.max_connections) {
        turn_away(std::move(socket));
        return accept();
      }
      auto session = std::make_shared<Session>(*this, std::move(socket));
      {
        std::lock_guard lock(sessions_mutex);
        sessions.remove_if([](const std::weak_ptr<Session>& w) { return w.expired(); });
        sessions.push_back(session);
      }
      session->start();
      accept();
    });
  }

// A connection beyond max_connections: a short 503 and closed, without reading it.
void Server::Impl::turn_away(tcp::socket socket) {
  struct Refused {
    tcp::socket socket;
    std::string bytes;
  };
  const std::string body =
      R"({"error":"busy","message":"the server has )" + std::to_string(options.max_connections) + R"( connections open; try again"})";
  auto refused = std::make_shared<Refused>(Refused{std::move(socket), "HTTP/1.1 503 Service Unavailable\r\nServer: raciflow\r\n"
                                                                      "Content-Type: application/json\r\nRetry-After: 1\r\n"
                                                                      "Connection: close\r\nContent-Length: " +
                                                                          std::to_string(body.size()) + "\r\n\r\n" + body});
  if (options.log_requests) request_log()->warn("connection turned away: {} open", options.max_connections);
  net::async_write(refused->socket, net::buffer(refused->bytes), [refused](beast::error_code, std::size_t) {
    beast::error_code ignored;
    refused->socket.shutdown(tcp::socket::shutdown_both, ignored);
    refused->socket.close(ignored);
  });
}

void Server::Impl::stop() {
    net::post(ioc, [this] {
      {
        std::lock_guard lock(sessions_mutex);
        if (stopping) return;
        stopping = true;
      }
      beast::error_code ec;
      acceptor.close(ec);
      signals.cancel(ec);
      flush_timer.cancel();
      accept_retry.cancel();
      std::lock_guard lock(sessions_mutex);
      for (auto& w : sessions)
        if (auto s = w.lock()) s->close_when_idle();
    });
  }


Server::Server(Handler& handler, ServerOptions options) : impl_(std::make_unique<Impl>(handler, std::move(options))) {}
Server::~Server() = default;

unsigned short Server::port() const { return impl_->acceptor.local_endpoint().port(); }
std::size_t Server::max_connections() const { return impl_->options.max_connections; }

void Server::run() {
  if (impl_->options.handle_signals) {
    impl_->signals.add(SIGINT);
    impl_->signals.add(SIGTERM);
    impl_->signals.async_wait([this](beast::error_code ec, int signal) {
      if (ec) return;
      request_log()->info("signal {}: finishing requests in flight, then stopping", signal);
      stop();
    });
  }
  impl_->accept();
  impl_->flush_now_and_then();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.threads; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
  try {
    impl_->api.flush_refusals(true);
  } catch (const std::exception& e) {
    request_log()->warn("the sum of anonymous refusals was not written: {}", e.what());
  }
}

void Server::stop() { impl_->stop(); }

}  // namespace raciflow::http
