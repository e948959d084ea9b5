#pragma once

#include <string>

#include "app/accounts.h"
#include "app/audit.h"
#include "app/notifications.h"
#include "app/registry.h"
#include "app/workflow.h"
#include "base/clock.h"
#include "http/event_hub.h"
#include "http/router.h"

namespace muster::api {

// What the API's handlers use. Owned by the composition root; outlives the server.
struct ApiContext {
  app::Registry& registry;
  app::Accounts& accounts;
  app::AuditLog& audit;
  const Clock& clock;
  // The emergency workflow (requests, calls, sign-ups, batches, attendance).
  app::Workflow& workflow;
  // In-app notifications, webhook configuration and delivery records.
  app::Notifications& notifications;
  // The live events GET /api/v1/events streams (the server feeds it from the outbox).
  http::EventHub& events;
  // True behind TLS: the session cookie is then __Host- prefixed and Secure.
  bool secure_cookies = false;
};

// Registers every route of the API (shared/spec/API.md and docs/openapi.yaml) on `router`.
// Each handler parses its input, calls one use case with the authenticated actor, and encodes
// the answer; authorisation is decided in app/.
void RegisterApiRoutes(http::Router& router, ApiContext& ctx);

// Hands an event of the outbox (notify::EventTail) to the live pages this process serves: a
// `session_ended` event (a logout, in any process) closes that session's streams and is not
// forwarded; any other is published to `hub`.
void DeliverLiveEvent(http::EventHub& hub, std::string kind, std::string payload,
                      std::string topic);

// The session cookie's name for the given transport.
std::string SessionCookieName(bool secure);

}  // namespace muster::api
