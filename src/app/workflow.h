#pragma once

#include "base/clock.h"
#include "crypto/keyring.h"
#include "store/store.h"

namespace muster::app {

// The emergency workflow's use cases: requests and their shifts, routing and escalation, calls,
// availability, sign-ups, batches, check-in codes and attendance. Every use case takes the
// acting user, decides authorisation here, runs in one transaction, and writes the outbox
// (notifications, live events) in that same transaction.
class Workflow {
 public:
  Workflow(store::Store& store, const crypto::Keyring& keys, const Clock& clock)
      : store_(store), keys_(keys), clock_(clock) {}

 private:
  store::Store& store_;
  const crypto::Keyring& keys_;
  const Clock& clock_;
};

}  // namespace muster::app
