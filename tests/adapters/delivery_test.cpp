// Notification delivery against a small SMTP sink and a small HTTP sink (a chat webhook) on
// loopback, started by the test.
#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "adapters/delivery/delivery.h"
#include "runtime/service.h"
#include "runtime/sqlite_store.h"
#include "scenarios/scenario_support.h"

using namespace raciflow::testing;
using boost::asio::ip::tcp;
using nlohmann::json;

namespace {

// Takes one connection at a time on a loopback port, on a thread of its own, and hands each
// to `session`; a session that throws (the client hung up) ends that connection only.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::function<void(tcp::socket&)> session)
      : acceptor_(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)), session_(std::move(session)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackServer() {
    stopping_ = true;
    boost::system::error_code ec;
    tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ec);  // wakes the blocking accept
    thread_.join();
  }
  std::string port() const { return std::to_string(acceptor_.local_endpoint().port()); }

 private:
  void serve() {
    while (!stopping_) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) continue;
      try {
        session_(socket);
      } catch (const std::exception&) {
        // the client hung up; take the next one
      }
    }
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::function<void(tcp::socket&)> session_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// Speaks just enough SMTP to take mail: greets, says 250 to each command, takes DATA up to
// the lone dot, and keeps each message. While `refuse` is above zero it answers the
// greeting with 421 (busy) and hangs up, to make the sender retry.
class SmtpSink {
 public:
  struct Mail {
    std::string from;
    std::vector<std::string> to;
    std::string data;
  };

  std::string url() const { return "smtp://127.0.0.1:" + server_.port(); }
  std::vector<Mail> mails() {
    std::lock_guard lock(mutex_);
    return mails_;
  }
  std::atomic<int> refuse{0};

 private:
  static void say(tcp::socket& s, const std::string& line) { boost::asio::write(s, boost::asio::buffer(line + "\r\n")); }

  void session(tcp::socket& socket) {
    if (refuse > 0) {
      --refuse;
      say(socket, "421 sink busy, try later");
      return;
    }
    say(socket, "220 sink ready");
    boost::asio::streambuf buffer;
    Mail mail;
    for (;;) {
      boost::asio::read_until(socket, buffer, "\r\n");
      std::istream in(&buffer);
      std::string line;
      std::getline(in, line);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::string verb = line.substr(0, 4);
      for (auto& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (verb == "EHLO" || verb == "HELO") {
        say(socket, "250 sink");
      } else if (verb == "MAIL") {
        mail = {};
        mail.from = line.substr(10);
        say(socket, "250 ok");
      } else if (verb == "RCPT") {
        mail.to.push_back(line.substr(8));
        say(socket, "250 ok");
      } else if (verb == "DATA") {
        say(socket, "354 go ahead");
        boost::asio::read_until(socket, buffer, "\r\n.\r\n");
        std::string all(boost::asio::buffers_begin(buffer.data()), boost::asio::buffers_end(buffer.data()));
        auto end = all.find("\r\n.\r\n");
        mail.data = all.substr(0, end);
        buffer.consume(end + 5);
        {
          std::lock_guard lock(mutex_);
          mails_.push_back(mail);
        }
        say(socket, "250 queued");
      } else if (verb == "QUIT") {
        say(socket, "221 bye");
        return;
      } else {
        say(socket, "250 ok");
      }
    }
  }

  std::mutex mutex_;
  std::vector<Mail> mails_;
  LoopbackServer server_{[this](tcp::socket& s) { session(s); }};  // last: stops before the rest goes
};

// Takes POSTs as a chat's incoming webhook does: 200, or 500 while `fail` is above zero.
// Keeps each POST it took.
class HttpSink {
 public:
  struct Post {
    std::string target, body, content_type, key;
  };

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + server_.port() + path; }
  std::vector<Post> posts() {
    std::lock_guard lock(mutex_);
    return posts_;
  }
  std::atomic<int> fail{0};

 private:
  void session(tcp::socket& socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(socket, buffer, request);
    http::response<http::string_body> response;
    response.version(request.version());
    if (fail > 0) {
      --fail;
      response.result(http::status::internal_server_error);
      response.body() = "down";
    } else {
      std::lock_guard lock(mutex_);
      posts_.push_back({std::string(request.target()), request.body(), std::string(request[http::field::content_type]),
                        std::string(request["Idempotency-Key"])});
      response.result(http::status::ok);
      response.body() = "1";
    }
    response.prepare_payload();
    http::write(socket, response);
  }

  std::mutex mutex_;
  std::vector<Post> posts_;
  LoopbackServer server_{[this](tcp::socket& s) { session(s); }};  // last: stops before the rest goes
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The sample organisation with <notifications> (its inside given) before its end.
std::string org_with(const std::string& notifications) {
  std::string org = raciflow::testing::read_file(sample("org.xml"));
  org.insert(org.rfind("</organisation>"), notifications + "\n");
  return org;
}

// Loads the sample organisation with one webhook for the business functions.
void load_webhook(Workspace& w, const std::string& url, const std::string& format) {
  w.ok({"org", "load",
        w.write("org-hooks.xml", org_with("<notifications><webhook role=\"business-functions\" url=\"" + url + "\" format=\"" +
                                          format + "\"/></notifications>")),
        "--as", "anna"});
}

// The deviation sample deployed, an external input assessed by nobody yet.
struct Deviation : Workspace {
  std::string id;
  Deviation() {
    ok({"deploy", sample("deviation-handling.bpmn"), sample("corrective-action.bpmn"), "--as", "anna"});
    ok({"org", "load", sample("org.xml"), "--as", "anna"});
    id = first_line(ok({"message", "External input", "--as", "anna"}));
  }
};

}  // namespace

TEST_CASE("a reminder before the due date and an escalation after it reach the SMTP sink, each once") {
  SmtpSink sink;
  Deviation w;
  w.ok({"deliver", "--smtp", sink.url(), "--from", "isms@example.org"});  // the consultation of business functions
  REQUIRE(sink.mails().size() == 1);
  CHECK(has(sink.mails()[0].data, "Subject: [raciflow] Your advice is asked: \"Assess the input\""));

  w.clock = "2026-03-06T09:00:00Z";  // one day before the assessment is due (P5D)
  w.ok({"tick"});
  CHECK(w.ok({"deliver", "--smtp", sink.url(), "--from", "isms@example.org"}) == "delivered 1, to retry 0, given up 0\n");
  auto mails = sink.mails();
  REQUIRE(mails.size() == 2);
  const auto& reminder = mails[1];
  CHECK(has(reminder.data, "Subject: [raciflow] Reminder: \"Assess the input\" is due 2026-03-07T09:00:00Z"));
  CHECK(has(reminder.data, "From: isms@example.org"));
  CHECK(reminder.from == "<isms@example.org>");
  // The security function: anna, lars, jonas and emil.
  CHECK(reminder.to == std::vector<std::string>{"<lars@example.org>", "<anna@example.org>", "<jonas@example.org>", "<emil@example.org>"});

  w.clock = "2026-03-08T09:00:00Z";  // a day late
  w.ok({"tick"});
  w.ok({"deliver", "--smtp", sink.url()});
  mails = sink.mails();
  REQUIRE(mails.size() == 3);
  CHECK(has(mails[2].data, "Subject: [raciflow] Escalation: \"Assess the input\" was due 2026-03-07T09:00:00Z"));
  CHECK(has(mails[2].data, "as the Accountable role"));

  // Nothing is sent twice.
  CHECK(w.ok({"deliver", "--smtp", sink.url()}) == "delivered 0, to retry 0, given up 0\n");
  CHECK(sink.mails().size() == 3);
  auto outbox = w.cli({"outbox", "--all", "--json"}).json();
  for (const auto& item : outbox) CHECK(item["status"] == "delivered");
}

TEST_CASE("a mail server that is busy gets the notification again after the backoff, and only once") {
  SmtpSink sink;
  sink.refuse = 1;
  Deviation w;
  CHECK(w.ok({"deliver", "--smtp", sink.url()}) == "delivered 0, to retry 1, given up 0\n");
  auto item = w.cli({"outbox", "--json"}).json()[0];
  CHECK(item["attempts"] == 1);
  CHECK(item["next_attempt"] == "2026-03-02T09:01:00Z");
  CHECK(item["last_error"].get<std::string>().find("SMTP") != std::string::npos);
  CHECK(w.ok({"deliver", "--smtp", sink.url()}) == "delivered 0, to retry 0, given up 0\n");  // not yet
  w.clock = "2026-03-02T09:01:00Z";
  CHECK(w.ok({"deliver", "--smtp", sink.url()}) == "delivered 1, to retry 0, given up 0\n");
  CHECK(sink.mails().size() == 1);
  CHECK(has(sink.mails()[0].data, "Message-ID: <outbox-1@raciflow>"));
}

TEST_CASE("the log adapter writes one JSON line per notification with the people who hold the role") {
  Deviation w;
  std::string log = w.path("notifications.log");
  w.ok({"deliver", "--log", log});
  std::ifstream in(log);
  std::string line;
  std::vector<json> lines;
  while (std::getline(in, line)) lines.push_back(json::parse(line));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["kind"] == "consultation");
  CHECK(lines[0]["role"] == "business-functions");
  CHECK(lines[0]["to"] == json::array({"mette", "peter", "emil"}));
  CHECK(w.ok({"deliver", "--log", log}) == "delivered 0, to retry 0, given up 0\n");
}

TEST_CASE("deliver without a channel, or with a URL that is not SMTP, is a usage error") {
  Deviation w;
  auto r = w.cli({"deliver"});
  CHECK(r.code == 2);
  CHECK(has(r.err, "raciflow deliver: deliver needs --log FILE or --smtp URL (or both)"));
  r = w.cli({"deliver", "--smtp", "http://example.org"});
  CHECK(r.code == 2);
  CHECK(has(r.err, "--smtp 'http://example.org' must start with smtp:// or smtps://"));
}

TEST_CASE("the server's courier delivers in its own thread through the service, each notification once") {
  Deviation w;
  auto now = *raciflow::definitions::parse_date_time(w.clock);
  raciflow::runtime::Service service([&] { return raciflow::runtime::open_sqlite_store(w.db(), {"FULL", 2000, false}); },
                                     [now] { return now; }, std::chrono::hours(1), nullptr);
  raciflow::delivery::Settings settings;
  settings.log_file = w.path("courier.log");
  std::vector<std::string> errors;
  {
    raciflow::delivery::Courier courier(service, settings, std::chrono::milliseconds(20),
                                        [&](const std::string& line) { errors.push_back(line); });
    // Waits (at most a minute) for the round to land; nothing here measures time.
    for (int i = 0; i < 3000; ++i) {
      auto pending = service.read([](raciflow::runtime::Service::Context& c) { return c.store.outbox("pending").size(); });
      if (pending == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    courier.stop();
  }
  service.stop();
  CHECK(errors.empty());
  std::ifstream in(settings.log_file);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) ++lines;
  CHECK(lines == 1);
  CHECK(w.cli({"outbox", "--json"}).json().empty());
}

TEST_CASE("two deliverers at once claim different notifications, and one that dies leaves its own to the next after the claim") {
  Deviation w;  // one notification pending: the consultation of the business functions
  auto now = *raciflow::definitions::parse_date_time(w.clock);
  raciflow::delivery::Settings settings;
  settings.log_file = w.path("sent.log");
  auto first = raciflow::runtime::open_sqlite_store(w.db(), {});
  auto second = raciflow::runtime::open_sqlite_store(w.db(), {});
  auto claim = [&](raciflow::runtime::Store& store, raciflow::definitions::TimePoint at) {
    auto tx = store.begin();
    auto pending = raciflow::delivery::prepare(store, at, settings);
    tx->commit();
    return pending;
  };
  auto taken = claim(*first, now);
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].item.next_attempt == "2026-03-02T09:05:00Z");  // claimed for five minutes
  CHECK(claim(*second, now).empty());                           // the other deliverer leaves it alone
  // The first never reports back (it died): once the claim has run out, the item is due again.
  CHECK(claim(*second, now + std::chrono::minutes(4)).empty());
  auto again = claim(*second, now + raciflow::delivery::kClaim);
  REQUIRE(again.size() == 1);
  CHECK(again[0].item.id == taken[0].item.id);
  auto item = raciflow::delivery::attempt(again[0], now + raciflow::delivery::kClaim, settings);
  CHECK(item.status == "delivered");
  CHECK(item.next_attempt.empty());
}

TEST_CASE("an organisation with lang=\"da\" gets its e-mails in Danish, with the step, process and role by their names") {
  SmtpSink sink;
  Deviation w;
  std::string org = raciflow::testing::read_file(sample("org.xml"));
  org.replace(org.find("name=\"Example Agency\""), 21, "name=\"Example Agency\" lang=\"da\"");
  w.ok({"org", "load", w.write("org-da.xml", org), "--as", "anna"});
  w.ok({"deliver", "--smtp", sink.url(), "--log", w.path("mail.log")});  // the consultation of business functions
  REQUIRE(sink.mails().size() == 1);
  CHECK(has(sink.mails()[0].data, "Subject: =?UTF-8?B?"));  // RFC 2047: the subject has letters beyond ASCII
  CHECK(has(sink.mails()[0].data, "Opgaven 1 \"Assess the input\" i sag " + w.id +
                                      " (Deviation handling) beder Business functions om at blive konsulteret (C), før den udføres."));
  std::string log = raciflow::testing::read_file(w.path("mail.log"));
  CHECK(has(log, "[raciflow] Jeres råd søges: \\\"Assess the input\\\""));
  // Back to English: the role still by its name.
  w.ok({"org", "load", sample("org.xml"), "--as", "anna"});
  w.clock = "2026-03-06T09:00:00Z";
  w.ok({"tick"});
  w.ok({"deliver", "--smtp", sink.url()});
  REQUIRE(sink.mails().size() == 2);
  CHECK(has(sink.mails()[1].data, "It is in the inbox of Information security function (Responsible)."));
}

TEST_CASE("a role's webhooks get each of its notifications once, as Slack's JSON and as a Teams card") {
  HttpSink hooks;
  Deviation w;  // the consultation of the business functions is pending
  w.ok({"org", "load",
        w.write("org-hooks.xml", org_with("<notifications>\n"
                                          "  <webhook role=\"business-functions\" url=\"" + hooks.url("/slack/T0/B0/secret") + "\" format=\"slack\"/>\n"
                                          "  <webhook role=\"business-functions\" url=\"" + hooks.url("/teams/secret") + "\" format=\"teams\"/>\n"
                                          "  <webhook role=\"security-committee\" url=\"" + hooks.url("/committee") + "\" format=\"slack\"/>\n"
                                          "</notifications>")),
        "--as", "anna"});
  // Webhooks are a channel of their own: deliver needs no --log or --smtp.
  CHECK(w.ok({"deliver"}) == "delivered 1, to retry 0, given up 0\n");
  auto posts = hooks.posts();
  REQUIRE(posts.size() == 2);  // the business functions' two; the committee's has nothing
  CHECK(posts[0].target == "/slack/T0/B0/secret");
  CHECK(posts[0].content_type == "application/json; charset=utf-8");
  CHECK(posts[0].key == "outbox-1@raciflow");
  auto slack = json::parse(posts[0].body);
  CHECK(has(slack["text"].get<std::string>(), "[raciflow] Your advice is asked: \"Assess the input\""));
  CHECK(has(slack["text"].get<std::string>(), "asks Business functions to be consulted (C)"));
  CHECK(posts[1].target == "/teams/secret");
  auto teams = json::parse(posts[1].body);
  CHECK(teams["@type"] == "MessageCard");
  CHECK(teams["title"] == "[raciflow] Your advice is asked: \"Assess the input\"");
  CHECK(has(teams["text"].get<std::string>(), "(Deviation handling)"));

  CHECK(w.ok({"deliver"}) == "delivered 0, to retry 0, given up 0\n");
  CHECK(hooks.posts().size() == 2);
  auto item = w.cli({"outbox", "--all", "--json"}).json()[0];
  CHECK(item["status"] == "delivered");
  CHECK(item["sent"].get<std::string>().rfind("webhook-", 0) == 0);
}

TEST_CASE("a webhook's URL is shown back only by its scheme and host: org show, its JSON and the trail") {
  HttpSink hooks;
  Deviation w;
  w.ok({"org", "load",
        w.write("org-hooks.xml", org_with("<notifications digest-time=\"06:30\" digest-day=\"friday\"><webhook role=\"security-committee\" url=\"" +
                                          hooks.url("/hook/very-secret-path") + "\" format=\"teams\"/></notifications>")),
        "--as", "anna"});
  std::string shown = "http://127.0.0.1:" + hooks.url("").substr(17) + "/…";
  std::string text = w.ok({"org", "show"});
  CHECK(has(text, shown));
  CHECK(has(text, "Digests are due at 06:30 UTC (weekly ones on friday)."));
  auto org = w.cli({"org", "show", "--json"}).json();
  CHECK(org["notifications"]["webhooks"][0]["url"] == shown);
  CHECK(org["notifications"]["digestDay"] == "friday");
  for (const auto& out : {text, org.dump(), w.ok({"audit", "all", "--format", "json"})}) CHECK_FALSE(has(out, "very-secret-path"));
}

TEST_CASE("a notification whose webhook or mail server fails is retried, and a channel that took it is not sent it again") {
  SmtpSink mail;
  HttpSink hooks;
  Deviation w;
  load_webhook(w, hooks.url("/hook"), "slack");
  // The webhook fails first: nothing else is tried in that round.
  hooks.fail = 1;
  CHECK(w.ok({"deliver", "--smtp", mail.url()}) == "delivered 0, to retry 1, given up 0\n");
  auto item = w.cli({"outbox", "--json"}).json()[0];
  CHECK(has(item["last_error"].get<std::string>(), "webhook http://127.0.0.1:"));
  CHECK(has(item["last_error"].get<std::string>(), "HTTP 500"));
  CHECK_FALSE(has(item["last_error"].get<std::string>(), "/hook"));  // the URL's secret part stays out
  // Then the webhook takes it while the mail server is busy: the next round sends only the mail.
  mail.refuse = 1;
  w.clock = "2026-03-02T09:01:00Z";
  CHECK(w.ok({"deliver", "--smtp", mail.url()}) == "delivered 0, to retry 1, given up 0\n");
  CHECK(hooks.posts().size() == 1);
  CHECK(w.cli({"outbox", "--json"}).json()[0]["sent"].get<std::string>().rfind("webhook-", 0) == 0);
  w.clock = "2026-03-02T09:03:00Z";
  CHECK(w.ok({"deliver", "--smtp", mail.url()}) == "delivered 1, to retry 0, given up 0\n");
  CHECK(hooks.posts().size() == 1);
  CHECK(mail.mails().size() == 1);
  w.clock = "2026-03-02T10:00:00Z";
  CHECK(w.ok({"deliver", "--smtp", mail.url()}) == "delivered 0, to retry 0, given up 0\n");
  CHECK(hooks.posts().size() == 1);
  CHECK(mail.mails().size() == 1);
}

namespace {
struct Crash {};  // not a std::exception: nothing in delivery catches it, as nothing survives a crash
}  // namespace

TEST_CASE("a deliverer that dies after a channel took the notification leaves only the other channels to the next, after its claim") {
  SmtpSink mail;
  HttpSink hooks;
  Deviation w;
  load_webhook(w, hooks.url("/hook"), "teams");
  auto now = *raciflow::definitions::parse_date_time(w.clock);
  raciflow::delivery::Settings settings;
  settings.smtp_url = mail.url();
  {
    auto store = raciflow::runtime::open_sqlite_store(w.db(), {});
    std::vector<raciflow::delivery::Pending> pending;
    {
      auto tx = store->begin();
      pending = raciflow::delivery::prepare(*store, now, settings);
      tx->commit();
    }
    REQUIRE(pending.size() == 1);
    // The webhook takes it, that is recorded, and the process dies before the mail.
    auto record = [&](const raciflow::runtime::OutboxItem& item) {
      auto tx = store->begin();
      store->update_outbox(item);
      tx->commit();
      throw Crash{};
    };
    CHECK_THROWS_AS(raciflow::delivery::attempt(pending[0], now, settings, record), Crash);
  }
  CHECK(hooks.posts().size() == 1);
  CHECK(mail.mails().empty());
  auto store = raciflow::runtime::open_sqlite_store(w.db(), {});
  auto round = raciflow::delivery::deliver_once(*store, now + std::chrono::minutes(1), settings);
  CHECK(round.delivered == 0);  // still claimed by the one that died
  round = raciflow::delivery::deliver_once(*store, now + raciflow::delivery::kClaim, settings);
  CHECK(round.delivered == 1);
  CHECK(hooks.posts().size() == 1);  // not posted twice
  REQUIRE(mail.mails().size() == 1);
  CHECK(raciflow::delivery::deliver_once(*store, now + std::chrono::hours(1), settings).delivered == 0);
  CHECK(mail.mails().size() == 1);
}

TEST_CASE("a person who takes a daily digest gets one e-mail a day with what is new, due soon and overdue, and no mail per notification") {
  SmtpSink mail;
  Deviation w;  // 2026-03-02T09:00Z; the consultation of the business functions (mette, peter, emil) is pending
  CHECK(w.ok({"digest", "mette", "daily", "--as", "mette"}) == "mette: daily\n");
  CHECK(w.ok({"digest", "mette"}) == "mette: daily\n");
  w.ok({"deliver", "--smtp", mail.url()});
  REQUIRE(mail.mails().size() == 1);
  CHECK(mail.mails()[0].to == std::vector<std::string>{"<peter@example.org>", "<emil@example.org>"});

  w.ok({"tick"});  // today's 07:00 slot had passed when mette chose: no digest owed
  CHECK(w.ok({"deliver", "--smtp", mail.url()}) == "delivered 0, to retry 0, given up 0\n");

  w.clock = "2026-03-03T07:00:00Z";
  w.ok({"tick"});
  w.ok({"tick"});  // once per slot
  mail.refuse = 1;  // the mail server is busy: the digest is retried like any notification
  CHECK(w.ok({"deliver", "--smtp", mail.url()}) == "delivered 0, to retry 1, given up 0\n");
  w.clock = "2026-03-03T07:01:00Z";
  CHECK(w.ok({"deliver", "--smtp", mail.url()}) == "delivered 1, to retry 0, given up 0\n");
  CHECK(w.ok({"deliver", "--smtp", mail.url()}) == "delivered 0, to retry 0, given up 0\n");
  auto mails = mail.mails();
  REQUIRE(mails.size() == 2);
  CHECK(mails[1].to == std::vector<std::string>{"<mette@example.org>"});
  const std::string& digest = mails[1].data;
  CHECK(has(digest, "Subject: [raciflow] Daily digest for Mette Dahl: 1 new, 0 due soon, 0 overdue"));
  CHECK(has(digest, "New since 2026-03-02T07:00:00Z:"));
  CHECK(has(digest, "- Your advice is asked: \"Assess the input\" in case " + w.id + " (Deviation handling), to Business functions"));

  // Days later the consultation is overdue: it is listed so, and nothing new came.
  w.clock = "2026-03-08T07:00:00Z";
  w.ok({"tick"});
  w.ok({"deliver", "--smtp", mail.url()});
  mails = mail.mails();
  std::vector<std::string> digests;  // beside the reminder and the escalation to the security function
  for (const auto& m : mails)
    if (m.to == std::vector<std::string>{"<mette@example.org>"}) digests.push_back(m.data);
  REQUIRE(digests.size() == 2);
  const std::string& late = digests[1];
  INFO(late);
  CHECK(has(late, "Subject: [raciflow] Daily digest for Mette Dahl: 0 new, 0 due soon, 1 overdue"));
  CHECK(has(late, "Overdue:\r\n- \"Assess the input\" in case " + w.id + " (Deviation handling), due 2026-03-07T09:00:00Z (your advice is asked)"));

  // Back to one mail per notification: no more digests, and a record of each choice.
  CHECK(w.ok({"digest", "mette", "each", "--as", "mette"}) == "mette: each\n");
  w.clock = "2026-03-09T07:00:00Z";
  w.ok({"tick"});
  auto outbox = w.cli({"outbox", "--all", "--json"}).json();
  CHECK(std::count_if(outbox.begin(), outbox.end(), [](const json& i) { return i["kind"] == "digest"; }) == 2);
  CHECK(has(w.ok({"audit", "all", "--format", "json"}), "digest_chosen"));
  auto r = w.cli({"digest", "mette", "hourly"});
  CHECK(r.code != 0);
  CHECK(has(r.err, "the digest is each, daily or weekly, not 'hourly'"));
}

TEST_CASE("the organisation's <notifications> is checked: webhook role, https, format, digest time and day, each with its line") {
  Deviation w;
  auto load = [&](const std::string& inside) { return w.cli({"org", "load", w.write("bad.xml", org_with(inside)), "--as", "anna"}); };
  auto r = load("<notifications><webhook role=\"nobody\" url=\"https://hooks.example.org/x\" format=\"slack\"/></notifications>");
  CHECK(r.code != 0);
  CHECK(has(r.err, "a webhook names unknown role 'nobody'"));
  r = load("<notifications><webhook role=\"security-committee\" url=\"http://hooks.example.org/x\" format=\"slack\"/></notifications>");
  CHECK(has(r.err, "must use https:// (http:// is taken only on the loopback)"));
  r = load("<notifications><webhook role=\"security-committee\" url=\"file:///etc/passwd\" format=\"slack\"/></notifications>");
  CHECK(has(r.err, "needs an https:// URL with a host and no user name"));
  r = load("<notifications><webhook role=\"security-committee\" url=\"https://hooks.example.org/x\" format=\"email\"/></notifications>");
  CHECK(has(r.err, "a webhook's format is teams or slack, not 'email'"));
  r = load("<notifications digest-time=\"7am\"/>");
  CHECK(has(r.err, "digest-time is HH:MM in UTC (00:00 to 23:59), not '7am'"));
  r = load("<notifications digest-day=\"mandag\"/>");
  CHECK(has(r.err, "digest-day is a weekday in English (monday ... sunday), not 'mandag'"));
  r = load("<notifications><webhook role=\"security-committee\" url=\"https://hooks.example.org/x\" format=\"slack\" secret=\"1\"/></notifications>");
  CHECK(has(r.err, "unknown attribute 'secret' on <webhook>"));
  CHECK(has(r.err, "bad.xml:"));  // each with the file and its line
  // Nothing of a refused file was loaded.
  CHECK_FALSE(w.cli({"org", "show", "--json"}).json().contains("notifications"));
}
