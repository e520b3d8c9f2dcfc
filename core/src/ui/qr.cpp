#include <jcode/ui/browser.hpp>

#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <memory>

namespace jcode::ui {

Result<std::string> render_qr(std::string_view text, const QrOptions& options) {
  if (text.empty()) return Error{JCODE_E_INVALID_ARG, "nothing to encode in a QR code"};
  struct Free {
    void operator()(QRcode* q) const { QRcode_free(q); }
  };
  errno = 0;
  std::unique_ptr<QRcode, Free> qr(QRcode_encodeData(
      static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()), 0,
      QR_ECLEVEL_L));
  if (!qr) {
    return Error{JCODE_E_INVALID_ARG,
                 errno == ERANGE ? "text too long for a QR code (" + std::to_string(text.size()) + " bytes)"
                                 : std::string("could not make a QR code")};
  }
  const int width = qr->width;
  const int quiet = std::max(0, options.quiet_zone);
  const int size = width + 2 * quiet;
  // ink: drawn as a filled block. By default the light modules are ink (see QrOptions).
  auto ink = [&](int x, int y) -> bool {
    x -= quiet;
    y -= quiet;
    const bool dark = x >= 0 && y >= 0 && x < width && y < width &&
                      (qr->data[static_cast<size_t>(y) * width + x] & 1) != 0;
    return options.invert ? dark : !dark;
  };

  std::string out;
  if (options.ascii) {
    out.reserve(static_cast<size_t>(size) * (2 * size + 1));
    for (int y = 0; y < size; ++y) {
      for (int x = 0; x < size; ++x) out += ink(x, y) ? "##" : "  ";
      out += '\n';
    }
    return out;
  }
  out.reserve(static_cast<size_t>((size + 1) / 2) * (3 * size + 1));
  for (int y = 0; y < size; y += 2) {
    for (int x = 0; x < size; ++x) {
      const bool top = ink(x, y);
      const bool bottom = y + 1 < size && ink(x, y + 1);
      out += top ? (bottom ? "\u2588" : "\u2580") : (bottom ? "\u2584" : " ");
    }
    out += '\n';
  }
  return out;
}

}  // namespace jcode::ui
