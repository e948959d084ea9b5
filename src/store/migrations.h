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
// schema is a new migration. Store::Migrate applies every migration a database has not recorded,
// in version order, so one may be inserted below versions already released (6, statistics, came
// after 7 and 8) provided it does not depend on any migration of a higher version.
std::span<const Migration> AllMigrations();

}  // namespace muster::store
