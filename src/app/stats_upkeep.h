#pragma once

// The upkeep of the statistics' tallies (docs/statistics.md): every change of an attendance
// record calls one of these in its own transaction, so the tallies always equal a recount of the
// records they were committed with.

#include "base/ids.h"
#include "base/result.h"
#include "store/transaction.h"

namespace muster::app::stats {

// Counts attendance record `id` as it now stands: a record not counted yet becomes a
// person-time; a counted one whose check-out changed moves its hours. Call it in the same
// transaction, after every INSERT or UPDATE of one attendance record. Idempotent.
Status CountAttendance(store::Transaction& tx, AttendanceId id);

// Counts a shift the sweep closes: its attendance records (turns it closed) as they now stand,
// and the shift's final figures (headcount, places filled, time to fill) once. Call it in the
// sweep's transaction, after the UPDATE that closes the shift's open turns. Idempotent.
Status CountClosedShift(store::Transaction& tx, ShiftId id);

// Returns whether records or closed shifts wait to be counted: after the statistics migration
// on a database that already held records.
Result<bool> Pending(store::Transaction& tx);

// Recounts every tally from the records: empties the tally tables, counts every attendance
// record and every closed shift, and marks them counted. Takes memory in proportion to the
// distinct (block, member) pairs; for the upgrade of a database and for bulk loads.
Status Rebuild(store::Transaction& tx);

}  // namespace muster::app::stats
