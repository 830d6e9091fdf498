// The PostgreSQL store: the organisation, credentials, API tokens and sessions.
#include "runtime/pg_store_internal.h"

namespace raciflow::runtime::pg_detail {

std::optional<Organisation> PgStore::organisation() {
  Result r = c_.run("SELECT body FROM organisation WHERE tenant = $1", {t()});
  if (r.rows() == 0) return std::nullopt;
  std::string body = r.text(0, 0);
  if (!organisation_ || body != organisation_text_) {
    organisation_ = organisation_from_json(json::parse(body));
    organisation_text_ = std::move(body);
  }
  return organisation_;
}

void PgStore::put_organisation(const Organisation& o) {
  c_.run("INSERT INTO organisation VALUES ($1, $2) ON CONFLICT (tenant) DO UPDATE SET body = excluded.body",
         {t(), to_json(o, Secrets::kept).dump()});
}

std::optional<Credential> PgStore::credential(const std::string& person) {
  Result r = c_.run("SELECT person, phc, set_at FROM credentials WHERE tenant = $1 AND person = $2", {t(), person});
  if (r.rows() == 0) return std::nullopt;
  return Credential{r.text(0, 0), r.text(0, 1), r.text(0, 2)};
}

void PgStore::put_credential(const Credential& cred) {
  c_.run("INSERT INTO credentials VALUES ($1, $2, $3, $4) ON CONFLICT (tenant, person) DO UPDATE SET phc = excluded.phc, "
         "set_at = excluded.set_at",
         {t(), cred.person, cred.phc, cred.set_at});
}

std::int64_t PgStore::add_token(const ApiToken& token) {
  std::int64_t id = next("token");
  c_.run("INSERT INTO api_tokens VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
         {t(), num(id), token.person, token.name, token.hash, token.created_at, token.expires_at, num(token.revoked ? 1 : 0)});
  return id;
}

std::optional<ApiToken> PgStore::find_token(const std::string& hash) {
  Result r = c_.run(select(kTokenColumns, "api_tokens") + " AND hash = $2", {t(), hash});
  if (r.rows() == 0) return std::nullopt;
  return token_of(PgRow{r, 0});
}

std::vector<ApiToken> PgStore::tokens() {
  Result r = c_.run(select(kTokenColumns, "api_tokens") + " ORDER BY id", {t()});
  std::vector<ApiToken> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(token_of(PgRow{r, i}));
  return out;
}

void PgStore::add_session(const LoginSession& s) {
  c_.run("INSERT INTO login_sessions VALUES ($1, $2, $3, $4, $5, $6)", {t(), s.hash, s.person, s.created_at, s.expires_at, s.end_session});
}

std::optional<LoginSession> PgStore::find_session(const std::string& hash) {
  Result r = c_.run("SELECT hash, person, created_at, expires_at, end_session FROM login_sessions WHERE tenant = $1 AND hash = $2", {t(), hash});
  if (r.rows() == 0) return std::nullopt;
  return LoginSession{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4)};
}

void PgStore::remove_sessions(const std::string& hash, const std::string& now) {
  c_.run("DELETE FROM login_sessions WHERE tenant = $1 AND (hash = $2 OR expires_at <= $3)", {t(), hash, now});
}

int PgStore::remove_person_sessions(const std::string& person) {
  return static_cast<int>(c_.run("DELETE FROM login_sessions WHERE tenant = $1 AND person = $2", {t(), person}).affected());
}

}  // namespace raciflow::runtime::pg_detail
