#pragma once

#include <span>
#include <string_view>

namespace muster::store {

// One versioned change of the schema. The SQL is written once for both backends, with the
// dialect tokens of ExpandDialect ({ID}, {REAL}). Instants are BIGINT Unix seconds, dates BIGINT
// day numbers (days since 1970-01-01 in Asia/Shanghai), booleans INTEGER 0/1.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Returns every migration in version order. Applied migrations are never edited: a change to the
// schema is a new migration appended here.
std::span<const Migration> AllMigrations();

}  // namespace muster::store
