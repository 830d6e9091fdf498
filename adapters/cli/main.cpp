#include <exception>
#include <iostream>

#include "adapters/cli/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return raciflow::cli::run(args, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "raciflow: internal error: " << e.what() << "\n";
    return raciflow::cli::kExitFailed;
  }
}
