// The SQLite store: the organisation, credentials, API tokens and sessions.
#include "runtime/sqlite_store_internal.h"

namespace raciflow::runtime::sqlite_detail {

std::optional<Organisation> SqliteStore::organisation() {
  Query q(cache_, "SELECT body FROM organisation WHERE id = 1");
  if (!q.executeStep()) return std::nullopt;
  // Every command asks who its actor is: the parsed organisation is kept while its
  // stored text stays the same.
  std::string body = q.getColumn(0).getString();
  if (!organisation_ || body != organisation_text_) {
    organisation_ = organisation_from_json(json::parse(body));
    organisation_text_ = std::move(body);
  }
  return organisation_;
}

void SqliteStore::put_organisation(const Organisation& o) {
  Query q(cache_, "INSERT OR REPLACE INTO organisation VALUES (1, ?)");
  q.bind(1, to_json(o, Secrets::kept).dump());
  q.exec();
}

std::optional<Credential> SqliteStore::credential(const std::string& person) {
  Query q(cache_, "SELECT person, phc, set_at FROM credentials WHERE person = ?");
  q.bind(1, person);
  if (!q.executeStep()) return std::nullopt;
  return Credential{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()};
}

void SqliteStore::put_credential(const Credential& c) {
  Query q(cache_, "INSERT OR REPLACE INTO credentials VALUES (?, ?, ?)");
  q.bind(1, c.person);
  q.bind(2, c.phc);
  q.bind(3, c.set_at);
  q.exec();
}

std::int64_t SqliteStore::add_token(const ApiToken& t) {
  Query q(cache_, "INSERT INTO api_tokens (person, name, hash, created_at, expires_at, revoked) VALUES (?, ?, ?, ?, ?, ?)");
  q.bind(1, t.person);
  q.bind(2, t.name);
  q.bind(3, t.hash);
  q.bind(4, t.created_at);
  q.bind(5, t.expires_at);
  q.bind(6, t.revoked ? 1 : 0);
  q.exec();
  return db_.getLastInsertRowid();
}

std::optional<ApiToken> SqliteStore::find_token(const std::string& hash) {
  Query q(cache_, "SELECT * FROM api_tokens WHERE hash = ?");
  q.bind(1, hash);
  if (!q.executeStep()) return std::nullopt;
  return token_of(SqliteRow{q});
}

std::vector<ApiToken> SqliteStore::tokens() {
  Query q(cache_, "SELECT * FROM api_tokens ORDER BY id");
  std::vector<ApiToken> out;
  while (q.executeStep()) out.push_back(token_of(SqliteRow{q}));
  return out;
}

void SqliteStore::revoke_token(std::int64_t id) {
  Query q(cache_, "UPDATE api_tokens SET revoked = 1 WHERE id = ?");
  q.bind(1, static_cast<int64_t>(id));
  q.exec();
}

void SqliteStore::add_session(const LoginSession& s) {
  Query q(cache_, "INSERT INTO login_sessions VALUES (?, ?, ?, ?, ?)");
  q.bind(1, s.hash);
  q.bind(2, s.person);
  q.bind(3, s.created_at);
  q.bind(4, s.expires_at);
  q.bind(5, s.end_session);
  q.exec();
}

std::optional<LoginSession> SqliteStore::find_session(const std::string& hash) {
  Query q(cache_, "SELECT hash, person, created_at, expires_at, end_session FROM login_sessions WHERE hash = ?");
  q.bind(1, hash);
  if (!q.executeStep()) return std::nullopt;
  return LoginSession{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                      q.getColumn(3).getString(), q.getColumn(4).getString()};
}

void SqliteStore::remove_sessions(const std::string& hash, const std::string& now) {
  Query q(cache_, "DELETE FROM login_sessions WHERE hash = ? OR expires_at <= ?");
  q.bind(1, hash);
  q.bind(2, now);
  q.exec();
}

int SqliteStore::remove_person_sessions(const std::string& person) {
  Query q(cache_, "DELETE FROM login_sessions WHERE person = ?");
  q.bind(1, person);
  return q.exec();
}

}  // namespace raciflow::runtime::sqlite_detail
