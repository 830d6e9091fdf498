// The fuzz targets' inputs in the ordinary test suite: every seed and every regression
// input (an input that once crashed a target) goes through the same code the fuzzer
// drives. Under .ci/sanitize this runs with AddressSanitizer and UBSan.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <catch2/catch.hpp>

extern "C" int fuzz_bpmn_loader(const std::uint8_t* data, std::size_t size);
extern "C" int fuzz_expression(const std::uint8_t* data, std::size_t size);
extern "C" int fuzz_organisation(const std::uint8_t* data, std::size_t size);
extern "C" int fuzz_wheel(const std::uint8_t* data, std::size_t size);
extern "C" int fuzz_http(const std::uint8_t* data, std::size_t size);
extern "C" int fuzz_form(const std::uint8_t* data, std::size_t size);
extern "C" int fuzz_dmn(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

using Entry = int (*)(const std::uint8_t*, std::size_t);

// One file's bytes through `entry`, which must return 0.
void run_file(const fs::path& path, Entry entry) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  INFO(path.string());
  CHECK(entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
}

// Runs every file under tests/fuzz/{seeds,regressions}/TARGET through `entry`.
int replay(const std::string& target, Entry entry) {
  int inputs = 0;
  for (const char* kind : {"seeds", "regressions"}) {
    fs::path dir = fs::path(RACIFLOW_SOURCE_DIR) / "tests" / "fuzz" / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& file : fs::directory_iterator(dir)) {
      run_file(file.path(), entry);
      ++inputs;
    }
  }
  return inputs;
}

// Runs every file of samples/ and tests/data/ ending in `extension` through `entry`.
int samples_through(const std::string& extension, Entry entry) {
  int files = 0;
  for (const char* dir : {"samples", "tests/data"})
    for (const auto& file : fs::directory_iterator(fs::path(RACIFLOW_SOURCE_DIR) / dir)) {
      if (file.path().extension() != extension) continue;
      run_file(file.path(), entry);
      ++files;
    }
  return files;
}

}  // namespace

TEST_CASE("the expression fuzz target's seeds and regression inputs run cleanly", "[fuzz]") {
  CHECK(replay("expression", fuzz_expression) > 0);
}

TEST_CASE("the HTTP fuzz target's seeds and regression inputs run cleanly", "[fuzz]") { CHECK(replay("http", fuzz_http) > 0); }

TEST_CASE("the form fuzz target runs every sample and test form, and its regression inputs, cleanly", "[fuzz]") {
  CHECK(replay("form", fuzz_form) + samples_through(".form", fuzz_form) >= 8);
}

TEST_CASE("the DMN fuzz target's seeds and regression inputs run cleanly", "[fuzz]") { CHECK(replay("dmn", fuzz_dmn) > 0); }

TEST_CASE("the BPMN, organisation and wheel fuzz targets' regression inputs run cleanly", "[fuzz]") {
  // Their seeds are samples/ and tests/conformance/, which other tests load.
  replay("bpmn_loader", fuzz_bpmn_loader);
  replay("organisation", fuzz_organisation);
  replay("wheel", fuzz_wheel);
}

TEST_CASE("the BPMN fuzz target runs every sample and test definition as a case to its end or its limit", "[fuzz]") {
  CHECK(samples_through(".bpmn", fuzz_bpmn_loader) >= 15);
}
