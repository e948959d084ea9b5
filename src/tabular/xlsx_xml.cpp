#include "tabular/xlsx_xml.h"

#include <cstring>
#include <optional>

#include "tabular/encoding.h"

namespace muster::tabular {
namespace {

constexpr unsigned kParseOptions =
    pugi::parse_escapes | pugi::parse_eol | pugi::parse_cdata | pugi::parse_ws_pcdata_single;

// Returns the UTF-16 unit of the escape "_xHHHH_" at `i`, if there is one.
std::optional<char32_t> EscapeAt(std::string_view text, size_t i) {
  if (i + 7 > text.size() || text[i] != '_' || text[i + 1] != 'x' || text[i + 6] != '_') {
    return std::nullopt;
  }
  char32_t unit = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    char c = text[k];
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0) return std::nullopt;
    unit = unit * 16 + static_cast<char32_t>(digit);
  }
  return unit;
}

}  // namespace

Status ParseXml(std::string& xml, pugi::xml_document& doc, std::string_view part) {
  pugi::xml_parse_result result =
      doc.load_buffer_inplace(xml.data(), xml.size(), kParseOptions, pugi::encoding_auto);
  if (result) return Ok();
  Error e = BadRequest("damaged XLSX file: " + std::string(part) + ": " + result.description() +
                           " at offset " + std::to_string(result.offset),
                       "file");
  e.reason = "syntax";
  return e;
}

std::string_view LocalName(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon == nullptr ? std::string_view(name) : std::string_view(colon + 1);
}

pugi::xml_node Child(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element && LocalName(child.name()) == local) return child;
  }
  return {};
}

std::string_view PrefixedAttribute(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_attribute attribute : node.attributes()) {
    const char* name = attribute.name();
    if (std::strchr(name, ':') != nullptr && LocalName(name) == local) return attribute.value();
  }
  return {};
}

std::string NodeText(pugi::xml_node node) {
  std::string text;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text.append(child.value());
    }
  }
  if (text.find("_x") == std::string::npos) return text;
  return DecodeXstring(text);
}

std::string RichText(pugi::xml_node item) {
  std::string text;
  for (pugi::xml_node child : item.children()) {
    std::string_view local = LocalName(child.name());
    if (local == "t") text.append(NodeText(child));
    if (local != "r") continue;
    for (pugi::xml_node run_part : child.children()) {
      if (LocalName(run_part.name()) == "t") text.append(NodeText(run_part));
    }
  }
  return text;
}

std::string DecodeXstring(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    std::optional<char32_t> unit = EscapeAt(text, i);
    if (!unit) {
      out.push_back(text[i++]);
      continue;
    }
    i += 7;
    char32_t c = *unit;
    if (c >= 0xD800 && c <= 0xDBFF) {
      std::optional<char32_t> low = EscapeAt(text, i);
      if (!low || *low < 0xDC00 || *low > 0xDFFF) continue;
      c = 0x10000 + ((c - 0xD800) << 10) + (*low - 0xDC00);
      i += 7;
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
      continue;
    }
    if (c != 0) AppendUtf8(out, c);
  }
  return out;
}

std::string EscapeXstring(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (EscapeAt(text, i)) out.append("_x005F");
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace muster::tabular
