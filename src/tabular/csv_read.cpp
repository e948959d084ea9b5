#include <utility>
#include <vector>

#include "tabular/csv.h"
#include "tabular/encoding.h"

namespace muster::tabular {
namespace {

using Row = std::vector<std::string>;

Error LineError(size_t line, std::string what, std::string reason) {
  Error e = BadRequest("line " + std::to_string(line) + ": " + std::move(what), "file");
  e.reason = std::move(reason);
  return e;
}

// Returns the delimiter a tab-separated first line implies: tabs and no commas outside quotes.
char SniffDelimiter(std::string_view text) {
  bool in_quotes = false;
  size_t commas = 0;
  size_t tabs = 0;
  for (char c : text) {
    if (c == '"') in_quotes = !in_quotes;
    if (in_quotes) continue;
    if (c == '\n' || c == '\r') break;
    commas += c == ',';
    tabs += c == '\t';
  }
  return tabs > 0 && commas == 0 ? '\t' : ',';
}

// A single pass over decoded text. Lines are counted at LF, CRLF and lone CR, inside quoted
// fields too, so that errors point where an editor shows the problem.
class CsvParser {
 public:
  CsvParser(std::string_view text, const Limits& limits) : text_(text), limits_(limits) {}

  Result<std::vector<Row>> Parse() {
    ReadSeparatorHint();
    std::vector<Row> rows;
    Row row;
    while (pos_ < text_.size()) {
      if (rows.size() >= limits_.max_rows) {
        return LineError(line_, "more than " + std::to_string(limits_.max_rows) + " rows",
                         "too_large");
      }
      MUSTER_TRY(ParseRecord(row));
      rows.push_back(std::move(row));
    }
    while (!rows.empty() && IsBlank(rows.back())) rows.pop_back();
    return rows;
  }

 private:
  static bool IsBlank(const Row& row) {
    for (const auto& cell : row) {
      if (!cell.empty()) return false;
    }
    return true;
  }

  void ReadSeparatorHint() {
    std::string_view t = text_;
    bool hint = t.starts_with("sep=") && t.size() >= 5 && t[4] != '"' && t[4] != '\r' &&
                t[4] != '\n' && (t.size() == 5 || t[5] == '\r' || t[5] == '\n');
    if (!hint) {
      delimiter_ = SniffDelimiter(text_);
      return;
    }
    delimiter_ = t[4];
    pos_ = 5;
    SkipLineEnd();
  }

  bool AtLineEnd() const {
    return pos_ >= text_.size() || text_[pos_] == '\n' || text_[pos_] == '\r';
  }

  void SkipLineEnd() {
    if (pos_ >= text_.size()) return;
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  Status ParseRecord(Row& row) {
    row.clear();
    size_t first_line = line_;
    if (AtLineEnd()) {
      SkipLineEnd();
      return Ok();
    }
    while (true) {
      size_t cell_line = line_;
      std::string cell;
      if (text_[pos_] == '"') MUSTER_TRY(ParseQuoted(cell, cell_line));
      ParseUnquoted(cell);
      MUSTER_TRY(CheckCell(row, cell, first_line, cell_line));
      row.push_back(std::move(cell));
      if (pos_ < text_.size() && text_[pos_] == delimiter_) {
        ++pos_;
        continue;
      }
      SkipLineEnd();
      return Ok();
    }
  }

  Status CheckCell(const Row& row, const std::string& cell, size_t first_line, size_t cell_line) {
    if (cell.size() > limits_.max_cell_bytes) {
      return LineError(cell_line,
                       "a cell is longer than " + std::to_string(limits_.max_cell_bytes) + " bytes",
                       "too_large");
    }
    if (row.size() >= limits_.max_columns) {
      return LineError(first_line, "more than " + std::to_string(limits_.max_columns) + " columns",
                       "too_large");
    }
    if (++cells_ > limits_.max_cells) {
      return LineError(first_line, "more than " + std::to_string(limits_.max_cells) + " cells",
                       "too_large");
    }
    return Ok();
  }

  // Appends the content of the quoted field at pos_ and leaves pos_ after its closing quote.
  Status ParseQuoted(std::string& cell, size_t start_line) {
    ++pos_;
    while (true) {
      size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        return LineError(start_line, "unterminated quoted field", "syntax");
      }
      std::string_view part = text_.substr(pos_, quote - pos_);
      CountLines(part, quote);
      cell.append(part);
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        cell.push_back('"');
        ++pos_;
        continue;
      }
      return Ok();
    }
  }

  void CountLines(std::string_view part, size_t end) {
    for (size_t i = 0; i < part.size(); ++i) {
      if (part[i] == '\n') ++line_;
      bool cr_alone =
          part[i] == '\r' &&
          (i + 1 < part.size() ? part[i + 1] != '\n' : end >= text_.size() || text_[end] != '\n');
      if (cr_alone) ++line_;
    }
  }

  void ParseUnquoted(std::string& cell) {
    const char stops[] = {delimiter_, '\r', '\n', '\0'};
    size_t end = text_.find_first_of(stops, pos_);
    if (end == std::string_view::npos) end = text_.size();
    cell.append(text_.substr(pos_, end - pos_));
    pos_ = end;
  }

  std::string_view text_;
  const Limits& limits_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t cells_ = 0;
  char delimiter_ = ',';
};

Status CheckNotWorkbook(std::string_view bytes) {
  if (!bytes.starts_with("PK\x03\x04") && !bytes.starts_with("\xD0\xCF\x11\xE0")) return Ok();
  Error e = BadRequest("this is an Excel workbook, not a CSV file", "file");
  e.reason = "not_csv";
  return e;
}

Status CheckNoNul(std::string_view text) {
  size_t nul = text.find('\0');
  if (nul == std::string_view::npos) return Ok();
  size_t line = 1;
  for (size_t i = 0; i < nul; ++i) line += text[i] == '\n';
  return LineError(line, "NUL character; this does not look like a text file", "encoding");
}

}  // namespace

Result<Sheet> ReadCsv(std::string_view bytes, std::string name, const Limits& limits) {
  MUSTER_TRY(CheckNotWorkbook(bytes));
  MUSTER_ASSIGN(DecodedText decoded, DecodeText(bytes));
  MUSTER_TRY(CheckNoNul(decoded.text));
  CsvParser parser(decoded.text, limits);
  MUSTER_ASSIGN(auto rows, parser.Parse());
  return Sheet{std::move(name), std::move(rows)};
}

}  // namespace muster::tabular
