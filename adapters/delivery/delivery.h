// Delivery of the notification outbox: reminders, escalations, consultations and "informed"
// notices go to the people who hold the item's role, to a log file and/or by e-mail over
// SMTP (libcurl).
//
// Delivery never runs inside a store transaction: pending items are read in one short
// read, sent, and each result is written in a short write of its own, so a slow mail server
// never holds up the engine. A failed attempt is retried with exponential backoff (1 min,
// 2 min, 4 min ... at most 6 h) and given up after `max_attempts`. An item is marked
// delivered only after every configured channel took it; a crash between sending and
// marking can send it once more, so each e-mail carries a Message-ID made from the item's
// id for the receiving side to drop duplicates.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "definitions/iso8601.h"
#include "runtime/service.h"
#include "runtime/store.h"

namespace raciflow::delivery {

struct Settings {
  std::string log_file;        // append one JSON line per delivered item
  std::string smtp_url;        // smtp://host:port (smtps:// for TLS)
  std::string from = "raciflow@localhost";
  std::string base_url;        // the web app's address, for links in messages; may be empty
  int max_attempts = 8;
  int batch = 100;             // items per round
  long timeout_seconds = 20;   // per SMTP conversation
};

struct Message {
  std::vector<std::string> to;  // e-mail addresses
  std::vector<std::string> people;  // person ids, for the log
  std::string subject;
  std::string body;
};

struct Pending {
  runtime::OutboxItem item;
  Message message;
};

struct Result {
  int delivered = 0, failed = 0, given_up = 0;
};

// The due items, claimed for this delivery until `now` + kClaim (Store::claim_outbox), and
// their messages; inside the caller's write transaction. Another process delivering at
// the same time gets other items; an item whose delivery never reports back (the process
// died) is due again when its claim runs out.
inline constexpr std::chrono::minutes kClaim{5};
std::vector<Pending> prepare(runtime::Store& store, definitions::TimePoint now, const Settings& settings);

// Sends one item on every configured channel; returns the item with its new delivery state.
runtime::OutboxItem attempt(const Pending& pending, definitions::TimePoint now, const Settings& settings);

// One round for the CLI: prepare, attempt each, record each result in its own transaction.
Result deliver_once(runtime::Store& store, definitions::TimePoint now, const Settings& settings);

// The SMTP conversation alone (exposed for tests): throws std::runtime_error on failure.
void send_mail(const Settings& settings, const Message& message, const std::string& message_id);

// The server's courier: a thread of its own that delivers every `interval`, reading through
// the service's read connections and recording each result through its writer.
class Courier {
 public:
  Courier(runtime::Service& service, Settings settings, std::chrono::milliseconds interval,
          std::function<void(const std::string&)> log);
  ~Courier();  // stop()
  void stop();

 private:
  void loop();
  runtime::Service& service_;
  Settings settings_;
  std::chrono::milliseconds interval_;
  std::function<void(const std::string&)> log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace raciflow::delivery
