// The names a server answers to. A browser page at an attacker's name that resolves to
// this server's address (DNS rebinding) sends that name as its Host, and its Origin
// matches it: only a server that knows its own names can tell it is not one of them.
#pragma once

#include <string>
#include <vector>

namespace raciflow::http {

struct HostNames {
  // Lower-case names without a port; ".example.org" stands for every name under example.org.
  std::vector<std::string> names;
  bool ip_literals = false;  // any IP address too (a server listening on every address)

  // Nothing configured: every Host is taken (an Api embedded in a test or a tool).
  bool any() const { return names.empty() && !ip_literals; }
  // Whether a Host header (name or address, with or without a port) is one of these.
  bool accepts(const std::string& host_header) const;
};

// The name in a Host header: lower-case, without the port, the trailing dot or the
// brackets of an IPv6 address; "" when it is not a host at all.
std::string host_name_of(const std::string& host_header);

}  // namespace raciflow::http
