// Time in the QUIC engine: Instant, Duration and kNever are the public ones
// (adieu/quic_time.h), since the application passes the time in.
#pragma once

#include <adieu/quic_time.h>
