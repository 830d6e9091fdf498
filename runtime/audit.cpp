#include "runtime/audit.h"

#include <array>
#include <stdexcept>

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

namespace raciflow::runtime {

using nlohmann::json;

std::string sha256_hex(const std::string& bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed in libcrypto");
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

std::string chain_hash(const AuditRecord& r) {
  // A JSON array of the stored fields: unambiguous, whatever the fields contain.
  json content = json::array({r.prev_hash, r.seq, r.time, r.case_id, r.process, r.version, r.node, r.action, r.actor,
                              r.role, r.raci, r.data});
  return sha256_hex(content.dump());
}

AuditRecord record_of(const engine::Event& e, const std::string& case_id, const std::string& process, int version) {
  AuditRecord r;
  r.time = definitions::format_date_time(e.time);
  r.case_id = case_id;
  r.process = process;
  r.version = version;
  r.node = e.node;
  r.action = engine::to_string(e.kind);
  r.actor = e.actor;
  r.role = e.role;
  r.raci = e.raci;
  r.data = e.data.dump();
  return r;
}

engine::Event event_of(const AuditRecord& r) {
  auto where = [&] { return "audit record " + std::to_string(r.seq) + ": "; };
  engine::Event e;
  auto kind = engine::event_kind_from_string(r.action);
  if (!kind) throw std::runtime_error(where() + "unknown action '" + r.action + "'");
  e.kind = *kind;
  auto time = definitions::parse_date_time(r.time);
  if (!time) throw std::runtime_error(where() + "unreadable time '" + r.time + "'");
  e.time = *time;
  e.node = r.node;
  e.actor = r.actor;
  e.role = r.role;
  e.raci = r.raci;
  e.data = json::parse(r.data, nullptr, false);
  if (e.data.is_discarded()) throw std::runtime_error(where() + "its data is not JSON");
  return e;
}

}  // namespace raciflow::runtime
