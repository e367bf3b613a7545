// The one map from a backend's classified error to the strata::Error a
// caller sees (connection/errors.cc), for repository calls and for the
// migration engine.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "connection/errors.h"
#include "strata/error.h"

namespace strata::connection {
namespace {

using backends::DatabaseError;
using backends::ErrorKind;

// Calls ThrowTranslated and returns what it threw, as the caller sees it.
template <class Expected>
std::string Thrown(ErrorKind kind, const Failure& failure, const std::string& code = "") {
  try {
    ThrowTranslated(DatabaseError("the database's message", kind, code), failure);
  } catch (const Expected& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw another type: " << e.what();
  }
  return "";
}

TEST(ErrorMapTest, EachKindOfARepositoryCallIsTheErrorItsCallerCanActOn) {
  const Failure task{"task", false, ""};
  EXPECT_NE(Thrown<AlreadyExistsError>(ErrorKind::kUniqueViolation, task).find("a task with"),
            std::string::npos);
  EXPECT_NE(Thrown<NotFoundError>(ErrorKind::kForeignKeyViolation, task).find("cluster"),
            std::string::npos);
  EXPECT_NE(Thrown<InvalidArgumentError>(ErrorKind::kInvalidValue, task)
                .find("rejected a value of the task: the database's message"),
            std::string::npos);
  EXPECT_NE(Thrown<ConflictError>(ErrorKind::kSerializationFailure, task).find("retry it"),
            std::string::npos);
  EXPECT_NE(Thrown<ConnectionError>(ErrorKind::kConnectionLost, task).find("next call reconnects"),
            std::string::npos);
  EXPECT_NE(Thrown<Error>(ErrorKind::kBusy, task).find("stayed locked"), std::string::npos);
  const std::string other = Thrown<Error>(ErrorKind::kOther, task, "42P07");
  EXPECT_NE(other.find("(code 42P07)"), std::string::npos) << other;
}

TEST(ErrorMapTest, AMigrationsFailureIsAMigrationErrorUnlessTheConnectionWentAway) {
  const Failure migration{"migration 3 x failed at f.sql:4 (statement 1 of 2)", true,
                          "it was rolled back"};
  for (const ErrorKind kind :
       {ErrorKind::kUniqueViolation, ErrorKind::kForeignKeyViolation, ErrorKind::kInvalidValue,
        ErrorKind::kSerializationFailure, ErrorKind::kUndefinedTable, ErrorKind::kOther}) {
    EXPECT_EQ(Thrown<MigrationError>(kind, migration),
              "migration 3 x failed at f.sql:4 (statement 1 of 2): the database's message; it "
              "was rolled back");
  }
  const std::string lost = Thrown<ConnectionError>(ErrorKind::kConnectionLost, migration);
  EXPECT_NE(lost.find("(migration 3 x failed at f.sql:4"), std::string::npos) << lost;
  EXPECT_EQ(lost.find("reconnects"), std::string::npos) << lost;
}

}  // namespace
}  // namespace strata::connection
