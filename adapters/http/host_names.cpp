#include "adapters/http/host_names.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>

namespace raciflow::http {

std::string host_name_of(const std::string& host_header) {
  std::string host = host_header;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string::npos) return "";
    std::string rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "";
    host = host.substr(1, close - 1);
  } else if (auto colon = host.find(':'); colon != std::string::npos) {
    if (host.find(':', colon + 1) != std::string::npos) return "";  // a bare IPv6 address is no Host
    host.resize(colon);
  }
  if (!host.empty() && host.back() == '.') host.pop_back();
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

bool HostNames::accepts(const std::string& host_header) const {
  if (any()) return true;
  std::string host = host_name_of(host_header);
  if (host.empty()) return false;
  for (const auto& name : names) {
    if (name == host) return true;
    if (!name.empty() && name.front() == '.' && host.size() > name.size() &&
        host.compare(host.size() - name.size(), name.size(), name) == 0)
      return true;
  }
  if (ip_literals) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(host, ec);
    return !ec;
  }
  return false;
}

}  // namespace raciflow::http
