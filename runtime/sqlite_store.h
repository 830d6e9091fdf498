// The embedded store: one SQLite file through SQLiteCpp, in WAL mode.
//
// Errors of the machine (a full disk, I/O errors, a lock held too long) are StoreErrors
// too, and leave nothing of the command behind.
//
// Opening checks that the file is a raciflow database (SQLite application_id), migrates
// an older schema in one transaction and refuses a newer one. Every problem is a
// StoreError with one line that names the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/store.h"

namespace raciflow::runtime {

inline constexpr int kSchemaVersion = 14;

struct SqliteOptions {
  std::string synchronous = "FULL";  // OFF, NORMAL, FULL or EXTRA
  int busy_timeout_ms = 2000;        // how long a writer waits for another writer
  bool create = true;                // create the file when missing (else: StoreError)
  int schema = kSchemaVersion;       // migrate up to this version; tests build older files
  std::int64_t max_pages = 0;        // 0: none; else a cap on the file's size in pages (PRAGMA
                                     // max_page_count), which behaves as a full disk when reached
};

std::unique_ptr<Store> open_sqlite_store(const std::string& path, const SqliteOptions& options = {});

// The tables of a raciflow SQLite file for a copy (raciflow migrate); the file is opened
// (and migrated to this schema) first, as a store would open it.
std::unique_ptr<TableSource> sqlite_table_source(const std::string& path);

// Rows inserted, changed or deleted through this store's connection since it opened
// (sqlite3_total_changes64); -1 for a store that is not SQLite. The benchmark uses it to
// write the same rows by plain statements.
std::int64_t sqlite_total_changes(Store& store);

}  // namespace raciflow::runtime
