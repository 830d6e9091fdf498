// The SQLite store: files attached to cases, their bytes as a blob in the same database
// file, so that a backup of the file holds the evidence with the trail that seals it.
#include "runtime/sqlite_store_internal.h"

namespace raciflow::runtime::sqlite_detail {

std::int64_t SqliteStore::add_attachment(const Attachment& a, const std::string& bytes) {
  Query q(cache_, std::string("INSERT INTO attachments (") + kAttachmentColumns + ", bytes) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, a.case_id);
  q.bind(2, static_cast<std::int64_t>(a.task));
  q.bind(3, a.name);
  q.bind(4, a.type);
  q.bind(5, static_cast<std::int64_t>(a.size));
  q.bind(6, a.sha256);
  q.bind(7, a.added_at);
  q.bind(8, a.added_by);
  q.bind(9, bytes.data(), static_cast<int>(bytes.size()));
  q.exec();
  return sqlite3_last_insert_rowid(db_.getHandle());
}

std::vector<Attachment> SqliteStore::attachments(const std::string& case_id) {
  Query q(cache_, std::string("SELECT ") + kAttachmentColumns +
                      (case_id.empty() ? " FROM attachments WHERE ?1 = '' ORDER BY id" : " FROM attachments WHERE case_id = ?1 ORDER BY id"));
  q.bind(1, case_id);
  std::vector<Attachment> out;
  while (q.executeStep()) out.push_back(attachment_of(SqliteRow{q}));
  return out;
}

std::optional<Attachment> SqliteStore::find_attachment(std::int64_t id) {
  Query q(cache_, std::string("SELECT ") + kAttachmentColumns + " FROM attachments WHERE id = ?");
  q.bind(1, static_cast<std::int64_t>(id));
  if (!q.executeStep()) return std::nullopt;
  return attachment_of(SqliteRow{q});
}

std::optional<std::string> SqliteStore::attachment_bytes(std::int64_t id) {
  Query q(cache_, "SELECT bytes FROM attachments WHERE id = ?");
  q.bind(1, static_cast<std::int64_t>(id));
  if (!q.executeStep()) return std::nullopt;
  SQLite::Column c = q.getColumn(0);
  return std::string(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
}

}  // namespace raciflow::runtime::sqlite_detail
