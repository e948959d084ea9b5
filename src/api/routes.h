#pragma once

// Internal to api/: the route groups RegisterApiRoutes puts together.

#include "api/api.h"
#include "app/audit.h"
#include "http/router.h"

namespace muster::api {

void RegisterSessionRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit);
void RegisterDirectoryRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit);
void RegisterMemberRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit);
void RegisterNotificationRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit);
void RegisterWorkflowRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit);
void RegisterDispatchRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit);
void RegisterStatsRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit);
void RegisterOversightRoutes(http::Router& router, ApiContext& ctx, app::AuditLog& audit);

}  // namespace muster::api
