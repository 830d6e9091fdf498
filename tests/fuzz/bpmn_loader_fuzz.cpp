// libFuzzer target: any bytes as a BPMN file, through loading, validation (graph, RACI,
// expressions, forms) and the RACI matrix. Findings are fine; a crash or a sanitizer
// report is not.
#include <cstddef>
#include <cstdint>
#include <string>

#include "definitions/definition_set.h"
#include "definitions/raci.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto files = raciflow::definitions::load_and_validate_texts({"fuzz.bpmn"}, {text}, true);
  for (const auto& file : files) {
    if (!file.definitions || file.diagnostics.has_errors()) continue;
    for (const auto& process : file.definitions->processes) (void)raciflow::definitions::raci_matrix(process);
  }
  return 0;
}
