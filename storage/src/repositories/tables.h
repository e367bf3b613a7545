// The columns of clusters, services and tasks, in the order of their
// migrations (migrations/<backend>/000{1,2,3}_*.up.sql), each with the entity
// field it holds.
#pragma once

#include <vector>

#include "repositories/table.h"
#include "strata/entities.h"

namespace strata::repositories {

std::vector<Field<Cluster>> ClusterFields();
std::vector<Field<Service>> ServiceFields();
std::vector<Field<Task>> TaskFields();

}  // namespace strata::repositories
