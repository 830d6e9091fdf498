// The organisation: the roles of the ISMS and the people who hold them.
//
// Read from an `urn:raciflow:org:1` XML file (docs/organisation-format.md). Loading a
// file again replaces the organisation as a whole; open tasks keep their roles.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "definitions/diagnostics.h"

namespace raciflow::runtime {

inline constexpr const char* kOrganisationNamespace = "urn:raciflow:org:1";

struct OrgRole {
  std::string id;
  std::string name;
};

// Access beside the process roles (the `access` attribute of a person).
inline constexpr const char* kAdminAccess = "admin";        // deploys, loads the organisation
inline constexpr const char* kAuditorAccess = "auditor";    // reads everything, changes nothing
inline constexpr const char* kModellerAccess = "modeller";  // models, validates and deploys process definitions

struct Person {
  std::string id;
  std::string name;
  std::string email;
  std::vector<std::string> roles;  // role ids held now: the file's, then those granted at login
  std::vector<std::string> access;  // "admin", "auditor": rights beyond the process roles
  bool has_access(const std::string& right) const;
  // Single sign-on: the identity provider's subject (`sub`) this person logs in as, and
  // what their last login granted from the provider's group claim (sso_grant()). The
  // roles and access above include the grants.
  std::string subject{};
  std::vector<std::string> granted_roles{}, granted_access{};
  std::vector<std::string> file_roles{}, file_access{};  // what the organisation file gives
  bool created_at_login = false;  // made by a login (serve --sso-create-people), not the file
};

// A provider group (its claim value) and what it grants (<sso><group .../></sso>).
struct GroupGrant {
  std::string group;
  std::string role;    // an organisation role, or empty
  std::string access;  // admin, auditor, modeller, or empty
};

// A chat channel's incoming webhook (<notifications><webhook/>): the notifications of its
// role are posted there as JSON. Microsoft Teams and Slack both take such a POST. The URL
// is a secret (whoever has it may post to the channel): it is kept in the database and
// shown back only as its scheme and host (shown_url()).
struct Webhook {
  std::string role;
  std::string url;     // https://..., or http:// to the loopback
  std::string format;  // teams or slack
};
std::string shown_url(const std::string& url);

struct Organisation {
  std::string name;
  std::vector<OrgRole> roles;
  std::vector<Person> people;
  std::vector<GroupGrant> groups{};
  std::string language = "en";  // <organisation lang="da">: the language of its e-mails (da or en)
  std::vector<Webhook> webhooks{};
  // When digests are due (<notifications digest-time digest-day>), in UTC: daily ones each
  // day at the time, weekly ones on the day (monday ... sunday) at the time.
  std::string digest_time = "07:00";
  std::string digest_day = "monday";

  const Person* find_person(const std::string& id) const;
  const OrgRole* find_role(const std::string& id) const;
  // People holding `role`, in file order.
  std::vector<const Person*> members(const std::string& role) const;
};

// Reports every problem with its line (unknown role in a member, duplicate ids, missing
// attributes, wrong root or namespace) and returns std::nullopt when there was any.
std::optional<Organisation> read_organisation(const std::string& path, definitions::Diagnostics& diagnostics);
// The same for a file that arrived as text; the diagnostics' name stands for its path.
std::optional<Organisation> parse_organisation(const std::string& text, definitions::Diagnostics& diagnostics);

// The grants a login with these provider groups brings, and the person as they are with
// them instead of the grants of their last login (roles and access recomputed).
struct Grants {
  std::vector<std::string> roles, access;
  bool operator==(const Grants&) const = default;
};
Grants grants_of(const Organisation& organisation, const std::vector<std::string>& groups);
Person with_grants(const Person& person, const Grants& grants);
// The file's organisation with what logins made carried over from the one before: each
// person's last grants (of roles and access the new file still has) and the people made
// by logins that the new file does not name.
Organisation carry_logins(Organisation from_file, const Organisation& before);

// The organisation as JSON: for people (the API, `org show`, the trail) with each webhook's
// URL cut to shown_url(); for the store (`kept`) whole.
enum class Secrets { hidden, kept };
nlohmann::json to_json(const Organisation& organisation, Secrets secrets = Secrets::hidden);
Organisation organisation_from_json(const nlohmann::json& json);

}  // namespace raciflow::runtime
