// What this machine can physically move, measured when the bench starts: the
// bound past which a byte rate cannot be a measurement (validity.h).
#pragma once

#include <string>

#include "validity.h"

namespace adieu::bench {

// memcpy between two 8 KiB buffers that stay in the L1 data cache, the best of
// several rounds, with the benchmark's clock (meter::select_clock() first).
// Every byte a TLS record layer or an AEAD handles is at least loaded and
// stored once, as memcpy does, and from no nearer than L1, so no byte rate can
// be above this copy rate; MachineLimits::max_MBps is twice it, so that a
// disturbed measurement of the copy cannot refuse a true figure.
double measure_l1_copy_MBps();
MachineLimits measure_machine();

// "AMD EPYC, 2 CPUs": the CPU model (/proc/cpuinfo) and the CPUs available.
std::string describe_machine();

}  // namespace adieu::bench
