// A description of every field of Cluster, Service and Task, for code that
// handles entities generically: printing them (the CLI's JSON and tables),
// serialising them, checking them. It is the store's own declaration of each
// table's columns, so it cannot drift from what is stored.
//
// Contract: Fields<E>() lists every data member of E exactly once, in the
// order E declares them, each named as the member is (snake_case, which is
// also its key in the CLI's JSON). A field added to an entity appears here
// in the same release. The list is built once and lives as long as the
// program; it is safe to read from several threads.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "strata/entities.h"
#include "strata/timestamp.h"

namespace strata {

enum class FieldType {
  kText,               // std::string
  kJson,               // std::string holding a JSON document; "" means absent
  kInteger,            // std::int64_t
  kBoolean,            // bool
  kTimestamp,          // Timestamp
  kOptionalTimestamp,  // std::optional<Timestamp>; std::nullopt means absent
};

template <class E>
struct Field {
  using Member = std::variant<std::string E::*, std::int64_t E::*, bool E::*, Timestamp E::*,
                              std::optional<Timestamp> E::*>;
  std::string_view name;
  FieldType type;
  Member member;  // matches `type`
  // False for what the store owns and Update never changes: keys (id, ARN,
  // name, cluster, region, account), the version and the creation time.
  bool updatable;
};

// Specialised for Cluster, Service and Task.
template <class E>
std::span<const Field<E>> Fields();
template <>
std::span<const Field<Cluster>> Fields<Cluster>();
template <>
std::span<const Field<Service>> Fields<Service>();
template <>
std::span<const Field<Task>> Fields<Task>();

// The family of a task definition ("arn:...:task-definition/web:3", "web:3"
// or "web" -> "web"): what TaskFilter::family matches.
std::string TaskDefinitionFamily(std::string_view task_definition);

}  // namespace strata
