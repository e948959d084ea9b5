#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/accounts.h"
#include "app/audit.h"
#include "app/registry.h"
#include "domain/registry.h"

namespace muster::api {

// JSON encodings of the API's objects. Members always come out masked (phone and ID number):
// full values only through the audited reveal.
nlohmann::json Encode(const domain::District& d);
nlohmann::json Encode(const domain::Street& s);
nlohmann::json Encode(const domain::Community& c);
nlohmann::json Encode(const domain::Site& s);
nlohmann::json Encode(const domain::Unit& u);
nlohmann::json Encode(const domain::Department& d);
nlohmann::json Encode(const domain::Branch& b);
nlohmann::json Encode(const domain::Member& m);
nlohmann::json Encode(const domain::ModeState& m);
nlohmann::json Encode(const domain::Activity& a);
nlohmann::json Encode(const app::PairingTable& t);
nlohmann::json Encode(const app::User& u);
nlohmann::json Encode(const app::AuditEntry& e);

// Encodes a page of items as {"items": [...], "next": "<cursor>"|null}; the cursor is the last
// id when the page is full.
template <typename T>
nlohmann::json EncodePage(const std::vector<T>& items, int limit) {
  nlohmann::json out = {{"items", nlohmann::json::array()}, {"next", nullptr}};
  for (const T& item : items) out["items"].push_back(Encode(item));
  if (!items.empty() && static_cast<int>(items.size()) == limit) {
    out["next"] = std::to_string(items.back().id.value);
  }
  return out;
}

}  // namespace muster::api
