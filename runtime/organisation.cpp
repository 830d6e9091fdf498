#include "runtime/organisation.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "definitions/xml_source.h"

namespace raciflow::runtime {

using definitions::Diagnostics;
using nlohmann::json;

const Person* Organisation::find_person(const std::string& id) const {
  for (const auto& p : people)
    if (p.id == id) return &p;
  return nullptr;
}

bool Person::has_access(const std::string& right) const {
  return std::find(access.begin(), access.end(), right) != access.end();
}

const OrgRole* Organisation::find_role(const std::string& id) const {
  for (const auto& r : roles)
    if (r.id == id) return &r;
  return nullptr;
}

std::vector<const Person*> Organisation::members(const std::string& role) const {
  std::vector<const Person*> out;
  for (const auto& p : people)
    for (const auto& r : p.roles)
      if (r == role) {
        out.push_back(&p);
        break;
      }
  return out;
}

namespace {

std::string org_name(const pugi::xml_node& node) { return definitions::local_name_in(node, kOrganisationNamespace); }

std::string required(const pugi::xml_node& node, const char* attribute, int line, Diagnostics& d) {
  std::string value = node.attribute(attribute).value();
  if (value.empty()) d.error(line, std::string("<") + node.name() + "> needs the attribute " + attribute);
  return value;
}

const char* const kWeekdays[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

bool loopback_host(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "[::1]"; }

// scheme://host[:port] of a URL, lower-cased scheme; empty when it is not http(s).
std::pair<std::string, std::string> scheme_and_host(const std::string& url) {
  auto colon = url.find("://");
  if (colon == std::string::npos) return {};
  std::string scheme = url.substr(0, colon);
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") return {};
  std::string rest = url.substr(colon + 3);
  std::string host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.find('@') != std::string::npos) return {};  // no credentials in the authority
  return {scheme, host};
}

std::string host_only(const std::string& authority) {
  if (!authority.empty() && authority[0] == '[') return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.find(':'));
}

void read_notifications(const pugi::xml_node& node, const definitions::XmlSource& source, Organisation& org,
                        std::vector<int>& webhook_lines, Diagnostics& d) {
  int line = source.line_of(node);
  for (pugi::xml_attribute a : node.attributes())
    if (std::string n = a.name(); n != "digest-time" && n != "digest-day")
      d.error(line, "unknown attribute '" + n + "' on <notifications>; it takes digest-time and digest-day");
  if (std::string time = node.attribute("digest-time").value(); !time.empty()) {
    bool ok = time.size() == 5 && time[2] == ':' && std::isdigit(static_cast<unsigned char>(time[0])) &&
              std::isdigit(static_cast<unsigned char>(time[1])) && std::isdigit(static_cast<unsigned char>(time[3])) &&
              std::isdigit(static_cast<unsigned char>(time[4])) && std::stoi(time.substr(0, 2)) < 24 && std::stoi(time.substr(3)) < 60;
    if (!ok) d.error(line, "digest-time is HH:MM in UTC (00:00 to 23:59), not '" + time + "'");
    else org.digest_time = time;
  }
  if (std::string day = node.attribute("digest-day").value(); !day.empty()) {
    if (std::find(std::begin(kWeekdays), std::end(kWeekdays), day) == std::end(kWeekdays))
      d.error(line, "digest-day is a weekday in English (monday ... sunday), not '" + day + "'");
    else org.digest_day = day;
  }
  for (pugi::xml_node w : node.children()) {
    if (w.type() != pugi::node_element) continue;
    int wline = source.line_of(w);
    if (org_name(w) != "webhook") {
      d.error(wline, std::string("unknown element <") + w.name() + "> in <notifications>; expected <webhook role=\"...\" url=\"...\" format=\"teams|slack\"/>");
      continue;
    }
    for (pugi::xml_attribute a : w.attributes())
      if (std::string n = a.name(); n != "role" && n != "url" && n != "format")
        d.error(wline, "unknown attribute '" + n + "' on <webhook>; it takes role, url and format");
    Webhook hook{required(w, "role", wline, d), required(w, "url", wline, d), required(w, "format", wline, d)};
    if (!hook.format.empty() && hook.format != "teams" && hook.format != "slack")
      d.error(wline, "a webhook's format is teams or slack, not '" + hook.format + "'");
    if (!hook.url.empty()) {
      auto [scheme, authority] = scheme_and_host(hook.url);
      if (scheme.empty() || authority.empty())
        d.error(wline, "the webhook for role '" + hook.role + "' needs an https:// URL with a host and no user name");
      else if (scheme == "http" && !loopback_host(host_only(authority)))
        d.error(wline, "the webhook for role '" + hook.role + "' must use https:// (http:// is taken only on the loopback)");
      else if (hook.url.find_first_of(" \t\r\n") != std::string::npos)
        d.error(wline, "the webhook URL for role '" + hook.role + "' has white space in it");
    }
    org.webhooks.push_back(std::move(hook));
    webhook_lines.push_back(wline);
  }
}

}  // namespace

std::string shown_url(const std::string& url) {
  auto [scheme, authority] = scheme_and_host(url);
  if (scheme.empty()) return "…";
  return scheme + "://" + authority + "/…";
}

namespace {
std::optional<Organisation> organisation_of(std::unique_ptr<definitions::XmlSource> source, Diagnostics& d);
}  // namespace

std::optional<Organisation> read_organisation(const std::string& path, Diagnostics& d) {
  return organisation_of(definitions::XmlSource::read_file(path, d), d);
}

std::optional<Organisation> parse_organisation(const std::string& text, Diagnostics& d) {
  return organisation_of(definitions::XmlSource::from_text(text, d), d);
}

namespace {

std::optional<Organisation> organisation_of(std::unique_ptr<definitions::XmlSource> source, Diagnostics& d) {
  if (!source) return std::nullopt;
  pugi::xml_node root = source->document().document_element();
  if (org_name(root) != "organisation") {
    d.error(source->line_of(root), std::string("the root element is <") + root.name() +
                                       ">, not <organisation xmlns=\"" + kOrganisationNamespace + "\">");
    return std::nullopt;
  }
  Organisation org;
  org.name = required(root, "name", source->line_of(root), d);
  if (std::string lang = root.attribute("lang").value(); !lang.empty()) {
    if (lang != "da" && lang != "en")
      d.error(source->line_of(root), "the organisation's lang is da or en, not '" + lang + "'");
    else
      org.language = lang;
  }
  std::set<std::string> role_ids, person_ids, subjects;
  std::vector<int> group_lines, webhook_lines;
  bool notifications_seen = false;
  struct Membership {
    std::string role;
    int line;
  };
  std::vector<std::vector<Membership>> memberships;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    int line = source->line_of(child);
    std::string kind = org_name(child);
    if (kind == "role") {
      OrgRole role{required(child, "id", line, d), child.attribute("name").value()};
      if (role.id.empty()) continue;
      if (!role_ids.insert(role.id).second) d.error(line, "role '" + role.id + "' is defined twice");
      if (role.name.empty()) role.name = role.id;
      org.roles.push_back(std::move(role));
    } else if (kind == "person") {
      Person person{required(child, "id", line, d), child.attribute("name").value(), child.attribute("email").value(), {}, {}};
      person.subject = child.attribute("subject").value();
      if (!person.subject.empty() && !subjects.insert(person.subject).second)
        d.error(line, "person '" + person.id + "' has the subject '" + person.subject + "' of another person");
      if (person.id.empty()) continue;
      if (!person_ids.insert(person.id).second) d.error(line, "person '" + person.id + "' is defined twice");
      if (person.id == "system") d.error(line, "'system' is reserved for the engine's own steps");
      std::istringstream words(child.attribute("access").value());
      for (std::string right; words >> right;) {
        if (right != kAdminAccess && right != kAuditorAccess && right != kModellerAccess)
          d.error(line, "person '" + person.id + "' has unknown access '" + right + "' (admin, auditor, modeller)");
        else if (!person.has_access(right))
          person.access.push_back(right);
      }
      std::vector<Membership> member_of;
      for (pugi::xml_node m : child.children()) {
        if (m.type() != pugi::node_element) continue;
        int mline = source->line_of(m);
        if (org_name(m) != "member") {
          d.error(mline, std::string("unknown element <") + m.name() + "> in <person>; expected <member role=\"...\"/>");
          continue;
        }
        std::string role = required(m, "role", mline, d);
        if (!role.empty()) member_of.push_back({role, mline});
      }
      if (person.name.empty()) person.name = person.id;
      org.people.push_back(std::move(person));
      memberships.push_back(std::move(member_of));
    } else if (kind == "sso") {
      for (pugi::xml_node g : child.children()) {
        if (g.type() != pugi::node_element) continue;
        int gline = source->line_of(g);
        if (org_name(g) != "group") {
          d.error(gline, std::string("unknown element <") + g.name() + "> in <sso>; expected <group value=\"...\" role=\"...\"/>");
          continue;
        }
        for (pugi::xml_attribute a : g.attributes())
          if (std::string n = a.name(); n != "value" && n != "role" && n != "access")
            d.error(gline, "unknown attribute '" + n + "' on <group>; it takes value, role and access");
        GroupGrant grant{required(g, "value", gline, d), g.attribute("role").value(), g.attribute("access").value()};
        if (grant.role.empty() && grant.access.empty()) d.error(gline, "group '" + grant.group + "' grants nothing: give it a role or an access");
        if (!grant.access.empty() && grant.access != kAdminAccess && grant.access != kAuditorAccess && grant.access != kModellerAccess)
          d.error(gline, "group '" + grant.group + "' grants unknown access '" + grant.access + "' (admin, auditor, modeller)");
        org.groups.push_back(std::move(grant));
        group_lines.push_back(gline);
      }
    } else if (kind == "notifications") {
      if (notifications_seen) d.error(line, "<notifications> is given twice; give it once");
      notifications_seen = true;
      read_notifications(child, *source, org, webhook_lines, d);
    } else {
      d.error(line, std::string("unknown element <") + child.name() +
                        "> in <organisation>; expected <role>, <person>, <sso> or <notifications>");
    }
  }
  for (std::size_t i = 0; i < org.groups.size(); ++i)
    if (!org.groups[i].role.empty() && !role_ids.count(org.groups[i].role))
      d.error(group_lines[i], "group '" + org.groups[i].group + "' grants unknown role '" + org.groups[i].role + "'");
  for (std::size_t i = 0; i < org.webhooks.size(); ++i)
    if (!org.webhooks[i].role.empty() && !role_ids.count(org.webhooks[i].role))
      d.error(webhook_lines[i], "a webhook names unknown role '" + org.webhooks[i].role + "'");
  for (std::size_t i = 0; i < org.people.size(); ++i) {
    for (const auto& m : memberships[i]) {
      if (!role_ids.count(m.role)) {
        d.error(m.line, "person '" + org.people[i].id + "' is a member of unknown role '" + m.role + "'");
        continue;
      }
      auto& roles = org.people[i].roles;
      if (std::find(roles.begin(), roles.end(), m.role) == roles.end()) roles.push_back(m.role);
    }
  }
  if (d.has_errors()) return std::nullopt;
  for (auto& p : org.people) {
    p.file_roles = p.roles;
    p.file_access = p.access;
  }
  return org;
}

}  // namespace

json to_json(const Organisation& o, Secrets secrets) {
  json roles = json::array(), people = json::array();
  for (const auto& r : o.roles) roles.push_back({{"id", r.id}, {"name", r.name}, {"members", json::array()}});
  for (auto& r : roles)
    for (const Person* p : o.members(r["id"].get<std::string>())) r["members"].push_back(p->id);
  for (const auto& p : o.people) {
    json person{{"id", p.id}, {"name", p.name}, {"email", p.email}, {"roles", p.roles}, {"access", p.access}};
    if (!p.subject.empty()) person["subject"] = p.subject;
    if (!p.granted_roles.empty() || !p.granted_access.empty()) {
      person["grantedRoles"] = p.granted_roles;
      person["grantedAccess"] = p.granted_access;
    }
    if (p.file_roles != p.roles || p.file_access != p.access) {
      person["fileRoles"] = p.file_roles;
      person["fileAccess"] = p.file_access;
    }
    if (p.created_at_login) person["createdAtLogin"] = true;
    people.push_back(std::move(person));
  }
  json out{{"name", o.name}, {"roles", roles}, {"people", people}};
  if (o.language != "en") out["lang"] = o.language;
  if (!o.groups.empty()) {
    json groups = json::array();
    for (const auto& g : o.groups) groups.push_back({{"value", g.group}, {"role", g.role}, {"access", g.access}});
    out["groups"] = groups;
  }
  if (!o.webhooks.empty() || o.digest_time != "07:00" || o.digest_day != "monday") {
    json hooks = json::array();
    for (const auto& w : o.webhooks)
      hooks.push_back({{"role", w.role}, {"url", secrets == Secrets::kept ? w.url : shown_url(w.url)}, {"format", w.format}});
    out["notifications"] = {{"digestTime", o.digest_time}, {"digestDay", o.digest_day}, {"webhooks", hooks}};
  }
  return out;
}

Organisation organisation_from_json(const json& j) {
  Organisation o;
  o.name = j.at("name").get<std::string>();
  o.language = j.value("lang", "en");
  for (const auto& r : j.at("roles")) o.roles.push_back({r.at("id").get<std::string>(), r.at("name").get<std::string>()});
  using Words = std::vector<std::string>;
  for (const auto& p : j.at("people")) {
    Person person{p.at("id").get<std::string>(), p.at("name").get<std::string>(), p.at("email").get<std::string>(),
                  p.at("roles").get<Words>(), p.value("access", Words{})};
    person.subject = p.value("subject", "");
    person.granted_roles = p.value("grantedRoles", Words{});
    person.granted_access = p.value("grantedAccess", Words{});
    person.file_roles = p.value("fileRoles", person.roles);
    person.file_access = p.value("fileAccess", person.access);
    person.created_at_login = p.value("createdAtLogin", false);
    o.people.push_back(std::move(person));
  }
  if (j.contains("groups"))
    for (const auto& g : j["groups"]) o.groups.push_back({g.at("value"), g.value("role", ""), g.value("access", "")});
  if (j.contains("notifications")) {
    const json& n = j["notifications"];
    o.digest_time = n.value("digestTime", o.digest_time);
    o.digest_day = n.value("digestDay", o.digest_day);
    for (const auto& w : n.value("webhooks", json::array()))
      o.webhooks.push_back({w.at("role").get<std::string>(), w.at("url").get<std::string>(), w.at("format").get<std::string>()});
  }
  return o;
}

Grants grants_of(const Organisation& o, const std::vector<std::string>& groups) {
  Grants out;
  auto add = [](std::vector<std::string>& list, const std::string& item) {
    if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
  };
  for (const auto& g : o.groups)
    if (std::find(groups.begin(), groups.end(), g.group) != groups.end()) {
      add(out.roles, g.role);
      add(out.access, g.access);
    }
  return out;
}

Person with_grants(const Person& person, const Grants& grants) {
  Person p = person;
  p.granted_roles = grants.roles;
  p.granted_access = grants.access;
  p.roles = p.file_roles;
  p.access = p.file_access;
  for (const auto& r : grants.roles)
    if (std::find(p.roles.begin(), p.roles.end(), r) == p.roles.end()) p.roles.push_back(r);
  for (const auto& a : grants.access)
    if (!p.has_access(a)) p.access.push_back(a);
  return p;
}

Organisation carry_logins(Organisation org, const Organisation& before) {
  auto still = [&](const Grants& g) {
    Grants kept;
    for (const auto& r : g.roles)
      if (org.find_role(r)) kept.roles.push_back(r);
    kept.access = g.access;
    return kept;
  };
  for (auto& p : org.people)
    if (const Person* old = before.find_person(p.id)) {
      if (p.subject.empty()) p.subject = old->subject;
      p = with_grants(p, still({old->granted_roles, old->granted_access}));
    }
  for (const auto& old : before.people)
    if (old.created_at_login && !org.find_person(old.id)) {
      Person p = old;
      p.file_roles.clear();
      p.file_access.clear();
      org.people.push_back(with_grants(p, still({old.granted_roles, old.granted_access})));
    }
  return org;
}

}  // namespace raciflow::runtime
