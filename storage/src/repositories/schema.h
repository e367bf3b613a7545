// The columns of clusters, services and tasks, in the order of their
// migrations (migrations/<backend>/000{1,2,3}_*.up.sql) and of the entities'
// members, each with the entity field it holds.
#pragma once

#include <vector>

#include "repositories/row_mapping.h"
#include "strata/entities.h"

namespace strata::repositories {

std::vector<Column<Cluster>> ClusterColumns();
std::vector<Column<Service>> ServiceColumns();
std::vector<Column<Task>> TaskColumns();

}  // namespace strata::repositories
