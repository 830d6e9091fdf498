#include "runtime/accounts.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "definitions/utf8.h"

#include "runtime/refused.h"

namespace raciflow::runtime {

using nlohmann::json;

namespace {

// scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s per derivation here).
constexpr int kLogN = 15;
constexpr int kR = 8;
constexpr int kP = 1;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kKeyBytes = 32;

std::optional<std::vector<unsigned char>> unhex(const std::string& text) {
  auto bytes = from_hex(text);
  if (!bytes) return std::nullopt;
  return std::vector<unsigned char>(bytes->begin(), bytes->end());
}

std::atomic<std::uint64_t> derivations{0};

std::vector<unsigned char> scrypt(const std::string& password, const std::vector<unsigned char>& salt, int log_n, int r,
                                  int p, std::size_t length) {
  ++derivations;
  std::vector<unsigned char> key(length);
  std::uint64_t n = std::uint64_t{1} << log_n;
  std::uint64_t memory = 128 * static_cast<std::uint64_t>(r) * (n + static_cast<std::uint64_t>(p) + 2) + 1024 * 1024;
  if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, static_cast<std::uint64_t>(r),
                     static_cast<std::uint64_t>(p), memory, key.data(), key.size()) != 1)
    throw std::runtime_error("scrypt failed in libcrypto");
  return key;
}

}  // namespace

std::string random_secret() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("no randomness from libcrypto");
  return to_hex(bytes.data(), bytes.size());
}

std::string hash_password(const std::string& password) {
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) throw std::runtime_error("no randomness from libcrypto");
  auto key = scrypt(password, salt, kLogN, kR, kP, kKeyBytes);
  return "$scrypt$ln=" + std::to_string(kLogN) + ",r=" + std::to_string(kR) + ",p=" + std::to_string(kP) + "$" +
         to_hex(salt.data(), salt.size()) + "$" + to_hex(key.data(), key.size());
}

std::uint64_t scrypt_derivations() { return derivations.load(); }

bool password_matches(const std::string& phc, const std::string& password) {
  int log_n = 0, r = 0, p = 0;
  char salt_text[129] = {}, key_text[129] = {};
  if (std::sscanf(phc.c_str(), "$scrypt$ln=%d,r=%d,p=%d$%128[0-9a-f]$%128[0-9a-f]", &log_n, &r, &p, salt_text, key_text) != 5)
    return false;
  if (log_n < 10 || log_n > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  auto salt = unhex(salt_text);
  auto key = unhex(key_text);
  if (!salt || !key || key->empty()) return false;
  auto derived = scrypt(password, *salt, log_n, r, p, key->size());
  return CRYPTO_memcmp(derived.data(), key->data(), key->size()) == 0;
}

void Accounts::record(const std::string& action, const std::string& person, const json& data) {
  AuditRecord r;
  r.time = now_text();
  r.action = action;
  r.actor = person;
  r.data = data.dump();
  append_chained(store_, {r});
}

void Accounts::set_password(const std::string& person, const std::string& password, const std::string& actor) {
  auto org = store_.organisation();
  if (!org) throw Refused("no organisation is loaded; run 'raciflow org load FILE' first");
  if (!org->find_person(person)) throw Refused("unknown person '" + person + "' (not in the organisation '" + org->name + "')");
  if (password.size() < kMinPasswordLength)
    throw Refused("the password is too short: at least " + std::to_string(kMinPasswordLength) + " characters");
  std::string phc = hash_password(password);
  auto tx = store_.begin();
  store_.put_credential({person, phc, now_text()});
  // Whoever is logged in with the old password is logged out.
  int ended = store_.remove_person_sessions(person);
  record(kPasswordSet, actor, {{"person", person}, {"sessions_ended", ended}});
  tx->commit();
}

Accounts::NewToken Accounts::create_token(const std::string& person, const std::string& name,
                                          std::optional<definitions::TimePoint> expires, const std::string& actor) {
  auto org = store_.organisation();
  if (!org) throw Refused("no organisation is loaded; run 'raciflow org load FILE' first");
  if (!org->find_person(person)) throw Refused("unknown person '" + person + "' (not in the organisation '" + org->name + "')");
  if (expires && *expires <= now_) throw Refused("the token would expire before it is created");
  NewToken out;
  out.secret = "rf_" + random_secret();
  ApiToken t;
  t.person = person;
  t.name = name;
  t.hash = sha256_hex(out.secret);
  t.created_at = now_text();
  t.expires_at = expires ? definitions::format_date_time(*expires) : "";
  auto tx = store_.begin();
  out.id = store_.add_token(t);
  record(kTokenCreated, actor, {{"person", person}, {"token", out.id}, {"name", name}, {"expires", t.expires_at}});
  tx->commit();
  return out;
}

void Accounts::revoke_token(std::int64_t id, const std::string& actor) {
  auto tx = store_.begin();
  bool found = false;
  for (const auto& t : store_.tokens()) found |= t.id == id;
  if (!found) throw Refused("no API token " + std::to_string(id));
  store_.revoke_token(id);
  record(kTokenRevoked, actor, {{"token", id}});
  tx->commit();
}

Accounts::LoginKey Accounts::login_key(const std::string& person) {
  // Made once, with a random password that is then forgotten: the same cost as a real key.
  static const std::string stand_in = hash_password(random_secret());
  auto credential = store_.credential(person);
  auto org = store_.organisation();
  if (credential && org && org->find_person(person)) return {credential->phc, true};
  return {stand_in, false};
}

std::optional<Accounts::NewSession> Accounts::finish_login(const std::string& person, const LoginKey& key, bool matched,
                                                           std::chrono::seconds lifetime, const std::string& from) {
  // The key may have changed while the password was being checked: then it no longer counts.
  auto now_key = login_key(person);
  bool ok = matched && key.real && now_key.real && now_key.phc == key.phc;
  auto tx = store_.begin();
  if (!ok) {
    record(kAccessRefused, person, {{"request", "login"}, {"from", from}, {"reason", "wrong person or password"}});
    tx->commit();
    return std::nullopt;
  }
  NewSession s{random_secret(), definitions::format_date_time(now_ + lifetime)};
  store_.remove_sessions("", now_text());
  store_.add_session({sha256_hex(s.secret), person, now_text(), s.expires_at});
  record(kLoggedIn, person, {{"from", from}, {"expires", s.expires_at}});
  tx->commit();
  return s;
}

std::string Accounts::logout(const std::string& secret) {
  auto tx = store_.begin();
  auto session = store_.find_session(sha256_hex(secret));
  store_.remove_sessions(sha256_hex(secret), now_text());
  if (session) record(kLoggedOut, session->person, json::object());
  tx->commit();
  return session ? session->end_session : "";
}

std::optional<std::string> Accounts::session_person(const std::string& secret) {
  auto s = store_.find_session(sha256_hex(secret));
  if (!s || s->expires_at <= now_text()) return std::nullopt;
  return s->person;
}

std::string Accounts::issue_calendar_feed(const std::string& person, const std::string& actor) {
  auto org = store_.organisation();
  if (!org) throw Refused("no organisation is loaded; run 'raciflow org load FILE' first");
  if (!org->find_person(person)) throw Refused("unknown person '" + person + "' (not in the organisation '" + org->name + "')");
  std::string secret = random_secret();
  auto tx = store_.begin();
  bool replaced = store_.calendar_feed(person).has_value();
  store_.put_calendar_feed({person, sha256_hex(secret), now_text(), actor, "", 0});
  record(kCalendarFeedIssued, actor, {{"person", person}, {"replaced", replaced}});
  tx->commit();
  return secret;
}

bool Accounts::revoke_calendar_feed(const std::string& person, const std::string& actor) {
  auto tx = store_.begin();
  if (!store_.calendar_feed(person)) return false;
  store_.remove_calendar_feed(person);
  record(kCalendarFeedRevoked, actor, {{"person", person}});
  tx->commit();
  return true;
}

std::optional<std::string> Accounts::calendar_feed_person(const std::string& secret) {
  auto feed = store_.calendar_feed_by_hash(sha256_hex(secret));
  if (!feed) return std::nullopt;
  return feed->person;
}

void Accounts::calendar_feed_read(const std::string& person, const std::string& from) {
  auto tx = store_.begin();
  auto feed = store_.calendar_feed(person);
  if (!feed) return;
  ++feed->reads;
  std::string now = now_text();
  bool record_now = feed->recorded_at.empty() ||
                    definitions::parse_date_time(feed->recorded_at).value_or(now_) + std::chrono::hours(24) <= now_;
  if (record_now) {
    record(kCalendarFeedRead, person, {{"person", person}, {"reads", feed->reads}, {"from", definitions::valid_utf8(from)}});
    feed->recorded_at = now;
    feed->reads = 0;
  }
  store_.put_calendar_feed(*feed);
  tx->commit();
}

std::optional<std::string> Accounts::token_person(const std::string& secret) {
  auto t = store_.find_token(sha256_hex(secret));
  if (!t || t->revoked || (!t->expires_at.empty() && t->expires_at <= now_text())) return std::nullopt;
  return t->person;
}

void Accounts::record_refusal_data(const json& data) {
  auto tx = store_.begin();
  record(kAccessRefused, "", data);
  tx->commit();
}

void Accounts::record_login_lock(const std::string& scope, const std::string& key, const std::string& until, int failures) {
  auto tx = store_.begin();
  record(kLoginLocked, scope == "person" ? definitions::valid_utf8(key) : "",
         {{"scope", scope}, {scope, definitions::valid_utf8(key)}, {"until", until}, {"failures", failures}});
  tx->commit();
}

void Accounts::record_refusal(const std::string& person, const std::string& request, const std::string& reason) {
  auto tx = store_.begin();
  // What the client sent is recorded as sent, with bytes that are not UTF-8 replaced.
  record(kAccessRefused, definitions::valid_utf8(person), {{"request", definitions::valid_utf8(request)}, {"reason", definitions::valid_utf8(reason)}});
  tx->commit();
}

void Accounts::record_supervision(bool granted, const std::string& supervisor, const std::string& by) {
  auto tx = store_.begin();
  record(granted ? kSupervisionGranted : kSupervisionRevoked, definitions::valid_utf8(by), {{"supervisor", supervisor}});
  tx->commit();
}

void Accounts::record_sso_configured(const std::string& issuer, const std::string& client_id, const std::string& by) {
  auto tx = store_.begin();
  record(kSsoConfigured, definitions::valid_utf8(by),
         {{"issuer", definitions::valid_utf8(issuer)}, {"clientId", definitions::valid_utf8(client_id)}, {"enabled", !issuer.empty()}});
  tx->commit();
}

void Accounts::record_supervisor_read(const std::string& supervisor, const std::string& person, const std::string& request) {
  auto tx = store_.begin();
  record(kSupervisorRead, definitions::valid_utf8(supervisor + "/" + person),
         {{"supervisor", supervisor}, {"person", definitions::valid_utf8(person)}, {"request", definitions::valid_utf8(request)}});
  tx->commit();
}

}  // namespace raciflow::runtime
