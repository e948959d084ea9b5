#pragma once

#include <nlohmann/json.hpp>

#include "app/stats.h"

namespace muster::api {

// The JSON of GET /api/v1/stats/summary: {from, to, units, branches, members, person_times,
// party_member_person_times, hours, record_hours, streets, communities, requests: {shifts,
// headcount, filled, fill_rate, median_minutes_to_fill} | null}. Hours to the hundredth.
nlohmann::json EncodeStatsSummary(const app::StatsSummary& s);

// One row of GET /api/v1/stats/by-*: {unit_id, unit_name, ...the summary's counters} (branch_id,
// street_id, community_id alike; {date, ...} for days), with `requests` for streets,
// communities and days.
nlohmann::json EncodeStatsRow(app::Breakdown by, const app::BreakdownRow& row);

}  // namespace muster::api
