#pragma once

// pugixml helpers for SpreadsheetML parts. Element names are matched by local name, because
// some writers (the .NET Open XML SDK among them) prefix every element ("x:row").
// Internal to tabular/.

#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace muster::tabular {

// Parses `xml` in place into `doc`; `xml` must outlive `doc`. DTDs are skipped and entities
// other than XML's five are left as text, so entity expansion attacks have nothing to expand.
// Returns BadRequest on field "file" naming `part` when the XML is malformed.
Status ParseXml(std::string& xml, pugi::xml_document& doc, std::string_view part);

// Returns `name` without its namespace prefix: "x:row" -> "row".
std::string_view LocalName(const char* name);

// Returns the first child of `node` whose local name is `local`, or an empty node.
pugi::xml_node Child(pugi::xml_node node, std::string_view local);

// Returns the value of the prefixed attribute whose local name is `local` ("r:id" for "id"), so
// that "sheetId" and "id" of other namespaces are not confused.
std::string_view PrefixedAttribute(pugi::xml_node node, std::string_view local);

// Returns the concatenated text children of `node`, with SpreadsheetML's _xHHHH_ escapes
// decoded.
std::string NodeText(pugi::xml_node node);

// Returns the text of a string item (<si> or <is>): its <t>, or the <t> of each rich text run
// <r>, skipping phonetic guides (<rPh>) that East Asian Excel adds.
std::string RichText(pugi::xml_node item);

// Decodes the _xHHHH_ escapes that OOXML uses for characters XML cannot hold ("_x000D_" is CR,
// "_x005F_" a literal underscore). Escapes of NUL and unpaired surrogates are dropped.
std::string DecodeXstring(std::string_view text);

// Returns `text` with the underscore of every "_xHHHH_" lookalike escaped as "_x005F_", so that
// DecodeXstring (and Excel) give `text` back.
std::string EscapeXstring(std::string_view text);

}  // namespace muster::tabular
