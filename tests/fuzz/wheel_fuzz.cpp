// libFuzzer target: any bytes as an annual wheel. Each activity of a wheel that parses
// has its schedule expanded over three years and, when it is a standalone task, its
// BPMN loaded and validated in turn.
#include <cstddef>
#include <cstdint>
#include <string>

#include "definitions/definition_set.h"
#include "definitions/diagnostics.h"
#include "definitions/wheel.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  raciflow::definitions::Diagnostics diagnostics("fuzz-wheel.xml");
  auto wheel = raciflow::definitions::parse_wheel(text, diagnostics);
  if (!wheel || diagnostics.has_errors()) return 0;
  using namespace std::chrono;
  const raciflow::definitions::Date from = sys_days(year(2026) / 1 / 1), to = sys_days(year(2028) / 12 / 31);
  for (const auto& activity : wheel->activities) {
    (void)activity.schedule.occurrences(from, to);
    if (activity.standalone())
      (void)raciflow::definitions::load_and_validate_texts({"activity.bpmn"}, {raciflow::definitions::standalone_bpmn(activity)}, false);
  }
  return 0;
}
