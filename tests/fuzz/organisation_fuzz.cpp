// libFuzzer target: any bytes as an organisation file; what parses also goes through
// its JSON form and back, as the store keeps it.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "definitions/diagnostics.h"
#include "runtime/organisation.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  raciflow::definitions::Diagnostics diagnostics("fuzz-org.xml");
  auto organisation = raciflow::runtime::parse_organisation(text, diagnostics);
  if (organisation) (void)raciflow::runtime::organisation_from_json(raciflow::runtime::to_json(*organisation));
  return 0;
}
