#pragma once

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/keyring.h"
#include "store/store.h"

namespace muster::app {

// The outbreak the demo city lives through: the emergency switch, then every night streets short
// of hands post requests for the next day, their paired units call their branches, members sign
// up (or are dispatched by a plan), unfilled requests escalate to every unit, batches leave in
// the morning, volunteers check in by code and out at the end, a few do not come; units receive
// and spend funds, streets and communities receive supplies, the city inspects a few units.
// Everything goes through the application's own use cases (Workflow, DispatchPlans,
// Oversight, Registry) with the clock moved through the period, so every figure the city then
// reads comes out of these records.
struct OutbreakOptions {
  Date first = Date{std::chrono::year{2022}, std::chrono::month{1}, std::chrono::day{1}};
  Date last = Date{std::chrono::year{2022}, std::chrono::month{1}, std::chrono::day{16}};
  int streets_per_night = 12;  // streets that post a request each night
  std::uint64_t seed = 20220101;
};

// What the playback did, counted as it went (the statistics recount it from the records).
struct OutbreakReport {
  int requests = 0;
  int shifts = 0;
  int calls = 0;
  int signups = 0;           // confirmed or waiting, by the volunteers themselves
  int dispatched = 0;        // confirmed by committed dispatch plans
  int signups_refused = 0;   // attempts a rule refused (overlap, hours, full shift, routing)
  int cancellations = 0;
  int escalations = 0;       // by the clock
  int batches = 0;
  int checkins = 0;
  int checkouts = 0;
  int walk_ins = 0;          // checked in without a sign-up: flagged for the coordinator
  int corrections = 0;       // attendance recorded by a coordinator with a reason
  int no_shows = 0;
  int allocations = 0;
  int expenses = 0;
  int supplies = 0;
  int inspections = 0;
};

// Plays the outbreak over the registry already in `store` (a city built by SynthesizeCity and
// imported), moving `clock` from the evening before `first` to the day after `last`.
// Deterministic for one registry and seed. Fails on the first use case that answers an error
// the playback does not expect (a rule refusing a sign-up is expected and counted).
Result<OutbreakReport> PlayOutbreak(store::Store& store, const crypto::Keyring& keys,
                                    FakeClock& clock, const OutbreakOptions& options = {});

// After the outbreak, so that the demo has work to do today: `streets` streets post a request
// for tomorrow (Asia/Shanghai, from `clock`), morning and afternoon shifts in two of their
// communities, and their paired units call their branches. Returns the requests posted.
Result<int> PostTomorrowsRequests(store::Store& store, const crypto::Keyring& keys,
                                  const Clock& clock, int streets, std::uint64_t seed);

}  // namespace muster::app
