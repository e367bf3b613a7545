// main() of every database test binary: GoogleTest plus the harness's global
// environment (one PostgreSQL per binary, see environment.h).
#include <gtest/gtest.h>

#include "environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new strata::testing::TestEnvironment);
  return RUN_ALL_TESTS();
}
