#include "latency_svg.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace adieu::tools {

namespace {

constexpr double kWidth = 860, kHeight = 500;
constexpr double kLeft = 70, kRight = 230, kTop = 50, kBottom = 60;
constexpr const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                   "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string fmt(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const size_t i = std::min(sorted.size() - 1, static_cast<size_t>(q * (sorted.size() - 1) + 0.5));
  return sorted[i];
}

}  // namespace

bool write_latency_svg(const std::string& path, const std::string& title,
                       std::vector<LatencySeries> series, std::string* error) {
  series.erase(std::remove_if(series.begin(), series.end(),
                              [](const LatencySeries& s) { return s.ms.empty(); }),
               series.end());
  double lo = 1e300, hi = 0;
  for (LatencySeries& s : series) {
    std::sort(s.ms.begin(), s.ms.end());
    lo = std::min(lo, std::max(s.ms.front(), 0.01));
    hi = std::max(hi, s.ms.back());
  }
  if (series.empty()) lo = 1, hi = 10;
  // Whole decades on the x axis.
  const double dlo = std::floor(std::log10(lo));
  const double dhi = std::max(dlo + 1, std::ceil(std::log10(std::max(hi, lo))));
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto x_of = [&](double ms) {
    const double v = std::log10(std::max(ms, 0.01));
    return kLeft + (std::clamp(v, dlo, dhi) - dlo) / (dhi - dlo) * plot_w;
  };
  auto y_of = [&](double fraction) { return kTop + (1 - fraction) * plot_h; };

  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << kLeft << "\" y=\"25\" font-size=\"15\">" << escape(title) << "</text>\n";
  // Grid: decades (and 2x, 5x) across, every 10% up.
  for (double d = dlo; d <= dhi; ++d) {
    for (double m : {1.0, 2.0, 5.0}) {
      const double ms = m * std::pow(10.0, d);
      if (std::log10(ms) > dhi + 1e-9) break;
      const double x = x_of(ms);
      svg << "<line x1=\"" << fmt(x) << "\" y1=\"" << kTop << "\" x2=\"" << fmt(x) << "\" y2=\""
          << kTop + plot_h << "\" stroke=\"" << (m == 1 ? "#bbb" : "#eee") << "\"/>\n";
      if (m == 1) {
        svg << "<text x=\"" << fmt(x) << "\" y=\"" << kTop + plot_h + 18
            << "\" text-anchor=\"middle\">" << (ms < 1 ? fmt(ms, 2) : fmt(ms, 0)) << "</text>\n";
      }
    }
  }
  for (int p = 0; p <= 100; p += 10) {
    const double y = y_of(p / 100.0);
    svg << "<line x1=\"" << kLeft << "\" y1=\"" << fmt(y) << "\" x2=\"" << kLeft + plot_w
        << "\" y2=\"" << fmt(y) << "\" stroke=\"" << (p % 50 == 0 ? "#bbb" : "#eee") << "\"/>\n"
        << "<text x=\"" << kLeft - 8 << "\" y=\"" << fmt(y + 4) << "\" text-anchor=\"end\">" << p
        << "%</text>\n";
  }
  svg << "<text x=\"" << kLeft + plot_w / 2 << "\" y=\"" << kHeight - 15
      << "\" text-anchor=\"middle\">connection latency, ms (log scale)</text>\n"
      << "<text transform=\"translate(18," << kTop + plot_h / 2
      << ") rotate(-90)\" text-anchor=\"middle\">connections done within</text>\n";
  // One step curve per ending, at most ~400 points each.
  for (size_t i = 0; i < series.size(); ++i) {
    const LatencySeries& s = series[i];
    const char* color = kColors[i % (sizeof(kColors) / sizeof(kColors[0]))];
    const size_t n = s.ms.size();
    const size_t step = std::max<size_t>(1, n / 400);
    svg << "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" << color << "\" points=\"";
    for (size_t k = 0; k < n; k += step) {
      svg << fmt(x_of(s.ms[k])) << "," << fmt(y_of(static_cast<double>(k + 1) / n)) << " ";
    }
    svg << fmt(x_of(s.ms.back())) << "," << fmt(y_of(1.0)) << "\"/>\n";
    const double ly = kTop + 14 + 34 * static_cast<double>(i);
    const double lx = kLeft + plot_w + 15;
    svg << "<line x1=\"" << lx << "\" y1=\"" << ly - 4 << "\" x2=\"" << lx + 20 << "\" y2=\""
        << ly - 4 << "\" stroke=\"" << color << "\" stroke-width=\"3\"/>\n"
        << "<text x=\"" << lx + 26 << "\" y=\"" << ly << "\">" << escape(s.name) << " (" << n
        << ")</text>\n"
        << "<text x=\"" << lx + 26 << "\" y=\"" << ly + 14
        << "\" fill=\"#555\" font-size=\"11\">p50 " << fmt(quantile(s.ms, 0.5)) << "  p99 "
        << fmt(quantile(s.ms, 0.99)) << " ms</text>\n";
  }
  svg << "</svg>\n";

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << svg.str();
  out.close();
  if (!out) {
    *error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace adieu::tools
