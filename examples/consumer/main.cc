// The smallest strata application: pick the backend from the environment
// (STRATA_STORAGE, STRATA_DATABASE_URL, ...) and say what would be opened.
#include <strata/strata.h>

#include <iostream>

int main() {
  try {
    const strata::StoreOptions options = strata::StoreOptions::FromEnvironment();
    std::cout << "consumer: strata " << strata::kVersion << " (library " << strata::LibraryVersion()
              << "), storage " << options.Describe() << "\n";
    return 0;
  } catch (const strata::Error& e) {
    std::cerr << "consumer: " << e.what() << "\n";
    return 2;
  }
}
