#pragma once

#include <cstdint>
#include <functional>
#include <ostream>

namespace muster {

// A strongly typed database id: a MemberId cannot be passed where a ShiftId is wanted.
// Ids are positive; 0 means "none".
template <typename Tag>
struct Id {
  std::int64_t value = 0;

  constexpr Id() = default;
  constexpr explicit Id(std::int64_t v) : value(v) {}
  constexpr bool valid() const { return value > 0; }
  constexpr auto operator<=>(const Id&) const = default;
  friend std::ostream& operator<<(std::ostream& os, Id id) { return os << id.value; }
};

using DistrictId = Id<struct DistrictTag>;
using StreetId = Id<struct StreetTag>;
using CommunityId = Id<struct CommunityTag>;
using SiteId = Id<struct SiteTag>;
using UnitId = Id<struct UnitTag>;
using DepartmentId = Id<struct DepartmentTag>;
using BranchId = Id<struct BranchTag>;
using MemberId = Id<struct MemberTag>;
using ActivityId = Id<struct ActivityTag>;
using UserId = Id<struct UserTag>;
using RequestId = Id<struct RequestTag>;
using ShiftId = Id<struct ShiftTag>;
using SignupId = Id<struct SignupTag>;
using CallId = Id<struct CallTag>;
using BatchId = Id<struct BatchTag>;
using AttendanceId = Id<struct AttendanceTag>;
using PlanId = Id<struct PlanTag>;

}  // namespace muster

template <typename Tag>
struct std::hash<muster::Id<Tag>> {
  std::size_t operator()(muster::Id<Tag> id) const noexcept {
    return std::hash<std::int64_t>()(id.value);
  }
};
