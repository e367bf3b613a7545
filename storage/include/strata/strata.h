// strata: one repository API for clusters, services and tasks over SQLite and
// PostgreSQL. Include this header to get all of the public API.
#pragma once

#include "strata/entities.h"      // IWYU pragma: export
#include "strata/error.h"         // IWYU pragma: export
#include "strata/manage.h"        // IWYU pragma: export
#include "strata/migrator.h"      // IWYU pragma: export
#include "strata/options.h"       // IWYU pragma: export
#include "strata/repositories.h"  // IWYU pragma: export
#include "strata/store.h"         // IWYU pragma: export
#include "strata/timestamp.h"     // IWYU pragma: export
#include "strata/version.h"       // IWYU pragma: export
