// File > Export: the traffic view's rows as text, CSV or a hex dump.

#include "traffic_view.hpp"

#include "actors/log_record.hpp"

#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>

namespace client {

namespace {

std::string utf8(const wxString& text) {
  return text.ToStdString(wxConvUTF8);
}

// A CSV field: quoted when it holds a comma, a quote or a line break, with
// quotes doubled (RFC 4180).
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos)
    return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}

// `bytes` as hex-dump lines: offset, 16 bytes in hex, the printable ones.
void hex_lines(std::ostream& out, std::string_view bytes) {
  char line[96];
  for (std::size_t at = 0; at < bytes.size(); at += 16) {
    auto n = std::min<std::size_t>(16, bytes.size() - at);
    int used = std::snprintf(line, sizeof line, "  %08zx ", at);
    for (std::size_t i = 0; i < 16; ++i)
      used += i < n ? std::snprintf(line + used, sizeof line - used, " %02x",
                                    static_cast<unsigned char>(bytes[at + i]))
                    : std::snprintf(line + used, sizeof line - used, "   ");
    out.write(line, used);
    out << "  |";
    for (std::size_t i = 0; i < n; ++i) {
      auto c = static_cast<unsigned char>(bytes[at + i]);
      out << (c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.');
    }
    out << "|\n";
  }
}

} // namespace

std::size_t TrafficView::Export(std::ostream& out, ExportFormat format,
                                bool selected_only) const {
  std::size_t first = 0, last = ShownRows();
  if (selected_only) {
    auto range = SelectedRange();
    if (!range)
      return 0;
    first = range->first;
    last = range->second + 1;
  }
  if (format == ExportFormat::csv)
    out << "time,connection,direction,size,peer,payload\r\n";
  for (auto shown = first; shown < last; ++shown) {
    auto index = ModelIndex(shown);
    auto& row = model_.At(index);
    auto cells = Cells(shown, 0); // the payload is written from the model
    // Text and CSV: payloads escaped as the view shows them as text (\n,
    // \xHH), so a binary frame cannot break a line; the hex dump has the bytes.
    std::string escaped;
    actors::append_escaped(escaped, model_.Text(index));
    auto peer = std::string{model_.Peer(index)};
    switch (format) {
      case ExportFormat::text:
        out << utf8(cells.time) << '\t' << utf8(cells.connection) << '\t'
            << utf8(cells.direction) << '\t' << utf8(cells.size) << '\t'
            << (peer.empty() ? std::string{} : peer + " ") << escaped << '\n';
        break;
      case ExportFormat::csv:
        out << csv_field(utf8(cells.time)) << ',' << utf8(cells.connection) << ','
            << csv_field(utf8(cells.direction)) << ',' << utf8(cells.size) << ','
            << csv_field(peer) << ',' << csv_field(escaped) << "\r\n";
        break;
      case ExportFormat::hex_dump:
        out << utf8(cells.time) << "  conn " << utf8(cells.connection) << "  "
            << utf8(cells.direction);
        if (row.kind == actors::ui_event_kind::frame) {
          out << "  " << row.size << " bytes" << (peer.empty() ? "" : "  " + peer) << '\n';
          hex_lines(out, model_.Text(index));
        } else {
          out << "  " << escaped << '\n';
        }
        break;
    }
  }
  return last - first;
}

ExportFormat ExportFormatFor(const std::string& path, ExportFormat chosen) {
  auto dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos)
    return chosen;
  auto extension = path.substr(dot + 1);
  for (auto& c : extension)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension == "csv")
    return ExportFormat::csv;
  if (extension == "hex")
    return ExportFormat::hex_dump;
  if (extension == "txt" || extension == "tsv")
    return ExportFormat::text;
  return chosen;
}

} // namespace client
