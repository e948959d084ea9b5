#include "store/migrations.h"

#include <algorithm>
#include <set>
#include <string>

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


// The emergency workflow: requests and their shifts, routing and escalation, calls,
// availability, sign-ups (with idempotency keys), batches, attendance, and the outbox
// (notifications for people, events for live pages) written in the same transaction as the
// change that causes it. Instants are Unix seconds; `day` columns are Asia/Shanghai day numbers.
constexpr std::string_view kWorkflow = R"sql(
CREATE TABLE requests (
  id {ID},
  street_id BIGINT NOT NULL REFERENCES streets(id),
  note TEXT NOT NULL,
  urgent INTEGER NOT NULL,
  posted_by BIGINT REFERENCES users(id),
  posted_at BIGINT NOT NULL,
  escalates_at BIGINT NOT NULL,
  escalated_at BIGINT,
  escalation_reason TEXT,
  closed_at BIGINT
);
CREATE INDEX requests_street ON requests (street_id, posted_at);
CREATE INDEX requests_escalation ON requests (escalates_at) WHERE escalated_at IS NULL;
CREATE TABLE request_routes (
  id {ID},
  request_id BIGINT NOT NULL REFERENCES requests(id),
  unit_id BIGINT REFERENCES units(id),
  department_id BIGINT REFERENCES departments(id),
  reason TEXT NOT NULL CHECK (reason IN ('street_pairing', 'community_pairing', 'escalation')),
  routed_at BIGINT NOT NULL
);
CREATE INDEX request_routes_request ON request_routes (request_id);
CREATE INDEX request_routes_unit ON request_routes (unit_id);
CREATE TABLE shifts (
  id {ID},
  request_id BIGINT NOT NULL REFERENCES requests(id),
  site_id BIGINT NOT NULL REFERENCES sites(id),
  community_id BIGINT NOT NULL REFERENCES communities(id),
  street_id BIGINT NOT NULL REFERENCES streets(id),
  task TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  day BIGINT NOT NULL,
  headcount INTEGER NOT NULL CHECK (headcount BETWEEN 1 AND 10000),
  confirmed INTEGER NOT NULL DEFAULT 0,
  waiting INTEGER NOT NULL DEFAULT 0,
  skills TEXT NOT NULL,
  priority INTEGER NOT NULL,
  risk TEXT NOT NULL CHECK (risk IN ('normal', 'high')),
  min_age INTEGER,
  max_age INTEGER,
  filled_at BIGINT,
  reminded INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0,
  CHECK (confirmed <= headcount),
  CHECK (ends_at > starts_at)
);
CREATE INDEX shifts_request ON shifts (request_id);
CREATE INDEX shifts_time ON shifts (starts_at);
CREATE INDEX shifts_day ON shifts (day);
CREATE INDEX shifts_site ON shifts (site_id, starts_at);
CREATE TABLE calls (
  id {ID},
  request_id BIGINT NOT NULL REFERENCES requests(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  message TEXT NOT NULL,
  sent_by BIGINT REFERENCES users(id),
  sent_at BIGINT NOT NULL,
  recipients INTEGER NOT NULL
);
CREATE INDEX calls_request ON calls (request_id);
CREATE TABLE call_branches (
  call_id BIGINT NOT NULL REFERENCES calls(id),
  branch_id BIGINT NOT NULL REFERENCES branches(id),
  PRIMARY KEY (call_id, branch_id)
);
CREATE TABLE availability (
  member_id BIGINT PRIMARY KEY REFERENCES members(id),
  windows TEXT NOT NULL,
  max_hours_per_day INTEGER NOT NULL,
  high_risk_ok INTEGER NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE signups (
  id {ID},
  shift_id BIGINT NOT NULL REFERENCES shifts(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  status TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
  source TEXT NOT NULL CHECK (source IN ('self', 'secretary', 'unit', 'city', 'dispatch')),
  branch_id BIGINT REFERENCES branches(id),
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  confirmed_at BIGINT,
  cancelled_at BIGINT,
  no_show INTEGER NOT NULL DEFAULT 0,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  day BIGINT NOT NULL
);
CREATE UNIQUE INDEX signups_active ON signups (shift_id, member_id) WHERE status <> 'cancelled';
CREATE INDEX signups_member ON signups (member_id, day);
CREATE INDEX signups_shift ON signups (shift_id, status, created_at);
CREATE TABLE idempotency_keys (
  user_id BIGINT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, idem_key)
);
CREATE TABLE batches (
  id {ID},
  street_id BIGINT NOT NULL REFERENCES streets(id),
  unit_id BIGINT REFERENCES units(id),
  departs_at BIGINT NOT NULL,
  depart_from TEXT NOT NULL,
  vehicle TEXT NOT NULL,
  capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 10000),
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX batches_street ON batches (street_id, departs_at);
CREATE TABLE batch_members (
  batch_id BIGINT NOT NULL REFERENCES batches(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  PRIMARY KEY (batch_id, member_id)
);
CREATE TABLE attendance (
  id {ID},
  shift_id BIGINT NOT NULL REFERENCES shifts(id),
  member_id BIGINT NOT NULL REFERENCES members(id),
  signup_id BIGINT REFERENCES signups(id),
  checked_in_at BIGINT NOT NULL,
  checked_out_at BIGINT,
  closed_by TEXT CHECK (closed_by IN ('checkout', 'auto', 'coordinator')),
  source TEXT NOT NULL CHECK (source IN ('code', 'coordinator')),
  flagged INTEGER NOT NULL DEFAULT 0,
  recorded_by BIGINT REFERENCES users(id),
  reason TEXT,
  day BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  branch_id BIGINT REFERENCES branches(id),
  party_member INTEGER NOT NULL,
  street_id BIGINT NOT NULL REFERENCES streets(id),
  community_id BIGINT NOT NULL REFERENCES communities(id),
  UNIQUE (shift_id, member_id)
);
CREATE INDEX attendance_day ON attendance (day);
CREATE INDEX attendance_member ON attendance (member_id, day);
CREATE INDEX attendance_open ON attendance (shift_id) WHERE checked_out_at IS NULL;
CREATE TABLE notifications (
  id {ID},
  member_id BIGINT REFERENCES members(id),
  user_id BIGINT REFERENCES users(id),
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  read_at BIGINT,
  CHECK (member_id IS NOT NULL OR user_id IS NOT NULL)
);
CREATE INDEX notifications_member ON notifications (member_id, id);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE TABLE events (
  id {ID},
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)sql";

// Webhook delivery of notifications: the configured receivers (their secrets sealed with the
// data key), one delivery row per (webhook, notification) with its attempts, and the cursors of
// the background readers that follow the outbox by id.
constexpr std::string_view kWebhooks = R"sql(
CREATE TABLE webhooks (
  id {ID},
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  kinds TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('muster', 'chat_text', 'feishu_text')),
  secret_sealed TEXT NOT NULL,
  personal_data INTEGER NOT NULL CHECK (personal_data IN (0, 1)),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  after_notification_id BIGINT NOT NULL,
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  disabled_at BIGINT
);
CREATE TABLE webhook_deliveries (
  id {ID},
  webhook_id BIGINT NOT NULL REFERENCES webhooks(id),
  notification_id BIGINT NOT NULL REFERENCES notifications(id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  claimed_until BIGINT,
  claim_token TEXT,
  last_attempt_at BIGINT,
  last_status INTEGER,
  last_error TEXT,
  delivered_at BIGINT,
  UNIQUE (webhook_id, notification_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (webhook_id, next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
CREATE TABLE outbox_cursors (
  name TEXT PRIMARY KEY,
  position BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
)sql";

// Oversight: inspections of units, the funds of units (allocations, expenses and one balance
// row per unit whose CHECK and conditional updates keep spending within allocations), and
// supplies given to streets and communities. Amounts are integer fen; `day` columns are
// Asia/Shanghai day numbers.
constexpr std::string_view kOversight = R"sql(
CREATE TABLE inspections (
  id {ID},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  day BIGINT NOT NULL,
  inspector TEXT NOT NULL,
  findings TEXT NOT NULL,
  rating TEXT NOT NULL CHECK (rating IN ('excellent', 'good', 'fair', 'poor')),
  recorded_by BIGINT REFERENCES users(id),
  recorded_by_name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX inspections_unit ON inspections (unit_id, day);
CREATE TABLE fund_allocations (
  id {ID},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
  purpose TEXT NOT NULL,
  day BIGINT NOT NULL,
  recorded_by BIGINT REFERENCES users(id),
  recorded_by_name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX fund_allocations_unit ON fund_allocations (unit_id, day);
CREATE TABLE fund_expenses (
  id {ID},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
  purpose TEXT NOT NULL,
  day BIGINT NOT NULL,
  community_id BIGINT REFERENCES communities(id),
  recorded_by BIGINT REFERENCES users(id),
  recorded_by_name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX fund_expenses_unit ON fund_expenses (unit_id, day);
CREATE TABLE fund_balances (
  unit_id BIGINT PRIMARY KEY REFERENCES units(id),
  allocated_fen BIGINT NOT NULL CHECK (allocated_fen >= 0),
  spent_fen BIGINT NOT NULL CHECK (spent_fen >= 0),
  CHECK (spent_fen <= allocated_fen)
);
CREATE TABLE supplies (
  id {ID},
  street_id BIGINT NOT NULL REFERENCES streets(id),
  community_id BIGINT REFERENCES communities(id),
  donor TEXT NOT NULL,
  coordinated_by_unit_id BIGINT REFERENCES units(id),
  description TEXT NOT NULL,
  quantity BIGINT NOT NULL CHECK (quantity > 0),
  value_fen BIGINT NOT NULL CHECK (value_fen > 0),
  day BIGINT NOT NULL,
  recorded_by BIGINT REFERENCES users(id),
  recorded_by_name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX supplies_street ON supplies (street_id, day);
CREATE INDEX supplies_community ON supplies (community_id);
CREATE INDEX supplies_unit ON supplies (coordinated_by_unit_id);
CREATE INDEX request_routes_department ON request_routes (department_id);
CREATE INDEX calls_unit ON calls (unit_id);
)sql";

// Statistics (docs/statistics.md): tallies of attendance kept up to date in the transaction of
// every attendance change, per block of days (level 0: one day; 1: 8 days; 2: 64 days, aligned
// on day numbers), so that any period reads a few blocks instead of its records.
//   attendance.counted_seconds: what the tallies hold of the record (NULL: not counted yet).
//   stats_tallies: per dimension (0 the city, 1 unit, 2 branch, 3 street, 4 community) and key:
//     the attendance counters and the encoded sets of units, branches, members, streets and
//     communities met; for the city, streets and communities also the final figures of the
//     shifts the sweep closed (shifts, headcount, filled places, minutes each took to fill).
//   stats_cells: per (unit, branch or 0, community): counters and the set of members, for
//     figures narrowed to a unit, branch, street or community.
// The id of a tally packs (dimension, level, block, key) in that order (app/stats_internal.h),
// so that the rows of consecutive blocks are neighbours and a period reads them in one range.
constexpr std::string_view kStats = R"sql(
ALTER TABLE attendance ADD COLUMN counted_seconds BIGINT;
CREATE INDEX attendance_uncounted ON attendance (id) WHERE counted_seconds IS NULL;
ALTER TABLE shifts ADD COLUMN stats_folded INTEGER NOT NULL DEFAULT 0;
CREATE INDEX shifts_unfolded ON shifts (day) WHERE stats_folded = 0;
CREATE TABLE stats_tallies (
  id {ID},
  dim INTEGER NOT NULL,
  level INTEGER NOT NULL,
  block BIGINT NOT NULL,
  key_id BIGINT NOT NULL,
  person_times BIGINT NOT NULL,
  party_person_times BIGINT NOT NULL,
  seconds BIGINT NOT NULL,
  record_half_hours BIGINT NOT NULL,
  sets TEXT NOT NULL,
  shifts BIGINT NOT NULL,
  headcount BIGINT NOT NULL,
  filled BIGINT NOT NULL,
  fill_minutes TEXT NOT NULL
);
CREATE TABLE stats_cells (
  unit_id BIGINT NOT NULL,
  level INTEGER NOT NULL,
  block BIGINT NOT NULL,
  branch_id BIGINT NOT NULL,
  community_id BIGINT NOT NULL,
  street_id BIGINT NOT NULL,
  person_times BIGINT NOT NULL,
  party_person_times BIGINT NOT NULL,
  seconds BIGINT NOT NULL,
  record_half_hours BIGINT NOT NULL,
  members TEXT NOT NULL,
  PRIMARY KEY (unit_id, level, block, branch_id, community_id)
);
CREATE INDEX stats_cells_street ON stats_cells (street_id, level, block);
CREATE INDEX stats_cells_community ON stats_cells (community_id, level, block);
)sql";

// Dispatch plans (docs/dispatch.md, "Plans in the server"): the engine's plan as JSON (with
// labels), who made it and for which unit (NULL: the city), the days it covers (Asia/Shanghai
// day numbers) and street, and once committed when, by whom and its result (confirmed count and
// skipped assignments, JSON).
constexpr std::string_view kDispatchPlans = R"sql(
CREATE TABLE dispatch_plans (
  id {ID},
  created_by BIGINT REFERENCES users(id),
  unit_id BIGINT REFERENCES units(id),
  created_at BIGINT NOT NULL,
  from_day BIGINT NOT NULL,
  to_day BIGINT NOT NULL,
  street_id BIGINT REFERENCES streets(id),
  plan TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('proposed', 'committed')),
  committed_at BIGINT,
  committed_by BIGINT REFERENCES users(id),
  result TEXT,
  CHECK (to_day >= from_day),
  CHECK ((status = 'committed') = (committed_at IS NOT NULL))
);
CREATE INDEX dispatch_plans_unit ON dispatch_plans (unit_id, id);
)sql";

constexpr Migration kMigrations[] = {
    {1, "registry", kRegistry},
    {2, "meta", kMeta},
    {3, "accounts", kAccounts},
    {4, "workflow", kWorkflow},
    {5, "webhooks", kWebhooks},
    {6, "stats", kStats},
    {7, "oversight", kOversight},
    {8, "dispatch plans", kDispatchPlans},
};

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

Result<int> Store::Migrate() {
  // The first write creates the bookkeeping table; on PostgreSQL an advisory lock makes concurrent
  // start-ups of several servers apply each migration exactly once. Every migration not recorded
  // is applied, in version order, even below the newest recorded one: a migration may be inserted
  // below others already released (6 came after 7 and 8), and a database that took 7 and 8 first
  // must still get it. So a migration may not depend on one of a higher version.
  return Write([&](Transaction& tx) -> Result<int> {
    if (tx.backend() == Backend::kPostgres) {
      MUSTER_TRY(tx.Exec("SELECT pg_advisory_xact_lock(7262021)"));
    }
    MUSTER_TRY(tx.ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
        "name TEXT NOT NULL)"));
    std::set<std::int64_t> applied;
    MUSTER_TRY(tx.Query("SELECT version FROM schema_migrations", {}, [&](const Row& r) {
      applied.insert(r.Int(0));
      return Ok();
    }));
    for (std::int64_t v : applied) {
      const bool known = std::ranges::any_of(
          AllMigrations(), [v](const Migration& m) { return m.version == v; });
      if (!known) {
        return Unavailable("the database schema has migration " + std::to_string(v) +
                           ", which this program does not know; upgrade muster");
      }
    }
    int version = applied.empty() ? 0 : static_cast<int>(*applied.rbegin());
    for (const Migration& m : AllMigrations()) {
      if (applied.contains(m.version)) continue;
      Status s = tx.ExecScript(m.sql);
      if (!s.ok()) {
        return Internal("migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                        ") failed: " + s.error().message);
      }
      MUSTER_TRY(tx.Exec("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                         {std::int64_t{m.version}, std::string(m.name)}));
      version = std::max(version, m.version);
    }
    return version;
  });
}

}  // namespace muster::store
