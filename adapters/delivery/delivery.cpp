#include "adapters/delivery/delivery.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <stdexcept>

#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "runtime/runtime.h"

namespace raciflow::delivery {

using definitions::TimePoint;
using nlohmann::json;

namespace {

constexpr int kMaxBackoffMinutes = 6 * 60;

std::string one_line(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return text;
}

// RFC 2047 encoded-word for a header with non-ASCII text.
std::string header_text(const std::string& text) {
  if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return text;
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(n));
  return "=?UTF-8?B?" + out + "?=";
}

// RFC 5322 date: Mon, 02 Mar 2026 09:00:00 +0000
std::string mail_date(TimePoint t) {
  using namespace std::chrono;
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day_point = floor<days>(t);
  year_month_day ymd{day_point};
  hh_mm_ss hms{t - day_point};
  char text[64];
  std::snprintf(text, sizeof text, "%s, %02u %s %04d %02d:%02d:%02d +0000", kDays[weekday{day_point}.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return text;
}

// `digested`: the people who take digests instead of a mail per item.
Message message_for(const runtime::OutboxItem& item, const std::optional<runtime::TaskRow>& task,
                    const std::optional<runtime::Organisation>& org, const Settings& settings, const std::string& process_name,
                    const std::set<std::string>& digested, bool& no_mail) {
  Message m;
  bool addressed = false;
  if (org)
    for (const auto* p : org->members(item.role)) {
      m.people.push_back(p->id);
      if (p->email.empty()) continue;
      addressed = true;
      if (!digested.count(p->id)) m.to.push_back(p->email);
    }
  no_mail = addressed && m.to.empty();
  // In the organisation's language, with the step, the process and the role by their names.
  const bool da = org && org->language == "da";
  const runtime::OrgRole* r = org ? org->find_role(item.role) : nullptr;
  std::string role = r && !r->name.empty() ? r->name : item.role;
  std::string name = task ? (task->task.name.empty() ? task->task.node_id : task->task.name) : item.node;
  std::string due = task && task->task.due ? definitions::format_date_time(*task->task.due) : "";
  std::string process = process_name.empty() && task ? task->process : process_name;
  std::string where = (da ? "sag " : "case ") + item.case_id + (process.empty() ? "" : " (" + process + ")");
  std::string ref = item.task ? (da ? "Opgaven " : "Task ") + std::to_string(item.task) : (da ? "Trinnet" : "The step");
  if (item.kind == "reminder") {
    m.subject = da ? "Påmindelse: \"" + name + "\" har frist " + due : "Reminder: \"" + name + "\" is due " + due;
    m.body = da ? ref + " \"" + name + "\" i " + where + " har frist " + due + ".\nDen ligger i indbakken hos " + role + " (udførende)."
                : ref + " \"" + name + "\" in " + where + " is due " + due + ".\nIt is in the inbox of " + role + " (Responsible).";
  } else if (item.kind == "escalation") {
    m.subject = da ? "Eskalering: \"" + name + "\" havde frist " + due : "Escalation: \"" + name + "\" was due " + due;
    m.body = da ? ref + " \"" + name + "\" i " + where + " havde frist " + due + " og er ikke udført.\nDen går til " + role +
                      " som den ansvarlige rolle (A)."
                : ref + " \"" + name + "\" in " + where + " was due " + due + " and is not done.\nIt comes to " + role +
                      " as the Accountable role.";
  } else if (item.kind == "consultation") {
    m.subject = da ? "Jeres råd søges: \"" + name + "\"" : "Your advice is asked: \"" + name + "\"";
    m.body = da ? ref + " \"" + name + "\" i " + where + " beder " + role + " om at blive konsulteret (C), før den udføres."
                : ref + " \"" + name + "\" in " + where + " asks " + role + " to be consulted (C) before it is done.";
  } else {
    m.subject = da ? "Til orientering: \"" + name + "\" er udført" : "For information: \"" + name + "\" is done";
    m.body = da ? ref + " \"" + name + "\" i " + where + " er udført; " + role + " skal informeres (I)."
                : ref + " \"" + name + "\" in " + where + " is done; " + role + " is to be informed (I).";
  }
  if (!settings.base_url.empty())
    m.body += "\n\n" + settings.base_url + (item.task ? "/#/task/" + std::to_string(item.task) : "/#/case/" + item.case_id);
  m.subject = one_line("[raciflow] " + m.subject);
  return m;
}

std::string task_link(const Settings& settings, std::int64_t task, const std::string& case_id) {
  if (settings.base_url.empty()) return "";
  return "\n  " + settings.base_url + (task ? "/#/task/" + std::to_string(task) : "/#/case/" + case_id);
}

// A digest in the organisation's language: the notifications of its period, then the tasks
// due within the period ahead, then those overdue, each with its step, process and case.
Message digest_message(const runtime::Digest& d, const Settings& settings, bool& no_mail) {
  Message m;
  m.people.push_back(d.person);
  if (!d.email.empty()) m.to.push_back(d.email);
  const bool da = d.language == "da";
  const bool weekly = d.choice == "weekly";
  auto kind = [&](const std::string& k) -> std::string {
    if (k == "reminder") return da ? "Påmindelse" : "Reminder";
    if (k == "escalation") return da ? "Eskalering" : "Escalation";
    if (k == "consultation") return da ? "Jeres råd søges" : "Your advice is asked";
    return da ? "Til orientering" : "For information";
  };
  auto role = [&](const std::string& id) { return d.role_names.count(id) ? d.role_names.at(id) : id; };
  auto where = [&](const std::string& case_id, const std::string& process) {
    return (da ? "sag " : "case ") + case_id + (process.empty() ? "" : " (" + process + ")");
  };
  std::string n = std::to_string(d.news.size()), soon = std::to_string(d.due_soon.size()), late = std::to_string(d.overdue.size());
  m.subject = da ? (weekly ? "Ugentligt overblik for " : "Dagligt overblik for ") + d.person_name + ": " + n + " nye, " + soon +
                       " med frist snart, " + late + " overskredet"
                 : (weekly ? "Weekly digest for " : "Daily digest for ") + d.person_name + ": " + n + " new, " + soon + " due soon, " +
                       late + " overdue";
  m.subject = one_line("[raciflow] " + m.subject);
  std::string& b = m.body;
  b = (da ? "Nyt siden " : "New since ") + d.from + ":\n";
  if (d.news.empty()) b += da ? "  intet\n" : "  nothing\n";
  for (const auto& x : d.news)
    b += "- " + kind(x.item.kind) + ": \"" + x.step + "\" " + (da ? "i " : "in ") + where(x.item.case_id, x.process) + ", " +
         (da ? "til " : "to ") + role(x.item.role) + task_link(settings, x.item.task, x.item.case_id) + "\n";
  auto tasks = [&](const char* en, const char* dk, const std::vector<runtime::PersonalCalendar::Item>& list) {
    b += std::string("\n") + (da ? dk : en) + ":\n";
    if (list.empty()) b += da ? "  ingen\n" : "  none\n";
    for (const auto& t : list) {
      const auto& task = t.task.task;
      std::string name = task.name.empty() ? task.node_id : task.name;
      b += "- \"" + name + "\" " + (da ? "i " : "in ") + where(t.task.case_id, t.process_name) + ", " + (da ? "frist " : "due ") +
           definitions::format_date_time(*task.due) +
           (t.why == "consulted" ? (da ? " (jeres råd søges)" : " (your advice is asked)") : "") +
           task_link(settings, t.task.id, t.task.case_id) + "\n";
    }
  };
  tasks(weekly ? "Due within a week" : "Due within a day", weekly ? "Frist inden for en uge" : "Frist inden for et døgn", d.due_soon);
  tasks("Overdue", "Overskredet", d.overdue);
  no_mail = d.news.empty() && d.due_soon.empty() && d.overdue.empty();
  return m;
}

std::string channel_of(const std::string& url) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(url.data(), url.size(), digest, &size, EVP_sha256(), nullptr);
  static const char* const kHex = "0123456789abcdef";
  std::string out = "webhook-";
  for (int i = 0; i < 6; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

bool took(const std::string& sent, const std::string& channel) {
  std::size_t at = 0;
  while ((at = sent.find(channel, at)) != std::string::npos) {
    bool starts = at == 0 || sent[at - 1] == ' ', ends = at + channel.size() == sent.size() || sent[at + channel.size()] == ' ';
    if (starts && ends) return true;
    at += channel.size();
  }
  return false;
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

struct Upload {
  std::string data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

void write_log(const Settings& settings, const Pending& p, TimePoint now) {
  std::ofstream log(settings.log_file, std::ios::app);
  if (!log) throw std::runtime_error("cannot open the delivery log " + settings.log_file);
  log << json{{"time", definitions::format_date_time(now)}, {"outbox", p.item.id}, {"kind", p.item.kind}, {"case", p.item.case_id},
              {"task", p.item.task}, {"role", p.item.role}, {"to", p.message.people}, {"subject", p.message.subject}}
             .dump()
      << "\n";
  log.flush();
  if (!log) throw std::runtime_error("cannot write the delivery log " + settings.log_file);
}

}  // namespace

void send_mail(const Settings& settings, const Message& message, const std::string& message_id) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (message.to.empty()) throw std::runtime_error("no recipient has an e-mail address");
  Upload upload;
  std::string to;
  for (const auto& a : message.to) to += (to.empty() ? "" : ", ") + one_line(a);
  upload.data = "Date: " + mail_date(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())) + "\r\n" +
                "From: " + one_line(settings.from) + "\r\nTo: " + to + "\r\nSubject: " + header_text(one_line(message.subject)) +
                "\r\nMessage-ID: <" + message_id + ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                "Content-Transfer-Encoding: 8bit\r\n\r\n";
  std::string body = message.body;
  for (std::size_t i = 0; i < body.size(); ++i) upload.data += body[i] == '\n' ? std::string("\r\n") : std::string(1, body[i]);
  upload.data += "\r\n";
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("cannot start an SMTP session");
  curl_slist* recipients = nullptr;
  for (const auto& a : message.to) recipients = curl_slist_append(recipients, ("<" + one_line(a) + ">").c_str());
  std::string from = "<" + one_line(settings.from) + ">";
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, settings.smtp_url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, settings.timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, std::min(settings.timeout_seconds, 10L));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) throw std::runtime_error(std::string("SMTP: ") + (*error ? error : curl_easy_strerror(code)));
}

std::string webhook_body(const std::string& format, const Message& message) {
  if (format == "teams") {
    // An Office 365 connector card; its text is markdown, where a paragraph needs a blank line.
    std::string text;
    for (char c : message.body) text += c == '\n' ? std::string("\n\n") : std::string(1, c);
    return json{{"@type", "MessageCard"}, {"@context", "https://schema.org/extensions"}, {"summary", message.subject},
                {"title", message.subject}, {"text", text}}
        .dump();
  }
  // Slack's text: &, < and > are its control characters and are escaped.
  std::string text;
  for (char c : message.subject + "\n" + message.body)
    text += c == '&' ? std::string("&amp;") : c == '<' ? std::string("&lt;") : c == '>' ? std::string("&gt;") : std::string(1, c);
  return json{{"text", text}}.dump();
}

void post_webhook(const Settings& settings, const Hook& hook, const Message& message, const std::string& key) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string body = webhook_body(hook.format, message);
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("cannot start an HTTP session");
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json; charset=utf-8");
  headers = curl_slist_append(headers, ("Idempotency-Key: " + key).c_str());
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, hook.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");  // never file:, smtp: or the like
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);          // a redirect is an answer, not a new address
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, settings.timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, std::min(settings.timeout_seconds, 10L));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  std::string where = runtime::shown_url(hook.url);
  if (code != CURLE_OK) throw std::runtime_error("webhook " + where + ": " + (*error ? error : curl_easy_strerror(code)));
  if (status < 200 || status > 299) throw std::runtime_error("webhook " + where + ": HTTP " + std::to_string(status));
}

namespace {
bool has_channel(const std::optional<runtime::Organisation>& org, const Settings& settings) {
  return !settings.log_file.empty() || !settings.smtp_url.empty() || (org && !org->webhooks.empty());
}
}  // namespace

bool has_channel(runtime::Store& store, const Settings& settings) { return has_channel(store.organisation(), settings); }

std::vector<Pending> prepare(runtime::Store& store, TimePoint now, const Settings& settings) {
  std::vector<Pending> out;
  auto org = store.organisation();
  if (!has_channel(org, settings)) return out;
  std::set<std::string> digested;
  for (const auto& c : store.digest_choices()) digested.insert(c.person);
  std::unique_ptr<runtime::Runtime> reader;  // for digests' content, made when one is due
  for (auto& item : store.claim_outbox(definitions::format_date_time(now), definitions::format_date_time(now + kClaim), settings.batch)) {
    Pending p;
    if (item.kind == "digest") {
      if (!reader) reader = std::make_unique<runtime::Runtime>(store, now);
      p.message = digest_message(reader->digest(item), settings, p.no_mail);
    } else {
      auto task = item.task ? store.find_task(item.task) : std::nullopt;
      std::string process;
      if (task)
        if (auto d = store.definition(task->process, task->version)) process = d->name;
      p.message = message_for(item, task, org, settings, process, digested, p.no_mail);
      if (org)
        for (const auto& w : org->webhooks)
          if (w.role == item.role) p.hooks.push_back({channel_of(w.url), w.url, w.format});
    }
    p.item = std::move(item);
    out.push_back(std::move(p));
  }
  return out;
}

runtime::OutboxItem attempt(const Pending& p, TimePoint now, const Settings& settings,
                            const std::function<void(const runtime::OutboxItem&)>& record) {
  runtime::OutboxItem item = p.item;
  const bool mail = !settings.smtp_url.empty() && !p.no_mail;
  const bool no_channel = settings.smtp_url.empty() && p.hooks.empty() && settings.log_file.empty();
  auto sent = [&](const std::string& channel) {
    item.sent += (item.sent.empty() ? "" : " ") + channel;
    if (record) record(item);
  };
  try {
    if (no_channel)
      throw std::runtime_error(p.item.kind == "digest" ? "no channel takes a digest: give an SMTP server or a log"
                                                       : "no channel takes it: no SMTP server, no log and no webhook for role '" +
                                                             p.item.role + "'");
    std::string key = "outbox-" + std::to_string(item.id) + "@raciflow";
    for (const auto& hook : p.hooks)
      if (!took(item.sent, hook.channel)) {
        post_webhook(settings, hook, p.message, key);
        sent(hook.channel);
      }
    if (mail && !took(item.sent, "mail")) {
      send_mail(settings, p.message, key);
      sent("mail");
    }
    if (!settings.log_file.empty() && !took(item.sent, "log")) {
      write_log(settings, p, now);
      sent("log");
    }
    item.status = "delivered";
    item.delivered_at = definitions::format_date_time(now);
    item.next_attempt.clear();  // the claim's end: moot once delivered
    item.last_error.clear();
  } catch (const std::exception& e) {
    ++item.attempts;
    item.last_error = one_line(e.what());
    bool hopeless = (mail && p.message.to.empty()) || no_channel;
    if (item.attempts >= settings.max_attempts || hopeless) {
      item.status = "failed";
    } else {
      int minutes = std::min(kMaxBackoffMinutes, 1 << std::min(item.attempts - 1, 20));
      item.next_attempt = definitions::format_date_time(now + std::chrono::minutes(minutes));
    }
  }
  return item;
}

Result deliver_once(runtime::Store& store, TimePoint now, const Settings& settings) {
  std::vector<Pending> pending;
  {
    auto tx = store.begin();
    pending = prepare(store, now, settings);
    tx->commit();
  }
  Result result;
  auto record = [&](const runtime::OutboxItem& item) {
    auto tx = store.begin();
    store.update_outbox(item);
    tx->commit();
  };
  for (const auto& p : pending) {
    auto item = attempt(p, now, settings, record);
    record(item);
    if (item.status == "delivered") ++result.delivered;
    else if (item.status == "failed") ++result.given_up;
    else ++result.failed;
  }
  return result;
}

Courier::Courier(runtime::Service& service, Settings settings, std::chrono::milliseconds interval,
                 std::function<void(const std::string&)> log)
    : service_(service), settings_(std::move(settings)), interval_(interval), log_(std::move(log)) {
  thread_ = std::thread([this] { loop(); });
}

Courier::~Courier() { stop(); }

void Courier::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Courier::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      auto [pending, now] = service_.write([&](runtime::Service::Context& c) {
        auto tx = c.store.begin();
        auto claimed = std::pair{prepare(c.store, c.now, settings_), c.now};
        tx->commit();
        return claimed;
      });
      auto record = [this](const runtime::OutboxItem& item) {
        service_.write([item](runtime::Service::Context& c) {
          auto tx = c.store.begin();
          c.store.update_outbox(item);
          tx->commit();
          return 0;
        });
      };
      for (const auto& p : pending) {
        auto item = attempt(p, now, settings_, record);
        if (item.status != "delivered") log_("delivery of notification " + std::to_string(item.id) + " failed: " + item.last_error);
        record(item);
        std::lock_guard check(mutex_);
        if (stopping_) break;
      }
    } catch (const std::exception& e) {
      log_(std::string("delivery: ") + e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace raciflow::delivery
