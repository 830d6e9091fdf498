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
  std::vector<std::string> roles;  // role ids, in file order
  std::vector<std::string> access;  // "admin", "auditor": rights beyond the process roles
  bool has_access(const std::string& right) const;
};

struct Organisation {
  std::string name;
  std::vector<OrgRole> roles;
  std::vector<Person> people;

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

nlohmann::json to_json(const Organisation& organisation);
Organisation organisation_from_json(const nlohmann::json& json);

}  // namespace raciflow::runtime
