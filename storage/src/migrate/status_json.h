// The JSON document of a SchemaStatus: what `strata migrate status --output
// json` prints and what the sidecar's /status embeds (docs/cli.md).
#pragma once

#include <nlohmann/json.hpp>

#include "strata/migrator.h"

namespace strata::migrate {

nlohmann::ordered_json StatusDocument(const SchemaStatus& status);

// null for "", else the text: how the documents show an absent text.
nlohmann::ordered_json TextOrNull(const std::string& text);

// `doc` with a 2-space indent; text that is not valid UTF-8 (a database's
// message in another encoding) shows U+FFFD instead of failing.
std::string DumpJson(const nlohmann::ordered_json& doc);

}  // namespace strata::migrate
