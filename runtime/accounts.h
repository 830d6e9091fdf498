// Who is asking: people's passwords, their API tokens and browser sessions.
//
// Passwords are kept only as scrypt keys (OpenSSL's libcrypto) with a random salt; API
// tokens and session cookies are random secrets of which only the SHA-256 is kept, so
// that a copy of the database does not let anyone log in. Setting a password, creating
// or revoking a token, logging in and out, and every refused attempt are records in the
// audit trail.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "definitions/iso8601.h"
#include "runtime/store.h"

namespace raciflow::runtime {


// Audit actions of this module.
inline constexpr const char* kPasswordSet = "password_set";
inline constexpr const char* kTokenCreated = "token_created";
inline constexpr const char* kTokenRevoked = "token_revoked";
inline constexpr const char* kLoggedIn = "logged_in";
inline constexpr const char* kLoggedOut = "logged_out";
inline constexpr const char* kAccessRefused = "access_refused";
inline constexpr const char* kLoginLocked = "login_locked";
inline constexpr const char* kSupervisionGranted = "supervision_granted";
inline constexpr const char* kSupervisionRevoked = "supervision_revoked";
inline constexpr const char* kSupervisorRead = "supervisor_read";
inline constexpr const char* kSsoLogin = "sso_login";
inline constexpr const char* kSsoRefused = "sso_refused";
inline constexpr const char* kSsoRolesChanged = "sso_roles_changed";
inline constexpr const char* kSsoPersonCreated = "sso_person_created";
inline constexpr const char* kSsoConfigured = "sso_configured";
inline constexpr const char* kCalendarFeedIssued = "calendar_feed_issued";
inline constexpr const char* kCalendarFeedRevoked = "calendar_feed_revoked";
inline constexpr const char* kCalendarFeedRead = "calendar_feed_read";

// Who a single sign-on login is, as the identity provider's verified ID token says.
struct SsoIdentity {
  std::string issuer, subject, email, name;
  bool email_verified = false;
  std::vector<std::string> groups;
};

// "$scrypt$ln=15,r=8,p=1$<salt hex>$<key hex>" for `password`, with a fresh salt.
std::string hash_password(const std::string& password);
// Whether `password` derives the key in `phc` (compared in constant time). One scrypt
// derivation: slow on purpose (about 0.1 s, 32 MiB), so run it off the writer thread.
bool password_matches(const std::string& phc, const std::string& password);
// How many scrypt derivations this process has run (tests count the work of a login).
std::uint64_t scrypt_derivations();
// A fresh random secret: 32 bytes from the CSPRNG, as 64 hex digits.
std::string random_secret();

class Accounts {
 public:
  Accounts(Store& store, definitions::TimePoint now) : store_(store), now_(now) {}
  void set_now(definitions::TimePoint now) { now_ = now; }

  // Refused (refused.h) for a person not in the organisation or a password shorter than
  // kMinPasswordLength.
  static constexpr std::size_t kMinPasswordLength = 12;  // OWASP ASVS 2.1.1
  void set_password(const std::string& person, const std::string& password, const std::string& actor);

  struct NewToken {
    std::int64_t id = 0;
    std::string secret;  // shown once; only its hash is stored
  };
  NewToken create_token(const std::string& person, const std::string& name, std::optional<definitions::TimePoint> expires,
                        const std::string& actor);
  void revoke_token(std::int64_t id, const std::string& actor);

  // A person's calendar feed (GET /api/calendar/SECRET.ics): a secret that reads that
  // person's feed and nothing else. Issuing one replaces the person's previous feed; the
  // secret is shown once (only its hash is kept). Refused for a person not in the
  // organisation.
  std::string issue_calendar_feed(const std::string& person, const std::string& actor);
  // Whether the person had a feed to revoke.
  bool revoke_calendar_feed(const std::string& person, const std::string& actor);
  // Whose feed `secret` opens, if any.
  std::optional<std::string> calendar_feed_person(const std::string& secret);
  // Counts a read of the person's feed (`from`: the client's address) and records it in the
  // trail at most once a day, with the number of reads since the last record: calendar
  // clients poll every few minutes.
  void calendar_feed_read(const std::string& person, const std::string& from);

  // A login in three steps, so that the slow one runs on no thread that others wait for:
  // login_key() reads what to check the password against; password_matches(key.phc,
  // password) checks it, anywhere; finish_login() opens the session or records the
  // refusal. A person who is not in the organisation or has no password gets a stand-in
  // key of the same cost, so that a login takes the same work whoever is named.
  struct LoginKey {
    std::string phc;
    bool real = false;  // false: the stand-in, which no password opens
  };
  LoginKey login_key(const std::string& person);
  struct NewSession {
    std::string secret;
    std::string expires_at;
  };
  // A session when the password matched the person's key and that key is still theirs;
  // else nullopt and a refusal record.
  std::optional<NewSession> finish_login(const std::string& person, const LoginKey& key, bool matched, std::chrono::seconds lifetime,
                                         const std::string& from);
  // Ends the session; returns where the browser goes next to end the provider's session
  // too (the session's end_session), or "".
  std::string logout(const std::string& session_secret);

  // A single sign-on login (sso_login.cpp): finds the person by the provider's subject,
  // else by a verified e-mail (and then keeps the subject), recomputes what the groups
  // grant (a sso_roles_changed record when it changes), opens a session for `lifetime`
  // and records sso_login. An unknown person is refused (Refused, recorded) unless
  // `create_people`: then they are added with no role and no access.
  struct SsoSession {
    std::string person;
    NewSession session;
  };
  SsoSession sso_login(const SsoIdentity& who, bool create_people, std::chrono::seconds lifetime, const std::string& from,
                       const std::string& end_session);
  // Records a refused single sign-on login: `reason` is a code (bad_signature, ...).
  void record_sso_refusal(const std::string& reason, const std::string& message, const std::string& from,
                          const std::string& subject = "");

  // The person a session cookie or a bearer token stands for, when it is valid now.
  std::optional<std::string> session_person(const std::string& secret);
  std::optional<std::string> token_person(const std::string& secret);

  // Records a refused request (not logged in, or not allowed) in the audit trail.
  void record_refusal(const std::string& person, const std::string& request, const std::string& reason);
  // Records an access_refused record with these fields (e.g. a sum of refusals held back).
  void record_refusal_data(const nlohmann::json& data);
  // Records that logins for a person name or from an address are locked until a time.
  void record_login_lock(const std::string& scope, const std::string& key, const std::string& until, int failures);
  // Records in this organisation's trail that another may now read it, or no longer
  // (`granted`), as the installation's operator `by` decided.
  void record_supervision(bool granted, const std::string& supervisor, const std::string& by);
  // The installation's operator set (or, with an empty issuer, removed) the organisation's
  // identity provider (tenant sso).
  void record_sso_configured(const std::string& issuer, const std::string& client_id, const std::string& by);
  // Records that a person of a supervising organisation read this one's `request`.
  void record_supervisor_read(const std::string& supervisor, const std::string& person, const std::string& request);

 private:
  std::string now_text() const { return definitions::format_date_time(now_); }
  void record(const std::string& action, const std::string& person, const nlohmann::json& data);

  Store& store_;
  definitions::TimePoint now_;
};

}  // namespace raciflow::runtime
