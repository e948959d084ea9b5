#include "api/codec.h"

#include "base/validate.h"

namespace muster::api {
namespace {

using nlohmann::json;

template <typename T>
json OptValue(const std::optional<T>& v) {
  if (!v) return nullptr;
  return *v;
}
template <typename Tag>
json OptId(const std::optional<Id<Tag>>& v) {
  if (!v) return nullptr;
  return v->value;
}

}  // namespace

json Encode(const domain::District& d) { return {{"id", d.id.value}, {"name", d.name}}; }
json Encode(const domain::Street& s) {
  return {{"id", s.id.value}, {"district_id", s.district_id.value}, {"name", s.name},
          {"kind", domain::Name(s.kind)}};
}
json Encode(const domain::Community& c) {
  return {{"id", c.id.value}, {"street_id", c.street_id.value}, {"name", c.name},
          {"kind", domain::Name(c.kind)}};
}
json Encode(const domain::Site& s) {
  return {{"id", s.id.value}, {"community_id", s.community_id.value}, {"name", s.name},
          {"kind", s.kind}, {"lat", s.lat}, {"lon", s.lon}, {"risk", domain::Name(s.risk)}};
}
json Encode(const domain::Unit& u) {
  return {{"id", u.id.value}, {"name", u.name}, {"kind", domain::Name(u.kind)}};
}
json Encode(const domain::Department& d) {
  return {{"id", d.id.value}, {"unit_id", d.unit_id.value}, {"name", d.name}};
}
json Encode(const domain::Branch& b) {
  return {{"id", b.id.value}, {"unit_id", b.unit_id.value}, {"name", b.name}};
}
json Encode(const domain::Member& m) {
  return {{"id", m.id.value},
          {"name", m.name},
          {"phone", MaskMobile(m.phone)},
          {"unit_id", m.unit_id.value},
          {"department_id", OptId(m.department_id)},
          {"branch_id", OptId(m.branch_id)},
          {"party_member", m.party_member},
          {"birth_date", m.birth_date ? json(FormatDate(*m.birth_date)) : json(nullptr)},
          {"id_number", OptValue(m.id_number_masked)},
          {"skills", m.skills},
          {"has_home", m.home_lat.has_value()},
          {"brought_by", OptId(m.brought_by)}};
}
json Encode(const domain::ModeState& m) {
  return {{"mode", domain::Name(m.mode)},
          {"since", m.since ? json(FormatRfc3339(*m.since)) : json(nullptr)},
          {"reason", m.reason},
          {"changed_by", m.changed_by}};
}
json Encode(const domain::Activity& a) {
  json members = json::array();
  for (MemberId id : a.member_ids) members.push_back(id.value);
  return {{"id", a.id.value}, {"community_id", a.community_id.value},
          {"department_id", a.department_id.value}, {"task", domain::Name(a.task)},
          {"date", FormatDate(a.date)}, {"member_ids", members}, {"summary", a.summary}};
}
json Encode(const app::PairingTable& t) {
  json streets = json::array(), communities = json::array();
  for (const auto& p : t.streets) {
    streets.push_back({{"street_id", p.street_id.value}, {"unit_id", p.unit_id.value},
                       {"from", FormatDate(p.from)},
                       {"to", p.to ? json(FormatDate(*p.to)) : json(nullptr)}});
  }
  for (const auto& p : t.communities) {
    json ids = json::array();
    for (DepartmentId d : p.department_ids) ids.push_back(d.value);
    communities.push_back({{"community_id", p.community_id.value}, {"department_ids", ids},
                           {"from", FormatDate(p.from)},
                           {"to", p.to ? json(FormatDate(*p.to)) : json(nullptr)}});
  }
  return {{"date", FormatDate(t.date)}, {"streets", streets}, {"communities", communities}};
}
json Encode(const app::User& u) {
  return {{"id", u.id.value}, {"username", u.username}, {"role", app::Name(u.role)},
          {"scope_id", OptValue(u.scope_id)}};
}
json Encode(const app::AuditEntry& e) {
  return {{"id", e.id},
          {"at", FormatRfc3339(e.at)},
          {"user_id", OptId(e.user_id)},
          {"username", e.username},
          {"action", e.action},
          {"object", e.object},
          {"detail", e.detail},
          {"address", e.address}};
}

}  // namespace muster::api
