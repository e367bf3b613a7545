// The child test binary of cleanup_test.cc: each case is run on its own with
// --gtest_filter, and the parent looks at what is left once it ends.
#include <gtest/gtest.h>
#include <unistd.h>

#include "environment.h"

namespace strata::testing {
namespace {

class ChildTest : public BackendTest {};

TEST_P(ChildTest, Passes) {
  db().Exec("CREATE TABLE child_rows (id integer PRIMARY KEY)");
  db().Exec("INSERT INTO child_rows VALUES (1)");
  EXPECT_EQ(db().QueryInt("SELECT count(*) FROM child_rows"), 1);
}

TEST_P(ChildTest, Fails) { FAIL() << "this case fails on purpose"; }

// Waits to be killed by SIGTERM, SIGKILL or a ctest timeout.
TEST_P(ChildTest, Hangs) {
  for (int i = 0; i < 600; ++i) sleep(1);
}

STRATA_BACKEND_TEST_SUITE(ChildTest);

}  // namespace
}  // namespace strata::testing
