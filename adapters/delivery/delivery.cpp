#include "adapters/delivery/delivery.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <mutex>
#include <stdexcept>

#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

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

Message message_for(const runtime::OutboxItem& item, const std::optional<runtime::TaskRow>& task,
                    const std::optional<runtime::Organisation>& org, const Settings& settings, const std::string& process_name) {
  Message m;
  if (org)
    for (const auto* p : org->members(item.role)) {
      m.people.push_back(p->id);
      if (!p->email.empty()) m.to.push_back(p->email);
    }
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

std::vector<Pending> prepare(runtime::Store& store, TimePoint now, const Settings& settings) {
  std::vector<Pending> out;
  auto org = store.organisation();
  for (auto& item : store.claim_outbox(definitions::format_date_time(now), definitions::format_date_time(now + kClaim), settings.batch)) {
    auto task = item.task ? store.find_task(item.task) : std::nullopt;
    std::string process;
    if (task)
      if (auto d = store.definition(task->process, task->version)) process = d->name;
    Message message = message_for(item, task, org, settings, process);
    out.push_back({std::move(item), std::move(message)});
  }
  return out;
}

runtime::OutboxItem attempt(const Pending& p, TimePoint now, const Settings& settings) {
  runtime::OutboxItem item = p.item;
  try {
    if (!settings.smtp_url.empty()) send_mail(settings, p.message, "outbox-" + std::to_string(item.id) + "@raciflow");
    if (!settings.log_file.empty()) write_log(settings, p, now);
    item.status = "delivered";
    item.delivered_at = definitions::format_date_time(now);
    item.next_attempt.clear();  // the claim's end: moot once delivered
    item.last_error.clear();
  } catch (const std::exception& e) {
    ++item.attempts;
    item.last_error = one_line(e.what());
    bool hopeless = p.message.to.empty() && !settings.smtp_url.empty();
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
  for (const auto& p : pending) {
    auto item = attempt(p, now, settings);
    auto tx = store.begin();
    store.update_outbox(item);
    tx->commit();
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
      for (const auto& p : pending) {
        auto item = attempt(p, now, settings_);
        if (item.status != "delivered") log_("delivery of notification " + std::to_string(item.id) + " failed: " + item.last_error);
        service_.write([item](runtime::Service::Context& c) {
          auto tx = c.store.begin();
          c.store.update_outbox(item);
          tx->commit();
          return 0;
        });
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
