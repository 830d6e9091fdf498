#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>

// The tests read the CLI's English output: the machine's locale must not turn it Danish
// (a test that wants Danish says --lang da).
int main(int argc, char* argv[]) {
  setenv("LC_ALL", "C.UTF-8", 1);
  return Catch::Session().run(argc, argv);
}
