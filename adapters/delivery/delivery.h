// Delivery of the notification outbox: reminders, escalations, consultations and "informed"
// notices go to the people who hold the item's role, to a log file, by e-mail over SMTP,
// and to the role's chat webhooks (Microsoft Teams, Slack) as a JSON POST (libcurl). A
// person who takes a digest gets no mail per item; their digest is an item of its own
// (kind "digest") with what is new, due soon and overdue.
//
// Delivery never runs inside a store transaction: pending items are claimed in one short
// write, sent, and each result is written in a short write of its own, so a slow server
// never holds up the engine. Each channel that takes an item is recorded at once (the
// item's `sent`), so a retry or a deliverer that takes over after a crash sends only to
// the channels still missing. A failed attempt is retried with exponential backoff (1 min,
// 2 min, 4 min ... at most 6 h) and given up after `max_attempts`. What remains is the
// moment between a server's answer and that record: a crash there sends to that one channel
// again, so each e-mail carries a Message-ID and each POST an Idempotency-Key made from the
// item's id for the receiving side to drop the duplicate.
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

// One of the role's webhooks, with the channel name `sent` records it by.
struct Hook {
  std::string channel;  // webhook-<first 12 hex digits of the URL's SHA-256>
  std::string url;
  std::string format;   // teams or slack
};

struct Pending {
  runtime::OutboxItem item;
  Message message;
  std::vector<Hook> hooks;
  // No mail is owed: every member with an address takes digests, or the digest is empty.
  bool no_mail = false;
};

struct Result {
  int delivered = 0, failed = 0, given_up = 0;
};

// The due items, claimed for this delivery until `now` + kClaim (Store::claim_outbox), and
// their messages; inside the caller's write transaction. Another process delivering at
// the same time gets other items; an item whose delivery never reports back (the process
// died) is due again when its claim runs out.
// Without a log, an SMTP server or a webhook in the organisation nothing is claimed.
inline constexpr std::chrono::minutes kClaim{5};
bool has_channel(runtime::Store& store, const Settings& settings);
std::vector<Pending> prepare(runtime::Store& store, definitions::TimePoint now, const Settings& settings);

// Sends one item on every channel that has not taken it yet; returns the item with its new
// delivery state. `record`, when given, is called with the item each time a channel took
// it, to keep that in the store before the next channel is tried.
runtime::OutboxItem attempt(const Pending& pending, definitions::TimePoint now, const Settings& settings,
                            const std::function<void(const runtime::OutboxItem&)>& record = nullptr);

// One round for the CLI: prepare, attempt each, record each result in its own transaction.
Result deliver_once(runtime::Store& store, definitions::TimePoint now, const Settings& settings);

// The SMTP conversation alone (exposed for tests): throws std::runtime_error on failure.
void send_mail(const Settings& settings, const Message& message, const std::string& message_id);
// One POST to a webhook; a 2xx answer is success, anything else throws std::runtime_error
// naming the URL only by its scheme and host.
void post_webhook(const Settings& settings, const Hook& hook, const Message& message, const std::string& key);
// The JSON a webhook of `format` takes: Slack's {"text"}, Teams' MessageCard.
std::string webhook_body(const std::string& format, const Message& message);

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
