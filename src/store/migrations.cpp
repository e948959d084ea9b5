#include "store/migrations.h"

#include "store/store.h"

namespace muster::store {
namespace {

constexpr std::string_view kRegistry = R"sql(
CREATE TABLE districts (
  id {ID},
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE streets (
  id {ID},
  district_id BIGINT NOT NULL REFERENCES districts(id),
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('street', 'town'))
);
CREATE TABLE communities (
  id {ID},
  street_id BIGINT NOT NULL REFERENCES streets(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('community', 'village')),
  UNIQUE (street_id, name)
);
CREATE TABLE sites (
  id {ID},
  community_id BIGINT NOT NULL REFERENCES communities(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  lat {REAL} NOT NULL,
  lon {REAL} NOT NULL,
  risk TEXT NOT NULL CHECK (risk IN ('normal', 'high')),
  UNIQUE (community_id, name)
);
CREATE TABLE units (
  id {ID},
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('agency', 'company'))
);
CREATE TABLE departments (
  id {ID},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  UNIQUE (unit_id, name)
);
CREATE TABLE branches (
  id {ID},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  UNIQUE (unit_id, name)
);
CREATE TABLE members (
  id {ID},
  name TEXT NOT NULL,
  phone TEXT NOT NULL UNIQUE,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  department_id BIGINT REFERENCES departments(id),
  branch_id BIGINT REFERENCES branches(id),
  party_member INTEGER NOT NULL CHECK (party_member IN (0, 1)),
  birth_date BIGINT,
  id_number_sealed TEXT,
  id_number_hash TEXT UNIQUE,
  id_number_masked TEXT,
  home_lat {REAL},
  home_lon {REAL},
  brought_by BIGINT REFERENCES members(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX members_unit ON members (unit_id);
CREATE INDEX members_branch ON members (branch_id);
CREATE INDEX members_department ON members (department_id);
CREATE TABLE member_skills (
  member_id BIGINT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  skill TEXT NOT NULL,
  PRIMARY KEY (member_id, skill)
);
CREATE TABLE street_pairings (
  id {ID},
  street_id BIGINT NOT NULL REFERENCES streets(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  valid_from BIGINT NOT NULL,
  valid_to BIGINT,
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX street_pairings_street ON street_pairings (street_id, valid_from);
CREATE INDEX street_pairings_unit ON street_pairings (unit_id);
CREATE TABLE community_pairings (
  id {ID},
  community_id BIGINT NOT NULL REFERENCES communities(id),
  department_id BIGINT NOT NULL REFERENCES departments(id),
  valid_from BIGINT NOT NULL,
  valid_to BIGINT,
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX community_pairings_community ON community_pairings (community_id, valid_from);
CREATE INDEX community_pairings_department ON community_pairings (department_id);
CREATE TABLE mode_changes (
  id {ID},
  mode TEXT NOT NULL CHECK (mode IN ('routine', 'emergency')),
  reason TEXT NOT NULL,
  changed_at BIGINT NOT NULL,
  changed_by TEXT NOT NULL
);
CREATE TABLE activities (
  id {ID},
  community_id BIGINT NOT NULL REFERENCES communities(id),
  department_id BIGINT NOT NULL REFERENCES departments(id),
  task TEXT NOT NULL,
  day BIGINT NOT NULL,
  summary TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX activities_community ON activities (community_id, day);
CREATE TABLE activity_members (
  activity_id BIGINT NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
  member_id BIGINT NOT NULL REFERENCES members(id),
  PRIMARY KEY (activity_id, member_id)
);
)sql";

// Facts about the database itself, such as the label of a synthetic demo city.
constexpr std::string_view kMeta = R"sql(
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

// Accounts, sessions (tokens stored hashed) and the append-only audit log.
constexpr std::string_view kAccounts = R"sql(
CREATE TABLE users (
  id {ID},
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('city_admin', 'unit_admin', 'branch_secretary',
                                     'street_coordinator', 'community_coordinator', 'volunteer')),
  scope_id BIGINT,
  created_at BIGINT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
  id {ID},
  token_hash TEXT NOT NULL UNIQUE,
  csrf_token TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE audit_log (
  id {ID},
  at BIGINT NOT NULL,
  user_id BIGINT,
  username TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  detail TEXT NOT NULL,
  address TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
)sql";

constexpr Migration kMigrations[] = {
    {1, "registry", kRegistry},
    {2, "meta", kMeta},
    {3, "accounts", kAccounts},
};

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

Result<int> Store::Migrate() {
  // The first write creates the bookkeeping table; on PostgreSQL an advisory lock makes concurrent
  // start-ups of several servers apply each migration exactly once.
  return Write([&](Transaction& tx) -> Result<int> {
    if (tx.backend() == Backend::kPostgres) {
      MUSTER_TRY(tx.Exec("SELECT pg_advisory_xact_lock(7262021)"));
    }
    MUSTER_TRY(tx.ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
        "name TEXT NOT NULL)"));
    MUSTER_ASSIGN(auto current, tx.QueryInt("SELECT MAX(version) FROM schema_migrations", {}));
    int version = static_cast<int>(current.value_or(0));
    if (version > AllMigrations().back().version) {
      return Unavailable("the database schema (version " + std::to_string(version) +
                         ") is newer than this program knows; upgrade muster");
    }
    for (const Migration& m : AllMigrations()) {
      if (m.version <= version) continue;
      Status s = tx.ExecScript(m.sql);
      if (!s.ok()) {
        return Internal("migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                        ") failed: " + s.error().message);
      }
      MUSTER_TRY(tx.Exec("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                         {std::int64_t{m.version}, std::string(m.name)}));
      version = m.version;
    }
    return version;
  });
}

}  // namespace muster::store
