// Accounts: the single sign-on login, once the identity provider's ID token is verified
// (the adapters' oidc.h does that): who it is, what their groups grant, their session.
#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "runtime/accounts.h"
#include "runtime/audit.h"
#include "runtime/organisation.h"
#include "runtime/refused.h"

namespace raciflow::runtime {

using nlohmann::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The person this login is: by subject, else by an e-mail the provider says it verified
// (`email_verified`: Entra ID does not send it, and its e-mail can be set by the user's own
// tenant) of a person the file has not bound to another subject.
Person* find_login(Organisation& org, const SsoIdentity& who) {
  for (auto& p : org.people)
    if (!p.subject.empty() && p.subject == who.subject) return &p;
  if (who.email.empty() || !who.email_verified) return nullptr;
  Person* found = nullptr;
  for (auto& p : org.people)
    if (p.subject.empty() && !p.email.empty() && lower(p.email) == lower(who.email)) {
      if (found) return nullptr;  // two people with one address: neither
      found = &p;
    }
  return found;
}

// A person id for someone a login makes: the e-mail's local part, else the subject, in
// the characters ids are made of, unique in the organisation.
std::string new_person_id(const Organisation& org, const SsoIdentity& who) {
  std::string base = who.email.empty() ? who.subject : who.email.substr(0, who.email.find('@'));
  std::string id;
  for (unsigned char c : lower(base))
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_') id += static_cast<char>(c);
  if (id.empty() || id == "system") id = "person";
  id = id.substr(0, 60);
  std::string candidate = id;
  for (int n = 2; org.find_person(candidate); ++n) candidate = id + "-" + std::to_string(n);
  return candidate;
}

json difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  json out = json::array();
  for (const auto& x : a)
    if (std::find(b.begin(), b.end(), x) == b.end()) out.push_back(x);
  return out;
}

}  // namespace

Accounts::SsoSession Accounts::sso_login(const SsoIdentity& who, bool create_people, std::chrono::seconds lifetime,
                                         const std::string& from, const std::string& end_session) {
  auto tx = store_.begin();
  auto org = store_.organisation();
  if (!org) throw Refused("no organisation is loaded; run 'raciflow org load FILE' first");
  Organisation updated = *org;
  Person* person = find_login(updated, who);
  bool changed = false;
  if (!person) {
    if (!create_people) {
      std::string message = "no person in the organisation logs in as subject '" + who.subject + "'" +
                            (who.email.empty() ? "" : " or e-mail '" + who.email + "'") +
                            "; the admin adds subject=\"" + who.subject + "\" to the person in the organisation file";
      record(kSsoRefused, "", {{"reason", "unknown_person"}, {"message", message}, {"subject", who.subject}, {"email", who.email},
                               {"issuer", who.issuer}, {"from", from}});
      tx->commit();
      throw Refused(message);
    }
    Person made;
    made.id = new_person_id(updated, who);
    made.name = who.name.empty() ? (who.email.empty() ? made.id : who.email) : who.name;
    made.email = who.email_verified ? who.email : "";
    made.subject = who.subject;
    made.created_at_login = true;
    updated.people.push_back(made);
    person = &updated.people.back();
    record(kSsoPersonCreated, made.id, {{"subject", who.subject}, {"email", made.email}, {"name", made.name}, {"issuer", who.issuer}});
    changed = true;
  }
  if (person->subject.empty()) {
    person->subject = who.subject;  // matched by e-mail: from now on by subject
    changed = true;
  }
  // A person a login made holds nothing until the organisation file names them.
  Grants grants = person->created_at_login ? Grants{} : grants_of(updated, who.groups);
  Person granted = with_grants(*person, grants);
  if (granted.roles != person->roles || granted.access != person->access) {
    record(kSsoRolesChanged, person->id,
           {{"addedRoles", difference(granted.roles, person->roles)}, {"removedRoles", difference(person->roles, granted.roles)},
            {"addedAccess", difference(granted.access, person->access)}, {"removedAccess", difference(person->access, granted.access)},
            {"groups", who.groups}});
  }
  if (granted.granted_roles != person->granted_roles || granted.granted_access != person->granted_access ||
      granted.roles != person->roles || granted.access != person->access)
    changed = true;
  *person = granted;
  if (changed) store_.put_organisation(updated);

  NewSession s{random_secret(), definitions::format_date_time(now_ + lifetime)};
  store_.remove_sessions("", now_text());
  store_.add_session({sha256_hex(s.secret), person->id, now_text(), s.expires_at, end_session});
  record(kSsoLogin, person->id, {{"subject", who.subject}, {"issuer", who.issuer}, {"from", from}, {"expires", s.expires_at},
                                  {"roles", person->roles}, {"access", person->access}});
  std::string id = person->id;
  tx->commit();
  return {id, s};
}

void Accounts::record_sso_refusal(const std::string& reason, const std::string& message, const std::string& from,
                                  const std::string& subject) {
  auto tx = store_.begin();
  json data{{"reason", reason}, {"message", message}, {"from", from}};
  if (!subject.empty()) data["subject"] = subject;
  record(kSsoRefused, "", data);
  tx->commit();
}

}  // namespace raciflow::runtime
