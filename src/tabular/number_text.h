#pragma once

// Numbers and dates between spreadsheet cells and text. Internal to tabular/.

#include <optional>
#include <string>
#include <string_view>

namespace muster::tabular {

// Returns the shortest text that reads back as `value`: integers as plain digits
// (13812345678, not 1.3812345678E10), other values in plain decimal notation while
// 1e-5 <= |value| < 1e21, else in E notation ("1.5E-07"). -0 is "0".
// REQUIRES: value is finite.
std::string FormatNumber(double value);

// Returns the value of `text` when a number cell would show exactly `text` again: canonical
// decimal text (no '+', no leading or trailing zeros, no exponent) of at most 15 significant
// digits that survives the "%.16G" rendering libxlsxwriter stores. Integers of more than 10
// digits are excluded: they are identifiers (phone 11 digits, resident ID 18, bank card 16-19)
// that Excel would show in E notation or round. Returns nullopt for everything else.
std::optional<double> ParseStorableNumber(std::string_view text);

// What a cell's number format makes of its value.
enum class NumberKind { kPlain, kDate, kDateTime, kTime };

// Returns the kind of the built-in number format `id` (ECMA-376 18.8.30, with the East Asian ids
// 27-36 and 50-58 that Chinese Excel uses without declaring them).
NumberKind ClassifyBuiltinFormat(int id);

// Returns the kind of the custom number format `code` ("yyyy-mm-dd", "yyyy\"年\"m\"月\"d\"日\"",
// "h:mm"), judged on its first section: y or d (or m without h or s) mean a date, h or s a time.
// Elapsed-time formats ("[h]:mm") are kPlain: they are durations, not times of day.
NumberKind ClassifyFormatCode(std::string_view code);

// Renders the spreadsheet serial `serial` as "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or "HH:MM:SS"
// for `kind`, counting days from 1900 (with Excel's phantom 1900-02-29) or, when `date1904`,
// from 1904-01-01. Returns nullopt for kPlain and for serials outside 1900-01-01..9999-12-31
// (or below one day for a date), which are then shown as numbers.
std::optional<std::string> FormatSerial(double serial, NumberKind kind, bool date1904);

}  // namespace muster::tabular
