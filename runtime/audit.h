// The audit trail: an append-only, hash-chained log of everything that happened.
//
// Each record stores the SHA-256 of the previous record's hash and of its own content,
// exactly as stored, so that changing any byte of any record, or removing or reordering
// records, breaks the chain at that record. Case events are records whose `case_id` is
// set; deployments, organisation loads and refused attempts are records too.
//
// One command of a case writes one record per thing an auditor asks about, not one per
// engine event: a record's head event (a human step, a refusal, an escalation, a
// notification, a message ...) is its action, node, actor, role, RACI letters and data, as
// before, and the events that merely follow from it (the path through gateways and
// pass-through events, tokens waiting and moving on, tasks opened, timers and
// subscriptions, the case completing) ride along in its `events` field. Records written
// before this lean form have no `events` and one event each; both verify and replay.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/case.h"

namespace raciflow::runtime {

struct AuditRecord {
  std::int64_t seq = 0;       // 1, 2, 3 ... with no gaps
  std::string time;           // ISO 8601, UTC
  std::string case_id;        // empty for records about the system
  std::string process;        // empty when not about a process
  int version = 0;
  std::string node;
  std::string action;         // an engine event kind, or a runtime action
  std::string actor;
  std::string role;
  std::string raci;
  std::string data = "{}";    // JSON text
  // The record's events in order, as compact JSON: its head is a 0, every other event
  // [kind, node, data] with a fourth member {time, actor, role, raci} for those of its
  // fields that differ from the record's. Data that is a flow alone is its id ("f2" for
  // {"flow": "f2"}); a token waiting at a task and the task opened for it are one item
  // of kind "tw" (the task's). Empty when the record is its head alone.
  std::string events;
  // The previous record's hash (hex), which this record's hash covers. Records written
  // since the lean trail do not store it (the previous record has it): it is empty in the
  // store and filled in when the hash is computed or checked.
  std::string prev_hash;
  std::string hash;           // hex SHA-256
};

// Runtime actions beside the engine's event kinds.
inline constexpr const char* kDefinitionDeployed = "definition_deployed";
inline constexpr const char* kOrganisationLoaded = "organisation_loaded";
inline constexpr const char* kFormDeployed = "form_deployed";
inline constexpr const char* kDecisionModelDeployed = "decision_model_deployed";
// Case records that carry no engine event: a file attached (its SHA-256 in the data) and a
// comment. They replay as nothing; `audit verify` re-hashes the files against them.
inline constexpr const char* kAttachmentAdded = "attachment_added";
inline constexpr const char* kCommentAdded = "comment_added";
// The action of a record whose events have no head: only tokens moving (a path through
// pass-through nodes that no person or message started, e.g. after a retry's variables).
inline constexpr const char* kTokenMoved = "token_moved";

// Bytes as lowercase hex, and back: nullopt for text that is not lowercase hex of whole
// bytes.
std::string to_hex(const unsigned char* bytes, std::size_t size);
std::optional<std::string> from_hex(const std::string& text);

// SHA-256 (hex) of bytes, through OpenSSL's libcrypto.
std::string sha256_hex(const std::string& bytes);

// SHA-256 (hex) over the previous record's hash and the record's content fields, as
// stored; `previous` stands in for a prev_hash the record does not store.
std::string chain_hash(const AuditRecord& record, const std::string& previous = "");

// The record of one engine event alone (without seq and hashes).
AuditRecord record_of(const engine::Event& event, const std::string& case_id, const std::string& process, int version);
// The records of one command's events, in the lean form: each record a head event and the
// events that follow from it (without seq and hashes).
std::vector<AuditRecord> records_of(const std::vector<engine::Event>& events, const std::string& case_id,
                                    const std::string& process, int version);
// The engine events of a case record, in order: one for a record of the old form, all it
// carries for a lean one. Throws std::runtime_error naming the record when its action, time
// or data cannot be read.
std::vector<engine::Event> events_of(const AuditRecord& record);
// Whether the record holds an event of `kind`, as its head or among its events.
bool holds(const AuditRecord& record, engine::EventKind kind);

// The last link of a chain: its seq and hash.
struct ChainHead {
  std::int64_t seq = 0;
  std::string hash;
  bool operator==(const ChainHead&) const = default;
};

// The store's role that keeps the trail (store.h has the others); append_chained()
// below builds the chain over it.
class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // The last record of the whole trail (case_id empty) or of one case: its seq and hash.
  virtual std::optional<ChainHead> chain_head(const std::string& case_id = "") = 0;
  virtual void append(const AuditRecord& record) = 0;
  // Records of one case in order, or every record when case_id is empty.
  virtual void scan_records(const std::string& case_id, const std::function<void(const AuditRecord&)>& visit) = 0;
  // The number of records, and each case's last record (its seq), for one scan of all.
  virtual std::int64_t record_count() = 0;
  virtual std::map<std::string, std::int64_t> last_records() = 0;
  // A page of one case's records (case_id set) or of the whole trail: the records after seq
  // `after`, at most `limit` (0: all), in order.
  virtual std::vector<AuditRecord> records_page(const std::string& case_id, std::int64_t after, int limit) = 0;
};

// Appends the records to the audit trail as the next links of the chain (seq and hashes
// set here) and returns the new head. Call inside a transaction.
ChainHead append_chained(AuditStore& store, std::vector<AuditRecord> records);

}  // namespace raciflow::runtime
