// The learning-rate schedule: linear warmup, then cosine, linear or constant.
#pragma once

#include "options.h"

#include <cstdint>

// the learning rate of optimizer step `step` (0-based) of `total_steps`
float lr_at(const tt_options & o, int64_t step, int64_t total_steps);
