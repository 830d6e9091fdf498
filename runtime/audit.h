// The audit trail: an append-only, hash-chained log of everything that happened.
//
// Each record stores the SHA-256 of the previous record's hash and of its own content,
// exactly as stored, so that changing any byte of any record, or removing or reordering
// records, breaks the chain at that record. Case events are records whose `case_id` is
// set; deployments, organisation loads and refused attempts are records too.
#pragma once

#include <cstdint>
#include <string>

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
  std::string prev_hash;      // hex; empty for the first record
  std::string hash;           // hex SHA-256
};

// Runtime actions beside the engine's event kinds.
inline constexpr const char* kDefinitionDeployed = "definition_deployed";
inline constexpr const char* kOrganisationLoaded = "organisation_loaded";

// SHA-256 (hex) of bytes, through OpenSSL's libcrypto.
std::string sha256_hex(const std::string& bytes);

// SHA-256 (hex) over prev_hash and the record's content fields, as stored.
std::string chain_hash(const AuditRecord& record);

// The record of an engine event (without seq and hashes).
AuditRecord record_of(const engine::Event& event, const std::string& case_id, const std::string& process, int version);
// The engine event of a case record. Throws std::runtime_error naming the record when
// its action or data cannot be read.
engine::Event event_of(const AuditRecord& record);

}  // namespace raciflow::runtime
