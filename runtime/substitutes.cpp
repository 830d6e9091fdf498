// Substitutes: a person away names someone to take their work for a period. During it the
// substitute also holds the person's own roles; what they do in them is recorded as acting
// on the person's behalf (engine: Actor::delegated, on_behalf_of).
#include <algorithm>

#include "runtime/runtime_internal.h"

namespace raciflow::runtime {

using nlohmann::json;

namespace {

inline constexpr const char* kSubstituteSet = "substitute_set";
inline constexpr const char* kSubstituteEnded = "substitute_ended";

}  // namespace

Substitution Runtime::set_substitute(const std::string& person, const std::string& substitute, const std::string& from,
                                     const std::string& until, const std::string& actor) {
  if (!definitions::parse_date(from)) throw Refused("--from '" + from + "' is not a date (YYYY-MM-DD)");
  if (!definitions::parse_date(until)) throw Refused("--until '" + until + "' is not a date (YYYY-MM-DD)");
  if (until < from) throw Refused("the period ends (" + until + ") before it begins (" + from + ")");
  if (until < now_text().substr(0, 10)) throw Refused("the period ended on " + until + ", before today");
  if (person == substitute) throw Refused("'" + person + "' cannot be their own substitute");
  return transact([&] {
    auto org = store_.organisation();
    if (!org) throw Refused("no organisation is loaded; run 'raciflow org load FILE' first");
    for (const auto* who : {&person, &substitute})
      if (!org->find_person(*who)) throw Refused("unknown person '" + *who + "' (not in the organisation '" + org->name + "')");
    auto all = store_.substitutions();
    Substitution s{all.empty() ? 1 : all.back().id + 1, person, substitute, from, until, now_text(), actor, "", ""};
    store_.put_substitution(s);
    AuditRecord r;
    r.time = now_text();
    r.action = kSubstituteSet;
    r.actor = actor;
    r.data = to_json(s).dump();
    append(r);
    return s;
  });
}

Substitution Runtime::end_substitute(std::int64_t id, const std::string& actor) {
  return transact([&] {
    auto all = store_.substitutions();
    auto it = std::find_if(all.begin(), all.end(), [&](const Substitution& s) { return s.id == id; });
    if (it == all.end()) throw Refused("no substitute period " + std::to_string(id), RefusalKind::not_found);
    std::string today = now_text().substr(0, 10);
    if (!it->ended_at.empty() || it->until < today) throw Refused("substitute period " + std::to_string(id) + " is already over");
    it->ended_at = now_text();
    it->ended_by = actor;
    store_.put_substitution(*it);
    AuditRecord r;
    r.time = now_text();
    r.action = kSubstituteEnded;
    r.actor = actor;
    r.data = to_json(*it).dump();
    append(r);
    return *it;
  });
}

json to_json(const Substitution& s) {
  json j{{"id", s.id}, {"person", s.person}, {"substitute", s.substitute}, {"from", s.from}, {"until", s.until},
         {"created_at", s.created_at}, {"created_by", s.created_by}};
  if (!s.ended_at.empty()) {
    j["ended_at"] = s.ended_at;
    j["ended_by"] = s.ended_by;
  }
  return j;
}

std::vector<Substitution> Runtime::substitutions() { return store_.substitutions(); }

std::vector<engine::Actor::Delegated> Runtime::delegations(const std::string& person) {
  std::vector<engine::Actor::Delegated> out;
  std::string today = now_text().substr(0, 10);
  auto org = store_.organisation();
  if (!org) return out;
  for (const auto& s : store_.substitutions()) {
    if (s.substitute != person || !s.ended_at.empty() || today < s.from || today > s.until) continue;
    const Person* principal = org->find_person(s.person);
    if (!principal) continue;
    out.push_back({principal->id, principal->roles});  // the principal's own roles only: never passed on
  }
  return out;
}

std::vector<std::string> roles_today(std::vector<std::string> own, const std::vector<engine::Actor::Delegated>& delegated) {
  for (const auto& d : delegated)
    for (const auto& r : d.roles)
      if (std::find(own.begin(), own.end(), r) == own.end()) own.push_back(r);
  return own;
}

}  // namespace raciflow::runtime
